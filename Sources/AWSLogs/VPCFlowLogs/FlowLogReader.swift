public import AWSModel
import JSONTape

/// Reads VPC flow log lines (text with a header in any field order, header repeated mid-file,
/// default v2 lines without header, JSON lines with field names or with the text record in
/// `"message"`) and folds the records into ``ObservedFlow`` aggregates as it goes, so memory grows
/// with distinct flows, not with records.
///
/// Text lines are read as bytes: values become ids in the file's ``StringTable`` and numbers are
/// parsed in place, so a line allocates nothing unless it brings a value the file has not had yet.
public struct FlowLogReader {
    private var format: FlowLogFormat?
    private var strings = StringTable()
    private var aggregates: [FlowKey: FlowCounts] = [:]
    /// The blank-separated tokens of the current line (reused from line to line).
    private var tokens: [Range<Int>] = []
    /// Flow records read (every line that is a record, used or not).
    public private(set) var records: Int64 = 0
    /// The first rejects, with place and excerpt.
    public private(set) var rejects: [Reject] = []
    /// Valid records not used, by reason (`NODATA`, `SKIPDATA`).
    public private(set) var skipped: [String: Int64] = [:]
    /// Rejects beyond this many are counted but keep no excerpt, so a garbage file cannot fill memory.
    let rejectDetailLimit = ParsedFile.rejectDetailLimit
    /// Every reject, kept in detail or only counted.
    public private(set) var rejectCount = 0

    /// A reader before the first line (the default v2 layout until a header says otherwise).
    public init() {}

    /// The longest flow record read: 64 KiB (a record of every version-8 field is under 1 KiB).
    public static let lineLimit = 64 << 10

    /// Reads one line (without its newline) at 1-based `number`, starting at byte `offset`: a header sets
    /// the layout, a record is folded, anything else is a reject.
    public mutating func readLine(_ line: UnsafeRawBufferPointer, number: Int, offset: Int64) {
        guard line.count <= Self.lineLimit else {
            return reject(number, offset, .flowLineTooLong, "line longer than \(Self.lineLimit) bytes",
                UnsafeRawBufferPointer(rebasing: line[0..<120]))
        }
        var start = 0
        while start < line.count, line[start] == 32 || line[start] == 9 { start += 1 }
        guard start < line.count else { return }
        if line[start] == 123 {
            readJSONLine(line, number: number, offset: offset)
        } else {
            readText(line, number: number, offset: offset, excerpt: line)
        }
    }

    private mutating func readText(_ line: UnsafeRawBufferPointer, number: Int, offset: Int64, excerpt: UnsafeRawBufferPointer) {
        tokens.removeAll(keepingCapacity: true)
        var i = 0
        let n = line.count
        while i < n {
            while i < n, line[i] == 32 || line[i] == 9 { i += 1 }
            guard i < n else { break }
            let start = i
            while i < n, line[i] != 32, line[i] != 9 { i += 1 }
            tokens.append(start..<i)
        }
        guard let first = tokens.first else { return }
        if line[first.lowerBound] > 57 || line[first.lowerBound] < 48, let header = FlowLogFormat.header(line: line) {
            format = header
            return
        }
        let layout = format ?? FlowLogFormat.defaultV2
        guard tokens.count == layout.fields.count else {
            reject(number, offset, .flowFieldCount, "expected \(layout.fields.count) fields, found \(tokens.count)", excerpt)
            return
        }
        var row = FlowRow()
        do {
            for (code, range) in zip(layout.codes, tokens) {
                guard let code else { continue }
                let value = UnsafeRawBufferPointer(rebasing: line[range])
                if value.count == 1, value[0] == 45 { continue }  // `-`: no value
                try row.set(code, value, &strings)
            }
        } catch {
            reject(number, offset, .flowBadValue, error.reason, excerpt)
            return
        }
        add(row)
    }

    private mutating func readJSONLine(_ line: UnsafeRawBufferPointer, number: Int, offset: Int64) {
        let document: JSONDocument
        do { document = try JSONParser.parse(Array(line)) } catch {
            reject(number, offset + Int64(error.offset), .malformedJSON, "malformed JSON: \(error.message)", line)
            return
        }
        let value = document.value(0)
        if var message = value["message"]?.string {
            message.withUTF8 { readText(UnsafeRawBufferPointer($0), number: number, offset: offset, excerpt: line) }
            return
        }
        var row = FlowRow()
        var known = 0
        do {
            for (key, field) in value.members {
                let name = FlowLogFormat.canonicalName(key)
                guard FlowLogFormat.knownFields.contains(name) else { continue }
                known += 1
                guard let code = FlowField(rawValue: name), let text = field.scalarText, text != "-" else { continue }
                try row.set(code, text, &strings)
            }
        } catch {
            reject(number, offset, .flowBadValue, error.reason, line)
            return
        }
        guard known > 0 else {
            reject(number, offset, .flowNoFields, "JSON line holds no flow log fields", line)
            return
        }
        add(row)
    }

