import AWSModel
import IAMPolicy
import Testing
@testable import Inventory
@testable import PolicySynthesis

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
        let denied = Fixture.access(action, resource, owner: owner, outcome: outcome)
        let result = Fixture.run([Fixture.access("s3:GetObject", "arn:aws:s3:::app-data/k"), denied])
        #expect(result.possibleExfiltration.map(\.resource) == (found ? [resource] : []))
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
