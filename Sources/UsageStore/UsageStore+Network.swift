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
