public import AWSModel
public import IAMPolicy
import Inventory

/// One group of requests (endpoint, principal, action) the applied endpoint policy refused or would refuse.
public struct CheckFinding: Sendable, Hashable, Codable {
    /// `refused`: denied by the endpoint policy; `would-refuse`: logged as allowed, refused by the applied draft;
    /// `denied`: denied, not said to be by the endpoint policy, and refused by the applied draft too;
    /// `unknown`: logged as allowed, no resource logged, and the applied draft allows its action on some resource.
    public var kind: String
    /// The applied endpoint (its id checked when the applied folder was read).
    public var endpoint: VPCEndpointID
    public var principal: String
    public var action: String
    /// The resources as logged (policy text: logged `*`, `?`, `$` escaped); empty when the log names none.
    public var resources: [String]
    public var requests: Int64
    /// The outcomes and error codes logged (`denied-by-endpoint-policy VpceAccessDenied`).
    public var logged: [String]
    /// True when the amended draft re-admits the group; else `reason` says why Perimeter may not.
    public var readmitted: Bool
    public var reason: String?
    public var firstSeen: Int64
    public var lastSeen: Int64
}

/// An applied draft with the statements that re-admit its refused requests.
public struct Amendment: Sendable {
    public var endpoint: AppliedEndpoint
    public var amended: PolicyDocument
    /// The Sids added, each with the requests it re-admits.
    public var added: [String]
    /// The added statements against the policy before the applied draft.
    public var grantCheck: GrantCheck
}

/// What `perimeter check` found.
public struct CheckResult: Sendable {
    public var findings: [CheckFinding]
    public var amendments: [Amendment]
    /// Allowed requests through an applied endpoint that the check could not replay (no resource logged,
    /// and the applied draft allows the principal's action on some resource): `unknown` groups them.
    public var notReplayed: Int64
    /// Those requests by endpoint, principal and action (kind `unknown`): neither refused nor allowed.
    public var unknown: [CheckFinding]
    /// The first day read, and the requests through the applied endpoints in the window.
    public var since: String?
    public var requests: Int64
    public var notes: [String]

    /// True when some refused request is not one Perimeter may re-admit.
    public var needsHuman: Bool { findings.contains { !$0.readmitted } }
}

/// The loop after an apply: the requests of a newer window against the applied endpoint drafts.
public enum AppliedCheck {
    /// Checks `accesses` (the store's groups of the window) against the applied folder's drafts.
    public static func run(_ folder: AppliedFolder, accesses: [ObservedAccess], since: String?) -> CheckResult {
        let owners = BucketOwners(folder.bucketOwners, endpoints: folder.endpoints.map(\.endpoint))
        let classifier = ResourceClassifier(trusted: folder.trustedAccounts, ourBuckets: owners,
                                            catalog: .shared, allowed: [])
        var findings: [CheckFinding] = [], amendments: [Amendment] = [], unknown: [CheckFinding] = [], requests: Int64 = 0
        var notes = folder.notes
        let byEndpoint = Dictionary(grouping: accesses.filter { $0.endpoint != nil }, by: { $0.endpoint! })
        for applied in folder.endpoints {
            let mine = (byEndpoint[applied.id] ?? []).sorted()
            requests = mine.reduce(requests) { $0.addingSaturated($1.count) }
            var groups: [GroupKey: CheckFinding] = [:], unknowns: [GroupKey: CheckFinding] = [:], principals: [String: Principal] = [:]
            let policy = Policies(applied.applied, kind: applied.endpoint.policyKind)
            let trusted = folder.trustedAccounts
            for access in mine {
                guard let kind = refusal(access, policy: policy, vpc: applied.endpoint.vpcID, trusted: trusted) else { continue }
                if kind == .unknown {
                    add(access, kind: kind, reason: unknownReason, endpoint: applied.id, to: &unknowns)
                    continue
                }
                let reason: String? = switch kind {
                case .otherDenial: otherDenial(access)
                case .wouldRefuse where access.access.resource == .notLogged: networkOnlyRefusal
                default: readmission(access, classifier: classifier, trusted: trusted)
                }
                add(access, kind: kind, reason: reason, endpoint: applied.id, to: &groups)
                principals[access.principal.arn] = access.principal
            }
            unknown += unknowns.keys.sorted().map { unknowns[$0]! }
            var found = groups.keys.sorted().map { groups[$0]! }
            if let amendment = amend(applied, &found, principals: principals) {
                amendments.append(amendment)
                let size = PolicyWriter.size(amendment.amended)
                if size > Synthesizer.endpointPolicyLimit {
                    notes.append("the amended draft of \(applied.id.rawValue) has \(size) characters, over the endpoint policy limit "
                                 + "(\(Synthesizer.endpointPolicyLimit)): AWS refuses it as it is; fold its resources by hand")
                }
            }
            findings += found
        }
        if findings.isEmpty && requests == 0 { notes.append("no request through an applied endpoint in the window") }
        let notReplayed = unknown.reduce(Int64(0)) { $0.addingSaturated($1.requests) }
        return CheckResult(findings: findings, amendments: amendments, notReplayed: notReplayed, unknown: unknown, since: since,
                           requests: requests, notes: notes)
    }

