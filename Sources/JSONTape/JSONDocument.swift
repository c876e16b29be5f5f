#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A parsed JSON text kept as its bytes plus a flat tape of nodes, so that only the fields a reader
/// asks for are ever turned into Swift strings.
///
/// Trades generality for speed: CloudTrail records are wide and Perimeter reads a dozen fields, so
/// parsing builds no dictionaries and decodes no strings up front (the design simdjson and
/// swift-foundation's `JSONMap` use). Offsets are 32-bit: one document is at most 4 GiB.
public final class JSONDocument: @unchecked Sendable {
    // INVARIANT: immutable after `init`; nodes of a container are followed by its children, and
    // `next` of any node is the index just past its subtree.
    /// The text the tape points into.
    public let bytes: [UInt8]
    let nodes: [JSONNode]
    /// The root values in the order they appear (more than one for JSON-lines text).
    public let roots: [JSONValue.Index]

    init(bytes: [UInt8], nodes: [JSONNode], roots: [Int]) {
        self.bytes = bytes
        self.nodes = nodes
        self.roots = roots
    }

    /// How many nodes the tape holds (a size hint for parsing the next, similar document).
    public var nodeCount: Int { nodes.count }

    /// The root values as views.
    public var values: [JSONValue] { roots.map { JSONValue(document: self, index: $0) } }

    /// The root value at `position` (0 for a document of one value), without making ``values``.
    public func value(_ position: Int) -> JSONValue { JSONValue(document: self, index: roots[position]) }

    /// 1-based line and column of a byte offset.
    public static func lineAndColumn(of offset: Int, in bytes: [UInt8]) -> (line: Int, column: Int) {
        var line = 1, lineStart = 0
        let limit = min(offset, bytes.count)
        var i = 0
        while i < limit {
            if bytes[i] == 10 { line += 1; lineStart = i + 1 }
            i += 1
        }
        return (line, limit - lineStart + 1)
    }
}

enum JSONKind: UInt8 {
    case object, array, string, number, bool, null
}

struct JSONNode {
    var kind: JSONKind
    /// For strings: the raw text holds escapes. For bools: the value.
    var flag: Bool
    var start: UInt32
    var end: UInt32
    var next: UInt32
}

/// A view of one value inside a ``JSONDocument``.
public struct JSONValue: @unchecked Sendable {
    /// A node's position in the tape.
    public typealias Index = Int
    /// The document the value is in.
    public let document: JSONDocument
    /// The value's node in the tape.
    public let index: Int

    @usableFromInline init(document: JSONDocument, index: Int) {
        self.document = document
        self.index = index
    }

    private var node: JSONNode { document.nodes[index] }

    /// True for an object.
    public var isObject: Bool { node.kind == .object }
    /// True for an array.
    public var isArray: Bool { node.kind == .array }
    /// True for `null`.
    public var isNull: Bool { node.kind == .null }
    /// True for a string.
    public var isString: Bool { node.kind == .string }

    /// Byte offset of the value's first character in the document.
    public var offset: Int { Int(node.start) }
    /// Byte offset just past the value.
    public var endOffset: Int { Int(node.end) }

    /// The member named `key` of an object, compared byte for byte (a name written with escapes as the name
    /// it decodes to); nil when absent or not an object.
    public subscript(key: String) -> JSONValue? {
        guard node.kind == .object else { return nil }
        let nodes = document.nodes
        var i = index + 1
        let end = Int(nodes[index].next)
        var key = key
        return key.withUTF8 { wanted in
            document.bytes.withUnsafeBufferPointer { bytes in
                while i < end {
                    let k = nodes[i]
                    let valueIndex = i + 1
                    if !k.flag, Int(k.end - k.start) == wanted.count,
                       wanted.isEmpty || memcmp(bytes.baseAddress! + Int(k.start), wanted.baseAddress!, wanted.count) == 0 {
                        return JSONValue(document: document, index: valueIndex)
                    }
                    if k.flag, JSONValue(document: document, index: i).isString(String(decoding: wanted, as: UTF8.self)) {
                        return JSONValue(document: document, index: valueIndex)
                    }
                    i = Int(nodes[valueIndex].next)
                }
                return nil
            }
        }
    }

