import AWSModel
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import JSONTape

/// Reads the CloudTrail export shapes users have: delivery objects `{"Records":[…]}`, one event per
/// line (with or without a timestamp prefix), single events, arrays of events, CloudWatch Logs
/// subscription payloads and `LookupEvents` output.
///
/// Streams: bytes arrive in chunks (``CloudTrailStream``) and are cut into records by
/// ``RecordSplitter``, so a file is never held whole, and a record that does not parse is one reject
/// at its own offset while the records around it are read.
public struct CloudTrailReader: Sendable {
    /// Turns each record into normalized events (the event → action table).
    public let normalizer: EventNormalizer

    /// Seconds since 1970 of the read: an event dated later is a forgery, not evidence (nil: not checked).
    public let now: Int64?

    /// A reader that normalizes with `normalizer` (the shipped event → action table by default) and
    /// rejects events dated after `now`.
    public init(normalizer: EventNormalizer = EventNormalizer(), now: Int64? = nil) {
        self.normalizer = normalizer
        self.now = now
    }

    /// How long before its file's delivery stamp an event may be: CloudTrail delivers within minutes;
    /// two days leave room for late deliveries.
    public static let deliveryLag: Int64 = 2 * 86_400
    /// How far after the delivery stamp, or after now, an event may be: clock skew.
    public static let clockSkew: Int64 = 3_600

    /// Why an event dated `time` is not evidence, or nil: after now, after its file's delivery stamp,
    /// or long before it (a record planted in a file of another day).
    func timeReject(_ time: Int64, deliveredAt: Int64?) -> String? {
        if let now, time > now + Self.clockSkew { return "eventTime \(Timestamp.iso8601(time)) is in the future" }
        guard let delivered = deliveredAt else { return nil }
        if time > delivered + Self.clockSkew {
            return "eventTime \(Timestamp.iso8601(time)) is after the file's delivery stamp \(Timestamp.iso8601(delivered))"
        }
        if time < delivered - Self.deliveryLag {
            return "eventTime \(Timestamp.iso8601(time)) is more than 2 days before the file's delivery stamp "
                + Timestamp.iso8601(delivered)
        }
        return nil
    }

    /// True when the bytes look like a CloudTrail digest file (skipped, never rejected).
    static func isDigest(_ value: JSONValue) -> Bool {
        value["digestStartTime"] != nil || value["digestS3Bucket"] != nil
    }

    /// Reads a whole text already in memory (see ``CloudTrailStream`` for files).
    public func read(_ bytes: [UInt8], into file: inout ParsedFile) {
        var stream = CloudTrailStream(reader: self)
        bytes.withUnsafeBytes { stream.feed($0, into: &file) }
        stream.finish(into: &file)
    }

    /// One unit the splitter cut: parse it, then read what it holds.
    func read(_ unit: RecordSplitter.Unit, into file: inout ParsedFile) {
        if let size = unit.oversize {
            file.reject(Reject(.recordTooLarge, line: unit.line, byteOffset: unit.offset,
                                       reason: "record larger than \(RecordSplitter.recordLimit >> 20) MiB (\(size) bytes): not read",
                                       excerpt: ""))
            return
        }
        let place = Place(unit: unit)
        let document: JSONDocument
        do { document = try JSONParser.parse(unit.bytes) } catch {
            file.reject(place.reject(at: error.offset, .malformedJSON, reason: "malformed JSON: \(error.message)"))
            return
        }
        read(document.value(0), unit, into: &file)
    }

    /// One unit already parsed.
    func read(_ value: JSONValue, _ unit: RecordSplitter.Unit, into file: inout ParsedFile) {
        let place = Place(unit: unit)
        switch unit.kind {
        case .record: readRecord(value, place, into: &file)
        case .root, .element: readContainer(value, place, into: &file)
        case .lookupEvent: readEmbedded(value["CloudTrailEvent"], container: value, place, into: &file)
        }
    }

    /// Where a unit sits in the file, to locate rejects by line and byte offset.
    struct Place {
        var unit: RecordSplitter.Unit

        /// The line of `index` in the unit's bytes, counted from the unit's start (one record, not the file).
        func line(at index: Int) -> Int {
            let end = max(unit.start, min(index, unit.bytes.count))
            return unit.line + unit.bytes[unit.start..<end].reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
        }

