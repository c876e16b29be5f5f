import AWSModel
import Foundation
import IAMPolicy
import Inventory
public import PolicySynthesis

/// Renders a synthesis into the files Perimeter writes: policies, diffs, report.md, report.html and
/// summary.json. Pure and deterministic: the same result gives the same bytes.
public enum ReportRenderer {
    /// Relative path → file content.
    public static func files(_ r: SynthesisResult) -> [String: String] {
        var files: [String: String] = [:]
        // Beside each draft, the policy it was compared with (`current/`): what a rollback restores. The paths are
        // the change files' (grouped by account and Region when the drafts span several).
        let drafts = ChangeFiles.drafts(r)
        for (e, d) in zip(r.endpoints, drafts) {
            files[d.file] = PolicyWriter.write(e.draft)
            files[d.diffFile] = ChangeFiles.placedDiff(e.diff, d)
            if e.currentKnown { files[d.current] = PolicyWriter.write(e.current) }
        }
        for (b, d) in zip(r.buckets, drafts.dropFirst(r.endpoints.count)) {
            files[d.file] = PolicyWriter.write(b.draft)
            files[d.diffFile] = ChangeFiles.placedDiff(b.diff, d)
            if let current = b.current { files[d.current] = PolicyWriter.write(current) }
        }
        if let perimeter = r.perimeter { files[OrganizationPerimeter.file] = PolicyWriter.write(perimeter.draft) }
        files["apply.sh"] = ChangeFiles.apply(drafts, files: files, profiles: r.options.profiles)
        files["rollback.sh"] = ChangeFiles.rollback(drafts, profiles: r.options.profiles)
        files["perimeter.tf"] = ChangeFiles.terraform(drafts, profiles: r.options.profiles)
        // summary.json on another core while the report is laid out and rendered.
        var summary = ""
        let pages = Synthesizer.concurrently(1, alongside: { summary = summaryJSON(r) }) { _ in
            let blocks = report(r)
            return (MarkdownRenderer.document(blocks), HTMLRenderer.page(title: "Perimeter report", blocks: blocks))
        }
        (files["report.md"], files["report.html"]) = pages[0]
        files["summary.json"] = summary
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
    /// Bytes as people read them: `413 MB`, `1.2 kB`, `512 bytes` (decimal units, as AWS bills them).
    static func bytes(_ v: Int64) -> String {
        let units = ["kB", "MB", "GB", "TB", "PB", "EB"]
        guard v >= 1000 else { return "\(v) byte\(v == 1 ? "" : "s")" }
        var value = Double(v), unit = -1
        while value >= 1000, unit < units.count - 1 { value /= 1000; unit += 1 }
        return (value < 10 ? String(format: "%.1f", value) : String(Int(value.rounded()))) + " " + units[unit]
    }
    static func code(_ s: String) -> ReportLine { "\(code: s)" }
    static func code(_ id: some RawRepresentable<String>) -> ReportLine { "\(code: id)" }

    /// The first `limit` of `list` (in `order` when given: the largest first) as items, and one saying how
    /// many more there are.
    static func capped<T>(_ list: [T], _ limit: Int = ListCap.items, by order: ((T, T) -> Bool)? = nil, noun: String,
                          _ item: (T) -> ReportItem) -> [ReportItem] {
        capped(order.map { ListCap.first(list, limit, by: $0) } ?? ListCap.first(list, limit), noun: noun, item)
    }

    /// The items of a list cut already (`shown`), and one saying how many more there are.
    static func capped<T>(_ cut: (shown: [T], more: Int), noun: String, _ item: (T) -> ReportItem) -> [ReportItem] {
        cut.shown.map(item) + (cut.more == 0 ? [] : [ReportItem("… and \(n(Int64(cut.more))) more \(noun)")])
    }

    /// The first `limit` of `values` as code, then how many more there are.
    static func names(_ values: [String], _ limit: Int = 5) -> ReportLine {
        let (shown, more) = ListCap.first(values, limit)
        return "\(shown.map(code).joined(separator: ", "))\(more == 0 ? "" : ", and \(n(Int64(more))) more")"
    }
    static func plural(_ count: Int, _ noun: String) -> String { "\(n(Int64(count))) \(noun)\(count == 1 ? "" : "s")" }

    /// The report as Markdown.
    public static func markdown(_ r: SynthesisResult) -> String { MarkdownRenderer.document(report(r)) }

    /// The report's blocks: the verdicts first, then every risk, the pictures, and the evidence.
    static func report(_ r: SynthesisResult) -> [ReportBlock] {
        var blocks: [ReportBlock] = [.heading(level: 1, "Perimeter report", id: "perimeter-report")]
        blocks += notEnforceableBlocks(r) + verdictBlocks(r) + inventoryBlocks(r)
        blocks.append(.contents(sections(r)))
        blocks += riskBlocks(r)
        let charts = ReportCharts.all(r)
        if !charts.isEmpty { blocks += [.heading(level: 2, "At a glance", id: "at-a-glance")] + charts.map(ReportBlock.chart) }
        blocks += endpointsTable(r)
        for e in r.endpoints.sorted(by: { naturalOrder($0.endpoint.id.rawValue, $1.endpoint.id.rawValue) }) { blocks += endpointSection(e) }
        blocks += awsOwnedSection(r) + reviewSection(r) + denialsSection(r) + lockSection(r) + perimeterSection(r) + flowSection(r.flows)
        blocks.append(.heading(level: 2, "Assumptions", id: "assumptions"))
        blocks.append(r.assumptions.isEmpty ? .paragraph("None.")
                      : .list(capped(r.assumptions, noun: "assumptions") { ReportItem("\($0)") }))
        return blocks
    }

    static func sections(_ r: SynthesisResult) -> [(label: String, id: String)] {
        [("Risks", "risks")] + (r.endpoints.isEmpty ? [] : [("At a glance", "at-a-glance")])
            + [("Endpoints", "endpoints"), ("AWS-owned buckets", "aws-owned-buckets"), ("Review", "review"), ("Denials", "denials"),
               ("Bucket locks", "bucket-locks"), ("Flow evidence", "flow-evidence"), ("Assumptions", "assumptions")]
    }

    /// The window as the data has it: the days asked for, and the first and last day logged.
    static func window(_ r: SynthesisResult) -> String {
        let asked = r.options.since != nil || r.options.until != nil
            ? " (asked: \(r.options.since ?? "…") to \(r.options.until ?? "…"))" : ""
        guard let logged = r.loggedDays else { return "no logged day\(asked)" }
        let days = (Timestamp.parseISO8601(logged.last + "T00:00:00Z").flatMap { last in
            Timestamp.parseISO8601(logged.first + "T00:00:00Z").map { Int((last - $0) / 86_400) + 1 } }) ?? 0
        return "\(logged.first) to \(logged.last), \(plural(days, "day"))\(asked)"
    }

    /// The first screen: the overall verdict, and each draft's, the worst first, with what it changes and its files.
    static func verdictBlocks(_ r: SynthesisResult) -> [ReportBlock] {
        let rows = ChangeFiles.drafts(r).map { d in
            let change: ReportLine
            if let e = r.endpoints.first(where: { $0.endpoint.id.rawValue == d.id && d.kind.isEndpoint }) {
                change = "\(PolicyDiff.summary(e.current)) → \(PolicyDiff.summary(e.draft))"
            } else {
                let endpoints = r.buckets.first { $0.bucket == d.id }?.endpoints ?? []
                change = "answers only \(endpoints.map(code).joined(separator: ", ")) (and its exceptions)"
            }
            let label = d.kind.isEndpoint ? r.endpoints.first { $0.endpoint.id.rawValue == d.id }?.endpoint.label ?? "" : ""
            return VerdictRow(draft: d, change: change, label: label)
        }.sorted { $0.draft.verdict != $1.draft.verdict ? $0.draft.verdict > $1.draft.verdict : naturalOrder($0.draft.id, $1.draft.id) }
        let ready = rows.filter { $0.draft.verdict == .ready }.count
        let summary: ReportLine = rows.isEmpty
            ? "\(bold: "REVIEW") overall: no draft; nothing the store holds went through a VPC endpoint."
            : """
                \(bold: r.verdict.rawValue.uppercased()) overall: \(ready) of \(plural(rows.count, "draft")) ready. Window: \(window(r)). \
                Granularity: \(code: r.options.granularity.rawValue). Trusted accounts: \
                \(r.trustedAccounts.map { code($0.rawValue) }.joined(separator: ", ")).
                """
        var blocks: [ReportBlock] = [.paragraph(summary)]
        if !rows.isEmpty { blocks.append(.verdicts(rows)) }
        blocks += missingEvidenceBlocks(r)
        let tested = r.endpoints.compactMap { e in e.backtest.map { (e.endpoint.id.rawValue, $0) } }
        if let first = tested.first?.1 {
            let items = tested.map { id, t in
                let refused = t.refusedRequests.prefix(5).map { "\(code($0.principal)) \($0.action) \(code($0.resource))" as ReportLine }
                return ReportItem("""
                    \(code: id): \(t.refused) of \(t.requests) held-out requests refused \
                    (\(String(format: "%.1f", t.refusedShare * 100))%)\(refused.isEmpty ? "" : ": ")\(refused.joined(separator: "; "))
                    """)
            }
            blocks.append(.paragraph("Backtest (drafts learned without \(first.from) to \(first.through), replayed on those days):"))
            blocks.append(.callout(tested.contains { $0.1.refused > 0 } ? .review : .ready, items))
        }
        return blocks
    }

    /// Every risk, out loud: the checks, coverage gaps, exfiltration attempts, what needs review.
    static func riskBlocks(_ r: SynthesisResult) -> [ReportBlock] {
        let replay = replayRisk(r), gaps = coverageGapRisks(r), accepted = r.options.acceptCoverageGaps
        let unsafe = (replay.unsafe ? [replay.item] : []) + (accepted ? [] : gaps) + exfiltrationRisks(r)
        let review = (accepted ? gaps : []) + reviewRisks(r)
        let fine = (replay.unsafe ? [] : [replay.item]) + endpointDenialRisks(r)
        var blocks: [ReportBlock] = [.heading(level: 2, "Risks", id: "risks")]
        if !unsafe.isEmpty { blocks.append(.callout(.unsafe, unsafe)) }
        if !review.isEmpty { blocks.append(.callout(.review, review)) }
        if !fine.isEmpty { blocks.append(.callout(.ready, fine)) }
        return blocks
    }

    /// The replay and the grant check, passed or not (unsafe when not).
    static func replayRisk(_ r: SynthesisResult) -> (item: ReportItem, unsafe: Bool) {
        let total = r.endpoints.reduce(Int64(0)) { $0 + $1.replay.requests }
        let allowed = r.endpoints.reduce(Int64(0)) { $0 + $1.replay.allowed }
        let replayed = r.endpoints.allSatisfy(\.replay.passed) && r.buckets.allSatisfy(\.replay.passed)
        let exceeding = r.endpoints.reduce(0) { $0 + $1.grantCheck.exceeding.count }
        if r.replayPassed {
            return (ReportItem("""
                \(bold: "Replay passed"): the drafts allow \(n(allowed)) of \(n(total)) requests that succeeded through the endpoints, \
                every bucket lock keeps every logged request, and no draft grants more than the policy in force.
                """), false)
        } else if replayed {
            return (ReportItem("""
                \(bold: "GRANT CHECK FAILED"): the replay passed (\(n(allowed)) of \(n(total)) requests allowed), but \
                \(plural(exceeding, "grant")) of the drafts go beyond the policy in force; see the endpoints below. Do not \
                apply these drafts.
                """), true)
        } else {
            return (ReportItem("""
                \(bold: "REPLAY FAILED"): \(n(allowed)) of \(n(total)) requests allowed; see the endpoints and buckets marked FAILED \
                below. Do not apply these drafts.
                """), true)
        }
    }

    /// The coverage gaps, counted (listed once, under Flow evidence): unsafe unless accepted.
    static func coverageGapRisks(_ r: SynthesisResult) -> [ReportItem] {
        guard !r.flows.coverageGaps.isEmpty else { return [] }
        let line: ReportLine = """
            \(bold: r.options.acceptCoverageGaps ? "Coverage gaps (accepted with --accept-coverage-gaps)" : "UNSAFE: coverage gaps"): \
            \(plural(r.flows.coverageGaps.count, "source")) send\(r.flows.coverageGaps.count == 1 ? "s" : "") traffic through an \
            endpoint with no CloudTrail request through it; the drafts would break them (see \
            \(link: "Coverage gaps", to: "#coverage-gaps")).
            """
        return [ReportItem(line)]
    }

    /// What is said of an owner only a record claims (``Denial/ownerClaimed``): no evidence of whose the bucket is.
    static func claimed(_ d: Denial) -> String { d.ownerClaimed == true ? " as the record claims: not in the inventory" : "" }

    /// Synthesis's possible exfiltration attempts: denied writes to buckets outside the trusted accounts.
    static func exfiltrationRisks(_ r: SynthesisResult) -> [ReportItem] {
        let exfiltration = r.possibleExfiltration
        guard !exfiltration.isEmpty else { return [] }
        let attempts = capped(ListCap.exfiltration(exfiltration), noun: "request groups") { d in
            ReportItem("""
                \(code: d.principal) \(d.action) \(code: d.resource) (owner \(d.owner.map(code) ?? "unknown")\(claimed(d)), \
                \(plural(Int(d.requests), "request")), \(time(d.firstSeen)))
                """)
        }
        let requests = exfiltration.reduce(Int64(0)) { $0.addingSaturated($1.requests) }
        return [ReportItem("""
            \(bold: "Possible exfiltration"): \(plural(Int(clamping: requests), "denied write")) in \
            \(plural(exfiltration.count, "request group")) to buckets outside the trusted accounts \
            (the drafts keep refusing them; who tried deserves a look):
            """, attempts)]
    }

    /// What a human decides before applying: review items, bypass, unused endpoints, rejects, unknown error codes.
    static func reviewRisks(_ r: SynthesisResult) -> [ReportItem] {
        var review: [ReportItem] = []
        if !r.review.isEmpty {
            let held = r.review.reduce(Int64(0)) { $0 + $1.requests }
            review.append(ReportItem("""
                \(bold: "Review needed"): \(plural(r.review.count, "request group")) (\(n(held)) requests) reached resources or came from \
                principals outside the trusted accounts, named no resource, or were not IAM actions; the drafts do not allow them (see \
                \(link: "Review", to: "#review")).
                """))
        }
        if !r.flows.bypass.isEmpty {
            review.append(ReportItem("""
                \(bold: "Bypass"): \(plural(r.flows.bypass.count, "source")) reach\(r.flows.bypass.count == 1 ? "es" : "") S3 or DynamoDB \
                without an endpoint; endpoint policies do not protect that traffic (see \(link: "Flow evidence", to: "#flow-evidence")).
                """))
        }
        let unused = r.endpoints.filter { $0.replay.requests == 0 && $0.replay.heldForReview == 0 }
        if !unused.isEmpty {
            review.append(ReportItem("""
                \(bold: "No logged use"): \(names(unused.map(\.endpoint.id.rawValue), ListCap.items)) carried no authorized request in \
                the window; \(unused.count == 1 ? "its draft refuses" : "their drafts refuse") everything. Apply only if the trail covers \
                \(unused.count == 1 ? "that endpoint" : "those endpoints") (data events, every account that uses \
                \(unused.count == 1 ? "it" : "them")).
                """))
        }
        if r.rejectedRecords > 0 {
            review.append(ReportItem("""
                \(bold: "Rejected records"): \(plural(Int(r.rejectedRecords), "record")) in the store could not be read; what \
                \(r.rejectedRecords == 1 ? "it" : "they") did is not in the drafts (\(code: "perimeter rejects") lists each with its \
                file, line and reason).
                """))
        }
        let unknownCodes = Dictionary(grouping: r.denials.filter { $0.outcome == .unclassifiedError }, by: { $0.errorCode ?? "(no code)" })
        if !unknownCodes.isEmpty {
            let list = unknownCodes.sorted { $0.key < $1.key }
                .map { "\(code($0.key)) (\(n($0.value.reduce(0) { $0 + $1.requests })))" as ReportLine }
            review.append(ReportItem("""
                \(bold: "Unknown error codes"): \(list.joined(separator: ", ")); Perimeter does not know whether these requests were \
                authorized, so the drafts do not allow them (see \(link: "Denials", to: "#denials")).
                """))
        }
        return review
    }

    /// Today's endpoint policies refused requests in the window: said, never a permission.
    static func endpointDenialRisks(_ r: SynthesisResult) -> [ReportItem] {
        let vpceDenials = r.denials.filter(\.byEndpointPolicy)
        guard !vpceDenials.isEmpty else { return [] }
        let groups = plural(vpceDenials.count, "request group")
        return [ReportItem("""
            \(bold: "Endpoint policy denials in the window"): \(groups) refused by today's policy, never a permission \
            (see \(link: "Denials", to: "#denials")).
            """)]
    }

    /// One row per endpoint draft.
    static func endpointsTable(_ r: SynthesisResult) -> [ReportBlock] {
        let rows: [[ReportLine]] = r.endpoints.sorted { naturalOrder($0.endpoint.id.rawValue, $1.endpoint.id.rawValue) }.map { e in
            ["\(link: e.endpoint.id.rawValue, to: "#" + HTMLRenderer.anchor(e.endpoint.id.rawValue))",
                "\(e.service) \(e.endpoint.type?.lowercased() ?? "(type unknown)")",
             "\(n(e.requests))", "\(e.principals.count)",
             "\(e.replay.passed && e.grantCheck.exceeding.isEmpty ? "" : "FAILED ")\(n(e.replay.allowed)) of \(n(e.replay.requests))",
             "\(n(Int64(e.size)))",
             "\(PolicyDiff.summary(e.current)) → \(PolicyDiff.summary(e.draft))"]
        }
        return [.heading(level: 2, "Endpoints", id: "endpoints"),
                .table(ReportTable(header: ["endpoint", "service", "requests", "principals", "replay", "draft size", "access removed"],
                    rows: rows, noun: "endpoints"))]
    }

    /// The AWS-owned buckets the drafts allow, with the evidence.
    static func awsOwnedSection(_ r: SynthesisResult) -> [ReportBlock] {
        let head = ReportBlock.heading(level: 2, "AWS-owned buckets", id: "aws-owned-buckets")
        guard !r.awsOwned.isEmpty else { return [head, .paragraph("None recognized.")] }
        let rows: [[ReportLine]] = r.awsOwned.map { o in
            [code(o.endpoint), "\(o.service): \(o.feature)", code(o.bucket), "\(o.access)",
                "\(o.inferred ? "inferred: " : "")\(o.evidence)", "\(link: "source", to: o.source)"]
        }
        return [head,
            .table(ReportTable(header: ["endpoint", "service", "bucket", "how accessed", "evidence", "source"], rows: rows,
            noun: "buckets"))]
    }

    /// Requests held for review, the most requested first.
    static func reviewSection(_ r: SynthesisResult) -> [ReportBlock] {
        let head = ReportBlock.heading(level: 2, "Review", id: "review")
        guard !r.review.isEmpty else {
            return [head, .paragraph("""
                Nothing to review: every request that succeeded stayed within the trusted accounts or reached AWS-owned buckets.
                """)]
        }
        let keys: ReportLine = r.options.granularity == .exact ? "" : """
             Object keys are shown folded as the drafts would write them (\(code: r.options.granularity.rawValue) granularity): one row \
            per pattern, its requests summed.
            """
        return [head, .paragraph("""
            Not allowed by the drafts. To allow one after review, run again with \(code: "--allow-resource ARN-PATTERN").\(keys)
            """),
                .table(ReportTable(
                    header: ["endpoint", "principal", "action", "resource", "owner", "why", "requests", "first seen", "last seen"],
                                   r.review, by: ReviewItem.mostRequestedFirst, noun: "request groups") { i in
                    [code(i.endpoint), code(i.principal), "\(i.action)", code(i.resource), "\(i.owner?.rawValue ?? "unknown")",
                     "\(i.reason)", "\(n(i.requests))",
                     "\(time(i.firstSeen))", "\(time(i.lastSeen))"]
                })]
    }

    /// Requests that were not authorized, the most requested first.
    static func denialsSection(_ r: SynthesisResult) -> [ReportBlock] {
        let head = ReportBlock.heading(level: 2, "Denials", id: "denials")
        guard !r.denials.isEmpty else { return [head, .paragraph("No denied request in the window.")] }
        return [head, .paragraph("Denied, unauthenticated and unclassified requests are never turned into permissions."),
                .table(ReportTable(
                    header: ["endpoint", "principal", "action", "resource", "error", "outcome", "by endpoint policy", "requests",
                    "first seen"],
                                   r.denials, by: Denial.mostRequestedFirst, noun: "request groups") { d in
                    [d.endpoint.map(code) ?? "none", code(d.principal), "\(d.action)", code(d.resource), "\(d.errorCode ?? "")",
                        "\(d.outcome.rawValue)",
                     "\(d.byEndpointPolicy ? "yes" : "no")", "\(n(d.requests))", "\(time(d.firstSeen))"]
                })]
    }

    /// The bucket locks.
    static func lockSection(_ r: SynthesisResult) -> [ReportBlock] {
        var blocks: [ReportBlock] = [.heading(level: 2, "Bucket locks", id: "bucket-locks")]
        if r.buckets.isEmpty { blocks.append(.paragraph("No bucket of ours was reached through an endpoint.")) }
        for b in r.buckets.sorted(by: { naturalOrder($0.bucket, $1.bucket) }) {
            var items = [ReportItem("""
                owner: \(b.owner.map { code($0.rawValue) } ?? "unknown"); answers only \
                \(b.endpoints.map(code).joined(separator: ", ")) and the exceptions below
                """),
                         ReportItem("""
                             replay: \(b.replay.passed ? "" : "FAILED: ")\(n(b.replay.allowed)) of \(n(b.replay.requests)) logged \
                             requests keep working (none is explicitly denied)
                             """),
                         ReportItem("""
                             size: \(n(Int64(b.size))) of \(n(Int64(Synthesizer.bucketPolicyLimit))) bytes; current policy \
                             \(b.current == nil ? "not in the inventory (none assumed)" : "kept, with the lock added")\
                             \(b.currentSource.map { " (from \(code($0)))" as ReportLine } ?? "")
                             """)]
            items.append(ReportItem("scope: \(b.lockScopeReason)"))
            items.append(b.exceptions.isEmpty ? ReportItem("exceptions: none (no access from outside the endpoints in the window)")
                                              : ReportItem("exceptions:",
                                                  capped(b.exceptions, 15, noun: "exceptions") { ReportItem("\($0)") }))
            items += capped(b.replay.failures, 10, by: { $0.requests > $1.requests }, noun: "failures") { f in
                ReportItem("FAILED: \(f.principal) \(f.action) \(f.resource) (\(f.requests) requests) → \(f.decision)")
            }
            if !b.held.isEmpty {
                items.append(
                    ReportItem("not exempted (the lock would deny them):", capped(b.held, noun: "callers") { ReportItem("\($0)") }))
            }
            blocks += [.heading(level: 3, "\(b.bucket)", id: "bucket-" + b.bucket), .list(items)] + evidenceBlocks(b.evidenceTable)
        }
        return blocks
    }

    static func endpointSection(_ e: EndpointResult) -> [ReportBlock] {
        var items = [ReportItem("""
            \(e.service) \(e.endpoint.type?.lowercased() ?? "endpoint (type unknown)") in \
            \(e.region)\(e.endpoint.vpcID.map { ", \(code($0))" as ReportLine } ?? "")
            """),
                     ReportItem("requests: \(n(e.requests)) from \(plural(e.principals.count, "principal"))"),
                     ReportItem("""
                         replay: \(e.replay.passed ? "" : "FAILED: ")\(n(e.replay.allowed)) of \(n(e.replay.requests)) authorized \
                         requests allowed; \(n(e.replay.heldForReview)) held for review (blocked on purpose); \
                         \(n(e.replay.deniedRequests)) denied in the window, \(n(e.replay.deniedStillRefused)) still refused
                         """,
                                capped(e.replay.failures, 10, by: { $0.requests > $1.requests }, noun: "failures") { f in
                                    ReportItem("""
                                        FAILED: \(code(f.principal)) \(f.action) \(code(f.resource)) (\(f.requests)) → \(f.decision)
                                        """)
                                } + capped(e.replay.deniedNowAllowed, 10, by: { $0.requests > $1.requests },
                                    noun: "such denied request groups") { d in
                                    ReportItem("""
                                        note: \(code(d.principal)) \(d.action) \(code(d.resource)) was denied by another policy; the \
                                        draft would let it through the endpoint
                                        """)
                                }),
                     ReportItem("""
                         grant check: \(e.grantCheck.checked) action × resource × principal combinations; \
                         \(e.grantCheck.exceeding.count) exceed the \(e.currentKnown ? "current" : "assumed default") policy; \
                         \(e.grantCheck.unprovable.count) cannot be proven from logs alone
                         """,
                                capped(e.grantCheck.exceeding, 10, noun: "grants beyond the current policy") {
                                    ReportItem("EXCEEDS: \($0)")
                                }),
                     ReportItem("size: \(n(Int64(e.size))) of \(n(Int64(Synthesizer.endpointPolicyLimit))) characters")]
        items += capped(e.coarsened, noun: "coarsenings") { ReportItem("coarsened: \($0)") }
        items += capped(e.notes, noun: "notes") { ReportItem("note: \($0)") }
        items.append(ReportItem("access: \(PolicyDiff.summary(e.current)) → \(PolicyDiff.summary(e.draft))"))
        items.append(
            ReportItem(e.currentKnown ? "current policy: from \(code(e.endpoint.policySource ?? "the inventory"))"
            : "current policy: not in the inventory; the allow-all default is assumed"))
        let statements: [[ReportLine]] = ListCap.first(e.draft.statements).shown.map { s in
            let ev = e.evidence[s.sid ?? ""]
            let named = e.statementPrincipals[s.sid ?? ""] ?? []
            let who: ReportLine = named.isEmpty ? (ev?.reason.map { "anyone (AWS-owned: \($0))" } ?? "anyone") : names(named.map(\.arn), 20)
            return ["\(s.sid ?? "")", "\(s.action.patterns.joined(separator: ", "))", names(s.resource?.patterns ?? [], 20), who,
                    "\(n(ev?.requests ?? 0))", "\(time(ev?.firstSeen ?? 0))", "\(time(ev?.lastSeen ?? 0))"]
        }
        func list(_ a: [String]) -> String { a.isEmpty ? "0"
            : "\(a.count): \(a.prefix(6).joined(separator: ", "))\(a.count > 6 ? ", …" : "")" }
        let usage: [[ReportLine]] = e.usage.map { u in
            ["\(u.statement)", "\(list(u.used))", "\(list(u.usedButDenied))", "\(list(u.unused))", "\(list(u.notObservable))"] }
        return [.heading(level: 3, "\(e.endpoint.id.rawValue)", id: e.endpoint.id.rawValue), .list(items)]
            + evidenceBlocks(e.evidenceTable) + [
                .table(ReportTable(header: ["statement", "actions", "resources", "principals", "requests", "first seen", "last seen"],
                                   rows: statements, noun: "statements", more: max(0, e.draft.statements.count - ListCap.items))),
                .paragraph("Unused permissions of the \(e.currentKnown ? "current" : "assumed default") policy (actions of \(e.service)):"),
                .table(ReportTable(header: ["statement", "used", "used but denied", "granted, unused", "granted, not observable"],
                    rows: usage, noun: "statements"))]
    }

    static func flowSection(_ f: FlowFindings) -> [ReportBlock] {
        var blocks: [ReportBlock] = [.heading(level: 2, "Flow evidence", id: "flow-evidence")]
        guard f.flowRecords > 0 else {
            return blocks + [.paragraph("""
                No flow log records in the store: coverage gaps, bypass and AWS-owned buckets used without CloudTrail cannot be seen.
                """)]
        }
        blocks.append(.paragraph("\(n(f.flowRecords)) flow records."))
        let header = ["endpoint", "source", "instances", "principals (CloudTrail, same address or instance)", "bytes", "flows",
            "first seen", "last seen"]
        let sources = ReportTable(header: header, f.sources, by: FlowFindings.largestFirst, noun: "sources") { s in
            ["\(code: s.endpoint)", "\(code: s.sourceAddress)", names(s.instances), s.principals.isEmpty ? "none" : names(s.principals),
             "\(bytes(s.bytes))", "\(n(s.flows))", "\(time(s.firstSeen))", "\(time(s.lastSeen))"]
        }
        blocks += [.heading(level: 3, "Who uses each endpoint", id: "who-uses-each-endpoint"), .table(sources)]
        blocks.append(.heading(level: 3, "Coverage gaps", id: "coverage-gaps"))
        blocks.append(f.coverageGaps.isEmpty
            ? .paragraph("""
                None found: every source of traffic to an endpoint the flow logs can tell apart also made CloudTrail requests through it. \
                An endpoint whose traffic cannot be told apart says so in its verdict \
                (\(code: Diagnostic.Code.coverageNotChecked.rawValue)).
                """)
            : .list(capped(f.coverageGaps, by: FlowFindings.largestFirst, noun: "coverage gaps") { g in
                let seen: ReportLine = "\(time(g.firstSeen)) to \(time(g.lastSeen))"
                return ReportItem("""
                    \(code(g.endpoint)) \(code(g.sourceAddress)) \(names(g.instances)): \(bytes(g.bytes)), \(seen); \(g.reason)
                    """)
            }))
        if !f.unexplainedVolume.isEmpty {
            blocks.append(.heading(level: 3, "Unexplained volume", id: "unexplained-volume"))
            blocks.append(.list(capped(f.unexplainedVolume, by: FlowFindings.largestFirst, noun: "sources") { g in
                let explained = "\(bytes(g.creditedBytes)) of it explained"
                let host: ReportLine = "\(code(g.endpoint)) \(code(g.sourceAddress)) \(names(g.instances))"
                return ReportItem("\(host): \(bytes(g.bytes)), \(explained); \(g.reason)")
            }))
        }
        blocks.append(.heading(level: 3, "Bypass", id: "bypass"))
        blocks.append(f.bypass.isEmpty ? .paragraph("None: no S3 or DynamoDB traffic left through an internet or NAT gateway.")
                      : .list(capped(f.bypass, by: FlowFindings.largestFirst, noun: "bypassing sources") { b in
            let path = b.trafficPath == 8 ? "internet gateway"
                : b.trafficPath == 1 ? "a same-VPC hop to the service's public addresses: a NAT gateway"
                : "internet gateway, no gateway endpoint in the VPC"
            return ReportItem("""
                \(code(b.sourceAddress)) \(names(b.instances)) → \(b.service) through traffic path \(b.trafficPath) (\(path)): \
                \(bytes(b.bytes)), \(time(b.firstSeen)) to \(time(b.lastSeen)); principals: \
                \(b.principals.isEmpty ? "unknown" : names(b.principals)). Endpoint policies do not apply to this traffic (a bucket in \
                another Region is the usual cause).
                """)
        }))
        blocks.append(.heading(level: 3, "AWS-owned buckets inferred without CloudTrail", id: "aws-owned-buckets-inferred"))
        blocks.append(f.inferred.isEmpty ? .paragraph("None.")
            : .list(capped(f.inferred, noun: "inferred buckets") { i in
            ReportItem("\(code(i.endpoint)): \(i.service), \(i.feature) → \(code(i.bucket)); evidence: \(i.evidence)") }))
        blocks.append(.heading(level: 3, "Not needed per the logs", id: "not-needed"))
        blocks.append(.paragraph(f.notNeeded.isEmpty ? "None." : """
            Catalog entries nothing in the logs supports, left out of the drafts: \(f.notNeeded.joined(separator: "; ")).
            """))
        return blocks
    }
}
