import Testing
@testable import PolicySynthesis
import AWSModel
import IAMPolicy
@testable import Inventory
@testable import Reporting

/// Builders for observed usage, so synthesis tests never open a database.
enum Fixture {
    static let prod = AccountID("111122223333")
    static let vendor = AccountID("222233334444")
    static let s3Endpoint = VPCEndpointID("vpce-0s3")
    static let app = Principal(kind: .assumedRole, arn: "arn:aws:iam::111122223333:role/app", account: prod)
    static let cloudtrail = Principal(kind: .awsService, arn: "cloudtrail.amazonaws.com", account: nil)

    static func access(_ principal: Principal, _ action: String, _ resource: String, owner: AccountID? = prod,
                       endpoint: VPCEndpointID? = s3Endpoint, outcome: Outcome = .success, count: Int64 = 3,
                       ip: String = "10.0.1.21") -> ObservedAccess {
        ObservedAccess(endpoint: endpoint, endpointAccount: endpoint == nil ? nil : prod, principal: principal,
                       access: ResourceAccess(action: IAMAction(action)!, resource: resource, resourceAccount: owner),
                       outcome: outcome, errorCode: outcome.wasAuthorized ? nil : "AccessDenied", eventSource: "s3.amazonaws.com",
                       region: "us-east-1", recipientAccount: prod, count: count, firstSeen: 1_793_491_200, lastSeen: 1_793_577_600,
                       sampleEventID: "e-\(action)-\(resource.count)", sourceIPs: endpoint == nil ? [] : [ip])
    }

    static func access(_ action: String, _ resource: String, owner: AccountID? = prod, endpoint: VPCEndpointID? = s3Endpoint,
                       outcome: Outcome = .success, count: Int64 = 3) -> ObservedAccess {
        access(app, action, resource, owner: owner, endpoint: endpoint, outcome: outcome, count: count)
    }

    static func inventory(policy: PolicyDocument? = nil) -> Inventory {
        var inventory = Inventory()
        inventory.endpoints[s3Endpoint] = Inventory.Endpoint(id: s3Endpoint, type: "Gateway", serviceName: "com.amazonaws.us-east-1.s3",
                                                             vpcID: "vpc-1", owner: prod, policy: policy)
        inventory.accounts = [prod]
        inventory.buckets = ["app-data": prod]
        return inventory
    }

    static func run(_ observed: [ObservedAccess], inventory: Inventory = inventory(), options: SynthesisOptions = SynthesisOptions(),
                    flows: [ObservedFlow] = [], sources: [ObservedSource] = [],
                    categories: [EventCategoryCount] = [
                        EventCategoryCount(eventSource: "s3.amazonaws.com", service: "s3", category: "Data", count: 1)],
                    volumes: [SourceVolume]? = nil, ranges: ServiceRanges? = nil) -> SynthesisResult {
        var input = SynthesisInput(observed: observed, flows: flows, sources: sources, eventCategories: categories,
                                   inventory: inventory, options: options)
        input.sourceVolumes = volumes ?? Self.volumes(sources)
        input.ipRanges = ranges
        return Synthesizer.synthesize(input)
    }

    /// Each source's requests as authorized volume through its endpoint, without logged byte counts (as
    /// management events give them); an anonymous source's never count, as in the store.
    static func volumes(_ sources: [ObservedSource]) -> [SourceVolume] {
        sources.compactMap { s in
            s.endpoint.flatMap { e in
                s.principalARN == Principal.anonymousARN ? nil
                    : SourceVolume(endpoint: e, sourceIP: s.sourceIP, requests: s.count, bytesIn: 0, bytesOut: 0)
            }
        }
    }

    static func allows(_ policy: PolicyDocument, _ action: String, _ resource: String,
        _ principal: RequestPrincipal = .from(app.arn)) -> Bool {
        CompiledPolicy(policy).evaluate(RequestContext(action: action, resource: resource, principal: principal,
                                                       keys: ["aws:SourceVpce": [s3Endpoint.rawValue]])).decision == .allow
    }
}