        func reject(at index: Int, _ code: Diagnostic.Code, reason: String) -> Reject {
            Reject(code, line: line(at: index), byteOffset: unit.offset + Int64(index - unit.start), reason: reason,
                   excerpt: Reject.excerpt(unit.bytes, at: max(unit.start, index - 40)))   // some context before the place
        }
    }

    /// One value: a wrapper holding records, or a record.
    private func readContainer(_ value: JSONValue, _ place: Place, into file: inout ParsedFile) {
        if Self.isDigest(value) {
            file.kind = .skipped
            file.note = "CloudTrail digest file"
        } else if value.isArray {
            for element in value.elements { readContainer(element, place, into: &file) }
        } else if let records = value["Records"], records.isArray {
            for record in records.elements { readRecord(record, place, into: &file) }
        } else if let type = value["messageType"]?.string {
            guard type == "DATA_MESSAGE" else {
                file.skippedRecords["CloudWatch Logs control message", default: 0] += 1
                return
            }
            for logEvent in value["logEvents"]?.elements ?? [] {
                readEmbedded(logEvent["message"], container: logEvent, place, into: &file)
            }
        } else if let events = value["Events"], events.isArray {
            for event in events.elements { readEmbedded(event["CloudTrailEvent"], container: event, place, into: &file) }
        } else if value["CloudTrailEvent"] != nil, value["eventVersion"] == nil {
            // One `lookup-events` Event (a bare array of them, or one per line).
            readEmbedded(value["CloudTrailEvent"], container: value, place, into: &file)
        } else if let type = value["detail-type"]?.string, value["detail"] != nil {
            readEventBridge(value, type: type, place, into: &file)
        } else if let data = value["awslogs"]?["data"] {
            readSubscriptionData(data, place, into: &file)
        } else if let rows = value["QueryResultRows"], rows.isArray {
            for row in rows.elements { readLakeRow(row, place, into: &file) }
        } else {
            readRecord(value, place, into: &file)
        }
    }

    /// An EventBridge event: the CloudTrail record is its `detail` when the event came from CloudTrail
    /// (`AWS API Call via CloudTrail`, `AWS Console Sign In via CloudTrail`, …); other events are skipped.
    private func readEventBridge(_ value: JSONValue, type: String, _ place: Place, into file: inout ParsedFile) {
        guard type.hasSuffix("via CloudTrail") else {
            file.skippedRecords["EventBridge event not from CloudTrail", default: 0] += 1
            return
        }
        guard let detail = value["detail"], detail.isObject else {
            file.reject(
                place.reject(at: value.offset, .eventbridgeWithoutDetail, reason: "EventBridge event whose `detail` is not an object"))
            return
        }
        readRecord(detail, place, into: &file)
    }

    /// The largest CloudWatch Logs payload inflated from a Lambda subscription event: 16 MiB (CloudWatch
    /// Logs sends at most 1 MB of events per payload; a larger one is not one AWS wrote).
    static let subscriptionLimit = 16 << 20

    /// `{"awslogs": {"data": "<base64 gzip>"}}`, as a Lambda subscription receives it and forwarders
    /// archive it: the data is a CloudWatch Logs payload.
    private func readSubscriptionData(_ data: JSONValue, _ place: Place, into file: inout ParsedFile) {
        func reject(_ reason: String) {
            file.reject(place.reject(at: data.offset, .badSubscriptionData, reason: "`awslogs.data` \(reason)"))
        }
        guard let text = data.string, let compressed = Data(base64Encoded: text) else { return reject("is not base64") }
        let payload: [UInt8]
        do { payload = try GzipDecoder.decompress([UInt8](compressed), limit: Self.subscriptionLimit) } catch {
            return reject("is not gzip: \(error)")
        }
        do {
            readContainer(try JSONParser.parse(payload).value(0), place, into: &file)
        } catch {
            reject("holds malformed JSON: \(error.message) at byte \(error.offset) of the payload")
        }
    }

    /// The deepest a Lake column name may nest (`userIdentity.sessionContext.sessionIssuer.arn` is 4).
    static let lakeColumnDepth = 16

