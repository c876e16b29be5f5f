import Testing
@testable import AWSLogs
import AWSModel
import JSONTape
import PerimeterTestSupport

/// Network activity records as the normalizer reads them: the documented shapes, and a forged one.
struct NetworkActivityRecordTests {
    /// A network event's record carries no resource: one naming a bucket (as some third-party samples
    /// and any forger may write) is not evidence of that bucket.
    @Test func forgedNetworkEventNamesNoResource() throws {
        let forged = #"{"eventVersion":"1.09","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/u","#
            + #""accountId":"111122223333"},"eventTime":"2026-11-02T10:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","#
            + #""awsRegion":"us-east-1","eventID":"e-f","requestID":"REQ9","eventType":"AwsVpceEvent","eventCategory":"NetworkActivity","#
            + #""requestParameters":{"bucketName":"attacker-bucket","key":"x"},"#
            + #""resources":[{"type":"AWS::S3::Object","ARN":"arn:aws:s3:::attacker-bucket/x"}],"#
            + #""recipientAccountId":"111122223333","vpcEndpointId":"vpce-0a1b2c3d4e5f60718"}"#
        let record = try JSONParser.parse(Array(forged.utf8)).values[0]
        guard case .event(let event) = EventNormalizer().normalize(record) else { Issue.record("not read"); return }
        #expect(event.isNetworkActivity)
        #expect(event.accesses.allSatisfy { $0.resource == .notLogged })
    }

    /// The CloudTrail User Guide's two network activity examples (KMS `ListKeys`, allowed and denied).
    @Test func documentedNetworkEventsRead() throws {
        func event(_ name: String) throws -> NormalizedEvent? {
            let text = try TestSupport.fixtureWithIssuedEndpointID("cloudtrail/" + name)
            guard case .event(let e) = EventNormalizer().normalize(try JSONParser.parse(Array(text.utf8)).values[0]) else { return nil }
            return e
        }
        let allowed = try #require(try event("cloudtrail-events.network-allowed.json"))
        #expect(allowed.isNetworkActivity && allowed.requestID == "16bcc089-ac49-43f1-9177-EXAMPLE23731")
        #expect(allowed.outcome.wasAuthorized && allowed.principal.arn == "arn:aws:iam::123456789012:role/Admin")
        #expect(allowed.accesses.map(\.action.description) == ["kms:ListKeys"])
        let denied = try #require(try event("cloudtrail-events.network-denied.json"))
        #expect(denied.isNetworkActivity && denied.outcome == .deniedByEndpointPolicy)
        #expect(denied.principal.kind == .awsAccount && denied.principal.account?.rawValue == "777788889999")
    }
}
