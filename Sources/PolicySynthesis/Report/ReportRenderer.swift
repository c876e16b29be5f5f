import AWSModel
import Foundation
import IAMPolicy

/// Renders a synthesis into the files Perimeter writes: policies, diffs, report.md, report.html and
/// summary.json. Pure and deterministic: the same result gives the same bytes.
public enum ReportRenderer {
    /// Relative path → file content.
    public static func files(_ r: SynthesisResult) -> [String: String] {
        var files: [String: String] = [:]
        // Beside each draft, the policy it was compared with (`current/`): what a rollback restores.
        for e in r.endpoints {
            files["endpoints/\(e.endpoint.id).json"] = PolicyWriter.write(e.draft)
            files["endpoints/\(e.endpoint.id).diff"] = e.diff
            if e.currentKnown { files["current/endpoints/\(e.endpoint.id).json"] = PolicyWriter.write(e.current) }
        }
        for b in r.buckets {
            files["buckets/\(b.bucket).json"] = PolicyWriter.write(b.draft)
            files["buckets/\(b.bucket).diff"] = b.diff
            if let current = b.current { files["current/buckets/\(b.bucket).json"] = PolicyWriter.write(current) }
        }
        let drafts = ChangeFiles.drafts(r)
        files["apply.sh"] = ChangeFiles.apply(drafts)
        files["rollback.sh"] = ChangeFiles.rollback(drafts)
        files["perimeter.tf"] = ChangeFiles.terraform(drafts)
        let lines = reportLines(r)
        files["report.md"] = lines.map(\.markdown).joined(separator: "\n")
        files["report.html"] = HTMLRenderer.page(title: "Perimeter report", lines: lines)
        files["summary.json"] = summaryJSON(r)
        return files
    }

    static func time(_ t: Int64) -> String { t == 0 ? "—" : Timestamp.iso8601(t) }
    static func n(_ v: Int64) -> String {
        let s = String(v)
        var out = ""
        for (i, c) in s.reversed().enumerated() {
            if i > 0 && i % 3 == 0 && c != "-" { out.append(",") }
            out.append(c)
        }
        return String(out.reversed())
    }
    static func code(_ s: String) -> ReportLine { "\(code: s)" }

    /// The report as Markdown.
    public static func markdown(_ r: SynthesisResult) -> String { reportLines(r).map(\.markdown).joined(separator: "\n") }

    /// The report's lines; its first lines say what is unsafe.
    static func reportLines(_ r: SynthesisResult) -> [ReportLine] {
        var md: [ReportLine] = ["# Perimeter report", ""]
        let window = "\(r.options.since ?? "the first logged day") to \(r.options.until ?? "the last logged day")"
        md.append("Window: \(window). Granularity: `\(r.options.granularity.rawValue)`. Trusted accounts: \(r.trustedAccounts.map { code($0.rawValue) }.joined(separator: ", ")).")
        md.append("")
        md += verdictLines(r)
        md += riskLines(r)
        md += endpointsTable(r)
        for e in r.endpoints { md += endpointSection(e) }
        md += awsOwnedSection(r) + reviewSection(r) + denialsSection(r) + lockSection(r)
        md += flowSection(r.flows)
        md += ["## Assumptions", ""]
        for a in r.assumptions { md.append("- \(a)") }
        md.append("")
        return md
    }

