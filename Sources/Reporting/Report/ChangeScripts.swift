import AWSModel
import IAMPolicy
import PolicySynthesis

/// `apply.sh` and `rollback.sh`: a block per account (its profile from `--profile-map`), in the order
/// that keeps a rollback possible from where apply.sh ran: apply.sh changes each account's endpoint
/// policies before its bucket locks, rollback.sh undoes the locks first. Only ready drafts are changed;
/// a review draft's line is written commented out after its reasons; an unsafe draft is only named. A
/// draft whose account is not known is never changed: its credentials could not be checked.
extension ChangeFiles {
    enum Direction {
        case apply, rollback

        var script: String { self == .apply ? "apply.sh" : "rollback.sh" }
    }

    static func apply(_ drafts: [Draft], files: [String: String], profiles: [AccountID: String] = [:]) -> String {
        var out = ScriptLibrary.start(script: "apply.sh", nothing: "nothing applied", purpose: """
            # Applies the drafts whose verdict is ready, account by account, endpoint policies before bucket locks;
            # rollback.sh puts back the policies saved in current/.
            """)
        out += checks(drafts.filter { $0.verdict != .unsafe && step($0, .apply) != nil }, files: files)
        out += blocks(drafts, .apply, profiles: profiles)
        if !drafts.contains(where: { $0.verdict == .ready && changeable($0, .apply) }) {
            // Said as it is: a review block a person uncommented has run by then.
            out += "\necho 'no draft was ready when Perimeter wrote this script: only blocks uncommented by hand were applied' >&2\n"
        }
        return out
    }

    /// What undoes apply.sh: the saved current policy back, or the bucket policy deleted where there was none.
    static func rollback(_ drafts: [Draft], profiles: [AccountID: String] = [:]) -> String {
        ScriptLibrary.start(script: "rollback.sh", nothing: "nothing rolled back", purpose: """
            # Puts back, for each draft apply.sh applies, the policy in force when Perimeter ran (current/),
            # account by account, bucket locks before endpoint policies.
            """) + blocks(drafts.filter { $0.verdict != .unsafe }, .rollback, profiles: profiles)
    }

    /// Before the first change: each draft apply.sh names (ready, or review and commented out) is the one
    /// it was written with (`sha256sum --check`: not replaced, not edited, not a mix of two runs), and
    /// within its limit: an endpoint policy's 20,480 characters, a bucket policy's 20 KB.
    static func checks(_ drafts: [Draft], files: [String: String]) -> String {
        guard !drafts.isEmpty else { return "" }
        var out = """

            # Before the first change: the drafts are the ones this script was written with, each within its limit.
            command -v sha256sum >/dev/null || fail 'sha256sum (GNU coreutils) is needed to check the drafts'
            sha256sum --check --strict --quiet <<'DIGESTS' || fail 'a draft is not the one this script was written with'

            """
        for d in drafts { out += SHA256.hex(Array((files[d.file] ?? "").utf8)) + "  " + d.file + "\n" }
        out += """
            DIGESTS
            within() {   # file, limit, what wc counts (-m characters, -c bytes)
                local size
                size=$(LC_ALL=C.UTF-8 wc "$3" < "$1")
                [ "$size" -le "$2" ] || fail "$1 is $size, over its limit of $2"
            }

            """
        for d in drafts {
            out += d.kind.isEndpoint ? "within \(d.file) \(Synthesizer.endpointPolicyLimit) -m\n"
                                     : "within \(d.file) \(Synthesizer.bucketPolicyLimit) -c\n"
        }
        return out
    }

    /// The accounts' blocks, run twice (checks, then changes), and the drafts no block can hold (named only).
    static func blocks(_ drafts: [Draft], _ direction: Direction, profiles: [AccountID: String]) -> String {
        let known = drafts.filter { $0.account?.isNumeric == true }
        var out = ""
        if !known.isEmpty {
            out += "\nfor phase in check change; do\n"
            for account in Set(known.compactMap(\.account)).sorted() {
                let profile = profiles[account].flatMap { ProfileMap.isWellFormed($0) ? $0 : nil }
                let drafts = ordered(known.filter { $0.account == account }, direction)
                out += "\n# account \(account): " + (profile.map { "profile \($0) (--profile-map)" } ?? "the default credentials") + "\n"
                // An account with nothing to change is not asked for: its credentials may not be at hand.
                if !drafts.contains(where: { changeable($0, direction) }) {
                    out += "#   nothing ready here: uncomment with a line below\n# "
                }
                out += "account \(ScriptLibrary.word(account.rawValue))" + (profile.map { " " + ScriptLibrary.word($0) } ?? "") + "\n"
                for d in drafts { out += entry(d, direction) }
            }
            out += "\ndone\n"
        }
        for d in drafts where d.account?.isNumeric != true {
            out += "\n# \(d.label)\n#   not \(direction == .apply ? "applied" : "rolled back"): its account is not known (the inventory "
                + "names no owner), so the credentials could not be checked\n"
        }
        return out
    }

