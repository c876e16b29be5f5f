import AWSModel
import Foundation
import IAMPolicy

/// What a change needs besides the drafts: `apply.sh` and `rollback.sh` with the AWS CLI commands,
/// and `perimeter.tf` with the drafts as Terraform resources. Only drafts whose verdict is *ready* are
/// applied; a *review* draft's command is written commented out, after its reasons, for a human to
/// uncomment once they have read them; an *unsafe* draft is only named.
enum ChangeFiles {
    /// One draft as the scripts see it.
    struct Draft {
        enum Kind { case endpoint(region: String), bucket }
        var kind: Kind
        /// The endpoint id or bucket name (validated: they name files, and they stand in commands).
        var id: String
        var verdict: Verdict
        var reasons: [Diagnostic]
        /// The policy in force was saved in `current/` (else a rollback cannot restore it).
        var currentSaved: Bool
        /// The inventory declares the bucket has no policy: a rollback deletes the lock's policy.
        var currentAbsent = false
        var draft: PolicyDocument

        var file: String { kind.isEndpoint ? "endpoints/\(id).json" : "buckets/\(id).json" }
        var current: String { "current/" + file }
        var label: String { "\(kind.isEndpoint ? "endpoint" : "bucket") \(id): \(verdict.rawValue)\(reasons.isEmpty ? "" : " (\(reasons.map(\.code.rawValue).joined(separator: ", ")))")" }
    }

    static func drafts(_ r: SynthesisResult) -> [Draft] {
        let endpoints = r.endpoints.map {
            Draft(kind: .endpoint(region: $0.region), id: $0.endpoint.id.rawValue, verdict: $0.verdict, reasons: $0.reasons,
                  currentSaved: $0.currentKnown, draft: $0.draft)
        }
        let buckets = r.buckets.map {
            Draft(kind: .bucket, id: $0.bucket, verdict: $0.verdict, reasons: $0.reasons, currentSaved: $0.current != nil,
                  currentAbsent: $0.currentDeclaredAbsent, draft: $0.draft)
        }
        return endpoints + buckets
    }

    /// A Region as it may stand in a command.
    static func isRegion(_ s: String) -> Bool { !s.isEmpty && RegionName.isWellFormed(s) }

    // MARK: scripts

    static let header = """
        #!/usr/bin/env bash
        # Written by Perimeter from the drafts beside it. Read report.md and each .diff first.
        set -euo pipefail
        cd "$(dirname "$0")"

        """

    /// `aws ec2 modify-vpc-endpoint` / `aws s3api put-bucket-policy` for the ready drafts, after checking
    /// the drafts it names; `files` holds their text (relative path → content, as written).
    static func apply(_ drafts: [Draft], files: [String: String]) -> String {
        var out = header + "\n# Applies the drafts whose verdict is ready; rollback.sh puts back the policies saved in current/.\n"
        out += checks(drafts.filter { $0.verdict != .unsafe && applyCommand($0) != nil }, files: files)
        var applied = 0
        for d in drafts {
            out += "\n# \(d.label)\n"
            guard let command = applyCommand(d) else { out += "#   not written: the Region is not known\n"; continue }
            if !d.kind.isEndpoint, !d.draft.statements.contains(where: { $0.sid == BucketLockBuilder.adminSid }) {
                out += "#   no --admin-principal: once applied, only the account's root user and callers through the endpoints the lock\n"
                    + "#   answers can change or delete this bucket's policy (rollback.sh included); run both from such a caller\n"
            }
            switch d.verdict {
            case .ready:
                out += command + "\n"
                applied += 1
            case .review:
                out += "#   review: read its reasons in report.md, then uncomment:\n# \(command)\n"
            case .unsafe:
                out += "#   unsafe: not applied (see report.md)\n"
            }
        }
        if applied == 0 { out += "\necho 'no draft is ready: nothing applied' >&2\n" }
        return out
    }

