import AWSModel
import IAMPolicy

/// `--granularity org`: the organization's resources by `aws:ResourceOrgID` (the data-perimeter
/// "resource perimeter"), everything else by name.
extension EndpointPolicyBuilder {
    static let organizationSid = "OrganizationResources"

    /// Requests by principals to resources a trusted account owns become one statement: the actions seen,
    /// the principals seen (`aws:PrincipalArn`), any resource of the organization (`aws:ResourceOrgID`).
    /// AWS-owned, reviewed third-party and account-level grants, and AWS service principals, stay by name at
    /// `prefix` granularity. Without the organization's id the whole draft is `prefix`, and says so.
    func buildForOrganization(_ items: [(ObservedAccess, Ownership)], mergePrincipals: Bool) -> Output {
        guard let organization else {
            var built = build(items, granularity: .prefix, mergePrincipals: mergePrincipals)
            let said: Message = "granularity org needs the organization id (organizations list-accounts or describe-organization): "
                + "drafted as prefix"
            built.notes.append(Diagnostic(.organizationUnknown, .warning, said))
            return built
        }
        let isOurs = { (item: (ObservedAccess, Ownership)) -> Bool in
            guard case .trusted = item.1, item.0.principal.kind != .awsService else { return false }
            return true
        }
        let ours = items.filter(isOurs)
        var built = build(items.filter { !isOurs($0) }, granularity: .prefix, mergePrincipals: mergePrincipals)
        guard !ours.isEmpty else { return built }
        var tally = Tally()
        for (access, _) in ours { tally.add(access) }
        let principals = Dictionary(ours.map { ($0.0.principal.arn, $0.0.principal) }, uniquingKeysWith: { a, _ in a })
        let statement = Statement(sid: Self.organizationSid, effect: .allow, principal: .any,
                                  action: .actions(Set(ours.map(\.0.access.action.description)).sorted()), resource: .resources(["*"]),
                                  conditions: [Condition("ArnEquals", "aws:PrincipalArn", principals.keys.sorted()),
                                               Condition("StringEquals", "aws:ResourceOrgID", [organization])])
        built.document = PolicyDocument(statements: [statement] + built.document.statements)
        built.evidence[Self.organizationSid] = StatementEvidence(
            requests: tally.requests, principals: tally.principals.sorted(), firstSeen: tally.firstSeen, lastSeen: tally.lastSeen,
            sampleEventID: tally.sampleEventID, reason: nil)
        built.principals[Self.organizationSid] = principals.keys.sorted().compactMap { principals[$0] }
        return built
    }
}
