public import AWSLogs
import AWSModel
import Foundation
import JSONTape

/// The store's groups summed over the files of one task of an engine that aggregates elsewhere (the Spark
/// job): `perimeter normalize --out DIR` writes them, the engine sums the tasks' rows by key.
///
/// The grouped tables (`access`, `sources`, `categories`, `flows`) are written in the very rows
/// ``UsageStore/loadAggregates(folder:)`` loads, and they describe themselves, so that the engine needs no
/// list of their columns: a text or array column is part of the key but `sample` (the least non-empty),
/// `first` is a minimum, `last` a maximum, and every other number is summed. A row whose summed numbers
/// are all 0 is left out.
///
/// The engine de-duplicates with the per-file tables: `files` (one row per file, with its content hash),
/// `events` (the time, id, content digest, path and request digest of each event with an id), `network`
/// (a network activity event's rows as the store's `network_event` holds them, one per action, with the
/// event's time, id, digest and its occurrence in the file) and a file's `rejects` and `skipped` reasons.
/// An event delivered again (same time, id and digest) or a file whose content another holds is taken out
/// again by a second run over the files holding them (``subtract(_:_:)``): the same rows with negated
/// sums. Its time, id and keys are those of the copy that stays, so the minima, maxima and samples are
/// unchanged. A network event's own rows are taken out by the engine (it keeps the first occurrence in
/// the least path); its sums here are its category and the address it came from (`seen`, summed: a
/// source row with no request of its own, as the store keeps one).
public struct PartialAggregates {
    var access: [AccessKey: AccessCounts] = [:]
    var sources: [SourceKey: AccessCounts] = [:]
    /// Network activity events seen from each source (their requests are counted when the store is read).
    var seen: [SourceKey: Int64] = [:]
    var categories: [ByteKeyedText: Int64] = [:]
    /// By ``flowKey(_:)`` (byte-exact, as SQLite groups them), with the first flow of the group for its fields.
    var flows: [FlowKey: (flow: ObservedFlow, sums: FlowSums)] = [:]
    private var keys = FoldedEvents.KeyMaker()

    struct FlowSums { var records: Int64 = 0, packets: Int64 = 0, bytes: Int64 = 0, first = Int64.max, last = Int64.min }

    /// ``flowKey(_:)``'s bytes, hashed as one buffer (an array of bytes hashes each byte by itself).
    struct FlowKey: Hashable {
        let bytes: [UInt8]
        func hash(into hasher: inout Hasher) { bytes.withUnsafeBytes { hasher.combine(bytes: $0) } }
    }

    /// Nothing summed.
    public init() {}

    /// Adds every event and flow of `file`.
    public mutating func add(_ file: ParsedFile) {
        for event in file.events { add(event, sign: 1) }
        for flow in file.flows { add(flow, sign: 1) }
    }

    /// What to take out of a file: all of it (a content another file holds), or the events with these
    /// digests (hex, a digest once per copy to take out).
    public enum Removal: Sendable, Equatable {
        case all
        case events([String])
    }

    /// Subtracts what `removal` names of `file`.
    public mutating func subtract(_ file: ParsedFile, _ removal: Removal) {
        switch removal {
        case .all:
            for event in file.events { add(event, sign: -1) }
            for flow in file.flows { add(flow, sign: -1) }
        case let .events(digests):
            var left = digests.reduce(into: [String: Int]()) { $0[$1, default: 0] += 1 }
            for event in file.events where event.eventID != nil {
                let digest = Self.hex(EventDigest(event))
                guard let n = left[digest], n > 0 else { continue }
                left[digest] = n - 1
                add(event, sign: -1)
            }
        }
    }

    /// As ``FoldedEvents`` folds an event: a network activity event adds its category and its address's
    /// time, never a request (its rows go to the per-file `network` table).
    private mutating func add(_ event: NormalizedEvent, sign: Int64) {
        let (accessKeys, source, category) = keys.keys(event)
        categories[category, default: 0] += sign
        guard !event.isNetworkActivity else {
            if let source {
                sources[source, default: AccessCounts()].see(event)
                seen[source, default: 0] += sign
            }
            return
        }
        for key in accessKeys { access[key, default: AccessCounts()].add(event, sign: sign) }
        if let source { sources[source, default: AccessCounts()].add(event, sign: sign) }
    }

