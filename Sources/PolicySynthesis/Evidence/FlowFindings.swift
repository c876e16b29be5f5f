import AWSModel

/// One source of traffic through an endpoint, joined to the principals CloudTrail shows from it.
public struct EndpointSource: Sendable, Hashable, Codable {
    public var endpoint: String
    public var sourceAddress: String
    public var interfaces: [String]
    public var instances: [String]
    public var principals: [String]
    public var bytes: Int64
    public var flows: Int64
    public var firstSeen: Int64
    public var lastSeen: Int64
}

/// A source sending traffic through an endpoint with no CloudTrail request through it in the window.
public struct CoverageGap: Sendable, Hashable, Codable {
    public var endpoint: String
    public var sourceAddress: String
    public var instances: [String]
    public var bytes: Int64
    public var firstSeen: Int64
    public var lastSeen: Int64
    public var reason: String
}

/// S3 or DynamoDB traffic that left through an internet or NAT path instead of an endpoint.
public struct Bypass: Sendable, Hashable, Codable {
    public var sourceAddress: String
    public var instances: [String]
    public var service: String
    public var destinations: [String]
    public var trafficPath: Int
    public var bytes: Int64
    public var firstSeen: Int64
    public var lastSeen: Int64
    public var principals: [String]
}

/// AWS-owned buckets a service's evidence calls for without CloudTrail showing them.
public struct InferredAWSOwned: Sendable, Hashable, Codable {
    public var endpoint: String
    public var service: String
    public var feature: String
    public var bucket: String
    public var evidence: String
}

/// What the flow logs add to CloudTrail.
public struct FlowFindings: Sendable, Hashable, Codable {
    public var flowRecords: Int64 = 0
    public var sources: [EndpointSource] = []
    public var coverageGaps: [CoverageGap] = []
    public var bypass: [Bypass] = []
    public var inferred: [InferredAWSOwned] = []
    /// Catalog entries nothing in the logs supports: left out of the drafts.
    public var notNeeded: [String] = []

    public init() {}
}