    /// The report's first lines after the verdicts: every risk, out loud.
    static func riskLines(_ r: SynthesisResult) -> [ReportLine] {
        var md: [ReportLine] = []
        // Then every risk, out loud.
        let total = r.endpoints.reduce(Int64(0)) { $0 + $1.replay.requests }
        let allowed = r.endpoints.reduce(Int64(0)) { $0 + $1.replay.allowed }
        let replayed = r.endpoints.allSatisfy(\.replay.passed) && r.buckets.allSatisfy(\.replay.passed)
        let exceeding = r.endpoints.reduce(0) { $0 + $1.grantCheck.exceeding.count }
        if r.replayPassed {
            md.append("- **Replay passed**: the drafts allow \(n(allowed)) of \(n(total)) requests that succeeded through the endpoints, every bucket lock keeps every logged request, and no draft grants more than the policy in force.")
        } else if replayed {
            md.append("- **GRANT CHECK FAILED**: the replay passed (\(n(allowed)) of \(n(total)) requests allowed), but \(exceeding) grant\(exceeding == 1 ? "" : "s") of the drafts go beyond the policy in force; see the endpoints below. Do not apply these drafts.")
        } else {
            md.append("- **REPLAY FAILED**: \(n(allowed)) of \(n(total)) requests allowed; see the endpoints and buckets marked FAILED below. Do not apply these drafts.")
        }
        if !r.flows.coverageGaps.isEmpty {
            md.append("- **\(r.options.acceptCoverageGaps ? "Coverage gaps (accepted with --accept-coverage-gaps)" : "UNSAFE: coverage gaps")**: \(r.flows.coverageGaps.count) source\(r.flows.coverageGaps.count == 1 ? " sends" : "s send") traffic through an endpoint with no CloudTrail request through it; the drafts would break them:")
            for g in r.flows.coverageGaps {
                md.append("  - \(code(g.endpoint)): \(code(g.sourceAddress))\(g.instances.isEmpty ? "" : " (\(g.instances.joined(separator: ", ")))"), \(n(g.bytes)) bytes, \(time(g.firstSeen)) to \(time(g.lastSeen))")
            }
        }
        let heldRequests = r.review.reduce(Int64(0)) { $0 + $1.requests }
        if !r.review.isEmpty {
            md.append("- **Review needed**: \(r.review.count) request group\(r.review.count == 1 ? "" : "s") (\(n(heldRequests)) requests) reached resources or came from principals outside the trusted accounts, named no resource, or were not IAM actions; the drafts do **not** allow them (see [Review](#review)).")
        }
        if !r.flows.bypass.isEmpty {
            md.append("- **Bypass**: \(r.flows.bypass.count) source\(r.flows.bypass.count == 1 ? " reaches" : "s reach") S3 or DynamoDB without an endpoint; endpoint policies do not protect that traffic (see [Flow evidence](#flow-evidence)).")
        }
        let unused = r.endpoints.filter { $0.replay.requests == 0 && $0.replay.heldForReview == 0 }
        if !unused.isEmpty {
            md.append("- **No logged use**: \(unused.map { code($0.endpoint.id.rawValue) }.joined(separator: ", ")) carried no authorized request in the window; \(unused.count == 1 ? "its draft refuses" : "their drafts refuse") everything. Apply only if the trail covers \(unused.count == 1 ? "that endpoint" : "those endpoints") (data events, every account that uses \(unused.count == 1 ? "it" : "them")).")
        }
        if r.rejectedRecords > 0 {
            md.append("- **Rejected records**: \(n(r.rejectedRecords)) record\(r.rejectedRecords == 1 ? "" : "s") in the store could not be read; what \(r.rejectedRecords == 1 ? "it" : "they") did is not in the drafts (`perimeter rejects` lists each with its file, line and reason).")
        }
        let unknownCodes = Dictionary(grouping: r.denials.filter { $0.outcome == .unclassifiedError }, by: { $0.errorCode ?? "(no code)" })
        if !unknownCodes.isEmpty {
            let list = unknownCodes.sorted { $0.key < $1.key }.map { "\(code($0.key)) (\(n($0.value.reduce(0) { $0 + $1.requests })))" as ReportLine }
            md.append("- **Unknown error codes**: \(list.joined(separator: ", ")); Perimeter does not know whether these requests were authorized, so the drafts do not allow them (see [Denials](#denials)).")
        }
        let vpceDenials = r.denials.filter(\.byEndpointPolicy)
        if !vpceDenials.isEmpty {
            md.append("- **Endpoint policy denials in the window**: \(vpceDenials.count) request group\(vpceDenials.count == 1 ? "" : "s") (see [Denials](#denials)).")
        }
        md.append("")

        return md
    }

    /// One row per endpoint draft.
    static func endpointsTable(_ r: SynthesisResult) -> [ReportLine] {
        var md: [ReportLine] = []
        md += ["## Endpoints", ""]
        md.append("| endpoint | service | requests | principals | replay | draft size | access removed |")
        md.append("|---|---|---|---|---|---|---|")
        for e in r.endpoints {
            md.append("| \(code(e.endpoint.id.rawValue)) | \(e.service) \(e.endpoint.type?.lowercased() ?? "(type unknown)") | \(n(e.requests)) | \(e.principals.count) | \(e.replay.passed && e.grantCheck.exceeding.isEmpty ? "" : "FAILED ")\(n(e.replay.allowed)) of \(n(e.replay.requests)) | \(n(Int64(e.size))) | \((PolicyDiff.summary(e.current))) → \((PolicyDiff.summary(e.draft))) |")
        }
        md.append("")

        return md
    }

