public import AWSModel
public import JSONTape

/// Turns one CloudTrail record into a ``NormalizedEvent``: principal, IAM action(s) with resources,
/// endpoint, outcome.
public struct EventNormalizer: Sendable {
    /// Why a record was not turned into an event.
    public enum Result: Sendable {
        case event(NormalizedEvent)
        /// A record that is valid but not an API call Perimeter uses (Insight events, …).
        case skipped(reason: String)
        case rejected(code: Diagnostic.Code, reason: String)
    }

    /// The event → action table.
    public let map: EventActionMap

    /// A normalizer using `map` (the shipped table by default).
    public init(map: EventActionMap = .shared) { self.map = map }

    /// The record members the normalizer reads, found in one pass over the record.
    enum Field: Int, CaseIterable {
        case eventType, eventCategory, insightDetails, eventSource, eventName, eventTime, timestamp, awsRegion
        case recipientAccountId, userIdentity, errorCode, errorMessage, eventID, vpcEndpointId, vpcEndpointAccountId
        case sourceIPAddress, userAgent, requestParameters, resources, requestID, additionalEventData

        static let keys = JSONKeys(allCases.map { $0 == .timestamp ? "@timestamp" : "\($0)" })
    }

    /// The `userIdentity` members the normalizer reads.
    enum IdentityField: Int, CaseIterable {
        case type, accountId, arn, sessionContext, principalId, userName, invokedBy, onBehalfOf

        static let keys = JSONKeys(allCases.map { "\($0)" })
    }

    /// Normalizes one CloudTrail record: an event, a skip with its reason, or a reject with its code.
    ///
    /// ```swift
    /// let record = try JSONParser.parse(Array(text.utf8)).values[0]
    /// if case .event(let event) = EventNormalizer().normalize(record) { print(event.accesses) }
    /// ```
    public func normalize(_ record: JSONValue) -> Result {
        guard record.isObject else { return .rejected(code: .notAnObject, reason: "record is not a JSON object") }
        let fields = record.members(Field.keys)
        if let reason = Self.duplicated(fields) { return .rejected(code: .duplicateKey, reason: reason) }
        func string(_ field: Field) -> String? { fields[field.rawValue]?.string }
        let eventType = string(.eventType), category = string(.eventCategory)
        if eventType == "AwsCloudTrailInsight" || category == "Insight" || fields[Field.insightDetails.rawValue] != nil {
            return .skipped(reason: "insight event")
        }
        guard let eventSource = string(.eventSource), !eventSource.isEmpty else {
            return .rejected(code: .missingEventSource, reason: "missing eventSource")
        }
        guard let eventName = string(.eventName), !eventName.isEmpty else {
            return .rejected(code: .missingEventName, reason: "missing eventName")
        }
        if let rejected = Self.rejectedCall(eventSource: eventSource, eventName: eventName) { return rejected }
        // Read from the record's bytes: the text is only parsed, never kept.
        func stringValue(_ field: Field) -> JSONValue? { fields[field.rawValue].flatMap { $0.isString ? $0 : nil } }
        guard let timeValue = stringValue(.eventTime) ?? stringValue(.timestamp) else {
            return .rejected(code: .missingEventTime, reason: "missing eventTime")
        }
        guard let time = timeValue.withStringBytes(Timestamp.parseISO8601(utf8:)) ?? nil else {
            return .rejected(code: .malformedEventTime, reason: "malformed eventTime")
        }
        let endpointText = string(.vpcEndpointId) ?? "", region = string(.awsRegion) ?? ""
        let partition = Self.partition(region: region, identity: fields[Field.userIdentity.rawValue])
        let bucket = fields[Field.requestParameters.rawValue]?["bucketName"]?.string
        if let rejected = Self.rejectedPlace(endpoint: endpointText, region: region) { return rejected }
        if let rejected = Self.rejectedBucket(bucket, eventSource: eventSource, partition: partition) { return rejected }
        let recipient = string(.recipientAccountId).map { AccountID($0) }
        let (principal, session) = Self.principal(fields[Field.userIdentity.rawValue], recipient: recipient, partition: partition)
        // A principal's ARN becomes an `ArnEquals aws:PrincipalArn` value, where `*` and `?` are wildcards:
        // IAM names never hold them, so a record whose principal does is forged.
        guard Self.isPrincipalName(principal.arn) else {
            return .rejected(code: .principalCharacters, reason: "the principal holds characters IAM names do not use")
        }
        let errorCode = string(.errorCode)
        let outcome = Self.outcome(errorCode: errorCode, errorMessage: string(.errorMessage), anonymous: principal.kind == .anonymous)

        var accesses: [ResourceAccess] = []
        if !map.needsNoPermission(eventSource: eventSource, eventName: eventName), eventType != "AwsServiceEvent" {
            accesses = self.accesses(fields, eventSource: eventSource, eventName: eventName,
                                     network: category == NormalizedEvent.networkActivity, region: region, partition: partition,
                                     recipient: recipient)
        }
        return .event(NormalizedEvent(
            eventID: string(.eventID), eventTime: time, eventSource: eventSource, eventName: eventName,
            region: region, principal: principal, sessionName: session, accesses: accesses,
            vpcEndpointID: endpointText.isEmpty ? nil : VPCEndpointID(endpointText),
            vpcEndpointAccount: string(.vpcEndpointAccountId).map { AccountID($0) },
            sourceIP: string(.sourceIPAddress), userAgent: string(.userAgent),
            recipientAccount: recipient, outcome: outcome, errorCode: errorCode, category: category, requestID: string(.requestID),
            bytesIn: Self.byteCount(fields[Field.additionalEventData.rawValue]?["bytesTransferredIn"]),
            bytesOut: Self.byteCount(fields[Field.additionalEventData.rawValue]?["bytesTransferredOut"])))
    }

