import AWSModel
import PolicySynthesis

extension ReportRenderer {
    /// The report's first lines when an endpoint cannot take a policy: no draft can restrict it.
    static func notEnforceableBlocks(_ r: SynthesisResult) -> [ReportBlock] {
        guard !r.notEnforceable.isEmpty else { return [] }
        let count = plural(r.notEnforceable.count, "endpoint")
        let said = "cannot take an endpoint policy: everything is allowed through them, and no draft is written for them."
        return [.paragraph("\(bold: "Not enforceable"): \(count) \(said)"),
                .list(capped(r.notEnforceable, noun: "endpoints") { e in
                    ReportItem("\(code: e.id) (\(code: e.serviceName)): \(e.why); \(n(e.requests)) requests in the window")
                })]
    }

    /// The organization's resource control policy draft, its replay and what it does not cover.
    static func perimeterSection(_ r: SynthesisResult) -> [ReportBlock] {
        guard let p = r.perimeter else { return [] }
        let keys = Dictionary(grouping: p.keys.keys.sorted(), by: { p.keys[$0]! }).sorted { $0.key < $1.key }
            .map { "\(code: $0.key) for \($0.value.joined(separator: ", "))" as ReportLine }.joined(separator: "; ")
        let (size, limit) = (n(Int64(p.size)), n(Int64(OrganizationPerimeter.limit)))
        let file = OrganizationPerimeter.file, replay = p.replay, held = n(p.replay.heldForReview)
        let (kept, of) = (n(replay.allowed), n(replay.requests))
        var items = [ReportItem("\(code: file): verdict \(bold: p.verdict.rawValue); \(size) of \(limit) characters"),
                     ReportItem("organization \(code: p.organization); network keys (per the key table): \(keys)"),
                     ReportItem("replay: \(kept) of \(of) requests kept; \(held) from outside any endpoint refused")]
        items += capped(p.refused, noun: "accounts") {
            ReportItem("would refuse \(n($0.requests)) requests from account \(code: $0.account)")
        }
        items += capped(p.outsideCallers, noun: "callers") { c in
            let from: ReportLine = c.sourceIPs.isEmpty ? "addresses not logged" : c.sourceIPs.map(code).joined(separator: ", ")
            return ReportItem("review: \(code: c.principal) from \(from), \(n(c.requests)) requests outside any endpoint")
        }
        if !p.thirdPartyAccounts.isEmpty || !p.thirdPartyEndpoints.isEmpty {
            let exempted = (p.thirdPartyAccounts + p.thirdPartyEndpoints).map(code).joined(separator: ", ")
            items.append(ReportItem("third-party endpoints exempted: \(exempted)"))
        }
        items += p.reasons.map { ReportItem("why \(p.verdict.rawValue): \($0)") }
        items += p.notCovered.map { ReportItem("not covered: \($0)") }
        return [.heading(level: 2, "Organization perimeter (RCP)", id: "organization-perimeter"), .list(items)]
    }
}
