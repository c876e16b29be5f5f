import Testing
@testable import PolicySynthesis
import AWSModel
import IAMPolicy

/// Requests seen only in network activity events: evidence of use (principal, action, endpoint), the
/// resource not visible. Kept with today's resources, never wider; redacted and foreign callers held.
struct NetworkActivityDraftTests {
    static func networkOnly(_ principal: Principal, _ action: String, outcome: Outcome = .success) -> ObservedAccess {
        var access = Fixture.access(principal, action, PolicyText.notLogged, owner: nil, outcome: outcome, count: 2)
        access.networkOnly = true
        return access
    }

    static let current = PolicyDocument(statements: [
        Statement(sid: "AppData", effect: .allow, principal: .any, action: .actions(["s3:GetObject", "s3:PutObject"]),
                  resource: .resources(["arn:aws:s3:::app-data/*"]), conditions: []),
    ])

    static let foreign = Principal(kind: .awsAccount, arn: "arn:aws:iam::777788889999:root", account: AccountID("777788889999"))

    @Test func networkOnlyPairIsKeptWithTodaysResources() throws {
        let result = Fixture.run([Fixture.access("s3:GetObject", "arn:aws:s3:::app-data/k"),
                                  Self.networkOnly(Fixture.app, "s3:PutObject")], inventory: Fixture.inventory(policy: Self.current))
        let e = try #require(result.endpoints.first)
        #expect(Fixture.allows(e.draft, "s3:PutObject", "arn:aws:s3:::app-data/new"))
        #expect(!Fixture.allows(e.draft, "s3:PutObject", "arn:aws:s3:::other-bucket/new"))
        #expect(e.notes.contains { $0.code == .networkActivityOnly && "\($0.message)".contains(AccessTriage.networkOnlyNote) })
        #expect(result.review.isEmpty)
        #expect(e.requests == 5)
        #expect(e.grantCheck.exceeding.isEmpty)
        let dataPlane = try #require(e.evidenceTable.items.first { $0.code == .dataPlane })
        #expect(dataPlane.status == .missing && dataPlane.finding == .resourceNotVisible)
        #expect("\(dataPlane.remedy ?? "")".contains("AWS::S3::Object"))
    }

    /// Narrowed only by what other events show: to the buckets the principal's logged requests reached,
    /// else today's resources (here all: no policy in the inventory).
    @Test func networkOnlyPairIsNarrowedByWhatOtherEventsShow() throws {
        let seen = Fixture.run([Fixture.access("s3:GetObject", "arn:aws:s3:::app-data/k"), Self.networkOnly(Fixture.app, "s3:PutObject")])
        let narrowed = try #require(seen.endpoints.first).draft
        #expect(Fixture.allows(narrowed, "s3:PutObject", "arn:aws:s3:::app-data/new"))
        #expect(!Fixture.allows(narrowed, "s3:PutObject", "arn:aws:s3:::other-bucket/new"))
        let batch = Principal(kind: .assumedRole, arn: "arn:aws:iam::111122223333:role/batch", account: Fixture.prod)
        let alone = Fixture.run([Fixture.access("s3:GetObject", "arn:aws:s3:::app-data/k"), Self.networkOnly(batch, "s3:PutObject")])
        #expect(Fixture.allows(try #require(alone.endpoints.first).draft, "s3:PutObject", "arn:aws:s3:::other-bucket/new",
            .from(batch.arn)))
    }

    /// Today's policy allows the pair on nothing it names: the draft leaves it out, said.
    @Test func networkOnlyPairTodayRefusesIsLeftOut() throws {
        let result = Fixture.run([Fixture.access("s3:GetObject", "arn:aws:s3:::app-data/k"),
                                  Self.networkOnly(Fixture.app, "s3:DeleteBucket")], inventory: Fixture.inventory(policy: Self.current))
        let e = try #require(result.endpoints.first)
        #expect(!Fixture.allows(e.draft, "s3:DeleteBucket", "arn:aws:s3:::app-data"))
        #expect(e.notes.contains { $0.code == .networkActivityOnly && "\($0.message)".contains("left out") })
    }

    /// A caller CloudTrail redacts to its account is never drafted: outside the trusted accounts it is a
    /// foreign caller, inside them a grant would admit the whole account.
    @Test func redactedCallersAreHeldForReview() throws {
        let own = Principal(kind: .awsAccount, arn: "arn:aws:iam::111122223333:root", account: Fixture.prod)
        let result = Fixture.run([Fixture.access("s3:GetObject", "arn:aws:s3:::app-data/k"),
                                  Self.networkOnly(Self.foreign, "s3:GetObject"), Self.networkOnly(own, "s3:GetObject")],
                                 inventory: Fixture.inventory(policy: Self.current))
        #expect(result.review.count == 2)
        #expect(result.review.allSatisfy { $0.reason.contains("identity redacted") && $0.reason.contains("network activity only") })
        let draft = try #require(result.endpoints.first).draft
        #expect(!Fixture.allows(draft, "s3:GetObject", "arn:aws:s3:::app-data/k", .from(Self.foreign.arn)))
        #expect(!Fixture.allows(draft, "s3:GetObject", "arn:aws:s3:::app-data/k", .from(own.arn)))
    }

    /// `VpceAccessDenied` in network events: refused by today's policy, listed, never a permission.
    @Test func endpointPolicyDenialIsNeverAPermission() throws {
        let result = Fixture.run([Fixture.access("s3:GetObject", "arn:aws:s3:::app-data/k"),
                                  Self.networkOnly(Fixture.app, "s3:PutObject", outcome: .deniedByEndpointPolicy)],
                                 inventory: Fixture.inventory(policy: Self.current))
        #expect(!Fixture.allows(try #require(result.endpoints.first).draft, "s3:PutObject", "arn:aws:s3:::app-data/new"))
        #expect(result.denials.count == 1 && result.denials[0].byEndpointPolicy)
    }
}
