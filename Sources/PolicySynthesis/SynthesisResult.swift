public import AWSModel
public import IAMPolicy

/// A resource reached successfully from outside the trusted accounts (or by a principal outside them):
/// not allowed by the drafts until a human decides.
public struct ReviewItem: Sendable, Hashable, Codable {
    public var endpoint: String
    public var principal: String
    public var action: String
    public var resource: String
    public var owner: String?
    public var reason: String
    public var requests: Int64
    public var firstSeen: Int64
    public var lastSeen: Int64
}

/// An AWS-owned bucket a draft allows, with why.
public struct AWSOwnedUse: Sendable, Hashable, Codable {
    public var endpoint: String
    public var service: String
    public var feature: String
    public var bucket: String
    public var access: String
    public var source: String
    /// `logged requests (N)` or the inferred evidence (issue: flow evidence).
    public var evidence: String
    public var inferred: Bool
}

/// A denied request group, listed (never a permission).
public struct Denial: Sendable, Hashable, Codable {
    public var endpoint: String?
    public var principal: String
    public var action: String
    public var resource: String
    public var errorCode: String?
    public var byEndpointPolicy: Bool
    /// Why the request is not authorized: denied, unauthenticated, or an error code Perimeter does not know.
    public var outcome: Outcome
    public var requests: Int64
    public var firstSeen: Int64
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
    public var endpoint: Inventory.Endpoint
    public var region: String
    public var service: String
    public var draft: PolicyDocument
    public var current: PolicyDocument
    /// False when the inventory had no policy for the endpoint and the default allow-all was assumed.
    public var currentKnown: Bool
    public var evidence: [String: StatementEvidence]
    /// Who each statement of the draft speaks for, by Sid, with the kind the log gave (none for AWS-owned statements).
    public var statementPrincipals: [String: [Principal]]
    public var coarsened: [Diagnostic]
    public var notes: [Diagnostic]
    public var size: Int
    public var replay: ReplayResult
    public var grantCheck: GrantCheck
    public var requests: Int64
    public var principals: [String]
    public var usage: [StatementUsage]
    public var diff: String
}

/// The lock for one of our buckets.
public struct BucketResult: Sendable {
    public var bucket: String
    public var owner: AccountID?
    public var draft: PolicyDocument
    public var current: PolicyDocument?
    public var endpoints: [String]
    /// Who reaches the bucket outside the endpoints and is exempted, with why.
    public var exceptions: [Message]
    public var size: Int
    public var replay: ReplayResult
    public var diff: String
}

/// Everything one synthesis produced.
public struct SynthesisResult: Sendable {
    public var endpoints: [EndpointResult]
    public var buckets: [BucketResult]
    public var review: [ReviewItem]
    public var awsOwned: [AWSOwnedUse]
    public var denials: [Denial]
    public var trustedAccounts: [AccountID]
    public var assumptions: [Diagnostic]
    public var flows: FlowFindings
    public var options: SynthesisOptions
    /// Records the store rejected (see ``SynthesisInput/rejectedRecords``).
    public var rejectedRecords: Int64 = 0

    /// True when every draft kept every request it must keep and grants nothing beyond the current policy.
    public var replayPassed: Bool {
        endpoints.allSatisfy { $0.replay.passed && $0.grantCheck.exceeding.isEmpty } && buckets.allSatisfy { $0.replay.passed }
    }

    /// True when flow logs show traffic the drafts would break and the user has not accepted it.
    public var unsafeCoverageGaps: Bool { !flows.coverageGaps.isEmpty && !options.acceptCoverageGaps }
}
