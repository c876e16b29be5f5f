import Testing
@testable import PolicySynthesis
import AWSModel
import IAMPolicy

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
        #expect(Replay.absentKeys.reason("aws:sourcevpce") != nil)
    }

    /// The run, at exact granularity: a write freeze in today's policy keeps the draft from being ready.
    @Test func aWriteFreezeInTheCurrentPolicyIsNotReady() throws {
        let current = try PolicyReader.read(#"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},
              {"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2026-01-01T00:00:00Z"}}}]}
            """#)
        var options = SynthesisOptions()
        options.granularity = .exact
        let result = Fixture.run([Fixture.access("s3:PutObject", Self.putObject)], inventory: Fixture.inventory(policy: current), options: options)
        let endpoint = try #require(result.endpoints.first)
        #expect(!endpoint.grantCheck.unprovable.isEmpty)
        #expect(endpoint.verdict != .ready)
    }
}
