public import AWSModel
internal import GRDB

extension UsageStore {
    /// Per endpoint and source address, over `window`: the authorized requests signed by a principal
    /// (anonymous ones never count) and the bytes they logged, sorted by endpoint and address. Denied,
    /// unauthenticated and unclassified requests are left out: they explain no traffic.
    ///
    /// - Throws: ``StoreError`` when the store cannot be read.
    public func sourceVolumes(window: DayWindow = DayWindow()) throws(StoreError) -> [SourceVolume] {
        let (condition, arguments) = window.sql
        let authorized = Outcome.allCases.filter(\.wasAuthorized).map { "'\($0.rawValue)'" }.joined(separator: ", ")
        return try read { db in
            try Self.fetch(db, sql: """
                SELECT endpoint, source_ip, \(Self.boundedSum("count")), \(Self.boundedSum("bytes_in")), \(Self.boundedSum("bytes_out"))
                FROM source
                WHERE \(condition) AND endpoint != '' AND outcome IN (\(authorized)) AND principal_arn != '\(Principal.anonymousARN)'
                GROUP BY endpoint, source_ip ORDER BY endpoint, source_ip
                """, arguments: arguments) { row in
                SourceVolume(endpoint: VPCEndpointID(row[0] as String), sourceIP: row[1], requests: row[2], bytesIn: row[3],
                             bytesOut: row[4])
            }
        }
    }
}
