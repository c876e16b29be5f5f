public import AWSModel
public import IAMPolicy
public import Inventory

/// A resource reached successfully from outside the trusted accounts (or by a principal outside them):
/// not allowed by the drafts until a human decides.
public struct ReviewItem: Sendable, Hashable, Codable {
    /// The endpoint the requests went through.
    public var endpoint: VPCEndpointID
    /// Who made them.
    public var principal: String
    /// The action.
    public var action: String
    /// The resource, as policy text.
    public var resource: String
    /// The account that owns the resource, when known.
    public var owner: AccountID?
    /// Why it is held (outside the trusted accounts, resource not logged, not an IAM action, …).
    public var reason: String
    /// Requests in the group.
    public var requests: Int64
    /// Seconds since 1970 of the first request.
    public var firstSeen: Int64
    /// Seconds since 1970 of the last request.
    public var lastSeen: Int64
}

/// An AWS-owned bucket a draft allows, with why.
public struct AWSOwnedUse: Sendable, Hashable, Codable {
    /// The endpoint whose draft allows the bucket.
    public var endpoint: VPCEndpointID
    /// The AWS service that owns the bucket.
    public var service: String
    /// What the bucket serves.
    public var feature: String
    /// The bucket name (a pattern for families such as `prod-{region}-starport-layer-bucket`).
    public var bucket: String
    /// `read` or `write`.
    public var access: String
    /// The AWS documentation page that names the bucket.
    public var source: String
    /// `logged requests (N)` or the inferred evidence (issue: flow evidence).
    public var evidence: String
    /// True when no logged request shows the use (the flow logs or a user agent call for it).
    public var inferred: Bool
}

/// A denied request group, listed (never a permission).
public struct Denial: Sendable, Hashable, Codable {
    /// The endpoint the requests went through (an id as AWS issues them: the log's was checked); nil when none.
    public var endpoint: VPCEndpointID?
    /// Who made them.
    public var principal: String
    /// The action.
    public var action: String
    /// The resource, as policy text.
    public var resource: String
    /// The logged `errorCode`.
    public var errorCode: String?
    /// The account that owns the resource, as the inventory or the resource's ARN says, else as the log claims it;
    /// nil when none does.
    public var owner: AccountID?
    /// True when only the log claims ``owner`` (`resources[].accountId`, chosen by whoever writes the trail): the
    /// inventory does not list the bucket. Such an owner never makes the bucket trusted.
    public var ownerClaimed: Bool?
    /// True when the message says a VPC endpoint policy denied it.
    public var byEndpointPolicy: Bool
    /// Why the request is not authorized: denied, unauthenticated, or an error code Perimeter does not know.
    public var outcome: Outcome
    /// Requests in the group.
    public var requests: Int64
    /// Seconds since 1970 of the first request.
    public var firstSeen: Int64
    /// Seconds since 1970 of the last request.
    public var lastSeen: Int64
}

/// Whether a draft grants anything the current policy does not.
public struct GrantCheck: Sendable, Hashable, Codable {
    /// (action, resource, principal) combinations checked against the current policy.
    public var checked: Int = 0
    /// Combinations the current policy refuses: the draft would grant more.
    public var exceeding: [Diagnostic] = []
    /// Combinations the current policy's conditions make unevaluable from logs alone.
    public var unprovable: [Diagnostic] = []
}

