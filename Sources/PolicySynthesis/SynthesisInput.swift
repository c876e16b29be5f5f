public import AWSModel

/// How object keys are generalized in drafts.
public enum Granularity: String, Sendable, CaseIterable, Codable {
    /// Every object ARN as logged.
    case exact
    /// The key's first path segment: `uploads/2026/11/x.json` → `uploads/*`; keys without `/` stay exact;
    /// more than ``SynthesisOptions/prefixLimit`` prefixes in one bucket become `bucket/*`.
    case prefix
    /// `bucket/*` for every object.
    case bucket
}

/// What the user decided.
public struct SynthesisOptions: Sendable {
    /// Accounts whose resources and principals are ours; empty means: learn them (inventory, then logs).
    public var trustedAccounts: [AccountID] = []
    /// How object keys are generalized.
    public var granularity: Granularity = .prefix
    /// Resource patterns (wildcards allowed) the user reviewed and accepts although they are outside the trusted accounts.
    public var allowedResources: [String] = []
    /// Accept drafts although flow logs show traffic CloudTrail does not explain.
    public var acceptCoverageGaps = false
    /// The window, for the report (`YYYY-MM-DD`, inclusive; nil is open).
    public var since: String?
    /// The window's last day.
    public var until: String?
    /// Distinct key prefixes of one bucket in one statement beyond which `prefix` granularity uses `bucket/*`.
    public static let prefixLimit = 8

    /// The defaults: learn the trusted accounts, `prefix` granularity, nothing accepted.
    public init() {}
}

/// Everything synthesis works from: usage from the store, the inventory, the options.
public struct SynthesisInput: Sendable {
    /// Request groups (endpoint, principal, action, resource) over the window.
    public var observed: [ObservedAccess]
    /// Folded flow records over the window.
    public var flows: [ObservedFlow]
    /// Who made requests from which address.
    public var sources: [ObservedSource]
    /// Events by source and category: what kinds of events the trail delivered.
    public var eventCategories: [EventCategoryCount]
    /// Endpoints, accounts, buckets and current policies.
    public var inventory: Inventory
    /// What the user decided.
    public var options: SynthesisOptions
    /// Records the store could not read (rejects): the drafts cannot rest on them, and the report says so.
    public var rejectedRecords: Int64

    /// An input; everything but the observed requests may be empty.
    public init(observed: [ObservedAccess], flows: [ObservedFlow] = [], sources: [ObservedSource] = [],
                eventCategories: [EventCategoryCount] = [], inventory: Inventory = Inventory(), options: SynthesisOptions = SynthesisOptions(),
                rejectedRecords: Int64 = 0) {
        self.rejectedRecords = rejectedRecords
        self.observed = observed
        self.flows = flows
        self.sources = sources
        self.eventCategories = eventCategories
        self.inventory = inventory
        self.options = options
    }
}
