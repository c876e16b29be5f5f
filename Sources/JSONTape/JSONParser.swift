internal import CByteScan

/// A JSON syntax error with the byte offset where it was found.
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Byte offset of the problem in the input.
    public var offset: Int
    /// What is wrong.
    public var message: String
    /// True when the text ended inside the value: more input may complete it.
    public var atEndOfInput = false
    public var description: String { "\(message) at byte \(offset)" }
}

/// Parses JSON text (RFC 8259) into a ``JSONDocument`` tape.
public enum JSONParser {
    static let maxDepth = 256
    /// The roots of a document of one value, shared rather than made per value.
    static let firstRoot = [0]

    /// Parses exactly one value (surrounded by optional white space).
    ///
    /// - Throws: ``JSONSyntaxError`` at the offset of the first syntax error, or for nesting deeper than ``maxDepth``.
    public static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONDocument {
        var nodes: [JSONNode] = []
        nodes.reserveCapacity(bytes.count / 12)
        var roots: [Int] = []
        try bytes.withUnsafeBufferPointer { (buffer) throws(JSONSyntaxError) in
            var p = Scanner(bytes: buffer)
            p.skipWhitespace()
            roots.append(nodes.count)
            try p.value(into: &nodes, depth: 0)
            p.skipWhitespace()
            if p.pos < buffer.count { throw JSONSyntaxError(offset: p.pos, message: "extra data after the JSON value") }
        }
        return JSONDocument(bytes: bytes, nodes: nodes, roots: roots)
    }

    /// Parses the one value that begins at `start` (no white space before it), reading no further than
    /// its end. The document shares `bytes` (no copy), and every offset counts from the start of `bytes`.
    /// `tape` is storage reused from one value to the next: once the previous document is gone, its
    /// nodes' memory serves the next (one allocation per file, not per record).
    ///
    /// - Throws: ``JSONSyntaxError`` at the offset of the first syntax error in the value.
    public static func parseValue(_ bytes: [UInt8], at start: Int,
        nodes tape: inout Tape) throws(JSONSyntaxError) -> (document: JSONDocument, end: Int) {
        var nodes = tape.nodes
        tape.nodes = []
        nodes.removeAll(keepingCapacity: true)
        defer { tape.nodes = nodes }
        var end = start
        try bytes.withUnsafeBufferPointer { (buffer) throws(JSONSyntaxError) in
            var p = Scanner(bytes: buffer)
            p.pos = start
            try p.value(into: &nodes, depth: 0)
            end = p.pos
        }
        return (JSONDocument(bytes: bytes, nodes: nodes, roots: Self.firstRoot), end)
    }

    /// Node storage for ``parseValue(_:at:nodes:)`` to reuse.
    public struct Tape {
        var nodes: [JSONNode] = []
        /// An empty tape, with room for a CloudTrail record's nodes (a few hundred).
        public init() { nodes.reserveCapacity(512) }
    }

    /// The outcome of parsing a text that holds a sequence of values (JSON lines, or values one after
    /// another): the values that parsed, and one error per stretch that did not.
    public struct Sequence {
        /// The values that parsed, as roots of one document.
        public var document: JSONDocument
        /// One error per stretch that did not parse.
        public var errors: [JSONSyntaxError]
    }

    /// Parses a sequence of values separated by white space. After a syntax error, parsing resumes at
    /// the next line that begins with `{` in its first column, so one bad line costs one error.
    public static func parseSequence(_ bytes: [UInt8]) -> Sequence {
        var nodes: [JSONNode] = []
        nodes.reserveCapacity(bytes.count / 12)
        var roots: [Int] = []
        var errors: [JSONSyntaxError] = []
        bytes.withUnsafeBufferPointer { buffer in
            var p = Scanner(bytes: buffer)
            while true {
                p.skipWhitespace()
                guard p.pos < buffer.count else { break }
                let mark = nodes.count
                let start = p.pos
                do throws(JSONSyntaxError) {
                    try p.value(into: &nodes, depth: 0)
                    roots.append(mark)
                } catch {
                    nodes.removeSubrange(mark...)
                    errors.append(error)
                    // Resynchronize at the next line starting with `{`, past the start of the failed value.
                    var q = start + 1
                    while q < buffer.count {
                        if buffer[q - 1] == 10 && buffer[q] == 123 { break }
                        q += 1
                    }
                    p.pos = q
                }
            }
        }
        return Sequence(document: JSONDocument(bytes: bytes, nodes: nodes, roots: roots), errors: errors)
    }

    struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var pos = 0

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        mutating func skipWhitespace() {
            while pos < bytes.count {
                switch bytes[pos] {
                case 32, 9, 10, 13: pos += 1
                default: return
                }
            }
        }

        func fail(_ message: String, at offset: Int? = nil) -> JSONSyntaxError {
            JSONSyntaxError(offset: offset ?? pos, message: message, atEndOfInput: pos >= bytes.count)
        }

        mutating func value(into nodes: inout [JSONNode], depth: Int) throws(JSONSyntaxError) {
            guard depth < JSONParser.maxDepth else { throw fail("nesting deeper than \(JSONParser.maxDepth)") }
            guard pos < bytes.count else { throw fail("unexpected end of input") }
            switch bytes[pos] {
            case 123: try object(into: &nodes, depth: depth)
            case 91: try array(into: &nodes, depth: depth)
            case 34: try string(into: &nodes)
            case 116: try literal("true", kind: .bool, flag: true, into: &nodes)
            case 102: try literal("false", kind: .bool, flag: false, into: &nodes)
            case 110: try literal("null", kind: .null, flag: false, into: &nodes)
            case 45, 48...57: try number(into: &nodes)
            default:
                throw fail("unexpected character `\(Character(Unicode.Scalar(bytes[pos])))`")
            }
        }