/// The draft for one endpoint.
public struct EndpointResult: Sendable {
    /// The endpoint, as the inventory and the logs describe it.
    public var endpoint: Inventory.Endpoint
    /// Its Region and service (`s3`, `dynamodb`, …), from the inventory or its requests.
    public var region: String
    /// The service prefix (`s3`, `dynamodb`, …).
    public var service: String
    /// The draft endpoint policy, and the policy in force it was compared with.
    public var draft: PolicyDocument
    /// The policy in force the draft was compared with.
    public var current: PolicyDocument
    /// False when the inventory had no policy for the endpoint and the default allow-all was assumed.
    public var currentKnown: Bool
    /// The requests behind each statement of the draft, by Sid.
    public var evidence: [String: StatementEvidence]
    /// Who each statement of the draft speaks for, by Sid, with the kind the log gave (none for AWS-owned statements).
    public var statementPrincipals: [String: [Principal]]
    /// The coarsening steps taken to fit the size limit, each said.
    public var coarsened: [Diagnostic]
    /// What else the draft's making decided (resources kept exact, prefixes widened, no logged use).
    public var notes: [Diagnostic]
    /// The draft's size in characters (the limit is ``Synthesizer/endpointPolicyLimit``).
    public var size: Int
    /// The draft evaluated against the window's requests.
    public var replay: ReplayResult
    /// Every grant of the draft evaluated against the current policy.
    public var grantCheck: GrantCheck
    /// Days from the first to the last authorized request through the endpoint (0 when none).
    public var historyDays: Int = 0
    /// Requests through the endpoint in the window, and the principals that made them.
    public var requests: Int64
    /// The principals of those requests.
    public var principals: [String]
    /// The current policy's statements, their actions used, unused and not observable.
    public var usage: [StatementUsage]
    /// With `--holdout-days`: what the draft, learned without the last days, does to them.
    public var backtest: Backtest?
    /// The evidence the draft's kind needs, each item proven, missing or contradicted.
    public var evidenceTable = EvidenceTable(.interfaceEndpoint, [])
    /// How far the draft can be trusted (from ``evidenceTable``, see ``Verdict``).
    public var verdict: Verdict = .review
    /// The items of ``evidenceTable`` not proven, each coded.
    public var reasons: [Diagnostic] = []

    /// Sets the evidence table, and the verdict and reasons that follow from it.
    mutating func judge(_ table: EvidenceTable) {
        (evidenceTable, verdict, reasons) = (table, table.verdict, table.reasons)
    }
}

/// The lock for one of our buckets.
public struct BucketResult: Sendable {
    /// The bucket and the account that owns it.
    public var bucket: String
    /// The account that owns the bucket, when known.
    public var owner: AccountID?
    /// The draft bucket policy: the current statements kept, the lock added.
    public var draft: PolicyDocument
    /// The policy in force, when the inventory has it.
    public var current: PolicyDocument?
    /// Which inventory file or resource the current policy came from.
    public var currentSource: String?
    /// The Terraform resource that sets the bucket's policy, when the inventory's state says so.
    public var terraform: TerraformResource?
    /// The endpoints the lock answers: those that used the bucket in the window.
    public var endpoints: [String]
    /// Who reaches the bucket outside the endpoints and is exempted, with why.
    public var exceptions: [Message]
    /// False when no logged request touched the bucket's objects: the lock then covers bucket-level actions only.
    public var objectAccessObserved: Bool
    /// The draft's size in UTF-8 bytes (the limit is ``Synthesizer/bucketPolicyLimit``).
    public var size: Int
    /// The lock evaluated against the window's requests to the bucket: none may be explicitly denied.
    public var replay: ReplayResult
    /// The draft's Allow statements against the current policy (kept statements grant what they did).
    public var grantCheck = GrantCheck()
    /// How the draft was made to fit the size limit, or that it could not be.
    public var notes: [Diagnostic] = []
    /// Endpoints that reached the bucket but are not shown to be the user's: never in the lock.
    public var foreignEndpoints: [String] = []
    /// Callers outside the expected endpoints the lock does not exempt (another account's principal, a
    /// caller logged only by its account), with why: the lock would deny them.
    public var held: [Message] = []
    /// The network scope the lock names (``LockScope``), and why that one.
    public var lockScope: LockScope = .endpoint
    public var lockScopeReason: Message = ""
    /// True when the inventory declares that the bucket has no policy (an empty export, a saved
    /// `NoSuchBucketPolicy` error): the current policy is known to be none.
    public var currentDeclaredAbsent = false
    /// Days from the first to the last authorized request to the bucket (0 when none).
    public var historyDays = 0
    /// The evidence a lock needs, each item proven, missing or contradicted.
    public var evidenceTable = EvidenceTable(.bucketLock, [])
    /// How far the lock can be trusted (from ``evidenceTable``).
    public var verdict: Verdict = .review
    /// The items of ``evidenceTable`` not proven, each coded.
    public var reasons: [Diagnostic] = []

