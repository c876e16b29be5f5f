import Testing
@testable import UsageStore
import AWSModel
import GRDB
import PerimeterTestSupport

/// The report's requests per endpoint and day, summed in one pass: what SQLite's `GROUP BY endpoint, day` gives.
struct DailyRequestsTests {
    /// Endpoints and days in no order, every outcome, rows without an endpoint, a window, a sum past what an
    /// integer holds and a negative count (a store written by hand): the same rows, sums and order as the SQL.
    @Test(arguments: [DayWindow(), DayWindow(since: "2026-11-02"), DayWindow(until: "2026-11-02")])
    func dailySumsAreTheGroupBys(window: DayWindow) throws {
        let store = try UsageStoreTests.store(TestSupport.temporaryDirectory())
        let endpoints = ["vpce-b", "vpce-a", "", "vpce-a2", "vpce-"], days = ["2026-11-03", "2026-11-01", "2026-11-02"]
        try store.queue.write { db in
            for n in 0..<60 {
                let outcome = Outcome.allCases[n % Outcome.allCases.count].rawValue
                let count: Int64 = n == 7 ? .max : n == 11 ? -5 : Int64(n * 3 + 1)
                try db.execute(sql: """
                    INSERT INTO access VALUES (1, ?, ?, '111122223333', 'arn:aws:iam::111122223333:role/r', 'role', '111122223333',
                                               's3:GetObject', 'arn:aws:s3:::b/k', '111122223333', ?, '', 's3.amazonaws.com',
                                               'us-east-1', '111122223333', ?, 1, 1, '')
                    """, arguments: [days[(n * 7) % days.count], endpoints[(n * 3) % endpoints.count], outcome, count])
            }
        }
        let (condition, arguments) = window.sql
        let authorized = Outcome.allCases.filter(\.wasAuthorized).map { "'\($0.rawValue)'" }.joined(separator: ", ")
        let expected = try store.queue.read { db in
            try Row.fetchAll(db, sql: """
                SELECT endpoint, day, \(UsageStore.boundedSum("count")) AS n FROM access
                WHERE \(condition) AND endpoint != '' AND outcome IN (\(authorized))
                GROUP BY endpoint, day ORDER BY endpoint, day
                """, arguments: arguments).map {
                    DailyRequests(endpoint: VPCEndpointID($0["endpoint"] as String), day: $0["day"], requests: $0["n"])
                }
        }
        #expect(expected.count > 3)
        #expect(try store.dailyRequests(window: window) == expected)
    }
}
