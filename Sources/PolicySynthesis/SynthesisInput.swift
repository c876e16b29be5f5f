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
    public var granularity: Granularity = .prefix
    /// Resource patterns (wildcards allowed) the user reviewed and accepts although they are outside the trusted accounts.
    public var allowedResources: [String] = []
    /// Accept drafts although flow logs show traffic CloudTrail does not explain.
    public var acceptCoverageGaps = false
    /// The window, for the report (`YYYY-MM-DD`, inclusive; nil is open).
    public var since: String?
    public var until: String?
    /// Distinct key prefixes of one bucket in one statement beyond which `prefix` granularity uses `bucket/*`.
    public static let prefixLimit = 8

    public init() {}
}

/// Everything synthesis works from: usage from the store, the inventory, the options.
public struct SynthesisInput: Sendable {
    public var observed: [ObservedAccess]
    public var flows: [ObservedFlow]
    public var sources: [ObservedSource]
    public var eventCategories: [EventCategoryCount]
    public var inventory: Inventory
    public var options: SynthesisOptions
    /// Records the store could not read (rejects): the drafts cannot rest on them, and the report says so.
    public var rejectedRecords: Int64

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