    /// The AWS-owned buckets the drafts allow, with the evidence.
    static func awsOwnedSection(_ r: SynthesisResult) -> [ReportLine] {
        var md: [ReportLine] = []
        md += ["## AWS-owned buckets", ""]
        if r.awsOwned.isEmpty {
            md += ["None recognized.", ""]
        } else {
            md.append("| endpoint | service | bucket | how accessed | evidence | source |")
            md.append("|---|---|---|---|---|---|")
            for o in r.awsOwned {
                md.append("| \(code(o.endpoint)) | \(o.service): \(o.feature) | \(code(o.bucket)) | \(o.access) | \(o.inferred ? "inferred: " : "")\((o.evidence)) | \(link: "source", to: o.source) |")
            }
            md.append("")
        }

        return md
    }

    /// Requests held for review.
    static func reviewSection(_ r: SynthesisResult) -> [ReportLine] {
        var md: [ReportLine] = []
        md += ["## Review", ""]
        if r.review.isEmpty {
            md += ["Nothing to review: every request that succeeded stayed within the trusted accounts or reached AWS-owned buckets.", ""]
        } else {
            md.append("Not allowed by the drafts. To allow one after review, run again with `--allow-resource ARN-PATTERN`.")
            md.append("")
            md.append("| endpoint | principal | action | resource | owner | why | requests | first seen | last seen |")
            md.append("|---|---|---|---|---|---|---|---|---|")
            for i in r.review {
                md.append("| \(code(i.endpoint)) | \(code(i.principal)) | \(i.action) | \(code(i.resource)) | \(i.owner ?? "unknown") | \(i.reason) | \(n(i.requests)) | \(time(i.firstSeen)) | \(time(i.lastSeen)) |")
            }
            md.append("")
        }

        return md
    }

    /// Requests that were not authorized.
    static func denialsSection(_ r: SynthesisResult) -> [ReportLine] {
        var md: [ReportLine] = []
        md += ["## Denials", ""]
        if r.denials.isEmpty {
            md += ["No denied request in the window.", ""]
        } else {
            md.append("Denied, unauthenticated and unclassified requests are never turned into permissions.")
            md.append("")
            md.append("| endpoint | principal | action | resource | error | outcome | by endpoint policy | requests | first seen |")
            md.append("|---|---|---|---|---|---|---|---|---|")
            for d in r.denials.sorted(by: { ($0.endpoint ?? "", $0.resource, $0.principal) < ($1.endpoint ?? "", $1.resource, $1.principal) }) {
                md.append("| \(d.endpoint.map(code) ?? "none") | \(code(d.principal)) | \(d.action) | \(code(d.resource)) | \(d.errorCode ?? "") | \(d.outcome.rawValue) | \(d.byEndpointPolicy ? "yes" : "no") | \(n(d.requests)) | \(time(d.firstSeen)) |")
            }
            md.append("")
        }

        return md
    }

    /// One subsection per bucket lock.
    static func lockSection(_ r: SynthesisResult) -> [ReportLine] {
        var md: [ReportLine] = []
        md += ["## Bucket locks", ""]
        if r.buckets.isEmpty { md += ["No bucket of ours was reached through an endpoint.", ""] }
        for b in r.buckets {
            md.append("### \(b.bucket)")
            md.append("")
            md.append("- owner: \(b.owner.map { code($0.rawValue) } ?? "unknown"); answers only \(b.endpoints.map(code).joined(separator: ", ")) and the exceptions below")
            md.append("- replay: \(b.replay.passed ? "" : "FAILED: ")\(n(b.replay.allowed)) of \(n(b.replay.requests)) logged requests keep working (none is explicitly denied)")
            md.append("- size: \(n(Int64(b.size))) of \(n(Int64(Synthesizer.bucketPolicyLimit))) characters; current policy \(b.current == nil ? "not in the inventory (none assumed)" : "kept, with the lock added")\(b.currentSource.map { " (from \(code($0)))" as ReportLine } ?? "")")
            if b.exceptions.isEmpty {
                md.append("- exceptions: none (no access from outside the endpoints in the window)")
            } else {
                md.append("- exceptions:")
                for x in b.exceptions { md.append("  - \(x)") }
            }
            for f in b.replay.failures { md.append("- FAILED: \(f.principal) \(f.action) \(f.resource) (\(f.requests) requests) → \(f.decision)") }
            md.append("")
        }

        return md
    }


