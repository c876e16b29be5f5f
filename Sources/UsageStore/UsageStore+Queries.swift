import AWSLogs
public import AWSModel
internal import GRDB

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
    /// `SUM(column)` that cannot fail: SQLite's SUM raises "integer overflow" past Int64, so the sum is
    /// taken in floating point (TOTAL) and held at 2^62. Exact below 2^53.
    static func boundedSum(_ column: String) -> String { "CAST(MIN(TOTAL(\(column)), 4611686018427387904.0) AS INTEGER)" }

    /// The first and last day with a logged request in `window`, or nil when it holds none.
    ///
    /// - Throws: ``StoreError`` when the store cannot be read.
    public func loggedDays(window: DayWindow = DayWindow()) throws(StoreError) -> (first: String, last: String)? {
        let (condition, arguments) = window.sql
        return try read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT MIN(day) AS f, MAX(day) AS l FROM access WHERE \(condition)", arguments: arguments),
                  let first: String = row["f"], let last: String = row["l"] else { return nil }
            return (first, last)
        }
    }

    /// Requests folded over `window` by endpoint, principal, action, resource and outcome, sorted.
    ///
    /// - Throws: ``StoreError`` when the store cannot be read.
    public func observedAccess(window: DayWindow = DayWindow()) throws(StoreError) -> [ObservedAccess] {
        var accesses: [ObservedAccess] = []
        try observedAccess(window: window) { accesses.append($0) }
        return accesses.sorted()
    }

    /// Requests summed over `window` by endpoint, principal, action, resource and outcome, handed to
    /// `body` one group at a time (in no promised order) without holding them.
    ///
    /// With a `fold`, each S3 object ARN is first replaced by the pattern `fold` returns for it (object
    /// keys generalized to a prefix or the bucket): the groups are summed over that pattern, so their
    /// number follows the distinct patterns, not the distinct keys. A group whose pattern differs from a
    /// logged resource has ``ObservedAccess/generalized`` set, and is never summed with requests that
    /// logged the pattern itself (a batch delete's `bucket/*`).
    ///
    /// - Throws: ``StoreError`` when the store cannot be read.
    public func observedAccess(window: DayWindow = DayWindow(), fold: ResourceFold? = nil,
                               _ body: (ObservedAccess) throws -> Void) throws(StoreError) {
        let (condition, arguments) = window.sql
        try read { db in
            // The fold runs once per S3 object row, in Swift (one rule for the store and the drafts); the
            // subquery is materialized by the GROUP BY's sorter, so each row calls it once.
            let resource: String
            if let fold {
                db.add(function: Self.foldFunction(fold))
                resource = "CASE WHEN resource LIKE 'arn:%:s3:::%/%' THEN perimeter_fold(endpoint, principal_kind, principal_arn, principal_account, action, resource, outcome) ELSE resource END"
            } else {
                resource = "resource"
            }
            defer { if fold != nil { db.remove(function: Self.foldFunction(fold!)) } }
            // A cursor, not fetchAll: the rows are turned into values one by one, not all held twice.
            let rows = try Row.fetchCursor(db, sql: """
                SELECT endpoint, endpoint_account, principal_arn, principal_kind, principal_account, action, r, resource_account,
                       outcome, error_code, event_source, region, recipient_account, \(Self.boundedSum("count")) AS n, MIN(first_seen) AS f,
                       MAX(last_seen) AS l, MIN(NULLIF(sample_event_id, '')) AS s, g
                FROM (SELECT *, r != resource AS g FROM (SELECT *, \(resource) AS r FROM access WHERE \(condition)))
                GROUP BY endpoint, endpoint_account, principal_arn, principal_kind, principal_account, action, r, resource_account,
                         outcome, error_code, event_source, region, recipient_account, g
                """, arguments: arguments)
            let ips = try sourceIPs(db, condition: condition, arguments: arguments)
            // Columns by position, in the SELECT's order: a name lookup lowercases the name for every row.
            while let row = try rows.next() {
                if let access = decode(row) { try body(access) }
            }

            func decode(_ row: Row) -> ObservedAccess? {
                let endpoint: String = row[0]
                let principalARN: String = row[2]
                guard let action = IAMAction(row[5] as String),
                      let outcome = Outcome(rawValue: row[8]) else { return nil }
                let kind = Principal.Kind(rawValue: row[3]) ?? .unknown
                var access = ObservedAccess(
                    endpoint: endpoint.isEmpty ? nil : VPCEndpointID(endpoint),
                    endpointAccount: Self.account(row[1]),
                    principal: Principal(kind: kind, arn: principalARN, account: Self.account(row[4])),
                    access: ResourceAccess(action: action, resource: Resource(policyText: row[6]), resourceAccount: Self.account(row[7])),
                    outcome: outcome, errorCode: Self.nonEmpty(row[9]), eventSource: row[10], region: row[11],
                    recipientAccount: Self.account(row[12]), count: row[13], firstSeen: row[14], lastSeen: row[15],
                    sampleEventID: row[16], sourceIPs: ips["\(endpoint) \(principalARN)"] ?? [])
                access.generalized = row[17]
                return access
            }
        }
    }

    /// The SQL function `perimeter_fold(endpoint, principal_kind, principal_arn, principal_account, action, resource, outcome)`.
    static func foldFunction(_ fold: @escaping ResourceFold) -> DatabaseFunction {
        DatabaseFunction("perimeter_fold", argumentCount: 7, pure: true) { values in
            func text(_ i: Int) -> String { String.fromDatabaseValue(values[i]) ?? "" }
            let outcome = Outcome(rawValue: text(6))
            return fold(FoldKey(endpoint: text(0), principalKind: text(1), principalARN: text(2), principalAccount: text(3), action: text(4),
                                resource: text(5), authorized: outcome?.wasAuthorized ?? false))
        }
    }

    /// Authorized requests per endpoint and day, in the window (for the report's chart of what each draft learned from).
    ///
    /// - Throws: ``StoreError`` when the store cannot be read.
    public func dailyRequests(window: DayWindow = DayWindow()) throws(StoreError) -> [DailyRequests] {
        let (condition, arguments) = window.sql
        let authorized = Outcome.allCases.filter(\.wasAuthorized).map { "'\($0.rawValue)'" }.joined(separator: ", ")
        return try read { db in
            try Row.fetchAll(db, sql: """
                SELECT endpoint, day, \(Self.boundedSum("count")) AS n FROM access
                WHERE \(condition) AND endpoint != '' AND outcome IN (\(authorized))
                GROUP BY endpoint, day ORDER BY endpoint, day
                """, arguments: arguments).map { DailyRequests(endpoint: VPCEndpointID($0["endpoint"] as String), day: $0["day"], requests: $0["n"]) }
        }
    }

    private func sourceIPs(_ db: Database, condition: String, arguments: StatementArguments) throws -> [String: [String]] {
        var result: [String: [String]] = [:]
        let rows = try Row.fetchAll(db, sql: "SELECT DISTINCT endpoint, principal_arn, source_ip FROM source WHERE \(condition) ORDER BY source_ip",
                                    arguments: arguments)
        for row in rows {
            let key = "\(row["endpoint"] as String) \(row["principal_arn"] as String)"
            if result[key, default: []].count < 5 { result[key, default: []].append(row["source_ip"]) }
        }
        return result
    }

    /// Principals by source address over `window`, sorted.
    ///
    /// - Throws: ``StoreError`` when the store cannot be read.
    public func sources(window: DayWindow = DayWindow()) throws(StoreError) -> [ObservedSource] {
        let (condition, arguments) = window.sql
        return try read { db in
            try Row.fetchAll(db, sql: """
                SELECT endpoint, principal_arn, session_name, source_ip, user_agent, \(Self.boundedSum("count")) AS n, MIN(first_seen) AS f, MAX(last_seen) AS l
                FROM source WHERE \(condition)
                GROUP BY endpoint, principal_arn, session_name, source_ip, user_agent
                """, arguments: arguments).map { row in
                let endpoint: String = row["endpoint"]
                return ObservedSource(endpoint: endpoint.isEmpty ? nil : VPCEndpointID(endpoint), principalARN: row["principal_arn"],
                                      sessionName: row["session_name"], sourceIP: row["source_ip"], userAgent: row["user_agent"],
                                      count: row["n"], firstSeen: row["f"], lastSeen: row["l"])
            }.sorted()
        }
    }

    /// Flows folded over `window` (the day column keeps the first day of each group), sorted.
    ///
    /// - Throws: ``StoreError`` when the store cannot be read.
    public func flows(window: DayWindow = DayWindow()) throws(StoreError) -> [ObservedFlow] {
        let (condition, arguments) = window.sql
        return try read { db in
            try Row.fetchAll(db, sql: """
                SELECT MIN(day) AS d, interface_id, instance_id, vpc_id, srcaddr, dstaddr, dstport, protocol, action, traffic_path,
                       dst_service, flow_direction, \(Self.boundedSum("records")) AS r, \(Self.boundedSum("packets")) AS p, \(Self.boundedSum("bytes")) AS b, MIN(first_seen) AS f,
                       MAX(last_seen) AS l
                FROM flow WHERE \(condition)
                GROUP BY interface_id, instance_id, vpc_id, srcaddr, dstaddr, dstport, protocol, action, traffic_path, dst_service, flow_direction
                """, arguments: arguments).map { row in
                ObservedFlow(day: row["d"], interfaceID: row["interface_id"], instanceID: row["instance_id"], vpcID: row["vpc_id"],
                             sourceAddress: row["srcaddr"], destinationAddress: row["dstaddr"], destinationPort: row["dstport"],
                             proto: row["protocol"], action: row["action"], trafficPath: row["traffic_path"],
                             destinationService: row["dst_service"], flowDirection: row["flow_direction"], records: row["r"],
                             packets: row["p"], bytes: row["b"], firstSeen: row["f"], lastSeen: row["l"])
            }.sorted()
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
            if let row = try Row.fetchOne(db, sql: "SELECT COALESCE(SUM(events),0) AS e, COALESCE(SUM(duplicate_events),0) AS d, COALESCE(SUM(flow_records),0) AS f, COALESCE(SUM(rejects),0) AS r FROM file WHERE outcome = 'ingested'") {
                t.rejects = row["r"]
                t.events = row["e"]
                t.duplicateEvents = row["d"]
                t.flowRecords = row["f"]
            }
            for row in try Row.fetchAll(db, sql: "SELECT code, COUNT(*) AS n FROM reject GROUP BY code") { t.rejectsByCode[row["code"]] = row["n"] }
            for row in try Row.fetchAll(db, sql: "SELECT reason, SUM(count) AS n FROM skipped GROUP BY reason") { t.skippedByReason[row["reason"]] = row["n"] }
            return t
        }
    }

    /// Stored rejects in file and line order (at most `limit`).
    ///
    /// - Throws: ``StoreError`` when the store cannot be read.
    public func rejects(limit: Int = 1000) throws(StoreError) -> [StoredReject] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT file.path, reject.code, reject.line, reject.byte_offset, reject.reason, reject.excerpt FROM reject JOIN file ON file.id = reject.file_id
                ORDER BY file.path, reject.byte_offset LIMIT ?
                """, arguments: [limit]).map {
                StoredReject(path: $0["path"], code: $0["code"], line: $0["line"], byteOffset: $0["byte_offset"], reason: $0["reason"], excerpt: $0["excerpt"])
            }
        }
    }

    static func account(_ text: String) -> AccountID? { text.isEmpty ? nil : AccountID(text) }
    static func nonEmpty(_ text: String) -> String? { text.isEmpty ? nil : text }
}
