import AWSModel
import JSONTape

/// An organization's perimeter (`perimeter sample --organization`): three accounts in an OU tree,
/// two Regions, a dozen endpoints (one of them SES SMTP, which takes no policy), a partner's endpoint
/// outside the organization that reads one of our buckets, a deploy user from a corporate address,
/// CloudTrail writing to the log bucket, and the organization's inventory as the AWS CLI prints it.
/// Deterministic: the same seed gives the same bytes.
public struct OrganizationSample: Sendable {
    /// The organization id.
    public static let org = "o-exmpl7orgz"
    /// The management account (shared services, log archive).
    public static let management = "300000000003"
    /// The production account (us-east-1).
    public static let prod = "100000000001"
    /// The data account (eu-west-1 and us-east-1).
    public static let data = "200000000002"
    /// The partner outside the organization whose endpoint reads a production bucket.
    public static let partner = "777700000007"
    /// The partner's endpoint.
    public static let partnerEndpoint = "vpce-0777000000000aa77"
    /// The SES SMTP endpoint (no endpoint policy possible).
    public static let smtpEndpoint = "vpce-0a00000000000006e"
    /// 2026-11-01T00:00:00Z.
    public static let start = SampleScenario.start
    /// Days of traffic.
    public static let days = 3

    /// One endpoint of the organization: id, owner, Region, service, type.
    struct Endpoint {
        var id: String, owner: String, region: String, service: String, type: String
        var serviceName: String { "com.amazonaws.\(region).\(service)" }
    }

    static let endpoints: [Endpoint] = [
        Endpoint(id: "vpce-0a00000000000001a", owner: prod, region: "us-east-1", service: "s3", type: "Gateway"),
        Endpoint(id: "vpce-0a00000000000002d", owner: prod, region: "us-east-1", service: "dynamodb", type: "Gateway"),
        Endpoint(id: "vpce-0a00000000000003c", owner: prod, region: "us-east-1", service: "sqs", type: "Interface"),
        Endpoint(id: "vpce-0a00000000000004b", owner: prod, region: "us-east-1", service: "kms", type: "Interface"),
        Endpoint(id: "vpce-0a00000000000005e", owner: prod, region: "us-east-1", service: "sts", type: "Interface"),
        Endpoint(id: smtpEndpoint, owner: prod, region: "us-east-1", service: "email-smtp", type: "Interface"),
        Endpoint(id: "vpce-0b00000000000001a", owner: data, region: "eu-west-1", service: "s3", type: "Gateway"),
        Endpoint(id: "vpce-0b00000000000002b", owner: data, region: "eu-west-1", service: "kms", type: "Interface"),
        Endpoint(id: "vpce-0b00000000000003c", owner: data, region: "eu-west-1", service: "secretsmanager", type: "Interface"),
        Endpoint(id: "vpce-0b00000000000004d", owner: data, region: "us-east-1", service: "s3", type: "Interface"),
        Endpoint(id: "vpce-0c00000000000001a", owner: management, region: "us-east-1", service: "s3", type: "Gateway"),
        Endpoint(id: "vpce-0c00000000000002b", owner: management, region: "us-east-1", service: "logs", type: "Interface"),
    ]

    let seed: UInt64

    /// The sample drawn from `seed`.
    public init(seed: UInt64 = 20261101) { self.seed = seed }

    /// Every file: the trail of each account and Region, and the inventory; relative path → bytes.
    public func files() -> [String: [UInt8]] {
        var rng = SampleRandom(seed: seed)
        var trail: [String: [String]] = [:]   // account/region/day → records
        for day in 0..<Self.days {
            for (account, region, record) in events(dayStart: Self.start + Int64(day) * 86_400, rng: &rng) {
                trail["\(account)/\(region)/\(day)", default: []].append(record.json)
            }
        }
        var result = inventory()
        for (key, records) in trail {
            let parts = key.split(separator: "/").map(String.init)
            let (account, region, day) = (parts[0], parts[1], Int(parts[2])!)
            let date = Timestamp.day(Self.start + Int64(day) * 86_400)
            let name = "\(account)_CloudTrail_\(region)_\(date.replacingDashes)T2355Z_\(SampleScenario.uniqueString(key)).json.gz"
            let path = "AWSLogs/\(Self.org)/\(account)/CloudTrail/\(region)/\(date.replacingDashesWithSlashes)/\(name)"
            result[path] = GzipEncoder.compress(Array(("{\"Records\":[" + records.joined(separator: ",") + "]}").utf8))
        }
        return result
    }
}
