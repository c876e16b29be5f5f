import Foundation

/// The event sources CloudTrail logs network activity events for (`Resources/network-activity-sources.tsv`):
/// data, not code, each row with the page it was read from and the day. A network activity selector is
/// written, and named as the remedy of a verdict, only for a source the table lists: for another service
/// CloudTrail has no such events, and the evidence must come from its data or management events and flows.
public struct NetworkActivitySources: Sendable {
    /// One event source (`kms.amazonaws.com`), since when it is listed, where, and the day that was read.
    public struct Row: Sendable, Hashable {
        public var eventSource: String
        public var since: String
        public var source: String
        public var read: String
    }

    /// The rows, in the table's order.
    public let rows: [Row]
    private let listed: Set<String>

    /// The table shipped with Perimeter.
    public static let shared = NetworkActivitySources(NetworkKeyTable.resource("network-activity-sources"))

    /// A table from its TSV text; comment lines and lines without their four columns are skipped.
    public init(_ text: String) {
        rows = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
            .map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
            .filter { $0.count == 4 }
            .map { Row(eventSource: $0[0], since: $0[1], source: $0[2], read: $0[3]) }
        listed = Set(rows.map(\.eventSource))
    }

    /// True when CloudTrail logs network activity events for `eventSource` (as logged: `s3.amazonaws.com`).
    public func lists(_ eventSource: String) -> Bool { listed.contains(eventSource) }
}
