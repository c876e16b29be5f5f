import AWSLogs
public import AWSModel
internal import GRDB
internal import GRDBSQLite

/// A window of whole UTC days, both ends inclusive; nil ends are open.
public struct DayWindow: Sendable, Equatable {
    /// The first day, `YYYY-MM-DD`; nil is open.
    public var since: String?
    /// The last day, `YYYY-MM-DD`; nil is open.
    public var until: String?
    /// A window from `since` through `until`.
    public init(since: String? = nil, until: String? = nil) {
        self.since = since
        self.until = until
    }

    var sql: (String, StatementArguments) {
        ("day >= ? AND day <= ?", [since ?? "0000-00-00", until ?? "9999-99-99"])
    }
}

/// Totals over the whole store.
public struct StoreTotals: Sendable, Equatable {
    /// Files stored, by kind.
    public var filesByKind: [String: Int] = [:]
    /// Files that could not be read or stored (retried on the next ingest).
    public var failedFiles: [IngestSummary.FileNote] = []
    /// CloudTrail events stored.
    public var events: Int64 = 0
    /// Events ignored as already stored (same event id).
    public var duplicateEvents: Int64 = 0
    /// Flow records read.
    public var flowRecords: Int64 = 0
    /// Stored rejects by code (`''` for rows written before codes).
    public var rejectsByCode: [String: Int64] = [:]
    /// Valid records not used, by reason.
    public var skippedByReason: [String: Int64] = [:]
    /// Every rejected record, with those counted past a file's detail limit.
    public var rejects: Int64 = 0
}

/// One stored reject, with the file it came from.
public struct StoredReject: Sendable, Hashable {
    /// The file the record came from.
    public var path: String
    /// The reject's code (empty for rows written before codes).
    public var code: String
    /// 1-based line, when the input has lines.
    public var line: Int?
    /// Byte offset in the decompressed file.
    public var byteOffset: Int64?
    /// Why it was rejected.
    public var reason: String
    /// A short piece of the input.
    public var excerpt: String
}

extension UsageStore {
    /// Where the store's sums are held (2^62): past Int64, SQLite's `+` turns a sum into a float that no
    /// longer reads back as a count.
    static let countLimit: Int64 = 1 << 62

    /// `SUM(column)` that cannot fail: SQLite's SUM raises "integer overflow" past Int64, so the sum is
    /// taken in floating point (TOTAL) and held at 2^62. Exact below 2^53.
    static func boundedSum(_ column: String) -> String { "CAST(MIN(TOTAL(\(column)), \(countLimit).0) AS INTEGER)" }

    /// The first and last day with a logged request in `window`, or nil when it holds none.
    ///
    /// - Throws: ``StoreError`` when the store cannot be read.
    public func loggedDays(window: DayWindow = DayWindow()) throws(StoreError) -> (first: String, last: String)? {
        let (condition, arguments) = window.sql
        return try read { db in try Self.loggedDays(db, condition, arguments) }
    }

    static func loggedDays(_ db: Database, _ condition: String, _ arguments: StatementArguments) throws -> (first: String, last: String)? {
        guard let row = try Row.fetchOne(db, sql: "SELECT MIN(day) AS f, MAX(day) AS l FROM access WHERE \(condition)",
            arguments: arguments),
              let first: String = row["f"], let last: String = row["l"] else { return nil }
        return (first, last)
    }

    /// Requests summed over `window` by endpoint, principal, action, resource and outcome, sorted, with
    /// their source addresses (every group held: synthesis reads ``accessRows(window:_:)`` and folds).
    ///
    /// - Throws: ``StoreError`` when the store cannot be read.
    public func observedAccess(window: DayWindow = DayWindow()) throws(StoreError) -> [ObservedAccess] {
        var accesses: [ObservedAccess] = []
        try accessRows(window: window) { accesses.append($0.access()) }
        return ObservedAccess.withSourceIPs(accesses.sorted(byTexts: ObservedAccess.orderTexts), from: try sources(window: window))
    }

    /// Authorized requests per endpoint and day, in the window (for the report's chart of what each draft learned from).
    ///
    /// - Throws: ``StoreError`` when the store cannot be read.
    public func dailyRequests(window: DayWindow = DayWindow()) throws(StoreError) -> [DailyRequests] {
        let (condition, arguments) = window.sql
        return try read { db in try Self.dailyRequests(db, condition, arguments) }
    }

