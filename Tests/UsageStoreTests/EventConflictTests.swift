import Foundation
import PerimeterTestSupport
import Testing
@testable import UsageStore

/// Records that share one CloudTrail event id (time and id) with different contents: how `perimeter rejects`
/// lists them.
struct EventConflictTests {
    /// A denied `PutObject` of `key` under event id `id`: one content per key.
    static func record(id: String, key: String) -> String {
        """
        {"eventVersion":"1.09","eventTime":"2024-05-01T10:00:00Z","eventSource":"s3.amazonaws.com","eventName":"PutObject",\
        "awsRegion":"us-east-1","recipientAccountId":"111122223333","userIdentity":{"type":"IAMUser",\
        "arn":"arn:aws:iam::111122223333:user/u","accountId":"111122223333"},"errorCode":"AccessDenied",\
        "requestParameters":{"bucketName":"exfil-drop","key":"\(key)"},"eventID":"\(id)","vpcEndpointId":"vpce-0a1b2c3d"}
        """
    }

    /// Writes each file's records to `dir` and ingests them all.
    static func ingest(_ files: [String: [String]], _ dir: String) async throws -> UsageStore {
        for (name, records) in files {
            let text = "{\"Records\":[" + records.joined(separator: ",") + "]}"
            try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
        }
        let store = try UsageStoreTests.store(dir)
        _ = try await IngestPipeline(store: store).run(paths: files.keys.sorted().map { dir + "/" + $0 }, workers: 2)
        return store
    }

    /// The README said each pair of contents is a reject; the store lists each content after the first against
    /// the first (the pairs between later contents add no file and grow as the square of them). Three contents
    /// under one id are two rejects, naming the three files, whatever order the files come in.
    @Test(arguments: [["a", "b", "c"], ["c", "a", "b"]])
    func threeContentsUnderOneEventIDListedPairwiseInTheReadmeButNotInTheStore(_ names: [String]) async throws {
        let dir = TestSupport.temporaryDirectory()
        let files = Dictionary(uniqueKeysWithValues: names.enumerated().map { ("\($1).json", [Self.record(id: "e-1", key: "t\($0)")]) })
        let store = try await Self.ingest(files, dir)
        let rejects = try store.rejects().map { $0.reason.replacingOccurrences(of: dir, with: "DIR") }
        #expect(rejects.count == 2)
        #expect(rejects.allSatisfy { $0.contains("in DIR/a.json and DIR/") })
        #expect(Set(rejects.map { $0.contains("DIR/b.json") ? "b" : $0.contains("DIR/c.json") ? "c" : "?" }) == ["b", "c"])
        #expect(try store.totals().rejectsByCode["duplicate-event-id"] == 2)
    }

    /// Before: every content of an id was listed, so 1,500 contents written under one id filled `perimeter rejects`
    /// (1,000 by default) and hid another id's conflict. Now at most ten of an id are listed, the last saying how
    /// many more there are; the totals count them all.
    @Test func aFloodOfContentsUnderOneEventIDHidesAnotherIDsConflict() async throws {
        let dir = TestSupport.temporaryDirectory()
        let flood = (0..<1_500).map { Self.record(id: "e-0-flood", key: "k\($0)") }
        let store = try await Self.ingest(["a.json": flood, "b.json": [Self.record(id: "e-1-real", key: "x")],
                                           "c.json": [Self.record(id: "e-1-real", key: "y")]], dir)
        let rejects = try store.rejects().map { $0.reason.replacingOccurrences(of: dir, with: "DIR") }
        #expect(rejects.count == 10 + 1)
        #expect(rejects.contains { $0.contains("\"e-1-real\"") && $0.contains("in DIR/b.json and DIR/c.json") })
        #expect(rejects.filter { $0.contains("\"e-0-flood\"") }.last?.hasSuffix("; 1489 more contents of this id are not listed") == true)
        #expect(try store.totals().rejectsByCode["duplicate-event-id"] == 1_500)
    }
}
