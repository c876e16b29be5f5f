import AWSModel
import IAMPolicy
import Inventory

/// A group of logged requests a draft decided differently than the window did.
public struct ReplayMismatch: Sendable, Hashable, Codable {
    /// The principal of the requests.
    public var principal: String
    /// The action requested.
    public var action: String
    /// The resource requested, as logged.
    public var resource: String
    /// Requests in the group.
    public var requests: Int64
    /// What the draft decided (`implicit-deny`, `explicit-deny`, `allow`, `unevaluable`).
    public var decision: String
    /// The statements that decided it.
    public var statements: [String]
}

/// The draft evaluated against the window's requests.
public struct ReplayResult: Sendable, Hashable, Codable {
    /// Authorized requests the draft must keep allowing, and how many it does.
    public var requests: Int64 = 0
    /// Authorized requests the draft allows.
    public var allowed: Int64 = 0
    /// Authorized request groups the draft does not allow.
    public var failures: [ReplayMismatch] = []
    /// Authorized requests to resources held for review: the draft blocks them on purpose.
    public var heldForReview: Int64 = 0
    /// Requests denied in the window, and how many the draft also refuses.
    public var deniedRequests: Int64 = 0
    /// Denied requests the draft refuses too.
    public var deniedStillRefused: Int64 = 0
    /// Denied request groups the draft would allow (it must not widen).
    public var deniedNowAllowed: [ReplayMismatch] = []

    /// True when every authorized request the draft must keep is allowed.
    public var passed: Bool { failures.isEmpty && allowed == requests }

    /// Adds the replay of another part of the same requests: its counts, and its groups after these.
    mutating func add(_ other: ReplayResult) {
        requests += other.requests
        allowed += other.allowed
        failures += other.failures
        heldForReview += other.heldForReview
        deniedRequests += other.deniedRequests
        deniedStillRefused += other.deniedStillRefused
        deniedNowAllowed += other.deniedNowAllowed
    }
}

/// Request contexts rebuilt from the logs, and replay.
enum Replay {
    /// Keys the replay and the grant check set whenever a request has them, so that unset they are absent,
    /// each with the reason. Every other key they do not set is unknown, never absent: tags, time
    /// (`aws:CurrentTime`), `aws:RequestedRegion`, `aws:UserAgent`, every service's own keys, …
    static let absentKeys = AbsentKeys([
        ("aws:PrincipalServiceName", "present only when the caller is an AWS service principal, and then set"),
        ("aws:PrincipalIsAWSService", "set for every request that names its caller"),
    ])

    /// Keys absent from requests through a VPC endpoint (IAM condition keys reference: `aws:SourceIp` is
    /// not present then) or from requests that did not use one.
    static let endpointOnly: [(key: String, reason: String)] = [
        ("aws:SourceVpce", "set from the record's vpcEndpointId: a request without one did not come through a VPC endpoint"),
        ("aws:SourceVpc", "present only on requests through a VPC endpoint"),
        ("aws:VpcSourceIp", "present only on requests through a VPC endpoint"),
        ("aws:VpceAccount", "present only on requests through a VPC endpoint"),
        ("aws:VpceOrgID", "present only on requests through a VPC endpoint"),
        ("aws:VpceOrgPaths", "present only on requests through a VPC endpoint"),
        ("aws:SourceVpcArn", "present only on requests through a VPC endpoint"),
    ]
    static let absentThroughEndpoint: [(key: String, reason: String)] = [("aws:SourceIp", "absent on requests through a VPC endpoint")]

    /// Keys a caller without an IAM identity (anonymous, an AWS service) does not have.
    static let identityOnly: [(key: String, reason: String)] = [
        ("aws:PrincipalArn", "anonymous and service callers have no principal ARN"),
        ("aws:PrincipalAccount", "anonymous and service callers belong to no account"),
        ("aws:PrincipalOrgID", "anonymous and service callers belong to no organization"),
        ("aws:PrincipalOrgPaths", "anonymous and service callers belong to no organization"),
        ("aws:PrincipalTag/*", "anonymous and service callers have no tags"),
    ]

    /// What a key the replay or grant check does not set means for a request of `principal`: unknown,
    /// except the keys the tables above say are absent.
    /// `throughEndpoint` nil: whether the request comes through an endpoint is not known.
    static func unsetKeys(_ principal: RequestPrincipal?, throughEndpoint: Bool?) -> UnsetKeys {
        var table = throughEndpoint.map { absentKeys.adding($0 ? absentThroughEndpoint : endpointOnly) } ?? absentKeys
        if principal == nil || principal?.kind == .anonymous || principal?.kind == .service { table = table.adding(identityOnly) }
        return .unknown(absent: table)
    }

    /// What the inventory says of the network and the organization, beyond the logs.
    struct Facts {
        /// Endpoint owners (`OwnerId`), where the inventory or the directory knows them.
        var endpointOwners: [VPCEndpointID: AccountID] = [:]
        /// The organization's accounts (`organizations list-accounts`): empty when not known.
        var organizationAccounts: Set<AccountID> = []
        /// Bucket owners (`s3api list-buckets`): an S3 ARN names no account.
        var bucketOwners = BucketOwners()
        /// The organization path (`aws:VpceOrgPaths`'s value) of each account the inventory's tree places.
        var organizationPaths: [AccountID: String] = [:]

        init() {}

        init(_ inventory: Inventory, endpoints: [VPCEndpointID: Inventory.Endpoint]) {
            endpointOwners = endpoints.compactMapValues(\.owner)
            organizationAccounts = inventory.accounts
            bucketOwners = BucketOwners(inventory).numeric()
            if let organization = inventory.organizationID, OrganizationTree.isOrganizationID(organization) {
                for account in inventory.accounts {
                    guard let chain = inventory.organizationTree.chain(of: account, roots: inventory.organizationRoots) else { continue }
                    organizationPaths[account] = OrganizationTree.path(chain, organization: organization)
                }
            }
        }
    }