    enum Kind: String { case refused, wouldRefuse = "would-refuse", otherDenial = "denied", unknown }

    /// How the applied draft met `access`, when it refused or would refuse it (or, for an allowed request that
    /// names no resource, may refuse it: `unknown`); nil when it is not a finding.
    static func refusal(_ access: ObservedAccess, policy: Policies, vpc: String?, trusted: Set<AccountID>) -> Kind? {
        if access.outcome == .deniedByEndpointPolicy { return .refused }
        var context = Replay.context(access, vpc: vpc, organization: nil, trusted: trusted)
        if access.access.resource == .notLogged {
            guard access.outcome.wasAuthorized else { return nil }
            // The resource is unknown: refused only when the draft refuses the pair whatever the resource is.
            context.resource = PolicyText.anyResource
            let decision = policy.anyResource.evaluate(context).decision
            return decision == .allow || decision == .unevaluable ? .unknown : .wouldRefuse
        }
        let decision = policy.applied.evaluate(context).decision
        guard decision != .allow else { return nil }
        return access.outcome.wasAuthorized ? .wouldRefuse : .otherDenial
    }

    static let networkOnlyRefusal = "resource not logged (network activity only), and the applied draft refuses this principal and "
        + "action on every resource: the live endpoint policy is not the applied draft, or the records are forged"
    static let unknownReason = "resource not logged (network activity only): the applied draft allows this action on some "
        + "resource, whether on this one is unknown; enable the service's data events to see it"

    /// A denial not said to be the endpoint policy's, which the applied draft refuses as well.
    static func otherDenial(_ access: ObservedAccess) -> String {
        let how = access.outcome == .unauthenticated ? "unauthenticated" : "denied (\(access.errorCode ?? access.outcome.rawValue))"
        return "\(how), not said to be by the endpoint policy, and the applied draft refuses it too: another policy may deny it; "
            + "Perimeter re-admits only requests the endpoint policy alone refused"
    }

    /// Why Perimeter may not re-admit `access`, or nil when it may.
    static func readmission(_ access: ObservedAccess, classifier: ResourceClassifier, trusted: Set<AccountID>) -> String? {
        let p = access.principal
        switch p.kind {
        case .anonymous, .unknown: return "no IAM identity (\(p.kind.rawValue)): an endpoint draft names its principals"
        case .awsAccount: return "identity redacted to its account by CloudTrail: not re-admitted on an account alone"
        case .awsService: break
        default:
            guard let account = p.account, trusted.contains(account) else {
                return "principal outside the trusted accounts (\(p.account?.rawValue ?? "account not logged"))"
            }
        }
        if let refusal = AccessTriage.refusal(access, actions: .shared) { return refusal }
        switch classifier.classify(access.access, region: access.region) {
        case .foreign(let owner): return owner.map { "resource owned by \($0.rawValue), outside the trusted accounts" }
            ?? "resource owner unknown: not a bucket of the applied run and not logged"
        case .claimed:
            // A bucket's owner is not in its ARN: here it would be only what the new record claims.
            return "a bucket the applied run does not know: its owner would be only what the record claims"
        default: return nil
        }
    }

    struct GroupKey: Hashable, Comparable {
        var kind: String, principal: String, action: String, reason: String
        static func < (a: GroupKey, b: GroupKey) -> Bool {
            (a.principal, a.action, a.kind, a.reason) < (b.principal, b.action, b.kind, b.reason)
        }
    }