    /// Before the first change: each draft apply.sh names (ready, or review and commented out) is the one
    /// it was written with (`sha256sum --check`: not replaced, not edited, not a mix of two runs), and
    /// within its limit: an endpoint policy's 20,480 characters, a bucket policy's 20 KB.
    static func checks(_ drafts: [Draft], files: [String: String]) -> String {
        guard !drafts.isEmpty else { return "" }
        var out = """

            # Before the first change: the drafts are the ones this script was written with, each within its limit.
            fail() { echo "apply.sh: $1: nothing applied" >&2; exit 1; }
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

    /// What undoes apply.sh: the saved current policy back, or the bucket policy deleted where there was none.
    static func rollback(_ drafts: [Draft]) -> String {
        var out = header + "\n# Puts back, for each draft apply.sh applies, the policy in force when Perimeter ran (current/).\n"
        for d in drafts where d.verdict != .unsafe {
            out += "\n# \(d.label)\n"
            guard let command = rollbackCommand(d) else {
                out += "#   no rollback: the policy in force is not in the inventory, so it was not saved; export it before applying\n"
                continue
            }
            out += d.verdict == .ready ? command + "\n" : "#   (apply.sh leaves this draft commented out)\n# \(command)\n"
        }
        return out
    }

    static func applyCommand(_ d: Draft) -> String? {
        switch d.kind {
        case .endpoint(let region):
            guard isRegion(region) else { return nil }
            return "aws ec2 modify-vpc-endpoint --region \(region) --vpc-endpoint-id \(d.id) --policy-document file://\(d.file)"
        case .bucket:
            return "aws s3api put-bucket-policy --bucket \(d.id) --policy file://\(d.file)"
        }
    }

    static func rollbackCommand(_ d: Draft) -> String? {
        switch d.kind {
        case .endpoint(let region):
            guard isRegion(region), d.currentSaved else { return nil }
            return "aws ec2 modify-vpc-endpoint --region \(region) --vpc-endpoint-id \(d.id) --policy-document file://\(d.current)"
        case .bucket:
            // Deleted only where the inventory declares there was none: a policy missing from the export is not absent.
            if d.currentSaved { return "aws s3api put-bucket-policy --bucket \(d.id) --policy file://\(d.current)" }
            return d.currentAbsent ? "aws s3api delete-bucket-policy --bucket \(d.id)" : nil
        }
    }

    // MARK: Terraform

    /// The ready drafts as `aws_vpc_endpoint_policy` and `aws_s3_bucket_policy` resources, each policy
    /// in a heredoc with Terraform's template sequences (`${`, `%{`) escaped, so a policy variable or a
    /// literal `${*}` stays text. `terraform fmt` leaves it as it is.
    static func terraform(_ drafts: [Draft]) -> String {
        var out = "# Written by Perimeter: the drafts whose verdict is ready, as Terraform resources.\n"
        out += "# Read report.md and each .diff first. A resource here replaces the policy Terraform or the console set before.\n"
        let left = drafts.filter { $0.verdict != .ready }
        if !left.isEmpty {
            out += "#\n# Left out:\n" + left.map { "#   \($0.label)\n" }.joined()
        }
        var used: Set<String> = []
        for d in drafts where d.verdict == .ready {
            var name = resourceName(d.id)
            while used.contains(name) { name += "_" }
            used.insert(name)
            let policy = PolicyWriter.write(d.draft).split(separator: "\n", omittingEmptySubsequences: false)
                .map { $0.isEmpty ? "" : "    " + escapeTemplate(String($0)) }.joined(separator: "\n")
            switch d.kind {
            case .endpoint:
                out += "\nresource \"aws_vpc_endpoint_policy\" \"\(name)\" {\n  vpc_endpoint_id = \"\(d.id)\"\n  policy          = <<-EOT\n"
            case .bucket:
                out += "\nresource \"aws_s3_bucket_policy\" \"\(name)\" {\n  bucket = \"\(d.id)\"\n  policy = <<-EOT\n"
            }
            out += policy.hasSuffix("\n") ? policy : policy + "\n"
            out += "  EOT\n}\n"
        }
        return out
    }

    /// A Terraform resource name from an id: letters, digits, `_` and `-`, beginning with a letter or `_`.
    static func resourceName(_ id: String) -> String {
        let name = String(id.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
        return name.first?.isLetter == true ? name : "_" + name
    }

    /// `${` and `%{` begin template sequences in a Terraform heredoc: doubled, they are text.
    static func escapeTemplate(_ line: String) -> String {
        line.replacingOccurrences(of: "${", with: "$${").replacingOccurrences(of: "%{", with: "%%{")
    }
}

extension ChangeFiles.Draft.Kind {
    var isEndpoint: Bool { if case .endpoint = self { true } else { false } }
}