    private mutating func add(_ f: ObservedFlow, sign: Int64) {
        let key = Self.flowKey(f)
        var group = flows[key] ?? (f, FlowSums())
        group.sums.records += sign * f.records
        group.sums.packets += sign * f.packets
        group.sums.bytes += sign * f.bytes
        group.sums.first = min(group.sums.first, f.firstSeen)
        group.sums.last = max(group.sums.last, f.lastSeen)
        flows[key] = group
    }

    /// A flow's group: the bytes of its 12 key fields, each text ended by 0xFF (a byte UTF-8 never holds), so
    /// that two flows share a key exactly when every field has the same bytes. Made per flow record: no JSON.
    static func flowKey(_ f: ObservedFlow) -> FlowKey {
        var key: [UInt8] = []
        key.reserveCapacity(160)
        func text(_ text: String) {
            key.append(contentsOf: text.utf8)
            key.append(0xFF)
        }
        func number(_ number: Int) { withUnsafeBytes(of: number.bigEndian) { key.append(contentsOf: $0) } }
        text(f.day); text(f.interfaceID); text(f.instanceID); text(f.vpcID); text(f.sourceAddress); text(f.destinationAddress)
        text(f.action); text(f.destinationService); text(f.flowDirection)
        number(f.destinationPort); number(f.proto); number(f.trafficPath)
        return FlowKey(bytes: key)
    }

    /// A flow group's key as the `flows` table's `k` column.
    static func flowColumns(_ f: ObservedFlow) -> String {
        AggregateExchange.array([f.day, f.interfaceID, f.instanceID, f.vpcID, f.sourceAddress, f.destinationAddress,
                                 String(f.destinationPort), String(f.proto), f.action, String(f.trafficPath),
                                 f.destinationService, f.flowDirection])
    }

    /// The grouped tables' JSON lines, by table name (rows whose sums are all 0 left out).
    public func tables() -> [String: [String]] {
        func counts(_ c: AccessCounts) -> String { "\"count\":\(c.count),\"first\":\(c.first),\"last\":\(c.last)" }
        let access = self.access.filter { $0.value.count != 0 }.map { k, c in
            "{\"k\":\(AggregateExchange.array(k.fields)),\(counts(c)),\"sample\":\(c.sample.map(JSONString.quote) ?? "null")}"
        }
        let sources = self.sources.filter { $0.value.count != 0 || seen[$0.key, default: 0] != 0 }.map { k, c in
            "{\"k\":\(AggregateExchange.array([k.day, k.endpoint, k.principal, k.session, k.sourceIP, k.userAgent, k.outcome])),"
                + "\(counts(c)),\"in\":\(c.bytesIn),\"out\":\(c.bytesOut),\"seen\":\(seen[k, default: 0])}"
        }
        let categories = self.categories.filter { $0.value != 0 }
            .map { text, n in "{\"category\":\(JSONString.quote(text.text)),\"count\":\(n)}" }
        let flows = self.flows.values.filter { $0.sums.records != 0 || $0.sums.packets != 0 || $0.sums.bytes != 0 }.map { flow, s in
            "{\"k\":\(Self.flowColumns(flow)),\"records\":\(s.records),\"packets\":\(s.packets),\"bytes\":\(s.bytes),"
                + "\"first\":\(s.first),\"last\":\(s.last)}"
        }
        return ["access": access, "sources": sources, "categories": categories, "flows": flows]
    }