    /// Why a record's service or call is refused, if it is: an action is made of these two, and text AWS never writes
    /// could only widen it (`s3:*`).
    static func rejectedCall(eventSource: String, eventName: String) -> Result? {
        guard isEventSource(eventSource) else {
            return .rejected(code: .eventSourceCharacters, reason: "eventSource holds characters AWS does not use")
        }
        guard isEventName(eventName) else {
            return .rejected(code: .eventNameCharacters, reason: "eventName holds characters AWS does not use")
        }
        return nil
    }

    /// Why a record's bucket is refused, if it is. A bucket's name (or its alias or access point ARN) never holds a
    /// control character: a NUL cut one short where text ends at a NUL, and a write to an outside bucket showed as
    /// one to a trusted bucket. An S3 call's bucket is a bucket name (no `:` or `/`) or an access point's ARN in the
    /// record's partition (``S3AccessPoint``): any other ARN there was read as a bucket named `arn:aws:s3:…`. S3
    /// Express One Zone logs a directory bucket's name: an ARN there made the call one on no bucket at all.
    static func rejectedBucket(_ bucket: String?, eventSource: String, partition: String) -> Result? {
        guard let bucket else { return nil }
        if bucket.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) {
            return .rejected(code: .bucketNameCharacters, reason: "requestParameters.bucketName holds a control character")
        }
        let s3 = eventSource == "s3.amazonaws.com"
        // An access point is parsed only for a name holding `:` or `/` (most records name a plain bucket).
        guard s3 || eventSource == EventActionMap.s3Express, bucket.utf8.contains(where: { $0 == 58 || $0 == 47 }),
              !s3 || S3AccessPoint(bucket, partition: partition) == nil else { return nil }
        guard s3 else {
            return .rejected(code: .bucketNameNotABucket,
                             reason: "requestParameters.bucketName of an S3 Express call is no directory bucket's name")
        }
        return .rejected(code: .bucketNameNotABucket, reason: """
            requestParameters.bucketName is neither a bucket name nor an S3 access point ARN of the record's partition \
            (arn:\(partition):s3:REGION:ACCOUNT:accesspoint/NAME)
            """)
    }

    /// Why a record's endpoint or Region is refused, if it is: an endpoint id names a file and enters a policy, a
    /// Region names catalog buckets (`al2023-repos-REGION-…`) and ARNs, where a `*` would be a wildcard.
    static func rejectedPlace(endpoint: String, region: String) -> Result? {
        guard endpoint.isEmpty || VPCEndpointID.isIssuedForm(endpoint) else {
            return .rejected(code: .badEndpointID,
                reason: "vpcEndpointId is not a VPC endpoint id as AWS issues them (vpce- and lowercase letters and digits)")
        }
        guard RegionName.isWellFormed(region) else {
            return .rejected(code: .awsRegionCharacters, reason: "awsRegion is not a Region name")
        }
        return nil
    }

    /// What the call accessed, by the event table's rule for it. A network activity event proves the call's path,
    /// not its resource: AWS logs none there, and one it carried would be evidence no other record of the call
    /// backs (the joined event names it).
    func accesses(_ fields: JSONFields, eventSource: String, eventName: String, network: Bool, region: String,
                  partition: String, recipient: AccountID?) -> [ResourceAccess] {
        ResourceResolver(parameters: network ? nil : fields[Field.requestParameters.rawValue],
                         resources: network ? nil : fields[Field.resources.rawValue],
                         region: region, partition: partition, recipient: recipient)
            .accesses(for: map.rule(eventSource: eventSource, eventName: eventName))
    }

    /// A logged byte count (`bytesTransferredIn`, `bytesTransferredOut`): a JSON number, integral or not
    /// (S3 writes `500.0`), finite, not negative, held at 2^53 (an S3 object is at most 5 TB). Anything
    /// else (a string, a negative number, `1e999`) counts as not logged, 0: the record keeps its other fields.
    static func byteCount(_ value: JSONValue?) -> Int64 {
        guard let value, !value.isString, value.bool == nil, let text = value.scalarText, let number = Double(text),
              number.isFinite, number >= 0 else { return 0 }
        return Int64(min(number, 0x1p53))
    }

    /// Why the record cannot be read as one meaning: a member it reads is given twice (at the top, or
    /// anywhere in `userIdentity`, `requestParameters`, `resources` or `additionalEventData`). `"errorCode":
    /// null, "errorCode": "AccessDenied"` is a success to a reader that keeps the first and a denial to one
    /// that keeps the last.
    static func duplicated(_ fields: JSONFields) -> String? {
        if let slot = fields.duplicate, let field = Field(rawValue: slot) {
            return "`\(field == .timestamp ? "@timestamp" : "\(field)")` is given twice: JSON readers disagree on which value counts"
        }
        for field in [Field.userIdentity, .requestParameters, .resources, .additionalEventData] {
            // The logged name itself is not repeated in the reason: the reject's excerpt shows the record.
            if fields[field.rawValue]?.firstDuplicateKey() != nil {
                return "an object in `\(field)` gives one name twice: JSON readers disagree on which value counts"
            }
        }
        return nil
    }

    /// `s3.amazonaws.com`: a service's host name as AWS logs it, lowercase ASCII letters, digits, `.` and `-`, at
    /// most 128 bytes. An uppercase letter is a forgery: `S3.amazonaws.com` made an action `S3:PutObject` that no
    /// rule (and no exfiltration check) knows.
    static func isEventSource(_ text: String) -> Bool {
        all(text) { (97...122).contains($0) || (48...57).contains($0) || $0 == 46 || $0 == 45 }
    }

    /// `GetObject`, `CreateDistribution2020_05_31`: ASCII letters, digits and `_`, at most 128 bytes.
    static func isEventName(_ text: String) -> Bool {
        all(text) { isAlphanumeric($0) || $0 == 95 }
    }

    /// True when `text` has at most 128 bytes, each satisfying `allowed` (read in place, no iterator).
    @inline(__always)
    static func all(_ text: String, _ allowed: (UInt8) -> Bool) -> Bool {
        guard text.utf8.count <= 128 else { return false }
        return text.utf8.withContiguousStorageIfAvailable { $0.allSatisfy(allowed) } ?? text.utf8.allSatisfy(allowed)
    }

    /// A principal a condition may name: no `*`, `?` or `$` (wildcards and variables in `ArnEquals`),
    /// no control character, at most 2,048 bytes. IAM names never hold them; AWS writes service
    /// principals such as `AWS Internal` with a space, which is allowed.
    static func isPrincipalName(_ text: String) -> Bool {
        text.utf8.count <= 2048 && !text.utf8.contains { $0 == 42 || $0 == 63 || $0 == 36 || $0 < 32 || $0 == 127 }
    }

    static func isAlphanumeric(_ b: UInt8) -> Bool { (48...57).contains(b) || (65...90).contains(b) || (97...122).contains(b) }

    /// The partition a record was made in: its Region's (`cn-north-1` → `aws-cn`); where it logs no Region,
    /// that of its identity's ARN when well formed; `aws` when nothing logged says.
    static func partition(region: String, identity: JSONValue?) -> String {
        if let partition = Partition.of(region: region) { return partition }
        if let text = identity?["arn"]?.string, let arn = ARN(text), Partition.isWellFormed(arn.partition) { return arn.partition }
        return Partition.standard
    }

    /// The principal a policy would see, and the session name for role sessions; ARNs the record does not
    /// write are made in `partition`.
    static func principal(_ identity: JSONValue?, recipient: AccountID?, partition: String) -> (Principal, String?) {
        guard let identity, identity.isObject else { return (Principal(kind: .unknown, arn: "unknown", account: nil), nil) }
        let fields = identity.members(IdentityField.keys)
        func string(_ field: IdentityField) -> String? { fields[field.rawValue]?.string }
        let type = string(.type) ?? ""
        let account = string(.accountId).map { AccountID($0) }
        let arn = string(.arn)
        switch type {
        case "AssumedRole":
            let sessionName = arn.flatMap { arn in arn.utf8.lastIndex(of: 47).map { String(arn[arn.index(after: $0)...]) } }
            if let issuer = fields[IdentityField.sessionContext.rawValue]?["sessionIssuer"]?["arn"]?.string, !issuer.isEmpty {
                return (Principal(kind: .assumedRole, arn: issuer, account: account), sessionName)
            }
            if let arn, let role = roleARN(fromSessionARN: arn) {
                return (Principal(kind: .assumedRole, arn: role, account: account), sessionName)
            }
            return (Principal(kind: .assumedRole, arn: arn ?? string(.principalId) ?? "unknown", account: account), sessionName)
        case "IAMUser":
            let name = string(.userName) ?? ""
            let user = arn ?? "arn:\(partition):iam::\(account?.rawValue ?? ""):user/\(name)"
            return (Principal(kind: .iamUser, arn: user, account: account), nil)
        case "Root":
            let acct = account ?? recipient
            return (Principal(kind: .root, arn: "arn:\(partition):iam::\(acct?.rawValue ?? ""):root", account: acct), nil)
        case "AWSService":
            let service = string(.invokedBy) ?? string(.principalId) ?? "unknown.amazonaws.com"
            return (Principal(kind: .awsService, arn: service, account: nil), nil)
        case "AWSAccount":
            // Anonymous as CloudTrail logs it (`ANONYMOUS_PRINCIPAL`), or with no account at all: no account's root.
            guard let account, !account.rawValue.isEmpty, account.rawValue != "ANONYMOUS_PRINCIPAL" else {
                return (Principal(kind: .anonymous, arn: Principal.anonymousARN, account: nil), nil)
            }
            return (Principal(kind: .awsAccount, arn: "arn:\(partition):iam::\(account.rawValue):root", account: account), nil)
        case "FederatedUser":
            return (Principal(kind: .federatedUser, arn: arn ?? string(.principalId) ?? "unknown", account: account), nil)
        case "IdentityCenterUser":
            let user = fields[IdentityField.onBehalfOf.rawValue]?["userId"]?.string ?? string(.principalId) ?? "unknown"
            return (Principal(kind: .identityCenterUser, arn: arn ?? "identitycenter:\(user)", account: account), nil)
        case "Role":
            return (Principal(kind: .role, arn: arn ?? "unknown", account: account), nil)
        default:
            if let invokedBy = string(.invokedBy) {
                return (Principal(kind: .awsService, arn: invokedBy, account: nil), nil)
            }
            return (Principal(kind: .unknown, arn: arn ?? string(.principalId) ?? "unknown", account: account), nil)
        }
    }

    /// `arn:aws:sts::A:assumed-role/R/S` → `arn:aws:iam::A:role/R` (the role path is not in the session ARN).
    static func roleARN(fromSessionARN text: String) -> String? {
        guard let arn = ARN(text), arn.service == "sts", arn.resource.hasPrefix("assumed-role/") else { return nil }
        let parts = arn.resource.split(separator: "/")
        guard parts.count >= 2 else { return nil }
        return "arn:\(arn.partition):iam::\(arn.account):role/\(parts[1])"
    }

    /// Classifies an error code and message with ``ErrorCodeTable``: only codes AWS documents as
    /// returned after authorization count as authorized. A refused request that carried no credentials
    /// (`anonymous`) is unauthenticated, as the table calls every request that did not authenticate as a
    /// principal, not a principal's denial; a refusal by a VPC endpoint policy stays that (`perimeter check`
    /// re-admits what the applied draft refused, anonymous calls to AWS-owned buckets too).
    public static func outcome(errorCode: String?, errorMessage: String?, anonymous: Bool = false) -> Outcome {
        let outcome = ErrorCodeTable.shared.outcome(errorCode: errorCode, errorMessage: errorMessage)
        return anonymous && outcome == .denied ? .unauthenticated : outcome
    }
}