    /// The first lines: each draft that is not ready, the worst first, with its reasons.
    static func verdictLines(_ r: SynthesisResult) -> [ReportLine] {
        let drafts: [(verdict: Verdict, name: String, file: String, reasons: [Diagnostic])] =
            r.endpoints.map { ($0.verdict, $0.endpoint.id.rawValue, "endpoints/\($0.endpoint.id.rawValue).json", $0.reasons) }
            + r.buckets.map { ($0.verdict, $0.bucket, "buckets/\($0.bucket).json", $0.reasons) }
        let ready = drafts.filter { $0.verdict == .ready }.count
        var md: [ReportLine] = ["## Verdicts", ""]
        md.append(drafts.isEmpty ? "**REVIEW** overall: no draft; nothing the store holds went through a VPC endpoint."
                  : "**\(r.verdict.rawValue.uppercased())** overall: \(ready) of \(drafts.count) drafts ready.")
        md.append("")
        for d in drafts.filter({ $0.verdict != .ready }).sorted(by: { ($1.verdict, $0.name) < ($0.verdict, $1.name) }) {
            md.append("- **\(d.verdict.rawValue.uppercased())** \(link: d.name, to: d.file): \(d.reasons.map { "\($0.message) (\($0.code.rawValue))" as ReportLine }.joined(separator: "; "))")
        }
        if ready < drafts.count { md.append("") }
        let tested = r.endpoints.compactMap { e in e.backtest.map { (e.endpoint.id.rawValue, $0) } }
        if let first = tested.first?.1 {
            md.append("Backtest (drafts learned without \(first.from) to \(first.through), replayed on those days):")
            md.append("")
            for (id, t) in tested {
                md.append("- \(code(id)): \(t.refused) of \(t.requests) held-out requests refused (\(String(format: "%.1f", t.refusedShare * 100))%)\(t.refusedRequests.isEmpty ? "" : ": ")\(t.refusedRequests.prefix(5).map { "\(code($0.principal)) \($0.action) \(code($0.resource))" as ReportLine }.joined(separator: "; "))")
            }
            md.append("")
        }
        return md
    }

    static func endpointSection(_ e: EndpointResult) -> [ReportLine] {
        var md: [ReportLine] = ["### \(e.endpoint.id.rawValue)", ""]
        md.append("- \(e.service) \(e.endpoint.type?.lowercased() ?? "endpoint (type unknown)") in \(e.region)\(e.endpoint.vpcID.map { ", \(code($0))" as ReportLine } ?? "")")
        md.append("- requests: \(n(e.requests)) from \(e.principals.count) principal\(e.principals.count == 1 ? "" : "s")")
        md.append("- replay: \(e.replay.passed ? "" : "FAILED: ")\(n(e.replay.allowed)) of \(n(e.replay.requests)) authorized requests allowed; \(n(e.replay.heldForReview)) held for review (blocked on purpose); \(n(e.replay.deniedRequests)) denied in the window, \(n(e.replay.deniedStillRefused)) still refused")
        for f in e.replay.failures { md.append("  - FAILED: \(code(f.principal)) \(f.action) \(code(f.resource)) (\(f.requests)) → \(f.decision)") }
        for d in e.replay.deniedNowAllowed { md.append("  - note: \(code(d.principal)) \(d.action) \(code(d.resource)) was denied by another policy; the draft would let it through the endpoint") }
        md.append("- grant check: \(e.grantCheck.checked) action × resource × principal combinations; \(e.grantCheck.exceeding.count) exceed the \(e.currentKnown ? "current" : "assumed default") policy; \(e.grantCheck.unprovable.count) cannot be proven from logs alone")
        for x in e.grantCheck.exceeding { md.append("  - EXCEEDS: \(x)") }
        md.append("- size: \(n(Int64(e.size))) of \(n(Int64(Synthesizer.endpointPolicyLimit))) characters")
        for c in e.coarsened { md.append("- coarsened: \(c)") }
        for note in e.notes { md.append("- note: \(note)") }
        md.append("- access: \(PolicyDiff.summary(e.current)) → \(PolicyDiff.summary(e.draft))")
        md.append(e.currentKnown ? "- current policy: from \(code(e.endpoint.policySource ?? "the inventory"))" : "- current policy: not in the inventory; the allow-all default is assumed")
        md.append("")
        md.append("| statement | actions | resources | principals | requests | first seen | last seen |")
        md.append("|---|---|---|---|---|---|---|")
        for s in e.draft.statements {
            let ev = e.evidence[s.sid ?? ""]
            let named = e.statementPrincipals[s.sid ?? ""] ?? []
            let who: ReportLine = named.isEmpty ? (ev?.reason.map { "anyone (AWS-owned: \($0))" } ?? "anyone")
                : named.map { code($0.arn) }.joined(separator: ", ")
            md.append("| \(s.sid ?? "") | \(s.action.patterns.joined(separator: ", ")) | \(s.resource?.patterns.map(code).joined(separator: ", ") ?? "") | \(who) | \(n(ev?.requests ?? 0)) | \(time(ev?.firstSeen ?? 0)) | \(time(ev?.lastSeen ?? 0)) |")
        }
        md.append("")
        md.append("Unused permissions of the \(e.currentKnown ? "current" : "assumed default") policy (actions of \(e.service)):")
        md.append("")
        md.append("| statement | used | used but denied | granted, unused | granted, not observable |")
        md.append("|---|---|---|---|---|")
        for u in e.usage {
            func list(_ a: [String]) -> String { a.isEmpty ? "0" : "\(a.count): \(a.prefix(6).joined(separator: ", "))\(a.count > 6 ? ", …" : "")" }
            md.append("| \(u.statement) | \(list(u.used)) | \(list(u.usedButDenied)) | \(list(u.unused)) | \(list(u.notObservable)) |")
        }
        md.append("")
        return md
    }