    /// The members named by `keys`, found in one pass over the object (the first of repeated names, as
    /// the subscript finds): cheaper than a subscript per key when a reader wants many members. A name
    /// written with escapes counts as the name it decodes to, and a name found twice is in
    /// ``JSONFields/duplicate``: readers disagree on which value counts, so a caller rejects the object.
    public func members(_ keys: JSONKeys) -> JSONFields {
        var found = JSONFields.Slots(repeating: -1)
        var duplicate: Int32 = -1
        guard node.kind == .object else { return JSONFields(document: document, indices: found, duplicate: duplicate) }
        let nodes = document.nodes
        var i = index + 1
        let end = Int(nodes[index].next)
        document.bytes.withUnsafeBytes { bytes in
            keys.names.withUnsafeBytes { names in
                func find(_ name: UnsafeRawBufferPointer, member: Int) {
                    guard name.count + 1 < keys.firstEntry.count else { return }
                    for (slot, offset) in keys.entries[keys.firstEntry[name.count]..<keys.firstEntry[name.count + 1]]
                    where name.isEmpty || memcmp(name.baseAddress!, names.baseAddress! + offset, name.count) == 0 {
                        if found[slot] < 0 { found[slot] = Int32(member) } else if duplicate < 0 { duplicate = Int32(slot) }
                        return
                    }
                }
                while i < end {
                    let k = nodes[i]
                    if !k.flag {
                        find(UnsafeRawBufferPointer(rebasing: bytes[Int(k.start)..<Int(k.end)]), member: i + 1)
                    } else {
                        var decoded = JSONValue(document: document, index: i).string ?? ""
                        decoded.withUTF8 { find(UnsafeRawBufferPointer($0), member: i + 1) }
                    }
                    i = Int(nodes[i + 1].next)
                }
            }
        }
        return JSONFields(document: document, indices: found, duplicate: duplicate)
    }

    /// The first member name any object of this value's subtree holds twice (names compared as decoded,
    /// so `"a"` and `"\u0061"` are one name), with the byte offset of the second; nil when there is none.
    public func firstDuplicateKey() -> (key: String, offset: Int)? {
        let nodes = document.nodes
        let end = Int(nodes[index].next)
        var i = index
        while i < end {
            if nodes[i].kind == .object, let found = duplicateMember(of: i) { return found }
            i += 1
        }
        return nil
    }

    /// The first name the object at tape index `object` holds twice: pairs compared in place (no allocation
    /// for the few members a log record's objects have), by a set of the names beyond 32 members.
    private func duplicateMember(of object: Int) -> (key: String, offset: Int)? {
        let nodes = document.nodes
        let end = Int(nodes[object].next)
        func after(_ name: Int) -> Int { Int(nodes[name + 1].next) }
        func found(_ k: Int) -> (key: String, offset: Int) { (JSONValue(document: document, index: k).string ?? "", Int(nodes[k].start)) }
        var count = 0
        var m = object + 1
        while m < end, count <= 32 {
            count += 1
            m = after(m)
        }
        if m >= end {
            var a = object + 1
            while a < end {
                var b = after(a)
                while b < end {
                    if sameName(a, b) { return found(b) }
                    b = after(b)
                }
                a = after(a)
            }
            return nil
        }
        var seen: Set<String> = []
        m = object + 1
        while m < end {
            if !seen.insert(JSONValue(document: document, index: m).string ?? "").inserted { return found(m) }
            m = after(m)
        }
        return nil
    }

    /// Whether the names at tape indices `a` and `b` are one name (as bytes, or decoded when escaped).
    private func sameName(_ a: Int, _ b: Int) -> Bool {
        let x = document.nodes[a], y = document.nodes[b]
        guard !x.flag && !y.flag else {
            return JSONValue(document: document, index: a).string == JSONValue(document: document, index: b).string
        }
        let count = Int(x.end - x.start)
        guard count == Int(y.end - y.start) else { return false }
        guard count > 0 else { return true }
        return document.bytes.withUnsafeBytes { memcmp($0.baseAddress! + Int(x.start), $0.baseAddress! + Int(y.start), count) == 0 }
    }

    /// The member whose name equals `key` ignoring ASCII case.
    public func member(caseInsensitive key: String) -> JSONValue? {
        if let exact = self[key] { return exact }
        let wanted = key.lowercased()
        return members.first { $0.key.lowercased() == wanted }?.value
    }

