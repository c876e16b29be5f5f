import AWSModel
import IAMPolicy
import Testing
@testable import Inventory
@testable import PolicySynthesis
@testable import Reporting

/// Where a denied write went and who owns it, as a forged or unusual record gives them: the possible-exfiltration
/// finding judges the place a request names, typed, and the owner the user stated before the one a record claims.
struct HostileOwnershipTests {
    static let outside = AccountID("999988887777")

    /// Denied writes to S3 Express One Zone directory buckets (`s3express:` actions, logged under S3's API names) and
    /// through access points were no possible exfiltration: only `s3:` actions on bucket ARNs were. Directory buckets in
    /// two partitions, CreateSession (the authorization of every zonal call), reads, a trusted account's directory bucket
    /// whose object entry logs no owner, and a record that claims a trusted owner for another account's directory bucket.
    @Test(arguments: [
        ("s3express:PutObject", "arn:aws:s3express:us-west-2:999988887777:bucket/drop--usw2-az1--x-s3/x", nil, Outcome.denied, true),
        ("s3express:CreateSession", "arn:aws:s3express:us-east-1:999988887777:bucket/b--use1-az4--x-s3", outside,
         .deniedByEndpointPolicy, true),
        ("s3express:PutObject", "arn:aws-cn:s3express:cn-north-1:210987654321:bucket/d--cnn1-az1--x-s3/k", nil,
         .denied, true),
        ("s3express:GetObject", "arn:aws:s3express:us-west-2:999988887777:bucket/drop--usw2-az1--x-s3/x", outside, .denied, false),
        ("s3express:PutObject", "arn:aws:s3express:us-west-2:111122223333:bucket/ours--usw2-az1--x-s3/x", nil, .denied, false),
        ("s3express:PutObject", "arn:aws:s3express:us-west-2:999988887777:bucket/drop--usw2-az1--x-s3/x", Fixture.prod, .denied, true),
        ("s3:PutObject", "arn:aws:s3:us-east-1:999988887777:accesspoint/out/object/k", nil, .denied, true),
        ("s3:PutObject", "arn:aws:s3:us-east-1:111122223333:accesspoint/ours/object/k", Fixture.prod, .denied, false),
        ("s3:GetObject", "arn:aws:s3:us-east-1:999988887777:accesspoint/out/object/k", nil, .denied, false),
    ] as [(String, String, AccountID?, Outcome, Bool)])
    func aDeniedWriteToADirectoryBucketWasNoPossibleExfiltration(action: String, resource: String, owner: AccountID?,
                                                                  outcome: Outcome, found: Bool) {
        #expect(PossibleExfiltrationTests.listed(action, resource, owner: owner, outcome: outcome) == (found ? [resource] : []))
    }
}

extension HostileOwnershipTests {
    /// An anonymous write refused on its way to another account's bucket is listed as unauthenticated and stays a
    /// possible exfiltration (it reached a policy, as anonymous); a principal's request that failed to authenticate is
    /// none. Buckets of two partitions, owners known and not.
    @Test(arguments: [
        (Principal(kind: .anonymous, arn: Principal.anonymousARN, account: nil), "arn:aws:s3:::anon-drop/x", outside, true),
        (Principal(kind: .anonymous, arn: Principal.anonymousARN, account: nil), "arn:aws-cn:s3:::anon-drop/x", nil, true),
        (Principal(kind: .anonymous, arn: Principal.anonymousARN, account: nil), "arn:aws:s3:::app-data/x", Fixture.prod, false),
        (Fixture.app, "arn:aws:s3:::anon-drop/x", outside, false),
    ] as [(Principal, String, AccountID?, Bool)])
    func anUnauthenticatedAnonymousWriteStaysAPossibleExfiltration(principal: Principal, resource: String, owner: AccountID?,
                                                                   found: Bool) {
        let denied = Fixture.access(principal, "s3:PutObject", resource, owner: owner, outcome: .unauthenticated)
        let result = Fixture.run([Fixture.access("s3:GetObject", "arn:aws:s3:::app-data/k"), denied])
        #expect(result.possibleExfiltration.map(\.resource) == (found ? [resource] : []))
        #expect(result.denials.map(\.outcome) == [.unauthenticated])
    }
}

