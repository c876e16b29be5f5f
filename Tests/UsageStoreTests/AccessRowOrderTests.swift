import Foundation
import Testing
@testable import UsageStore
import AWSModel
import GRDB
import PerimeterTestSupport

/// The store's two reads of request groups (logged requests, and calls seen only in network activity
/// events) come merged in one key order, as the `ORDER BY` of their union gives it.
struct AccessRowOrderTests {
    /// Logged and network-only groups whose keys interleave (across endpoints, principals, actions, and
    /// with one group of the same columns in both reads) are handed out in key order, the logged one
    /// first where the columns are equal, each with its own sums.
    @Test func networkOnlyGroupsMergeInKeyOrder() throws {
        let store = try UsageStoreTests.store(TestSupport.temporaryDirectory())
        let logged = [("vpce-2", "role/a", "s3:GetObject", "arn:aws:s3:::b/k"),
                      ("vpce-1", "role/b", "s3:PutObject", "arn:aws:s3:::b/z"),
                      ("vpce-1", "role/a", "s3:GetObject", "arn:aws:s3:::b/m"), ("", "role/z", "s3:GetObject", "arn:aws:s3:::c/1")]
        let network = [("vpce-1", "role/a", "s3:GetObject", "arn:aws:s3:::b/m"), ("vpce-1", "role/a", "s3:DeleteObject", ""),
                       ("vpce-1", "role/c", "s3:GetObject", ""), ("vpce-3", "role/a", "s3:GetObject", ""),
                       ("", "role/a", "s3:GetObject", "")]
        try store.queue.write { db in
            for (endpoint, role, action, resource) in logged {
                try db.execute(sql: """
                    INSERT INTO access VALUES (1, '2026-11-01', ?, '111122223333', ?, 'role', '111122223333', ?, ?, '111122223333',
                                               'success', '', 's3.amazonaws.com', 'us-east-1', '111122223333', 5, 1, 1, '')
                    """, arguments: [endpoint, "arn:aws:iam::111122223333:" + role, action, resource])
            }
            for (n, (endpoint, role, action, resource)) in network.enumerated() {
                try db.execute(sql: """
                    INSERT INTO network_event VALUES (?, 0, 1, ?, '2026-11-01', ?, '111122223333', ?, 'role', '111122223333', ?, ?,
                                                      '111122223333', 'success', '', 's3.amazonaws.com', 'us-east-1', '111122223333')
                    """, arguments: [1_793_491_200 + n, "n\(n)", endpoint, "arn:aws:iam::111122223333:" + role, action, resource])
            }
        }
        var read: [AccessRow] = []
        try store.accessRows { read.append($0) }
        func key(_ r: AccessRow) -> [[UInt8]] {
            [Array((r.columns.endpoint?.rawValue ?? "").utf8), Array(r.columns.principal.arn.utf8),
             Array(r.columns.access.action.description.utf8), Array(r.resource.utf8), [r.columns.networkOnly ? 1 : 0]]
        }
        #expect(read.count == logged.count + network.count)
        #expect(read.map(key) == read.map(key).sorted { $0.lexicographicallyPrecedes($1) { $0.lexicographicallyPrecedes($1) } })
        #expect(read.map(\.count) == [1, 5, 1, 5, 1, 5, 1, 5, 1])
        #expect(read.map(\.columns.networkOnly) == [true, false, true, false, true, false, true, false, true])
    }

    /// The groups come in the order and with the sums SQLite's own `GROUP BY` and `ORDER BY` of the 13 columns give,
    /// whatever the texts: NUL bytes inside them (read whole, as the group keeps them), one text beginning
    /// another, bytes above 0x7F, empty texts, a byte 0x01 after a NUL (the bytes that close a value in the
    /// key) — in the first column, in the resource and in a column after it.
    @Test func groupKeyOrdersAsTheColumnsDo() throws {
        let store = try UsageStoreTests.store(TestSupport.temporaryDirectory())
        let texts = ["a", "a\0", "a\0\u{1}", "a\0\u{FF}", "a\0b", "ab", "a\u{1}", "", "\u{FF}", "é"]
        var inserted: [(String, String, String)] = []
        for (i, endpoint) in texts.enumerated() {
            inserted.append((endpoint, "arn:aws:s3:::b/" + texts[(i + 3) % texts.count], texts[(i * 7) % texts.count]))
            inserted.append((endpoint, "arn:aws:s3:::b/" + texts[(i + 5) % texts.count], texts[i]))
            inserted.append((texts[(i + 1) % texts.count], "arn:aws:s3:::b/" + texts[i], ""))
        }
        try store.queue.write { db in
            for (n, (endpoint, resource, region)) in (inserted + inserted.prefix(7)).enumerated() {
                // Bound as blobs and cast: a String argument would be bound only up to its first NUL.
                try db.execute(sql: """
                    INSERT INTO access VALUES (1, '2026-11-01', CAST(? AS TEXT), '111122223333', 'arn:aws:iam::111122223333:role/r',
                                               'role', '111122223333', 's3:GetObject', CAST(? AS TEXT), '111122223333', 'success', '',
                                               's3.amazonaws.com', CAST(? AS TEXT), '111122223333', ?, 1, 1, '')
                    """, arguments: [Data(endpoint.utf8), Data(resource.utf8), Data(region.utf8), 1 << n])
            }
        }
        let columns = UsageStore.groupColumns.joined(separator: ", ")
        let expected = try store.queue.read { db in
            // Read as a blob: a String read of the column stops at a NUL, the row's resource does not.
            try Row.fetchAll(db, sql: """
                SELECT CAST(resource AS BLOB) AS r, SUM(count) AS n FROM access GROUP BY \(columns) ORDER BY \(columns)
                """)
                .map { (String(decoding: $0["r"] as Data, as: UTF8.self), $0["n"] as Int64) }
        }
        var read: [(String, Int64)] = []
        try store.accessRows { read.append(($0.resource, $0.count)) }
        #expect(expected.count == 30)
        #expect(read.map(\.0) == expected.map(\.0))
        #expect(read.map(\.1) == expected.map(\.1))
    }
}
