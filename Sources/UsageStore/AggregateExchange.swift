public import AWSLogs
import AWSModel
import Foundation
internal import GRDB
import JSONTape

/// The exchange with an engine that aggregates elsewhere (the Spark job, `Spark/perimeter_aggregate.py`).
///
/// Going out (`perimeter normalize`): each file read is turned into JSON lines holding exactly the row
/// keys the store keeps (the store's own key functions make them: the event → action rules and the
/// grouping exist once), one line per file, event, folded flow, reject and skipped reason. The engine
/// drops files whose content it has seen, events whose (time, id) it has seen, and groups the rest.
///
/// Coming back (`perimeter ingest --aggregates DIR`): the grouped tables, loaded as they are into the
/// store, after which synthesis runs unchanged.
public enum AggregateExchange {
    /// The lines for one parsed file, named `name` (its path or URI where the engine found it).
    ///
    /// ```swift
    /// for line in AggregateExchange.lines(file, name: "s3://trail/AWSLogs/…json.gz") { print(line) }
    /// ```
    public static func lines(_ file: ParsedFile, name: String) -> [String] {
        let head = "\"file\":\(JSONString.quote(file.contentHash)),\"path\":\(JSONString.quote(name))"
        var out = ["{\"t\":\"file\",\(head),\"size\":\(file.size),\"kind\":\(JSONString.quote(file.kind.rawValue)),\"note\":\(file.note.map(JSONString.quote) ?? "null"),"
                   + "\"events\":\(file.events.count),\"flowRecords\":\(file.flowRecords),\"rejects\":\(file.rejectCount),"
                   + "\"skipped\":\(file.skippedRecords.values.reduce(0, +)),\"bytes\":\(file.decompressedBytes)}"]
        var keys = FoldedEvents.KeyMaker()
        for event in file.events {
            let (access, source, category) = keys.keys(event)
            let accessJSON = access.map { k in array([k.day, k.endpoint, k.endpointAccount, k.principalARN, k.principalKind, k.principalAccount, k.action,
                                                       k.resource, k.resourceAccount, k.outcome, k.errorCode, k.eventSource, k.region, k.recipientAccount]) }
            let sourceJSON = source.map { s in array([s.day, s.endpoint, s.principal, s.session, s.sourceIP, s.userAgent]) } ?? "null"
            out.append("{\"t\":\"event\",\(head),\"time\":\(event.eventTime),\"id\":\(event.eventID.map(JSONString.quote) ?? "null"),"
                       + "\"access\":[\(accessJSON.joined(separator: ","))],\"source\":\(sourceJSON),\"category\":\(JSONString.quote(category))}")
        }
        for f in file.flows {
            // The key as strings, numbers too: a group key of one type.
            let key = array([f.day, f.interfaceID, f.instanceID, f.vpcID, f.sourceAddress, f.destinationAddress, String(f.destinationPort), String(f.proto),
                             f.action, String(f.trafficPath), f.destinationService, f.flowDirection])
            out.append("{\"t\":\"flow\",\(head),\"k\":\(key),"
                       + "\"records\":\(f.records),\"packets\":\(f.packets),\"bytes\":\(f.bytes),\"first\":\(f.firstSeen),\"last\":\(f.lastSeen)}")
        }
        for r in file.rejects {
            out.append("{\"t\":\"reject\",\(head),\"code\":\(JSONString.quote(r.code.rawValue)),\"line\":\(r.line.map(String.init) ?? "null"),"
                       + "\"offset\":\(r.byteOffset.map(String.init) ?? "null"),\"reason\":\(JSONString.quote(r.reason)),\"excerpt\":\(JSONString.quote(r.excerpt))}")
        }
        for (reason, count) in file.skippedRecords.sorted(by: { $0.key < $1.key }) {
            out.append("{\"t\":\"skipped\",\(head),\"reason\":\(JSONString.quote(reason)),\"count\":\(count)}")
        }
        return out
    }

    static func array(_ values: [String]) -> String { "[" + values.map(JSONString.quote).joined(separator: ",") + "]" }

    /// The tables an aggregation writes, each a folder of JSON-lines part files.
    static let tables = ["files", "access", "sources", "categories", "flows", "rejects", "skipped"]
}

