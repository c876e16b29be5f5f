import Testing
@testable import AWSLogs
import AWSModel
import JSONTape

/// One row per mapping rule of DOMAIN.md C.1 (S3) and C.2 (DynamoDB): the record's source, name and
/// request parameters, and the (action, resource) pairs the call needs.
struct EventMappingTests {
    static func accesses(_ source: String, _ name: String, _ parameters: String, resources: String = "[]",
                         recipient: String = "111122223333") throws -> [String] {
        let json = """
            {"eventVersion":"1.09","eventTime":"2024-05-01T10:00:00Z","eventSource":"\(source)","eventName":"\(name)",
             "awsRegion":"us-east-1","recipientAccountId":"\(recipient)","userIdentity":{"type":"IAMUser",
             "arn":"arn:aws:iam::111122223333:user/u","accountId":"111122223333"},
             "requestParameters":\(parameters),"resources":\(resources),"eventID":"e1"}
            """
        let record = try JSONParser.parse(Array(json.utf8)).values[0]
        guard case .event(let event) = EventNormalizer().normalize(record) else {
            Issue.record("not an event")
            return []
        }
        return event.accesses.map { "\($0.action) \($0.resource)" }
    }

    static let s3 = "s3.amazonaws.com"
    static let ddb = "dynamodb.amazonaws.com"

