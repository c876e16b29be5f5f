import Testing
@testable import UsageStore
import AWSLogs
import AWSModel
import GRDB
import Foundation
import Logging
import PerimeterTestSupport

/// The store keeps, per source address, its requests' outcome and the bytes they logged: what explains
/// its flow bytes.
struct SourceVolumeTests {
    static let endpoint = "vpce-0a1b2c3d4e5f60718"

    /// An S3 data event through the endpoint from 10.0.1.21, as CloudTrail writes them (byte counts as floats).
    static func record(_ id: String, _ name: String, identity: String, error: String? = nil, bytes: String) -> String {
        """
        {"eventVersion":"1.09","userIdentity":\(identity),"eventTime":"2026-11-01T10:00:00Z","eventSource":"s3.amazonaws.com",\
        "eventName":"\(name)","awsRegion":"us-east-1","sourceIPAddress":"10.0.1.21","userAgent":"aws-cli/2.15.0",\
        \(error.map { "\"errorCode\":\"\($0)\",\"errorMessage\":\"Access Denied\"," } ?? "")\
        "requestParameters":{"bucketName":"app-data","key":"k/\(id)"},"additionalEventData":{"SignatureVersion":"SigV4",\(bytes)},\
        "eventID":"\(id)","readOnly":true,"eventType":"AwsApiCall","managementEvent":false,"recipientAccountId":"111122223333",\
        "vpcEndpointId":"\(endpoint)","vpcEndpointAccountId":"111122223333","eventCategory":"Data"}
        """
    }

    static let role = #"{"type":"AssumedRole","principalId":"AROAEXAMPLE:i-1","arn":"arn:aws:sts::111122223333:assumed-role/app/i-1","#
        + #""accountId":"111122223333","sessionContext":{"sessionIssuer":{"type":"Role","arn":"arn:aws:iam::111122223333:role/app","#
        + #""accountId":"111122223333"}}}"#
    static let anonymous = #"{"type":"AWSAccount","principalId":"","accountId":"ANONYMOUS_PRINCIPAL"}"#

