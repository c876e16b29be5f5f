import AWSModel
import Inventory
import PolicySynthesis

extension ReportRenderer {
    /// A draft's evidence table: each item the draft's kind needs, proven, missing (and how to get it)
    /// or contradicted (and by what).
    static func evidenceBlocks(_ t: EvidenceTable) -> [ReportBlock] {
        let proven = t.items(.proven).count
        let rows: [[ReportLine]] = t.items.map { item in
            let status: ReportLine = item.status == .proven ? "proven" : "\(bold: item.status.rawValue.uppercased())"
            return ["\(code: item.code.rawValue)", status, "\(item.detail)", item.remedy.map { "\($0)" } ?? ""]
        }
        let header = ["item", "status", "what the window shows", "how to get it"]
        return [.paragraph("Evidence (\(code: t.kind.rawValue)): \(proven) of \(t.items.count) items proven; ready only when all are."),
                .table(ReportTable(header: header, rows: rows, shown: 30, noun: "items"))]
    }

    /// The report's first lines after the verdicts: what evidence is missing or contradicted in any
    /// draft and how to get it, the files that could not be read, and who can still change a locked
    /// bucket's policy.
    static func missingEvidenceBlocks(_ r: SynthesisResult) -> [ReportBlock] {
        var blocks: [ReportBlock] = []
        if !r.failedFiles.isEmpty {
            let count = plural(r.failedFiles.count, "log file")
            let said = "could not be read; every draft of their account and Region is unproven:"
            blocks.append(.paragraph("\(bold: "Files not read"): \(count) \(said)"))
            blocks.append(.callout(.review, capped(r.failedFiles, noun: "files") { ReportItem("\(code: $0.path): \($0.reason)") }))
        }
        let missing = r.missingEvidence
        guard !missing.isEmpty else {
            return blocks + [.paragraph("\(bold: "Evidence"): every item each draft needs is proven.")]
        }
        let items = missing.map { item in
            // The drafts where the item has the status shown (its worst); those where it is only missing follow.
            func drafts(_ status: EvidenceItem.Status) -> [String] {
                let lacks = { (t: EvidenceTable) in t.items.contains { $0.code == item.code && $0.status == status } }
                return r.endpoints.filter { lacks($0.evidenceTable) }.map(\.endpoint.id.rawValue)
                    + r.buckets.filter { lacks($0.evidenceTable) }.map(\.bucket)
            }
            func named(_ drafts: [String]) -> ReportLine {
                let more = drafts.count > 4 ? " and \(drafts.count - 4) more" : ""
                return "\(drafts.prefix(4).map(code).joined(separator: ", "))\(more)"
            }
            let also = item.status == .contradicted ? drafts(.missing) : []
            let alsoLine: ReportLine = also.isEmpty ? "" : " (missing for \(named(also)))"
            let remedy: ReportLine = item.remedy.map { " — \($0)" } ?? ""
            let shown: ReportLine = "\(code: item.code.rawValue) \(item.status.rawValue) for \(named(drafts(item.status)))\(alsoLine)"
            return ReportItem("\(shown): \(item.detail)\(remedy)")
        }
        let worst: Verdict = missing.contains { $0.status == .contradicted } ? .unsafe : .review
        return blocks + [.paragraph("\(bold: "Evidence not proven") (each draft's table is in its section):"), .callout(worst, items)]
    }
}
