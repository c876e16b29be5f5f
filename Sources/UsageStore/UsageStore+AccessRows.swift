public import AWSModel
import AWSLogs
internal import GRDB
internal import GRDBSQLite

extension UsageStore {
    /// The columns that make a request group, in key order: how ``accessRows(window:_:)`` sorts them and
    /// ``access(_:)`` reads them.
    static let groupColumns = ["endpoint", "principal_arn", "principal_kind", "principal_account", "action", "resource", "endpoint_account",
                               "resource_account", "outcome", "error_code", "event_source", "region", "recipient_account"]
    static let accessColumns = groupColumns.joined(separator: ", ")
    /// The positions of the group columns other than the resource: a row's ``AccessRow/identity``.
    /// (with the read's `network_only` column, at 17: a network-only group is never summed with a logged one).
    static let identityColumns: [Int32] = groupColumns.indices.filter { groupColumns[$0] != "resource" }.map(Int32.init) + [17]

    /// Requests summed over `window` by endpoint, principal, action, resource and outcome, handed to
    /// `body` one group at a time in key order (``groupColumns``: a principal's keys of one action and
    /// bucket come together, sorted by their bytes), without source addresses. SQLite sums and sorts the
    /// rows (its sorter spills to disk: the groups are never all held); each identity's columns are
    /// decoded once, from its first row. Rows whose action or outcome the store did not write are skipped.
    /// Requests seen only in network activity events come in the same order, as groups of their own
    /// (``ObservedAccess/networkOnly`` set, resource not logged); a network event whose call is also logged
    /// adds nothing: that request is counted once, by its logged event.
    ///
    /// - Throws: ``StoreError`` when the store cannot be read, or what `body` throws.
    public func accessRows(window: DayWindow = DayWindow(), _ body: (AccessRow) throws -> Void) throws(StoreError) {
        let (condition, arguments) = window.sql
        try read { db in
            let statement = try db.makeStatement(sql: """
                SELECT * FROM (
                    SELECT \(Self.accessColumns), \(Self.boundedSum("count")) AS n, MIN(first_seen) AS f, MAX(last_seen) AS l,
                           MIN(NULLIF(sample_event_id, '')) AS s, 0 AS network_only
                    FROM access WHERE \(condition) GROUP BY \(Self.accessColumns)
                    UNION ALL
                    SELECT \(Self.accessColumns), COUNT(*), MIN(event_time), MAX(event_time), MIN(NULLIF(event_id, '')), 1
                    FROM network_event n WHERE \(condition) AND NOT \(Self.joined("n")) GROUP BY \(Self.accessColumns)
                ) ORDER BY \(Self.accessColumns), network_only
                """)
            let rows = try Row.fetchCursor(statement, arguments: arguments + arguments)
            var identities = ByteStringTable(), starts: [ObservedAccess?] = [], key = RowBytes()
            while let row = try rows.next() {
                key.read(statement.sqliteStatement, columns: Self.identityColumns)
                let (identity, new) = identities.insert(key.bytes)
                if new { starts.append(Self.access(row).map { var a = $0; a.networkOnly = row[17] as Int64 == 1; return a }) }
                guard let columns = starts[identity] else { continue }
                try body(AccessRow(identity: identity, columns: columns, resource: row[5], count: row[13], firstSeen: row[14],
                                   lastSeen: row[15], sampleEventID: row[16]))
            }
        }
    }

    /// A group from a row's first columns (``groupColumns``, by position: a name lookup lowercases the
    /// name for every row), its sums zero; nil for an action or outcome the store did not write.
    static func access(_ row: Row) -> ObservedAccess? {
        let endpoint: String = row[0]
        guard let action = IAMAction(row[4] as String), let outcome = Outcome(rawValue: row[8]) else { return nil }
        return ObservedAccess(
            endpoint: endpoint.isEmpty ? nil : VPCEndpointID(endpoint), endpointAccount: account(row[6]),
            principal: Principal(kind: Principal.Kind(rawValue: row[2]) ?? .unknown, arn: row[1], account: account(row[3])),
            access: ResourceAccess(action: action, resource: Resource(policyText: row[5]), resourceAccount: account(row[7])),
            outcome: outcome, errorCode: nonEmpty(row[9]), eventSource: row[10], region: row[11], recipientAccount: account(row[12]),
            count: 0, firstSeen: 0, lastSeen: 0, sampleEventID: nil, sourceIPs: [])
    }
}