extension HostileOwnershipTests {
    /// The inventory of `Fixture` with its endpoint in `region`, and each bucket's Region as `list-buckets` gives it.
    static func inventory(endpointRegion region: String, bucketRegions: [String: String] = [:]) -> Inventory {
        var inventory = Fixture.inventory()
        let prefix = region.hasPrefix("cn-") ? "cn.com.amazonaws" : "com.amazonaws"
        inventory.endpoints[Fixture.s3Endpoint]?.serviceName = "\(prefix).\(region).s3"
        inventory.bucketRegions = bucketRegions
        return inventory
    }

    /// The bucket owner lookup ignored the partition: a write in `aws-cn` or `aws-us-gov` to a name the `aws` inventory
    /// lists took that account's owner (no possible exfiltration), though bucket names are unique per partition only. A
    /// bucket is in the partition of its `BucketRegion`, else of the inventory's endpoints, else `aws`.
    @Test(arguments: [
        ("arn:aws-cn:s3:::app-data/x", "us-east-1", [:], true),
        ("arn:aws-us-gov:s3:::app-data/x", "us-east-1", [:], true),
        ("arn:aws:s3:::app-data/x", "us-east-1", [:], false),
        ("arn:aws-cn:s3:::app-data/x", "us-east-1", ["app-data": "cn-northwest-1"], false),
        ("arn:aws:s3:::app-data/x", "us-east-1", ["app-data": "cn-northwest-1"], true),
        ("arn:aws-cn:s3:::app-data/x", "cn-north-1", [:], false),
        ("arn:aws:s3:::app-data/x", "cn-north-1", [:], true),
    ] as [(String, String, [String: String], Bool)])
    func aWriteInAnotherPartitionTookTheOwnerOfTheBucketOfThatName(resource: String, endpointRegion: String,
                                                                    bucketRegions: [String: String], found: Bool) {
        let inventory = Self.inventory(endpointRegion: endpointRegion, bucketRegions: bucketRegions)
        let denied = Fixture.access("s3:PutObject", resource, owner: nil, outcome: .denied)
        let read = Fixture.access("s3:GetObject", resource, owner: nil)
        let result = Fixture.run([Fixture.access("s3:GetObject", "arn:aws:s3:::app-data/k"), read, denied], inventory: inventory)
        #expect(result.possibleExfiltration.map(\.resource) == (found ? [resource] : []))
        // The same bucket's read is held for review where it is not the listed bucket, drafted where it is.
        #expect(result.review.contains { $0.resource == resource } == found)
    }

    /// A logged `resources[].accountId` overrode the inventory's owner both ways: a forged record claimed a trusted
    /// owner for an outside bucket (the exfiltration attempt hidden) or an outside owner for a listed bucket (a false
    /// finding). The inventory wins where it lists the bucket; elsewhere a claimed owner is shown, said to be claimed,
    /// and never makes the bucket trusted. Two partitions, the claim naming either trusted account or an outside one.
    @Test(arguments: [
        ("arn:aws:s3:::evil-drop/x", Fixture.prod, true, Fixture.prod, true),
        ("arn:aws-cn:s3:::evil-drop/x", Fixture.prod, true, Fixture.prod, true),
        ("arn:aws:s3:::evil-drop/x", outside, true, outside, true),
        ("arn:aws:s3:::app-data/x", outside, false, Fixture.prod, nil),
        ("arn:aws:s3:::app-data/x", Fixture.prod, false, Fixture.prod, nil),
    ] as [(String, AccountID, Bool, AccountID, Bool?)])
    func aRecordClaimedOwnerOverrodeTheInventory(resource: String, claimed: AccountID, found: Bool, owner: AccountID,
                                                 ownerClaimed: Bool?) throws {
        let denied = Fixture.access("s3:PutObject", resource, owner: claimed, outcome: .denied)
        let result = Fixture.run([Fixture.access("s3:GetObject", "arn:aws:s3:::app-data/k"), denied])
        #expect(result.possibleExfiltration.map(\.resource) == (found ? [resource] : []))
        let denial = try #require(result.denials.first)
        #expect(denial.owner == owner && denial.ownerClaimed == ownerClaimed)
        // The report says whose word the owner is, where it lists the attempt.
        #expect(ReportRenderer.markdown(result).contains("as the record claims") == (ownerClaimed == true))
    }

