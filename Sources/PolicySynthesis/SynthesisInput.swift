public import AWSModel
public import Inventory

/// How object keys are generalized in drafts.
public enum Granularity: String, Sendable, CaseIterable, Codable {
    /// Every object ARN as logged.
    case exact
    /// The key's first path segment: `uploads/2026/11/x.json` → `uploads/*`; keys without `/` stay exact;
    /// more than ``SynthesisOptions/prefixLimit`` prefixes in one bucket become `bucket/*`.
    case prefix
    /// `bucket/*` for every object.
    case bucket
    /// The organization's resources by `aws:ResourceOrgID` (one statement for the actions and principals seen on
    /// them); AWS-owned and reviewed resources by name, object keys as at `prefix`.
    case org
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
    /// Days of logged use each kind of draft needs (`--minimum-days`, `--minimum-lock-days`).
    public var minimumDays = MinimumDays()
    /// Principals a bucket lock exempts for the bucket-policy actions (`--admin-principal`), so that the
    /// policy can still be changed and rolled back.
    public var adminPrincipals: [String] = []
    /// The AWS CLI profile `apply.sh` and `rollback.sh` use per account (`--profile-map`, read by `Reporting.ProfileMap`);
    /// an account without one uses the default credentials. Either way each account's block checks them first.
    public var profiles: [AccountID: String] = [:]
    /// What bucket locks name as the expected network (`--lock-scope`).
    public var lockScope: LockScope = .endpoint
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
    /// Authorized requests per endpoint and day, over the window and any held-out days, for the report.
    public var dailyRequests: [DailyRequests] = []
    /// The first and last day the store holds records for in the window (`YYYY-MM-DD`), for the report.
    public var loggedDays: LoggedDays?
    /// At `exact` granularity: endpoints whose object keys were folded to prefixes as the store was read,
    /// because no exact draft could hold them (``AccessFolding/Collected/foldedExact``).
    public var foldedExact: Set<VPCEndpointID> = []
    /// Today's endpoint policies' answers the fold already gave (``AccessFolding/answers``), for the builder.
    public var policyAnswers = PolicyAnswers()
    /// Log files the store could not read, with their reasons: every draft of their account and
    /// Region is then unproven.
    public var failedFiles: [FailedFile] = []
    /// What each address's authorized requests through each endpoint moved: what explains its flow bytes.
    public var sourceVolumes: [SourceVolume] = []
    /// The services' published address ranges that place default-format flow records (nil: none, and
    /// such records prove nothing).
    public var ipRanges: ServiceRanges?

    /// An input; everything but the observed requests may be empty.
    public init(observed: [ObservedAccess], flows: [ObservedFlow] = [], sources: [ObservedSource] = [],
                eventCategories: [EventCategoryCount] = [], inventory: Inventory = Inventory(),
                options: SynthesisOptions = SynthesisOptions(),
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

/// The first and last logged day of a window, `YYYY-MM-DD`, both inclusive.
public struct LoggedDays: Sendable, Hashable, Codable {
    /// The first day with a record.
    public var first: String
    /// The last day with a record.
    public var last: String

    /// The days from `first` through `last`.
    public init(first: String, last: String) {
        self.first = first
        self.last = last
    }
}
