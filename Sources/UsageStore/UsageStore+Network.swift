import AWSModel
internal import GRDB

/// How many of the window's network activity events joined a data or management event of their call.
public struct NetworkEvidence: Sendable, Equatable {
    /// Network events whose call is also logged as a data or management event: one request, both proofs.
    public var joined: Int64 = 0
    /// Network events alone: principal, action and endpoint proven, resource not visible.
    public var networkOnly: Int64 = 0

    /// No network event.
    public init() {}
}

extension UsageStore {
    /// The requests of `window` seen only in network activity events, summed by the same groups as the
    /// logged ones (``ObservedAccess/networkOnly`` set, resource not logged), handed to `body`. A network
    /// event whose call is also logged adds nothing: that request is counted once, by its logged event.
    static func networkOnly(_ db: Database, _ condition: String, _ arguments: StatementArguments,
                            _ body: (ObservedAccess) throws -> Void) throws {
        let rows = try Row.fetchCursor(db, sql: """
            SELECT \(accessColumns), COUNT(*) AS n, MIN(event_time) AS f, MAX(event_time) AS l, MIN(NULLIF(event_id, '')) AS s
            FROM network_event n WHERE \(condition) AND NOT \(joined("n"))
            GROUP BY resource, principal_arn, action, endpoint, endpoint_account, principal_kind, principal_account, resource_account,
                     outcome, error_code, event_source, region, recipient_account
            """, arguments: arguments)
        while let row = try rows.next() {
            guard var access = Self.access(row) else { continue }
            (access.count, access.firstSeen, access.lastSeen, access.sampleEventID) = (row[13], row[14], row[15], row[16])
            access.networkOnly = true
            try body(access)
        }
    }

    /// How many network activity events of `window` joined a logged event of their call, and how many
    /// stand alone (`network_request` in the store says it per event).
    ///
    /// - Throws: ``StoreError`` when the store cannot be read.
    public func networkEvidence(window: DayWindow = DayWindow()) throws(StoreError) -> NetworkEvidence {
        let (condition, arguments) = window.sql
        return try read { db in
            var evidence = NetworkEvidence()
            let sql = "SELECT evidence, COUNT(DISTINCT event_time || ' ' || event_id || ' ' || file_id) AS n FROM network_request "
                + "WHERE \(condition) GROUP BY evidence"
            for row in try Row.fetchAll(db, sql: sql, arguments: arguments) {
                if row["evidence"] == "joined" { evidence.joined = row["n"] } else { evidence.networkOnly = row["n"] }
            }
            return evidence
        }
    }
}
