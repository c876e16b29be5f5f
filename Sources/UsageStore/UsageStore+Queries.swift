import AWSLogs
public import AWSModel
internal import GRDB
internal import GRDBSQLite
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The days the requests of a window fall on: the first and last logged, and the authorized requests
/// (successful, or failed after authorization) per endpoint and day, for the report's chart.
public struct AccessDays: Sendable {
    /// The first and last day with a logged request, nil when there is none.
    public var logged: (first: String, last: String)?
    /// Authorized requests per endpoint and day, by endpoint then day.
    public var daily: [DailyRequests]
}

extension Int64 {
    /// Adds `other`, held at ``UsageStore/countLimit`` as the store's bounded sums are.
    mutating func addSaturating(_ other: Int64) { self = Swift.min(addingSaturated(other), UsageStore.countLimit) }
}

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
        guard let row = try Row.fetchOne(db, sql: "SELECT MIN(day) AS f, MAX(day) AS l FROM access WHERE \(condition)", arguments: arguments),
              let first: String = row["f"], let last: String = row["l"] else { return nil }
        return (first, last)
    }

    /// Requests folded over `window` by endpoint, principal, action, resource and outcome, sorted.
    ///
    /// - Throws: ``StoreError`` when the store cannot be read.
    public func observedAccess(window: DayWindow = DayWindow()) throws(StoreError) -> [ObservedAccess] {
        var accesses: [ObservedAccess] = []
        try observedAccess(window: window) { accesses.append($0) }
        return ObservedAccess.withSourceIPs(accesses.sorted(byTexts: ObservedAccess.orderTexts), from: try sources(window: window))
    }

    /// Requests summed over `window` by endpoint, principal, action, resource and outcome, handed to
    /// `body` one group at a time (in no promised order), without their source addresses
    /// (``ObservedAccess/withSourceIPs(_:from:)`` adds them from ``sources(window:)``).
    ///
    /// Without a `fold`, SQLite sums the rows (its sort spills to disk: the groups are never all held).
    /// With one, each S3 object ARN is replaced by the pattern `fold` returns for it (object keys
    /// generalized to a prefix or the bucket), and the rows are summed over that pattern in one pass
    /// without a sort: the groups follow the distinct patterns, not the distinct keys, and are few. `fold`
    /// sees each row once, in the table's order. A group whose pattern differs from its logged resources
    /// has ``ObservedAccess/generalized`` set, and is never summed with requests that logged the pattern
    /// itself (a batch delete's `bucket/*`).
    ///
    /// Returns the days the rows fall on (``AccessDays``), counted from the same rows where they are read
    /// one by one (with a fold), else by two more queries on the same snapshot.
    ///
    /// - Throws: ``StoreError`` when the store cannot be read.
    @discardableResult
    public func observedAccess(window: DayWindow = DayWindow(), fold: ResourceFold? = nil,
                               _ body: (ObservedAccess) throws -> Void) throws(StoreError) -> AccessDays {
        let (condition, arguments) = window.sql
        return try read { db in
            if let fold {
                let days = try Self.foldedAccess(db, condition: condition, arguments: arguments, fold: fold, body)
                try Self.networkOnly(db, condition, arguments, body)
                return days
            }
            // The most varied column first: the sort compares fewer equal prefixes (1M records: 1.74 → 1.38 s).
            // A cursor, not fetchAll: the rows are turned into values one by one, not all held twice.
            let rows = try Row.fetchCursor(db, sql: """
                SELECT \(Self.accessColumns), \(Self.boundedSum("count")) AS n, MIN(first_seen) AS f, MAX(last_seen) AS l,
                       MIN(NULLIF(sample_event_id, '')) AS s
                FROM access WHERE \(condition)
                GROUP BY resource, principal_arn, action, endpoint, endpoint_account, principal_kind, principal_account, resource_account,
                         outcome, error_code, event_source, region, recipient_account
                """, arguments: arguments)
            while let row = try rows.next() {
                if var access = Self.access(row) {
                    (access.count, access.firstSeen, access.lastSeen, access.sampleEventID) = (row[13], row[14], row[15], row[16])
                    try body(access)
                }
            }
            try Self.networkOnly(db, condition, arguments, body)
            return try AccessDays(logged: Self.loggedDays(db, condition, arguments), daily: Self.dailyRequests(db, condition, arguments))
        }
    }

    /// The columns that make a request group, in the order ``access(_:)`` reads them.
    static let groupColumns = ["endpoint", "endpoint_account", "principal_arn", "principal_kind", "principal_account", "action", "resource",
                               "resource_account", "outcome", "error_code", "event_source", "region", "recipient_account"]
    static let accessColumns = groupColumns.joined(separator: ", ")

    /// A group from a row's first columns (``accessColumns``, by position: a name lookup lowercases the
    /// name for every row), its sums zero; nil for an action or outcome the store did not write.
    static func access(_ row: Row) -> ObservedAccess? {
        let endpoint: String = row[0]
        guard let action = IAMAction(row[5] as String), let outcome = Outcome(rawValue: row[8]) else { return nil }
        return ObservedAccess(
            endpoint: endpoint.isEmpty ? nil : VPCEndpointID(endpoint), endpointAccount: account(row[1]),
            principal: Principal(kind: Principal.Kind(rawValue: row[3]) ?? .unknown, arn: row[2], account: account(row[4])),
            access: ResourceAccess(action: action, resource: Resource(policyText: row[6]), resourceAccount: account(row[7])),
            outcome: outcome, errorCode: nonEmpty(row[9]), eventSource: row[10], region: row[11], recipientAccount: account(row[12]),
            count: 0, firstSeen: 0, lastSeen: 0, sampleEventID: nil, sourceIPs: [])
    }

    /// The positions of the group columns other than the resource: a row's identity in the folded read.
    static let identityColumns: [Int32] = groupColumns.indices.filter { groupColumns[$0] != "resource" }.map(Int32.init)

    /// The rows of `condition`, S3 object ARNs folded, summed in memory in one pass; each identity's
    /// columns are decoded once, from its first row, and the fold is asked once per scope it names
    /// (``ResourceFold/scope``), not once per row.
    static func foldedAccess(_ db: Database, condition: String, arguments: StatementArguments, fold: ResourceFold,
                             _ body: (ObservedAccess) throws -> Void) throws -> AccessDays {
        let statement = try db.makeStatement(sql: """
            SELECT \(accessColumns), count, first_seen, last_seen, sample_event_id, day FROM access WHERE \(condition)
            """)
        let sqlite = statement.sqliteStatement
        let rows = try Row.fetchCursor(statement, arguments: arguments)
        struct Group: Hashable { var identity: Int; var resource: String; var folded: Bool }
        // Per identity, from its first row: the group it starts (nil when its action or outcome does not
        // read back) and the fold's key, changed in place row by row (only its resource differs).
        // `readable[id]` is `starts[id] != nil`, kept apart: testing the optional copied the group out for every row.
        var identities = ByteStringTable(), starts: [ObservedAccess?] = [], keys: [FoldKey?] = [], readable: [Bool] = []
        var groups: [Group: Int] = [:], summed: [ObservedAccess] = []
        // Caches in front of the fold and `groups`: per scope (an identity and the first bytes of a
        // resource), the group its rows are summed in, or -1 where each row keeps its own resource; per
        // identity and resource as stored, the group of rows that keep their own.
        var scopes = ByteStringTable(), scoped: [Int] = [], exact = ByteStringTable(), exactGroups: [Int] = []
        var identity = RowBytes(), key: [UInt8] = []
        // The days, as the queries of `loggedDays` and `dailyRequests` would count them (by the row's
        // endpoint and outcome text, whether or not its action reads back).
        struct Day: Hashable { var identity: Int; var day: Int }
        var counted: [String?] = [], days = ByteStringTable(), dayTexts: [String] = [], daily: [Day: Int64] = [:]
        // A file's rows share their day: the last one's number, without a lookup.
        var lastDay = (bytes: [UInt8](), number: -1)
        func bytes(_ column: Int32) -> UnsafeRawBufferPointer { RowBytes.text(sqlite, column) }
        /// The number of the identity `id` and `resource` in `table`.
        func number(in table: inout ByteStringTable, _ id: Int, _ resource: UnsafeRawBufferPointer) -> (number: Int, inserted: Bool) {
            key.removeAll(keepingCapacity: true)
            withUnsafeBytes(of: id) { key.append(contentsOf: $0) }
            key.append(contentsOf: resource)
            return table.insert(key)
        }
        while let row = try rows.next() {
            identity.read(sqlite, columns: identityColumns)
            let (id, new) = identities.insert(identity.bytes)
            if new {
                let start = access(row)
                starts.append(start)
                keys.append(start.map { var key = FoldKey($0); key.identity = id; return key })
                readable.append(start != nil)
                let endpoint: String = row[0], outcome: String = row[8]
                counted.append(!endpoint.isEmpty && Outcome(rawValue: outcome)?.wasAuthorized == true ? endpoint : nil)
            }
            let dayBytes = bytes(17)
            if !lastDay.bytes.elementsEqual(dayBytes) {
                let (number, newDay) = days.insert(dayBytes)
                if newDay { dayTexts.append(row[17]) }
                lastDay = (Array(dayBytes), number)
            }
            if counted[id] != nil { daily[Day(identity: id, day: lastDay.number), default: 0].addSaturating(row[13]) }
            guard readable[id] else { continue }
            let count = max(0, row[13] as Int64), firstSeen: Int64 = row[14], lastSeen: Int64 = row[15], sample = bytes(16)
            func absorb(into index: Int) {
                summed[index].absorb(count: count, firstSeen: firstSeen, lastSeen: lastSeen, sample: nil)
                // The smallest event id, as Strings compare: on the bytes where both ids are plain ASCII.
                guard !sample.isEmpty else { return }
                if let current = summed[index].sampleEventID, let before = Self.sortsBefore(sample, current), !before { return }
                let text: String = row[16]
                if !text.isEmpty { summed[index].sampleEventID = summed[index].sampleEventID.map { min($0, text) } ?? text }
            }
            let stored = bytes(6)
            var ask = false, newScope = false
            if stored.starts(with: "arn:".utf8) {
                switch fold.scope(stored) {
                case .row: ask = true
                case .resource: break
                case .prefix(let end):
                    let (scope, inserted) = number(in: &scopes, id, UnsafeRawBufferPointer(rebasing: stored[..<end]))
                    if inserted { (ask, newScope) = (true, true) } else if scoped[scope] >= 0 { absorb(into: scoped[scope]); continue }
                }
            }
            // A row that keeps its own resource, seen before as stored.
            var newExact = false
            if !ask {
                let (known, inserted) = number(in: &exact, id, stored)
                if !inserted { absorb(into: exactGroups[known]); continue }
                newExact = true
            }
            let logged: String = row[6]
            keys[id]!.resource = logged
            let resource = ask ? fold.pattern(keys[id]!) : logged
            let group = Group(identity: id, resource: resource, folded: resource != logged)
            let index: Int
            if let known = groups[group] {
                index = known
                absorb(into: index)
            } else {
                var access = starts[id]!
                access.access.resource = Resource(policyText: resource)
                access.generalized = group.folded
                index = summed.count
                groups[group] = index
                summed.append(access)
                absorb(into: index)
            }
            if newScope { scoped.append(group.folded ? index : -1) }
            if newExact { exactGroups.append(index) }
        }
        struct EndpointDay: Hashable { var endpoint: String; var day: String }
        var byEndpoint: [EndpointDay: Int64] = [:]
        for (key, requests) in daily {
            byEndpoint[EndpointDay(endpoint: counted[key.identity]!, day: dayTexts[key.day]), default: 0].addSaturating(requests)
        }
        for access in summed { try body(access) }
        return AccessDays(logged: dayTexts.min().flatMap { first in dayTexts.max().map { (first, $0) } },
                          daily: byEndpoint.map { DailyRequests(endpoint: VPCEndpointID($0.key.endpoint), day: $0.key.day, requests: $0.value) }
                              .sorted { ($0.endpoint.rawValue, $0.day) < ($1.endpoint.rawValue, $1.day) })
    }

    /// Whether the text `bytes` sorts before `text` as Strings sort, told from the bytes when both are
    /// plain ASCII (no NUL: a String read from the store stops at one); nil when only the Strings can tell.
    static func sortsBefore(_ bytes: UnsafeRawBufferPointer, _ text: String) -> Bool? {
        func plain(_ b: some Sequence<UInt8>) -> Bool { b.allSatisfy { $0 != 0 && $0 < 0x80 } }
        guard plain(bytes), plain(text.utf8) else { return nil }
        return text.utf8.withContiguousStorageIfAvailable { text in
            let common = min(bytes.count, text.count)
            let order = common == 0 ? 0 : memcmp(bytes.baseAddress!, text.baseAddress!, common)
            return order != 0 ? order < 0 : bytes.count < text.count
        }
    }

    /// Authorized requests per endpoint and day, in the window (for the report's chart of what each draft learned from).
    ///
    /// - Throws: ``StoreError`` when the store cannot be read.
    public func dailyRequests(window: DayWindow = DayWindow()) throws(StoreError) -> [DailyRequests] {
        let (condition, arguments) = window.sql
        return try read { db in try Self.dailyRequests(db, condition, arguments) }
    }

    static func dailyRequests(_ db: Database, _ condition: String, _ arguments: StatementArguments) throws -> [DailyRequests] {
        let authorized = Outcome.allCases.filter(\.wasAuthorized).map { "'\($0.rawValue)'" }.joined(separator: ", ")
        return try Row.fetchAll(db, sql: """
            SELECT endpoint, day, \(Self.boundedSum("count")) AS n FROM access
            WHERE \(condition) AND endpoint != '' AND outcome IN (\(authorized))
            GROUP BY endpoint, day ORDER BY endpoint, day
            """, arguments: arguments).map { DailyRequests(endpoint: VPCEndpointID($0["endpoint"] as String), day: $0["day"], requests: $0["n"]) }
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
                                  sessionName: row[2], sourceIP: row[3], userAgent: row[4], count: row[5], firstSeen: row[6], lastSeen: row[7])
        }
        return try read { db in
            if sums {
                return try Self.fetch(db, sql: """
                    SELECT \(columns), \(Self.boundedSum("count")) AS n, MIN(first_seen) AS f, MAX(last_seen) AS l FROM source
                    WHERE \(condition) GROUP BY \(columns)
                    """, arguments: arguments, source).sorted(byTexts: ObservedSource.orderTexts)
            }
            // Each distinct row once, told apart by its bytes as SQLite holds them and decoded the first time
            // it is seen (1M records, 488k rows into 30k: SQLite's DISTINCT sorts them all, 1.19 s).
            let statement = try db.makeStatement(sql: "SELECT \(columns), 0, 0, 0 FROM source WHERE \(condition)")
            let rows = try Row.fetchCursor(statement, arguments: arguments)
            var seen = ByteStringTable(), key = RowBytes(), distinct: [ObservedSource] = []
            while let row = try rows.next() {
                key.read(statement.sqliteStatement, columns: 0..<5)
                if seen.insert(key.bytes).inserted { distinct.append(source(row)) }
            }
            return distinct.sorted(byTexts: ObservedSource.orderTexts)
        }
    }

    /// Event counts by event source and category (`Data`, `Management`, …) over the whole store.
    ///
    /// - Throws: ``StoreError`` when the store cannot be read.
    public func eventCategories() throws(StoreError) -> [EventCategoryCount] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT event_source, category, count FROM event_category WHERE count > 0 ORDER BY event_source, category").map {
                EventCategoryCount(eventSource: $0["event_source"], service: EventActionMap.shared.servicePrefix(eventSource: $0["event_source"]),
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
            t.failedFiles = try Row.fetchAll(db, sql: "SELECT path, note FROM file WHERE outcome = 'failed' ORDER BY path").map { IngestSummary.FileNote(path: $0["path"], reason: $0["note"] ?? "") }
            // Bounded sums: aggregates from elsewhere may claim counts whose sum passes Int64 (SUM would fail every later read).
            if let row = try Row.fetchOne(db, sql: """
                SELECT \(Self.boundedSum("events")) AS e, \(Self.boundedSum("duplicate_events")) AS d, \(Self.boundedSum("flow_records")) AS f,
                       \(Self.boundedSum("rejects")) AS r FROM file WHERE outcome = 'ingested'
                """) {
                t.rejects = row["r"]
                t.events = row["e"]
                t.duplicateEvents = row["d"]
                t.flowRecords = row["f"]
            }
            for row in try Row.fetchAll(db, sql: "SELECT code, COUNT(*) AS n FROM reject GROUP BY code") { t.rejectsByCode[row["code"]] = row["n"] }
            if let conflicts = try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM event_variant"), conflicts > 0 {
                t.rejects += conflicts
                t.rejectsByCode[Self.conflictCode, default: 0] += conflicts
            }
            for row in try Row.fetchAll(db, sql: "SELECT reason, \(Self.boundedSum("count")) AS n FROM skipped GROUP BY reason") { t.skippedByReason[row["reason"]] = row["n"] }
            return t
        }
    }

    /// Stored rejects in file and line order (at most `limit`), with the ``eventConflicts()``.
    ///
    /// - Throws: ``StoreError`` when the store cannot be read.
    public func rejects(limit: Int = 1000) throws(StoreError) -> [StoredReject] {
        let stored = try read { db in
            try Row.fetchAll(db, sql: """
                SELECT file.path, reject.code, reject.line, reject.byte_offset, reject.reason, reject.excerpt FROM reject JOIN file ON file.id = reject.file_id
                ORDER BY file.path, reject.byte_offset LIMIT ?
                """, arguments: [limit]).map {
                StoredReject(path: $0["path"], code: $0["code"], line: $0["line"], byteOffset: $0["byte_offset"], reason: $0["reason"], excerpt: $0["excerpt"])
            }
        }
        // Stable: a file's own rejects keep their order, conflicts follow them.
        let all = (stored + (try eventConflicts(limit: limit))).enumerated()
        return Array(all.sorted { ($0.element.path, $0.offset) < ($1.element.path, $1.offset) }.map(\.element).prefix(limit))
    }

    /// The code of a conflict: two records with one event id and different content.
    static let conflictCode = "duplicate-event-id"

    /// Event ids stored with more than one content (at most `limit`): both records of each were kept and
    /// counted, neither hiding the other. Each content after the first (by the least file holding it, then
    /// digest) is one reject naming the least file of each: the same whatever order the files were read in.
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
                """).map { (time: $0["t"] as Int64, id: $0["id"] as String, path: $0["path"] as String) }
        }
        var conflicts: [StoredReject] = []
        var first = rows.first
        for row in rows.dropFirst() where conflicts.count < limit {
            guard let least = first, least.time == row.time, least.id == row.id else { first = row; continue }
            let place = least.path == row.path ? "twice in \(least.path)" : "in \(least.path) and \(row.path)"
            let event = "event id \(String(row.id.prefix(40)).debugDescription) at \(Timestamp.iso8601(row.time))"
            conflicts.append(StoredReject(path: least.path, code: Self.conflictCode, line: nil, byteOffset: nil,
                                          reason: "\(event): two records with different content \(place); both kept",
                                          excerpt: String(row.id.prefix(120))))
        }
        return conflicts
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