    /// One row of CloudTrail Lake's `GetQueryResults` (`QueryResultRows`): a list of one-member objects,
    /// column → text. Columns named with dots (`userIdentity.arn`) nest; a column whose text is a JSON
    /// object or array is that value. The row is then read as a record.
    private func readLakeRow(_ row: JSONValue, _ place: Place, into file: inout ParsedFile) {
        var columns: [(path: [String], json: String)] = []
        for cell in row.elements {
            for (name, value) in cell.members {
                guard let text = value.string else { continue }
                let first = text.first
                let isJSON = (first == "{" || first == "[") && (try? JSONParser.parse(Array(text.utf8))) != nil
                let path = name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
                // A column name is logged text: its dots must not nest the record deeper than a record goes.
                guard path.count <= Self.lakeColumnDepth else {
                    return file.reject(place.reject(at: row.offset, .lakeColumnTooDeep,
                                                    reason: """
                                                        CloudTrail Lake row: a column name nests \(path.count) levels (at most \
                                                        \(Self.lakeColumnDepth))
                                                        """))
                }
                columns.append((path, isJSON ? text : JSONString.quote(text)))
            }
        }
        let record = LakeRecord(columns).json
        do {
            readRecord(try JSONParser.parse(Array(record.utf8)).value(0), place, at: row.offset, into: &file)
        } catch {
            file.reject(place.reject(at: row.offset, .malformedJSON, reason: "CloudTrail Lake row: \(error.message)"))
        }
    }

    /// A record held as a JSON string inside another document.
    private func readEmbedded(_ message: JSONValue?, container: JSONValue, _ place: Place, into file: inout ParsedFile) {
        guard let text = message?.string else {
            file.reject(place.reject(at: container.offset, .eventWithoutMessage, reason: "log event without a message string"))
            return
        }
        do {
            let document = try JSONParser.parse(Array(text.utf8))
            readRecord(document.value(0), place, at: container.offset, into: &file)
        } catch {
            file.reject(
                place.reject(at: container.offset, .malformedJSON,
                reason: "malformed JSON in embedded event: \(error.message) at byte \(error.offset) of the event"))
        }
    }

    /// Normalizes one record found at `offset` of the unit (by default, where the value is).
    private func readRecord(_ value: JSONValue, _ place: Place, at offset: Int? = nil, into file: inout ParsedFile) {
        switch normalizer.normalize(value) {
        case .event(let event):
            if let reason = timeReject(event.eventTime, deliveredAt: file.deliveredAt) {
                return file.reject(place.reject(at: offset ?? value.offset, .eventTimeOutsideDelivery, reason: reason))
            }
            // A delivery file holds a few dozen records: one allocation for them rather than doubling from one.
            if file.events.isEmpty { file.events.reserveCapacity(32) }
            file.events.append(event)
        case .skipped(let reason): file.skippedRecords[reason, default: 0] += 1
        case .rejected(let code, let reason): file.reject(place.reject(at: offset ?? value.offset, code, reason: reason))
        }
    }
}

/// A CloudTrail file read as it arrives: records are cut, parsed and normalized chunk by chunk, so
/// memory holds a chunk and one record's bytes (at most ``RecordSplitter/recordLimit``), not the file.
///
/// Trades a second reader for speed: while the input is well-formed, each record is parsed straight
/// out of a window of the stream (`JSONParser.parseValue`), one pass over its bytes. At the first
/// syntax error or a value over the limit, ``RecordSplitter`` takes over from that record to the end of
/// the file, which recovers at record boundaries but scans every byte once more (BENCHMARKS.md).
public struct CloudTrailStream {
    let reader: CloudTrailReader
    private enum Mode {
        /// Before the first value, or between top-level values.
        case top
        /// Inside the elements of a `Records`/`Events` wrapper (`inObject`) or a top-level array.
        case elements(RecordSplitter.Kind, inObject: Bool)
        /// After a wrapper's array: `}` expected.
        case wrapperEnd
        case split(RecordSplitter)
        /// Lines of `PREFIX {json}` (CloudWatch Logs exports to S3 put a timestamp before each event).
        case prefixed(LineSplitter)
    }
    private var mode = Mode.top
    private var decided = false
    private var window: [UInt8] = []
    /// Stream offset of `window[0]`; the line of `window[counted]` is `countedLine`.
    private var windowOffset: Int64 = 0
    private var counted = 0
    private var countedLine = 1
    private var lineOffset: Int64 = 0
    /// The tape of the record being read, kept between records so it is allocated once per file.
    private var nodes = JSONParser.Tape()

    /// A stream that reads records with `reader`.
    public init(reader: CloudTrailReader) { self.reader = reader }

