/// A CloudTrail event reduced to what policies are made of.
public struct NormalizedEvent: Sendable, Hashable {
    /// CloudTrail's `eventID`: a record delivered twice counts once.
    public var eventID: String?
    /// Seconds since 1970-01-01 UTC.
    public var eventTime: Int64
    /// The service that logged it (`s3.amazonaws.com`), validated: ASCII letters, digits, `.` and `-`.
    public var eventSource: String
    /// The API call (`GetObject`), validated: ASCII letters, digits and `_`.
    public var eventName: String
    /// `awsRegion`.
    public var region: String
    /// Who made the request, as a policy names it.
    public var principal: Principal
    /// The role session name for assumed-role sessions (EC2 instance roles use the instance id).
    public var sessionName: String?
    /// Each (action, resource) the call needed, resources as policy text (see `PolicyText`).
    public var accesses: [ResourceAccess]
    /// The endpoint the request went through, validated (`vpce-` and letters or digits).
    public var vpcEndpointID: VPCEndpointID?
    /// `vpcEndpointAccountId`, when CloudTrail logs it.
    public var vpcEndpointAccount: AccountID?
    /// `sourceIPAddress`.
    public var sourceIP: String?
    /// `userAgent`.
    public var userAgent: String?
    /// `recipientAccountId`: the account whose trail holds the record.
    public var recipientAccount: AccountID?
    /// What authorization made of it (see `Outcome`).
    public var outcome: Outcome
    /// `errorCode`, when the call failed.
    public var errorCode: String?
    /// `Management`, `Data`, `NetworkActivity`, or nil for events older than eventVersion 1.07.
    public var category: String?
    /// `requestID`: a network activity event and the data or management event of the same call share it.
    public var requestID: String?

    /// True for a network activity event (`eventCategory` `NetworkActivity`): one call through an
    /// endpoint, its resource not logged.
    public var isNetworkActivity: Bool { category == NormalizedEvent.networkActivity }

    /// The `eventCategory` of network activity events.
    public static let networkActivity = "NetworkActivity"

    /// `additionalEventData.bytesTransferredIn`: bytes the request sent to the service (0 when not logged
    /// or not a count).
    public var bytesIn: Int64 = 0
    /// `additionalEventData.bytesTransferredOut`: bytes the service sent back (0 when not logged or not a count).
    public var bytesOut: Int64 = 0

    /// An event as the normalizer makes it.
    public init(eventID: String?, eventTime: Int64, eventSource: String, eventName: String, region: String,
                principal: Principal, sessionName: String?, accesses: [ResourceAccess],
                vpcEndpointID: VPCEndpointID?, vpcEndpointAccount: AccountID?, sourceIP: String?,
                userAgent: String?, recipientAccount: AccountID?, outcome: Outcome, errorCode: String?,
                category: String?, requestID: String? = nil, bytesIn: Int64 = 0, bytesOut: Int64 = 0) {
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
        self.requestID = requestID
        self.bytesIn = bytesIn
        self.bytesOut = bytesOut
    }
}
