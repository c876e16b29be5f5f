import AWSModel
import JSONTape

/// Builds CloudTrail records as JSON text, the shape the S3 delivery files hold (for the sample
/// scenario and the benchmark corpus). Field order and spelling follow real records.
public struct TrailRecordBuilder: Sendable {
    /// Who made the request, as `userIdentity` shows it.
    public enum Identity: Sendable {
        case role(account: String, name: String, session: String)
        case user(account: String, name: String)
        case service(String)
        case anonymous
        case account(String)
    }

    /// `eventTime`, seconds since 1970.
    public var time: Int64
    /// `eventSource` (`s3.amazonaws.com`).
    public var source: String
    /// `eventName` (`GetObject`).
    public var name: String
    /// `awsRegion`.
    public var region = "us-east-1"
    /// `userIdentity`.
    public var identity: Identity
    /// `sourceIPAddress`.
    public var sourceIP: String
    /// `userAgent`.
    public var userAgent = "aws-sdk-java/2.25.40 Linux/6.1.112-124.190.amzn2023.x86_64 OpenJDK_64-Bit_Server_VM/17.0.12+7-LTS"
    /// The `requestParameters` object as JSON text.
    public var parameters = "null"
    /// `resources`: type, ARN and owner account.
    public var resources: [(type: String, arn: String, account: String?)] = []
    /// `recipientAccountId`.
    public var recipient: String
    /// `vpcEndpointId` and `vpcEndpointAccountId`, when the request went through one.
    public var endpoint: (id: String, account: String)?
    /// `errorCode` and `errorMessage`.
    public var error: (code: String, message: String)?
    /// `eventCategory`.
    public var category = "Data"
    /// `readOnly`.
    public var readOnly = true
    /// `eventID`.
    public var eventID: String

    /// A record with the fields every record has.
    public init(time: Int64, source: String, name: String, identity: Identity, sourceIP: String, recipient: String, eventID: String) {
        self.time = time
        self.source = source
        self.name = name
        self.identity = identity
        self.sourceIP = sourceIP
        self.recipient = recipient
        self.eventID = eventID
    }

    /// The partition of ``region``: the one the identity's ARNs are in.
    public var partition: String { Partition.of(region: region) ?? Partition.standard }

    var identityJSON: String {
        switch identity {
        case let .role(account, name, session):
            return """
                {"type":"AssumedRole","principalId":"AROA\(account.prefix(8))EXAMPLE:\(session)",\
                "arn":"arn:\(partition):sts::\(account):assumed-role/\(name)/\(session)",\
                "accountId":"\(account)","accessKeyId":"ASIA\(account.suffix(8))EXAMPLE","sessionContext":{"sessionIssuer":{"type":"Role",\
                "principalId":"AROA\(account.prefix(8))EXAMPLE","arn":"arn:\(partition):iam::\(account):role/\(name)",\
                "accountId":"\(account)",\
                "userName":"\(name.split(separator: "/").last ?? "")"},"attributes":{"creationDate":"\(Timestamp.iso8601(time - 600))",\
                "mfaAuthenticated":"false"},\
                "ec2RoleDelivery":"2.0"}}
                """
        case let .user(account, name):
            return #"""
                {"type":"IAMUser","principalId":"AIDA\#(account.prefix(8))EXAMPLE",\#
                "arn":"arn:\#(partition):iam::\#(account):user/\#(name)","accountId":"\#(account)","userName":"\#(name)"}
                """#
        case .service(let service):
            return #"{"type":"AWSService","invokedBy":"\#(service)"}"#
        case .anonymous:
            return #"{"type":"AWSAccount","principalId":"","accountId":"ANONYMOUS_PRINCIPAL"}"#
        case .account(let account):
            return #"{"type":"AWSAccount","principalId":"AROA\#(account.prefix(8))EXAMPLE:session","accountId":"\#(account)"}"#
        }
    }

    /// The record as one line of JSON.
    public var json: String {
        var s = #"{"eventVersion":"1.10","userIdentity":"# + identityJSON
        s += #","eventTime":""# + Timestamp.iso8601(time) + #"","eventSource":""# + source + #"","eventName":""# + name
        s += #"","awsRegion":""# + region + #"","sourceIPAddress":"# + JSONString.quote(sourceIP) + #","userAgent":"#
            + JSONString.quote(userAgent)
        if let error { s += #","errorCode":"# + JSONString.quote(error.code) + #","errorMessage":"# + JSONString.quote(error.message) }
        s += #","requestParameters":"# + parameters + #","responseElements":null"#
        if source == "s3.amazonaws.com" && category == "Data" {
            s += #"""
                ,"additionalEventData":{"SignatureVersion":"SigV4","CipherSuite":"TLS_AES_128_GCM_SHA256","bytesTransferredIn":0,\#
                "AuthenticationMethod":"AuthHeader","x-amz-id-2":"EXAMPLE+ID2","bytesTransferredOut":1024}
                """#
        }
        s += #","requestID":""# + requestID + #"","eventID":""# + eventID + #"","readOnly":"# + (readOnly ? "true" : "false")
        if !resources.isEmpty {
            s += #","resources":["# + resources.map { r in
                let account = r.account.map { #","accountId":""# + $0 + #"""# } ?? ""
                return #"{"type":""# + r.type + #"","ARN":"# + JSONString.quote(r.arn) + account + "}"
            }.joined(separator: ",") + "]"
        }
        s += #","eventType":"AwsApiCall","managementEvent":"# + (category == "Management" ? "true" : "false")
        s += #","recipientAccountId":""# + recipient + #"""#
        if let endpoint { s += #","vpcEndpointId":""# + endpoint.id + #"","vpcEndpointAccountId":""# + endpoint.account + #"""# }
        s += #","eventCategory":""# + category + #"","tlsDetails":{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","#
            + #""clientProvidedHostHeader":"s3.us-east-1.amazonaws.com"}}"#
        return s
    }
}