        /// An object from its `{`: one node for the object, then its keys and values in order.
        mutating func object(into nodes: inout [JSONNode], depth: Int) throws(JSONSyntaxError) {
            let me = nodes.count
            nodes.append(JSONNode(kind: .object, flag: false, start: UInt32(pos), end: 0, next: 0))
            pos += 1
            skipWhitespace()
            if pos < bytes.count, bytes[pos] == 125 {
                pos += 1
            } else {
                while true {
                    skipWhitespace()
                    guard pos < bytes.count, bytes[pos] == 34 else { throw fail("expected a string key") }
                    try string(into: &nodes)
                    skipWhitespace()
                    guard pos < bytes.count, bytes[pos] == 58 else { throw fail("expected `:` after key") }
                    pos += 1
                    skipWhitespace()
                    try value(into: &nodes, depth: depth + 1)
                    skipWhitespace()
                    guard pos < bytes.count else { throw fail("unexpected end of input inside an object") }
                    if bytes[pos] == 44 { pos += 1; continue }
                    if bytes[pos] == 125 { pos += 1; break }
                    throw fail("expected `,` or `}` in an object")
                }
            }
            nodes[me].end = UInt32(pos)
            nodes[me].next = UInt32(nodes.count)
        }

        /// An array from its `[`: one node for the array, then its elements in order.
        mutating func array(into nodes: inout [JSONNode], depth: Int) throws(JSONSyntaxError) {
            let me = nodes.count
            nodes.append(JSONNode(kind: .array, flag: false, start: UInt32(pos), end: 0, next: 0))
            pos += 1
            skipWhitespace()
            if pos < bytes.count, bytes[pos] == 93 {
                pos += 1
            } else {
                while true {
                    skipWhitespace()
                    try value(into: &nodes, depth: depth + 1)
                    skipWhitespace()
                    guard pos < bytes.count else { throw fail("unexpected end of input inside an array") }
                    if bytes[pos] == 44 { pos += 1; continue }
                    if bytes[pos] == 93 { pos += 1; break }
                    throw fail("expected `,` or `]` in an array")
                }
            }
            nodes[me].end = UInt32(pos)
            nodes[me].next = UInt32(nodes.count)
        }

        mutating func string(into nodes: inout [JSONNode]) throws(JSONSyntaxError) {
            let open = pos
            pos += 1
            let contentStart = pos
            var escaped = false
            while true {
                skipPlainContent()
                guard pos < bytes.count else { throw fail("unterminated string", at: open) }
                let c = bytes[pos]
                if c == 34 { break }
                if c == 92 {
                    escaped = true
                    guard pos + 1 < bytes.count else { throw fail("unterminated string", at: open) }
                    switch bytes[pos + 1] {
                    case 34, 92, 47, 98, 102, 110, 114, 116: pos += 2
                    case 117:
                        guard pos + 5 < bytes.count, (2...5).allSatisfy({ Self.isHex(bytes[pos + $0]) }) else {
                            throw fail("invalid \\u escape")
                        }
                        pos += 6
                    default: throw fail("invalid escape `\\\(Character(Unicode.Scalar(bytes[pos + 1])))`")
                    }
                    continue
                }
                if c < 32 { throw fail("control character in a string") }
                pos += 1
            }
            nodes.append(
                JSONNode(kind: .string, flag: escaped, start: UInt32(contentStart), end: UInt32(pos), next: UInt32(nodes.count + 1)))
            pos += 1
        }

        /// Moves `pos` past string content that needs no look: bytes other than `"`, `\\` and controls.
        @inline(__always)
        mutating func skipPlainContent() {
            guard let base = bytes.baseAddress, pos < bytes.count else { return }
            pos += perimeter_json_plain_run(base + pos, bytes.count - pos)
        }

        static func isHex(_ c: UInt8) -> Bool { (48...57).contains(c) || (65...70).contains(c) || (97...102).contains(c) }

        mutating func literal(_ word: StaticString, kind: JSONKind, flag: Bool, into nodes: inout [JSONNode]) throws(JSONSyntaxError) {
            let start = pos
            let count = word.utf8CodeUnitCount
            guard pos + count <= bytes.count else { throw fail("unexpected end of input") }
            for i in 0..<count where bytes[pos + i] != word.utf8Start[i] {
                throw fail("invalid literal")
            }
            pos += count
            nodes.append(JSONNode(kind: kind, flag: flag, start: UInt32(start), end: UInt32(pos), next: UInt32(nodes.count + 1)))
        }

        mutating func number(into nodes: inout [JSONNode]) throws(JSONSyntaxError) {
            let start = pos
            if bytes[pos] == 45 { pos += 1 }
            var digits = 0
            while pos < bytes.count, bytes[pos] &- 48 < 10 { pos += 1; digits += 1 }
            guard digits > 0 else { throw fail("invalid number", at: start) }
            if pos < bytes.count, bytes[pos] == 46 {
                pos += 1
                var fraction = 0
                while pos < bytes.count, bytes[pos] &- 48 < 10 { pos += 1; fraction += 1 }
                guard fraction > 0 else { throw fail("invalid number", at: start) }
            }
            if pos < bytes.count, bytes[pos] == 101 || bytes[pos] == 69 {
                pos += 1
                if pos < bytes.count, bytes[pos] == 43 || bytes[pos] == 45 { pos += 1 }
                var exponent = 0
                while pos < bytes.count, bytes[pos] &- 48 < 10 { pos += 1; exponent += 1 }
                guard exponent > 0 else { throw fail("invalid number", at: start) }
            }
            nodes.append(JSONNode(kind: .number, flag: false, start: UInt32(start), end: UInt32(pos), next: UInt32(nodes.count + 1)))
        }
    }
}