/// What loading a folder of aggregates did.
public struct AggregateLoad: Sendable, Equatable {
    /// Files the aggregates were made from, and CloudTrail events in them (after de-duplication).
    public var files = 0
    public var events: Int64 = 0
    /// Grouped rows loaded.
    public var rows = 0
    /// True when the store already held these aggregates: nothing was added.
    public var alreadyLoaded = false
}

extension UsageStore {
    /// Loads a folder of aggregates (`files/`, `access/`, `sources/`, `categories/`, `flows/`, `rejects/`,
    /// `skipped/`, JSON lines) in one transaction. Loading the same aggregates again adds nothing; loading
    /// aggregates of a file the store already holds is refused (its events would count twice).
    ///
    /// - Throws: ``StoreError`` for a folder that is not aggregates, a line that does not read (named by
    ///   file and line), overlap with files already stored, or a failed write.
    public func loadAggregates(folder: String) throws(StoreError) -> AggregateLoad {
        let tables = try Self.readTables(folder)
        let fileRows = tables["files"] ?? []
        let identity = "aggregates:" + Self.setHash(fileRows.compactMap { $0["hash"]?.string }.sorted())
        return try write { db in
            var load = AggregateLoad()
            if try Row.fetchOne(db, sql: "SELECT id FROM file WHERE content_hash = ?", arguments: [identity]) != nil {
                load.alreadyLoaded = true
                return load
            }
            try db.execute(sql: """
                INSERT INTO file(path, size, content_hash, kind, outcome, note, events, duplicate_events, flow_records, rejects, skipped, decompressed_bytes)
                VALUES (?, 0, ?, 'aggregates', 'ingested', 'grouped elsewhere (perimeter ingest --aggregates)', 0, 0, 0, 0, 0, 0)
                """, arguments: [folder, identity])
            let groups = db.lastInsertedRowID
            var fileIDs: [String: Int64] = [:]
            for f in fileRows {
                guard let hash = f["hash"]?.string, let path = f["path"]?.string else { continue }
                if try Row.fetchOne(db, sql: "SELECT path FROM file WHERE content_hash = ? AND outcome = 'ingested'", arguments: [hash]) != nil {
                    throw StoreError(message: "`\(path)` is already in the store: loading these aggregates would count it twice")
                }
                try db.execute(sql: """
                    INSERT INTO file(path, size, content_hash, kind, outcome, note, events, duplicate_events, flow_records, rejects, skipped, decompressed_bytes)
                    VALUES (?, ?, ?, ?, 'ingested', ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [path, f["size"]?.int64 ?? 0, hash, f["kind"]?.string ?? "unrecognized", f["note"]?.string,
                                     f["events"]?.int64 ?? 0, f["duplicates"]?.int64 ?? 0, f["flowRecords"]?.int64 ?? 0, f["rejects"]?.int64 ?? 0,
                                     f["skipped"]?.int64 ?? 0, f["bytes"]?.int64 ?? 0])
                fileIDs[path] = db.lastInsertedRowID
                load.files += 1
                load.events += f["events"]?.int64 ?? 0
            }
            load.rows = try insert(tables, groups: groups, files: fileIDs, db)
            return load
        }
    }

    /// The grouped rows, attached to the aggregates' ledger row (rejects and skipped counts to their files').
    private func insert(_ tables: [String: [JSONValue]], groups: Int64, files: [String: Int64], _ db: Database) throws -> Int {
        var access: [AccessKey: AccessCounts] = [:], sources: [SourceKey: AccessCounts] = [:], categories: [String: Int64] = [:]
        var flows: [ObservedFlow] = []
        for row in tables["access"] ?? [] {
            let k = row["k"]?.elements.compactMap(\.string) ?? []
            guard k.count == 14 else { throw StoreError(message: "an access row without its 14 keys") }
            access[AccessKey(k)] = AccessCounts(count: row["count"]?.int64 ?? 0, first: row["first"]?.int64 ?? 0, last: row["last"]?.int64 ?? 0,
                                                sample: row["sample"]?.string.flatMap { $0.isEmpty ? nil : $0 })
        }
        for row in tables["sources"] ?? [] {
            let k = row["k"]?.elements.compactMap(\.string) ?? []
            guard k.count == 6 else { throw StoreError(message: "a source row without its 6 keys") }
            sources[SourceKey(day: k[0], endpoint: k[1], principal: k[2], session: k[3], sourceIP: k[4], userAgent: k[5])] =
                AccessCounts(count: row["count"]?.int64 ?? 0, first: row["first"]?.int64 ?? 0, last: row["last"]?.int64 ?? 0)
        }
        for row in tables["categories"] ?? [] {
            if let category = row["category"]?.string { categories[category, default: 0] += row["count"]?.int64 ?? 0 }
        }
        for row in tables["flows"] ?? [] {
            let k = row["k"]?.elements ?? []
            guard k.count == 12 else { throw StoreError(message: "a flow row without its 12 keys") }
            func s(_ i: Int) -> String { k[i].string ?? "" }
            func n(_ i: Int) -> Int { Int(k[i].string ?? "") ?? 0 }
            flows.append(ObservedFlow(day: s(0), interfaceID: s(1), instanceID: s(2), vpcID: s(3), sourceAddress: s(4), destinationAddress: s(5),
                                      destinationPort: n(6), proto: n(7), action: s(8), trafficPath: n(9), destinationService: s(10), flowDirection: s(11),
                                      records: row["records"]?.int64 ?? 0, packets: row["packets"]?.int64 ?? 0, bytes: row["bytes"]?.int64 ?? 0,
                                      firstSeen: row["first"]?.int64 ?? 0, lastSeen: row["last"]?.int64 ?? 0))
        }
        try insertAccess(db, file: groups, access)
        try insertSources(db, file: groups, sources)
        try upsertCategories(db, categories)
        try insertFlows(db, file: groups, flows)
        let reject = try db.cachedStatement(sql: "INSERT INTO reject(file_id, code, line, byte_offset, reason, excerpt) VALUES (?, ?, ?, ?, ?, ?)")
        for r in tables["rejects"] ?? [] {
            try reject.execute(arguments: [files[r["path"]?.string ?? ""] ?? groups, r["code"]?.string ?? "", r["line"]?.int64, r["offset"]?.int64,
                                           r["reason"]?.string ?? "", r["excerpt"]?.string ?? ""])
        }
        let skip = try db.cachedStatement(sql: "INSERT INTO skipped(file_id, reason, count) VALUES (?, ?, ?)")
        for r in tables["skipped"] ?? [] {
            try skip.execute(arguments: [files[r["path"]?.string ?? ""] ?? groups, r["reason"]?.string ?? "", r["count"]?.int64 ?? 0])
        }
        return access.count + sources.count + categories.count + flows.count
    }

    /// Every table's rows, from the JSON-lines part files of its folder.
    static func readTables(_ folder: String) throws(StoreError) -> [String: [JSONValue]] {
        var tables: [String: [JSONValue]] = [:]
        guard FileManager.default.fileExists(atPath: folder + "/files") else {
            throw StoreError(message: "`\(folder)` holds no aggregates (no `files/` folder; see `Spark/perimeter_aggregate.py`)")
        }
        for table in AggregateExchange.tables {
            let dir = folder + "/" + table
            let parts = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { !$0.hasPrefix(".") && !$0.hasPrefix("_") }.sorted()
            for part in parts {
                let path = dir + "/" + part
                guard let data = FileManager.default.contents(atPath: path) else { throw StoreError(message: "cannot read `\(path)`") }
                let sequence = JSONParser.parseSequence([UInt8](data))
                if let error = sequence.errors.first {
                    let (line, _) = JSONDocument.lineAndColumn(of: error.offset, in: [UInt8](data))
                    throw StoreError(message: "`\(path)` line \(line): \(error.message)")
                }
                tables[table, default: []] += sequence.document.values
            }
        }
        return tables
    }

    /// A short hash of the aggregates' file hashes: their identity in the ledger.
    static func setHash(_ hashes: [String]) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in hashes.joined(separator: "\n").utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return String(h, radix: 16) + "-\(hashes.count)"
    }
}