    private mutating func reject(_ number: Int, _ offset: Int64, _ code: Diagnostic.Code, _ reason: String,
        _ excerpt: UnsafeRawBufferPointer) {
        rejectCount += 1
        guard rejects.count < rejectDetailLimit else { return }
        rejects.append(Reject(code, line: number, byteOffset: offset, reason: reason, excerpt: Reject.excerpt(excerpt)))
    }

    private mutating func add(_ r: FlowRow) {
        if r.logStatus != .ok {
            skipped["flow record \(r.logStatus.rawValue)", default: 0] += 1
            return
        }
        records += 1
        let time = r.start ?? r.end ?? 0
        let key = FlowKey(day: time / 86_400, interfaceID: r.interfaceID, instanceID: r.instanceID, vpcID: r.vpcID,
                          sourceAddress: r.packetSourceAddress != 0 ? r.packetSourceAddress : r.sourceAddress,
                          // Public AWS service addresses fold into the service (which address of S3 is not evidence of
                          // anything, see `flows()`); private and unknown destinations keep their address (endpoint ENIs, NAT).
                          destinationAddress: r.destinationService != 0 ? 0
                              : r.packetDestinationAddress != 0 ? r.packetDestinationAddress : r.destinationAddress,
                          destinationPort: r.destinationPort, proto: r.proto, action: r.action, trafficPath: r.trafficPath,
                          destinationService: r.destinationService, flowDirection: r.flowDirection)
        aggregates[key, default: FlowCounts()].add(packets: r.packets, bytes: r.bytes, start: r.start ?? time, end: r.end ?? time)
    }

    /// The folded flows (in no particular order: the store's queries sort).
    public func flows() -> [ObservedFlow] {
        var days: [Int64: String] = [:]
        return aggregates.map { key, c in
            let service = strings[key.destinationService]
            let day = days[key.day] ?? Timestamp.day(key.day * 86_400)
            days[key.day] = day
            return ObservedFlow(day: day, interfaceID: strings[key.interfaceID], instanceID: strings[key.instanceID],
                                vpcID: strings[key.vpcID], sourceAddress: strings[key.sourceAddress],
                                destinationAddress: service.isEmpty ? strings[key.destinationAddress] : "\(service.lowercased())-service",
                                destinationPort: key.destinationPort, proto: key.proto, action: strings[key.action],
                                trafficPath: key.trafficPath, destinationService: service, flowDirection: strings[key.flowDirection],
                                records: c.records, packets: c.packets, bytes: c.bytes, firstSeen: c.first, lastSeen: c.last)
        }
    }
}

/// The fields of one record Perimeter keeps: strings as ids in the file's ``StringTable`` (0 where the
/// format lacks the field or the record holds `-`), numbers as read (-1 or nil where missing).
struct FlowRow {
    enum LogStatus: String { case ok = "OK", noData = "NODATA", skipData = "SKIPDATA" }

    var interfaceID: Int32 = 0
    var instanceID: Int32 = 0
    var vpcID: Int32 = 0
    var sourceAddress: Int32 = 0
    var destinationAddress: Int32 = 0
    var packetSourceAddress: Int32 = 0
    var packetDestinationAddress: Int32 = 0
    var destinationService: Int32 = 0
    var action: Int32 = 0
    var flowDirection: Int32 = 0
    var destinationPort = -1
    var proto = -1
    var trafficPath = -1
    var packets: Int64 = 0
    var bytes: Int64 = 0
    /// Window start and end, seconds since 1970-01-01 UTC.
    var start: Int64?
    var end: Int64?
    /// Records without `log-status` are taken as OK.
    var logStatus = LogStatus.ok