    /// A file's rows of the per-file tables, named `name` (its path or URI where the engine found it).
    public static func fileRows(_ file: ParsedFile, name: String) -> FileRows {
        let path = "\"path\":\(JSONString.quote(name))"
        let row = """
            {\(path),\"hash\":\(JSONString.quote(file.contentHash)),\"size\":\(file.size),\"kind\":\(JSONString.quote(file.kind.rawValue)),
            """
            + "\"note\":\(file.note.map(JSONString.quote) ?? "null"),\"events\":\(file.events.count),\"flowRecords\":\(file.flowRecords),"
            + "\"rejects\":\(file.rejectCount),\"skipped\":\(file.skippedRecords.values.reduce(0, +)),\"bytes\":\(file.decompressedBytes)}"
        let events = file.events.compactMap { event in
            // A network event's own record carries no request digest to join on, as in the store: only the others' do.
            let request = event.isNetworkActivity ? 0 : FoldedEvents.requestDigest(event)
            return event.eventID.map {
                "{\"time\":\(event.eventTime),\"id\":\(JSONString.quote($0)),\"digest\":\"\(hex(EventDigest(event)))\",\(path),"
                    + "\"request\":\(request)}"
            }
        }
        let rejects = file.rejects.map { r in
            "{\(path),\"code\":\(JSONString.quote(r.code.rawValue)),\"line\":\(r.line.map(String.init) ?? "null"),"
                + """
                    \"offset\":\(r.byteOffset.map(String.init) ?? "null"),\"reason\":\(JSONString.quote(r.reason)),\
                    \"excerpt\":\(JSONString.quote(r.excerpt))}
                    """
        }
        let skipped = file.skippedRecords.sorted { $0.key < $1.key }
            .map { "{\(path),\"reason\":\(JSONString.quote($0.key)),\"count\":\($0.value)}" }
        return FileRows(file: row, events: events, network: networkRows(file, path: path), rejects: rejects, skipped: skipped)
    }

    /// The rows of ``fileRows(_:name:)``, by table.
    public struct FileRows: Sendable {
        public var file: String
        public var events, network, rejects, skipped: [String]
    }

    /// A file's network activity events as the store's `network_event` rows (one per action: `k`, the access
    /// key's 14 fields), each with its event's time, id, content digest, request digest, and `n`, how many
    /// records of that (time, id, digest) came before it in the file: the engine keeps `n` 0 of the least
    /// path, as ingest keeps the first record of an event and takes the later ones out as copies. An event
    /// without an id (never a copy) has id and digest null.
    static func networkRows(_ file: ParsedFile, path: String) -> [String] {
        var keys = FoldedEvents.KeyMaker(), before: [String: Int] = [:], rows: [String] = []
        for event in file.events where event.isNetworkActivity {
            var identity = "null,\"digest\":null", n = 0
            if let id = event.eventID {
                let digest = hex(EventDigest(event))
                identity = "\(JSONString.quote(id)),\"digest\":\"\(digest)\""
                let key = "\(event.eventTime) \(digest) \(id)"
                n = before[key, default: 0]
                before[key] = n + 1
            }
            let head = "{\"time\":\(event.eventTime),\"id\":\(identity),\(path),\"n\":\(n),"
                + "\"request\":\(FoldedEvents.requestDigest(event)),\"k\":"
            rows += keys.keys(event).0.map { head + AggregateExchange.array($0.fields) + "}" }
        }
        return rows
    }

    /// A log file as `perimeter normalize --list` prints it, for the engine to pack files into tasks.
    public static func listing(path: String, size: Int) -> String { "{\"path\":\(JSONString.quote(path)),\"size\":\(size)}" }

    static func hex(_ digest: EventDigest) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: digest.bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 15)]] }, as: UTF8.self)
    }
}

extension AccessCounts {
    /// Counts `event` once (`sign` 1) or takes a copy of it out (-1); its time and id are the copy's that stays.
    mutating func add(_ event: NormalizedEvent, sign: Int64) {
        count += sign
        bytesIn = bytesIn.addingSaturated(sign * event.bytesIn)
        bytesOut = bytesOut.addingSaturated(sign * event.bytesOut)
        first = min(first, event.eventTime)
        last = max(last, event.eventTime)
        if let id = event.eventID, sample.map({ id < $0 }) ?? true { sample = id }
    }
}

extension EventDigest {
    /// A digest from the 32 hex digits ``PartialAggregates`` writes; nil for any other text.
    init?(hex: String) {
        let digits = Array(hex.utf8)
        guard digits.count == 32 else { return nil }
        var words: [UInt64] = [0, 0]
        for (i, c) in digits.enumerated() {
            guard let v = Int(String(UnicodeScalar(c)), radix: 16) else { return nil }
            words[i / 16] = words[i / 16] << 4 | UInt64(v)
        }
        high = words[0]
        low = words[1]
    }
}

extension AccessKey {
    /// The 14 fields in the table's order (as ``init(_:)`` reads them).
    var fields: [String] {
        [day, endpoint, endpointAccount, principalARN, principalKind, principalAccount, action, resource, resourceAccount, outcome,
            errorCode,
         eventSource, region, recipientAccount]
    }
}
