import AWSModel
import IAMPolicy

/// Stage 7: the grant check.
extension GrantCheck {
    /// Every (action, resource, principal) a draft grants, checked against the current policy; the
    /// principals are the draft's own (`principals` by Sid), not read back from its conditions.
    static func run(_ draft: PolicyDocument, principals byStatement: [String: [Principal]], current: CompiledPolicy,
                    endpoint: Inventory.Endpoint) -> GrantCheck {
        var check = GrantCheck()
        for statement in draft.statements where statement.effect == .allow {
            let named = byStatement[statement.sid ?? ""] ?? []
            let principals = named.isEmpty ? [RequestPrincipal(kind: .anonymous, arn: Principal.anonymousARN)] : named.map(RequestPrincipal.init)
            for action in statement.action.patterns {
                for resource in statement.resource?.patterns ?? ["*"] {
                    for principal in principals {
                        check.checked += 1
                        var context = RequestContext(action: action, resource: PolicyText.sample(of: resource), principal: principal,
                                                     keys: ["aws:SourceVpce": [endpoint.id.rawValue]])
                        if let vpc = endpoint.vpcID { context.set("aws:SourceVpc", [vpc]) }
                        if principal.kind == .service { context.set("aws:PrincipalServiceName", [principal.arn]) }
                        context.unknownKeys = Replay.unknownKeys.union(["aws:principalorgid", "aws:resourceorgid", "aws:resourceaccount"])
                        let line: Message = "\(statement.sid ?? "?"): \(action) on \(value: resource) for \(value: principal.arn)"
                        switch current.evaluate(context).decision {
                        case .allow: break
                        case .unevaluable: check.unprovable.append(Diagnostic("grant-unprovable", .note, line))
                        case .implicitDeny, .explicitDeny: check.exceeding.append(Diagnostic("grant-exceeds-current", .error, line))
                        }
                    }
                }
            }
        }
        return check
    }
}
