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
}
