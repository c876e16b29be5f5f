import Testing
@testable import PolicySynthesis
import AWSModel
import IAMPolicy
@testable import Inventory

/// The grant check against current policies whose answer depends on what it cannot know (issue 26).
struct GrantSemanticsTests {
    static let putObject = "arn:aws:s3:::app-data/uploads/x.json"

    static func check(deny: String) throws -> GrantCheck {
        let current = try PolicyReader.read(#"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},
              {"Sid":"Freeze","Effect":"Deny","Principal":"*","Action":"s3:PutObject",\#(deny)}]}
            """#)
        let draft = PolicyDocument(statements: [Statement(sid: "Draft", effect: .allow, principal: .any, action: .actions(["s3:PutObject"]),
                                                          resource: .resources([putObject]))])
        return GrantCheck.run(draft, principals: ["Draft": [Fixture.app]], current: CompiledPolicy(current), currentDocument: current,
                              endpoint: Fixture.inventory().endpoints[Fixture.s3Endpoint]!)
    }

    /// A Deny on a key the check does not set (time, Region, user agent, another service's keys, a policy
    /// variable) was read as if the key were absent: the draft's PutObject was "contained", ready.
    @Test(arguments: [
        (#""Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2026-01-01T00:00:00Z"}}"#, "aws:CurrentTime"),
        (#""Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"us-east-1"}}"#, "aws:RequestedRegion"),
        (#""Resource":"*","Condition":{"StringLike":{"aws:UserAgent":"*aws-cli*"}}"#, "aws:UserAgent"),
        (#""Resource":"*","Condition":{"NumericGreaterThan":{"aws:EpochTime":"1700000000"}}"#, "aws:EpochTime"),
        (#""Resource":"*","Condition":{"StringNotEquals":{"lambda:FunctionUrlAuthType":"AWS_IAM"}}"#, "lambda:FunctionUrlAuthType"),
        (#""Resource":"*","Condition":{"DateLessThanIfExists":{"aws:TokenIssueTime":"2026-01-01T00:00:00Z"}}"#, "aws:TokenIssueTime"),
        (#""Resource":"arn:aws:s3:::app-data/${aws:userid}*""#, "aws:userid"),
    ])
    func keysTheCheckDoesNotSetAreUnknownNotAbsent(deny: String, key: String) throws {
        let check = try Self.check(deny: deny)
        #expect(check.exceeding.isEmpty)
        #expect(check.unprovable.count == 1)
        #expect(check.unprovable.first?.message.description.contains(key) == true, "\(check.unprovable)")
    }

    /// Keys the table says are absent (with a reason) are absent: a Deny on `aws:SourceIp` cannot hit a request
    /// through the endpoint.
    @Test func keysTheTableSaysAreAbsentAreAbsent() throws {
        let check = try Self.check(deny: #""Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}"#)
        #expect(check.exceeding.isEmpty && check.unprovable.isEmpty, "\(check)")
        #expect(Replay.absentKeys.reason("aws:principalisawsservice") != nil)
    }

    /// In a gateway endpoint policy an account as principal names only its root user: read as the whole
    /// account, today's policy looked wider than it is and a draft granting a role of it was "contained".
    @Test func gatewayEndpointAccountPrincipalLooksWiderThanItIs() throws {
        let current = try PolicyReader.read(#"""
            {"Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"*","Resource":"*"}]}
            """#)
        let draft = PolicyDocument(statements: [Statement(sid: "Draft", effect: .allow, principal: .any, action: .actions(["s3:GetObject"]),
                                                          resource: .resources(["arn:aws:s3:::app-data/k"]))])
        let gateway = Fixture.inventory().endpoints[Fixture.s3Endpoint]!
        #expect(gateway.isGateway)
        let check = GrantCheck.run(draft, principals: ["Draft": [Fixture.app]], current: CompiledPolicy(current, kind: gateway.policyKind),
                                   currentDocument: current, endpoint: gateway)
        #expect(check.exceeding.count == 1)
        let result = Fixture.run([Fixture.access("s3:GetObject", "arn:aws:s3:::app-data/k")], inventory: Fixture.inventory(policy: current))
        #expect(result.endpoints.first?.verdict == .unsafe)
    }

    /// The run, at exact granularity: a write freeze in today's policy keeps the draft from being ready.
    @Test func aWriteFreezeInTheCurrentPolicyIsNotReady() throws {
        let current = try PolicyReader.read(#"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},
              {"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"*",
               "Condition":{"DateGreaterThan":{"aws:CurrentTime":"2026-01-01T00:00:00Z"}}}]}
            """#)
        var options = SynthesisOptions()
        options.granularity = .exact
        let result = Fixture.run([Fixture.access("s3:PutObject", Self.putObject)], inventory: Fixture.inventory(policy: current),
                                 options: options)
        let endpoint = try #require(result.endpoints.first)
        #expect(!endpoint.grantCheck.unprovable.isEmpty)
        #expect(endpoint.verdict != .ready)
    }
}

/// Bucket locks: the version of the policy they keep, the grant check, S3's size limit (issue 26).
struct BucketLockSemanticsTests {
    static func inventory(current: PolicyDocument?) -> Inventory {
        var inventory = Fixture.inventory()
        inventory.bucketPolicies["app-data"] = current
        return inventory
    }

    /// A 2008-10-17 policy kept in a draft was rewritten as 2012-10-17: literal `${aws:username}` text became a
    /// live variable and granted each partner a new path.
    @Test(arguments: ["2008-10-17", nil])
    func versionUpgradeTurnsLiteralVariableTextLive(version: String?) throws {
        let versionMember = version.map { #""Version":"\#($0)","# } ?? ""
        let current = try PolicyReader.read(#"""
            {\#(versionMember)"Statement":[{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222233334444:root"},
              "Action":"s3:GetObject","Resource":"arn:aws:s3:::app-data/home/${aws:username}/*"}]}
            """#)
        let result = Fixture.run([Fixture.access("s3:GetObject", "arn:aws:s3:::app-data/k")], inventory: Self.inventory(current: current))
        let lock = try #require(result.buckets.first)
        let request = RequestContext(action: "s3:GetObject", resource: "arn:aws:s3:::app-data/home/bob/k",
                                     principal: .from("arn:aws:iam::222233334444:user/bob"), keys: ["aws:username": ["bob"]])
        #expect(CompiledPolicy(current).evaluate(request).decision == .implicitDeny)
        #expect(CompiledPolicy(lock.draft).evaluate(request).decision != .allow)
        #expect(!lock.draft.substitutesVariables)
    }

    /// The grant check runs on bucket drafts: a kept statement whose variables would read differently is caught.
    @Test func bucketDraftsGetTheGrantCheck() throws {
        let current = try PolicyReader.read(#"""
            {"Version":"2008-10-17","Statement":[{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222233334444:root"},
              "Action":"s3:GetObject","Resource":"arn:aws:s3:::app-data/home/${aws:username}/*"}]}
            """#)
        var upgraded = current
        upgraded.version = "2012-10-17"
        let check = GrantCheck.run(bucketDraft: upgraded, current: current)
        #expect(!check.unprovable.isEmpty || !check.exceeding.isEmpty)
        let kept = GrantCheck.run(bucketDraft: current, current: current)
        #expect(kept.unprovable.isEmpty && kept.exceeding.isEmpty && kept.checked == 1)
    }

    /// A lock replacing an earlier one (a current Deny not kept as it was) may refuse less than today.
    @Test func aReplacedDenyIsNotProvenWithinTheCurrentPolicy() throws {
        let current = try PolicyReader.read(#"""
            {"Version":"2012-10-17","Statement":[{"Sid":"PerimeterOnlyExpectedEndpoints","Effect":"Deny","Principal":"*","Action":"s3:*",
              "Resource":"arn:aws:s3:::app-data","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-0s3"}}}]}
            """#)
        #expect(GrantCheck.run(bucketDraft: current, current: current).unprovable.isEmpty)
        var wider = current
        wider.statements[0].conditions[0].values = [.string("vpce-0s3"), .string("vpce-other")]
        #expect(GrantCheck.run(bucketDraft: wider, current: current).unprovable.count == 1)
    }

    static func outsiders(_ count: Int, accounts: Int) -> [ObservedAccess] {
        (0..<count).map { i in
            let account = String(300_000_000_000 + i % accounts)
            let principal = Principal(kind: .assumedRole, arn: "arn:aws:iam::\(account):role/partner-ingest-role-number-\(i)",
                                      account: AccountID(account))
            return Fixture.access(principal, "s3:GetObject", "arn:aws:s3:::app-data/k", endpoint: nil)
        }
    }

    /// A lock with 500 exceptions was 38,901 characters and ready; put-bucket-policy refuses over 20 KB.
    @Test func lockWithManyExceptionsExceedsTheBucketPolicyLimit() throws {
        // Exceptions are made for trusted accounts' principals only (others are held for a decision).
        func run(_ outside: [ObservedAccess]) -> SynthesisResult {
            var options = SynthesisOptions()
            options.trustedAccounts = [Fixture.prod] + Set(outside.compactMap(\.principal.account)).sorted()
            return Fixture.run([Fixture.access("s3:GetObject", "arn:aws:s3:::app-data/k")] + outside, options: options)
        }
        let fits = try #require(run(Self.outsiders(500, accounts: 3)).buckets.first)
        #expect(fits.size <= Synthesizer.bucketPolicyLimit)
        #expect(PolicyWriter.byteSize(fits.draft) == fits.size)
        #expect(fits.replay.passed)
        #expect(fits.exceptions.contains { $0.description.contains("generalized") })
        let over = try #require(run(Self.outsiders(700, accounts: 700)).buckets.first)
        #expect(over.size > Synthesizer.bucketPolicyLimit)
        #expect(over.verdict != .ready)
        #expect(over.reasons.contains { $0.code == .overSizeLimit })
    }
}
