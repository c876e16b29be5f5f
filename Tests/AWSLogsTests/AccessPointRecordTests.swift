import Testing
@testable import AWSLogs
import AWSModel
import JSONTape

/// An S3 access point's ARN where a record gives a bucket name: a resource of its own, owned by the account it names.
struct AccessPointRecordTests {
    /// An S3 data event in `region` whose `requestParameters` are `parameters`.
    static func record(_ name: String, _ parameters: String, region: String = "us-east-1", resources: String? = nil,
                       source: String = "s3.amazonaws.com") -> String {
        let partition = Partition.of(region: region) ?? Partition.standard
        return """
            {"eventVersion":"1.09","eventTime":"2026-11-02T10:00:00Z","awsRegion":"\(region)","eventSource":"\(source)",\
            "eventName":"\(name)","userIdentity":{"type":"AssumedRole","accountId":"111122223333",\
            "arn":"arn:\(partition):sts::111122223333:assumed-role/app/i-1",\
            "sessionContext":{"sessionIssuer":{"arn":"arn:\(partition):iam::111122223333:role/app"}}},\
            "requestParameters":\(parameters),"recipientAccountId":"111122223333","eventID":"e1"\
            \(resources.map { ",\"resources\":" + $0 } ?? "")}
            """
    }

    static func parameters(_ bucket: String, key: String? = nil) -> String {
        "{\"bucketName\":\(JSONString.quote(bucket))" + (key.map { ",\"key\":\(JSONString.quote($0))" } ?? "") + "}"
    }

    /// The reader took the whole ARN as a bucket name: `arn:aws:s3:::arn:aws:s3:us-east-1:…:accesspoint/ap1/k`, a bucket
    /// nobody owns, in the drafts and the report. Regional and Multi-Region access points, in three partitions, for
    /// object, bucket-level, batch-delete and copy calls, the key logged or only in `resources[]`.
    @Test(arguments: [
        ("GetObject", "arn:aws:s3:us-east-1:111122223333:accesspoint/ap1", "k/1", "us-east-1", nil,
         "arn:aws:s3:us-east-1:111122223333:accesspoint/ap1/object/k/1", "111122223333"),
        ("PutObject", "arn:aws-cn:s3:cn-north-1:210987654321:accesspoint/reports", "a*b", "cn-north-1", nil,
         "arn:aws-cn:s3:cn-north-1:210987654321:accesspoint/reports/object/a${*}b", "210987654321"),
        ("ListObjects", "arn:aws-us-gov:s3:us-gov-west-1:444455556666:accesspoint/lister", nil, "us-gov-west-1", nil,
         "arn:aws-us-gov:s3:us-gov-west-1:444455556666:accesspoint/lister", "444455556666"),
        ("DeleteObjects", "arn:aws:s3:eu-west-1:999988887777:accesspoint/drop", nil, "eu-west-1", nil,
         "arn:aws:s3:eu-west-1:999988887777:accesspoint/drop/object/*", "999988887777"),
        ("GetObject", "arn:aws:s3::111122223333:accesspoint/mfzwi23gnjvgw.mrap", "x", "us-east-1", nil,
         "arn:aws:s3::111122223333:accesspoint/mfzwi23gnjvgw.mrap/object/x", "111122223333"),
        ("CopyObject", "arn:aws:s3:us-east-1:999988887777:accesspoint/out", "copy/k", "us-east-1", nil,
         "arn:aws:s3:us-east-1:999988887777:accesspoint/out/object/copy/k", "999988887777"),
        ("GetObject", "arn:aws:s3:us-east-1:111122223333:accesspoint/ap1", nil, "us-east-1",
         #"[{"type":"AWS::S3::Object","ARN":"arn:aws:s3:us-east-1:111122223333:accesspoint/ap1/object/only/here"}]"#,
         "arn:aws:s3:us-east-1:111122223333:accesspoint/ap1/object/only/here", "111122223333"),
    ] as [(String, String, String?, String, String?, String, String)])
    func anAccessPointARNWasGluedIntoABucketARN(name: String, bucket: String, key: String?, region: String, resources: String?,
                                                resource: String, owner: String) throws {
        let record = Self.record(name, Self.parameters(bucket, key: key), region: region, resources: resources)
        let event = try HostileRecordTests.event(record)
        let access = try #require(event.accesses.first)
        #expect(access.resource.text == resource)
        #expect(access.resourceAccount == AccountID(owner))
        #expect(access.resource.s3BucketName == nil && access.resource.s3ObjectKey == nil)
        #expect(access.resource.arn?.s3AccessPoint?.owner == AccountID(owner))
        #expect(!event.accesses.contains { $0.resource.text.contains(":::arn:") })
    }

    /// A bucket name holds no `:` or `/`: an ARN there that is not an access point's of the record's partition (a
    /// bucket's ARN, another service's, another partition's access point, a malformed one) is a reject, not a bucket.
    @Test(arguments: [
        ("arn:aws:s3:::other-bucket", "us-east-1"),
        ("arn:aws:iam::111122223333:role/x", "us-east-1"),
        ("arn:aws-cn:s3:cn-north-1:210987654321:accesspoint/ap1", "us-east-1"),
        ("arn:aws:s3:us-east-1:111122223333:accesspoint/ap1", "cn-north-1"),
        ("arn:aws:s3:us-east-1:111122223333:accesspoint/ap1/extra", "us-east-1"),
        ("arn:aws:s3:us-east-1:12345:accesspoint/ap1", "us-east-1"),
        ("arn:aws:s3:us-east-1:111122223333:accesspoint/AP*", "us-east-1"),
        ("arn:aws:s3-outposts:us-east-1:111122223333:outpost/op-1/accesspoint/ap1", "us-east-1"),
        ("bucket/with/slash", "us-east-1"),
    ])
    func aBucketNameThatIsNoBucketAndNoAccessPointIsAReject(bucket: String, region: String) throws {
        let record = Self.record("PutObject", Self.parameters(bucket, key: "k"), region: region)
        guard case .rejected(let code, _) = try HostileRecordTests.normalize(record) else {
            Issue.record("`\(bucket)` was not rejected")
            return
        }
        #expect(code == .bucketNameNotABucket)
    }

    /// S3 Express One Zone logs a directory bucket's plain name (`NAME--ZONE--x-s3`) as its bucketName: an ARN there (its
    /// own directory bucket's ARN, or S3's) was taken as no bucket at all, where S3's calls reject it.
    @Test(arguments: [
        ("arn:aws:s3express:us-east-1:999900005858:bucket/exfil6--use1-az4--x-s3", true),
        ("arn:aws:s3:::other-bucket", true),
        ("exfil--use1-az4/x-s3", true),
        ("exfil--use1-az4--x-s3", false),
    ])
    func aDirectoryBucketARNInBucketNameWasNoReject(bucket: String, rejected: Bool) throws {
        let record = Self.record("PutObject", Self.parameters(bucket, key: "k"), source: "s3express.amazonaws.com")
        let result = try HostileRecordTests.normalize(record)
        if case .rejected(let code, _) = result {
            #expect(rejected && code == .bucketNameNotABucket)
        } else {
            #expect(!rejected, "`\(bucket)` was not rejected")
        }
    }
}
