/// How many events of one source and category the logs held (`s3.amazonaws.com`, `Data`).
public struct EventCategoryCount: Sendable, Hashable {
    public var eventSource: String
    /// The IAM service prefix of the event source (`s3`, `cloudwatch` for `monitoring.amazonaws.com`).
    public var service: String
    /// `Management`, `Data`, `NetworkActivity`, or empty for records older than eventVersion 1.07.
    public var category: String
    public var count: Int64

    public init(eventSource: String, service: String, category: String, count: Int64) {
        self.eventSource = eventSource
        self.service = service
        self.category = category
        self.count = count
    }
}
