import Testing
@testable import UsageStore
import AWSLogs
import AWSModel
import Foundation
import JSONTape
import Logging
import PerimeterTestSupport

/// An object key is legal S3 text with control characters in it, NUL too: the store reads it back whole.
struct KeyWithNULTests {
    /// A PutObject of `key` to `bucket` in `partition`'s Region by a role of `account`, through an endpoint.
    static func record(_ id: Int, key: String, bucket: String = "app-data", account: String = "111122223333",
                       region: String = "us-east-1") -> String {
        let partition = Partition.of(region: region) ?? Partition.standard
        return """
            {"eventVersion":"1.09","userIdentity":{"type":"AssumedRole","accountId":"\(account)",\
            "arn":"arn:\(partition):sts::\(account):assumed-role/app/i-1",\
            "sessionContext":{"sessionIssuer":{"arn":"arn:\(partition):iam::\(account):role/app"}}},\
            "eventTime":"2026-11-01T10:00:00Z","eventSource":"s3.amazonaws.com","eventName":"PutObject","awsRegion":"\(region)",\
            "requestParameters":{"bucketName":"\(bucket)","key":\(JSONString.quote(key))},"eventID":"e\(id)",\
            "recipientAccountId":"\(account)","vpcEndpointId":"vpce-0a1b2c3d4e5f60718","eventCategory":"Data"}
            """
    }

    /// `GroupKey.text` kept a value only up to its first NUL, as the String read it replaced did: a key `a\0b` came
    /// out as `a` (in evidence, drafts and the report), evidence for a key nobody used. Keys with NULs anywhere, alone
    /// and beside the key before their NUL, in another partition and account.
    @Test(arguments: [
        (["a\u{0}b", "a"], "us-east-1", "111122223333"),
        (["\u{0}", "\u{0}\u{0}", ""], "us-east-1", "111122223333"),
        (["k\u{0}", "k\u{0}\u{1}", "k\u{0}\u{FF}x", "k"], "cn-north-1", "210987654321"),
        (["x/\u{0}y/\u{0}", "x/"], "us-gov-west-1", "444455556666"),
    ])
    func aKeyWithANULReadBackAsTheKeyBeforeIt(keys: [String], region: String, account: String) async throws {
        let dir = TestSupport.temporaryDirectory()
        let records = keys.enumerated().map { Self.record($0.offset, key: $0.element, account: account, region: region) }
        try ("{\"Records\":[" + records.joined(separator: ",") + "]}").write(toFile: dir + "/trail.json", atomically: true, encoding: .utf8)
        let store = try UsageStore(path: dir + "/store.sqlite", logger: Logger(label: "test"))
        let summary = try await IngestPipeline(store: store).run(paths: [dir + "/trail.json"], workers: 1)
        #expect(summary.events == keys.count && summary.rejects == 0)
        let partition = Partition.of(region: region) ?? Partition.standard
        let read = try store.observedAccess().map(\.access.resource.text)
        let expected = keys.map { "arn:\(partition):s3:::app-data/" + $0 }
        #expect(read.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) }
            == expected.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) })
    }
}
