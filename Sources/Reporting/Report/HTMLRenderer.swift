import AWSModel
import Foundation
import PolicySynthesis

/// Renders the report's blocks into one self-contained HTML page (report.html): structure comes from
/// the blocks, words and values from their lines, every value escaped, so no logged text can open a
/// tag, a link, a heading or a code span. Pictures are inline SVG; there is no script and nothing is
/// loaded from elsewhere.
enum HTMLRenderer {
    static func page(title: String, blocks: [ReportBlock]) -> String {
        document(title: title, body: blocks.map(render).joined(separator: "\n"))
    }

    static func render(_ block: ReportBlock) -> String {
        switch block {
        case .heading(let level, let line, let id):
            return "<h\(level) id=\"\(escape(anchor(id)))\">\(inline(line))</h\(level)>"
        case .paragraph(let line):
            return "<p>\(inline(line))</p>"
        case .list(let items):
            return list(items)
        case .callout(let verdict, let items):
            return "<div class=\"callout \(verdict.rawValue)\">\(list(items))</div>"
        case .table(let t):
            return table(t)
        case .verdicts(let rows):
            return verdicts(rows)
        case .chart(let chart):
            return """
                <figure id=\"\(escape(anchor(chart.id)))\" \
                class=\"chart\">\(chart.svg)<figcaption>\(escape(chart.title))</figcaption></figure>
                """
        case .contents(let entries):
            return "<nav class=\"contents\"><ol>" + entries.map { "<li><a href=\"#\(escape(anchor($0.id)))\">\(escape($0.label))</a></li>" }
                .joined() + "</ol></nav>"
        }
    }

    static func list(_ items: [ReportItem]) -> String {
        "<ul>" + items.map { "<li>\(inline($0.line))\($0.children.isEmpty ? "" : list($0.children))</li>" }.joined() + "</ul>"
    }

    static func rows(_ rows: ArraySlice<[ReportLine]>) -> String {
        rows.map { "<tr>" + $0.map { "<td>\(inline($0))</td>" }.joined() + "</tr>" }.joined()
    }

    /// A table; rows past `shown` are folded into a `<details>` below it.
    static func table(_ t: ReportTable) -> String {
        let head = "<thead><tr>" + t.header.map { "<th>\(escape($0))</th>" }.joined() + "</tr></thead>"
        var html = "<div class=\"table\"><table>\(head)<tbody>\(rows(t.rows.prefix(t.shown)))</tbody></table></div>"
        if t.rows.count > t.shown {
            let more = ReportRenderer.n(Int64(t.rows.count - t.shown))
            html += """
                <details><summary>\(more) more \(escape(t.noun))</summary><div \
                class=\"table\"><table>\(head)<tbody>\(rows(t.rows.dropFirst(t.shown)))</tbody></table></div></details>
                """
        }
        if t.more > 0 { html += "<p>… and \(ReportRenderer.n(Int64(t.more))) more \(escape(t.noun)).</p>" }
        return html
    }

    static func badge(_ verdict: Verdict) -> String {
        "<span class=\"verdict \(verdict.rawValue)\">\(verdict.rawValue.uppercased())</span>"
    }

    static func verdicts(_ rows: [VerdictRow]) -> String {
        var html = """
            <div class=\"table\"><table class=\"verdicts\"><thead><tr><th>draft</th><th>verdict</th><th>what it \
            changes</th><th>why</th><th>files</th></tr></thead><tbody>
            """
        for r in rows {
            let d = r.draft
            html += """
                <tr class=\"\(d.verdict.rawValue)\"><td>\(inline(r.title))</td><td>\(badge(d.verdict))</td><td>\(inline(r.change))</td>
                """
            html += "<td>\(inline(r.why))</td><td>\(inline("\(link: "draft", to: d.file) · \(link: "diff", to: r.diff)"))</td></tr>"
        }
        return html + "</tbody></table></div>"
    }

    /// The page around the body: one self-contained file, no script, no resource from elsewhere.
    static func document(title: String, body: String) -> String {
        """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title))</title>
            <style>
            \(style)
            </style>
            </head>
            <body>
            \(body)
            </body>
            </html>

            """
    }

    /// Colour that means something: red is unsafe, amber review, green ready; ids never break inside.
    static let style = """
        body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 2rem auto; max-width: 84rem; padding: 0 1rem; \
        color: #1b1f24; line-height: 1.45; }
        div.table { overflow-x: auto; margin: 0.5rem 0 1.5rem; }
        table { border-collapse: collapse; font-size: 0.9rem; }
        th, td { border: 1px solid #d0d7de; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
        th { background: #f6f8fa; }
        code { background: #f6f8fa; padding: 0 0.2rem; border-radius: 3px; font-size: 0.85rem; white-space: nowrap; }
        h1, h2 { border-bottom: 1px solid #d0d7de; padding-bottom: 0.3rem; }
        .verdict { display: inline-block; padding: 0.05rem 0.5rem; border-radius: 1rem; font-weight: 600; font-size: 0.8rem; color: #fff; }
        .verdict.ready { background: #1a7f37; } .verdict.review { background: #9a6700; } .verdict.unsafe { background: #cf222e; }
        tr.unsafe td { background: #ffebe9; } tr.review td { background: #fff8c5; }
        .callout { border-left: 4px solid #57606a; padding: 0.2rem 1rem; margin: 1rem 0; background: #f6f8fa; }
        .callout.unsafe { border-color: #cf222e; background: #ffebe9; } .callout.review { border-color: #9a6700; background: #fff8c5; }
        .callout.ready { border-color: #1a7f37; background: #dafbe1; }
        nav.contents ol { columns: 2; }
        figure.chart { margin: 1rem 0 2rem; } figure.chart svg { max-width: 100%; height: auto; } figcaption { font-size: 0.85rem; color: \
        #57606a; }
        details { margin: -1rem 0 1.5rem; } summary { cursor: pointer; color: #0969da; }
        """

    static func anchor(_ text: String) -> String {
        String(text.lowercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "-" })
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for c in s.visible() {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    /// A link target Perimeter may write: a section of the page, one of its own relative output files,
    /// or an https page of the AWS documentation its catalog cites. Nothing else becomes a link.
    static func isSafeLink(_ href: String) -> Bool {
        if href.hasPrefix("#") { return href.dropFirst().allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") } }
        if href.hasPrefix("https://docs.aws.amazon.com/") || href.hasPrefix("https://github.com/") {
            return !href.contains { $0 == "\"" || $0 == "<" || $0 == ">" || $0 == " " || $0 == "\\" }
        }
        return !href.contains(":") && !href.hasPrefix("/") && !href.split(separator: "/").contains("..")
            && href.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_./".contains($0)) }
    }

    /// The pieces of one line as HTML: Perimeter's words and values escaped alike; bold, code and
    /// links from the pieces, never from characters in the text.
    static func inline(_ line: ReportLine) -> String {
        line.pieces.map { piece in
            switch piece {
            case .markup(let m): escape(m)
            case .strong(let s): "<strong>\(escape(s))</strong>"
            case .value(let v): escape(v)
            case .code(let c): "<code>\(escape(c))</code>"
            case .link(let label, let href): isSafeLink(href) ? "<a href=\"\(escape(href))\">\(escape(label))</a>" : escape(label)
            }
        }.joined()
    }
}