    static func flowSection(_ f: FlowFindings) -> [ReportLine] {
        var md: [ReportLine] = ["## Flow evidence", ""]
        guard f.flowRecords > 0 else {
            return md + ["No flow log records in the store: coverage gaps, bypass and AWS-owned buckets used without CloudTrail cannot be seen.", ""]
        }
        md.append("\(n(f.flowRecords)) flow records.")
        md.append("")
        md += ["### Who uses each endpoint", ""]
        md.append("| endpoint | source | instances | principals (CloudTrail, same address or instance) | bytes | flows | first seen | last seen |")
        md.append("|---|---|---|---|---|---|---|---|")
        for s in f.sources {
            md.append("| \(code(s.endpoint)) | \(code(s.sourceAddress)) | \(s.instances.joined(separator: ", ")) | \(s.principals.isEmpty ? "none" : s.principals.map(code).joined(separator: ", ")) | \(n(s.bytes)) | \(n(s.flows)) | \(time(s.firstSeen)) | \(time(s.lastSeen)) |")
        }
        md += ["", "### Coverage gaps", ""]
        if f.coverageGaps.isEmpty {
            md.append("None found: every source of traffic to an endpoint the flow logs can tell apart also made CloudTrail requests through it. An endpoint whose traffic cannot be told apart says so in its verdict (`coverage-not-checked`).")
        }
        for g in f.coverageGaps { md.append("- \(code(g.endpoint)) \(code(g.sourceAddress)) \(g.instances.joined(separator: ", ")): \(n(g.bytes)) bytes; \(g.reason)") }
        md += ["", "### Bypass", ""]
        if f.bypass.isEmpty { md.append("None: no S3 or DynamoDB traffic left through an internet or NAT gateway.") }
        for b in f.bypass {
            md.append("- \(code(b.sourceAddress)) \(b.instances.joined(separator: ", ")) → \(b.service) through traffic path \(b.trafficPath) (\(b.trafficPath == 8 ? "internet gateway" : b.trafficPath == 1 ? "a same-VPC hop to the service's public addresses: a NAT gateway" : "internet gateway, no gateway endpoint in the VPC")): \(n(b.bytes)) bytes, \(time(b.firstSeen)) to \(time(b.lastSeen)); principals: \(b.principals.isEmpty ? "unknown" : b.principals.map(code).joined(separator: ", ")). Endpoint policies do not apply to this traffic (a bucket in another Region is the usual cause).")
        }
        md += ["", "### AWS-owned buckets inferred without CloudTrail", ""]
        if f.inferred.isEmpty { md.append("None.") }
        for i in f.inferred { md.append("- \(code(i.endpoint)): \(i.service), \(i.feature) → \(code(i.bucket)); evidence: \(i.evidence)") }
        md += ["", "### Not needed per the logs", ""]
        md.append(f.notNeeded.isEmpty ? "None." : "Catalog entries nothing in the logs supports, left out of the drafts: \(f.notNeeded.joined(separator: "; ")).")
        md.append("")
        return md
    }
}
