import Foundation
import JSONTape
import PerimeterTestSupport
import Testing

/// A trail whose records an attacker wrote (object keys, bucket names, whole records), through the built binary with
/// SampleLogs' inventory: what each output says of them.
@Suite(.serialized)
struct HostileTrailEndToEndTests {
    static let root = TestSupport.repositoryRoot.path
    static let account = "111122223333"

    /// One S3 data event through the sample's S3 endpoint; `identity` nil is the sample's app-server role.
    static func record(_ n: Int, _ name: String, bucket: String, key: String, resources: String, denied: Bool = false,
                       identity: String? = nil, source: String = "s3.amazonaws.com", region: String = "us-east-1") -> String {
        let partition = region.hasPrefix("cn-") ? "aws-cn" : "aws"
        let role = """
            {"type":"AssumedRole","accountId":"\(account)","arn":"arn:\(partition):sts::\(account):assumed-role/app-server/s",\
            "sessionContext":{"sessionIssuer":{"arn":"arn:\(partition):iam::\(account):role/app-server"}}}
            """
        return """
            {"eventVersion":"1.10","userIdentity":\(identity ?? role),"eventTime":"2026-11-03T02:\(String(format: "%02d", n)):00Z",\
            "eventSource":"\(source)","eventName":"\(name)","awsRegion":"\(region)","sourceIPAddress":"10.0.1.21",\
            "requestParameters":{"bucketName":\(JSONString.quote(bucket)),"key":\(JSONString.quote(key))},"requestID":"R\(n)",\
            "eventID":"00000000-0000-0000-0000-\(String(format: "%012d", n))","resources":\(resources),"eventType":"AwsApiCall",\
            \(denied ? #""errorCode":"AccessDenied","errorMessage":"Access Denied","# : "")\
            "recipientAccountId":"\(account)","vpcEndpointId":"vpce-01a2b3c4d5e6f7a80","eventCategory":"Data"}
            """
    }

    static func objects(_ bucket: String, _ key: String, owner: String? = nil, partition: String = "aws") -> String {
        let arn = "arn:\(partition):s3:::\(bucket)"
        return #"[{"type":"AWS::S3::Object","ARN":\#(JSONString.quote(arn + "/" + key))},{"type":"AWS::S3::Bucket","ARN":"\#(arn)""#
            + (owner.map { #","accountId":"\#($0)""# } ?? "") + "}]"
    }

    static var records: [String] {
        let express = "arn:aws:s3express:us-west-2:999988887777:bucket/drop--usw2-az1--x-s3"
        return [
            record(1, "PutObject", bucket: "acme-app-data", key: "a\u{0}b", resources: objects("acme-app-data", "a\u{0}b", owner: account)),
            record(2, "GetObject", bucket: "acme-app-data", key: "a", resources: objects("acme-app-data", "a", owner: account)),
            record(3, "GetObject", bucket: "arn:aws:s3:us-east-1:\(account):accesspoint/ap1", key: "k/1", resources: "[]"),
            record(4, "PutObject", bucket: "drop--usw2-az1--x-s3", key: "x", resources: #"""
                [{"type":"AWS::S3Express::Object","ARN":"\#(express)/x"},{"type":"AWS::S3Express::DirectoryBucket","ARN":"\#(express)"}]
                """#, denied: true, source: "s3express.amazonaws.com", region: "us-west-2"),
            record(5, "PutObject", bucket: "anon-drop-1", key: "x", resources: objects("anon-drop-1", "x"), denied: true,
                   identity: #"{"type":"AWSAccount","principalId":"","accountId":"ANONYMOUS_PRINCIPAL"}"#),
            record(6, "PutObject", bucket: "acme-app-data", key: "x", resources: objects("acme-app-data", "x", partition: "aws-cn"),
                   denied: true, region: "cn-north-1"),
            record(7, "PutObject", bucket: "evil-drop-9", key: "x", resources: objects("evil-drop-9", "x", owner: account), denied: true),
            record(8, "PutObject", bucket: "acme-batch-scratch", key: "x",
                   resources: objects("acme-batch-scratch", "x", owner: "999988887777"), denied: true),
        ]
    }

    /// The tester's trail, each record one of the six findings: a key with a NUL cut at it, an access point ARN glued
    /// into a bucket ARN, a denied write to a directory bucket not found, an anonymous refusal listed as denied, an
    /// aws-cn write taking the owner of the aws bucket of that name, a record's owner claim overriding the inventory.
    @Test func theTestersTrailGivesWhatEachRecordShows() throws {
        let dir = TestSupport.temporaryDirectory("e2e-hostile")
        let folder = dir + "/logs/AWSLogs/\(Self.account)/CloudTrail/us-east-1/2026/11/03"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let file = folder + "/\(Self.account)_CloudTrail_us-east-1_20261103T0300Z_AbCdEfGhIjKlMnOp.json.gz"
        let trail = "{\"Records\":[" + Self.records.joined(separator: ",") + "]}"
        try Data(TestSupport.gzip(Array(trail.utf8))).write(to: URL(fileURLWithPath: file))
        let run = try Binary.run(["run", dir + "/logs", "--inventory", Self.root + "/SampleLogs/inventory", "--out", dir + "/out",
                                  "--db", dir + "/store.sqlite"])
        #expect(run.output.contains("records: 8 CloudTrail events"), "\(run.output)")
        let draft = try String(contentsOfFile: dir + "/out/endpoints/vpce-01a2b3c4d5e6f7a80.json", encoding: .utf8)
        #expect(draft.contains(#""arn:aws:s3:::acme-app-data/a\u0000b""#) && draft.contains(#""arn:aws:s3:::acme-app-data/a""#))
        #expect(draft.contains("arn:aws:s3:us-east-1:\(Self.account):accesspoint/ap1/object/k/1"))
        let report = try String(contentsOfFile: dir + "/out/report.md", encoding: .utf8)
        #expect(report.contains(#"acme-app-data/a\u{0}b"#) && !report.contains(":::arn:"))
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/out/summary.json")))
        let attempts = try #require((summary as? [String: Any])?["possibleExfiltration"] as? [[String: Any]])
        let found = Dictionary(attempts.map { ($0["resource"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        #expect(found.keys.sorted() == ["arn:aws-cn:s3:::acme-app-data/x", "arn:aws:s3:::anon-drop-1/x", "arn:aws:s3:::evil-drop-9/x",
                                        "arn:aws:s3express:us-west-2:999988887777:bucket/drop--usw2-az1--x-s3",
                                        "arn:aws:s3express:us-west-2:999988887777:bucket/drop--usw2-az1--x-s3/x"])
        #expect(found["arn:aws:s3:::anon-drop-1/x"]?["outcome"] as? String == "unauthenticated")
        #expect(found["arn:aws:s3:::evil-drop-9/x"]?["ownerClaimed"] as? Bool == true)
    }
}
