/// A pattern with `*` (any run of characters, possibly empty) and `?` (exactly one character),
/// split into elements once so that matching many strings is cheap (cedar's `PatternElem`).
public struct WildcardPattern: Sendable, Hashable {
    enum Element: Sendable, Hashable {
        case literal([UInt8])
        case star
        case one
    }

    let elements: [Element]
    let caseInsensitive: Bool
    /// True when the pattern holds no wildcard.
    public let isLiteral: Bool

    /// Compiles `pattern`; with `caseInsensitive` both sides compare in ASCII lowercase.
    public init(_ pattern: String, caseInsensitive: Bool = false) {
        self.init(parts: [.text(caseInsensitive ? pattern.lowercased() : pattern)], caseInsensitive: caseInsensitive)
    }

    /// Pieces of a pattern: text whose `*` and `?` are wildcards, or literal text (an expanded variable).
    enum Part { case text(String), literal(String) }

    init(parts: [Part], caseInsensitive: Bool) {
        var elements: [Element] = []
        var buffer: [UInt8] = []
        func flush() { if !buffer.isEmpty { elements.append(.literal(buffer)); buffer = [] } }
        for part in parts {
            switch part {
            case .literal(let s): buffer += Array((caseInsensitive ? s.lowercased() : s).utf8)
            case .text(let s):
                for byte in s.utf8 {
                    switch byte {
                    case 42:
                        flush()
                        if elements.last != .star { elements.append(.star) }
                    case 63: flush(); elements.append(.one)
                    default: buffer.append(byte)
                    }
                }
            }
        }
        flush()
        self.elements = elements
        self.caseInsensitive = caseInsensitive
        isLiteral = elements.allSatisfy { if case .literal = $0 { true } else { false } }
    }

    /// True when `text` matches the whole pattern.
    public func matches(_ text: String) -> Bool {
        var t = text
        if caseInsensitive { t = t.lowercased() }
        return t.utf8.withContiguousStorageIfAvailable { match($0) } ?? match(Array(t.utf8))
    }

    func match(_ s: Array<UInt8>) -> Bool { s.withUnsafeBufferPointer { match($0) } }

    /// Greedy matching with one backtrack point per star (linear in practice, never exponential).
    func match(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        var e = 0, i = 0
        var starE = -1, starI = 0
        // `one` consumes a whole UTF-8 character.
        func charLength(_ at: Int) -> Int {
            let b = s[at]
            return b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4
        }
        while true {
            if e < elements.count {
                switch elements[e] {
                case .star:
                    starE = e; starI = i; e += 1
                    continue
                case .one:
                    if i < s.count { i += min(charLength(i), s.count - i); e += 1; continue }
                case .literal(let lit):
                    if i + lit.count <= s.count, Self.equal(lit, s, at: i) { i += lit.count; e += 1; continue }
                }
            } else if i == s.count {
                return true
            }
            // Backtrack: let the last star take one more character.
            guard starE >= 0, starI < s.count else { return false }
            starI += 1
            i = starI
            e = starE + 1
        }
    }

    static func equal(_ lit: [UInt8], _ s: UnsafeBufferPointer<UInt8>, at: Int) -> Bool {
        var k = 0
        while k < lit.count {
            if lit[k] != s[at + k] { return false }
            k += 1
        }
        return true
    }
}
