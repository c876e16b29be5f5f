/// A principal seen making requests from one source address (with its user agent family): what joins
/// flow records to CloudTrail.
public struct ObservedSource: Sendable, Hashable, Comparable {
    public init(endpoint: VPCEndpointID?, principalARN: String, sessionName: String, sourceIP: String, userAgent: String,
                count: Int64, firstSeen: Int64, lastSeen: Int64) {
        self.endpoint = endpoint
        self.principalARN = principalARN
        self.sessionName = sessionName
        self.sourceIP = sourceIP
        self.userAgent = userAgent
        self.count = count
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
    }

    public var endpoint: VPCEndpointID?
    public var principalARN: String
    public var sessionName: String
    public var sourceIP: String
    public var userAgent: String
    public var count: Int64
    public var firstSeen: Int64
    public var lastSeen: Int64

    public static func < (lhs: ObservedSource, rhs: ObservedSource) -> Bool {
        (lhs.sourceIP, lhs.principalARN, lhs.sessionName, lhs.userAgent, lhs.endpoint?.rawValue ?? "")
            < (rhs.sourceIP, rhs.principalARN, rhs.sessionName, rhs.userAgent, rhs.endpoint?.rawValue ?? "")
    }
}

