import AWSModel
import Foundation

/// Renders the report's lines into one self-contained HTML page, from their pieces: structure
/// (headings, lists, tables, bold, section links) comes only from Perimeter's own markup, and every
/// value is escaped, so no logged text can open a tag, a link, a heading or a code span.
enum HTMLRenderer {
    static func page(title: String, lines: [ReportLine]) -> String {
        var body: [String] = []
        var inList = 0
        var table: [[String]] = []
        // INVARIANT: every open <ul> has an open <li> (a nested list sits inside its parent item).
        func closeLists() { while inList > 0 { body.append("</li></ul>"); inList -= 1 } }
        func flushTable() {
            guard !table.isEmpty else { return }
            var html = "<table><thead><tr>" + table[0].map { "<th>\($0)</th>" }.joined() + "</tr></thead><tbody>"
            for row in table.dropFirst() { html += "<tr>" + row.map { "<td>\($0)</td>" }.joined() + "</tr>" }
            body.append(html + "</tbody></table>")
            table = []
        }
        for line in lines {
            let lead: String = if case .markup(let m)? = line.pieces.first { m } else { "" }
            if line.isTableRow {
                closeLists()
                if !lead.hasPrefix("|---") { table.append(cells(line)) }
                continue
            }
            flushTable()
            if lead.hasPrefix("#") {
                closeLists()
                let level = lead.prefix { $0 == "#" }.count
                let content = dropping(level + 1, from: line)
                body.append("<h\(level) id=\"\(anchor(plainText(content)))\">\(inline(content))</h\(level)>")
            } else if let dash = lead.range(of: "- "), lead[..<dash.lowerBound].allSatisfy({ $0 == " " }) {
                let indent = lead.distance(from: lead.startIndex, to: dash.lowerBound)
                let depth = indent / 2 + 1
                while inList > depth { body.append("</li></ul>"); inList -= 1 }
                if inList == depth { body.append("</li>") }
                while inList < depth { body.append("<ul>"); inList += 1 }
                body.append("<li>\(inline(dropping(indent + 2, from: line)))")
            } else if line.pieces.isEmpty {
                closeLists()
            } else {
                closeLists()
                body.append("<p>\(inline(line))</p>")
            }
        }
        flushTable()
        closeLists()
        return document(title: title, body: body.joined(separator: "\n"))
    }

    /// The page around the body: one self-contained file, no script, no resource from elsewhere.
    static func document(title: String, body: String) -> String {
        """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
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

    static let style = """
        body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 2rem auto; max-width: 80rem; padding: 0 1rem; color: #1b1f24; }
        table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; font-size: 0.9rem; }
        th, td { border: 1px solid #d0d7de; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
        th { background: #f6f8fa; }
        code { background: #f6f8fa; padding: 0 0.2rem; border-radius: 3px; font-size: 0.85rem; word-break: break-all; }
        h1, h2 { border-bottom: 1px solid #d0d7de; padding-bottom: 0.3rem; }
        strong { color: #9a2b00; }
        """

    /// The line without its first `count` characters of markup (a heading's `## `, a list's `- `).
    static func dropping(_ count: Int, from line: ReportLine) -> ReportLine {
        guard case .markup(let m)? = line.pieces.first else { return line }
        let rest = String(m.dropFirst(count))
        return ReportLine(pieces: (rest.isEmpty ? [] : [.markup(rest)]) + line.pieces.dropFirst())
    }

    /// A table row's cells, split only at the `|` of Perimeter's markup (a `|` in a value is text).
    static func cells(_ line: ReportLine) -> [String] {
        var cells: [ReportLine] = []
        var current: [ReportLine.Piece] = []
        for piece in line.pieces {
            guard case .markup(let m) = piece else { current.append(piece); continue }
            var text = ""
            for c in m {
                if c == "|" {
                    if !text.isEmpty { current.append(.markup(text)); text = "" }
                    cells.append(ReportLine(pieces: current))
                    current = []
                } else {
                    text.append(c)
                }
            }
            if !text.isEmpty { current.append(.markup(text)) }
        }
        // A row begins and ends with `|`: drop the empty piece before the first one.
        return cells.dropFirst().map { inline(trimmed($0)) }
    }

    static func trimmed(_ line: ReportLine) -> ReportLine {
        var pieces = line.pieces
        if case .markup(let m)? = pieces.first { pieces[0] = .markup(String(m.drop { $0 == " " })) }
        if case .markup(let m)? = pieces.last { pieces[pieces.count - 1] = .markup(String(m.reversed().drop { $0 == " " }.reversed())) }
        return ReportLine(pieces: pieces.filter { $0 != .markup("") })
    }

    static func plainText(_ line: ReportLine) -> String {
        line.pieces.map { piece in
            switch piece {
            case .markup(let m): m
            case .value(let v), .code(let v): v
            case .link(let label, _): label
            }
        }.joined()
    }

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

    /// The pieces of one line as HTML: bold, code spans and section links from the markup only.
    static func inline(_ line: ReportLine) -> String {
        var out = ""
        var strong = false
        for piece in line.pieces {
            switch piece {
            case .value(let v): out += escape(v)
            case .code(let c): out += "<code>\(escape(c))</code>"
            case .link(let label, let href): out += isSafeLink(href) ? "<a href=\"\(escape(href))\">\(escape(label))</a>" : escape(label)
            case .markup(let m): out += markup(m, strong: &strong)
            }
        }
        if strong { out += "</strong>" }
        return out
    }

    /// Perimeter's own inline markup: `**` toggles bold, `` `x` `` is code, `[label](#anchor)` a link.
    static func markup(_ text: String, strong: inout Bool) -> String {
        var out = ""
        var rest = Substring(text)
        while let c = rest.first {
            if rest.hasPrefix("**") {
                out += strong ? "</strong>" : "<strong>"
                strong.toggle()
                rest = rest.dropFirst(2)
            } else if c == "`", let end = rest.dropFirst().firstIndex(of: "`") {
                out += "<code>\(escape(String(rest[rest.index(after: rest.startIndex)..<end])))</code>"
                rest = rest[rest.index(after: end)...]
            } else if c == "[", let close = rest.firstIndex(of: "]"), rest[rest.index(after: close)...].hasPrefix("("),
                      let paren = rest[close...].firstIndex(of: ")") {
                let label = String(rest[rest.index(after: rest.startIndex)..<close])
                let href = String(rest[rest.index(close, offsetBy: 2)..<paren])
                out += isSafeLink(href) ? "<a href=\"\(escape(href))\">\(escape(label))</a>" : escape(label)
                rest = rest[rest.index(after: paren)...]
            } else {
                out += escape(String(c))
                rest = rest.dropFirst()
            }
        }
        return out
    }
}
