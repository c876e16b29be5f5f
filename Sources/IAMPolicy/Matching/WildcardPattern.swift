#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A pattern with `*` (any run of characters, possibly empty) and `?` (exactly one character),
/// split into elements once so that matching many strings is cheap (cedar's `PatternElem`).
public final class WildcardPattern: Sendable {
    enum Element: Sendable, Hashable {
        /// A run of `literalBytes`, by offset and length (no array per element: matching retains nothing).
        case literal(Int, Int)
        case star
        case one
    }

    let elements: [Element]
    let literalBytes: [UInt8]
    let caseInsensitive: Bool
    /// True when the pattern holds no wildcard.
    public let isLiteral: Bool

    /// Compiles `pattern`; with `caseInsensitive` both sides compare in ASCII lowercase.
    public convenience init(_ pattern: String, caseInsensitive: Bool = false) {
        self.init(parts: [.text(caseInsensitive ? pattern.lowercased() : pattern)], caseInsensitive: caseInsensitive)
    }

    /// Pieces of a pattern: text whose `*` and `?` are wildcards, or literal text (an expanded variable).
    enum Part { case text(String), literal(String) }

    init(parts: [Part], caseInsensitive: Bool) {
        var elements: [Element] = []
        var bytes: [UInt8] = []
        var buffer: [UInt8] = []
        func flush() {
            if !buffer.isEmpty { elements.append(.literal(bytes.count, buffer.count)); bytes += buffer; buffer = [] }
        }
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
        literalBytes = bytes
        self.caseInsensitive = caseInsensitive
        isLiteral = elements.allSatisfy { if case .literal = $0 { true } else { false } }
    }

    /// True when `text` matches the whole pattern.
    public func matches(_ text: String) -> Bool {
        var t = text
        if caseInsensitive { t = t.lowercased() }
        return t.utf8.withContiguousStorageIfAvailable { match($0) } ?? Array(t.utf8).withUnsafeBufferPointer { match($0) }
    }


    /// Greedy matching with one backtrack point per star (linear in practice, never exponential).
    func match(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        elements.withUnsafeBufferPointer { elements in
            literalBytes.withUnsafeBufferPointer { lits in
                var e = 0, i = 0
                var starE = -1, starI = 0
                while true {
                    if e < elements.count {
                        switch elements[e] {
                        case .star:
                            starE = e; starI = i; e += 1
                            continue
                        case .one:
                            if i < s.count {
                                // `?` consumes a whole UTF-8 character.
                                let b = s[i]
                                i += min(b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4, s.count - i)
                                e += 1
                                continue
                            }
                        case .literal(let start, let count):
                            if i + count <= s.count, memcmp(lits.baseAddress! + start, s.baseAddress! + i, count) == 0 {
                                i += count; e += 1
                                continue
                            }
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
        }
    }
}
