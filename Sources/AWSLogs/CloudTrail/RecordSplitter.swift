/// Cuts a stream of CloudTrail JSON into records without holding the file: the elements of a
/// `{"Records": […]}` or `{"Events": […]}` wrapper and of a top-level array one by one, and any other
/// top-level value (JSON lines, a CloudWatch Logs payload, a digest) whole.
///
/// It tracks only strings and nesting, so a record with a syntax error inside still ends where its
/// braces close and costs that record alone. Where the nesting itself is broken (a lost quote or
/// brace), the next record start ends the broken record: `{"eventVersion"` inside a wrapper's record
/// (raw, those bytes cannot occur inside a valid record), and a line that begins with `{` inside a
/// top-level value. A unit longer than ``recordLimit`` is not kept: it is reported with its size and
/// skipped in linear time.
struct RecordSplitter {
    /// Where a unit sat in the file.
    enum Kind: Equatable {
        /// A whole top-level value.
        case root
        /// An element of a `Records` array: a record.
        case record
        /// An element of a top-level array: a record or a wrapper.
        case element
        /// An element of a `lookup-events` `Events` array (the record is in its `CloudTrailEvent` string).
        case lookupEvent
    }

    /// One cut piece of the stream.
    struct Unit {
        var kind: Kind
        /// The bytes holding the unit, from `start`; empty when it was over the limit.
        var bytes: [UInt8]
        var start = 0
        /// Offset of the unit's first byte in the decompressed stream, and its 1-based line.
        var offset: Int64
        var line: Int
        /// The unit's size when it was over the limit and not kept.
        var oversize: Int64?
    }

    /// The largest unit kept: 4 MiB. CloudTrail delivers events of at most 256 KB (it omits larger
    /// request or response elements), and a CloudWatch Logs payload holds at most 1 MB of events.
    static let recordLimit = 4 << 20

