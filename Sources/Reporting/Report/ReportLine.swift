import AWSModel
import Foundation

/// One run of text in the report (a paragraph, a list item, a table cell), whose words are
/// Perimeter's and whose values are kept apart, so that no value (an object key, a principal, an error
/// code or message Perimeter read from a log) is ever read as markup, in report.md or report.html.
/// Structure (headings, lists, tables) is not in the text: it is the ``ReportBlock`` around it.
///
/// A string literal is Perimeter's own text; every interpolated `String` is a value; `\(code: x)` is a
/// value shown as code, `\(bold: x)` Perimeter's words in bold; a nested line keeps its pieces.
///
/// ```swift
/// let line: ReportLine = "\(bold: "Review"): \(code: principal) reached \(code: resource)"
/// line.markdown()   // "**Review**: `arn:…` reached `arn:…`" with backticks in values fenced
/// ```
struct ReportLine: ExpressibleByStringInterpolation, ExpressibleByStringLiteral, Equatable {
    enum Piece: Equatable {
        /// Perimeter's own words (never parsed as markup by either renderer).
        case markup(String)
        /// Perimeter's own words, in bold.
        case strong(String)
        /// Text from the data: escaped wherever it is shown.
        case value(String)
        /// Text from the data shown as code.
        case code(String)
        /// A link made by Perimeter: to a section (`#review`), to one of its own output files, or to the
        /// AWS documentation a catalog entry cites.
        case link(label: String, href: String)
    }

    var pieces: [Piece]

    init(pieces: [Piece]) { self.pieces = pieces }

    init(stringLiteral value: String) { pieces = value.isEmpty ? [] : [.markup(value)] }

    init(stringInterpolation: Interpolation) { pieces = stringInterpolation.pieces }

    struct Interpolation: StringInterpolationProtocol {
        var pieces: [Piece] = []
        init(literalCapacity: Int, interpolationCount: Int) {}
        mutating func appendLiteral(_ literal: String) { if !literal.isEmpty { pieces.append(.markup(literal)) } }
        mutating func appendInterpolation(_ value: String) { pieces.append(.value(value)) }
        mutating func appendInterpolation(_ value: some BinaryInteger) { pieces.append(.value(String(value))) }
        /// A value as code; an empty one (a field the log did not have) says so in words, not as an empty code span.
        mutating func appendInterpolation(code value: String) { pieces.append(value.isEmpty ? .markup("not logged") : .code(value)) }
        /// A typed id (endpoint, account) as code, as its text.
        mutating func appendInterpolation(code id: some RawRepresentable<String>) { appendInterpolation(code: id.rawValue) }
        mutating func appendInterpolation(bold words: String) { pieces.append(.strong(words)) }
        mutating func appendInterpolation(_ line: ReportLine) { pieces += line.pieces }
        /// A diagnostic's message: its words as text, its values as code.
        mutating func appendInterpolation(_ message: Message) {
            for piece in message.pieces {
                switch piece {
                case .text(let t): appendQuoted(t)
                case .value(let v): pieces.append(.code(v))
                }
            }
        }
        /// A message's words, where text between a pair of backticks (`--output json`) is shown as code, as the
        /// message's plain text means it; both kinds of piece are escaped, so a backtick in a value only changes how
        /// it is shown.
        mutating func appendQuoted(_ text: String) {
            let parts = text.split(separator: "`", omittingEmptySubsequences: false)
            guard parts.count > 2, parts.count % 2 == 1 else { return pieces.append(.value(text)) }
            for (i, part) in parts.enumerated() where !part.isEmpty {
                pieces.append(i % 2 == 0 ? .value(String(part)) : .code(String(part)))
            }
        }
        /// A diagnostic: its location (when it has one) and message, then its code.
        mutating func appendInterpolation(_ d: Diagnostic) {
            if let location = d.location { pieces.append(.code(location.description)); pieces.append(.markup(": ")) }
            appendInterpolation(d.message)
            pieces.append(.markup(" ("))
            pieces.append(.value(d.code.rawValue))
            pieces.append(.markup(")"))
        }
        mutating func appendInterpolation(link label: String, to href: String) { pieces.append(.link(label: label, href: href)) }
    }

    /// Lines joined with markup between them.
    static func joined(_ lines: [ReportLine], separator: String) -> ReportLine {
        var pieces: [Piece] = []
        for (i, line) in lines.enumerated() {
            if i > 0 { pieces.append(.markup(separator)) }
            pieces += line.pieces
        }
        return ReportLine(pieces: pieces)
    }

    // MARK: Markdown

    /// The line as Markdown: values escaped, code spans fenced with more backticks than they hold; in a
    /// table cell, a `|` of a value is escaped too.
    func markdown(inTable table: Bool = false) -> String {
        pieces.map { piece in
            switch piece {
            case .markup(let m): table ? m.replacingOccurrences(of: "|", with: "\\|") : m
            case .strong(let s): "**" + Self.markdownText(s, inTable: table) + "**"
            case .value(let v): Self.markdownText(v, inTable: table)
            case .code(let c): Self.markdownCode(c, inTable: table)
            case .link(let label, let href):
                "[" + Self.markdownText(label, inTable: table) + "]("
                    + href.replacingOccurrences(of: " ", with: "%20").replacingOccurrences(of: ")", with: "%29") + ")"
            }
        }.joined()
    }

    /// Characters that could start markup are backslash-escaped; control characters are shown as `\u{…}`.
    static func markdownText(_ text: String, inTable: Bool) -> String {
        var out = ""
        for scalar in text.visible().unicodeScalars {
            if "\\`*_[]<>|&".unicodeScalars.contains(scalar) { out += "\\" }
            out.unicodeScalars.append(scalar)
        }
        return out
    }

    /// A code span that no backtick inside can close (CommonMark: a fence longer than any run inside).
    static func markdownCode(_ text: String, inTable: Bool) -> String {
        var content = text.visible()
        if inTable { content = content.replacingOccurrences(of: "|", with: "\\|") }
        var longest = 0, run = 0
        for c in content { if c == "`" { run += 1; longest = max(longest, run) } else { run = 0 } }
        let fence = String(repeating: "`", count: longest + 1)
        let pad = content.hasPrefix("`") || content.hasSuffix("`") || longest > 0 ? " " : ""
        return fence + pad + content + pad + fence
    }

}

extension Array where Element == ReportLine {
    /// The lines joined into one, with markup between them.
    func joined(separator: String) -> ReportLine { ReportLine.joined(self, separator: separator) }
}
