import Testing
@testable import AWSLogs
import AWSModel
import JSONTape

/// S3 Express One Zone (directory buckets) logs its zonal calls under `s3express.amazonaws.com` with S3's API names.
struct DirectoryBucketRecordTests {
    /// A call of `name` to directory bucket `bucket` of `owner` in `region`, with the resources[] CloudTrail logs for it.
    static func record(_ name: String, bucket: String, owner: String, region: String) -> String {
        let partition = Partition.of(region: region) ?? Partition.standard
        let arn = "arn:\(partition):s3express:\(region):\(owner):bucket/\(bucket)"
        return """
            {"eventVersion":"1.09","eventTime":"2026-11-02T10:00:00Z","awsRegion":"\(region)","eventSource":"s3express.amazonaws.com",\
            "eventName":"\(name)","userIdentity":{"type":"AssumedRole","accountId":"111122223333",\
            "arn":"arn:\(partition):sts::111122223333:assumed-role/app/i-1",\
            "sessionContext":{"sessionIssuer":{"arn":"arn:\(partition):iam::111122223333:role/app"}}},\
            "requestParameters":{"bucketName":"\(bucket)","key":"k"},"errorCode":"AccessDenied","errorMessage":"Access Denied",\
            "recipientAccountId":"111122223333","eventID":"e1","resources":[{"type":"AWS::S3Express::Object","ARN":"\(arn)/k"},\
            {"type":"AWS::S3Express::DirectoryBucket","ARN":"\(arn)","accountId":"\(owner)"}]}
            """
    }

    /// A multipart upload's parts and completion need what S3's need (`PutObject`): as `s3express:UploadPart` and
    /// `s3express:CompleteMultipartUpload` no catalog knew them for writes, and a denied upload to another account's
    /// directory bucket was no possible exfiltration. Two partitions, three accounts; a call S3's table does not name
    /// keeps its own name.
    @Test(arguments: [
        ("CompleteMultipartUpload", "drop--usw2-az1--x-s3", "999988887777", "us-west-2", "s3express:PutObject"),
        ("UploadPart", "d--cnn1-az1--x-s3", "210987654321", "cn-north-1", "s3express:PutObject"),
        ("PutObject", "ours--use1-az4--x-s3", "111122223333", "us-east-1", "s3express:PutObject"),
        ("GetObject", "drop--usw2-az1--x-s3", "999988887777", "us-west-2", "s3express:GetObject"),
        ("CreateSession", "drop--usw2-az1--x-s3", "999988887777", "us-west-2", "s3express:CreateSession"),
    ])
    func aDirectoryBucketUploadWasNamedNoWrite(name: String, bucket: String, owner: String, region: String, action: String) throws {
        let event = try HostileRecordTests.event(Self.record(name, bucket: bucket, owner: owner, region: region))
        let partition = Partition.of(region: region) ?? Partition.standard
        let arn = "arn:\(partition):s3express:\(region):\(owner):bucket/\(bucket)"
        #expect(event.accesses.map(\.action.description) == [action, action])
        #expect(event.accesses.map(\.resource.text).sorted() == [arn, arn + "/k"])
    }
}
