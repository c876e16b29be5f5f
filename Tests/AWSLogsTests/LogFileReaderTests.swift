import Testing
@testable import AWSLogs
import AWSModel
import PerimeterTestSupport

/// The fixture copies of real samples (Tests/Fixtures, attribution in its README).
struct LogFileReaderTests {
    static func read(_ relative: String) throws -> ParsedFile {
        let path = TestSupport.fixture(relative)
        return try LogFileReader().read(path: path, fingerprint: LogFileReader.fingerprint(path: path))
    }

    @Test(arguments: [
        ("cloudtrail/111111111111_CloudTrail_eu-central-1_20171211T1505Z_A6kvhMoVeCsc7v8U.json.gz", 2, 0, Int64(0)),
        ("cloudtrail/cloudtrail-log-file.json.gz", 2, 0, 0),
        ("cloudtrail/raw-sample.json", 1, 0, 0),
        ("cloudtrail/ec2_proxy_s3_exfiltration_2020-09-14011940.json", 103, 0, 0),
        ("cloudtrail/cloudtrail-logging-understanding-s3-entries.block00.json", 3, 0, 0),
        ("cloudtrail/SubscriptionFilters.block13.json", 0, 3, 0),
        ("cloudtrail/cloudtrail-integration.block07.json", 0, 1, 0),
        ("cloudtrail/ct-decrypt.block01.json", 0, 1, 0),
        ("cloudtrail/cloudtrail-log-file-examples.block09.json", 0, 0, 2),
        // Its endpoint id is the documentation's placeholder, `vpce-EXAMPLE08c1b6b9b7`: a reject.
        ("cloudtrail/aws_vpce_access_denied.test00.json", 0, 1, 0),
    ])
    func cloudTrailShapes(path: String, events: Int, rejects: Int, skipped: Int64) throws {
        let file = try Self.read(path)
        #expect(file.kind == .cloudTrail)
        #expect(file.events.count == events)
        #expect(file.rejects.count == rejects)
        #expect(file.skippedRecords.values.reduce(0, +) == skipped)
    }

    @Test func malformedJSONNamesTheLine() throws {
        let file = try Self.read("cloudtrail/cloudtrail-integration.block07.json")
        let reject = try #require(file.rejects.first)
        #expect(reject.line == 22)
        #expect(reject.reason.contains("invalid escape"))
    }

    @Test func endpointDenialIsNotAPermission() throws {
        let text = try TestSupport.fixtureWithIssuedEndpointID("cloudtrail/aws_vpce_access_denied.test00.json")
        let event = try #require(LogFileReader().read(bytes: Array(text.utf8), path: "denied.json").events.first)
        #expect(event.outcome == .deniedByEndpointPolicy)
        #expect(event.vpcEndpointID == VPCEndpointID(TestSupport.issuedEndpointID))
        // A network activity event: the resource its record carries is not evidence (AWS logs none there).
        #expect(event.accesses.map(\.description) == ["s3:GetObject "])
    }

    @Test func transactWriteItemsNeedsOneActionPerOperation() throws {
        let event = try #require(try Self.read("cloudtrail/understanding-ddb-log-entries.block05.json").events.first)
        #expect(Set(event.accesses.map(\.action.name)).isSuperset(of: ["PutItem", "UpdateItem"]))
        #expect(event.accesses.allSatisfy { $0.resource.text.hasSuffix(":table/Music") })
    }

    @Test func logstashLinesUseTheirTimestamp() throws {
        let file = try Self.read("cloudtrail/ec2_proxy_s3_exfiltration_2020-09-14011940.json")
        #expect(file.events.allSatisfy { $0.eventTime > 1_600_000_000 })
        #expect(file.events.contains { $0.accesses.contains { $0.action == IAMAction("s3:ListBucket") } })
    }

    @Test func flowLogHeaderDrivesTheFields() throws {
        let file = try Self.read("flowlogs/flow-log-example-traffic-path.log")
        #expect(file.kind == .flowLog)
        #expect(file.flowRecords == 2)
        #expect(file.flows.contains { $0.destinationService == "S3" && $0.trafficPath == 8 && $0.flowDirection == "egress" })
    }

    @Test(arguments: [
        ("flowlogs/flow-log-example-tcp-flag.log", Int64(8), 0),
        ("flowlogs/flow-log-example-nat.log", 4, 2),
        ("flowlogs/flow-log-example-tgw.log", 4, 1),
        ("flowlogs/vpcflowlog.log.gz", 3, 0),
        ("flowlogs/flow-log-example-no-data.log", 0, 0),
    ])
    func flowLogShapes(path: String, records: Int64, rejects: Int) throws {
        let file = try Self.read(path)
        #expect(file.flowRecords == records)
        #expect(file.rejects.count == rejects)
    }

    /// Regression guard for reading a file's first chunk in place: whenever that chunk decides the
    /// format, it decides what the first 64 KiB would (and a chunk that cannot tell decides nothing).
    @Test(arguments: [
        ("{\"Records\":[{\"eventVersion\":\"1.08\"", "cloudTrail"),
        ("  [{\"eventSource\":\"s3.amazonaws.com\"", "cloudTrail"),
        ("{\"interface-id\":\"eni-1\",\"eventName\":\"x\"", "cloudTrail"),
        ("{\"interface-id\":\"eni-1\",\"srcaddr\":\"10.0.0.1\"", nil),
        ("{\"message\":\"2 123456789012 eni-1", nil),
        ("version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n2 1", "flow"),
        ("\n\nversion account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n",
            "flow"),
        ("version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action", nil),
        ("\u{FEFF}{\"Records\":[]}", nil),
        ("2 123456789012 eni-1 10.0.0.1 10.0.0.2 443 1024 6 1 40 1 2 ACCEPT OK\n", nil),
        ("hello\n", nil),
    ] as [(String, String?)])
    func aFirstChunkDecidesOnlyWhatTheWholeHeadWould(head: String, early: String?) {
        let bytes = Array(head.utf8)
        let decided = bytes.withUnsafeBytes { LogFileReader.Sink.decidedEarly($0) }
        #expect(decided.map { "\($0)" } == early)
        if let decided { #expect(decided == LogFileReader.Sink.detect(bytes)) }
    }

    @Test func policiesAreNotLogs() throws {
        #expect(try Self.read("policies/s3_endpoint_policy.json").kind == .unrecognized)
    }
}

extension ResourceAccess {
    var description: String { "\(action) \(resource)" }
}
