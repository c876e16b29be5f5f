public import AWSModel
import AWSLogs
internal import GRDB
internal import GRDBSQLite

/// What synthesis reads of the sources: each distinct source, and the volume per endpoint and address.
public struct SourceEvidence: Sendable, Equatable {
    /// Each distinct source once, sorted, its `count`, `firstSeen` and `lastSeen` 0 (``UsageStore/sources(window:sums:)``
    /// without sums).
    public var sources: [ObservedSource] = []
    /// Per endpoint and source address: the authorized requests signed by a principal (anonymous ones never
    /// count) and the bytes they logged, sorted by endpoint and address. Denied, unauthenticated and
    /// unclassified requests are left out: they explain no traffic.
    public var volumes: [SourceVolume] = []
}

extension UsageStore {
    /// The sources of `window` and their volumes (``SourceEvidence``), in one scan of the rows: each
    /// distinct source told apart by its bytes and decoded the first time it is seen (1M records, 488k
    /// rows into 30k: SQLite's DISTINCT sorts them all, 1.19 s), its texts shared with the sources that
    /// hold the same; the volumes summed as `GROUP BY endpoint, source_ip` would sum them (bounded sums of
    /// `count`, `bytes_in` and `bytes_out`), in its order (a second read that sorted the rows took 0.96 s).
    ///
    /// - Throws: ``StoreError`` when the store cannot be read.
    public func sourceEvidence(window: DayWindow = DayWindow()) throws(StoreError) -> SourceEvidence {
        let (condition, arguments) = window.sql
        return try read { db in
            let statement = try db.makeStatement(sql: """
                SELECT endpoint, principal_arn, session_name, source_ip, user_agent, outcome, count, bytes_in, bytes_out
                FROM source WHERE \(condition)
                """)
            let sqlite = statement.sqliteStatement, rows = try Row.fetchCursor(statement, arguments: arguments)
            var seen = ByteStringTable(), key = RowBytes(), distinct: [ObservedSource] = []
            var texts = [SharedTexts](repeating: SharedTexts(), count: 5), volumes = VolumeSums()
            while let row = try rows.next() {
                key.read(sqlite, columns: 0..<5)
                if seen.insert(key.bytes).inserted {
                    let text = { (column: Int32) in texts[Int(column)].text(sqlite, column) { row[Int(column)] as String } }
                    let endpoint = text(0)
                    distinct.append(ObservedSource(endpoint: endpoint.isEmpty ? nil : VPCEndpointID(endpoint), principalARN: text(1),
                                                   sessionName: text(2), sourceIP: text(3), userAgent: text(4), count: 0, firstSeen: 0,
                                                   lastSeen: 0))
                }
                volumes.add(sqlite, row)
            }
            return SourceEvidence(sources: distinct.sorted(byTexts: ObservedSource.orderTexts), volumes: volumes.sorted())
        }
    }

    /// One String per distinct value of a column, shared by the rows that hold it (30k sources hold 50
    /// principals and a few agents: a String each took 10 MB).
    struct SharedTexts {
        private var numbers = ByteStringTable(), strings: [String] = []

        /// The String of `column`'s value, made by `decode` the first time its bytes are seen.
        mutating func text(_ statement: SQLiteStatement, _ column: Int32, _ decode: () -> String) -> String {
            let (number, new) = numbers.insert(RowBytes.text(statement, column))
            if new { strings.append(decode()) }
            return strings[number]
        }
    }

    /// The source volumes summed row by row, as ``sourceEvidence(window:)`` says.
    struct VolumeSums {
        private struct Volume { var endpoint: String, sourceIP: String, requests = 0.0, bytesIn = 0.0, bytesOut = 0.0 }
        private var volumes: [Volume] = [], numbers = ByteStringTable(), key = RowBytes()
        private static let authorized = Outcome.allCases.filter(\.wasAuthorized).map { Array($0.rawValue.utf8) }
        private static let anonymous = Array(Principal.anonymousARN.utf8)

        /// Adds the current row (endpoint, principal, session, address, agent, outcome, count, bytes in and out)
        /// when it is an authorized request through an endpoint, signed by a principal.
        mutating func add(_ statement: SQLiteStatement, _ row: Row) {
            let outcome = RowBytes.text(statement, 5)
            guard !RowBytes.text(statement, 0).isEmpty, Self.authorized.contains(where: { $0.elementsEqual(outcome) }),
                  !Self.anonymous.elementsEqual(RowBytes.text(statement, 1)) else { return }
            key.bytes.removeAll(keepingCapacity: true)
            key.append(values: statement, of: [0, 3])
            let (number, new) = numbers.insert(key.bytes)
            if new { volumes.append(Volume(endpoint: row[0], sourceIP: row[3])) }
            // TOTAL(): a float sum, whatever the values.
            volumes[number].requests += sqlite3_column_double(statement, 6)
            volumes[number].bytesIn += sqlite3_column_double(statement, 7)
            volumes[number].bytesOut += sqlite3_column_double(statement, 8)
        }

        /// The volumes in `ORDER BY endpoint, source_ip`'s order.
        func sorted() -> [SourceVolume] {
            return numbers.sqlOrder().map { number in
                let v = volumes[number]
                return SourceVolume(endpoint: VPCEndpointID(v.endpoint), sourceIP: v.sourceIP, requests: UsageStore.bounded(v.requests),
                                    bytesIn: UsageStore.bounded(v.bytesIn), bytesOut: UsageStore.bounded(v.bytesOut))
            }
        }
    }
}