    /// Feeds the next decompressed chunk; the records it completes are added to `file` (events, rejects, skips).
    public mutating func feed(_ chunk: UnsafeRawBufferPointer, into file: inout ParsedFile) {
        if !decided {
            decided = true
            // A first line that begins with JSON is not looked through (a delivery file is one line: a scan
            // of the whole file); one that does not, and holds a brace, is `PREFIX {json}`.
            var first = 0
            while first < chunk.count, chunk[first] == 32 || chunk[first] == 9 || chunk[first] == 13 { first += 1 }
            if first < chunk.count, ![10, 123, 91, 34].contains(chunk[first]) {
                let lineEnd = chunk[first...].firstIndex(of: 10) ?? chunk.endIndex
                if chunk[first..<lineEnd].contains(123) { mode = .prefixed(LineSplitter(lengthLimit: RecordSplitter.recordLimit)) }
            }
        }
        switch mode {
        case .prefixed(var lines):
            mode = .top   // the enum lets go of its copy, so the buffers below are mutated in place
            lines.feed(chunk) { line, number in readPrefixed(line, number: number, into: &file) }
            mode = .prefixed(lines)
        case .split(var splitter):
            mode = .top
            splitter.feed(chunk) { unit in reader.read(unit, into: &file) }
            mode = .split(splitter)
        default:
            window.append(contentsOf: chunk)
            advance(final: false, into: &file)
        }
    }

    /// Ends the stream: the last record, and a record cut short by the end of the file (a reject).
    public mutating func finish(into file: inout ParsedFile) {
        switch mode {
        case .prefixed(var lines):
            mode = .top
            lines.finish { line, number in readPrefixed(line, number: number, into: &file) }
            mode = .prefixed(lines)
        case .split(var splitter):
            mode = .top
            splitter.finish { unit in reader.read(unit, into: &file) }
            mode = .split(splitter)
        default:
            advance(final: true, into: &file)
            if case .split(var splitter) = mode {
                mode = .top
                splitter.finish { unit in reader.read(unit, into: &file) }
                mode = .split(splitter)
            }
        }
    }

    /// Reads what the window holds in the fast modes; leaves an incomplete value for the next chunk.
    private mutating func advance(final: Bool, into file: inout ParsedFile) {
        var p = 0
        loop: while true {
            p = skipSpace(from: p)
            guard p < window.count else { break }
            switch mode {
            case .top:
                if window[p] == 91 {
                    mode = .elements(.element, inObject: false)
                    p += 1
                } else if window[p] == 123, let (kind, after) = wrapperStart(at: p) {
                    mode = .elements(kind, inObject: true)
                    p = after
                } else if window[p] == 123, !final, window.count - p < 64 {
                    break loop   // too little to tell a wrapper from a record
                } else {
                    guard let end = readValue(at: p, kind: .root, depth: 0, final: final, into: &file) else { break loop }
                    p = end
                }
            case .elements(let kind, let inObject):
                if window[p] == 93 {
                    p += 1
                    mode = inObject ? .wrapperEnd : .top
                } else if window[p] == 44 {
                    p += 1
                } else {
                    guard let end = readValue(at: p, kind: kind, depth: inObject ? 2 : 1, final: final, into: &file) else { break loop }
                    p = end
                }
            case .wrapperEnd:
                if window[p] == 125 {
                    p += 1
                    mode = .top
                } else {
                    handOver(at: p, depth: 1, elementDepth: nil, kind: .element)   // more members after the array
                }
            case .split, .prefixed:
                break loop
            }
            if case .split = mode { break }
        }
        if case .split(var splitter) = mode {
            mode = .top
            // The rest of the window goes to the splitter, which then reads every later chunk.
            if p < window.count { window[p...].withUnsafeBytes { raw in splitter.feed(raw) { unit in reader.read(unit, into: &file) } } }
            mode = .split(splitter)
            window = []
            return
        }
        consume(upTo: p)
    }

    /// Parses the value at `p`; returns where it ends, or nil when it needs more input. A syntax error
    /// or a value over the limit hands the stream to the splitter from `p`.
    private mutating func readValue(at p: Int, kind: RecordSplitter.Kind, depth: Int, final: Bool, into file: inout ParsedFile) -> Int? {
        do {
            let (document, end) = try JSONParser.parseValue(window, at: p, nodes: &nodes)
            let over = end - p > RecordSplitter.recordLimit
            let unit = RecordSplitter.Unit(kind: kind, bytes: over ? [] : window, start: over ? 0 : p, offset: windowOffset + Int64(p),
                                           line: line(at: p), oversize: over ? Int64(end - p) : nil)
            if over { reader.read(unit, into: &file) } else { reader.read(document.value(0), unit, into: &file) }
            return end
        } catch {
            if error.atEndOfInput && !final && window.count - p <= RecordSplitter.recordLimit { return nil }
            handOver(at: p, depth: depth, elementDepth: depth == 0 ? nil : depth, kind: kind)
            return nil
        }
    }

