public import AWSModel
import AWSLogs
internal import GRDB
internal import GRDBSQLite
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension UsageStore {
    /// The columns that make a request group, in key order: how ``accessRows(window:_:)`` sorts them.
    static let groupColumns = ["endpoint", "principal_arn", "principal_kind", "principal_account", "action", "resource", "endpoint_account",
                               "resource_account", "outcome", "error_code", "event_source", "region", "recipient_account"]
    /// The group's key (``GroupKey``) of a row of `access` or `network_event`.
    static let groupKey = "\(GroupKey.function)(\(groupColumns.joined(separator: ", ")))"
    /// The position of the resource among ``groupColumns``.
    static let resourceField = groupColumns.firstIndex(of: "resource")!

    /// Requests summed over `window` by endpoint, principal, action, resource and outcome, handed to
    /// `body` one group at a time in key order (``groupColumns``: a principal's keys of one action and
    /// bucket come together, sorted by their bytes), without source addresses. SQLite sums and sorts the
    /// rows (its sorter spills to disk: the groups are never all held); each identity's columns are
    /// decoded once, from its first row. Rows whose action or outcome the store did not write are skipped.
    /// Requests seen only in network activity events come in the same order, as groups of their own
    /// (``ObservedAccess/networkOnly`` set, resource not logged), after a logged group of the same columns;
    /// a network event whose call is also logged adds nothing: that request is counted once, by its logged event.
    ///
    /// The rows are read and decoded on a thread of their own while `body` takes them on the caller's
    /// (``BatchHandoff``): 1M records of the `uploads` corpus spend about as long in `body` (synthesis folds
    /// the keys) as in SQLite and the decoding.
    ///
    /// - Throws: ``StoreError`` when the store cannot be read, or what `body` throws.
    public func accessRows(window: DayWindow = DayWindow(), _ body: (AccessRow) throws -> Void) throws(StoreError) {
        do {
            try BatchHandoff<AccessRow>.run(produce: { [self] send in try readAccessRows(window: window, send) }) { batch in
                for row in batch { try body(row) }
            }
            // glibc keeps what the reading thread freed (SQLite's sorter, the rows) in that thread's arena, which the
            // threads that draft do not reuse: handed back now (1M records of `uploads`: the peak was ~8 MB higher).
            _ = Self.mallocTrim?(0)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(message: "store read failed: \(error)")
        }
    }

    /// glibc's `malloc_trim` (`<malloc.h>`, which Swift does not import), nil with another C library.
    private static let mallocTrim: (@convention(c) (Int) -> Int32)? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim")
        .map { unsafeBitCast($0, to: (@convention(c) (Int) -> Int32).self) }

    /// ``accessRows(window:_:)``'s rows, on the calling thread.
    private func readAccessRows(window: DayWindow, _ body: (AccessRow) throws -> Void) throws(StoreError) {
        let (condition, arguments) = window.sql
        try read { db in
            // Grouped and sorted by one BLOB key each (``GroupKey``: a sort by the 13 columns took 3 s of 1M records'
            // synthesis, by the key about 1 s), each read in the order its GROUP BY's sort gives (ORDER BY adds no
            // sort of its own), the two merged here: a sort of the union took a fifth of the read. The key is made in
            // a subquery that `LIMIT -1` keeps apart: flattened, SQLite sorted the 13 columns with the key (for the
            // result) and made the key twice.
            try GroupKey.register(db)
            let logged = try db.makeStatement(sql: """
                SELECT k, \(Self.boundedSum("count")), MIN(first_seen), MAX(last_seen), MIN(NULLIF(sample_event_id, '')), 0
                FROM (SELECT \(Self.groupKey) AS k, count, first_seen, last_seen, sample_event_id FROM access WHERE \(condition)
                      LIMIT -1)
                GROUP BY k ORDER BY k
                """)
            let network = try db.makeStatement(sql: """
                SELECT k, COUNT(*), MIN(event_time), MAX(event_time), MIN(NULLIF(event_id, '')), 1
                FROM (SELECT \(Self.groupKey) AS k, event_time, event_id FROM network_event n
                      WHERE \(condition) AND NOT \(Self.joined("n")) LIMIT -1)
                GROUP BY k ORDER BY k
                """)
            var rows = try MergedRows(logged, network, arguments: arguments)
            var identities = ByteStringTable(), starts: [ObservedAccess?] = [], fields: [Range<Int>] = []
            // A run of rows mostly shares its identity: compared with the last row's before it is hashed.
            var identity: [UInt8] = [], last: [UInt8] = [], number = -1
            while let (statement, row) = try rows.next() {
                let key = GroupKey.column(statement.sqliteStatement)
                GroupKey.fields(key, into: &fields)
                let resource = fields[Self.resourceField], networkOnly = row[5] as Int64 == 1
                identity.removeAll(keepingCapacity: true)
                identity.append(contentsOf: key[..<resource.lowerBound])
                identity.append(contentsOf: key[resource.upperBound...])
                identity.append(networkOnly ? 1 : 0)
                if number < 0 || identity != last {
                    let (found, new) = identities.insert(identity)
                    if new {
                        var start = Self.access(fields.map { GroupKey.text(key, $0) })
                        start?.networkOnly = networkOnly
                        starts.append(start)
                    }
                    (number, last) = (found, identity)
                }
                guard let columns = starts[number] else { continue }
                try body(AccessRow(identity: number, columns: columns, resource: GroupKey.text(key, resource), count: row[1],
                                   firstSeen: row[2], lastSeen: row[3], sampleEventID: row[4]))
            }
        }
    }

    /// The rows of two statements, each sorted by its first column, a ``GroupKey``: in one order, as `ORDER BY`
    /// that column of their `UNION ALL` would give them, the first statement's row first where the keys are equal.
    struct MergedRows {
        private let statements: [Statement]
        private let cursors: [RowCursor]
        private var current: [Row?] = [nil, nil], keys: [[UInt8]] = [[], []], handed: Int?

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
            default: side = keys[1].withUnsafeBytes { b in keys[0].withUnsafeBytes { GroupKey.precedes(b, $0) } } ? 1 : 0
            }
            handed = side
            return (statements[side], current[side]!)
        }

        private mutating func advance(_ side: Int) throws {
            current[side] = try cursors[side].next()
            keys[side].removeAll(keepingCapacity: true)
            if current[side] != nil { keys[side].append(contentsOf: GroupKey.column(statements[side].sqliteStatement)) }
        }
    }

    /// A group from its columns' texts (``groupColumns``), its sums zero; nil for an action or outcome the
    /// store did not write.
    static func access(_ row: [String]) -> ObservedAccess? {
        let endpoint = row[0]
        guard let action = IAMAction(row[4]), let outcome = Outcome(rawValue: row[8]) else { return nil }
        return ObservedAccess(
            endpoint: endpoint.isEmpty ? nil : VPCEndpointID(endpoint), endpointAccount: account(row[6]),
            principal: Principal(kind: Principal.Kind(rawValue: row[2]) ?? .unknown, arn: row[1], account: account(row[3])),
            access: ResourceAccess(action: action, resource: Resource(policyText: row[5]), resourceAccount: account(row[7])),
            outcome: outcome, errorCode: nonEmpty(row[9]), eventSource: row[10], region: row[11], recipientAccount: account(row[12]),
            count: 0, firstSeen: 0, lastSeen: 0, sampleEventID: nil, sourceIPs: [])
    }
}
