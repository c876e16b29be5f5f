import Foundation
import PerimeterTestSupport
import Testing

/// The chain in each partition: records made in `aws-cn` or `aws-us-gov` give drafts, a lock and a script
/// that name that partition's resources and Region, and a replay of the real ARNs against the current
/// policy (which names them too).
@Suite(.serialized)
struct PartitionEndToEndTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var partition: String, region: String, serviceName: String
        var testDescription: String { partition }
    }

    static let cases = [
        Case(partition: "aws", region: "us-east-1", serviceName: "com.amazonaws.us-east-1.s3"),
        Case(partition: "aws-cn", region: "cn-north-1", serviceName: "cn.com.amazonaws.cn-north-1.s3"),
        Case(partition: "aws-us-gov", region: "us-gov-west-1", serviceName: "com.amazonaws.us-gov-west-1.s3"),
    ]
    static let account = "111122223333", endpoint = "vpce-0a1b2c3d4e5f60718", bucket = "acme-data"

    /// A role's S3 request through the endpoint, as CloudTrail writes it in `c`'s partition.
    static func record(_ c: Case, id: String, name: String, key: String) -> String {
        let role = "arn:\(c.partition):iam::\(account):role/app", session = "arn:\(c.partition):sts::\(account):assumed-role/app/i-0abc"
        return """
            {"eventVersion":"1.10","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLE:i-0abc","arn":"\(session)",\
            "accountId":"\(account)","sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLE","arn":"\(role)",\
            "accountId":"\(account)","userName":"app"}}},"eventTime":"2026-11-02T10:00:0\(id.suffix(1))Z","eventSource":"s3.amazonaws.com",\
            "eventName":"\(name)","awsRegion":"\(c.region)","sourceIPAddress":"10.0.1.15","userAgent":"aws-sdk-java/2.25.40",\
            "requestParameters":{"bucketName":"\(bucket)","key":"\(key)"},"eventID":"\(id)","readOnly":\(name == "GetObject"),\
            "resources":[{"type":"AWS::S3::Object","ARN":"arn:\(c.partition):s3:::\(bucket)/\(key)"},\
            {"type":"AWS::S3::Bucket","ARN":"arn:\(c.partition):s3:::\(bucket)","accountId":"\(account)"}],\
            "eventType":"AwsApiCall","recipientAccountId":"\(account)","vpcEndpointId":"\(endpoint)","vpcEndpointAccountId":"\(account)",\
            "eventCategory":"Data"}
            """
    }

    /// Logs and inventory for `c` under `dir`: two requests, the endpoint with a current policy on the
    /// bucket in `c`'s partition, the bucket in the account's list.
    static func write(_ c: Case, into dir: String) throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir + "/logs", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: dir + "/inventory", withIntermediateDirectories: true)
        let records = [record(c, id: "e0000001", name: "GetObject", key: "reports/a.csv"),
                       record(c, id: "e0000002", name: "PutObject", key: "uploads/b.json")]
        try Data(("{\"Records\":[" + records.joined(separator: ",") + "]}").utf8)
            .write(to: URL(fileURLWithPath: dir + "/logs/\(account)_CloudTrail_\(c.region)_20261102T1000Z_test.json"))
        let policy = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","#
            + #""Resource":["arn:\#(c.partition):s3:::\#(bucket)","arn:\#(c.partition):s3:::\#(bucket)/*"]}]}"#
        let endpoints: [String: Any] = ["VpcEndpoints": [[
            "VpcEndpointId": endpoint, "VpcEndpointType": "Gateway", "VpcId": "vpc-0a1b2c3d", "ServiceName": c.serviceName,
            "State": "available", "PolicyDocument": policy, "RouteTableIds": ["rtb-0a1b"], "OwnerId": account,
        ]]]
        let inventory = dir + "/inventory/"
        try JSONSerialization.data(withJSONObject: endpoints).write(to: URL(fileURLWithPath: inventory + "ec2-describe-vpc-endpoints.json"))
        let buckets: [String: Any] = ["Buckets": [["Name": bucket, "CreationDate": "2024-02-01T10:00:00+00:00"]], "Owner": ["ID": account]]
        let list = URL(fileURLWithPath: inventory + "s3api-list-buckets-\(account).json")
        try JSONSerialization.data(withJSONObject: buckets).write(to: list)
    }

    @Test(arguments: cases)
    func draftsLockAndScriptNameTheRecordsPartitionNotArnAws(_ c: Case) throws {
        let dir = TestSupport.temporaryDirectory("partition-\(c.partition)")
        try Self.write(c, into: dir)
        let result = try Binary.run(["run", dir + "/logs", "--inventory", dir + "/inventory", "--out", dir + "/out",
                                     "--db", dir + "/store.sqlite"])
        #expect([0, 3, 4].contains(result.status), "\(result.output)")
        let draft = try String(contentsOfFile: dir + "/out/endpoints/\(Self.endpoint).json", encoding: .utf8)
        let lock = try String(contentsOfFile: dir + "/out/buckets/\(Self.bucket).json", encoding: .utf8)
        let script = try String(contentsOfFile: dir + "/out/apply.sh", encoding: .utf8)
        #expect(draft.contains("arn:\(c.partition):s3:::\(Self.bucket)/"))
        #expect(draft.contains("arn:\(c.partition):iam::\(Self.account):role/app"))
        #expect(lock.contains("\"arn:\(c.partition):s3:::\(Self.bucket)\""))
        #expect(lock.contains("\"arn:\(c.partition):s3:::\(Self.bucket)/*\""))
        if c.partition != "aws" {
            for text in [draft, lock] { #expect(!text.contains("arn:aws:")) }
        }
        #expect(script.contains("endpoint \(c.region) \(Self.endpoint) "))
        // The lock matches its bucket: a request to the bucket (its ARN in this partition) from elsewhere is
        // denied by it; the draft allows the logged request, named as it really is.
        let object = "arn:\(c.partition):s3:::\(Self.bucket)/reports/a.csv", role = "arn:\(c.partition):iam::\(Self.account):role/app"
        let outside = try Binary.run(["evaluate", "--policy", dir + "/out/buckets/\(Self.bucket).json", "--action", "s3:GetObject",
                                      "--resource", object, "--principal", role, "--context", "aws:SourceVpce=vpce-0elsewhere"])
        #expect(outside.output.contains("explicit-deny by PerimeterOnlyExpectedEndpoints"), "\(outside.output)")
        let through = try Binary.run(["evaluate", "--policy", dir + "/out/endpoints/\(Self.endpoint).json", "--action", "s3:GetObject",
                                      "--resource", object, "--principal", role, "--context", "aws:SourceVpce=\(Self.endpoint)"])
        #expect(through.status == 0, "\(through.output)")
        let summaryData = try Data(contentsOf: URL(fileURLWithPath: dir + "/out/summary.json"))
        let summary = try JSONSerialization.jsonObject(with: summaryData) as? [String: Any]
        let drafted = (summary?["endpoints"] as? [[String: Any]])?.first
        // The AWS-owned catalog documents the aws partition only: elsewhere the report says so.
        let notes = (summary?["assumptions"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
        #expect(notes.contains("aws-owned-unknown-in-partition") == (c.partition != "aws"))
        #expect(drafted?["region"] as? String == c.region)
        // The replay compares the logged requests (their real ARNs) with the current policy and the draft.
        let replay = drafted?["replay"] as? [String: Any]
        #expect(replay?["requests"] as? Int == 2)
        #expect(replay?["allowed"] as? Int == 2)
        #expect((replay?["failures"] as? [Any])?.isEmpty == true)
    }
}