    /// The members of an object in document order (empty for other kinds).
    public var members: [(key: String, value: JSONValue)] {
        guard node.kind == .object else { return [] }
        var result: [(String, JSONValue)] = []
        var i = index + 1
        let end = Int(node.next)
        while i < end {
            let key = JSONValue(document: document, index: i).string ?? ""
            result.append((key, JSONValue(document: document, index: i + 1)))
            i = Int(document.nodes[i + 1].next)
        }
        return result
    }

    /// The elements of an array (empty for other kinds).
    public var elements: [JSONValue] {
        guard node.kind == .array else { return [] }
        var result: [JSONValue] = []
        var i = index + 1
        let end = Int(node.next)
        while i < end {
            result.append(JSONValue(document: document, index: i))
            i = Int(document.nodes[i].next)
        }
        return result
    }

    /// `body` called with the decoded UTF-8 bytes of a string value — in place when it holds no escapes,
    /// so that no `String` is made for text only to be read; nil for other kinds.
    public func withStringBytes<R>(_ body: (UnsafeRawBufferPointer) -> R) -> R? {
        let n = node
        guard n.kind == .string else { return nil }
        guard !n.flag else {
            var text = string!
            return text.withUTF8 { body(UnsafeRawBufferPointer($0)) }
        }
        return document.bytes.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[Int(n.start)..<Int(n.end)])) }
    }

    /// True for a string whose decoded text is `text`, compared as bytes (no `String` made).
    public func isString(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { wanted in withStringBytes { $0.elementsEqual(wanted) } } ?? false
    }

    /// The elements of an array one by one, without making an array (none for other kinds).
    public var lazyElements: JSONElements { JSONElements(array: self) }

    /// The members of an object one by one in document order, names as values (none for other kinds).
    public var lazyMembers: JSONMembers { JSONMembers(object: self) }

    /// The decoded text of a string value; nil for other kinds.
    public var string: String? {
        let n = node
        guard n.kind == .string else { return nil }
        return document.bytes.withUnsafeBufferPointer { buffer in
            let raw = UnsafeBufferPointer(rebasing: buffer[Int(n.start)..<Int(n.end)])
            return n.flag ? JSONUnescape.decode(raw) : String(decoding: raw, as: UTF8.self)
        }
    }

    /// A string, or the text of a number or bool; nil for null, objects and arrays.
    public var scalarText: String? {
        switch node.kind {
        case .string: return string
        case .number: return rawText
        case .bool: return node.flag ? "true" : "false"
        default: return nil
        }
    }

    /// The value as a Bool: `true` / `false`, or the strings `"true"` / `"false"`; nil otherwise.
    public var bool: Bool? {
        switch node.kind {
        case .bool: return node.flag
        case .string: return string.flatMap { $0 == "true" ? true : $0 == "false" ? false : nil }
        default: return nil
        }
    }

    /// The value as an Int64: an integer number or a string holding one; nil otherwise (and on overflow).
    public var int64: Int64? {
        switch node.kind {
        case .number: return Int64(rawText)
        case .string: return string.flatMap { Int64($0) }
        default: return nil
        }
    }

    /// The value's JSON text as it stands in the document; for a string, its content between the
    /// quotes (escapes kept), so use ``string`` to read one and ``JSONString/quote(_:)`` to write one.
    public var rawText: String {
        document.bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[offset..<endOffset]), as: UTF8.self) }
    }
}

/// The children of a container along the tape, first to last (none for a value of another kind).
struct TapeChildren {
    let document: JSONDocument?
    private var position = 0
    private var end = 0

    init() { document = nil }

    init(of value: JSONValue, kind: JSONKind) {
        document = value.document
        let node = value.document.nodes[value.index]
        position = value.index + 1
        end = node.kind == kind ? Int(node.next) : position
    }

    /// The next child's index; the one after starts where the subtree of the node `skipping` past it ends
    /// (0 for an element, 1 for a member's name: past its value).
    mutating func next(skipping: Int) -> Int? {
        guard let document, position < end else { return nil }
        defer { position = Int(document.nodes[position + skipping].next) }
        return position
    }
}

/// The elements of an array, walked along the tape (``JSONValue/lazyElements``).
public struct JSONElements: Sequence, IteratorProtocol {
    var children: TapeChildren

    /// No elements.
    public init() { children = TapeChildren() }

    init(array: JSONValue) { children = TapeChildren(of: array, kind: .array) }

    public mutating func next() -> JSONValue? {
        children.next(skipping: 0).map { JSONValue(document: children.document!, index: $0) }
    }
}

