import AWSModel
import Foundation
import JSONTape

/// A `Resource` (or ARN condition) pattern: six ARN parts each matched separately with `*` and `?`
/// (a wildcard never spans a colon between parts), policy variables expanded per request.
final class ResourcePattern: Sendable {
    /// The text as written.
    let text: String
    private let segments: [Template]?
    private let whole: Template

    /// The literal text before the first wildcard or variable: a resource without it cannot match, which
    /// rejects most statements of a large policy with one comparison (and ``ResourceIndex`` is keyed by).
    let prefix: [UInt8]

    init(_ text: String, variables: Bool) {
        self.text = text
        prefix = Array(text.utf8.prefix { $0 != 42 && $0 != 63 && $0 != 36 })
        whole = Template(text, variables: variables)
        let parts = Self.split(text)
        segments = parts.map { $0.map { Template($0, variables: variables) } }
    }

    /// Splits an ARN into its six parts, or nil when it is not an ARN.
    static func split(_ text: String) -> [String]? {
        let parts = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false).map(String.init)
        return parts.count == 6 && parts[0] == "arn" ? parts : nil
    }

    /// Why the pattern cannot be matched for this request (a variable whose key is unknown), or nil.
    func unknownReason(_ context: RequestContext) -> Message? {
        whole.variableKeys.lazy.compactMap { context.unknownReason($0) }.first
    }

    /// Matches `resource`; a policy variable absent from the request makes it no match, as AWS does
    /// (callers ask ``unknownReason(_:)`` first when a variable's key may be unknown).
    func matches(_ resource: String, context: RequestContext) -> Bool {
        matches(PreparedResource(resource), context: context)
    }

    func matches(_ resource: PreparedResource, context: RequestContext) -> Bool {
        if text == "*" { return true }
        guard resource.bytes.count >= prefix.count,
              prefix.isEmpty || resource.bytes.withUnsafeBufferPointer({ r in
                  prefix.withUnsafeBufferPointer { memcmp(r.baseAddress!, $0.baseAddress!, prefix.count) == 0 }
              })
        else { return false }
        if let segments, let parts = resource.parts {
            return resource.bytes.withUnsafeBufferPointer { bytes in
                for i in 0..<6 {
                    guard let compiled = segments[i].pattern(context: context),
                          compiled.match(UnsafeBufferPointer(rebasing: bytes[parts[i]])) else { return false }
                }
                return true
            }
        }
        // An `arn:` pattern with fewer than six parts is malformed (IAM refuses it) and matches nothing.
        if segments == nil && text.hasPrefix("arn:") { return false }
        return whole.pattern(context: context).map { p in resource.bytes.withUnsafeBufferPointer { p.match($0) } } ?? false
    }
}

/// A resource split into its bytes and ARN part ranges once per request.
struct PreparedResource {
    let bytes: [UInt8]
    let parts: [Range<Int>]?

    init(_ resource: String) {
        bytes = Array(resource.utf8)
        var ranges: [Range<Int>] = []
        var start = 0
        for (i, b) in bytes.enumerated() where b == 58 && ranges.count < 5 {
            ranges.append(start..<i)
            start = i + 1
        }
        ranges.append(start..<bytes.count)
        parts = ranges.count == 6 && bytes.starts(with: [97, 114, 110]) && ranges[0].count == 3 ? ranges : nil
    }
}

/// Pattern text that may hold policy variables (`${aws:username}`, `${aws:PrincipalTag/team, 'none'}`,
/// escapes `${*}`, `${?}`, `${$}`), compiled once when it has none.
final class Template: Sendable {
    enum Piece: Sendable { case text(String), literal(String), variable(key: String, fallback: String?) }
    let pieces: [Piece]
    let compiled: WildcardPattern?
    /// The text with escapes applied, when it holds no variable (what the Equals operators compare).
    let literal: String?
    let caseInsensitive: Bool
    /// The keys of the variables it holds, as written.
    let variableKeys: [String]

    init(_ text: String, variables: Bool, caseInsensitive: Bool = false) {
        self.caseInsensitive = caseInsensitive
        pieces = variables ? Self.parse(text) : [.text(text)]
        variableKeys = pieces.compactMap { if case .variable(let key, _) = $0 { key } else { nil } }
        if pieces.allSatisfy({ if case .variable = $0 { false } else { true } }) {
            compiled = WildcardPattern(parts: pieces.map {
                switch $0 { case .text(let t): .text(t); case .literal(let l): .literal(l); case .variable: .text("") }
            }, caseInsensitive: caseInsensitive)
            literal = pieces.map { if case .text(let t) = $0 { t } else if case .literal(let l) = $0 { l } else { "" } }.joined()
        } else {
            compiled = nil
            literal = nil
        }
    }

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
                    if fallback.count >= 2, fallback.first == "'", fallback.last == "'" {
                        fallback = String(fallback.dropFirst().dropLast())
                    }
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
