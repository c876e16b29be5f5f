public import AWSModel
public import IAMPolicy
public import Inventory

/// One endpoint of an applied `--out` folder: the draft applied and the policy it replaced.
public struct AppliedEndpoint: Sendable {
    public var id: VPCEndpointID
    /// `endpoints/<id>.json`, parsed: the policy in force since the apply.
    public var applied: PolicyDocument
    /// `current/endpoints/<id>.json`, parsed: the policy before the apply; AWS's full-access default when the
    /// run had none (`beforeKnown` false). No amendment grants more than it.
    public var before: PolicyDocument
    public var beforeKnown: Bool
    /// What the run's summary says of the endpoint (its type, VPC, service), when it says it.
    public var endpoint: Inventory.Endpoint

    /// An endpoint as the reader found it.
    package init(id: VPCEndpointID, applied: PolicyDocument, before: PolicyDocument, beforeKnown: Bool, endpoint: Inventory.Endpoint) {
        self.id = id
        self.applied = applied
        self.before = before
        self.beforeKnown = beforeKnown
        self.endpoint = endpoint
    }
}

/// The `--out` folder of an earlier run whose endpoint drafts were applied, as `perimeter check` reads it:
/// only the files its `.perimeter-manifest` lists, never through a symbolic link, each policy parsed.
/// The summary and the `current/` copies bound what an amendment may grant, so they must still have
/// the digest the manifest gives; a draft may have been edited before it was applied (read as it is, and said).
public struct AppliedFolder: Sendable {
    public var endpoints: [AppliedEndpoint]
    public var trustedAccounts: Set<AccountID>
    /// Bucket owners the run knew (summary `buckets[].owner`).
    public var bucketOwners: [String: AccountID]
    /// The last day the run learned from (`window.lastLoggedDay`), when the summary gives one.
    public var lastLoggedDay: String?
    /// What the reader noticed (drafts edited since the run wrote them).
    public var notes: [String]

    /// A folder's contents as the reader found them.
    package init(endpoints: [AppliedEndpoint], trustedAccounts: Set<AccountID>, bucketOwners: [String: AccountID],
                 lastLoggedDay: String?, notes: [String]) {
        self.endpoints = endpoints
        self.trustedAccounts = trustedAccounts
        self.bucketOwners = bucketOwners
        self.lastLoggedDay = lastLoggedDay
        self.notes = notes
    }
}
