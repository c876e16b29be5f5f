import AWSLogs
import AWSModel
import Foundation
internal import GRDB
import JSONTape

/// The exchange with an engine that aggregates elsewhere (the Spark job, `Spark/perimeter_aggregate.py`).
///
/// Going out (`perimeter normalize`): a task's files summed into the store's groups (``PartialAggregates``:
/// the store's own key functions make them, so the event → action rules and the grouping exist once),
/// with per-file rows the engine de-duplicates by: files by content hash, events by time, id and content.
///
/// Coming back (`perimeter ingest --aggregates DIR`): the grouped tables, loaded as they are into the
/// store, and the events and network activity events the store joins when it is read; after which
/// synthesis runs unchanged.
///
/// Both ways carry a `format` table: one row naming the exchange and its version. The engine passes the
/// tasks' row on (all tasks' must be the same) and the store refuses any other version, or none: a table
/// of an older exchange would be read wrong, not merely incompletely.
public enum AggregateExchange {
    static func array(_ values: [String]) -> String { "[" + values.map(JSONString.quote).joined(separator: ",") + "]" }

    /// The exchange's name and version. Version 2: each event's request digest and the network activity
    /// events' rows (version 1, with no `format` table, left network events out and listed only conflicts).
    static let format = "perimeter-aggregates", version = 2

    /// The `format` table's row.
    public static let formatRow = "{\"format\":\"\(format)\",\"version\":\(version)}"

    /// The tables an aggregation writes, each a folder of JSON-lines part files, in the order they are
    /// loaded. (`events`: each content of an event id, by its least path, with its request digest, the
    /// contents of one (time, id) in one part file in path order; `network`: the rows of `network_event`.)
    static let tables = ["files", "access", "sources", "categories", "flows", "rejects", "skipped", "events", "network"]
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
    /// Loads a folder of aggregates (`format/`, `files/`, `access/`, `sources/`, `categories/`, `flows/`,
    /// `rejects/`, `skipped/`, `events/`, `network/`, JSON lines) in one transaction. Loading the same
    /// aggregates again adds nothing; loading aggregates of a file the store already holds is refused (its
    /// events would count twice).
    ///
    /// - Throws: ``StoreError`` for a folder that is not aggregates or not of this version, a line that does
    ///   not read (named by file and line), overlap with files already stored, or a failed write.
    public func loadAggregates(folder: String) throws(StoreError) -> AggregateLoad {
        guard FileManager.default.fileExists(atPath: folder + "/files") else {
            throw StoreError(message: "`\(folder)` holds no aggregates (no `files/` folder; see `Spark/perimeter_aggregate.py`)")
        }
        try Self.checkFormat(folder)
        var fileRows: [JSONValue] = []
        try Self.forEachPart(folder, "files") { fileRows += $0 }
        let identity = "aggregates:" + Self.setHash(fileRows.compactMap { $0["hash"]?.string }.sorted())
        return try write { db in
            var load = AggregateLoad()
            let statements = try IngestStatements(db)
            if try Row.fetchOne(db, sql: "SELECT id FROM file WHERE content_hash = ?", arguments: [identity]) != nil {
                load.alreadyLoaded = true
                return load
            }
            let groups = try statements.insertLedger(db, Ledger(path: folder, size: 0, hash: identity, kind: "aggregates",
                                                                note: "grouped elsewhere (perimeter ingest --aggregates)"))
            var fileIDs: [ByteKeyedText: Int64] = [:]   // by bytes: two paths differing only in normalization are two files
            for f in fileRows {
                guard let hash = f["hash"]?.string, let path = f["path"]?.string else { continue }
                if try Row.fetchOne(db, sql: "SELECT path FROM file WHERE content_hash = ? AND outcome = 'ingested'", arguments: [hash])
                    != nil {
                    throw StoreError(message: "`\(path)` is already in the store: loading these aggregates would count it twice")
                }
                fileIDs[ByteKeyedText(path)] = try statements.insertLedger(db, Ledger(
                    path: path, size: try Self.amount(f, "size"), hash: hash, kind: f["kind"]?.string ?? "unrecognized",
                        note: f["note"]?.string,
                    events: try Self.amount(f, "events"), duplicates: try Self.amount(f, "duplicates"),
                    flowRecords: try Self.amount(f, "flowRecords"),
                    rejects: try Self.amount(f, "rejects"), skipped: try Self.amount(f, "skipped"), bytes: try Self.amount(f, "bytes")))
                load.files += 1
                load.events = load.events.addingSaturated(try Self.amount(f, "events"))
            }
            // The grouped tables part file by part file: memory holds one part, not the aggregates.
            for table in AggregateExchange.tables.dropFirst() {
                try Self.forEachPart(folder, table) { rows in
                    load.rows += try insert(table, rows, groups: groups, files: fileIDs, db, statements) }
            }
            return load
        }
    }