struct EndpointDraftTests {
    @Test func aDeniedExfiltrationNeverAppearsInADraft() throws {
        let result = Fixture.run([
            Fixture.access("s3:GetObject", "arn:aws:s3:::app-data/config/app.yaml"),
            Fixture.access("s3:PutObject", "arn:aws:s3:::exfil-drop/dump.tar.gz", owner: AccountID("999988887777"), outcome: .denied,
                count: 1),
        ])
        let draft = try #require(result.endpoints.first).draft
        #expect(!PolicyWriter.write(draft).contains("exfil-drop"))
        #expect(!Fixture.allows(draft, "s3:PutObject", "arn:aws:s3:::exfil-drop/dump.tar.gz"))
        #expect(result.denials.map(\.resource) == ["arn:aws:s3:::exfil-drop/dump.tar.gz"])
        #expect(result.endpoints[0].replay.deniedStillRefused == 1)
    }

    @Test func aForeignAccountSuccessIsInReviewAndNotAllowed() throws {
        let vendor = "arn:aws:s3:::vendor-releases/sdk.tar.gz"
        let result = Fixture.run(
            [Fixture.access("s3:GetObject", "arn:aws:s3:::app-data/k"), Fixture.access("s3:GetObject", vendor, owner: Fixture.vendor)])
        #expect(result.review.map(\.resource) == [vendor])
        #expect(!Fixture.allows(result.endpoints[0].draft, "s3:GetObject", vendor))
        #expect(result.endpoints[0].replay.heldForReview == 3)
        #expect(result.endpoints[0].replay.passed)
    }

    @Test func aReviewedResourceCanBeAllowedExplicitly() throws {
        let vendor = "arn:aws:s3:::vendor-releases/sdk.tar.gz"
        var options = SynthesisOptions()
        options.allowedResources = ["arn:aws:s3:::vendor-releases/*"]
        let result = Fixture.run([Fixture.access("s3:GetObject", vendor, owner: Fixture.vendor)], options: options)
        #expect(result.review.isEmpty)
        #expect(Fixture.allows(result.endpoints[0].draft, "s3:GetObject", vendor))
    }

    @Test func anUnknownOwnerIsNeverAllowedSilently() {
        let result = Fixture.run([Fixture.access("s3:GetObject", "arn:aws:s3:::somebody/x", owner: nil)])
        #expect(result.review.first?.reason.contains("owner unknown") == true)
    }

