import AWSModel
import Foundation

/// Turns the report's Markdown (headings, lists, tables, code spans, bold, links) into one
/// self-contained HTML page.
enum HTMLRenderer {
    static func page(title: String, markdown: String) -> String {
        var body: [String] = []
        var inList = 0
        var table: [[String]] = []
        // INVARIANT: every open <ul> has an open <li> (a nested list sits inside its parent item).
        func closeLists() { while inList > 0 { body.append("</li></ul>"); inList -= 1 } }
        func flushTable() {
            guard !table.isEmpty else { return }
            var html = "<table><thead><tr>" + table[0].map { "<th>\(inline($0))</th>" }.joined() + "</tr></thead><tbody>"
            for row in table.dropFirst(2) { html += "<tr>" + row.map { "<td>\(inline($0))</td>" }.joined() + "</tr>" }
            body.append(html + "</tbody></table>")
            table = []
        }
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("|") {
                closeLists()
                table.append(cells(line))
                continue
            }
            flushTable()
            if line.hasPrefix("#") {
                closeLists()
                let level = line.prefix { $0 == "#" }.count
                let text = String(line.dropFirst(level + 1))
                body.append("<h\(level) id=\"\(anchor(text))\">\(inline(text))</h\(level)>")
            } else if let range = line.range(of: "- "), line[..<range.lowerBound].allSatisfy({ $0 == " " }) {
                let depth = line.distance(from: line.startIndex, to: range.lowerBound) / 2 + 1
                while inList > depth { body.append("</li></ul>"); inList -= 1 }
                if inList == depth { body.append("</li>") }
                while inList < depth { body.append("<ul>"); inList += 1 }
                body.append("<li>\(inline(String(line[range.upperBound...])))")
            } else if line.isEmpty {
                closeLists()
            } else {
                closeLists()
                body.append("<p>\(inline(line))</p>")
            }
        }
        flushTable()
        closeLists()
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>\(escape(title))</title>
            <style>
            body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 2rem auto; max-width: 80rem; padding: 0 1rem; color: #1b1f24; }
            table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; font-size: 0.9rem; }
            th, td { border: 1px solid #d0d7de; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
            th { background: #f6f8fa; }
            code { background: #f6f8fa; padding: 0 0.2rem; border-radius: 3px; font-size: 0.85rem; word-break: break-all; }
            h1, h2 { border-bottom: 1px solid #d0d7de; padding-bottom: 0.3rem; }
            strong { color: #9a2b00; }
            </style>
            </head>
            <body>
            \(body.joined(separator: "\n"))
            </body>
            </html>

            """
    }

    static func cells(_ line: String) -> [String] {
        var cells: [String] = []
        var current = ""
        var escaped = false
        for c in line.dropFirst() {
            if escaped { current.append(c); escaped = false; continue }
            if c == "\\" { escaped = true; continue }
            if c == "|" { cells.append(current.trimmingSpaces); current = "" } else { current.append(c) }
        }
        return cells
    }

    static func anchor(_ text: String) -> String {
        String(text.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "-" })
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }

    /// Code spans, bold and links; everything else escaped.
    static func inline(_ text: String) -> String {
        var out = ""
        var rest = Substring(text)
        while let c = rest.first {
            if c == "`", let end = rest.dropFirst().firstIndex(of: "`") {
                out += "<code>\(escape(String(rest[rest.index(after: rest.startIndex)..<end])))</code>"
                rest = rest[rest.index(after: end)...]
            } else if rest.hasPrefix("**"), let end = rest.dropFirst(2).range(of: "**") {
                out += "<strong>\(inline(String(rest[rest.index(rest.startIndex, offsetBy: 2)..<end.lowerBound])))</strong>"
                rest = rest[end.upperBound...]
            } else if c == "[", let close = rest.firstIndex(of: "]"), rest[rest.index(after: close)...].hasPrefix("("),
                      let paren = rest[close...].firstIndex(of: ")") {
                let label = String(rest[rest.index(after: rest.startIndex)..<close])
                let href = String(rest[rest.index(close, offsetBy: 2)..<paren])
                out += "<a href=\"\(escape(href))\">\(inline(label))</a>"
                rest = rest[rest.index(after: paren)...]
            } else {
                out += escape(String(c))
                rest = rest.dropFirst()
            }
        }
        return out
    }
}