    /// A forged record (`resources[].accountId` of a trusted account) on a bucket the inventory does not list put the
    /// bucket in the draft, whose verdict could be ready: the claim was a warning in the assumptions only. A claim
    /// alone now holds the requests for review, in every partition; a listed bucket is drafted.
    @Test func aClaimedTrustedOwnerWasDraftedAsTrusted() throws {
        let result = Fixture.run([Fixture.access("s3:GetObject", "arn:aws:s3:::app-data/k"),
                                  Fixture.access("s3:GetObject", "arn:aws-cn:s3:::claimed-bkt/k", owner: Fixture.prod),
                                  Fixture.access("s3:GetObject", "arn:aws:s3:::claimed-bkt/k", owner: Fixture.prod)])
        let drafted = result.endpoints.flatMap { $0.draft.statements.flatMap { $0.resource?.patterns ?? [] } }
        #expect(drafted.contains { $0.hasPrefix("arn:aws:s3:::app-data") })
        #expect(!drafted.contains { $0.contains("claimed-bkt") })
        let held = result.review.filter { $0.resource.contains("claimed-bkt") }
        #expect(held.count == 2 && held.allSatisfy { $0.reason.contains("only as the record claims") })
        #expect(result.endpoints.allSatisfy { $0.verdict != .ready })
    }
}

extension HostileOwnershipTests {
    /// The bucket lock took its owner from the inventory by name alone: requests in `aws-cn` to a name the `aws` inventory
    /// lists got a lock of that account's (`arn:aws-cn:s3:::app-data`, owner 111122223333). Only the listed bucket's
    /// partition has a lock; the other's owner is not known (none logged).
    @Test(arguments: ["arn:aws-cn:s3:::app-data", "arn:aws-us-gov:s3:::app-data"])
    func aLockTookTheOwnerOfTheBucketOfThatNameInAnotherPartition(other: String) {
        let result = Fixture.run([Fixture.access("s3:GetObject", "arn:aws:s3:::app-data/k", owner: nil),
                                  Fixture.access("s3:GetObject", other + "/k", owner: nil)])
        let locked = result.buckets.flatMap { $0.draft.statements.flatMap { $0.resource?.patterns ?? [] } }
        #expect(result.buckets.map(\.owner) == [Fixture.prod])
        #expect(locked.contains("arn:aws:s3:::app-data") && !locked.contains { $0.hasPrefix(other) })
    }
}

extension HostileOwnershipTests {
    /// A forged record put an S3 call through the inventory's DynamoDB gateway endpoint: its grant went into that endpoint's
    /// draft (and the endpoint into the bucket's lock). A call of another service than an S3 or DynamoDB endpoint's is held.
    @Test(arguments: [("com.amazonaws.us-east-1.dynamodb", "s3:GetObject", "arn:aws:s3:::app-data/k"),
                      ("com.amazonaws.us-east-1.s3", "dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:111122223333:table/t"),
                      ("com.amazonaws.cn-north-1.dynamodb", "s3:PutObject", "arn:aws:s3:::app-data/k")])
    func anS3CallThroughADynamoDBEndpointWasDrafted(serviceName: String, action: String, resource: String) {
        let other = VPCEndpointID("vpce-0other")
        var inventory = Fixture.inventory()
        inventory.endpoints[other] = Inventory.Endpoint(id: other, type: "Gateway", serviceName: serviceName, vpcID: "vpc-1",
                                                        owner: Fixture.prod)
        let result = Fixture.run([Fixture.access("s3:GetObject", "arn:aws:s3:::app-data/k"),
                                  Fixture.access(action, resource, endpoint: other)], inventory: inventory)
        let drafted = result.endpoints.first { $0.endpoint.id == other }?.draft.statements.flatMap { $0.action.patterns } ?? []
        #expect(!drafted.contains(action))
        #expect(result.review.contains { $0.endpoint == other && $0.reason.contains("no such call passes through it") })
    }
}
