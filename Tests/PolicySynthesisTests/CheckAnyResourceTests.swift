import IAMPolicy
import Testing
@testable import PolicySynthesis

/// `perimeter check`'s answer for a request that names no resource: the applied draft's deny holds on every
/// resource only when no Allow can match whatever the resource is; otherwise the answer is unknown.
struct CheckAnyResourceTests {
    static let role = "arn:aws-cn:iam::444455556666:role/etl"
    static func allow(_ action: String, _ resource: ResourceSpec, _ conditions: [Condition] = []) -> Statement {
        Statement(effect: .allow, principal: .any, action: .actions([action]), resource: resource,
                  conditions: [Condition("ArnEquals", "aws:PrincipalArn", [role])] + conditions)
    }
    static func deny(_ action: String, _ resource: String) -> Statement {
        Statement(effect: .deny, principal: .any, action: .actions([action]), resource: .resources([resource]))
    }

    @Test(arguments: [
        ([allow("s3:GetObject", .resources(["arn:aws-cn:s3:::b/*"]))], "s3:GetObject", Decision.allow),
        ([allow("s3:GetObject", .resources(["arn:aws-cn:s3:::b/*"]))], "s3:PutObject", .implicitDeny),
        ([allow("s3:*", .resources(["*"])), deny("s3:DeleteObject", "*")], "s3:DeleteObject", .explicitDeny),
        ([allow("s3:*", .resources(["*"])), deny("s3:DeleteObject", "arn:aws-cn:s3:::b/*")], "s3:DeleteObject", .allow),
        ([allow("s3:GetObject", .notResources(["arn:aws-cn:s3:::b/*"]))], "s3:GetObject", .allow),
        ([allow("s3:ListBucket", .resources(["arn:aws-cn:s3:::b"]), [Condition("StringLike", "s3:prefix", ["a/*"])])],
         "s3:ListBucket", .unevaluable),
    ])
    func aDenyHoldsOnEveryResourceOnlyWhenNoAllowCanMatch(statements: [Statement], action: String, expected: Decision) {
        let policies = AppliedCheck.Policies(PolicyDocument(statements: statements), kind: .interfaceEndpoint)
        var context = RequestContext(action: action, resource: "*", principal: RequestPrincipal(kind: .role, arn: Self.role))
        context.unsetKeys = .unknown(absent: AbsentKeys([]))
        #expect(policies.anyResource.evaluate(context).decision == expected)
    }
}
