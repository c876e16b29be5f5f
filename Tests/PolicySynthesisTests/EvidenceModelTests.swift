import Testing
@testable import PolicySynthesis
import AWSModel
import IAMPolicy
@testable import Inventory

/// Whose endpoint it is, and what a lock may deny, follow what the logs could see.
struct EvidenceModelTests {
    static let managed = VPCEndpointID("vpce-61638908")
    static let configRole = Principal(kind: .assumedRole,
        arn: "arn:aws:iam::111122223333:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig",
                                      account: Fixture.prod)

    /// The S3 console and AWS Config reach our bucket through an endpoint that is not ours.
    static func run() -> SynthesisResult {
        var config = Fixture.access(configRole, "s3:GetBucketAcl", "arn:aws:s3:::app-data", endpoint: managed)
        config.endpointAccount = AccountID("999999999999")
        let sources = [
            ObservedSource(endpoint: managed, principalARN: configRole.arn, sessionName: "AWSConfig-Describe",
            sourceIP: "config.amazonaws.com",
                                      userAgent: "AWS Internal", count: 1, firstSeen: 0, lastSeen: 0)]
        return Fixture.run([Fixture.access("s3:GetObject", "arn:aws:s3:::app-data/k"), config], sources: sources)
    }

    @Test func anEndpointThatBelongsToAWSGetsNoDraftAndNoLockAnswersIt() throws {
        let result = Self.run()
        #expect(result.endpoints.map(\.endpoint.id) == [Fixture.s3Endpoint])
        #expect(result.assumptions.contains { $0.code == .endpointNotShownYours })
        let lock = try #require(result.buckets.first?.draft.statements.last)
        let sourceVpce = try #require(lock.conditions.first { $0.key == "aws:SourceVpce" })
        #expect(sourceVpce.values.map(\.text) == [Fixture.s3Endpoint.rawValue])
        #expect(result.buckets[0].replay.passed)
    }

    @Test func aVPCEndpointAccountAloneNeverMakesAnAccountTrusted() {
        var access = Fixture.access("s3:GetObject", "arn:aws:s3:::app-data/k")
        access.endpointAccount = AccountID("999999999999")
        access.recipientAccount = Fixture.prod
        var inventory = Fixture.inventory()
        inventory.accounts = []
        let result = Fixture.run([access], inventory: inventory)
        #expect(!result.trustedAccounts.contains(AccountID("999999999999")))
    }

    @Test func aLockAlwaysKeepsAWSServicePrincipalsAccess() throws {
        let result = Fixture.run([Fixture.access("s3:GetObject", "arn:aws:s3:::app-data/k")])
        let lock = try #require(result.buckets.first?.draft)
        let delivery = RequestContext(action: "s3:PutObject", resource: "arn:aws:s3:::app-data/AWSLogs/x.gz",
                                      principal: RequestPrincipal(kind: .service, arn: "delivery.logs.amazonaws.com"),
                                      keys: ["aws:PrincipalIsAWSService": ["true"]])
        #expect(CompiledPolicy(lock).evaluate(delivery).decision != .explicitDeny)
    }

    @Test func aBucketWhoseObjectsNoRequestTouchedIsLockedForBucketActionsOnly() throws {
        let result = Fixture.run([Fixture.access("s3:ListBucket", "arn:aws:s3:::app-data")])
        let bucket = try #require(result.buckets.first)
        #expect(!bucket.objectAccessObserved)
        #expect(bucket.draft.statements.last?.resource == .resources(["arn:aws:s3:::app-data"]))
        #expect(bucket.verdict == .review)
        #expect(bucket.reasons.contains { $0.code == .objectAccessNotObservable })
    }
}

