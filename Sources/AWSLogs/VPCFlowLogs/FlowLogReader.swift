public import AWSModel

/// Reads VPC flow log lines (text with a header in any field order, header repeated mid-file,
/// default v2 lines without header, JSON lines with field names or with the text record in
/// `"message"`) and folds the records into ``ObservedFlow`` aggregates as it goes, so memory grows
/// with distinct flows, not with records.
public struct FlowLogReader {
    private var format: FlowLogFormat?
    private var aggregates: [FlowKey: FlowCounts] = [:]
    public private(set) var records: Int64 = 0
    public private(set) var rejects: [Reject] = []
    public private(set) var skipped: [String: Int64] = [:]
    /// Rejects beyond this many are counted but keep no excerpt, so a garbage file cannot fill memory.
    let rejectDetailLimit = 1000
    public private(set) var rejectCount = 0

    public init() {}

    /// Reads one line (without its newline) at 1-based `number`, starting at byte `offset`.
    public mutating func readLine(_ line: UnsafeRawBufferPointer, number: Int, offset: Int64) {
        var start = 0
        while start < line.count, line[start] == 32 || line[start] == 9 { start += 1 }
        guard start < line.count else { return }
        if line[start] == 123 {
            readJSONLine(line, number: number, offset: offset)
        } else {
            readText(String(decoding: line, as: UTF8.self), number: number, offset: offset, excerpt: line)
        }
    }

    private mutating func readText(_ text: String, number: Int, offset: Int64, excerpt: UnsafeRawBufferPointer) {
        // Split on ASCII blanks by bytes: splitting by Character would segment graphemes on every line.
        var tokens: [Substring] = []
        var utf8 = text.utf8[...]
        while let start = utf8.firstIndex(where: { $0 != 32 && $0 != 9 }) {
            let end = utf8[start...].firstIndex(where: { $0 == 32 || $0 == 9 }) ?? utf8.endIndex
            tokens.append(Substring(utf8[start..<end]))
            utf8 = utf8[end...]
        }
        guard !tokens.isEmpty else { return }
        if let first = tokens[0].utf8.first, first > 57 || first < 48, let header = FlowLogFormat.header(tokens) {
            format = header
            return
        }
        let layout = format ?? FlowLogFormat.defaultV2
        guard tokens.count == layout.fields.count else {
            reject(number, offset, "expected \(layout.fields.count) fields, found \(tokens.count)", excerpt)
            return
        }
        do {
            add(try layout.record(tokens))
        } catch {
            reject(number, offset, error.reason, excerpt)
        }
    }

    private mutating func readJSONLine(_ line: UnsafeRawBufferPointer, number: Int, offset: Int64) {
        let document: JSONDocument
        do { document = try JSONParser.parse(Array(line)) } catch {
            reject(number, offset + Int64(error.offset), "malformed JSON: \(error.message)", line)
            return
        }
        let value = document.values[0]
        if let message = value["message"]?.string {
            readText(message, number: number, offset: offset, excerpt: line)
            return
        }
        var record = FlowRecord()
        var known = 0
        do {
            for (key, field) in value.members {
                let name = FlowLogFormat.canonicalName(key)
                guard FlowLogFormat.knownFields.contains(name) else { continue }
                known += 1
                guard let code = FlowField(rawValue: name), let text = field.scalarText, text != "-" else { continue }
                try record.set(code, Substring(text))
            }
        } catch {
            reject(number, offset, error.reason, line)
            return
        }
        guard known > 0 else {
            reject(number, offset, "JSON line holds no flow log fields", line)
            return
        }
        add(record)
    }

    private mutating func reject(_ number: Int, _ offset: Int64, _ reason: String, _ excerpt: UnsafeRawBufferPointer) {
        rejectCount += 1
        guard rejects.count < rejectDetailLimit else { return }
        rejects.append(Reject(line: number, byteOffset: offset, reason: reason, excerpt: Reject.excerpt(excerpt)))
    }

    mutating func add(_ r: FlowRecord) {
        if let status = r.logStatus, status != "OK" {
            skipped["flow record \(status)", default: 0] += 1
            return
        }
        records += 1
        let time = r.start ?? r.end ?? 0
        let key = FlowKey(day: time / 86_400, interfaceID: r.interfaceID ?? "", instanceID: r.instanceID ?? "", vpcID: r.vpcID ?? "",
                          sourceAddress: r.packetSourceAddress ?? r.sourceAddress ?? "",
                          // Public AWS service addresses fold into the service (which address of S3 is not evidence of
                          // anything); private and unknown destinations keep their address (endpoint ENIs, NAT).
                          destinationAddress: r.packetDestinationAWSService.map { "\($0.lowercased())-service" }
                              ?? r.packetDestinationAddress ?? r.destinationAddress ?? "",
                          destinationPort: r.destinationPort ?? -1, proto: r.proto ?? -1, action: r.action ?? "",
                          trafficPath: r.trafficPath ?? -1, destinationService: r.packetDestinationAWSService ?? "",
                          flowDirection: r.flowDirection ?? "")
        aggregates[key, default: FlowCounts()].add(packets: r.packets ?? 0, bytes: r.bytes ?? 0, start: r.start ?? time, end: r.end ?? time)
    }

    /// The folded flows (in no particular order: the store's queries sort).
    public func flows() -> [ObservedFlow] {
        aggregates.map { key, c in
            ObservedFlow(day: Timestamp.day(key.day * 86_400), interfaceID: key.interfaceID, instanceID: key.instanceID, vpcID: key.vpcID,
                         sourceAddress: key.sourceAddress, destinationAddress: key.destinationAddress,
                         destinationPort: key.destinationPort, proto: key.proto, action: key.action, trafficPath: key.trafficPath,
                         destinationService: key.destinationService, flowDirection: key.flowDirection, records: c.records,
                         packets: c.packets, bytes: c.bytes, firstSeen: c.first, lastSeen: c.last)
        }
    }
}

struct FlowKey: Hashable {
    var day: Int64
    var interfaceID: String
    var instanceID: String
    var vpcID: String
    var sourceAddress: String
    var destinationAddress: String
    var destinationPort: Int
    var proto: Int
    var action: String
    var trafficPath: Int
    var destinationService: String
    var flowDirection: String

    /// The fields that tell flows apart (equality still compares every field).
    func hash(into hasher: inout Hasher) {
        hasher.combine(sourceAddress)
        hasher.combine(destinationAddress)
        hasher.combine(destinationPort)
        hasher.combine(day)
    }
}

struct FlowCounts {
    var records: Int64 = 0
    var packets: Int64 = 0
    var bytes: Int64 = 0
    var first = Int64.max
    var last = Int64.min

    mutating func add(packets p: Int64, bytes b: Int64, start: Int64, end: Int64) {
        records += 1
        packets += p
        bytes += b
        first = min(first, start)
        last = max(last, end)
    }
}
