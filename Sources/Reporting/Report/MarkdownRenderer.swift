import AWSModel
import PolicySynthesis

/// Renders the report's blocks as Markdown (report.md): GitHub-flavoured tables, lists, and the
/// pictures as the facts they show.
enum MarkdownRenderer {
    static func document(_ blocks: [ReportBlock]) -> String {
        blocks.map(render).joined(separator: "\n\n") + "\n"
    }

    static func render(_ block: ReportBlock) -> String {
        switch block {
        case .heading(let level, let line, _):
            return String(repeating: "#", count: level) + " " + line.markdown()
        case .paragraph(let line):
            return line.markdown()
        case .list(let items), .callout(_, let items):
            return items.map { item($0, depth: 0) }.joined(separator: "\n")
        case .table(let table):
            return self.table(table)
        case .verdicts(let rows):
            return verdicts(rows)
        case .chart(let chart):
            return "**\(ReportLine.markdownText(chart.title, inTable: false))**\n\n" + chart.text.map { item($0, depth: 0) }
                .joined(separator: "\n")
        case .contents(let entries):
            return entries.map { "- [\(ReportLine.markdownText($0.label, inTable: false))](#\($0.id))" }.joined(separator: "\n")
        }
    }

    static func item(_ item: ReportItem, depth: Int) -> String {
        ([String(repeating: "  ", count: depth) + "- " + item.line.markdown()] + item.children.map { self.item($0, depth: depth + 1) })
            .joined(separator: "\n")
    }

    static func row(_ cells: [String]) -> String { "| " + cells.joined(separator: " | ") + " |" }

    static func table(_ t: ReportTable) -> String {
        var lines = [row(t.header.map { ReportLine.markdownText($0, inTable: true) }), row(t.header.map { _ in "---" })]
        lines += t.rows.prefix(t.shown).map { row($0.map { $0.markdown(inTable: true) }) }
        if t.rows.count + t.more > t.shown {
            let folded = max(0, t.rows.count - t.shown)
            lines.append("")
            let which = t.more == 0 ? "them" : "the next " + ReportRenderer.n(Int64(folded))
            let count = ReportRenderer.n(Int64(folded + t.more))
            lines.append("… and \(count) more \(t.noun)" + (folded == 0 ? "." : " (report.html folds \(which))."))
        }
        return lines.joined(separator: "\n")
    }

    static func verdicts(_ rows: [VerdictRow]) -> String {
        var lines = [row(["draft", "verdict", "what it changes", "why", "files"]), row(Array(repeating: "---", count: 5))]
        for r in rows {
            let d = r.draft
            let files: ReportLine = "\(link: "draft", to: d.file), \(link: "diff", to: r.diff)"
            lines.append(row([r.title.markdown(inTable: true), "**\(d.verdict.rawValue.uppercased())**",
                              r.change.markdown(inTable: true), r.why.markdown(inTable: true), files.markdown(inTable: true)]))
        }
        return lines.joined(separator: "\n")
    }
}