    private mutating func handOver(at p: Int, depth: Int, elementDepth: Int?, kind: RecordSplitter.Kind) {
        let splitter = RecordSplitter(offset: windowOffset + Int64(p), line: line(at: p), depth: depth, elementDepth: elementDepth,
                                      elementKind: kind)
        mode = .split(splitter)   // `advance` feeds it the window from `p`
    }

    /// `{"Records": [` or `{"Events": [` at `p` (white space allowed): the kind and the offset after `[`.
    private func wrapperStart(at p: Int) -> (RecordSplitter.Kind, Int)? {
        for (name, kind) in [("\"Records\"", RecordSplitter.Kind.record), ("\"Events\"", .lookupEvent)] {
            var q = skipSpace(from: p + 1)
            let key = Array(name.utf8)
            guard q + key.count <= window.count, Array(window[q..<(q + key.count)]) == key else { continue }
            q = skipSpace(from: q + key.count)
            guard q < window.count, window[q] == 58 else { continue }
            q = skipSpace(from: q + 1)
            guard q < window.count, window[q] == 91 else { continue }
            return (kind, q + 1)
        }
        return nil
    }

    private func skipSpace(from p: Int) -> Int {
        var q = p
        while q < window.count, window[q] == 32 || window[q] == 10 || window[q] == 13 || window[q] == 9 { q += 1 }
        return q
    }

    /// The 1-based line of `window[p]`, counting each byte once over the whole stream.
    private mutating func line(at p: Int) -> Int {
        if p > counted {
            // memchr: delivery files are one line, so this is a skip, not a byte loop.
            window.withUnsafeBytes { raw in
                var q = counted
                while q < p, let hit = memchr(raw.baseAddress! + q, 10, p - q) {
                    countedLine += 1
                    q = raw.baseAddress!.distance(to: UnsafeRawPointer(hit)) + 1
                }
            }
            counted = p
        }
        return countedLine
    }

    /// Drops `window[..<p]`, read.
    private mutating func consume(upTo p: Int) {
        guard p > 0 else { return }
        _ = line(at: p)
        window.removeFirst(p)
        windowOffset += Int64(p)
        counted -= p
    }

    private mutating func readPrefixed(_ line: UnsafeRawBufferPointer, number: Int, into file: inout ParsedFile) {
        let offset = lineOffset
        lineOffset += Int64(line.count) + 1
        guard line.contains(where: { $0 != 32 && $0 != 13 && $0 != 9 }) else { return }
        guard line.count <= RecordSplitter.recordLimit else {
            file.reject(
                Reject(.recordTooLarge, line: number, byteOffset: offset,
                reason: "record larger than \(RecordSplitter.recordLimit >> 20) MiB: not read", excerpt: ""))
            return
        }
        guard let brace = line.firstIndex(of: 123) else {
            file.reject(
                Reject(.lineWithoutJSON, line: number, byteOffset: offset, reason: "line holds no JSON event",
                excerpt: Reject.excerpt(line)))
            return
        }
        let unit = RecordSplitter.Unit(kind: .root, bytes: Array(line[brace...]), offset: offset + Int64(brace), line: number,
            oversize: nil)
        reader.read(unit, into: &file)
    }
}

/// A CloudTrail Lake result row turned back into a record: columns nested by the dots in their names.
private struct LakeRecord {
    var value: String?
    var members: [(String, LakeRecord)] = []

    init(_ columns: [(path: [String], json: String)]) {
        for column in columns { insert(column.path[...], column.json) }
    }

    private init() {}

    private mutating func insert(_ path: ArraySlice<String>, _ json: String) {
        guard let head = path.first else { value = json; return }
        if let i = members.firstIndex(where: { $0.0 == head }) {
            members[i].1.insert(path.dropFirst(), json)
        } else {
            var child = LakeRecord()
            child.insert(path.dropFirst(), json)
            members.append((head, child))
        }
    }

    /// The record as JSON text; a column that is both a value and a prefix keeps its members.
    var json: String {
        if members.isEmpty { return value ?? "null" }
        return "{" + members.map { JSONString.quote($0.0) + ":" + $0.1.json }.joined(separator: ",") + "}"
    }
}