    @Test func everyAuthorizedRequestIsReplayedAndAllowed() throws {
        let observed = [
            Fixture.access("s3:GetObject", "arn:aws:s3:::app-data/config/a.yaml"),
            Fixture.access("s3:PutObject", "arn:aws:s3:::app-data/uploads/2026/x.json"),
            Fixture.access("s3:GetObject", "arn:aws:s3:::app-data/cache/miss", outcome: .failedAfterAuthorization),
            Fixture.access("s3:ListBucket", "arn:aws:s3:::app-data"),
            Fixture.access("s3:ListAllMyBuckets", "*"),
        ]
        let result = Fixture.run(observed)
        let endpoint = try #require(result.endpoints.first)
        #expect(endpoint.replay.requests == 15)
        #expect(endpoint.replay.allowed == 15)
        #expect(result.replayPassed)
        #expect(Fixture.allows(endpoint.draft, "s3:PutObject", "arn:aws:s3:::app-data/uploads/2027/y.json"))
        #expect(!Fixture.allows(endpoint.draft, "s3:PutObject", "arn:aws:s3:::app-data/config/a.yaml"))
        #expect(!Fixture.allows(endpoint.draft, "s3:GetObject", "arn:aws:s3:::app-data/config/a.yaml",
            .from("arn:aws:iam::111122223333:role/other")))
    }

    @Test func gatewayDraftsUsePrincipalStarAndNamePrincipalsByCondition() throws {
        let draft = Fixture.run([Fixture.access("s3:GetObject", "arn:aws:s3:::app-data/k")]).endpoints[0].draft
        let statement = try #require(draft.statements.first)
        #expect(statement.principal == .any)
        #expect(statement.conditions == [Condition("ArnEquals", "aws:PrincipalArn", [Fixture.app.arn])])
    }

    @Test(arguments: [
        (Granularity.exact, "arn:aws:s3:::app-data/uploads/2026/x.json"),
        (.prefix, "arn:aws:s3:::app-data/uploads/*"),
        (.bucket, "arn:aws:s3:::app-data/*"),
    ])
    func granularity(granularity: Granularity, expected: String) {
        var options = SynthesisOptions()
        options.granularity = granularity
        let draft = Fixture.run([Fixture.access("s3:PutObject", "arn:aws:s3:::app-data/uploads/2026/x.json")], options: options)
            .endpoints[0].draft
        #expect(draft.statements.first?.resource == .resources([expected]))
    }

    @Test func generalizationNeverGrantsMoreThanTheCurrentPolicy() throws {
        let current = try PolicyReader.read(#"""
            {"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:PutObject",\#
            "Resource":"arn:aws:s3:::app-data/uploads/2026/x.json"}]}
            """#)
        let result = Fixture.run([Fixture.access("s3:PutObject", "arn:aws:s3:::app-data/uploads/2026/x.json")],
            inventory: Fixture.inventory(policy: current))
        let endpoint = result.endpoints[0]
        #expect(endpoint.draft.statements.first?.resource == .resources(["arn:aws:s3:::app-data/uploads/2026/x.json"]))
        #expect(endpoint.grantCheck.exceeding.isEmpty)
        #expect(endpoint.notes.contains { $0.code == .keptExact })
    }

    @Test func grantCheckCatchesADraftBroaderThanTheCurrentPolicy() throws {
        let current = try PolicyReader.read(#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}"#)
        let draft = try PolicyReader.read(#"""
            {"Statement":[{"Sid":"Broad","Effect":"Allow","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::b/*"}]}
            """#)
        let check = GrantCheck.run(draft, principals: ["Broad": [Fixture.app]], current: CompiledPolicy(current), currentDocument: current,
            endpoint: Fixture.inventory().endpoints[Fixture.s3Endpoint]!)
        #expect(check.exceeding.count == 1)
    }

    @Test func sizeLimitCoarseningKeepsTheDraftUnder20480Characters() throws {
        var observed: [ObservedAccess] = []
        for role in 0..<60 {
            let principal = Principal(kind: .assumedRole, arn: "arn:aws:iam::111122223333:role/team-\(role)-service-role",
                account: Fixture.prod)
            for prefix in 0..<6 {
                observed.append(Fixture.access(principal, "s3:GetObject", "arn:aws:s3:::app-data/area-\(role)-\(prefix)/file.json"))
            }
        }
        var options = SynthesisOptions()
        options.granularity = .exact
        let endpoint = Fixture.run(observed, options: options).endpoints[0]
        #expect(endpoint.size <= Synthesizer.endpointPolicyLimit)
        #expect(!endpoint.coarsened.isEmpty)
        #expect(endpoint.replay.passed)
    }

    @Test func awsOwnedBucketsSitInTheirOwnLabelledStatements() throws {
        let anonymous = Principal(kind: .anonymous, arn: "anonymous", account: nil)
        let result = Fixture.run(
            [Fixture.access(anonymous, "s3:GetObject", "arn:aws:s3:::al2023-repos-us-east-1-de612dc2/core/mirror.list", owner: nil)])
        let statement = try #require(result.endpoints[0].draft.statements.first)
        #expect(statement.sid == "AWSOwnedAmazonLinux")
        #expect(statement.resource == .resources(["arn:aws:s3:::al2023-repos-us-east-1-de612dc2/*"]))
        #expect(statement.conditions.isEmpty)
        #expect(result.awsOwned.first?.service == "Amazon Linux")
        #expect(result.review.isEmpty)
    }

    @Test func outputIsDeterministic() {
        let observed = (0..<20).map { Fixture.access("s3:GetObject", "arn:aws:s3:::app-data/p\($0 % 3)/k\($0)") }
        #expect(ReportRenderer.files(Fixture.run(observed)) == ReportRenderer.files(Fixture.run(observed.reversed())))
    }
}

struct BucketLockTests {
    @Test func theLockKeepsCloudTrailLogDeliveryAndConsoleAdminsWorking() throws {
        var inventory = Fixture.inventory()
        inventory.buckets["trail-logs"] = Fixture.prod
        let admin = Principal(kind: .assumedRole, arn: "arn:aws:iam::111122223333:role/admin", account: Fixture.prod)
        let result = Fixture.run([
            Fixture.access("s3:GetObject", "arn:aws:s3:::trail-logs/AWSLogs/x.json.gz"),
            Fixture.access(Fixture.cloudtrail, "s3:PutObject", "arn:aws:s3:::trail-logs/AWSLogs/y.json.gz", endpoint: nil),
            Fixture.access(Fixture.cloudtrail, "s3:GetBucketAcl", "arn:aws:s3:::trail-logs", endpoint: nil),
            Fixture.access(admin, "s3:ListBucket", "arn:aws:s3:::trail-logs", endpoint: nil),
        ], inventory: inventory)
        let lock = try #require(result.buckets.first { $0.bucket == "trail-logs" })
        #expect(lock.replay.passed)
        #expect(lock.exceptions.count == 2)
        let policy = CompiledPolicy(lock.draft)
        func decide(_ principal: RequestPrincipal, _ keys: [String: [String]]) -> Decision {
            policy.evaluate(
                RequestContext(action: "s3:PutObject", resource: "arn:aws:s3:::trail-logs/AWSLogs/z", principal: principal, keys: keys))
                .decision
        }
        #expect(decide(RequestPrincipal(kind: .service, arn: "cloudtrail.amazonaws.com"), [:]) != .explicitDeny)
        #expect(decide(.from(Fixture.app.arn), ["aws:SourceVpce": ["vpce-0s3"]]) != .explicitDeny)
        #expect(decide(.from(Fixture.app.arn), [:]) == .explicitDeny)
        #expect(decide(.from(Fixture.app.arn), ["aws:SourceVpce": ["vpce-other"]]) == .explicitDeny)
        #expect(decide(.from("anonymous"), [:]) == .explicitDeny)
    }

    @Test func bucketsNotReachedThroughAnEndpointGetNoLock() {
        let result = Fixture.run([Fixture.access("s3:GetObject", "arn:aws:s3:::app-data/k", endpoint: nil)])
        #expect(result.buckets.isEmpty)
    }

    @Test func theCurrentStatementsAreKept() throws {
        var inventory = Fixture.inventory()
        inventory.bucketPolicies["app-data"] = try PolicyReader.read(#"""
            {"Version":"2012-10-17","Statement":[{"Sid":"TLS","Effect":"Deny","Principal":"*","Action":"s3:*",\#
            "Resource":"arn:aws:s3:::app-data/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}
            """#)
        let lock = try #require(Fixture.run([Fixture.access("s3:GetObject", "arn:aws:s3:::app-data/k")], inventory: inventory)
            .buckets.first)
        #expect(lock.draft.statements.map(\.sid) == ["TLS", BucketLockBuilder.lockSid])
        #expect(lock.replay.passed)
    }
}

struct UnusedPermissionTests {
    @Test func fourGroups() throws {
        let observed = [
            Fixture.access("s3:GetObject", "arn:aws:s3:::app-data/k"),
            Fixture.access("s3:PutObject", "arn:aws:s3:::app-data/k", outcome: .denied),
        ]
        let current = try PolicyReader.read(#"""
            {"Statement":[{"Sid":"S","Effect":"Allow","Principal":"*","Action":["s3:GetObject","s3:PutObject","s3:DeleteObject",\#
            "s3:GetBucketPolicy"],"Resource":"*"}]}
            """#)
        let usage = try #require(Fixture.run(observed, inventory: Fixture.inventory(policy: current)).endpoints[0].usage.first)
        #expect(usage.used == ["s3:GetObject"])
        #expect(usage.usedButDenied == ["s3:PutObject"])
        #expect(usage.unused.sorted() == ["s3:DeleteObject", "s3:GetBucketPolicy"])
        #expect(usage.notObservable.isEmpty)
    }

    @Test func neverUnusedWhenTheLogsCouldNotShowIt() throws {
        let current = try PolicyReader.read(#"""
            {"Statement":[{"Sid":"S","Effect":"Allow","Principal":"*","Action":["s3:DeleteObject","s3:GetBucketPolicy"],"Resource":"*"}]}
            """#)
        let usage = try #require(Fixture.run([Fixture.access("s3:ListAllMyBuckets", "*")], inventory: Fixture.inventory(policy: current),
                                             categories: [
                                                 EventCategoryCount(eventSource: "s3.amazonaws.com", service: "s3", category: "Management",
                                                 count: 5)]).endpoints[0].usage.first)
        #expect(usage.notObservable == ["s3:DeleteObject"])
        #expect(usage.unused == ["s3:GetBucketPolicy"])
    }
}

struct InventoryReaderTests {
    @Test func recognizesEachShapeByContent() throws {
        let inventory = InventoryReader.read([
            ("a/endpoints.json", #"""
                {"VpcEndpoints":[{"VpcEndpointId":"vpce-1","VpcEndpointType":"Gateway","VpcId":"vpc-1",\#
                "ServiceName":"com.amazonaws.eu-west-1.s3","PolicyDocument":"{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\#
                \"Action\":\"*\",\"Resource\":\"*\"}]}","OwnerId":"111122223333"}]}
                """#),
            ("a/accounts.json", #"{"Accounts":[{"Id":"111122223333","Arn":"arn:aws:organizations::1:account/o-abc123/111122223333"}]}"#),
            ("a/buckets-111122223333.json", #"{"Buckets":[{"Name":"b1"}],"Owner":{"ID":"0123abcd"}}"#),
            ("a/b1.json", #"""
                {"Policy":"{\"Statement\":[{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}"}
                """#),
            ("a/vpce-2.json", #"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}"#),
            ("a/eni.json", #"{"NetworkInterfaces":[{"Description":"VPC Endpoint Interface vpce-2","PrivateIpAddress":"10.0.8.10"}]}"#),
            ("a/notes.json", #"{"hello":"world"}"#),
        ])
        let endpoint = try #require(inventory.endpoints[VPCEndpointID("vpce-1")])
        #expect(endpoint.region == "eu-west-1" && endpoint.service == "s3" && endpoint.isGateway && endpoint.policy != nil)
        #expect(inventory.accounts == [AccountID("111122223333")])
        #expect(inventory.organizationID == "o-abc123")
        #expect(inventory.buckets["b1"] == AccountID("111122223333"))
        #expect(inventory.bucketPolicies["b1"]?.statements.first?.effect == .deny)
        #expect(inventory.endpoints[VPCEndpointID("vpce-2")]?.addresses == ["10.0.8.10"])
        #expect(inventory.diagnostics.filter { $0.severity != .note }.map(\.code) == [.inventoryUnrecognized])
        // The listing names its owner by canonical id: the account comes from the file name, and that is said.
        #expect(inventory.diagnostics.filter { $0.severity == .note }.map(\.code) == [.bucketOwnerInferred])
    }
}