extension TrailRecordBuilder {
    /// The network activity event of this call, as the CloudTrail User Guide shows them ("Network activity
    /// events"): the same time, source, name, Region, address, error and `requestID`, an event id of its
    /// own, no parameters, resources or user agent, sent to the endpoint's owner; a caller of another
    /// account appears only as its account. Nil for a call through no endpoint.
    public var networkJSON: String? {
        guard let endpoint else { return nil }
        var caller = self
        switch identity {
        case let .role(account, _, _) where account != endpoint.account, let .user(account, _) where account != endpoint.account:
            caller.identity = .account(account)
        default: break
        }
        var s = #"{"eventVersion":"1.09","userIdentity":"# + caller.identityJSON
        s += #","eventTime":""# + Timestamp.iso8601(time) + #"","eventSource":""# + source + #"","eventName":""# + name
        s += #"","awsRegion":""# + region + #"","sourceIPAddress":"# + JSONString.quote(sourceIP)
        if let error { s += #","errorCode":"# + JSONString.quote(error.code) + #","errorMessage":"# + JSONString.quote(error.message) }
        s += #","requestID":""# + requestID + #"","eventID":""# + String(eventID.reversed()) + #"","eventType":"AwsVpceEvent""#
        s += #","recipientAccountId":""# + endpoint.account + #"","vpcEndpointId":""# + endpoint.id
        s += #"","vpcEndpointAccountId":""# + endpoint.account + #"","eventCategory":"NetworkActivity"}"#
        return s
    }

    /// `requestID`: the data or management event and the network activity event of a call share it.
    var requestID: String { String(eventID.prefix(16)).uppercased() }
}

/// A small deterministic random number generator (SplitMix64), so samples are byte-identical per seed.
public struct SampleRandom: Sendable {
    var state: UInt64
    /// A generator drawn from `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `range` (which must not be empty).
    public mutating func int(_ range: Range<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }

    /// One of `items` (which must not be empty).
    public mutating func pick<T>(_ items: [T]) -> T { items[int(0..<items.count)] }

    /// A UUID-shaped id.
    public mutating func uuid() -> String {
        let a = next(), b = next()
        func hex(_ v: UInt64, _ n: Int) -> String {
            let s = String(v, radix: 16)
            return String((String(repeating: "0", count: max(0, n - s.count)) + s).suffix(n))
        }
        return "\(hex(a >> 32, 8))-\(hex((a >> 16) & 0xffff, 4))-4\(hex(a & 0xfff, 3))-a\(hex(b >> 52, 3))-\(hex(b & 0xffff_ffff_ffff, 12))"
    }
}