    @Test func onlyAuthorizedSignedRequestsCarryVolume() async throws {
        let records = [
            Self.record("e1", "GetObject", identity: Self.role, bytes: #""bytesTransferredIn":0.0,"bytesTransferredOut":1048576.0"#),
            Self.record("e2", "PutObject", identity: Self.role, bytes: #""bytesTransferredIn":2048,"bytesTransferredOut":0"#),
            // Denied, and anonymous: they explain nothing, whatever they claim.
            Self.record("e3", "PutObject", identity: Self.role, error: "AccessDenied", bytes: #""bytesTransferredIn":9e8"#),
            Self.record("e4", "GetObject", identity: Self.anonymous, bytes: #""bytesTransferredOut":9e8"#),
            // A hostile count reads as not logged: the request still counts.
            Self.record("e5", "GetObject", identity: Self.role, bytes: #""bytesTransferredIn":-5,"bytesTransferredOut":1e999"#),
        ]
        let dir = TestSupport.temporaryDirectory()
        try ("{\"Records\":[" + records.joined(separator: ",") + "]}").write(toFile: dir + "/trail.json", atomically: true, encoding: .utf8)
        let store = try UsageStore(path: dir + "/store.sqlite", logger: Logger(label: "test"))
        let summary = try await IngestPipeline(store: store).run(paths: [dir + "/trail.json"], workers: 1)
        #expect(summary.events == 5 && summary.rejects == 0)
        #expect(try store.sourceEvidence().volumes == [SourceVolume(endpoint: VPCEndpointID(Self.endpoint), sourceIP: "10.0.1.21",
                                                                    requests: 3, bytesIn: 2048, bytesOut: 1_048_576)])
    }

    @Test func theExchangeCarriesOutcomeAndBytes() throws {
        var file = ParsedFile(path: "trail.json", size: 1, contentHash: "h", kind: .cloudTrail)
        let role = Principal(kind: .assumedRole, arn: "arn:aws:iam::111122223333:role/app", account: AccountID("111122223333"))
        file.events = [NormalizedEvent(eventID: "e1", eventTime: 1_793_527_200, eventSource: "s3.amazonaws.com", eventName: "GetObject",
                                       region: "us-east-1", principal: role, sessionName: "i-1", accesses: [],
                                       vpcEndpointID: VPCEndpointID(Self.endpoint), vpcEndpointAccount: nil, sourceIP: "10.0.1.21",
                                       userAgent: "aws-cli", recipientAccount: nil, outcome: .success, errorCode: nil, category: "Data",
                                       bytesIn: 7, bytesOut: 1024)]
        var partial = PartialAggregates()
        partial.add(file)
        let source = try #require(partial.tables()["sources"]?.first)
        #expect(source.contains(#""success"]"#))
        #expect(source.contains(#""in":7,"out":1024"#))
    }

    @Test func loadedAggregatesKeepOutcomeAndBytes() throws {
        let dir = try AggregateLoadTests.folder(access: "1")
        try FileManager.default.createDirectory(atPath: dir + "/sources", withIntermediateDirectories: true)
        let key = { (outcome: String) in
            #"["2026-11-01","\#(Self.endpoint)","arn:aws:iam::111122223333:role/r","i-1","10.0.1.21","aws-cli","\#(outcome)"]"#
        }
        let rows = [#"{"k":\#(key("success")),"count":4,"first":1793491200,"last":1793491200,"in":100,"out":5000}"#,
                    #"{"k":\#(key("denied")),"count":9,"first":1793491200,"last":1793491200,"in":900000,"out":0}"#]
        try Data(rows.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: dir + "/sources/part-0.json"))
        let store = try UsageStoreTests.store(dir)
        _ = try store.loadAggregates(folder: dir)
        #expect(try store.sourceEvidence().volumes == [SourceVolume(endpoint: VPCEndpointID(Self.endpoint), sourceIP: "10.0.1.21",
                                                                    requests: 4, bytesIn: 100, bytesOut: 5000)])
    }

    /// The volumes summed in the sources' scan are those `GROUP BY endpoint, source_ip` sums, in its order:
    /// rows of several files, endpoints (and none), addresses, outcomes and principals (anonymous among them).
    @Test func volumesAreSummedAsGroupByWould() throws {
        let store = try UsageStoreTests.store(TestSupport.temporaryDirectory())
        let endpoints = ["vpce-2", "vpce-10", "vpce-1", ""], addresses = ["10.0.0.9", "10.0.0.10", "2001:db8::1"]
        let outcomes = ["success", "denied", "failed-after-authorization", "unauthenticated", ""]
        let principals = ["arn:aws:iam::111122223333:role/r", Principal.anonymousARN]
        try store.queue.write { db in
            for n in 0..<120 {
                try db.execute(sql: "INSERT INTO source VALUES (?, '2026-11-01', ?, ?, 's', ?, 'agent', ?, 1, 1, ?, ?, ?)", arguments: [
                    n % 3, endpoints[n % 4], principals[n % 7 == 0 ? 1 : 0], addresses[n % 3], n + 1, outcomes[n % 5], n * 10, n * 100])
            }
        }
        let authorized = Outcome.allCases.filter(\.wasAuthorized).map { "'\($0.rawValue)'" }.joined(separator: ", ")
        let expected = try store.queue.read { db in
            try Row.fetchAll(db, sql: """
                SELECT endpoint, source_ip, \(UsageStore.boundedSum("count")), \(UsageStore.boundedSum("bytes_in")),
                       \(UsageStore.boundedSum("bytes_out"))
                FROM source WHERE endpoint != '' AND outcome IN (\(authorized)) AND principal_arn != '\(Principal.anonymousARN)'
                GROUP BY endpoint, source_ip ORDER BY endpoint, source_ip
                """).map { SourceVolume(endpoint: VPCEndpointID($0[0] as String), sourceIP: $0[1], requests: $0[2], bytesIn: $0[3],
                                        bytesOut: $0[4]) }
        }
        #expect(expected.count == 9)
        #expect(try store.sourceEvidence().volumes == expected)
    }
}