    static func add(_ access: ObservedAccess, kind: Kind, reason: String?, endpoint: VPCEndpointID,
                    to groups: inout [GroupKey: CheckFinding]) {
        let key = GroupKey(kind: kind.rawValue, principal: access.principal.arn, action: access.access.action.description,
                           reason: reason ?? "")
        var finding = groups[key]
            ?? CheckFinding(kind: kind.rawValue, endpoint: endpoint, principal: key.principal, action: key.action,
                            resources: [], requests: 0, logged: [], readmitted: reason == nil, reason: reason,
                            firstSeen: access.firstSeen, lastSeen: access.lastSeen)
        if access.access.resource != .notLogged, !finding.resources.contains(access.access.resource.text) {
            finding.resources = (finding.resources + [access.access.resource.text]).sorted(by: TextBytes.less)
        }
        let logged = access.outcome.rawValue + (access.errorCode.map { " " + $0 } ?? "")
        if !finding.logged.contains(logged) { finding.logged = (finding.logged + [logged]).sorted() }
        finding.requests = finding.requests.addingSaturated(access.count)
        finding.firstSeen = min(finding.firstSeen, access.firstSeen)
        finding.lastSeen = max(finding.lastSeen, access.lastSeen)
        groups[key] = finding
    }
}

extension AppliedCheck {
    /// The applied draft with one statement per re-admitted finding (its principal, its action, its logged
    /// resources, literal), each checked against the policy before the applied draft: a statement that
    /// would grant more (or that cannot be shown not to) is left out, and its finding is not re-admitted.
    static func amend(_ applied: AppliedEndpoint, _ findings: inout [CheckFinding], principals: [String: Principal]) -> Amendment? {
        var amended = applied.applied, added: [String] = [], check = GrantCheck()
        var sids = Set(amended.statements.compactMap(\.sid))
        let before = CompiledPolicy(applied.before, kind: applied.endpoint.policyKind)
        for i in findings.indices where findings[i].readmitted {
            let f = findings[i]
            guard let principal = principals[f.principal] else { continue }
            if amended.version != "2012-10-17", f.resources.contains(where: { $0.contains("${") }) {
                findings[i].readmitted = false
                findings[i].reason = "the applied draft is not version 2012-10-17: a logged `*`, `?` or `$` cannot be written literally"
                continue
            }
            guard applied.beforeKnown else {
                findings[i].readmitted = false
                findings[i].reason = "the policy before the applied draft is not known (no current/endpoints/\(applied.id.rawValue).json): "
                    + "an amendment cannot be shown to grant no more than it"
                continue
            }
            let statement = readmitting(f, principal: principal, sids: &sids)
            let one = GrantCheck.run(PolicyDocument(statements: [statement]), principals: [statement.sid!: [principal]], current: before,
                                     currentDocument: applied.before, endpoint: applied.endpoint)
            check.checked += one.checked
            guard one.exceeding.isEmpty, one.unprovable.isEmpty else {
                check.exceeding += one.exceeding
                check.unprovable += one.unprovable
                findings[i].readmitted = false
                findings[i].reason = "re-admitting it would grant more than the policy before the applied draft"
                    + (applied.beforeKnown ? " (current/endpoints/\(applied.id.rawValue).json)" : "") + ", or that cannot be shown"
                continue
            }
            amended.statements.append(statement)
            added.append(statement.sid!)
        }
        guard !added.isEmpty else { return nil }
        return Amendment(endpoint: applied, amended: amended, added: added, grantCheck: check)
    }

    /// `Readmit<Name><Service><Level>`: the principal, its action, its logged resources.
    static func readmitting(_ f: CheckFinding, principal: Principal, sids: inout Set<String>) -> Statement {
        let audience = Audience(principal)
        let actions = IAMAction(f.action).map { [$0] } ?? []
        var sid = "Readmit" + EndpointPolicyBuilder.sid([audience], actions: actions, catalog: .shared)
        if sids.contains(sid) {
            var n = 2
            while sids.contains("\(sid)\(n)") { n += 1 }
            sid = "\(sid)\(n)"
        }
        sids.insert(sid)
        let condition = principal.kind == .awsService ? Condition("StringEquals", "aws:PrincipalServiceName", [principal.arn])
            : Condition("ArnEquals", "aws:PrincipalArn", [principal.arn])
        return Statement(sid: sid, effect: .allow, principal: .any, action: .actions([f.action]), resource: .resources(f.resources),
                         conditions: [condition])
    }
}