    /// The requests summed by the bytes of (endpoint, day) in one pass, as `GROUP BY endpoint, day` would sum them
    /// (a bounded sum of `count`), and put in its order: SQLite's sort of every row for a few hundred groups took
    /// 0.4 s of 1M records' synthesis.
    static func dailyRequests(_ db: Database, _ condition: String, _ arguments: StatementArguments) throws -> [DailyRequests] {
        let authorized = Outcome.allCases.filter(\.wasAuthorized).map { "'\($0.rawValue)'" }.joined(separator: ", ")
        let statement = try db.makeStatement(sql: """
            SELECT endpoint, day, count FROM access WHERE \(condition) AND endpoint != '' AND outcome IN (\(authorized))
            """)
        let sqlite = statement.sqliteStatement, rows = try Row.fetchCursor(statement, arguments: arguments)
        var numbers = ByteStringTable(), key = RowBytes(), days: [(endpoint: String, day: String, requests: Double)] = []
        while let row = try rows.next() {
            key.bytes.removeAll(keepingCapacity: true)
            key.append(values: sqlite, of: 0...1)
            let (number, new) = numbers.insert(key.bytes)
            if new { days.append((row[0], row[1], 0)) }
            days[number].requests += sqlite3_column_double(sqlite, 2)   // TOTAL(): a float sum, whatever the values
        }
        return numbers.sqlOrder().map { number in
            let day = days[number]
            return DailyRequests(endpoint: VPCEndpointID(day.endpoint), day: day.day, requests: bounded(day.requests))
        }
    }

    /// Principals by source address over `window`, sorted.
    ///
    /// Without `sums`, each source once with `count`, `firstSeen` and `lastSeen` 0: what synthesis reads
    /// (who, from where, as which session and agent), for a third less time (1M records: 488k rows).
    ///
    /// - Throws: ``StoreError`` when the store cannot be read.
    public func sources(window: DayWindow = DayWindow(), sums: Bool = true) throws(StoreError) -> [ObservedSource] {
        let (condition, arguments) = window.sql
        let columns = "endpoint, principal_arn, session_name, source_ip, user_agent"
        // Columns by position, in the SELECT's order (a name lookup lowercases the name for every row).
        func source(_ row: Row) -> ObservedSource {
            let endpoint: String = row[0]
            return ObservedSource(endpoint: endpoint.isEmpty ? nil : VPCEndpointID(endpoint), principalARN: row[1],
                                  sessionName: row[2], sourceIP: row[3], userAgent: row[4], count: row[5], firstSeen: row[6],
                                  lastSeen: row[7])
        }
        guard sums else { return try sourceEvidence(window: window).sources }
        return try read { db in
            try Self.fetch(db, sql: """
                SELECT \(columns), \(Self.boundedSum("count")) AS n, MIN(first_seen) AS f, MAX(last_seen) AS l FROM source
                WHERE \(condition) GROUP BY \(columns)
                """, arguments: arguments, source).sorted(byTexts: ObservedSource.orderTexts)
        }
    }

