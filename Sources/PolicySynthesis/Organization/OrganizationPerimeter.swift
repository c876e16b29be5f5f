public import AWSModel
public import IAMPolicy

/// Requests a draft would have refused in the window, by the caller's account.
public struct RefusedRequests: Sendable, Hashable, Codable {
    /// The caller's account (`unknown` when the record names none).
    public var account: String
    /// Requests refused.
    public var requests: Int64
    /// The principals refused.
    public var principals: [String]
}

/// A caller that reached the organization's resources from outside any endpoint (a corporate or CI
/// address): listed for review, never trusted silently. The perimeter refuses it until a human decides.
public struct OutsideCaller: Sendable, Hashable, Codable {
    /// Who.
    public var principal: String
    /// From where (the logged `sourceIPAddress`es).
    public var sourceIPs: [String]
    /// Actions it made.
    public var actions: [String]
    /// Requests.
    public var requests: Int64
}

/// The organization's network perimeter as a resource control policy (`org/rcp-network-perimeter.json`):
/// deny requests to the organization's resources of the services seen unless they come through the
/// organization's endpoints, with AWS's guards (service principals, calls services make on a caller's
/// behalf) and the exceptions the window shows (third-party endpoints that reached the resources).
/// Each service uses the widest key the key table lists for it (`aws:VpceOrgID`), else the
/// organization's endpoints one by one (`aws:SourceVpce`).
public struct OrganizationPerimeter: Sendable {
    /// Organizations' size limit for a resource control policy, in characters.
    public static let limit = 5_120
    /// Where the draft is written under `--out`.
    public static let file = "org/rcp-network-perimeter.json"
    /// The services resource control policies apply to that Perimeter drafts for (Organizations User Guide,
    /// "Resource control policies (RCPs)", https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html,
    /// read 2026-12-07; DOMAIN.md G).
    static let services: Set<String> = ["aoss", "cognito-idp", "dynamodb", "ecr", "kms", "logs", "s3", "secretsmanager", "sqs", "sts"]

    /// The organization id.
    public var organization: String
    /// The draft.
    public var draft: PolicyDocument
    /// Its size in characters as written.
    public var size: Int
    /// The network key each service's statement uses.
    public var keys: [String: String]
    /// Owners of third-party endpoints (outside the organization) that reached the resources: exempted.
    public var thirdPartyAccounts: [String]
    /// Third-party endpoints exempted by id where their service takes no `aws:VpceAccount`.
    public var thirdPartyEndpoints: [String]
    /// Callers from outside any endpoint: refused, listed for review.
    public var outsideCallers: [OutsideCaller]
    /// The window's requests to the organization's resources of those services against the draft.
    public var replay: ReplayResult
    /// The requests it would have refused, by the caller's account.
    public var refused: [RefusedRequests]
    /// How far it can be trusted, and why.
    public var verdict: Verdict
    public var reasons: [Message]
    /// What a resource control policy does not cover.
    public var notCovered: [Message]
}
