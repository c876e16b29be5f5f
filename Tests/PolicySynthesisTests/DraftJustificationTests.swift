import Testing
@testable import PolicySynthesis
import AWSLogs
import AWSModel
import IAMPolicy
import JSONTape
@testable import Inventory

/// A property over random well-formed records: every grant of a draft is one the records justify,
/// the logged resource itself or Perimeter's documented generalization of it, for a principal that
/// made that call. Keys are drawn with `*`, `?`, `$`, `${…}` and `/` in them.
struct DraftJustificationTests {
    /// A small deterministic generator (SplitMix64), so a failure names its seed.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }
    }

    static let pieces = ["a", "logs", "*", "?", "$", "${aws:username}", "2026", "x.json", "/", "//", "${*}", "é", "uploads"]
    static let events = ["GetObject", "PutObject", "DeleteObject", "HeadObject", "ListObjects", "GetObjectTagging", "DeleteObjects"]
    static let roles = ["app", "batch", "etl"]

    /// What a generated record asked for, as raw text (not as Perimeter read it).
    struct Logged { var role: String; var event: String; var bucket: String; var key: String }

    static func record(_ rng: inout Random, id: Int) -> (String, Logged) {
        let key = (0..<(1 + Int(rng.next() % 4))).map { _ in rng.pick(pieces) }.joined()
        let bucket = rng.pick(["app-data", "app-logs"])
        let name = rng.pick(events)
        let role = rng.pick(roles)
        return ("""
            {"eventVersion":"1.09","eventTime":"2026-11-02T10:00:00Z","awsRegion":"us-east-1","eventSource":"s3.amazonaws.com",\
            "eventName":"\(name)","eventID":"e\(id)","recipientAccountId":"111122223333","vpcEndpointId":"vpce-0s3",\
            "userIdentity":{"type":"AssumedRole","accountId":"111122223333","arn":"arn:aws:sts::111122223333:assumed-role/\(role)/s",\
            "sessionContext":{"sessionIssuer":{"arn":"arn:aws:iam::111122223333:role/\(role)"}}},\
            "requestParameters":{"bucketName":"\(bucket)","key":\(JSONString.quote(key))}}
            """, Logged(role: "arn:aws:iam::111122223333:role/\(role)", event: name, bucket: bucket, key: key))
    }

    /// The events folded as the store folds them.
    static func observed(_ events: [NormalizedEvent]) -> [ObservedAccess] {
        var groups: [String: ObservedAccess] = [:]
        for event in events {
            for access in event.accesses {
                let key = "\(event.principal.arn) \(access.action) \(access.resource)"
                groups[key, default: ObservedAccess(endpoint: event.vpcEndpointID, endpointAccount: AccountID("111122223333"),
                                                    principal: event.principal, access: access, outcome: event.outcome, errorCode: nil,
                                                    eventSource: event.eventSource, region: event.region,
                                                    recipientAccount: event.recipientAccount,
                                                    count: 0, firstSeen: event.eventTime, lastSeen: event.eventTime,
                                                    sampleEventID: event.eventID,
                                                    sourceIPs: [])].count += 1
            }
        }
        return groups.values.sorted()
    }

    /// The policy resources a raw request justifies, built here from the raw text with IAM's escapes:
    /// the bucket, the object itself, and the documented generalizations (first key segment, whole bucket;
    /// DeleteObjects logs no key, so its grant is the whole bucket).
    static func justified(by r: Logged) -> Set<String> {
        let bucket = PolicyText.literal("arn:aws:s3:::\(r.bucket)")
        var allowed: Set<String> = [bucket, bucket + "/*", PolicyText.literal("arn:aws:s3:::\(r.bucket)/\(r.key)")]
        if let slash = r.key.firstIndex(of: "/") {
            allowed.insert(PolicyText.literal("arn:aws:s3:::\(r.bucket)/\(r.key[..<slash])") + "/*")
        }
        return allowed
    }

    @Test(arguments: [(UInt64(1), Granularity.exact), (2, .prefix), (3, .bucket), (4, .prefix), (5, .exact)])
    func everyDraftGrantIsJustifiedByTheRecords(seed: UInt64, granularity: Granularity) throws {
        var rng = Random(state: seed)
        let normalizer = EventNormalizer()
        var events: [NormalizedEvent] = []
        var raw: [Logged] = []
        for i in 0..<300 {
            let (record, logged) = Self.record(&rng, id: i)
            raw.append(logged)
            guard case .event(let event) = normalizer.normalize(try JSONParser.parse(Array(record.utf8)).values[0]) else {
                Issue.record("a well-formed record did not normalize: \(record)")
                continue
            }
            events.append(event)
        }
        var options = SynthesisOptions()
        options.granularity = granularity
        var inventory = Fixture.inventory()
        inventory.buckets["app-logs"] = Fixture.prod
        let observed = Self.observed(events)
        let result = Fixture.run(observed, inventory: inventory, options: options)
        let draft = try #require(result.endpoints.first).draft
        var checked = 0
        for statement in draft.statements where statement.effect == .allow {
            let principals = statement.conditions.first { $0.key == "aws:PrincipalArn" }?.values.map(\.text) ?? []
            guard !principals.isEmpty else { continue }   // AWS-owned statements: the catalog's, not logged
            for principal in principals {
                let allowed = raw.filter { $0.role == principal }.reduce(into: Set<String>()) { $0.formUnion(Self.justified(by: $1)) }
                for resource in statement.resource?.patterns ?? [] {
                    checked += 1
                    #expect(allowed.contains(resource), "seed \(seed): \(principal) granted \(resource), which no record justifies")
                    // A granted pattern with a wildcard is only ever Perimeter's `/*`.
                    let body = resource.hasSuffix("/*") ? String(resource.dropLast(2)) : resource
                    #expect(PolicyText.literalValue(of: body) != nil, "seed \(seed): \(resource) holds a wildcard from a log")
                }
            }
        }
        #expect(checked > 0)
        #expect(result.endpoints[0].replay.passed)
    }
}
