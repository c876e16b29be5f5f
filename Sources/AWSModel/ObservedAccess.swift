/// Requests folded by endpoint, principal, action, resource and outcome over a time window:
/// the evidence every proposed policy line rests on.
public struct ObservedAccess: Sendable, Hashable, Comparable {
    /// The endpoint the requests went through; nil for requests that used no endpoint.
    public var endpoint: VPCEndpointID?
    /// The account that owns the endpoint, as CloudTrail's `vpcEndpointAccountId` says (never a reason to trust it).
    public var endpointAccount: AccountID?
    /// Who made the requests.
    public var principal: Principal
    /// The action and the resource they needed.
    public var access: ResourceAccess
    /// Whether they got past authorization.
    public var outcome: Outcome
    /// The error code CloudTrail logged, if any.
    public var errorCode: String?
    /// The service endpoint that logged them (`s3.amazonaws.com`).
    public var eventSource: String
    /// The Region they were made in.
    public var region: String
    /// The account whose trail logged them.
    public var recipientAccount: AccountID?
    /// How many requests the group holds.
    public var count: Int64
    /// Seconds since 1970 of the first request of the group.
    public var firstSeen: Int64
    /// Seconds since 1970 of the last request of the group.
    public var lastSeen: Int64
    /// The smallest event id of the group, so that a sample is stable across runs.
    public var sampleEventID: String?
    /// Private source addresses the requests came from (at most a few, sorted).
    public var sourceIPs: [String]
    /// True when `access.resource` is a pattern the store summed logged resources under (object keys
    /// generalized), false when it is a resource as logged (which may itself be a pattern Perimeter's
    /// rules wrote, such as a batch delete's `bucket/*`).
    public var generalized = false
    /// True when the requests were seen only in network activity events (no data or management event of
    /// the same call): principal, action and endpoint are proven, the resource is not visible.
    public var networkOnly = false

    /// A group of requests, as the store's aggregates give it.
    public init(endpoint: VPCEndpointID?, endpointAccount: AccountID?, principal: Principal, access: ResourceAccess,
                outcome: Outcome, errorCode: String?, eventSource: String, region: String,
                recipientAccount: AccountID?, count: Int64, firstSeen: Int64, lastSeen: Int64,
                sampleEventID: String?, sourceIPs: [String]) {
        self.endpoint = endpoint
        self.endpointAccount = endpointAccount
        self.principal = principal
        self.access = access
        self.outcome = outcome
        self.errorCode = errorCode
        self.eventSource = eventSource
        self.region = region
        self.recipientAccount = recipientAccount
        self.count = count
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.sampleEventID = sampleEventID
        self.sourceIPs = sourceIPs
    }

    /// The texts ``<`` compares, in its order, for `sorted(byTexts:)` (an action's text orders as its
    /// service and name do: a parsed service has no colon).
    public static let orderTexts: [@Sendable (ObservedAccess) -> String] = [
        { $0.endpoint?.rawValue ?? "" }, { $0.principal.arn }, { $0.access.action.description }, { $0.access.resource.text },
            { $0.outcome.rawValue },
    ]

    /// By endpoint, principal, action (as written), resource and outcome, field by field: no action text is
    /// made unless the services differ (a sort of a long window's groups compares them a million times).
    public static func < (lhs: ObservedAccess, rhs: ObservedAccess) -> Bool {
        let (le, re) = (lhs.endpoint?.rawValue ?? "", rhs.endpoint?.rawValue ?? "")
        if !TextBytes.equal(le, re) { return TextBytes.less(le, re) }
        if !TextBytes.equal(lhs.principal.arn, rhs.principal.arn) { return TextBytes.less(lhs.principal.arn, rhs.principal.arn) }
        let (la, ra) = (lhs.access.action, rhs.access.action)
        // "service:name" compared as text: with equal services that is the names' order.
        if la.service != ra.service { return la.description < ra.description }
        if la.name != ra.name { return la.name < ra.name }
        if lhs.access.resource != rhs.access.resource { return lhs.access.resource < rhs.access.resource }
        return lhs.outcome.rawValue < rhs.outcome.rawValue
    }
}

extension ObservedAccess {
    /// How many of a group's source addresses it keeps.
    public static let sourceIPLimit = 5

    /// `accesses` with each group's source addresses (the first ``sourceIPLimit``, in order) taken from
    /// `sources` of the same window: those of the same endpoint and principal.
    public static func withSourceIPs(_ accesses: [ObservedAccess], from sources: [ObservedSource]) -> [ObservedAccess] {
        struct Key: Hashable { var endpoint: VPCEndpointID?; var principal: String }
        var ips: [Key: Set<String>] = [:]
        for s in sources { ips[Key(endpoint: s.endpoint, principal: s.principalARN), default: []].insert(s.sourceIP) }
        let sorted = ips.mapValues { Array($0.sorted().prefix(sourceIPLimit)) }
        return accesses.map { access in
            var access = access
            access.sourceIPs = sorted[Key(endpoint: access.endpoint, principal: access.principal.arn)] ?? []
            return access
        }
    }
}

extension ObservedAccess {
    /// Adds requests to this group's sums (counts saturate; a first time of 0 is undated).
    public mutating func absorb(count: Int64, firstSeen: Int64, lastSeen: Int64, sample: String?) {
        self.count = self.count.addingSaturated(count)
        if firstSeen > 0 { self.firstSeen = self.firstSeen == 0 ? firstSeen : min(self.firstSeen, firstSeen) }
        self.lastSeen = max(self.lastSeen, lastSeen)
        if let sample { sampleEventID = sampleEventID.map { min($0, sample) } ?? sample }
    }

    /// Adds `other`'s requests to this group's sums.
    public mutating func absorb(_ other: ObservedAccess) {
        absorb(count: other.count, firstSeen: other.firstSeen, lastSeen: other.lastSeen, sample: other.sampleEventID)
    }
}
