/// A CloudTrail event reduced to what policies are made of.
public struct NormalizedEvent: Sendable, Hashable {
    public var eventID: String?
    /// Seconds since 1970-01-01 UTC.
    public var eventTime: Int64
    public var eventSource: String
    public var eventName: String
    public var region: String
    public var principal: Principal
    /// The role session name for assumed-role sessions (EC2 instance roles use the instance id).
    public var sessionName: String?
    public var accesses: [ResourceAccess]
    public var vpcEndpointID: VPCEndpointID?
    public var vpcEndpointAccount: AccountID?
    public var sourceIP: String?
    public var userAgent: String?
    public var recipientAccount: AccountID?
    public var outcome: Outcome
    public var errorCode: String?
    /// `Management`, `Data`, `NetworkActivity`, or nil for events older than eventVersion 1.07.
    public var category: String?

    public init(eventID: String?, eventTime: Int64, eventSource: String, eventName: String, region: String,
                principal: Principal, sessionName: String?, accesses: [ResourceAccess],
                vpcEndpointID: VPCEndpointID?, vpcEndpointAccount: AccountID?, sourceIP: String?,
                userAgent: String?, recipientAccount: AccountID?, outcome: Outcome, errorCode: String?,
                category: String?) {
        self.eventID = eventID
        self.eventTime = eventTime
        self.eventSource = eventSource
        self.eventName = eventName
        self.region = region
        self.principal = principal
        self.sessionName = sessionName
        self.accesses = accesses
        self.vpcEndpointID = vpcEndpointID
        self.vpcEndpointAccount = vpcEndpointAccount
        self.sourceIP = sourceIP
        self.userAgent = userAgent
        self.recipientAccount = recipientAccount
        self.outcome = outcome
        self.errorCode = errorCode
        self.category = category
    }
}
