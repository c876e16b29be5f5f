public import AWSModel

/// One source of traffic through an endpoint, joined to the principals CloudTrail shows from it.
public struct EndpointSource: Sendable, Hashable, Codable {
    /// The endpoint id.
    public var endpoint: VPCEndpointID
    /// The private address the traffic came from.
    public var sourceAddress: String
    /// The network interfaces whose flow logs showed it.
    public var interfaces: [String]
    /// The EC2 instances behind the address, when the flow log has `instance-id`.
    public var instances: [String]
    /// The principals CloudTrail shows from the same address or instance.
    public var principals: [String]
    /// Bytes over the window (held at Int64.max rather than overflowing).
    public var bytes: Int64
    /// Flow records folded into this row.
    public var flows: Int64
    /// Seconds since 1970 of the first and last flow.
    public var firstSeen: Int64
    /// Seconds since 1970 of the last flow.
    public var lastSeen: Int64
    /// What explains its traffic: its authorized requests' volume, or the AWS-owned needs (rule and
    /// source) its logged calls imply; empty when nothing does.
    public var explainedBy: [String] = []
}

/// A source sending traffic through an endpoint that its authorized CloudTrail requests through it do not
/// explain: none at all (a coverage gap), or too few bytes (unexplained volume, ``CoverageVolume``).
public struct CoverageGap: Sendable, Hashable, Codable {
    /// The endpoint id.
    public var endpoint: VPCEndpointID
    /// The private address the traffic came from.
    public var sourceAddress: String
    /// The EC2 instances behind the address, when the flow log has `instance-id`.
    public var instances: [String]
    /// Bytes over the window (held at Int64.max rather than overflowing).
    public var bytes: Int64
    /// Seconds since 1970 of the first and last flow.
    public var firstSeen: Int64
    /// Seconds since 1970 of the last flow.
    public var lastSeen: Int64
    /// Why it matters for the draft.
    public var reason: String
    /// Authorized requests through the endpoint from the address (0 for a coverage gap).
    public var requests: Int64 = 0
    /// The bytes they account for (``CoverageVolume/credit(_:)``).
    public var creditedBytes: Int64 = 0
}

/// S3 or DynamoDB traffic that left through an internet or NAT path instead of an endpoint.
public struct Bypass: Sendable, Hashable, Codable {
    /// The private address the traffic came from.
    public var sourceAddress: String
    /// The EC2 instances behind the address, when the flow log has `instance-id`.
    public var instances: [String]
    /// The AWS service (`S3`, `DYNAMODB`), or the catalog entry's service.
    public var service: String
    /// Destination addresses (the service's public ones): every one, or where the store summed a flow
    /// group's addresses, the smallest of each group (``ObservedFlow/destinationAddress``).
    public var destinations: [String]
    /// The flow log's `traffic-path` (8 internet gateway, 1 NAT gateway, 2 internet gateway without an endpoint).
    public var trafficPath: Int
    /// Bytes over the window (held at Int64.max rather than overflowing).
    public var bytes: Int64
    /// Seconds since 1970 of the first and last flow.
    public var firstSeen: Int64
    /// Seconds since 1970 of the last flow.
    public var lastSeen: Int64
    /// The principals CloudTrail shows from the same address or instance.
    public var principals: [String]
}

/// AWS-owned buckets a service's evidence calls for without CloudTrail showing them.
public struct InferredAWSOwned: Sendable, Hashable, Codable {
    /// The endpoint id.
    public var endpoint: VPCEndpointID
    /// The AWS service (`S3`, `DYNAMODB`), or the catalog entry's service.
    public var service: String
    /// What the service uses the bucket for.
    public var feature: String
    /// The AWS-owned bucket.
    public var bucket: String
    /// The evidence: the host's traffic and the request or user agent that calls for the bucket.
    public var evidence: String
}

/// What the flow logs add to CloudTrail.
public struct FlowFindings: Sendable, Hashable, Codable {
    /// Flow records in the window.
    public var flowRecords: Int64 = 0
    /// Who sends traffic through each endpoint.
    public var sources: [EndpointSource] = []
    /// Sources with endpoint traffic and no CloudTrail request through it: the drafts would refuse what they do.
    public var coverageGaps: [CoverageGap] = []
    /// Sources whose authorized requests through the endpoint explain too few of their flow bytes.
    public var unexplainedVolume: [CoverageGap] = []
    /// S3 and DynamoDB traffic that no endpoint policy sees.
    public var bypass: [Bypass] = []
    /// AWS-owned buckets hosts need, inferred from evidence.
    public var inferred: [InferredAWSOwned] = []
    /// Catalog entries nothing in the logs supports: left out of the drafts.
    public var notNeeded: [String] = []

    /// No findings.
    public init() {}
}

/// A flow finding, ranked by the bytes it carried: the order its lists are shown and cut in.
package protocol RankedByBytes {
    var bytes: Int64 { get }
    /// What orders findings of equal bytes, so that the order is total.
    var tieBreak: [String] { get }
}

extension EndpointSource: RankedByBytes { package var tieBreak: [String] { [endpoint.rawValue, sourceAddress] } }
extension CoverageGap: RankedByBytes { package var tieBreak: [String] { [endpoint.rawValue, sourceAddress] } }
extension Bypass: RankedByBytes { package var tieBreak: [String] { [sourceAddress, service, String(trafficPath)] } }

extension FlowFindings {
    /// The most bytes first, then by endpoint and source.
    package static func largestFirst<T: RankedByBytes>(_ a: T, _ b: T) -> Bool {
        a.bytes != b.bytes ? a.bytes > b.bytes : a.tieBreak.lexicographicallyPrecedes(b.tieBreak)
    }
}
