import Testing
@testable import AWSLogs
import AWSModel
import JSONTape

/// Records made in each partition name their resources and principals in it (issue 26, every partition).
struct PartitionRecordTests {
    static let partitions = [("aws", "us-east-1", "amazonaws.com"), ("aws-cn", "cn-north-1", "amazonaws.com.cn"),
                             ("aws-us-gov", "us-gov-west-1", "amazonaws.com")]

    static func event(region: String, source: String, name: String, identity: String, parameters: String,
                      resources: String = "[]") throws -> NormalizedEvent? {
        let json = """
            {"eventVersion":"1.09","eventTime":"2024-05-01T10:00:00Z","eventSource":"\(source)","eventName":"\(name)",
             "awsRegion":"\(region)","recipientAccountId":"111122223333","userIdentity":\(identity),
             "requestParameters":\(parameters),"resources":\(resources),"eventID":"e1"}
            """
        guard case .event(let event) = EventNormalizer().normalize(try JSONParser.parse(Array(json.utf8)).values[0]) else { return nil }
        return event
    }

    static func accesses(_ event: NormalizedEvent?) -> [String] { event?.accesses.map { "\($0.action) \($0.resource)" } ?? [] }

    /// Before: every ARN the resolver and the normalizer made began `arn:aws:`, whatever the Region, so the
    /// drafts of aws-cn and aws-us-gov named resources and principals that do not exist there.
    @Test(arguments: partitions)
    func arnsMadeFromARecordAreInItsRegionsPartitionNotArnAws(partition: String, region: String, domain: String) throws {
        let root = #"{"type":"Root","accountId":"111122223333"}"#
        let bucketEntry = #"[{"type":"AWS::S3::Bucket","ARN":"arn:\#(partition):s3:::acme-data","accountId":"444455556666"}]"#
        let object = try Self.event(region: region, source: "s3.amazonaws.com", name: "GetObject", identity: root,
                                    parameters: #"{"bucketName":"acme-data","key":"cv/a.pdf"}"#, resources: bucketEntry)
        #expect(Self.accesses(object) == ["s3:GetObject arn:\(partition):s3:::acme-data/cv/a.pdf"])
        #expect(object?.accesses.first?.resourceAccount == AccountID("444455556666"))
        #expect(object?.principal.arn == "arn:\(partition):iam::111122223333:root")
        let bucket = try Self.event(region: region, source: "s3.amazonaws.com", name: "DeleteObjects", identity: root,
                                    parameters: #"{"bucketName":"acme-data"}"#)
        #expect(Self.accesses(bucket) == ["s3:DeleteObject arn:\(partition):s3:::acme-data/*"])
        let user = #"{"type":"IAMUser","accountId":"111122223333","userName":"ci"}"#
        let table = try Self.event(region: region, source: "dynamodb.amazonaws.com", name: "GetItem", identity: user,
                                   parameters: #"{"tableName":"orders"}"#)
        #expect(Self.accesses(table) == ["dynamodb:GetItem arn:\(partition):dynamodb:\(region):111122223333:table/orders"])
        #expect(table?.principal.arn == "arn:\(partition):iam::111122223333:user/ci")
        let queue = try Self.event(region: region, source: "sqs.amazonaws.com", name: "SendMessage", identity: user,
                                   parameters: #"{"queueUrl":"https://sqs.\#(region).\#(domain)/111122223333/orders"}"#)
        #expect(Self.accesses(queue) == ["sqs:SendMessage arn:\(partition):sqs:\(region):111122223333:orders"])
    }

    /// A record without a Region is in the partition of its identity's ARN.
    @Test func aRecordWithoutARegionIsInItsIdentitysPartition() throws {
        let user = #"{"type":"IAMUser","arn":"arn:aws-cn:iam::111122223333:user/ci","accountId":"111122223333","userName":"ci"}"#
        let event = try Self.event(region: "", source: "s3.amazonaws.com", name: "GetObject", identity: user,
                                   parameters: #"{"bucketName":"acme-data","key":"k"}"#)
        #expect(Self.accesses(event) == ["s3:GetObject arn:aws-cn:s3:::acme-data/k"])
    }

    /// Before: a cross-account `BatchGetItem` whose `requestItems` are keyed by another account's table ARN
    /// was drafted as `arn:aws:dynamodb:…:111122223333:table/arn:aws:dynamodb:…:table/loot`, the recipient's
    /// own, and a `GetItem` naming a table by ARN lost its account. A table ARN is that table, owned by the
    /// account it names (a foreign resource: review), in its own partition.
    @Test(arguments: [
        ("BatchGetItem", #"{"requestItems":{"arn:aws:dynamodb:us-east-1:444455556666:table/loot":{"keys":[]},"mine":{}}}"#,
         ["dynamodb:BatchGetItem arn:aws:dynamodb:us-east-1:444455556666:table/loot 444455556666",
          "dynamodb:BatchGetItem arn:aws:dynamodb:us-east-1:111122223333:table/mine 111122223333"]),
        ("GetItem", #"{"tableName":"arn:aws-cn:dynamodb:cn-north-1:444455556666:table/loot"}"#,
         ["dynamodb:GetItem arn:aws-cn:dynamodb:cn-north-1:444455556666:table/loot 444455556666"]),
        ("Query", #"{"tableName":"arn:aws:dynamodb:us-east-1:444455556666:table/loot","indexName":"byDate"}"#,
         ["dynamodb:Query arn:aws:dynamodb:us-east-1:444455556666:table/loot/index/byDate 444455556666"]),
        ("TransactWriteItems", #"{"transactItems":[{"Put":{"tableName":"arn:aws:dynamodb:us-east-1:444455556666:table/loot"}}]}"#,
         ["dynamodb:PutItem arn:aws:dynamodb:us-east-1:444455556666:table/loot 444455556666"]),
        ("BatchGetItem", #"{"requestItems":{"arn:aws:s3:::not-a-table":{}}}"#, ["dynamodb:BatchGetItem  none"]),
    ])
    func aTableNamedByAnotherAccountsARNIsThatTableNotGluedIntoTheRecipients(name: String, parameters: String, expected: [String]) throws {
        let user = #"{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/ci","accountId":"111122223333","userName":"ci"}"#
        let event = try Self.event(region: "us-east-1", source: "dynamodb.amazonaws.com", name: name, identity: user,
                                   parameters: parameters)
        let found = event?.accesses.map { "\($0.action) \($0.resource) \($0.resourceAccount?.rawValue ?? "none")" }
        #expect(found.map(Set.init) == Set(expected))
    }
}