    /// One part file's rows of `table`, attached to the aggregates' ledger row (rejects and skipped
    /// counts to their files'). Returns the grouped rows inserted.
    private func insert(_ table: String, _ rows: [JSONValue], groups: Int64, files: [ByteKeyedText: Int64], _ db: Database,
                        _ statements: IngestStatements) throws -> Int {
        switch table {
        case "access": return try insertAccess(rows, groups: groups, db, statements)
        case "sources": return try insertSources(rows, groups: groups, db, statements)
        case "categories":
            var categories: [ByteKeyedText: Int64] = [:]
            // Saturating: a part file may repeat a category with counts that together pass Int64.
            for row in rows {
                guard let category = row["category"]?.string.map(ByteKeyedText.init) else { continue }
                categories[category] = (categories[category] ?? 0).addingSaturated(try Self.amount(row, "count"))
            }
            try statements.upsertCategories(db, categories)
            return categories.count
        case "flows":
            let flows = try rows.map(Self.flow)
            try statements.insertFlows(db, file: groups, flows)
            return flows.count
        case "rejects":
            for r in rows {
                try statements.insertReject(file: files[ByteKeyedText(r["path"]?.string ?? "")] ?? groups, code: r["code"]?.string ?? "",
                                            line: r["line"]?.int64, offset: r["offset"]?.int64, reason: r["reason"]?.string ?? "",
                                            excerpt: r["excerpt"]?.string ?? "")
            }
            return 0
        case "events", "network":
            try insertEvents(table, rows, files: files, db, statements)
            return 0
        default:   // skipped
            for r in rows {
                try statements.insertSkipped(file: files[ByteKeyedText(r["path"]?.string ?? "")] ?? groups,
                    reason: r["reason"]?.string ?? "", count: try Self.amount(r, "count"))
            }
            return 0
        }
    }

    /// A part file of `access`: its groups, each by its 14 keys.
    private func insertAccess(_ rows: [JSONValue], groups: Int64, _ db: Database, _ statements: IngestStatements) throws -> Int {
        var access: [AccessKey: AccessCounts] = [:]
        for row in rows {
            let k = row["k"]?.elements.compactMap(\.string) ?? []
            guard k.count == 14 else { throw StoreError(message: "an access row without its 14 keys") }
            access[AccessKey(k)] = AccessCounts(count: try Self.amount(row, "count"), first: try Self.amount(row, "first"),
                                                last: try Self.amount(row, "last"),
                                                sample: row["sample"]?.string.flatMap { $0.isEmpty ? nil : $0 })
        }
        try statements.insertAccess(db, file: groups, access)
        return access.count
    }

    /// A part file of `sources`: its groups, each by its 7 keys.
    private func insertSources(_ rows: [JSONValue], groups: Int64, _ db: Database, _ statements: IngestStatements) throws -> Int {
        var sources: [SourceKey: AccessCounts] = [:]
        for row in rows {
            let k = row["k"]?.elements.compactMap(\.string) ?? []
            guard k.count == 7 else { throw StoreError(message: "a source row without its 7 keys") }
            let key = SourceKey(day: k[0], endpoint: k[1], principal: k[2], session: k[3], sourceIP: k[4], userAgent: k[5], outcome: k[6])
            sources[key] = AccessCounts(count: try Self.amount(row, "count"), first: try Self.amount(row, "first"),
                                        last: try Self.amount(row, "last"), bytesIn: try Self.amount(row, "in"),
                                        bytesOut: try Self.amount(row, "out"))
        }
        try statements.insertSources(db, file: groups, sources)
        return sources.count
    }

    /// A row of `flows` by its 12 keys.
    private static func flow(_ row: JSONValue) throws -> ObservedFlow {
        let k = row["k"]?.elements.compactMap(\.string) ?? []
        guard k.count == 12 else { throw StoreError(message: "a flow row without its 12 keys") }
        return ObservedFlow(day: k[0], interfaceID: k[1], instanceID: k[2], vpcID: k[3], sourceAddress: k[4], destinationAddress: k[5],
                            destinationPort: Int(k[6]) ?? 0, proto: Int(k[7]) ?? 0, action: k[8], trafficPath: Int(k[9]) ?? 0,
                            destinationService: k[10], flowDirection: k[11], records: try Self.amount(row, "records"),
                            packets: try Self.amount(row, "packets"), bytes: try Self.amount(row, "bytes"),
                            firstSeen: try Self.amount(row, "first"), lastSeen: try Self.amount(row, "last"))
    }

