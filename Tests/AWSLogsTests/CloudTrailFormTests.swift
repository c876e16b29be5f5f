import Foundation
import Testing
@testable import AWSLogs
import AWSModel
import JSONTape
import PerimeterTestSupport

/// The forms in which people keep CloudTrail besides the S3 delivery layout, each recognized by
/// content and read completely (issue: every form people keep). The samples are real (Tests/Fixtures,
/// attribution in its README); the other forms are built from those real records the way the tools
/// named in each test write them.
struct CloudTrailFormTests {
    static func read(_ bytes: [UInt8], _ path: String = "input.json") -> ParsedFile {
        LogFileReader().read(bytes: bytes, path: path)
    }

    static let lookupEvents = TestSupport.bytes(TestSupport.fixture("cloudtrail/lookup-events.example.json"))
    static let eventBridge = TestSupport.bytes(TestSupport.fixture("eventbridge/tutorial-cloudwatch-events-s3.example.json"))

    /// The `Events` of the `lookup-events` sample, each re-serialized on one line (`jq -c '.Events[]'`).
    static func lookupEventLines() throws -> [String] {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(lookupEvents)) as? [String: Any])
        let events = try #require(object["Events"] as? [Any])
        return try events.map { String(decoding: try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]), as: UTF8.self) }
    }

    /// What a file yielded, compared across forms: events, and records skipped or rejected by reason.
    static func yield(_ file: ParsedFile) -> (events: [NormalizedEvent], skipped: [String: Int64], rejects: [String]) {
        (file.events, file.skippedRecords, file.rejects.map(\.code.rawValue))
    }

    @Test func lookupEventsAsABareArrayOrOneEventPerLineReadAsTheWrapperDoes() throws {
        let wrapper = Self.yield(Self.read(Self.lookupEvents))
        #expect(wrapper.rejects.isEmpty)
        #expect(wrapper.events.count + Int(wrapper.skipped.values.reduce(0, +)) == 1)
        let lines = try Self.lookupEventLines()
        for text in ["[" + lines.joined(separator: ",") + "]", lines.joined(separator: "\n") + "\n", "[\n" + lines.joined(separator: ",\n")
            + "\n]\n"] {
            let form = Self.yield(Self.read(Array(text.utf8)))
            #expect(form.rejects.isEmpty, "\(text.prefix(40))")
            #expect(form.events == wrapper.events)
            #expect(form.skipped == wrapper.skipped)
        }
    }

    @Test func eventBridgeEnvelopesYieldTheirDetailOnePerLineOrConcatenated() throws {
        let single = Self.read(Self.eventBridge)
        #expect(single.kind == .cloudTrail)
        #expect(single.rejects.isEmpty)
        let event = try #require(single.events.first)
        #expect(single.events.count == 1)
        #expect(event.eventName == "PutObject")
        #expect(event.accesses.map(\.action.description).contains("s3:PutObject"))
        // Firehose writes EventBridge events one after another, with or without newlines between them.
        let compact = try JSONSerialization.data(withJSONObject: try JSONSerialization.jsonObject(with: Data(Self.eventBridge)))
        let line = String(decoding: compact, as: UTF8.self)
        for text in [line + "\n" + line + "\n", line + line] {
            let file = Self.read(Array(text.utf8))
            #expect(file.rejects.isEmpty)
            #expect(file.events == [event, event])
        }
    }

    @Test func eventBridgeEventsNotFromCloudTrailAreSkippedWithTheirReason() {
        let text = #"""
            {"version":"0","id":"1","detail-type":"EC2 Instance State-change \#
            Notification","source":"aws.ec2","detail":{"instance-id":"i-1","state":"running"}}
            """#
        let file = Self.read(Array(text.utf8))
        #expect(file.events.isEmpty)
        #expect(file.rejects.isEmpty)
        #expect(file.skippedRecords == ["EventBridge event not from CloudTrail": 1])
    }

    /// A CloudWatch Logs subscription payload holding `records` as messages, as a Lambda subscription receives it.
    static func subscriptionEvent(_ messages: [String]) throws -> String {
        let events = messages.enumerated().map { #"{"id":"\#($0)","timestamp":1536711910000,"message":\#(JSONString.quote($1))}"# }
        let payload = #"""
            {"messageType":"DATA_MESSAGE","owner":"123456789012","logGroup":"trail","logStream":"123456789012_CloudTrail_us-east-2",\#
            "subscriptionFilters":["all"],"logEvents":[\#(events.joined(separator: ","))]}
            """#
        let data = Data(try TestSupport.gzip(Array(payload.utf8))).base64EncodedString()
        return #"{"awslogs":{"data":"\#(data)"}}"#
    }

    @Test func lambdaSubscriptionDataIsInflatedAndItsRecordsRead() throws {
        let direct = Self.read(Self.eventBridge).events
        let detail = try #require(try JSONSerialization.jsonObject(with: Data(Self.eventBridge)) as? [String: Any])["detail"]
        let record = String(decoding: try JSONSerialization.data(withJSONObject: try #require(detail)), as: UTF8.self)
        let file = Self.read(Array((try Self.subscriptionEvent([record, "REPORT RequestId: 6234bffe Duration: 46.84 ms"]) + "\n").utf8))
        #expect(file.kind == .cloudTrail)
        #expect(file.events == direct)
        // The second message is not a record: one reject, said, not lost.
        #expect(file.rejects.map(\.code.rawValue) == ["malformed-json"])
    }

    @Test(arguments: [
        (#"{"awslogs":{"data":"%%% not base64"}}"#, "is not base64"),
        (#"{"awslogs":{"data":"aGVsbG8="}}"#, "is not gzip"),
        (#"{"awslogs":{"data":42}}"#, "is not base64"),
    ])
    func badSubscriptionDataIsARejectWithItsReason(text: String, reason: String) {
        let file = Self.read(Array(text.utf8))
        #expect(file.events.isEmpty)
        #expect(file.rejects.map(\.code.rawValue) == ["bad-subscription-data"])
        #expect(file.rejects.first?.reason.contains(reason) == true)
    }

    @Test func cloudTrailLakeQueryResultRowsReadAsRecords() throws {
        // GetQueryResults: `QueryResultRows` is a list of rows, each a list of one-member objects (AWS API
        // Reference). Built from the EventBridge sample's record: nested members as dotted columns or JSON.
        let rows = #"""
        {"QueryStatus":"FINISHED","QueryStatistics":{"ResultsCount":1,"TotalResultsCount":1,"BytesScanned":1024},
         "QueryResultRows":[[{"eventVersion":"1.05"},{"eventID":"cdc4b7ed-e171-4cef-975a-ad829d4123e8"},\#
        {"eventTime":"2018-09-12T00:25:10Z"},
          {"eventSource":"s3.amazonaws.com"},{"eventName":"PutObject"},{"awsRegion":"us-east-2"},{"recipientAccountId":"123456789012"},
          {"sourceIPAddress":"203.0.113.34"},{"userAgent":"signin.amazonaws.com"},{"eventType":"AwsApiCall"},
          {"userIdentity.type":"IAMUser"},{"userIdentity.principalId":"AKIAIOSFODNN7EXAMPLE"},\#
        {"userIdentity.arn":"arn:aws:iam::123456789012:user/username"},
          {"userIdentity.accountId":"123456789012"},{"userIdentity.userName":"username"},{"userIdentity.invokedBy":"signin.amazonaws.com"},
          {"requestParameters":"{\"bucketName\":\"username-sfn-tutorial\",\"key\":\"test.png\",\"x-amz-acl\":\"private\"}"},
          {"resources":"[{\"type\":\"AWS::S3::Object\",\"ARN\":\"arn:aws:s3:::username-sfn-tutorial-2/test.png\"},\#
        {\"accountId\":\"123456789012\",\"type\":\"AWS::S3::Bucket\",\"ARN\":\"arn:aws:s3:::username-sfn-tutorial\"}]"}]]}
        """#
        let file = Self.read(Array(rows.utf8))
        #expect(file.kind == .cloudTrail)
        #expect(file.rejects.isEmpty)
        let lake = try #require(file.events.first)
        let direct = try #require(Self.read(Self.eventBridge).events.first)
        #expect(lake.accesses == direct.accesses)
        #expect(lake.principal == direct.principal)
        #expect(lake.eventTime == direct.eventTime)
    }

    @Test func aLakeColumnNameOfManyDotsIsARejectNotADeepRecord() {
        let name = String(repeating: "a.", count: 200_000) + "b"
        let text = "{\"QueryResultRows\":[[{\"eventSource\":\"s3.amazonaws.com\"},{\(JSONString.quote(name)):\"x\"}]]}"
        let file = Self.read(Array(text.utf8))
        #expect(file.events.isEmpty)
        #expect(file.rejects.map(\.code.rawValue) == ["lake-column-too-deep"])
    }

    @Test(arguments: [false, true])
    func utf16WithAByteOrderMarkReadsAsUTF8(bigEndian: Bool) {
        let text = String(decoding: Self.lookupEvents, as: UTF8.self)
        var bytes: [UInt8] = bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]
        for unit in text.utf16 {
            bytes += bigEndian ? [UInt8(unit >> 8), UInt8(unit & 0xFF)] : [UInt8(unit & 0xFF), UInt8(unit >> 8)]
        }
        let utf16 = Self.yield(Self.read(bytes))
        let utf8 = Self.yield(Self.read(Self.lookupEvents))
        #expect(utf16.events == utf8.events)
        #expect(utf16.skipped == utf8.skipped)
        #expect(utf16.rejects.isEmpty)
    }

    @Test(arguments: [1, 2, 3, 7])
    func utf16SplitAnywhereAcrossChunksTranscodesTheSame(chunk: Int) {
        let text = "{\"k\":\"a\u{e9}\u{1F600}z\"}"
        let bytes = text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        var transcoder = UTF16Transcoder(bigEndian: false)
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            let piece = Array(bytes[i..<min(bytes.count, i + chunk)])
            out += piece.withUnsafeBytes { transcoder.transcode($0) }
            i += chunk
        }
        out += transcoder.finish()
        #expect(String(decoding: out, as: UTF8.self) == text)
    }

    @Test func anUnpairedSurrogateIsAReplacementCharacterNotATrap() {
        var transcoder = UTF16Transcoder(bigEndian: false)
        let bytes: [UInt8] = [0x41, 0x00, 0x00, 0xD8, 0x42, 0x00, 0x00, 0xDC, 0x00, 0xD8]
        var out = bytes.withUnsafeBytes { transcoder.transcode($0) }
        out += transcoder.finish()
        #expect(String(decoding: out, as: UTF8.self) == "A\u{FFFD}B\u{FFFD}\u{FFFD}")
    }
}