    private static let marker = Array(#"{"eventVersion""#.utf8)
    private static let records = Array("Records".utf8)
    private static let events = Array("Events".utf8)

    private var depth = 0
    private var inString = false
    private var escaped = false
    /// Offset of the next byte in the stream, its line, and the byte before it.
    private var offset: Int64 = 0
    private var line = 1
    private var previous: UInt8 = 10

    /// Depth at which the elements of a wrapper or top-level array begin; nil outside one.
    private var elementDepth: Int?
    private var elementKind = Kind.element
    /// For a root object: the key of its last member at depth 1, and the wrapper kind once `:` follows it.
    private var key: [UInt8] = []
    private var keyOpen = false
    /// Where the open key's text begins in the current chunk (-1 when it began in an earlier one).
    private var keyFrom = -1
    private var wrapperAfterColon: Kind?

    private var unit: (kind: Kind, depth: Int, offset: Int64, line: Int, isObject: Bool)?
    /// Where the open unit's bytes begin in the chunk being scanned (-1 when none is open).
    private var from = -1
    private var size: Int64 = 0
    private var buffer: [UInt8] = []
    private var keeping = true
    /// The last bytes of a chunk, kept back so that a marker split across chunks is still seen.
    private var pending: [UInt8] = []

    init() {}

    /// A splitter that takes over a stream part way: at `offset` (line `line`), at nesting `depth`,
    /// inside the elements of a wrapper or array at `elementDepth` when one is open.
    init(offset: Int64, line: Int, depth: Int, elementDepth: Int?, elementKind: Kind) {
        self.offset = offset
        self.line = line
        self.depth = depth
        self.elementDepth = elementDepth
        self.elementKind = elementKind
    }

    /// Feeds the next chunk of the stream, calling `emit` with each unit it completes.
    mutating func feed(_ chunk: UnsafeRawBufferPointer, _ emit: (Unit) -> Void) {
        guard !pending.isEmpty else { return scan(chunk, final: false, emit) }
        var joined = pending
        joined.append(contentsOf: chunk)
        pending = []
        joined.withUnsafeBytes { scan($0, final: false, emit) }
    }

    /// Ends the stream; a unit still open is emitted as it stands (its parse says what is wrong).
    mutating func finish(_ emit: (Unit) -> Void) {
        let rest = pending
        pending = []
        rest.withUnsafeBytes { scan($0, final: true, emit) }
        if unit != nil { close(emit) }
    }

    private mutating func scan(_ bytes: UnsafeRawBufferPointer, final: Bool, _ emit: (Unit) -> Void) {
        let limit = final ? bytes.count : max(0, bytes.count - (Self.marker.count - 1))
        from = unit != nil ? 0 : -1
        keyFrom = -1
        let base = offset
        var i = 0
        // INVARIANT: `offset` and `previous` describe byte `i` while the loop runs; they are set from `i`
        // where needed (not per byte), and stored for the next chunk at the end.
        while i < limit {
            if inString && !escaped {
                i = Self.skipStringContent(bytes, from: i, limit: limit)
                guard i < limit else { break }
            }
            offset = base + Int64(i)
            previous = i > 0 ? bytes[i - 1] : previous
            let b = bytes[i]
            if b == 10 { line += 1 }
            if b == 123 { endBrokenUnit(bytes, at: i, emit) }
            if inString { stringByte(b, bytes, at: i, emit) } else { structuralByte(b, bytes, at: i, emit) }
            i += 1
        }
        offset = base + Int64(limit)
        if limit > 0 { previous = bytes[limit - 1] }
        if keyOpen {
            key += UnsafeRawBufferPointer(rebasing: bytes[max(0, keyFrom)..<limit])
            if key.count > 16 { keyOpen = false; key = [] }
        }
        keep(bytes, upTo: limit)
        if limit < bytes.count { pending = Array(UnsafeRawBufferPointer(rebasing: bytes[limit...])) }
    }

    /// The index of the next byte from `i` that can end string content (`"`, `\`) or start a record
    /// (newline, `{`), 8 bytes at a time; `limit` when there is none.
    @inline(__always)
    private static func skipStringContent(_ bytes: UnsafeRawBufferPointer, from i: Int, limit: Int) -> Int {
        guard let origin = bytes.baseAddress else { return i }
        var i = i
        while i + 8 <= limit {
            let word = origin.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            if holds(word, 0x22) || holds(word, 0x5C) || holds(word, 0x0A) || holds(word, 0x7B) { break }
            i += 8
        }
        while i < limit {
            let c = bytes[i]
            if c == 34 || c == 92 || c == 10 || c == 123 { break }
            i += 1
        }
        return i
    }

    /// At a `{`: a record start inside a record means the one before was broken; it ends there.
    @inline(__always)
    private mutating func endBrokenUnit(_ bytes: UnsafeRawBufferPointer, at i: Int, _ emit: (Unit) -> Void) {
        guard let open = unit else { return }
        let broken = open.kind != .root ? offset > open.offset && startsMarker(bytes, i)
                                        : previous == 10 && (depth > 0 || inString)
        guard broken else { return }
        endUnit(bytes, at: i, emit)
        depth = open.depth
        inString = false
        escaped = false
    }

    /// A byte inside a string: escapes, and the closing quote (which may end a key or a string unit).
    @inline(__always)
    private mutating func stringByte(_ b: UInt8, _ bytes: UnsafeRawBufferPointer, at i: Int, _ emit: (Unit) -> Void) {
        if escaped { escaped = false; return }
        if b == 92 { escaped = true; return }
        guard b == 34 else { return }
        inString = false
        if keyOpen {
            keyOpen = false
            // The key may have begun in an earlier chunk: its first bytes are then in `key`.
            if keyFrom < 0 { key += UnsafeRawBufferPointer(rebasing: bytes[0..<i]) } else {
                key = Array(UnsafeRawBufferPointer(rebasing: bytes[keyFrom..<i]))
            }
            if key.count > 16 { key = [] }
        }
        if let open = unit, depth == open.depth { endUnit(bytes, at: i + 1, emit) }
    }

    /// A byte outside strings: white space, `,` `:` and closing brackets end or shape units; anything
    /// else starts a value.
    @inline(__always)
    private mutating func structuralByte(_ b: UInt8, _ bytes: UnsafeRawBufferPointer, at i: Int, _ emit: (Unit) -> Void) {
        switch b {
        case 32, 9, 10, 13:
            if let open = unit, depth == open.depth { endUnit(bytes, at: i, emit) }   // a scalar ends
        case 44:
            if let open = unit, depth == open.depth { endUnit(bytes, at: i, emit) }
            if depth == 1 { wrapperAfterColon = nil }
        case 58:
            if depth == 1, unit?.kind == .root, unit?.isObject == true {
                wrapperAfterColon = key == Self.records ? .record : key == Self.events ? .lookupEvent : nil
            }
        case 125, 93:
            depth = max(0, depth - 1)
            if let open = unit, depth == open.depth { endUnit(bytes, at: i + 1, emit) }
            if depth == 0 { elementDepth = nil }
        default:
            startValue(b, at: i)
        }
    }

    /// The first byte of a value: it may begin a unit, or turn the open root into a wrapper whose
    /// elements are the units.
    @inline(__always)
    private mutating func startValue(_ b: UInt8, at i: Int) {
        if unit == nil {
            if depth == 0 {
                if b == 91 { elementDepth = 1; elementKind = .element } else { beginUnit(.root, at: i, isObject: b == 123) }
            } else if depth == elementDepth {
                beginUnit(elementKind, at: i, isObject: b == 123)
            }
        } else if b == 91, depth == 1, let kind = wrapperAfterColon {
            // `"Records": [`: its elements are the units from here on; the wrapper is not kept.
            wrapperAfterColon = nil
            unit = nil
            buffer = []
            from = -1
            elementDepth = 2
            elementKind = kind
        }
        if b == 34 {
            inString = true
            if depth == 1, unit?.kind == .root, unit?.isObject == true { keyOpen = true; key = []; keyFrom = i + 1 }
        } else if b == 123 || b == 91 {
            depth += 1
        }
    }

    /// Keeps the open unit's bytes of this chunk up to `end` (exclusive).
    private mutating func keep(_ bytes: UnsafeRawBufferPointer, upTo end: Int) {
        guard from >= 0, end > from else { return }
        size += Int64(end - from)
        if keeping {
            buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[from..<end]))
            if buffer.count > Self.recordLimit { keeping = false; buffer = [] }
        }
        from = end
    }

    private mutating func endUnit(_ bytes: UnsafeRawBufferPointer, at end: Int, _ emit: (Unit) -> Void) {
        keep(bytes, upTo: end)
        close(emit)
        from = -1
    }

    private mutating func beginUnit(_ kind: Kind, at index: Int, isObject: Bool) {
        unit = (kind, depth, offset, line, isObject)
        size = 0
        buffer = []
        keeping = true
        from = index
    }

    /// True when any byte of `word` is `byte` (the zero-byte test on `word ^ byte…byte`).
    @inline(__always)
    private static func holds(_ word: UInt64, _ byte: UInt64) -> Bool {
        let x = word ^ (0x0101_0101_0101_0101 &* byte)
        return (x &- 0x0101_0101_0101_0101) & ~x & 0x8080_8080_8080_8080 != 0
    }

    private func startsMarker(_ bytes: UnsafeRawBufferPointer, _ i: Int) -> Bool {
        guard bytes.count - i >= Self.marker.count else { return false }
        for k in 1..<Self.marker.count where bytes[i + k] != Self.marker[k] { return false }
        return true
    }

    private mutating func close(_ emit: (Unit) -> Void) {
        guard let open = unit else { return }
        emit(Unit(kind: open.kind, bytes: keeping ? buffer : [], offset: open.offset, line: open.line, oversize: keeping ? nil : size))
        unit = nil
        buffer = []
        keeping = true
        inString = false
        escaped = false
        keyOpen = false
    }
}
