import AWSModel
import IAMPolicy

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
}

/// Request contexts rebuilt from the logs, and replay.
enum Replay {
    /// Keys the logs cannot tell; conditions on them are unevaluable rather than guessed.
    static let unknownKeys: Set<String> = ["aws:principaltag/*", "aws:resourcetag/*", "aws:requesttag/*", "aws:principalorgpaths",
                                           "aws:resourceorgpaths", "aws:sourceip", "aws:referer", "aws:multifactorauthpresent",
                                           "aws:calledvia", "aws:viaawsservice", "s3:*", "dynamodb:*", "sqs:*", "kms:*"]

    /// The request context of one group of logged requests, with what the logs say and what the inventory adds.
    static func context(_ access: ObservedAccess, vpc: String?, organization: String?, trusted: Set<AccountID>) -> RequestContext {
        // The request as it was: a logged resource is its literal text, never a pattern.
        var context = RequestContext(action: access.access.action.description, resource: PolicyText.sample(of: access.access.resource.text),
                                     principal: RequestPrincipal(access.principal))
        if let endpoint = access.endpoint {
            context.set("aws:SourceVpce", [endpoint.rawValue])
            if let vpc { context.set("aws:SourceVpc", [vpc]) }
            if let ip = access.sourceIPs.first { context.set("aws:VpcSourceIp", [ip]) }
        }
        if access.principal.kind == .awsService { context.set("aws:PrincipalServiceName", [access.principal.arn]) }
        // Logged requests that reached AWS went over TLS (CloudTrail records tlsDetails); see the report's assumptions.
        context.set("aws:SecureTransport", ["true"])
        var unknown = unknownKeys
        if let account = access.access.resourceAccount {
            context.set("aws:ResourceAccount", [account.rawValue])
            if let organization, trusted.contains(account) { context.set("aws:ResourceOrgID", [organization]) } else { unknown.insert("aws:resourceorgid") }
        } else {
            unknown.formUnion(["aws:resourceaccount", "aws:resourceorgid"])
        }
        if let organization, let account = access.principal.account, trusted.contains(account) {
            context.set("aws:PrincipalOrgID", [organization])
        } else if access.principal.kind != .anonymous && access.principal.kind != .awsService {
            unknown.insert("aws:principalorgid")
        }
        context.unknownKeys = unknown
        return context
    }

    /// Replays `authorized` (requests to keep), `held` (requests held for review) and `denied` against `policy`.
    /// `failure` decides which decisions count as breaking a request: for endpoint policies anything
    /// but allow; for bucket policies only an explicit deny (identity policies can still allow).
    static func run(_ policy: CompiledPolicy, authorized: [ObservedAccess], held: [ObservedAccess], denied: [ObservedAccess],
                    vpc: (ObservedAccess) -> String?, organization: String?, trusted: Set<AccountID>,
                    breaks: (Decision) -> Bool) -> ReplayResult {
        // Denied requests the draft would allow: not a failure (another policy denied them), but said.
        var result = ReplayResult()
        func mismatch(_ a: ObservedAccess, _ r: EvaluationResult) -> ReplayMismatch {
            ReplayMismatch(principal: a.principal.arn, action: a.access.action.description, resource: a.access.resource.text, requests: a.count,
                           decision: r.decision.rawValue, statements: r.matchedStatements)
        }
        for access in authorized {
            result.requests += access.count
            let r = policy.evaluate(context(access, vpc: vpc(access), organization: organization, trusted: trusted))
            if breaks(r.decision) { result.failures.append(mismatch(access, r)) } else { result.allowed += access.count }
        }
        result.heldForReview = held.reduce(0) { $0 + $1.count }
        for access in denied {
            result.deniedRequests += access.count
            let r = policy.evaluate(context(access, vpc: vpc(access), organization: organization, trusted: trusted))
            if r.decision == .allow { result.deniedNowAllowed.append(mismatch(access, r)) } else { result.deniedStillRefused += access.count }
        }
        return result
    }
}
