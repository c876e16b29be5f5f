import Testing
import AWSModel
@testable import IAMPolicy

/// Evaluation semantics, one row per documented rule (IAM User Guide, DOMAIN.md C.7 and C.9).
struct EvaluationTests {
    static let role = "arn:aws:iam::111122223333:role/app"

    static func decide(_ policy: String, _ action: String, _ resource: String, principal: String? = role,
                       keys: [String: [String]] = [:], unknown: Set<String> = []) throws -> Decision {
        let compiled = CompiledPolicy(try PolicyReader.read(policy))
        var context = RequestContext(action: action, resource: resource, principal: principal.map(RequestPrincipal.from), keys: keys)
        context.unknownKeys = unknown
        return compiled.evaluate(context).decision
    }

    static func allow(_ body: String, version: String = "2012-10-17") -> String {
        #"{"Version":"\#(version)","Statement":[{"Effect":"Allow","Principal":"*",\#(body)}]}"#
    }

    @Test(arguments: [
        ("default implicit deny: no statement matches", allow(#""Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*""#), "s3:PutObject",
            "arn:aws:s3:::b/k", Decision.implicitDeny),
        ("action prefix and name are case-insensitive", allow(#""Action":"S3:getobject","Resource":"*""#), "s3:GetObject", "x", .allow),
        ("* in an action spans the name", allow(#""Action":"s3:Get*","Resource":"*""#), "s3:GetObjectVersion", "x", .allow),
        ("? in an action is one character", allow(#""Action":"s3:?etObject","Resource":"*""#), "s3:GetObject", "x", .allow),
        ("resource matching is case-sensitive", allow(#""Action":"*","Resource":"arn:aws:s3:::Bucket/*""#), "s3:GetObject",
            "arn:aws:s3:::bucket/k", .implicitDeny),
        ("* in a resource spans slashes", allow(#""Action":"*","Resource":"arn:aws:s3:::b/*""#), "s3:GetObject", "arn:aws:s3:::b/x/y/z",
            .allow),
        ("* in a resource does not span ARN colons", allow(#""Action":"*","Resource":"arn:aws:dynamodb:*""#), "dynamodb:GetItem",
            "arn:aws:dynamodb:us-east-1:1:table/T", .implicitDeny),
        ("each ARN part may hold a wildcard", allow(#""Action":"*","Resource":"arn:aws:dynamodb:*:*:table/T""#), "dynamodb:GetItem",
            "arn:aws:dynamodb:us-east-1:1:table/T", .allow),
        ("? in a resource is one character", allow(#""Action":"*","Resource":"arn:aws:s3:::b/??""#), "s3:GetObject", "arn:aws:s3:::b/abc",
            .implicitDeny),
        ("NotAction allows every other action", allow(#""NotAction":"s3:DeleteObject","Resource":"*""#), "s3:GetObject", "x", .allow),
        ("NotAction does not allow the listed action", allow(#""NotAction":"s3:Delete*","Resource":"*""#), "s3:DeleteObject", "x",
            .implicitDeny),
        ("NotResource allows every other resource", allow(#""Action":"*","NotResource":"arn:aws:s3:::secret/*""#), "s3:GetObject",
            "arn:aws:s3:::open/k", .allow),
        ("NotResource excludes the listed resource", allow(#""Action":"*","NotResource":"arn:aws:s3:::secret/*""#), "s3:GetObject",
            "arn:aws:s3:::secret/k", .implicitDeny),
    ])
    func matchingRules(rule: String, policy: String, action: String, resource: String, expected: Decision) throws {
        #expect(try Self.decide(policy, action, resource) == expected, "\(rule)")
    }

    @Test func explicitDenyWinsOverAllow() throws {
        let policy = #"""
            {"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},{"Sid":"NoDelete","Effect":"Deny",\#
            "Principal":"*","Action":"s3:Delete*","Resource":"*"}]}
            """#
        let compiled = CompiledPolicy(try PolicyReader.read(policy))
        let result = compiled.evaluate(RequestContext(action: "s3:DeleteObject", resource: "arn:aws:s3:::b/k", principal: .from(Self.role)))
        #expect(result.decision == .explicitDeny)
        #expect(result.matchedStatements == ["NoDelete"])
        #expect(compiled.evaluate(RequestContext(action: "s3:GetObject", resource: "x", principal: .from(Self.role))).matchedStatements
            == ["#0"])
    }

    @Test(arguments: [
        // (rule, Principal element, request principal, expected)
        ("* names everyone, even anonymous", #""*""#, "anonymous", Decision.allow),
        ("a role ARN names the role", #"{"AWS":"arn:aws:iam::111122223333:role/app"}"#, role, .allow),
        ("a role ARN names its sessions", #"{"AWS":"arn:aws:iam::111122223333:role/app"}"#,
            "arn:aws:sts::111122223333:assumed-role/app/i-1", .allow),
        ("a session ARN names that session", #"{"AWS":"arn:aws:sts::111122223333:assumed-role/app/i-1"}"#,
            "arn:aws:sts::111122223333:assumed-role/app/i-1", .allow),
        ("another role is not named", #"{"AWS":"arn:aws:iam::111122223333:role/other"}"#, role, .implicitDeny),
        ("an account id names its principals", #"{"AWS":"111122223333"}"#, role, .allow),
        ("an account root ARN names its principals", #"{"AWS":"arn:aws:iam::111122223333:root"}"#, role, .allow),
        ("another account is not named", #"{"AWS":"444455556666"}"#, role, .implicitDeny),
        ("a service principal names the service", #"{"Service":"cloudtrail.amazonaws.com"}"#, "cloudtrail.amazonaws.com", .allow),
        ("a service principal does not name a role", #"{"Service":"cloudtrail.amazonaws.com"}"#, role, .implicitDeny),
        ("an AWS principal never names anonymous", #"{"AWS":"111122223333"}"#, "anonymous", .implicitDeny),
    ])
    func principals(rule: String, principal: String, requester: String, expected: Decision) throws {
        let policy = #"{"Statement":[{"Effect":"Allow","Principal":\#(principal),"Action":"*","Resource":"*"}]}"#
        #expect(try Self.decide(policy, "s3:GetObject", "x", principal: requester) == expected, "\(rule)")
    }

    @Test func principalStarNeedsNoPrincipalButANamedOneDoes() throws {
        let star = CompiledPolicy(try PolicyReader.read(Self.allow(#""Action":"*","Resource":"*""#)))
        #expect(star.evaluate(RequestContext(action: "s3:GetObject", resource: "x")).decision == .allow)
        let named = CompiledPolicy(try PolicyReader.read(#"""
            {"Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"*","Resource":"*"}]}
            """#))
        #expect(named.evaluate(RequestContext(action: "s3:GetObject", resource: "x")).decision == .unevaluable)
    }

    @Test func notPrincipalWithDenyDeniesEveryoneElse() throws {
        let admin = "arn:aws:sts::111122223333:assumed-role/admin/alice"
        let policy = #"""
            {"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},{"Effect":"Deny",\#
            "NotPrincipal":{"AWS":["\#(admin)","arn:aws:iam::111122223333:role/admin","111122223333"]},"Action":"s3:PutBucketPolicy",\#
            "Resource":"*"}]}
            """#
        #expect(try Self.decide(policy, "s3:PutBucketPolicy", "arn:aws:s3:::b") == .explicitDeny)
        #expect(try Self.decide(policy, "s3:PutBucketPolicy", "arn:aws:s3:::b", principal: admin) == .allow)
    }

    static func condition(_ block: String) -> String {
        #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*","Condition":\#(block)}]}"#
    }

    @Test(arguments: [
        // (rule, Condition element, request keys, expected)
        ("StringEquals is case-sensitive", #"{"StringEquals":{"aws:SourceVpce":"vpce-1"}}"#, ["aws:SourceVpce": ["VPCE-1"]],
            Decision.implicitDeny),
        ("condition key names are case-insensitive", #"{"StringEquals":{"AWS:SOURCEVPCE":"vpce-1"}}"#, ["aws:sourcevpce": ["vpce-1"]],
            .allow),
        ("values of one key are ORed", #"{"StringEquals":{"aws:SourceVpce":["vpce-1","vpce-2"]}}"#, ["aws:SourceVpce": ["vpce-2"]], .allow),
        ("keys are ANDed", #"{"StringEquals":{"aws:SourceVpce":"vpce-1","aws:SourceVpc":"vpc-1"}}"#,
            ["aws:SourceVpce": ["vpce-1"], "aws:SourceVpc": ["vpc-2"]], .implicitDeny),
        ("operators are ANDed", #"{"StringEquals":{"aws:SourceVpce":"vpce-1"},"Bool":{"aws:SecureTransport":"true"}}"#,
            ["aws:SourceVpce": ["vpce-1"], "aws:SecureTransport": ["false"]], .implicitDeny),
        ("a missing key fails a positive operator", #"{"StringEquals":{"aws:SourceVpce":"vpce-1"}}"#, [:], .implicitDeny),
        ("a missing key passes a negated operator", #"{"StringNotEquals":{"aws:SourceVpce":"vpce-1"}}"#, [:], .allow),
        ("negated operators with several values: none may match", #"{"StringNotEquals":{"aws:SourceVpce":["vpce-1","vpce-2"]}}"#,
            ["aws:SourceVpce": ["vpce-2"]], .implicitDeny),
        ("negated operators with several values: true when none matches", #"{"StringNotEquals":{"aws:SourceVpce":["vpce-1","vpce-2"]}}"#,
            ["aws:SourceVpce": ["vpce-3"]], .allow),
        ("IfExists passes when the key is missing", #"{"StringEqualsIfExists":{"aws:SourceVpce":"vpce-1"}}"#, [:], .allow),
        ("IfExists checks the key when present", #"{"StringEqualsIfExists":{"aws:SourceVpce":"vpce-1"}}"#, ["aws:SourceVpce": ["vpce-9"]],
            .implicitDeny),
        ("StringEqualsIgnoreCase", #"{"StringEqualsIgnoreCase":{"aws:username":"Alice"}}"#, ["aws:username": ["alice"]], .allow),
        ("StringNotEqualsIgnoreCase", #"{"StringNotEqualsIgnoreCase":{"aws:username":"Alice"}}"#, ["aws:username": ["ALICE"]],
            .implicitDeny),
        ("StringLike wildcards", #"{"StringLike":{"s3:prefix":"home/*"}}"#, ["s3:prefix": ["home/bob/x"]], .allow),
        ("StringEquals takes * literally", #"{"StringEquals":{"s3:prefix":"home/*"}}"#, ["s3:prefix": ["home/bob"]], .implicitDeny),
        ("StringNotLike", #"{"StringNotLike":{"s3:prefix":"tmp/*"}}"#, ["s3:prefix": ["tmp/a"]], .implicitDeny),
        ("ArnLike compares ARN parts", #"{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/app"}}"#,
            ["aws:PrincipalArn": ["arn:aws:iam::1:role/app"]], .allow),
        ("ArnLike * does not span parts", #"{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*"}}"#,
            ["aws:PrincipalArn": ["arn:aws:iam::1:role/app"]], .implicitDeny),
        ("StringLike * spans colons", #"{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::*"}}"#,
            ["aws:PrincipalArn": ["arn:aws:iam::1:role/app"]], .allow),
        ("ArnNotEquals", #"{"ArnNotEquals":{"aws:PrincipalArn":"arn:aws:iam::1:role/app"}}"#,
            ["aws:PrincipalArn": ["arn:aws:iam::1:role/app"]], .implicitDeny),
        ("NumericLessThan", #"{"NumericLessThan":{"s3:max-keys":"10"}}"#, ["s3:max-keys": ["5"]], .allow),
        ("NumericGreaterThanEquals", #"{"NumericGreaterThanEquals":{"s3:max-keys":10}}"#, ["s3:max-keys": ["9"]], .implicitDeny),
        ("NumericNotEquals", #"{"NumericNotEquals":{"s3:max-keys":10}}"#, ["s3:max-keys": ["10"]], .implicitDeny),
        ("DateGreaterThan", #"{"DateGreaterThan":{"aws:CurrentTime":"2024-01-01T00:00:00Z"}}"#,
            ["aws:CurrentTime": ["2024-06-01T00:00:00Z"]], .allow),
        ("DateLessThan with epoch", #"{"DateLessThan":{"aws:EpochTime":"1700000000"}}"#, ["aws:EpochTime": ["1800000000"]], .implicitDeny),
        ("Bool", #"{"Bool":{"aws:SecureTransport":false}}"#, ["aws:SecureTransport": ["false"]], .allow),
        ("BinaryEquals", #"{"BinaryEquals":{"k":"QmluYXJ5"}}"#, ["k": ["QmluYXJ5"]], .allow),
        ("IpAddress IPv4 CIDR", #"{"IpAddress":{"aws:VpcSourceIp":"10.0.0.0/16"}}"#, ["aws:VpcSourceIp": ["10.0.200.7"]], .allow),
        ("IpAddress outside the CIDR", #"{"IpAddress":{"aws:VpcSourceIp":"10.0.0.0/16"}}"#, ["aws:VpcSourceIp": ["10.1.0.7"]],
            .implicitDeny),
        ("NotIpAddress", #"{"NotIpAddress":{"aws:SourceIp":["192.0.2.0/24","203.0.113.0/24"]}}"#, ["aws:SourceIp": ["203.0.113.9"]],
            .implicitDeny),
        ("IpAddress IPv6 CIDR", #"{"IpAddress":{"aws:SourceIp":"2001:db8::/32"}}"#, ["aws:SourceIp": ["2001:db8:1::5"]], .allow),
        ("IPv6 outside the CIDR", #"{"IpAddress":{"aws:SourceIp":"2001:db8::/32"}}"#, ["aws:SourceIp": ["2001:db9::5"]], .implicitDeny),
        ("Null true: key absent", #"{"Null":{"aws:TokenIssueTime":"true"}}"#, [:], .allow),
        ("Null false: key present", #"{"Null":{"aws:TokenIssueTime":"false"}}"#, [:], .implicitDeny),
        ("ForAnyValue: one match suffices", #"{"ForAnyValue:StringEquals":{"aws:TagKeys":["a","b"]}}"#, ["aws:TagKeys": ["z", "b"]],
            .allow),
        ("ForAnyValue: missing key is false", #"{"ForAnyValue:StringEquals":{"aws:TagKeys":["a"]}}"#, [:], .implicitDeny),
        ("ForAllValues: every value must match", #"{"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]}}"#, ["aws:TagKeys": ["a", "z"]],
            .implicitDeny),
        ("ForAllValues: missing key is true", #"{"ForAllValues:StringEquals":{"aws:TagKeys":["a"]}}"#, [:], .allow),
        ("ForAllValues with a negated operator", #"{"ForAllValues:StringNotEquals":{"aws:TagKeys":["secret"]}}"#,
            ["aws:TagKeys": ["a", "secret"]], .implicitDeny),
        ("policy variable in a condition value", #"{"StringLike":{"s3:prefix":"home/${aws:username}/*"}}"#,
            ["s3:prefix": ["home/bob/x"], "aws:username": ["bob"]], .allow),
        ("policy variable missing: no match", #"{"StringLike":{"s3:prefix":"home/${aws:username}/*"}}"#, ["s3:prefix": ["home/bob/x"]],
            .implicitDeny),
        ("policy variable default", #"{"StringEquals":{"s3:prefix":"${aws:PrincipalTag/team, 'none'}"}}"#, ["s3:prefix": ["none"]], .allow),
        ("escaped * in a variable is literal", #"{"StringLike":{"s3:prefix":"a${*}"}}"#, ["s3:prefix": ["ab"]], .implicitDeny),
    ])
    func conditions(rule: String, block: String, keys: [String: [String]], expected: Decision) throws {
        #expect(try Self.decide(Self.condition(block), "s3:ListBucket", "arn:aws:s3:::b", keys: keys) == expected, "\(rule)")
    }

    @Test func policyVariablesInResources() throws {
        let policy = Self.allow(#""Action":"s3:GetObject","Resource":"arn:aws:s3:::b/home/${aws:username}/*""#)
        #expect(try Self.decide(policy, "s3:GetObject", "arn:aws:s3:::b/home/bob/k", keys: ["aws:username": ["bob"]]) == .allow)
        #expect(try Self.decide(policy, "s3:GetObject", "arn:aws:s3:::b/home/eve/k", keys: ["aws:username": ["bob"]]) == .implicitDeny)
        // Version 2008-10-17 does not substitute: `${aws:username}` is text.
        let old = Self.allow(#""Action":"s3:GetObject","Resource":"arn:aws:s3:::b/home/${aws:username}/*""#, version: "2008-10-17")
        #expect(try Self.decide(old, "s3:GetObject", "arn:aws:s3:::b/home/${aws:username}/k", keys: ["aws:username": ["bob"]]) == .allow)
    }

    @Test func unknownOperatorIsUnevaluableNeverAGuess() throws {
        let compiled = CompiledPolicy(try PolicyReader.read(Self.condition(#"{"StringEqualz":{"aws:SourceVpce":"vpce-1"}}"#)))
        #expect(compiled.diagnostics.map(\.description)
            == ["unevaluable-statement: Statement[0]: unknown condition operator `StringEqualz`"])
        let result = compiled.evaluate(RequestContext(action: "s3:GetObject", resource: "x", principal: .from(Self.role)))
        #expect(result.decision == .unevaluable)
        #expect(result.diagnostics.first?.description.contains("StringEqualz") == true)
    }

    @Test func unknownKeyIsUnevaluable() throws {
        let policy = Self.condition(#"{"StringEquals":{"aws:PrincipalOrgID":"o-1"}}"#)
        #expect(try Self.decide(policy, "s3:GetObject", "x", unknown: ["aws:principalorgid"]) == .unevaluable)
        #expect(try Self.decide(policy, "s3:GetObject", "x", keys: ["aws:PrincipalOrgID": ["o-1"]]) == .allow)
    }

    @Test func unevaluableAllowDoesNotHideAnExplicitDeny() throws {
        let policy = #"""
            {"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*","Condition":{"Foo":{"k":"v"}}},{"Effect":"Deny",\#
            "Principal":"*","Action":"*","Resource":"*"}]}
            """#
        #expect(try Self.decide(policy, "s3:GetObject", "x") == .explicitDeny)
    }

    @Test func principalKeysComeFromThePrincipal() throws {
        let policy = Self.condition(#"""
            {"StringEquals":{"aws:PrincipalAccount":"111122223333"},"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/app"}}
            """#)
        #expect(try Self.decide(policy, "s3:GetObject", "x") == .allow)
        let service = Self.condition(#"{"Bool":{"aws:PrincipalIsAWSService":"true"}}"#)
        #expect(try Self.decide(service, "s3:PutObject", "x", principal: "cloudtrail.amazonaws.com") == .allow)
        #expect(try Self.decide(service, "s3:PutObject", "x") == .implicitDeny)
    }
}

struct WildcardPatternTests {
    @Test(arguments: [
        ("s3:Get*", "s3:GetObject", true), ("s3:?etObject", "s3:GetObject", true), ("s3:Get*", "s3:PutObject", false),
        ("*", "", true), ("a*b*c", "aXbYc", true), ("a*b*c", "aXbY", false), ("*.txt", "dir/file.txt", true),
        ("a?c", "abbc", false), ("a**", "a", true), ("é?", "éx", true), ("x?", "xé", true), ("ab", "abc", false),
    ])
    func matching(pattern: String, text: String, expected: Bool) {
        #expect(WildcardPattern(pattern).matches(text) == expected)
    }

    @Test func caseInsensitiveMatching() {
        #expect(WildcardPattern("S3:GET*", caseInsensitive: true).matches("s3:getobject"))
    }
}