    /// The owner of an S3 call's bucket is read from `resources[]` in place: the entry of that bucket, or
    /// else the first bucket entry (also when the named one states no account); `ARN` or `arn`, escapes decoded.
    @Test(arguments: [
        (#"[{"type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::b","accountId":"444455556666"}]"#, "444455556666"),
        (#"""
            [{"type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::other","accountId":"111111111111"},{"type":"AWS::S3::Bucket",\#
            "ARN":"arn:aws:s3:::b","accountId":"444455556666"}]
            """#, "444455556666"),
        (#"""
            [{"type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::other","accountId":"111111111111"},{"type":"AWS::S3::Bucket",\#
            "ARN":"arn:aws:s3:::b"}]
            """#, "111111111111"),
        (#"[{"type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::other","accountId":"111111111111"}]"#, "111111111111"),
        (#"[{"type":"AWS::S3::Object","ARN":"arn:aws:s3:::b/k","accountId":"111111111111"}]"#, "none"),
        (#"[{"type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::\u0062","accountId":"444455556666"}]"#, "444455556666"),
        (#"[{"type":"AWS::S3::\u0042ucket","arn":"arn:aws:s3:::b","accountId":"444455556666"}]"#, "444455556666"),
        (#"[{"type":"AWS::S3::Bucket","ARN":7,"arn":"arn:aws:s3:::b","accountId":"444455556666"}]"#, "444455556666"),
        (#"""
            [{"type":"AWS::S3::Bucket","accountId":"111111111111"},{"type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::b",\#
            "accountId":"444455556666"}]
            """#, "444455556666"),
        (#"{"type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::b","accountId":"444455556666"}"#, "none"),
    ])
    func anS3BucketsOwnerIsItsEntryInResources(resources: String, owner: String) throws {
        let json = """
            {"eventVersion":"1.09","eventTime":"2024-05-01T10:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject",
             "awsRegion":"us-east-1","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/u","accountId":"111122223333"},
             "requestParameters":{"bucketName":"b","key":"k"},"resources":\(resources),"eventID":"e1"}
            """
        guard case .event(let event) = EventNormalizer().normalize(try JSONParser.parse(Array(json.utf8)).value(0)) else {
            Issue.record("not an event")
            return
        }
        #expect(event.accesses.map { $0.resourceAccount?.rawValue ?? "none" } == [owner])
    }

    /// The event time is read from the record's bytes: escaped text reads as its decoded form, a member
    /// that is not a string is as good as missing (`@timestamp` is tried next), and malformed text rejects.
    @Test(arguments: [
        (#""eventTime":"2024-05-01T10:00:00Z""#, "1714557600"),
        (#""eventTime":"2024-05-01T10:00:00\u005a""#, "1714557600"),
        (#""eventTime":"2024\u002d05-01T10:00:00Z""#, "1714557600"),
        (#""eventTime":"2024-05-01T10:00:00.123Z""#, "1714557600"),
        (#""eventTime":1714557600,"@timestamp":"2024-05-01T10:00:01Z""#, "1714557601"),
        (#""@timestamp":"2024-05-01T10:00:02Z""#, "1714557602"),
        (#""eventTime":"2024-05-01 10:00:03Z""#, "1714557603"),
        (#""eventTime":"2024-13-01T10:00:00Z""#, "malformed-event-time"),
        (#""eventTime":"2024-05-01T10:00""#, "malformed-event-time"),
        (#""eventTime":"\u0032024-05-01T10:00:00Z""#, "1714557600"),
        (#""eventTime":null"#, "missing-event-time"),
        (#""other":"2024-05-01T10:00:00Z""#, "missing-event-time"),
    ])
    func eventTimeIsReadFromTheRecordsBytes(member: String, expected: String) throws {
        let json = """
            {"eventVersion":"1.09",\(member),"eventSource":"s3.amazonaws.com","eventName":"ListBuckets","awsRegion":"us-east-1",
             "userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/u","accountId":"111122223333"},"eventID":"e1"}
            """
        switch EventNormalizer().normalize(try JSONParser.parse(Array(json.utf8)).value(0)) {
        case .event(let event): #expect("\(event.eventTime)" == expected)
        case .rejected(let code, _): #expect(code.rawValue == expected)
        case .skipped(let reason): Issue.record("skipped: \(reason)")
        }
    }

    @Test(arguments: [
        // (eventName, requestParameters, expected)  — C.1
        ("ListBuckets", "{}", ["s3:ListAllMyBuckets *"]),
        ("CreateBucket", #"{"bucketName":"b"}"#, ["s3:CreateBucket arn:aws:s3:::b"]),
        ("DeleteBucket", #"{"bucketName":"b"}"#, ["s3:DeleteBucket arn:aws:s3:::b"]),
        ("HeadBucket", #"{"bucketName":"b"}"#, ["s3:ListBucket arn:aws:s3:::b"]),
        ("GetBucketLocation", #"{"bucketName":"b"}"#, ["s3:GetBucketLocation arn:aws:s3:::b"]),
        ("ListObjects", #"{"bucketName":"b","prefix":""}"#, ["s3:ListBucket arn:aws:s3:::b"]),
        ("ListObjects", #"{"bucketName":"b","list-type":"2"}"#, ["s3:ListBucket arn:aws:s3:::b"]),
        ("ListObjectsV2", #"{"bucketName":"b"}"#, ["s3:ListBucket arn:aws:s3:::b"]),
        ("ListObjectVersions", #"{"bucketName":"b"}"#, ["s3:ListBucketVersions arn:aws:s3:::b"]),
        ("ListMultipartUploads", #"{"bucketName":"b"}"#, ["s3:ListBucketMultipartUploads arn:aws:s3:::b"]),
        ("GetObject", #"{"bucketName":"b","key":"k/1"}"#, ["s3:GetObject arn:aws:s3:::b/k/1"]),
        ("GetObject", #"{"bucketName":"b","key":"k","versionId":"v1"}"#, ["s3:GetObjectVersion arn:aws:s3:::b/k"]),
        ("HeadObject", #"{"bucketName":"b","key":"k"}"#, ["s3:GetObject arn:aws:s3:::b/k"]),
        ("HeadObject", #"{"bucketName":"b","key":"k","versionId":"v1"}"#, ["s3:GetObjectVersion arn:aws:s3:::b/k"]),
        ("GetObjectAttributes", #"{"bucketName":"b","key":"k"}"#, ["s3:GetObjectAttributes arn:aws:s3:::b/k"]),
        ("SelectObjectContent", #"{"bucketName":"b","key":"k"}"#, ["s3:GetObject arn:aws:s3:::b/k"]),
        ("PutObject", #"{"bucketName":"b","key":"k"}"#, ["s3:PutObject arn:aws:s3:::b/k"]),
        ("PostObject", #"{"bucketName":"b","key":"k"}"#, ["s3:PutObject arn:aws:s3:::b/k"]),
        ("CopyObject", #"{"bucketName":"dst","key":"d","x-amz-copy-source":"src/s%20k","x-amz-tagging-directive":"REPLACE"}"#,
         ["s3:PutObject arn:aws:s3:::dst/d", "s3:GetObject arn:aws:s3:::src/s k"]),
        ("CopyObject", #"{"bucketName":"dst","key":"d","x-amz-copy-source":"/src/k?versionId=3","x-amz-tagging-directive":"REPLACE"}"#,
         ["s3:PutObject arn:aws:s3:::dst/d", "s3:GetObjectVersion arn:aws:s3:::src/k"]),
        ("UploadPartCopy", #"{"bucketName":"dst","key":"d","x-amz-copy-source":"src/k"}"#,
         ["s3:PutObject arn:aws:s3:::dst/d", "s3:GetObject arn:aws:s3:::src/k"]),
        ("CreateMultipartUpload", #"{"bucketName":"b","key":"k"}"#, ["s3:PutObject arn:aws:s3:::b/k"]),
        ("UploadPart", #"{"bucketName":"b","key":"k"}"#, ["s3:PutObject arn:aws:s3:::b/k"]),
        ("CompleteMultipartUpload", #"{"bucketName":"b","key":"k"}"#, ["s3:PutObject arn:aws:s3:::b/k"]),
        ("AbortMultipartUpload", #"{"bucketName":"b","key":"k"}"#, ["s3:AbortMultipartUpload arn:aws:s3:::b/k"]),
        ("ListParts", #"{"bucketName":"b","key":"k"}"#, ["s3:ListMultipartUploadParts arn:aws:s3:::b/k"]),
        ("DeleteObject", #"{"bucketName":"b","key":"k"}"#, ["s3:DeleteObject arn:aws:s3:::b/k"]),
        ("DeleteObject", #"{"bucketName":"b","key":"k","versionId":"v"}"#, ["s3:DeleteObjectVersion arn:aws:s3:::b/k"]),
        ("DeleteObjects", #"{"bucketName":"b","delete":""}"#, ["s3:DeleteObject arn:aws:s3:::b/*"]),
        ("GetObjectAcl", #"{"bucketName":"b","key":"k"}"#, ["s3:GetObjectAcl arn:aws:s3:::b/k"]),
        ("PutObjectAcl", #"{"bucketName":"b","key":"k","versionId":"v"}"#, ["s3:PutObjectVersionAcl arn:aws:s3:::b/k"]),
        ("GetObjectTagging", #"{"bucketName":"b","key":"k"}"#, ["s3:GetObjectTagging arn:aws:s3:::b/k"]),
        ("PutObjectTagging", #"{"bucketName":"b","key":"k"}"#, ["s3:PutObjectTagging arn:aws:s3:::b/k"]),
        ("DeleteObjectTagging", #"{"bucketName":"b","key":"k","versionId":"v"}"#, ["s3:DeleteObjectVersionTagging arn:aws:s3:::b/k"]),
        ("GetObjectRetention", #"{"bucketName":"b","key":"k"}"#, ["s3:GetObjectRetention arn:aws:s3:::b/k"]),
        ("PutObjectLegalHold", #"{"bucketName":"b","key":"k"}"#, ["s3:PutObjectLegalHold arn:aws:s3:::b/k"]),
        ("RestoreObject", #"{"bucketName":"b","key":"k"}"#, ["s3:RestoreObject arn:aws:s3:::b/k"]),
        ("GetBucketAcl", #"{"bucketName":"b"}"#, ["s3:GetBucketAcl arn:aws:s3:::b"]),
        ("PutBucketPolicy", #"{"bucketName":"b"}"#, ["s3:PutBucketPolicy arn:aws:s3:::b"]),
        ("DeleteBucketPolicy", #"{"bucketName":"b"}"#, ["s3:DeleteBucketPolicy arn:aws:s3:::b"]),
        ("GetBucketPolicyStatus", #"{"bucketName":"b"}"#, ["s3:GetBucketPolicyStatus arn:aws:s3:::b"]),
        ("GetBucketCors", #"{"bucketName":"b"}"#, ["s3:GetBucketCORS arn:aws:s3:::b"]),
        ("DeleteBucketCors", #"{"bucketName":"b"}"#, ["s3:PutBucketCORS arn:aws:s3:::b"]),
        ("GetBucketEncryption", #"{"bucketName":"b"}"#, ["s3:GetEncryptionConfiguration arn:aws:s3:::b"]),
        ("DeleteBucketEncryption", #"{"bucketName":"b"}"#, ["s3:PutEncryptionConfiguration arn:aws:s3:::b"]),
        ("PutBucketLifecycle", #"{"bucketName":"b"}"#, ["s3:PutLifecycleConfiguration arn:aws:s3:::b"]),
        ("DeleteBucketLifecycle", #"{"bucketName":"b"}"#, ["s3:PutLifecycleConfiguration arn:aws:s3:::b"]),
        ("GetBucketLogging", #"{"bucketName":"b"}"#, ["s3:GetBucketLogging arn:aws:s3:::b"]),
        ("PutBucketNotification", #"{"bucketName":"b"}"#, ["s3:PutBucketNotification arn:aws:s3:::b"]),
        ("PutBucketReplication", #"{"bucketName":"b"}"#, ["s3:PutReplicationConfiguration arn:aws:s3:::b"]),
        ("DeleteBucketReplication", #"{"bucketName":"b"}"#, ["s3:PutReplicationConfiguration arn:aws:s3:::b"]),
        ("GetBucketRequestPayment", #"{"bucketName":"b"}"#, ["s3:GetBucketRequestPayment arn:aws:s3:::b"]),
        ("DeleteBucketTagging", #"{"bucketName":"b"}"#, ["s3:PutBucketTagging arn:aws:s3:::b"]),
        ("PutBucketVersioning", #"{"bucketName":"b"}"#, ["s3:PutBucketVersioning arn:aws:s3:::b"]),
        ("DeleteBucketWebsite", #"{"bucketName":"b"}"#, ["s3:DeleteBucketWebsite arn:aws:s3:::b"]),
        ("GetBucketPublicAccessBlock", #"{"bucketName":"b"}"#, ["s3:GetBucketPublicAccessBlock arn:aws:s3:::b"]),
        ("DeletePublicAccessBlock", #"{"bucketName":"b"}"#, ["s3:PutBucketPublicAccessBlock arn:aws:s3:::b"]),
        ("DeleteAccountPublicAccessBlock", "{}", ["s3:PutAccountPublicAccessBlock *"]),
        ("DeleteBucketOwnershipControls", #"{"bucketName":"b"}"#, ["s3:PutBucketOwnershipControls arn:aws:s3:::b"]),
        ("GetObjectLockConfiguration", #"{"bucketName":"b"}"#, ["s3:GetBucketObjectLockConfiguration arn:aws:s3:::b"]),
        ("ListBucketAnalyticsConfigurations", #"{"bucketName":"b"}"#, ["s3:GetAnalyticsConfiguration arn:aws:s3:::b"]),
        ("DeleteBucketInventoryConfiguration", #"{"bucketName":"b"}"#, ["s3:PutInventoryConfiguration arn:aws:s3:::b"]),
        ("PutBucketMetricsConfiguration", #"{"bucketName":"b"}"#, ["s3:PutMetricsConfiguration arn:aws:s3:::b"]),
        ("GetBucketIntelligentTieringConfiguration", #"{"bucketName":"b"}"#, ["s3:GetIntelligentTieringConfiguration arn:aws:s3:::b"]),
        ("PutBucketAccelerateConfiguration", #"{"bucketName":"b"}"#, ["s3:PutAccelerateConfiguration arn:aws:s3:::b"]),
        ("PreflightRequest", #"{"bucketName":"b"}"#, []),
        // Extras called for by request headers (C.1).
        ("PutObject", #"{"bucketName":"b","key":"k","x-amz-tagging":"a=b","x-amz-acl":"private"}"#,
         ["s3:PutObject arn:aws:s3:::b/k", "s3:PutObjectTagging arn:aws:s3:::b/k", "s3:PutObjectAcl arn:aws:s3:::b/k"]),
        ("PutObject", #"{"bucketName":"b","key":"k","x-amz-grant-read":"id=1"}"#,
            ["s3:PutObject arn:aws:s3:::b/k", "s3:PutObjectAcl arn:aws:s3:::b/k"]),
        ("CopyObject", #"{"bucketName":"d","key":"k","x-amz-copy-source":"s/k","x-amz-tagging-directive":"REPLACE","x-amz-tagging":"a=b"}"#,
         ["s3:PutObject arn:aws:s3:::d/k", "s3:GetObject arn:aws:s3:::s/k", "s3:PutObjectTagging arn:aws:s3:::d/k"]),
        ("CopyObject", #"{"bucketName":"d","key":"k","x-amz-copy-source":"s/k"}"#,
         ["s3:PutObject arn:aws:s3:::d/k", "s3:GetObject arn:aws:s3:::s/k", "s3:GetObjectTagging arn:aws:s3:::s/k"]),
        ("CreateBucket", #"{"bucketName":"b","x-amz-bucket-object-lock-enabled":"true","x-amz-object-ownership":"BucketOwnerEnforced"}"#,
         ["s3:CreateBucket arn:aws:s3:::b", "s3:PutBucketObjectLockConfiguration arn:aws:s3:::b",
             "s3:PutBucketOwnershipControls arn:aws:s3:::b"]),
        ("PutObjectRetention", #"{"bucketName":"b","key":"k","x-amz-bypass-governance-retention":"true"}"#,
         ["s3:PutObjectRetention arn:aws:s3:::b/k", "s3:BypassGovernanceRetention arn:aws:s3:::b/k"]),
        // Header names compared lowercased, read in place: any case, a prefix, a near miss, and a name that is
        // not ASCII but lowercases to the header (KELVIN SIGN → k), as `lowercased()` has it.
        ("PutObject", #"{"bucketName":"b","key":"k","X-Amz-Tagging":"a=b"}"#,
            ["s3:PutObject arn:aws:s3:::b/k", "s3:PutObjectTagging arn:aws:s3:::b/k"]),
        ("PutObject", #"{"bucketName":"b","key":"k","X-AMZ-GRANT-":"id=1"}"#,
            ["s3:PutObject arn:aws:s3:::b/k", "s3:PutObjectAcl arn:aws:s3:::b/k"]),
        ("PutObject", #"{"bucketName":"b","key":"k","x-amz-taggin":"a=b","x-amz-grant":"id=1"}"#, ["s3:PutObject arn:aws:s3:::b/k"]),
        ("CreateBucket", #"{"bucketName":"b","x-amz-bucket-object-locK-enabled":"true"}"#,
         ["s3:CreateBucket arn:aws:s3:::b", "s3:PutBucketObjectLockConfiguration arn:aws:s3:::b"]),
    ])
    func s3Events(name: String, parameters: String, expected: [String]) throws {
        #expect(try Self.accesses(Self.s3, name, parameters) == expected)
    }

    static let table = "arn:aws:dynamodb:us-east-1:111122223333:table"

    @Test(arguments: [
        // C.2
        ("GetItem", #"{"tableName":"Music","key":{"Artist":"x"}}"#, ["dynamodb:GetItem \(table)/Music"]),
        ("PutItem", #"{"tableName":"Music"}"#, ["dynamodb:PutItem \(table)/Music"]),
        ("UpdateItem", #"{"tableName":"Music"}"#, ["dynamodb:UpdateItem \(table)/Music"]),
        ("DeleteItem", #"{"TableName":"Music"}"#, ["dynamodb:DeleteItem \(table)/Music"]),
        ("Query", #"{"tableName":"Music"}"#, ["dynamodb:Query \(table)/Music"]),
        ("Query", #"{"tableName":"Music","indexName":"ByAlbum"}"#, ["dynamodb:Query \(table)/Music/index/ByAlbum"]),
        ("Scan", #"{"tableName":"Music","indexName":"I"}"#, ["dynamodb:Scan \(table)/Music/index/I"]),
        ("BatchGetItem", #"{"requestItems":{"A":{},"B":{}}}"#, ["dynamodb:BatchGetItem \(table)/A", "dynamodb:BatchGetItem \(table)/B"]),
        ("BatchWriteItem", #"{"requestItems":[{"tableName":"A"}]}"#, ["dynamodb:BatchWriteItem \(table)/A"]),
        ("TransactWriteItems", #"""
            {"requestItems":[{"operation":"Put","tableName":"A"},{"operation":"Update","TableName":"A"},{"operation":"Delete",\#
            "tableName":"B"},{"operation":"ConditionCheck","tableName":"B"}]}
            """#,
         ["dynamodb:PutItem \(table)/A", "dynamodb:UpdateItem \(table)/A", "dynamodb:ConditionCheckItem \(table)/B",
             "dynamodb:DeleteItem \(table)/B"]),
        ("TransactGetItems", #"{"transactItems":[{"Get":{"TableName":"A"}}]}"#, ["dynamodb:GetItem \(table)/A"]),
        ("ExecuteStatement", #"{"statement":"SELECT * FROM Music WHERE a = ***(Redacted)"}"#, ["dynamodb:PartiQLSelect \(table)/Music"]),
        ("BatchExecuteStatement", #"""
            {"requestItems":[{"statement":"UPDATE Music SET a = 1"},{"statement":"INSERT INTO \"Songs\" VALUE {}"}]}
            """#,
         ["dynamodb:PartiQLInsert \(table)/Songs", "dynamodb:PartiQLUpdate \(table)/Music"]),
        ("ExecuteTransaction", #"{"transactStatements":[{"statement":"DELETE FROM Music WHERE a = 1"}]}"#,
            ["dynamodb:PartiQLDelete \(table)/Music"]),
        ("DescribeTable", #"{"tableName":"Music"}"#, ["dynamodb:DescribeTable \(table)/Music"]),
        ("ListTables", "{}", ["dynamodb:ListTables *"]),
        ("GetRecords", #"{"shardIterator":"arn:aws:dynamodb:us-east-1:111122223333:table/Music/stream/2021|1|AAA"}"#,
         ["dynamodb:GetRecords \(table)/Music/stream/2021"]),
        ("DescribeEndpoints", "{}", []),
    ])
    func dynamoDBEvents(name: String, parameters: String, expected: [String]) throws {
        #expect(try Self.accesses(Self.ddb, name, parameters).sorted() == expected.sorted())
    }

    @Test(arguments: [
        // C.3: eventSource → prefix exceptions, version suffixes, the general rule
        ("monitoring.amazonaws.com", "GetMetricData", "cloudwatch:GetMetricData"),
        ("amazonmq.amazonaws.com", "ListBrokers", "mq:ListBrokers"),
        ("email.amazonaws.com", "SendEmail", "ses:SendEmail"),
        ("streams.dynamodb.amazonaws.com", "ListStreams", "dynamodb:ListStreams"),
        ("tagging.amazonaws.com", "GetResources", "tag:GetResources"),
        ("lambda.amazonaws.com", "CreateFunction20150331", "lambda:CreateFunction"),
        ("lambda.amazonaws.com", "GetFunction20150331v2", "lambda:GetFunction"),
        ("cloudfront.amazonaws.com", "CreateDistribution2020_05_31", "cloudfront:CreateDistribution"),
        ("ec2.amazonaws.com", "DescribeInstances", "ec2:DescribeInstances"),
        ("kms.amazonaws.com", "ReEncrypt", "kms:ReEncryptFrom"),
        ("sqs.amazonaws.com", "SendMessageBatch", "sqs:SendMessage"),
    ])
    func servicePrefixes(source: String, name: String, action: String) throws {
        #expect(try Self.accesses(source, name, "{}").first?.split(separator: " ").first.map(String.init) == action)
    }

    @Test func generalRuleTakesResourcesFromTheRecord() throws {
        let result = try Self.accesses("kms.amazonaws.com", "Decrypt", "{}",
                                       resources: #"[{"ARN":"arn:aws:kms:us-east-1:111122223333:key/k1","accountId":"111122223333"}]"#)
        #expect(result == ["kms:Decrypt arn:aws:kms:us-east-1:111122223333:key/k1"])
    }

    @Test func sqsQueueURLBecomesAnARN() throws {
        let result = try Self.accesses("sqs.amazonaws.com", "SendMessage",
            #"{"queueUrl":"https://sqs.eu-west-1.amazonaws.com/111122223333/jobs"}"#)
        #expect(result == ["sqs:SendMessage arn:aws:sqs:eu-west-1:111122223333:jobs"])
    }

    @Test func callerIdentityNeedsNoPermission() throws {
        #expect(try Self.accesses("sts.amazonaws.com", "GetCallerIdentity", "{}") == [])
    }

    @Test func everyRowOfTheShippedTableParses() {
        let map = EventActionMap.shared
        #expect(map.rules.values.map(\.count).reduce(0, +) > 140)
        #expect(map.rule(eventSource: "s3.amazonaws.com", eventName: "GetObject").versionedAction == IAMAction("s3:GetObjectVersion"))
    }

    @Test func aMalformedTableNamesTheLine() {
        #expect(throws: (any Error).self) { try EventActionMap(tsv: "# c\nevent\ts3.amazonaws.com\tX\ts3:X\tnowhere\n") }
    }

    @Test(arguments: [
        ("CreateFunction20150331", "CreateFunction"), ("GetObject", "GetObject"), ("ImportCsv", "ImportCsv"),
        ("UpdateFunctionCode20150331v2", "UpdateFunctionCode"), ("DescribeEc2v2", "DescribeEc2v2"),
    ])
    func versionSuffixes(name: String, stripped: String) {
        #expect(EventActionMap.strippingVersionSuffix(name) == stripped)
    }
}

struct OutcomeTests {
    @Test(arguments: [
        (nil, nil, Outcome.success),
        ("VpceAccessDenied", "The request was denied due to a VPC endpoint policy", .deniedByEndpointPolicy),
        ("AccessDenied", """
            User: arn:aws:iam::1:user/u is not authorized to perform: s3:GetObject because no VPC endpoint policy allows \
            the s3:GetObject action
            """, .deniedByEndpointPolicy),
        ("AccessDeniedException", "… with an explicit deny in a VPC endpoint policy", .deniedByEndpointPolicy),
        ("AccessDenied", "Access Denied", .denied),
        ("AccessDeniedException", "User is not authorized to perform: kms:Decrypt because no identity-based policy allows", .denied),
        ("Client.UnauthorizedOperation", "You are not authorized to perform this operation.", .denied),
        ("NoSuchKey", "The specified key does not exist.", .failedAfterAuthorization),
        ("ConditionalCheckFailedException", "The conditional request failed", .failedAfterAuthorization),
    ] as [(String?, String?, Outcome)])
    func classifiesErrors(code: String?, message: String?, expected: Outcome) {
        #expect(EventNormalizer.outcome(errorCode: code, errorMessage: message) == expected)
    }
}

struct PrincipalTests {
    static func principal(_ identity: String) throws -> (Principal, String?) {
        let value = try JSONParser.parse(Array(identity.utf8)).values[0]
        return EventNormalizer.principal(value, recipient: AccountID("999999999999"), partition: "aws")
    }

    @Test func assumedRoleIsTheRoleWithTheSessionName() throws {
        let (p, session) = try Self.principal(#"""
            {"type":"AssumedRole","arn":"arn:aws:sts::111122223333:assumed-role/app/i-0abc","accountId":"111122223333",\#
            "sessionContext":{"sessionIssuer":{"type":"Role","arn":"arn:aws:iam::111122223333:role/svc/app"}}}
            """#)
        #expect(p == Principal(kind: .assumedRole, arn: "arn:aws:iam::111122223333:role/svc/app", account: AccountID("111122223333")))
        #expect(session == "i-0abc")
    }

    @Test func assumedRoleWithoutIssuerFallsBackToTheSessionARN() throws {
        let (p, _) = try Self.principal(#"""
            {"type":"AssumedRole","arn":"arn:aws:sts::111122223333:assumed-role/app/s","accountId":"111122223333"}
            """#)
        #expect(p.arn == "arn:aws:iam::111122223333:role/app")
    }

    @Test(arguments: [
        (#"{"type":"IAMUser","arn":"arn:aws:iam::1:user/u","accountId":"1"}"#, Principal.Kind.iamUser, "arn:aws:iam::1:user/u"),
        (#"{"type":"Root","accountId":"1"}"#, .root, "arn:aws:iam::1:root"),
        (#"{"type":"AWSService","invokedBy":"cloudtrail.amazonaws.com"}"#, .awsService, "cloudtrail.amazonaws.com"),
        (#"{"type":"AWSAccount","principalId":"","accountId":"ANONYMOUS_PRINCIPAL"}"#, .anonymous, "anonymous"),
        (#"{"type":"AWSAccount","principalId":"AROA:x","accountId":"222233334444"}"#, .awsAccount, "arn:aws:iam::222233334444:root"),
        (#"{"type":"FederatedUser","arn":"arn:aws:sts::1:federated-user/bob","accountId":"1"}"#, .federatedUser,
            "arn:aws:sts::1:federated-user/bob"),
        (#"{"type":"IdentityCenterUser","accountId":"1","onBehalfOf":{"userId":"u-1"}}"#, .identityCenterUser, "identitycenter:u-1"),
    ] as [(String, Principal.Kind, String)])
    func identityTypes(identity: String, kind: Principal.Kind, arn: String) throws {
        let (p, _) = try Self.principal(identity)
        #expect(p.kind == kind)
        #expect(p.arn == arn)
    }
}
