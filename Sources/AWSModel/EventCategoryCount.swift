/// How many events of one source and category the logs held (`s3.amazonaws.com`, `Data`).
public struct EventCategoryCount: Sendable, Hashable {
    /// The CloudTrail `eventSource` (`s3.amazonaws.com`).
    public var eventSource: String
    /// The IAM service prefix of the event source (`s3`, `cloudwatch` for `monitoring.amazonaws.com`).
    public var service: String
    /// `Management`, `Data`, `NetworkActivity`, or empty for records older than eventVersion 1.07.
    public var category: String
    /// Events of that source and category.
    public var count: Int64

    /// A count of events of `eventSource` (IAM prefix `service`) in `category`.
    public init(eventSource: String, service: String, category: String, count: Int64) {
        self.eventSource = eventSource
        self.service = service
        self.category = category
        self.count = count
    }
}
