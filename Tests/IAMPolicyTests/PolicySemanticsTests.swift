import Testing
import AWSModel
@testable import IAMPolicy

/// Evaluation by policy kind, unknown keys, NotPrincipal and duplicate keys, as AWS evaluates them (issue 26).
struct PolicySemanticsTests {
    static let role = "arn:aws:iam::111122223333:role/app"
    static let session = "arn:aws:sts::111122223333:assumed-role/app/i-1"

    static func decide(_ policy: String, kind: PolicyKind = .resource, principal: String = role,
                       context: (inout RequestContext) -> Void = { _ in }) throws -> EvaluationResult {
        let compiled = CompiledPolicy(try PolicyReader.read(policy), kind: kind)
        var request = RequestContext(action: "s3:GetObject", resource: "arn:aws:s3:::b/k", principal: .from(principal))
        context(&request)
        return compiled.evaluate(request)
    }

    /// In a gateway endpoint policy an account names only its root user (VPC User Guide); elsewhere the account.
    @Test(arguments: [
        (PolicyKind.gatewayEndpoint, #""111122223333""#, role, Decision.implicitDeny),
        (.gatewayEndpoint, #""arn:aws:iam::111122223333:root""#, session, .implicitDeny),
        (.gatewayEndpoint, #""111122223333""#, "arn:aws:iam::111122223333:root", .allow),
        (.gatewayEndpoint, #""arn:aws-us-gov:iam::111122223333:root""#, "arn:aws-us-gov:iam::111122223333:root", .allow),
        (.interfaceEndpoint, #""111122223333""#, role, .allow),
        (.resource, #""arn:aws:iam::111122223333:root""#, session, .allow),
        (.endpoint, #""111122223333""#, role, .unevaluable),
        (.endpoint, #""111122223333""#, "111122223333", .allow),
    ])
    func gatewayEndpointAccountPrincipalNamesOnlyTheRootUser(kind: PolicyKind, account: String, requester: String,
                                                             expected: Decision) throws {
        let policy = #"{"Statement":[{"Effect":"Allow","Principal":{"AWS":\#(account)},"Action":"*","Resource":"*"}]}"#
        #expect(try Self.decide(policy, kind: kind, principal: requester).decision == expected)
    }

    /// A statement without Principal in a resource or endpoint policy allowed everyone, anonymous included.
    @Test(arguments: [PolicyKind.resource, .interfaceEndpoint, .gatewayEndpoint, .endpoint])
    func statementWithoutPrincipalAllowedEveryone(kind: PolicyKind) throws {
        let policy = #"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#
        let result = try Self.decide(policy, kind: kind, principal: "anonymous")
        #expect(result.decision == .implicitDeny)
        #expect(CompiledPolicy(try PolicyReader.read(policy), kind: kind).diagnostics.map(\.code) == [.invalidStatement])
        // The same statement is an identity policy's ordinary shape; a Principal there is the invalid one.
        #expect(try Self.decide(policy, kind: .identity).decision == .allow)
        let named = #"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#
        #expect(try Self.decide(named, kind: .identity).decision == .implicitDeny)
    }

    /// The default kind is a resource policy: `CompiledPolicy(document)` never allows through a Principal-less statement.
    @Test func principalLessStatementIsNoMatchByDefault() throws {
        let compiled = CompiledPolicy(try PolicyReader.read(#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#))
        let anonymous = RequestContext(action: "s3:GetObject", resource: "x", principal: .from("anonymous"))
        #expect(compiled.evaluate(anonymous).decision == .implicitDeny)
    }

    /// NotPrincipal with Deny exempts a role session only when the session ARN is listed (NotPrincipal
    /// documentation); its role and account missing, AWS "might deny" it: unknown.
    @Test(arguments: [
        ([role], session, Decision.explicitDeny),
        ([role, "111122223333"], session, .explicitDeny),
        ([role], role, .explicitDeny),
        ([session, role, "arn:aws:iam::111122223333:root"], session, .allow),
        ([session], session, .unevaluable),
        ([session, role], session, .unevaluable),
        (["arn:aws:sts::111122223333:assumed-role/app/other", role, "111122223333"], session, .explicitDeny),
        (["arn:aws:sts::111122223333:assumed-role/app/i-1", role, "111122223333"], role, .unevaluable),
        (["arn:aws:iam::111122223333:user/bob", "111122223333"], "arn:aws:iam::111122223333:user/bob", .allow),
        (["arn:aws:iam::111122223333:user/bob"], "arn:aws:iam::111122223333:user/bob", .unevaluable),
        (["111122223333"], "arn:aws:iam::111122223333:user/bob", .explicitDeny),
        (["111122223333"], "111122223333", .allow),
    ])
    func notPrincipalRoleARNExemptsItsSessions(listed: [String], requester: String, expected: Decision) throws {
        let values = listed.map { "\"\($0)\"" }.joined(separator: ",")
        let policy = #"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},"#
            + #"{"Effect":"Deny","NotPrincipal":{"AWS":[\#(values)]},"Action":"s3:*","Resource":"*"}]}"#
        #expect(try Self.decide(policy, principal: requester).decision == expected)
    }

    /// Keys a caller does not set are unknown when it says it sets only what it knows, unless its table
    /// says why they are absent; the same policy with every key described is decided.
    @Test func unsetKeysAreUnknownUnlessTheTableSaysAbsent() throws {
        let policy = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},"#
            + #"{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*","#
            + #""Condition":{"DateGreaterThan":{"aws:CurrentTime":"2026-01-01T00:00:00Z"}}}]}"#
        let unknown = try Self.decide(policy) { $0.unsetKeys = .unknown(absent: AbsentKeys([])) }
        #expect(unknown.decision == .unevaluable)
        #expect(unknown.diagnostics.first?.description.contains("aws:CurrentTime") == true)
        let absent = try Self.decide(policy) { $0.unsetKeys = .unknown(absent: AbsentKeys([("aws:currenttime", "a test's reason")])) }
        #expect(absent.decision == .allow)
        #expect(try Self.decide(policy).decision == .allow)
        let set = try Self.decide(policy) {
            $0.unsetKeys = .unknown(absent: AbsentKeys([]))
            $0.set("aws:CurrentTime", ["2026-06-01T00:00:00Z"])
        }
        #expect(set.decision == .explicitDeny)
    }

    /// Duplicate member names read as the first value, where common tools read the last.
    @Test(arguments: [
        #"{"Statement":[{"Effect":"Allow","Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}]}"#,
        #"{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Action":"*","Resource":"*"}]}"#,
        #"{"Statement":[],"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#,
        #"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*","Condition":{"StringEquals":{"k":"a","k":"b"}}}]}"#,
        #"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*","Effec\u0074":"Deny"}]}"#,
    ])
    func duplicateKeysInAPolicyReadAsTheFirst(text: String) throws {
        #expect(throws: PolicyError.self) { try PolicyReader.read(text) }
        do { _ = try PolicyReader.read(text) } catch { #expect(error.message.contains("twice"), "\(error)") }
    }
}
