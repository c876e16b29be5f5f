import Foundation

/// A `Resource` (or ARN condition) pattern: six ARN parts each matched separately with `*` and `?`
/// (a wildcard never spans a colon between parts), policy variables expanded per request.
struct ResourcePattern: Sendable {
    /// The text as written.
    let text: String
    private let segments: [Template]?
    private let whole: Template

    init(_ text: String, variables: Bool) {
        self.text = text
        whole = Template(text, variables: variables)
        let parts = Self.split(text)
        segments = parts.map { $0.map { Template($0, variables: variables) } }
    }

    /// Splits an ARN into its six parts, or nil when it is not an ARN.
    static func split(_ text: String) -> [String]? {
        let parts = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false).map(String.init)
        return parts.count == 6 && parts[0] == "arn" ? parts : nil
    }

    /// Matches `resource`; nil when a policy variable it needs is absent from the request (no match, as AWS does).
    func matches(_ resource: String, context: RequestContext) -> Bool {
        if text == "*" { return true }
        if let segments, let resourceParts = Self.split(resource) {
            for (pattern, part) in zip(segments, resourceParts) {
                guard let compiled = pattern.pattern(context: context), compiled.matches(part) else { return false }
            }
            return true
        }
        // An `arn:` pattern with fewer than six parts is malformed (IAM refuses it) and matches nothing.
        if segments == nil && text.hasPrefix("arn:") { return false }
        return whole.pattern(context: context)?.matches(resource) ?? false
    }
}

/// Pattern text that may hold policy variables (`${aws:username}`, `${aws:PrincipalTag/team, 'none'}`,
/// escapes `${*}`, `${?}`, `${$}`), compiled once when it has none.
struct Template: Sendable {
    enum Piece: Sendable { case text(String), literal(String), variable(key: String, fallback: String?) }
    let pieces: [Piece]
    let compiled: WildcardPattern?
    let caseInsensitive: Bool

    init(_ text: String, variables: Bool, caseInsensitive: Bool = false) {
        self.caseInsensitive = caseInsensitive
        pieces = variables ? Self.parse(text) : [.text(text)]
        if pieces.allSatisfy({ if case .variable = $0 { false } else { true } }) {
            compiled = WildcardPattern(parts: pieces.map {
                switch $0 { case .text(let t): .text(t); case .literal(let l): .literal(l); case .variable: .text("") }
            }, caseInsensitive: caseInsensitive)
        } else {
            compiled = nil
        }
    }

    var hasVariables: Bool { compiled == nil }

    /// The pattern for this request; nil when a variable is absent and has no default.
    func pattern(context: RequestContext) -> WildcardPattern? {
        if let compiled { return compiled }
        var parts: [WildcardPattern.Part] = []
        for piece in pieces {
            switch piece {
            case .text(let t): parts.append(.text(t))
            case .literal(let l): parts.append(.literal(l))
            case .variable(let key, let fallback):
                let values = context.values(key)
                if let values, values.count == 1 { parts.append(.literal(values[0])) }
                else if let fallback { parts.append(.literal(fallback)) }
                else { return nil }
            }
        }
        return WildcardPattern(parts: parts, caseInsensitive: caseInsensitive)
    }

    static func parse(_ text: String) -> [Piece] {
        var pieces: [Piece] = []
        var rest = Substring(text)
        while let open = rest.range(of: "${") {
            if open.lowerBound > rest.startIndex { pieces.append(.text(String(rest[..<open.lowerBound]))) }
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else {
                pieces.append(.text(String(rest[open.lowerBound...])))
                return pieces
            }
            let inner = rest[open.upperBound..<close].trimmingSpaces
            switch inner {
            case "*": pieces.append(.literal("*"))
            case "?": pieces.append(.literal("?"))
            case "$": pieces.append(.literal("$"))
            default:
                if let comma = inner.firstIndex(of: ",") {
                    let key = inner[..<comma].trimmingSpaces
                    var fallback = inner[inner.index(after: comma)...].trimmingSpaces
                    if fallback.count >= 2, fallback.first == "'", fallback.last == "'" { fallback = String(fallback.dropFirst().dropLast()) }
                    pieces.append(.variable(key: key, fallback: fallback))
                } else {
                    pieces.append(.variable(key: inner, fallback: nil))
                }
            }
            rest = rest[rest.index(after: close)...]
        }
        if !rest.isEmpty { pieces.append(.text(String(rest))) }
        return pieces
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
