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
    /// (``ObservedAccess/networkOnly`` set, resource not logged), after a logged group of the same columns;
    /// a network event whose call is also logged adds nothing: that request is counted once, by its logged event.
    ///
    /// - Throws: ``StoreError`` when the store cannot be read, or what `body` throws.
    public func accessRows(window: DayWindow = DayWindow(), _ body: (AccessRow) throws -> Void) throws(StoreError) {
        let (condition, arguments) = window.sql
        try read { db in
            // Each read in the order its GROUP BY's sort gives (ORDER BY adds no sort of its own), the two merged
            // here: a sort of the union took a fifth of the read (1M records of the `uploads` corpus).
            let logged = try db.makeStatement(sql: """
                SELECT \(Self.accessColumns), \(Self.boundedSum("count")), MIN(first_seen), MAX(last_seen),
                       MIN(NULLIF(sample_event_id, '')), 0
                FROM access WHERE \(condition) GROUP BY \(Self.accessColumns) ORDER BY \(Self.accessColumns)
                """)
            let network = try db.makeStatement(sql: """
                SELECT \(Self.accessColumns), COUNT(*), MIN(event_time), MAX(event_time), MIN(NULLIF(event_id, '')), 1
                FROM network_event n WHERE \(condition) AND NOT \(Self.joined("n"))
                GROUP BY \(Self.accessColumns) ORDER BY \(Self.accessColumns)
                """)
            var rows = try MergedRows(logged, network, arguments: arguments)
            var identities = ByteStringTable(), starts: [ObservedAccess?] = [], key = RowBytes()
            while let (statement, row) = try rows.next() {
                key.read(statement.sqliteStatement, columns: Self.identityColumns)
                let (identity, new) = identities.insert(key.bytes)
                if new { starts.append(Self.access(row).map { var a = $0; a.networkOnly = row[17] as Int64 == 1; return a }) }
                guard let columns = starts[identity] else { continue }
                try body(AccessRow(identity: identity, columns: columns, resource: row[5], count: row[13], firstSeen: row[14],
                                   lastSeen: row[15], sampleEventID: row[16]))
            }
        }
    }

    /// The rows of two statements, each sorted by its first ``groupColumns`` columns, in one order: as
    /// `ORDER BY` those columns of their `UNION ALL` would give them, the first statement's row first
    /// where the two are equal.
    struct MergedRows {
        private let statements: [Statement]
        private let cursors: [RowCursor]
        private var current: [Row?] = [nil, nil], keys = [RowBytes(), RowBytes()], handed: Int?

        init(_ first: Statement, _ second: Statement, arguments: StatementArguments) throws {
            statements = [first, second]
            cursors = [try Row.fetchCursor(first, arguments: arguments), try Row.fetchCursor(second, arguments: arguments)]
            try advance(0)
            try advance(1)
        }

        /// The next row and its statement (the row is valid until the next call), nil after the last.
        mutating func next() throws -> (Statement, Row)? {
            if let handed { try advance(handed) }
            let side: Int
            switch (current[0], current[1]) {
            case (nil, nil):
                handed = nil
                return nil
            case (_, nil): side = 0
            case (nil, _): side = 1
            default: side = keys[1].bytes.withUnsafeBytes { b in keys[0].bytes.withUnsafeBytes { RowBytes.sqlOrder(b, $0) } } ? 1 : 0
            }
            handed = side
            return (statements[side], current[side]!)
        }

        private mutating func advance(_ side: Int) throws {
            current[side] = try cursors[side].next()
            keys[side].bytes.removeAll(keepingCapacity: true)
            if current[side] != nil { keys[side].append(values: statements[side].sqliteStatement, of: 0..<Int32(groupColumns.count)) }
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