    /// Sets the evidence table, and the verdict and reasons that follow from it.
    mutating func judge(_ table: EvidenceTable) {
        (evidenceTable, verdict, reasons) = (table, table.verdict, table.reasons)
    }
}

/// Everything one synthesis produced.
public struct SynthesisResult: Sendable {
    /// One draft per endpoint, sorted by id.
    public var endpoints: [EndpointResult]
    /// One lock per bucket of ours reached through an endpoint.
    public var buckets: [BucketResult]
    /// Authorized requests the drafts refuse until a human decides (outside the trusted accounts,
    /// resource not logged, not an IAM action).
    public var review: [ReviewItem]
    /// AWS-owned buckets the drafts allow, with the evidence.
    public var awsOwned: [AWSOwnedUse]
    /// Requests that were not authorized: never permissions.
    public var denials: [Denial]
    /// Of ``denials``, the writes to S3 buckets outside the trusted accounts (or of no known owner): possible
    /// exfiltration attempts, first seen first.
    public var possibleExfiltration: [Denial] = []
    /// The accounts taken as ours.
    public var trustedAccounts: [AccountID]
    /// What synthesis assumed, said out loud.
    public var assumptions: [Diagnostic]
    /// Who uses each endpoint per the flow logs, coverage gaps, bypass, AWS-owned buckets inferred.
    public var flows: FlowFindings
    /// The options the drafts were made with.
    public var options: SynthesisOptions
    /// Records the store rejected (see ``SynthesisInput/rejectedRecords``).
    public var rejectedRecords: Int64 = 0
    /// Authorized requests per endpoint and day (see ``SynthesisInput/dailyRequests``).
    public var dailyRequests: [DailyRequests] = []
    /// The window's first and last logged days (see ``SynthesisInput/loggedDays``).
    public var loggedDays: LoggedDays?
    /// Log files the store could not read (see ``SynthesisInput/failedFiles``).
    public var failedFiles: [FailedFile] = []
    /// Endpoints that cannot take a policy: no draft (verdict `not-enforceable`).
    public var notEnforceable: [NotEnforceableEndpoint] = []
    /// The organization's resource control policy draft and its replay; nil without an organization in the inventory.
    public var perimeter: OrganizationPerimeter?

    /// True when every draft kept every request it must keep and grants nothing beyond the current policy.
    public var replayPassed: Bool {
        endpoints.allSatisfy { $0.replay.passed && $0.grantCheck.exceeding.isEmpty } && buckets.allSatisfy { $0.replay.passed }
    }

    /// The worst verdict of any draft; review when there is no draft at all (nothing the logs showed
    /// went through an endpoint: that is never "ready").
    public var verdict: Verdict { (endpoints.map(\.verdict) + buckets.map(\.verdict)).max() ?? .review }

    /// The items missing or contradicted in any draft, each code once (the worst status kept), worst
    /// first, then in the order the kinds list them: what the report's first lines name.
    public var missingEvidence: [EvidenceItem] {
        var worst: [EvidenceItem.Code: EvidenceItem] = [:], order: [EvidenceItem.Code] = []
        for item in (endpoints.map(\.evidenceTable) + buckets.map(\.evidenceTable)).flatMap(\.items) where item.status != .proven {
            if let known = worst[item.code] { if item.status > known.status { worst[item.code] = item } } else {
                worst[item.code] = item
                order.append(item.code)
            }
        }
        let items = order.map { worst[$0]! }
        return items.enumerated().sorted { ($0.element.status, $1.offset) > ($1.element.status, $0.offset) }.map(\.element)
    }

    /// True when flow logs show traffic the drafts would break and the user has not accepted it.
    public var unsafeCoverageGaps: Bool { !flows.coverageGaps.isEmpty && !options.acceptCoverageGaps }
}