    /// Event counts by event source and category (`Data`, `Management`, …) over the whole store.
    ///
    /// - Throws: ``StoreError`` when the store cannot be read.
    public func eventCategories() throws(StoreError) -> [EventCategoryCount] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT event_source, category, count FROM event_category WHERE count > 0 ORDER BY event_source, category
                """).map {
                EventCategoryCount(eventSource: $0["event_source"],
                    service: EventActionMap.shared.servicePrefix(eventSource: $0["event_source"]),
                                   category: $0["category"], count: $0["count"])
            }
        }
    }

    /// Totals over everything stored.
    ///
    /// - Throws: ``StoreError`` when the store cannot be read.
    public func totals() throws(StoreError) -> StoreTotals {
        try read { db in
            var t = StoreTotals()
            for row in try Row.fetchAll(db, sql: "SELECT kind, COUNT(*) AS n FROM file WHERE outcome = 'ingested' GROUP BY kind") {
                t.filesByKind[row["kind"]] = row["n"]
            }
            t.failedFiles = try Row.fetchAll(db, sql: "SELECT path, note FROM file WHERE outcome = 'failed' ORDER BY path")
                .map { IngestSummary.FileNote(path: $0["path"], reason: $0["note"] ?? "") }
            // Bounded sums: aggregates from elsewhere may claim counts whose sum passes Int64 (SUM would fail every later read).
            if let row = try Row.fetchOne(db, sql: """
                SELECT \(Self.boundedSum("events")) AS e, \(Self.boundedSum("duplicate_events")) AS d, \(Self.boundedSum("flow_records")) \
                AS f,
                       \(Self.boundedSum("rejects")) AS r FROM file WHERE outcome = 'ingested'
                """) {
                t.rejects = row["r"]
                t.events = row["e"]
                t.duplicateEvents = row["d"]
                t.flowRecords = row["f"]
            }
            for row in try Row.fetchAll(db, sql: "SELECT code, COUNT(*) AS n FROM reject GROUP BY code") {
                t.rejectsByCode[row["code"]] = row["n"]
            }
            if let conflicts = try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM event_variant"), conflicts > 0 {
                t.rejects += conflicts
                t.rejectsByCode[Self.conflictCode, default: 0] += conflicts
            }
            for row in try Row.fetchAll(db, sql: "SELECT reason, \(Self.boundedSum("count")) AS n FROM skipped GROUP BY reason") {
                t.skippedByReason[row["reason"]] = row["n"]
            }
            return t
        }
    }

    /// Stored rejects in file and line order (at most `limit`), with the ``eventConflicts()``.
    ///
    /// - Throws: ``StoreError`` when the store cannot be read.
    public func rejects(limit: Int = 1000) throws(StoreError) -> [StoredReject] {
        let stored = try read { db in
            try Row.fetchAll(db, sql: """
                SELECT file.path, reject.code, reject.line, reject.byte_offset, reject.reason, reject.excerpt FROM reject JOIN file ON \
                file.id = reject.file_id
                ORDER BY file.path, reject.byte_offset LIMIT ?
                """, arguments: [limit]).map {
                StoredReject(path: $0["path"], code: $0["code"], line: $0["line"], byteOffset: $0["byte_offset"], reason: $0["reason"],
                    excerpt: $0["excerpt"])
            }
        }
        // Stable: a file's own rejects keep their order, conflicts follow them.
        let all = (stored + (try eventConflicts(limit: limit))).enumerated()
        return Array(all.sorted { ($0.element.path, $0.offset) < ($1.element.path, $1.offset) }.map(\.element).prefix(limit))
    }

    /// The code of a conflict: two records with one event id and different content.
    static let conflictCode = Diagnostic.Code.duplicateEventID.rawValue

    /// Event ids stored with more than one content (at most `limit`): every record of each was kept and
    /// counted, none hiding another. Each content after the first (by the least file holding it, then digest)
    /// is one reject naming the least file of the first content and of its own: the same whatever order the
    /// files were read in. Every content is named against the first, not each pair (all of them differ): n
    /// contents are n - 1 rejects, as the totals count them. At most ``conflictsListedPerEvent`` of one id are
    /// listed, the last saying how many more there are: a trail that writes thousands of contents under one
    /// id does not push the other ids out of the list.
    ///
    /// - Throws: ``StoreError`` when the store cannot be read.
    public func eventConflicts(limit: Int = 1000) throws(StoreError) -> [StoredReject] {
        let rows = try read { db in
            try Row.fetchAll(db, sql: """
                SELECT c.event_time AS t, c.event_id AS id, COALESCE(f.path, '') AS path FROM (
                    SELECT event_time, event_id, digest, file_id FROM event_seen
                    WHERE (event_time, event_id) IN (SELECT event_time, event_id FROM event_variant)
                    UNION ALL SELECT event_time, event_id, digest, file_id FROM event_variant) c
                LEFT JOIN file f ON f.id = c.file_id ORDER BY c.event_time, c.event_id, path, c.digest
                """).map { EventContent(time: $0["t"], id: $0["id"], path: $0["path"]) }
        }
        var conflicts: [StoredReject] = []
        var start = rows.startIndex
        while start < rows.endIndex, conflicts.count < limit {
            let first = rows[start]
            let end = rows[start...].firstIndex { $0.time != first.time || !TextBytes.equal($0.id, first.id) } ?? rows.endIndex
            conflicts += Self.conflicts(rows[start..<end], limit: min(limit - conflicts.count, Self.conflictsListedPerEvent))
            start = end
        }
        return conflicts
    }

    /// The most contents of one event id ``eventConflicts(limit:)`` lists.
    static let conflictsListedPerEvent = 10

    /// One content of an event id: the least file holding it (empty when none is known).
    struct EventContent { var time: Int64, id: String, path: String }

    /// The rejects of one event id's contents (in the order listed): each after the first against the first, at
    /// most `limit`, the last saying how many are left out.
    static func conflicts(_ contents: ArraySlice<EventContent>, limit: Int) -> [StoredReject] {
        guard let least = contents.first else { return [] }
        let event = "event id \(String(least.id.prefix(40)).debugDescription) at \(Timestamp.iso8601(least.time))"
        let others = contents.dropFirst(), listed = others.prefix(limit)
        return listed.enumerated().map { i, content in
            let place = TextBytes.equal(least.path, content.path) ? "twice in \(least.path)" : "in \(least.path) and \(content.path)"
            let more = others.count - listed.count, unlisted = i < listed.count - 1 || more == 0 ? ""
                : "; \(more) more content\(more == 1 ? " of this id is" : "s of this id are") not listed"
            return StoredReject(path: least.path, code: conflictCode, line: nil, byteOffset: nil,
                                reason: "\(event): two records with different content \(place); both kept\(unlisted)",
                                excerpt: String(least.id.prefix(120)))
        }
    }

    /// The rows of `sql` turned into values one at a time through a cursor: a fetchAll would hold every
    /// row's copy as well as the values (110k flow rows: 48 MB).
    static func fetch<T>(_ db: Database, sql: String, arguments: StatementArguments, _ value: (Row) throws -> T) throws -> [T] {
        var values: [T] = []
        let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
        while let row = try rows.next() { values.append(try value(row)) }
        return values
    }

    static func account(_ text: String) -> AccountID? { text.isEmpty ? nil : AccountID(text) }
    static func nonEmpty(_ text: String) -> String? { text.isEmpty ? nil : text }
}
