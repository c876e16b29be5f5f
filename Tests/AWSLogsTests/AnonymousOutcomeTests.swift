import Testing
@testable import AWSLogs
import AWSModel
import JSONTape

/// A request without credentials, as CloudTrail logs it, and what its error says about authorization.
struct AnonymousOutcomeTests {
    static func record(identity: String, errorCode: String?, region: String) -> String {
        """
        {"eventVersion":"1.09","eventTime":"2026-11-02T10:00:00Z","awsRegion":"\(region)","eventSource":"s3.amazonaws.com",\
        "eventName":"PutObject","userIdentity":\(identity),"requestParameters":{"bucketName":"drop-9","key":"k"},\
        \(errorCode.map { "\"errorCode\":\"\($0)\",\"errorMessage\":\"Access Denied\"," } ?? "")\
        "recipientAccountId":"999988887777","eventID":"e1","vpcEndpointId":"vpce-0a1b2c3d4e5f60718"}
        """
    }

    static let anonymous = #"{"type":"AWSAccount","principalId":"","accountId":"ANONYMOUS_PRINCIPAL"}"#
    static let role = #"{"type":"AssumedRole","accountId":"111122223333","arn":"arn:aws:sts::111122223333:assumed-role/app/i-1"}"#

    /// A refused anonymous write was listed as `denied` where the project tells denials from requests that did not
    /// authenticate as a principal (an anonymous probe is `unauthenticated` everywhere else). Anonymous as CloudTrail
    /// logs it and with no account (empty or absent), in two partitions; its refusal by the endpoint policy, its
    /// success and its failure after authorization stay what they are; a principal's and an account's denials stay
    /// denials.
    @Test(arguments: [
        (anonymous, "AccessDenied", "us-east-1", Outcome.unauthenticated, Principal.Kind.anonymous),
        (#"{"type":"AWSAccount","principalId":"","accountId":""}"#, "AccessDenied", "cn-north-1", .unauthenticated, .anonymous),
        (#"{"type":"AWSAccount","principalId":""}"#, "AccessDenied", "us-gov-west-1", .unauthenticated, .anonymous),
        (anonymous, "VpceAccessDenied", "eu-west-1", .deniedByEndpointPolicy, .anonymous),
        (anonymous, nil, "us-east-1", .success, .anonymous),
        (anonymous, "NoSuchKey", "us-east-1", .failedAfterAuthorization, .anonymous),
        (role, "AccessDenied", "us-east-1", .denied, .assumedRole),
        (#"{"type":"AWSAccount","principalId":"AIDAEXAMPLE","accountId":"999988887777"}"#, "AccessDenied", "cn-north-1", .denied,
         .awsAccount),
    ] as [(String, String?, String, Outcome, Principal.Kind)])
    func aDeniedAnonymousWriteWasListedAsDenied(identity: String, errorCode: String?, region: String, outcome: Outcome,
                                               kind: Principal.Kind) throws {
        let event = try HostileRecordTests.event(Self.record(identity: identity, errorCode: errorCode, region: region))
        #expect(event.outcome == outcome)
        #expect(event.principal.kind == kind)
    }
}