/// The members of an object, walked along the tape (``JSONValue/lazyMembers``).
public struct JSONMembers: Sequence, IteratorProtocol {
    var children: TapeChildren

    /// No members.
    public init() { children = TapeChildren() }

    init(object: JSONValue) { children = TapeChildren(of: object, kind: .object) }

    public mutating func next() -> (key: JSONValue, value: JSONValue)? {
        children.next(skipping: 1)
            .map { (JSONValue(document: children.document!, index: $0), JSONValue(document: children.document!, index: $0 + 1)) }
    }
}

/// Member names to look up together with ``JSONValue/members(_:)``, by position.
public struct JSONKeys: Sendable {
    /// The names' bytes one after another.
    let names: [UInt8]
    /// The names ordered by byte length: their position and where their bytes start in ``names``.
    let entries: [(slot: Int, offset: Int)]
    /// `entries[firstEntry[n]..<firstEntry[n + 1]]` are the names `n` bytes long.
    let firstEntry: [Int]
    /// How many names.
    public let count: Int

    /// Non-empty names without escapes, at most ``JSONFields/capacity``.
    public init(_ keys: [String]) {
        precondition(keys.count <= JSONFields.capacity, "at most \(JSONFields.capacity) names are looked up together")
        count = keys.count
        var names: [UInt8] = []
        var offsets: [Int] = []
        for key in keys {
            offsets.append(names.count)
            names.append(contentsOf: key.utf8)
        }
        let lengths = keys.map(\.utf8.count)
        entries = keys.indices.sorted { (lengths[$0], $0) < (lengths[$1], $1) }.map { ($0, offsets[$0]) }
        firstEntry = (0...(lengths.max() ?? 0) + 1).map { n in lengths.filter { $0 < n }.count }
        self.names = names
    }
}

/// The members ``JSONValue/members(_:)`` found, by the position of their name in the ``JSONKeys``.
public struct JSONFields: @unchecked Sendable {
    /// How many names one lookup takes: the found members are held inline, not in an array made per lookup.
    public static let capacity = 24
    @usableFromInline typealias Slots = InlineArray<24, Int32>
    @usableFromInline let document: JSONDocument
    @usableFromInline let indices: Slots
    let duplicateSlot: Int32

    init(document: JSONDocument, indices: Slots, duplicate: Int32) {
        self.document = document
        self.indices = indices
        duplicateSlot = duplicate
    }

    /// The position in the ``JSONKeys`` of a name the object holds twice, if any.
    public var duplicate: Int? { duplicateSlot < 0 ? nil : Int(duplicateSlot) }

    /// The member whose name was at `slot` in the ``JSONKeys``, when the object has it. Inlinable: a call
    /// across modules copied the fields (and retained their document) to read one slot.
    @inlinable public subscript(slot: Int) -> JSONValue? {
        let index = indices[slot]
        return index < 0 ? nil : JSONValue(document: document, index: Int(index))
    }
}

enum JSONUnescape {
    static func decode(_ raw: UnsafeBufferPointer<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = 0
        let n = raw.count
        func hex4(_ at: Int) -> UInt32? {
            guard at + 4 <= n else { return nil }
            var v: UInt32 = 0
            for j in at..<(at + 4) {
                let c = raw[j]
                let d: UInt8
                switch c {
                case 48...57: d = c - 48
                case 65...70: d = c - 55
                case 97...102: d = c - 87
                default: return nil
                }
                v = v << 4 | UInt32(d)
            }
            return v
        }
        func appendScalar(_ v: UInt32) {
            let scalar = Unicode.Scalar(v) ?? "\u{FFFD}"
            out.append(contentsOf: String(Character(scalar)).utf8)
        }
        while i < n {
            let c = raw[i]
            guard c == 92, i + 1 < n else { out.append(c); i += 1; continue }
            let e = raw[i + 1]
            i += 2
            switch e {
            case 110: out.append(10)
            case 116: out.append(9)
            case 114: out.append(13)
            case 98: out.append(8)
            case 102: out.append(12)
            case 117:
                guard var v = hex4(i) else { out.append(contentsOf: [92, 117]); continue }
                i += 4
                if (0xD800..<0xDC00).contains(v), i + 6 <= n, raw[i] == 92, raw[i + 1] == 117, let low = hex4(i + 2),
                   (0xDC00..<0xE000).contains(low) {
                    v = 0x10000 + ((v - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                }
                appendScalar(v)
            default: out.append(e)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
