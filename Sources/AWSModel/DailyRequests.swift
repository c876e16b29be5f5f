/// Authorized requests through one endpoint on one UTC day: what a draft learned from, day by day.
public struct DailyRequests: Sendable, Hashable, Codable {
    /// The endpoint.
    public var endpoint: VPCEndpointID
    /// The UTC day, `YYYY-MM-DD`.
    public var day: String
    /// Authorized requests (successful, or failed after authorization) that day.
    public var requests: Int64

    /// A count of `requests` through `endpoint` on `day`.
    public init(endpoint: VPCEndpointID, day: String, requests: Int64) {
        self.endpoint = endpoint
        self.day = day
        self.requests = requests
    }
}
