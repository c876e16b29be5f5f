import Testing
@testable import UsageStore
import AWSModel
import Foundation
import GRDB
import Logging
import PerimeterTestSupport

/// The store's reads that sum rows in memory by their bytes instead of SQL's `GROUP BY` must give what
/// SQL gives, whatever the rows hold: text with a NUL, numbers stored as text or floats, sums past
/// Int64, destinations kept or not.
struct InMemoryGroupingTests {
    /// Values of every storage class, with the NUL, prefix and sign cases, ordered by ``RowBytes/sqlOrder(_:_:)``
    /// exactly as SQLite's `ORDER BY` orders them.
    @Test func rowBytesSortAsSQLiteSorts() throws {
        let queue = try DatabaseQueue()
        let values: [String] = ["NULL", "0", "-1", "9223372036854775807", "-9223372036854775808", "1.5", "-0.5", "2.0e300", "''", "'a'",
                                "'ab'", "'a' || char(0) || 'b'", "'a' || char(0)", "'B'", "'é'", "'e'", "x''", "x'00'", "x'61'", "x'6100'",
                                "'10'", "'9'"]
        let sorted: [[UInt8]] = try queue.write { db in
            try db.execute(sql: "CREATE TABLE t (v)")
            for value in values { try db.execute(sql: "INSERT INTO t VALUES (\(value))") }
            func keys(_ sql: String) throws -> [[UInt8]] {
                let statement = try db.makeStatement(sql: sql)
                let rows = try Row.fetchCursor(statement)
                var keys: [[UInt8]] = []
                while try rows.next() != nil {
                    var key = UsageStore.RowBytes()
                    key.append(values: statement.sqliteStatement, of: 0...0)
                    keys.append(key.bytes)
                }
                return keys
            }
            let inserted = try keys("SELECT v FROM t ORDER BY rowid")
            #expect(try keys("SELECT v FROM t ORDER BY v") == inserted.sorted { a, b in
                a.withUnsafeBytes { a in b.withUnsafeBytes { UsageStore.RowBytes.sqlOrder(a, $0) } }
            })
            return inserted
        }
        #expect(Set(sorted).count == values.count)
    }

    /// `flows(keeping:)` against the `GROUP BY` it replaced, over rows a hostile aggregate file could hold.
    @Test(arguments: [nil, Set(["10.0.0.9", "10.0.0.8"])])
    func flowGroupsAreSQLsGroups(keeping: Set<String>?) throws {
        let dir = TestSupport.temporaryDirectory("flowgroups")
        let path = dir + "/store.sqlite"
        _ = try UsageStore(path: path, logger: Logger(label: "test"))
        let queue = try DatabaseQueue(path: path)
        // day, interface, source, destination, port, protocol, action, records, bytes, first, last
        let rows: [String] = [
            "'2026-11-02', 'eni-1', '10.0.1.1', '10.0.0.9', 443, 6, 'ACCEPT', 1, 100, 5, 9",
            "'2026-11-01', 'eni-1', '10.0.1.1', '10.0.0.9', 443, 6, 'ACCEPT', 2, 200, 3, 7",
            "'2026-11-01', 'eni-1', '10.0.1.1', '10.0.0.9', 443, 6, 'REJECT', 1, 10, 4, 4",
            "'2026-11-01', 'eni-1', '10.0.1.1', '10.0.0.9', 443, 17, 'ACCEPT', 1, 10, 4, 4",
            "'2026-11-01', 'eni-1', '10.0.1.1', '52.216.0.1', 443, 6, 'ACCEPT', 1, 10, 4, 4",
            "'2026-11-01', 'eni-1', '10.0.1.1', '52.216.0.2', 443, 6, 'ACCEPT', 4611686018427387904, 9223372036854775807, 4, 4",
            "'2026-11-03', 'eni-1', '10.0.1.1', '52.216.0.2', 443, 6, 'ACCEPT', 4611686018427387904, 1.5, 1, 40",
            "'2026-11-01', 'eni-1', '10.0.1.1', '52.216.0.0', 443, 6, 'ACCEPT', -3, -9223372036854775808, 4, 4",
            "'2026-11-01', 'eni-1' || char(0) || 'x', '10.0.1.1', '10.0.0.9', 443, 6, 'ACCEPT', 1, 1, 1, 1",
            "'2026-11-01', 'eni-1' || char(0) || 'y', '10.0.1.1', '10.0.0.9', 443, 6, 'ACCEPT', 1, 1, 1, 1",
            "'2026-11-01', 'eni-1', '10.0.1.1', '10.0.0.8' || char(0), 443, 6, 'ACCEPT', 1, 1, 1, 1",
            "'2026-11-01', 'eni-1', '10.0.1.1', '10.0.0.8', '443x', 6, 'ACCEPT', 1, 1, 1, 1",
            "'2026-11-01', 'eni-1', '10.0.1.1', '10.0.0.8', 443.5, 6, 'ACCEPT', 1, 1, 1, 1",
            "'2026-11-01', 'eni-2', 'fe80::1', '10.0.0.8', 443, 6, 'ACCEPT', 1, 1, 1, 1",
            "'2026-11-01', 'eni-2', 'fe80::1', 'é', 443, 6, 'ACCEPT', 1, 1, 1, 1",
            "'2026-11-01', 'eni-2', '', '', 0, 0, '', 0, 0, 0, 0",
            "'2026-11-01', 'eni-2', '', '', 0, 0, '', 0, 0, 0, 0",
            // Equal to the flows above in what ObservedFlow sorts by, first in the groups' order: they keep it.
            "'2026-11-01', 'eni-1', '10.0.1.1', '10.0.0.9', 443, 1, 'ACCEPT', 1, 10, 4, 4",
            "'2026-11-01', 'eni-1', '10.0.1.1', '10.0.0.9', 443, 6, 'ACCEPS', 1, 10, 4, 4",
        ]
        try queue.write { db in
            for (i, row) in rows.enumerated() {
                let v = row.components(separatedBy: ", ")
                try db.execute(sql: """
                    INSERT INTO flow(file_id, day, interface_id, instance_id, vpc_id, srcaddr, dstaddr, dstport, protocol, action, \
                    traffic_path,
                                     dst_service, flow_direction, records, packets, bytes, first_seen, last_seen)
                    VALUES (\(i % 3), \(v[0]), \(v[1]), 'i-1', 'vpc-1', \(v[2]), \(v[3]), \(v[4]), \(v[5]), \(v[6]), 0, '', 'egress', \
                    \(v[7]), \(v[7]), \(v[8]), \(v[9]), \(v[10]))
                    """)
            }
        }
        let store = try UsageStore(path: path, logger: Logger(label: "test"))
        let expected = try queue.read { db in try Self.sqlFlows(db, keeping: keeping) }
        #expect(expected.count >= 11)
        #expect(try store.flows(keeping: keeping) == expected)
        #expect(try store.flows(window: DayWindow(since: "2026-11-02"), keeping: keeping) == (try queue.read { db in
            try Self.sqlFlows(db, keeping: keeping, condition: "day >= '2026-11-02'")
        }))
    }

    /// The query `flows(keeping:)` ran before it summed in memory, read as it read it.
    static func sqlFlows(_ db: Database, keeping addresses: Set<String>?, condition: String = "1") throws -> [ObservedFlow] {
        var destination = "dstaddr", arguments: StatementArguments = []
        if let addresses {
            destination = "CASE WHEN dstaddr IN (SELECT value FROM json_each(?)) THEN dstaddr ELSE '' END"
            arguments = [("[" + addresses.sorted().map { "\"\($0)\"" }.joined(separator: ",") + "]")]
        }
        func sum(_ column: String) -> String { "CAST(MIN(TOTAL(\(column)), \(UsageStore.countLimit).0) AS INTEGER)" }
        // Through a cursor, as the store reads: a column's value is converted as SQLite converts it.
        let rows = try Row.fetchCursor(db, sql: """
            SELECT MIN(day) AS d, interface_id, instance_id, vpc_id, srcaddr, k, dstport, protocol, action, traffic_path,
                   dst_service, flow_direction, \(sum("records")), \(sum("packets")), \(sum("bytes")), MIN(first_seen),
                   MAX(last_seen), MIN(dstaddr)
            FROM (SELECT *, \(destination) AS k FROM flow WHERE \(condition))
            GROUP BY srcaddr, interface_id, instance_id, vpc_id, k, dstport, protocol, action, traffic_path, dst_service, flow_direction
            """, arguments: arguments)
        var flows: [ObservedFlow] = []
        while let row = try rows.next() {
            let flow = ObservedFlow(day: row[0], interfaceID: row[1], instanceID: row[2], vpcID: row[3], sourceAddress: row[4],
                                    destinationAddress: row[17], destinationPort: row[6], proto: row[7], action: row[8],
                                    trafficPath: row[9],
                                    destinationService: row[10], flowDirection: row[11], records: row[12], packets: row[13], bytes: row[14],
                                    firstSeen: row[15], lastSeen: row[16])
            flows.append(flow)
        }
        return flows.sorted()
    }
}
