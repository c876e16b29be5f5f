import Testing
import Foundation
@testable import AWSLogs
import AWSModel
import JSONTape

/// One malformed record costs that record only, at its own offset; files are read as a stream.
struct RecordRecoveryTests {
    static func record(_ i: Int) -> String {
        HostileRecordTests.record(parameters: "{\"bucketName\":\"app-data\",\"key\":\"k/\(i)\"}")
            .replacingOccurrences(of: #""eventID":"e1""#, with: "\"eventID\":\"e\(i)\"")
    }

    static func delivery(_ records: [String], pretty: Bool = false) -> [UInt8] {
        Array(("{\"Records\":[" + records.joined(separator: pretty ? ",\n" : ",") + "]}").utf8)
    }

    /// Reads `bytes` fed in chunks of `chunk` bytes.
    static func read(_ bytes: [UInt8], chunk: Int = 4096) -> ParsedFile {
        var file = ParsedFile(path: "t.json", size: Int64(bytes.count), contentHash: "", kind: .cloudTrail)
        var stream = CloudTrailStream(reader: CloudTrailReader())
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + chunk)
            bytes[start..<end].withUnsafeBytes { stream.feed($0, into: &file) }
            start = end
        }
        stream.finish(into: &file)
        return file
    }

    @Test(arguments: [1, 2, 7, 4096, 1 << 20])
    func aMissingColonInOneOf245RecordsCostsThatRecordOnly(chunk: Int) throws {
        var records = (0..<245).map(Self.record)
        records[100] = records[100].replacingOccurrences(of: #""eventName":"#, with: #""eventName" "#)
        let bytes = Self.delivery(records)
        let file = Self.read(bytes, chunk: chunk)
        #expect(file.events.count == 244)
        #expect(file.rejects.count == 1)
        let offset = try #require(file.rejects.first?.byteOffset)
        let recordStart = Self.delivery(Array(records[..<100])).count - 1   // the `,` before record 100 is at count - 2
        #expect(offset >= Int64(recordStart) && offset < Int64(recordStart + records[100].utf8.count))
        #expect(!file.events.contains { $0.eventID == "e100" })
    }

    @Test(arguments: [1, 7, 4096])
    func aLostQuoteOrBraceEndsAtTheNextRecord(chunk: Int) {
        var records = (0..<20).map(Self.record)
        records[5] = records[5].replacingOccurrences(of: #""awsRegion":"us-east-1""#, with: #""awsRegion":"us-east-1"#)
        records[12] = String(records[12].dropLast())   // no closing brace
        let file = Self.read(Self.delivery(records), chunk: chunk)
        #expect(file.events.count == 18)
        #expect(file.rejects.count == 2)
        #expect(Set(file.events.compactMap(\.eventID)) == Set((0..<20).filter { $0 != 5 && $0 != 12 }.map { "e\($0)" }))
    }

    @Test func aBrokenLineOfJSONLinesCostsThatLine() {
        var lines = (0..<10).map(Self.record)
        lines[3] = String(lines[3].prefix(80))
        let file = Self.read(Array(lines.joined(separator: "\n").utf8), chunk: 13)
        #expect(file.events.count == 9)
        #expect(file.rejects.map(\.line) == [4])
    }

    @Test func rejectsNameTheirLineInAPrettyPrintedFile() {
        var records = (0..<3).map(Self.record)
        records[2] = records[2].replacingOccurrences(of: #","awsRegion""#, with: #",,"awsRegion""#)
        let file = Self.read(Self.delivery(records, pretty: true))
        #expect(file.events.count == 2)
        #expect(file.rejects.map(\.line) == [3])
    }

    @Test func aRecordOverTheLimitIsARejectAndTheOthersAreRead() {
        let huge = Self.record(1).replacingOccurrences(of: #""awsRegion""#,
                                                        with: "\"pad\":\"" + String(repeating: "x", count: RecordSplitter.recordLimit + 10)
                                                        + "\",\"awsRegion\"")
        let file = Self.read(Self.delivery([Self.record(0), huge, Self.record(2)]), chunk: 256 << 10)
        #expect(file.events.compactMap(\.eventID) == ["e0", "e2"])
        #expect(file.rejects.count == 1)
        #expect(file.rejects.first?.reason.hasPrefix("record larger than 4 MiB") == true)
    }

    @Test func lookupEventsAndTopLevelArraysAreStreamedByElement() {
        let embedded = (0..<3).map { "{\"EventId\":\"x\",\"CloudTrailEvent\":\(JSONString.quote(Self.record($0)))}" }
        let lookup = Self.read(Array(("{\"Events\":[" + embedded.joined(separator: ",") + "],\"NextToken\":\"t\"}").utf8), chunk: 5)
        #expect(lookup.events.count == 3)
        let array = Self.read(Array(("[" + (0..<4).map(Self.record).joined(separator: ",") + "]").utf8), chunk: 3)
        #expect(array.events.count == 4)
        #expect(array.rejects.isEmpty)
    }

    @Test func aDigestFileIsSkippedNotRejected() {
        let file = Self.read(Array(#"{"awsAccountId":"1","digestStartTime":"2026-11-01T00:00:00Z","logFiles":[]}"#.utf8), chunk: 7)
        #expect(file.kind == .skipped)
        #expect(file.rejects.isEmpty)
    }

    /// 16,000 rejected lines used to take 51 s: each reject counted lines from the start of the file.
    /// Now a reject's line is counted within its own record (BENCHMARKS.md has the figure).
    @Test func sixteenThousandRejectsEachNameTheirOwnLine() {
        let lines = Array(repeating: #"{"eventVersion":"1.08","eventTime":"broken"}"#, count: 16_000).joined(separator: "\n")
        let file = Self.read(Array(lines.utf8), chunk: 256 << 10)
        #expect(file.rejectCount == 16_000)
        #expect(file.rejects.count == ParsedFile.rejectDetailLimit)
        #expect(file.rejects.last?.line == ParsedFile.rejectDetailLimit)
    }

    /// A file of garbage keeps the first rejects in detail and counts the rest: memory stays flat.
    @Test func rejectsPastTheDetailLimitAreCountedNotKept() {
        let bytes = Array(("{\"Records\":[" + Array(repeating: "1", count: 50_000).joined(separator: ",") + "]}").utf8)
        let file = Self.read(bytes, chunk: 4096)
        #expect(file.rejectCount == 50_000)
        #expect(file.rejects.count == ParsedFile.rejectDetailLimit)
        #expect(file.unstoredRejects == 49_000)
    }
}