    /// The endpoint-owner keys of a request through `endpoint`: `aws:VpceAccount` from the owner (the inventory's,
    /// else the logged `vpcEndpointAccountId`), `aws:VpceOrgID` when the owner is one of the organization's
    /// accounts, `aws:VpceOrgPaths` when the inventory's tree places it. Otherwise unknown, never absent: another
    /// owner may be in an organization of its own.
    static func setEndpointOwner(_ context: inout RequestContext, _ access: ObservedAccess, _ endpoint: VPCEndpointID,
                                 organization: String?, facts: Facts) {
        guard let owner = facts.endpointOwners[endpoint] ?? access.endpointAccount else { return }
        context.set("aws:VpceAccount", [owner.rawValue])
        if let organization, facts.organizationAccounts.contains(owner) { context.set("aws:VpceOrgID", [organization]) }
        if let path = facts.organizationPaths[owner] { context.set("aws:VpceOrgPaths", [path]) }
    }

    /// `aws:ViaAWSService`: false through an endpoint (a call a service makes on the caller's behalf keeps no source
    /// endpoint) and for a service principal's own call; true when every logged source is a service's name; false when
    /// every one is an address; else (`AWS Internal`, a mix, nothing logged) unknown.
    static func viaAWSService(_ access: ObservedAccess) -> String? {
        if access.endpoint != nil || access.principal.kind == .awsService { return "false" }
        guard !access.sourceIPs.isEmpty else { return nil }
        if access.sourceIPs.allSatisfy({ $0.hasSuffix(".amazonaws.com") }) { return "true" }
        let isAddress = { (s: String) in
            !s.isEmpty && (s.contains(".") || s.contains(":")) && s.allSatisfy { $0.isHexDigit || $0 == "." || $0 == ":" } }
        return access.sourceIPs.allSatisfy(isAddress) ? "false" : nil
    }

    /// The request context of one group of logged requests, with what the logs say and what the inventory adds.
    static func context(_ access: ObservedAccess, vpc: String?, organization: String?, trusted: Set<AccountID>,
                        facts: Facts = Facts()) -> RequestContext {
        // The request as it was: a logged resource is its literal text, never a pattern.
        let principal = RequestPrincipal(access.principal)
        var context = RequestContext(action: access.access.action.description, resource: PolicyText.sample(of: access.access.resource.text),
                                     principal: principal)
        if let endpoint = access.endpoint {
            context.set("aws:SourceVpce", [endpoint.rawValue])
            if let vpc { context.set("aws:SourceVpc", [vpc]) }
            if let ip = access.sourceIPs.first { context.set("aws:VpcSourceIp", [ip]) }
            setEndpointOwner(&context, access, endpoint, organization: organization, facts: facts)
        }
        if let via = viaAWSService(access) { context.set("aws:ViaAWSService", [via]) }
        if access.principal.kind == .awsService { context.set("aws:PrincipalServiceName", [access.principal.arn]) }
        // Logged requests that reached AWS went over TLS (CloudTrail records tlsDetails); see the report's assumptions.
        context.set("aws:SecureTransport", ["true"])
        // The owner the inventory states wins over the one a record claims (a trail writer chooses the record).
        let bucketOwner = access.access.resource.arn.flatMap(facts.bucketOwners.owner(of:))
        if let account = bucketOwner ?? access.access.resourceAccount {
            context.set("aws:ResourceAccount", [account.rawValue])
            if let organization, trusted.contains(account) { context.set("aws:ResourceOrgID", [organization]) }
        }
        if let organization, let account = access.principal.account, trusted.contains(account) {
            context.set("aws:PrincipalOrgID", [organization])
        }
        context.unsetKeys = unsetKeys(principal, throughEndpoint: access.endpoint != nil)
        return context
    }

    /// Replays `authorized` (requests to keep), `held` (requests held for review) and `denied` against `policy`.
    /// `failure` decides which decisions count as breaking a request: for endpoint policies anything
    /// but allow; for bucket policies only an explicit deny (identity policies can still allow).
    static func run(_ policy: CompiledPolicy, authorized: some Sequence<ObservedAccess>, held: [ObservedAccess], denied: [ObservedAccess],
                    vpc: (ObservedAccess) -> String?, organization: String?, trusted: Set<AccountID>,
                    breaks: (Decision) -> Bool, facts: Facts = Facts()) -> ReplayResult {
        // Denied requests the draft would allow: not a failure (another policy denied them), but said.
        var result = ReplayResult()
        func mismatch(_ a: ObservedAccess, _ r: EvaluationResult) -> ReplayMismatch {
            ReplayMismatch(principal: a.principal.arn, action: a.access.action.description, resource: a.access.resource.text,
                requests: a.count,
                           decision: r.decision.rawValue, statements: r.matchedStatements)
        }
        for access in authorized {
            result.requests += access.count
            let r = policy.evaluate(context(access, vpc: vpc(access), organization: organization, trusted: trusted, facts: facts))
            if breaks(r.decision) { result.failures.append(mismatch(access, r)) } else { result.allowed += access.count }
        }
        result.heldForReview = held.reduce(0) { $0 + $1.count }
        for access in denied {
            result.deniedRequests += access.count
            let r = policy.evaluate(context(access, vpc: vpc(access), organization: organization, trusted: trusted, facts: facts))
            if r.decision == .allow {
                result.deniedNowAllowed.append(mismatch(access, r)) } else { result.deniedStillRefused += access.count
            }
        }
        return result
    }
}