    /// Endpoint policies before bucket locks in apply.sh, locks first in rollback.sh; otherwise as given.
    static func ordered(_ drafts: [Draft], _ direction: Direction) -> [Draft] {
        let rank = { (d: Draft) in d.kind.isEndpoint == (direction == .apply) ? 0 : 1 }
        return drafts.enumerated().sorted { (rank($0.element), $0.offset) < (rank($1.element), $1.offset) }.map(\.element)
    }

    /// True when the draft is ready, its account known, and its script has a line that changes it.
    static func changeable(_ d: Draft, _ direction: Direction) -> Bool {
        d.verdict == .ready && d.account?.isNumeric == true && step(d, direction) != nil
    }

    /// One draft's lines in one script.
    static func entry(_ d: Draft, _ direction: Direction) -> String {
        var out = "\n# \(d.label)\n"
        guard let line = step(d, direction) else {
            return out + (direction == .apply ? "#   not written: the Region is not known\n"
                : "#   no rollback: the policy in force is not in the inventory, so it was not saved; export it before applying\n")
        }
        if direction == .apply, !d.kind.isEndpoint, !d.draft.statements.contains(where: { $0.sid == BucketLockBuilder.adminSid }) {
            out += "#   no --admin-principal: once applied, only the account's root user, the principals the lock exempts and callers\n"
                + "#   through the endpoints it answers can change or delete this bucket's policy (rollback.sh included): apply.sh\n"
                + "#   stops before it unless its caller is one of them (--via-endpoint ID says it runs through such an endpoint)\n"
        }
        switch (d.verdict, direction) {
        case (.ready, _): out += line + "\n"
        case (.review, .apply): out += "#   review: read its reasons in report.md, then uncomment:\n# \(line)\n"
        case (.review, .rollback): out += "#   (apply.sh leaves this draft commented out)\n# \(line)\n"
        case (.unsafe, _): out += "#   unsafe: not applied (see report.md)\n"
        }
        return out
    }

    /// The line that changes one policy (see ``ScriptLibrary``): `endpoint REGION ID FROM TO`, `bucket NAME
    /// FROM TO`, or `lock NAME FROM TO ENDPOINT... -- ARN...`; nil when it cannot be written (no Region for
    /// an endpoint; for a rollback, nothing saved to put back).
    static func step(_ d: Draft, _ direction: Direction) -> String? {
        let w = ScriptLibrary.word
        let current = d.currentSaved ? d.current : d.currentAbsent && !d.kind.isEndpoint ? "none" : nil
        switch (d.kind, direction) {
        case (.endpoint, _):
            guard let region = d.region else { return nil }
            let (from, to) = direction == .apply ? (current ?? "unknown", d.file) : (d.file, current)
            return to.map { "endpoint \(w(region)) \(w(d.id)) \(w(from)) \(w($0))" }
        case (.bucket, .rollback):
            return current.map { "bucket \(w(d.id)) \(w(d.file)) \(w($0))" }
        case (.bucket, .apply):
            let from = current ?? "unknown"
            guard let exempt = administrators(d) else { return "bucket \(w(d.id)) \(w(from)) \(w(d.file))" }
            return "lock \(w(d.id)) \(w(from)) \(w(d.file)) " + (d.lockEndpoints.map(w) + ["--"] + exempt.map(w)).joined(separator: " ")
        }
    }

    /// For a lock, the principal ARNs its statement over the bucket-policy actions exempts (the admin
    /// statement's, else the lock's): who may still change the policy besides the root user; nil for a
    /// policy that is not a lock.
    static func administrators(_ d: Draft) -> [String]? {
        let statements = d.draft.statements
        guard let governing = statements.first(where: { $0.sid == BucketLockBuilder.adminSid })
                ?? statements.first(where: { $0.sid == BucketLockBuilder.lockSid }) else { return nil }
        return governing.conditions.filter { $0.key.lowercased() == "aws:principalarn" }.flatMap { $0.values.map(\.text) }
    }
}