    private func insertEvents(_ table: String, _ rows: [JSONValue], files: [ByteKeyedText: Int64], _ db: Database,
                              _ statements: IngestStatements) throws {
        for r in rows {
            let time = try Self.amount(r, "time"), request = try Self.request(r)
            guard let path = r["path"]?.string, let file = files[ByteKeyedText(path)] else {
                throw StoreError(message: "a row of `\(table)` without its file")
            }
            if table == "events" {
                guard let id = r["id"]?.string, let digest = r["digest"]?.string.flatMap(EventDigest.init(hex:)) else {
                    throw StoreError(message: "an event row without its id or digest")
                }
                _ = try statements.recordEvent(db, time: time, id: id, digest: digest, request: request, file: file, path: path)
            } else {
                let k = r["k"]?.elements.compactMap(\.string) ?? []
                guard k.count == 14 else { throw StoreError(message: "a network event row without its 14 keys") }
                try statements.insertNetwork(db, time: time, request: request, file: file, id: r["id"]?.string ?? "", AccessKey(k))
            }
        }
    }

    /// Calls `body` with the rows of each JSON-lines part file of `table`, in name order.
    static func forEachPart(_ folder: String, _ table: String, _ body: ([JSONValue]) throws -> Void) throws(StoreError) {
        let dir = folder + "/" + table
        let parts = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { !$0.hasPrefix(".") && !$0.hasPrefix("_") }
            .sorted()
        for part in parts {
            let path = dir + "/" + part
            guard let data = FileManager.default.contents(atPath: path) else { throw StoreError(message: "cannot read `\(path)`") }
            let bytes = [UInt8](data)
            let sequence = JSONParser.parseSequence(bytes)
            if let error = sequence.errors.first {
                throw StoreError(
                    message: "`\(path)` line \(JSONDocument.lineAndColumn(of: error.offset, in: bytes).line): \(error.message)")
            }
            do { try body(sequence.document.values) } catch let error as StoreError {
                throw StoreError(message: "`\(path)`: \(error.message)")
            } catch {
                throw StoreError(message: "`\(path)`: \(error)")
            }
        }
    }

    /// A count, size or time of an aggregate row: absent is 0; a negative one, or one past 2^53 (no log
    /// holds that many, and sums of them could overflow the store's queries), is refused.
    static func amount(_ row: JSONValue, _ key: String) throws(StoreError) -> Int64 {
        guard let value = row[key], !value.isNull else { return 0 }
        guard let n = value.int64, (0...(Int64(1) << 53)).contains(n) else {
            throw StoreError(message: "`\(key)` of an aggregate row is \(value.rawText.prefix(40)): not a count between 0 and 2^53")
        }
        return n
    }

    /// A request digest (any 64-bit integer; absent is 0, never joined).
    static func request(_ row: JSONValue) throws(StoreError) -> Int64 {
        guard let value = row["request"], !value.isNull else { return 0 }
        guard let n = value.int64 else {
            throw StoreError(message: "`request` of an aggregate row is \(value.rawText.prefix(40)): not a digest")
        }
        return n
    }

    /// Refuses aggregates of another format than this binary's (``AggregateExchange/version``), or of none.
    static func checkFormat(_ folder: String) throws(StoreError) {
        var rows: [JSONValue] = []
        try forEachPart(folder, "format") { rows += $0 }
        let versions = Set(rows.map { row in row["format"]?.string == AggregateExchange.format ? row["version"]?.int64 ?? 0 : 0 })
        guard versions != [Int64(AggregateExchange.version)] else { return }
        let found = if let only = versions.first, versions.count == 1, only > 0 { "version \(only)" } else {
            rows.isEmpty ? "no format (version 1)" : "no known format"
        }
        throw StoreError(message: "`\(folder)` holds aggregates of \(found); this perimeter reads version \(AggregateExchange.version) "
                             + "(network activity events joined): run Spark/perimeter_aggregate.py again with this perimeter binary")
    }

    /// A short hash of the aggregates' file hashes: their identity in the ledger.
    static func setHash(_ hashes: [String]) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in hashes.joined(separator: "\n").utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return String(h, radix: 16) + "-\(hashes.count)"
    }
}
