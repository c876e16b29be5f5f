import Testing
import AWSModel
import Foundation
@testable import IAMPolicy

/// The statement and resource indexes: the same answers as matching every statement and pattern in
/// turn, in time that grows with the requests, not with requests × resources.
struct StatementIndexTests {
    /// SplitMix64: deterministic, so that a failure names its seed.
    struct Random: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let actions = ["s3:GetObject", "s3:PutObject", "S3:getobject", "s3:Get*", "s3:?utObject", "*", "dynamodb:GetItem", "",
        "s3:*Object"]
    static let resources = ["*", "arn:aws:s3:::b/k", "arn:aws:s3:::b/*", "arn:aws:s3:::b", "arn:aws:s3:::b/${aws:username}/*",
        "arn:aws:s3:::b/k?",
                            "arn:aws:s3:::*/k", "arn:aws:dynamodb:*:111122223333:table/t",
                            "arn:aws:dynamodb:us-east-1:111122223333:table/t*",
                            "arn:aws:s3:::b/${*}", "arn:aws", "arn:aws:s3:::", "b/k", "arn:aws:s3:::B/k", "arn:aws:s3:::b/k/deeper"]
    static let requested = ["arn:aws:s3:::b/k", "arn:aws:s3:::b", "arn:aws:s3:::b/alice/x", "arn:aws:s3:::b/k1", "arn:aws:s3:::b/*",
                            "arn:aws:dynamodb:us-east-1:111122223333:table/t", "arn:aws:dynamodb:us-east-1:111122223333:table/t2", "*",
                            "arn:aws:s3:::other/k", "", "arn:aws:s3:::b/k/deeper", "arn:aws:s3:::B/k", "b/k"]

    static func statement(_ rng: inout Random, _ i: Int) -> Statement {
        func some(_ pool: [String]) -> [String] { (0..<Int.random(in: 1...4, using: &rng)).map { _ in pool.randomElement(using: &rng)! } }
        let action: ActionSpec = Bool.random(using: &rng) || Bool.random(using: &rng) ? .actions(some(actions)) : .notActions(some(actions))
        let resource: ResourceSpec? = switch Int.random(in: 0..<6, using: &rng) {
        case 0: nil
        case 1: .notResources(some(resources))
        default: .resources(some(resources))
        }
        return Statement(sid: Bool.random(using: &rng) ? "S\(i)" : nil, effect: Bool.random(using: &rng) ? .allow : .deny, principal: .any,
                         action: action, resource: resource)
    }

    /// Random policies and requests: the indexed evaluation gives the decision, the statements and the
    /// notes of the one that tries every statement and every pattern.
    @Test(arguments: 0..<40)
    func theIndexesDecideAsMatchingEveryStatementDoes(seed: UInt64) {
        var rng = Random(state: seed)
        let document = PolicyDocument(statements: (0..<Int.random(in: 1...8, using: &rng)).map { Self.statement(&rng, $0) })
        let policy = CompiledPolicy(document)
        for _ in 0..<60 {
            let action = ["s3:GetObject", "s3:PutObject", "S3:GETOBJECT", "dynamodb:GetItem", "s3:ListBucket", ""]
                .randomElement(using: &rng)!
            var context = RequestContext(action: action, resource: Self.requested.randomElement(using: &rng)!,
                principal: .from("arn:aws:iam::111122223333:user/alice"))
            if Bool.random(using: &rng) { context.set("aws:username", ["alice"]) }
            #expect(policy.evaluate(context, indexed: true) == policy.evaluate(context, indexed: false),
                "seed \(seed): \(action) on \(context.resource)")
        }
    }

    /// The replay's cost was requests × resources of a statement: a draft naming 20,000 tables, replayed
    /// on a request to each, took minutes in a debug build (80,000 took 91 s in release). Indexed, it is a
    /// few lookups each.
    @Test func replayTimeGrewWithRequestsTimesResourcesOfAStatement() {
        let tables = (0..<20_000).map { "arn:aws:dynamodb:us-east-1:111122223333:table/t\($0)" }
        let policy = CompiledPolicy(PolicyDocument(statements: [
            Statement(sid: "Tables", effect: .allow, principal: .any, action: .actions(["dynamodb:GetItem", "dynamodb:Query"]),
                resource: .resources(tables)),
            Statement(sid: "Other", effect: .allow, principal: .any, action: .actions(["s3:GetObject"]),
                resource: .resources(["arn:aws:s3:::b/*"])),
        ]))
        let clock = ContinuousClock(), start = clock.now
        var allowed = 0
        for table in tables.reversed() where policy.evaluate(RequestContext(action: "dynamodb:GetItem", resource: table)).decision
            == .allow {
            allowed += 1
        }
        let missing = policy.evaluate(
            RequestContext(action: "dynamodb:GetItem", resource: "arn:aws:dynamodb:us-east-1:111122223333:table/t20000"))
        #expect(allowed == tables.count)
        #expect(missing.decision == .implicitDeny)
        #expect(clock.now - start < .seconds(20), "generous for a debug build on a shared machine")
    }
}