struct WithinCurrentPolicyTests {
    /// A catalog grant the tightened policy in force refuses used to fail every run ("REPLAY FAILED").
    @Test func anInferredCatalogGrantTheCurrentPolicyRefusesIsLeftOutWithANote() throws {
        let current = try PolicyReader.read(#"""
            {"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::app-data/*"}]}
            """#)
        let result = Fixture.run([Fixture.access("s3:GetObject", "arn:aws:s3:::app-data/k")], inventory: Fixture.inventory(policy: current),
                                 flows: [FlowEvidenceTests.flow("10.0.1.21")],
                                 sources: [FlowEvidenceTests.source("10.0.1.21",
                                     agent: "aws-sdk-java Linux/6.1.112-124.190.amzn2023.x86_64")])
        let endpoint = try #require(result.endpoints.first)
        #expect(!PolicyWriter.write(endpoint.draft).contains("al2023"))
        #expect(endpoint.notes.contains { $0.code == .refusedByCurrent })
        #expect(!result.awsOwned.contains { $0.bucket.hasPrefix("al2023") })
        #expect(endpoint.grantCheck.exceeding.isEmpty)
        #expect(endpoint.replay.passed)
    }
}

struct GrantContainmentTests {
    static let endpoint = Fixture.inventory().endpoints[Fixture.s3Endpoint]!

    static func check(draft resource: String, current: String) throws -> GrantCheck {
        let current = try PolicyReader.read(current)
        let draft = PolicyDocument(statements: [Statement(sid: "Draft", effect: .allow, principal: .any, action: .actions(["s3:GetObject"]),
                                                          resource: .resources([resource]))])
        return GrantCheck.run(draft, principals: ["Draft": [Fixture.app]], current: CompiledPolicy(current), currentDocument: current,
            endpoint: endpoint)
    }

    /// A Deny on `secret*` is never hit by the sample key `perimeter-sample`: sampling used to call this contained.
    @Test func aWildcardGrantOverlappingADenyIsNotProven() throws {
        let check = try Self.check(draft: "arn:aws:s3:::app-data/*", current: #"""
            {"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},
                          {"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::app-data/secret*"}]}
            """#)
        #expect(check.exceeding.isEmpty)
        #expect(check.unprovable.count == 1)
    }

    @Test(arguments: [
        (#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::app-data/*"}]}"#,
            "arn:aws:s3:::app-data/uploads/*", true),
        (#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#, "arn:aws:s3:::app-data/*", true),
        (#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","#
            + #""Resource":"arn:aws:s3:::app-data/perimeter-sample*"}]}"#,
            "arn:aws:s3:::app-data/*", false),
        (#"""
            {"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},{"Effect":"Deny","Principal":"*",\#
            "Action":"s3:PutObject","Resource":"*"}]}
            """#, "arn:aws:s3:::app-data/*", true),
    ])
    func containmentIsStructural(current: String, draft: String, contained: Bool) throws {
        let check = try Self.check(draft: draft, current: current)
        #expect(check.exceeding.isEmpty && check.unprovable.isEmpty == contained, "\(check)")
    }

    @Test func aLiteralGrantIsEvaluatedExactly() throws {
        let check = try Self.check(draft: PolicyText.literal("arn:aws:s3:::app-data/a*b"), current: #"""
            {"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::app-data/a*b"}]}
            """#)
        #expect(check.exceeding.isEmpty && check.unprovable.isEmpty)
    }
}

struct VersionedDeleteTests {
    @Test func aBatchDeleteOnABucketWithVersionedRequestsDraftsDeleteObjectVersion() throws {
        let result = Fixture.run([Fixture.access("s3:DeleteObject", "arn:aws:s3:::app-data/*"),
                                  Fixture.access("s3:GetObjectVersion", "arn:aws:s3:::app-data/k")])
        let draft = PolicyWriter.write(try #require(result.endpoints.first).draft)
        #expect(draft.contains("s3:DeleteObjectVersion"))
        #expect(result.endpoints[0].replay.passed)
    }

    @Test func withoutVersionedRequestsNoVersionGrant() throws {
        let result = Fixture.run([Fixture.access("s3:DeleteObject", "arn:aws:s3:::app-data/*")])
        #expect(!PolicyWriter.write(try #require(result.endpoints.first).draft).contains("DeleteObjectVersion"))
    }
}