    /// Sets `field` from its text; throws the reason when the text does not fit the field.
    mutating func set(_ field: FlowField, _ value: UnsafeRawBufferPointer, _ strings: inout StringTable) throws(FlowValueError) {
        func number(_ range: ClosedRange<Int64>) throws(FlowValueError) -> Int64 {
            guard let v = Self.integer(value) else { throw FlowValueError(reason: "`\(field.rawValue)` is not a number") }
            guard range.contains(v) else {
                throw FlowValueError(reason: "`\(field.rawValue)` is out of range (\(range.lowerBound) to \(range.upperBound))")
            }
            return v
        }
        switch field {
        case .version: _ = try number(0...255)
        case .srcport: _ = try number(0...65_535)
        case .interfaceID: interfaceID = strings.id(value)
        case .srcaddr: sourceAddress = strings.id(value)
        case .dstaddr: destinationAddress = strings.id(value)
        case .dstport: destinationPort = Int(try number(0...65_535))
        case .proto: proto = Int(try number(0...255))
        case .packets: packets = try number(0...Self.counterLimit)
        case .bytes: bytes = try number(0...Self.counterLimit)
        case .start: start = try number(0...Timestamp.latest)
        case .end: end = try number(0...Timestamp.latest)
        case .action:
            guard Self.equals(value, "ACCEPT") || Self.equals(value, "REJECT") else {
                throw FlowValueError(reason: "`action` is `\(Self.shown(value))`, not ACCEPT or REJECT")
            }
            action = strings.id(value)
        case .logStatus:
            guard let status = LogStatus(rawValue: String(decoding: value, as: UTF8.self)) else {
                throw FlowValueError(reason: "`log-status` is `\(Self.shown(value))`")
            }
            logStatus = status
        case .vpcID: vpcID = strings.id(value)
        case .instanceID: instanceID = strings.id(value)
        case .pktSrcaddr: packetSourceAddress = strings.id(value)
        case .pktDstaddr: packetDestinationAddress = strings.id(value)
        case .pktDstAWSService: destinationService = strings.id(value)
        case .flowDirection: flowDirection = strings.id(value)
        case .trafficPath: trafficPath = Int(try number(0...255))
        }
    }

    mutating func set(_ field: FlowField, _ text: String, _ strings: inout StringTable) throws(FlowValueError) {
        var text = text
        try text.withUTF8 { bytes in
            Result { () throws(FlowValueError) in try set(field, UnsafeRawBufferPointer(bytes), &strings) }
        }.get()
    }

    /// A logged value as a reject reason quotes it: its first 40 bytes (a 64 KiB token would otherwise
    /// be kept in each of a file's 1,000 stored rejects).
    static func shown(_ value: UnsafeRawBufferPointer) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: value.prefix(40)), as: UTF8.self) + (value.count > 40 ? "…" : "")
    }

    /// The largest `packets` or `bytes` one record may hold: 2^50, about 150 times what a 100 Gb/s
    /// interface carries in the longest (10-minute) aggregation interval. Larger is a forged record.
    static let counterLimit: Int64 = 1 << 50

    /// A decimal integer with an optional sign, as `Int64(_:)` reads it, without making a string.
    static func integer(_ text: UnsafeRawBufferPointer) -> Int64? {
        var i = 0
        var negative = false
        if let sign = text.first, sign == 43 || sign == 45 {
            negative = sign == 45
            i = 1
        }
        guard i < text.count else { return nil }
        var value: Int64 = 0
        while i < text.count {
            let digit = text[i] &- 48
            guard digit < 10 else { return nil }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = negative ? times10.subtractingReportingOverflow(Int64(digit)) : times10.addingReportingOverflow(Int64(digit))
            guard !o1, !o2 else { return nil }
            value = next
            i += 1
        }
        return value
    }

    static func equals(_ bytes: UnsafeRawBufferPointer, _ word: StaticString) -> Bool {
        bytes.count == word.utf8CodeUnitCount
            && bytes.elementsEqual(UnsafeRawBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount))
    }
}

/// Flows folded by everything but time and source port; strings are ``StringTable`` ids.
struct FlowKey: Hashable {
    var day: Int64
    var interfaceID: Int32
    var instanceID: Int32
    var vpcID: Int32
    var sourceAddress: Int32
    /// 0 when the destination is an AWS service (``destinationService``).
    var destinationAddress: Int32
    var destinationPort: Int
    var proto: Int
    var action: Int32
    var trafficPath: Int
    var destinationService: Int32
    var flowDirection: Int32
}

struct FlowCounts {
    var records: Int64 = 0
    var packets: Int64 = 0
    var bytes: Int64 = 0
    var first = Int64.max
    var last = Int64.min

    mutating func add(packets p: Int64, bytes b: Int64, start: Int64, end: Int64) {
        records += 1
        packets = packets.addingSaturated(p)
        bytes = bytes.addingSaturated(b)
        first = min(first, start)
        last = max(last, end)
    }
}
