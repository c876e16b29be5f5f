/// Requests folded by endpoint, principal, action, resource and outcome over a time window:
/// the evidence every proposed policy line rests on.
public struct ObservedAccess: Sendable, Hashable, Comparable {
    /// The endpoint the requests went through; nil for requests that used no endpoint.
    public var endpoint: VPCEndpointID?
    public var endpointAccount: AccountID?
    public var principal: Principal
    public var access: ResourceAccess
    public var outcome: Outcome
    public var errorCode: String?
    public var eventSource: String
    public var region: String
    public var recipientAccount: AccountID?
    public var count: Int64
    public var firstSeen: Int64
    public var lastSeen: Int64
    /// The smallest event id of the group, so that a sample is stable across runs.
    public var sampleEventID: String?
    /// Private source addresses the requests came from (at most a few, sorted).
    public var sourceIPs: [String]

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

    public static func < (lhs: ObservedAccess, rhs: ObservedAccess) -> Bool {
        (lhs.endpoint?.rawValue ?? "", lhs.principal.arn, lhs.access.action.description, lhs.access.resource, lhs.outcome.rawValue)
            < (rhs.endpoint?.rawValue ?? "", rhs.principal.arn, rhs.access.action.description, rhs.access.resource, rhs.outcome.rawValue)
    }
}
