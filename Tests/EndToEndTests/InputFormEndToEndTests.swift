import Foundation
import PerimeterTestSupport
import Testing

/// The same records and inventory kept in other forms give the same drafts (issue: every form people keep).
@Suite(.serialized)
struct InputFormEndToEndTests {
    static let root = TestSupport.repositoryRoot.path

    static func gunzip(_ path: String) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-dc", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return [UInt8](data)
    }

    static func json(_ object: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]), as: UTF8.self)
    }

    static func utf16LE(_ text: String) -> [UInt8] { [0xFF, 0xFE] + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] } }

    /// Every record of the SampleLogs CloudTrail files, once more, in each other form: `lookup-events`
    /// (bare array and one Event per line), EventBridge lines, a Lambda `awslogs` event, CloudTrail Lake
    /// rows (nested members as dotted columns, request parameters and resources as JSON text), UTF-16
    /// JSON lines.
    static func otherForms(into dir: String) throws {
        let trail = try FileManager.default.subpathsOfDirectory(atPath: root + "/SampleLogs/AWSLogs")
            .filter { $0.contains("/CloudTrail/") && $0.hasSuffix(".json.gz") }.sorted()
        var records: [[String: Any]] = []
        for file in trail {
            let object = try JSONSerialization.jsonObject(with: Data(try gunzip(root + "/SampleLogs/AWSLogs/" + file))) as? [String: Any]
            records += object?["Records"] as? [[String: Any]] ?? []
        }
        #expect(records.count > 1000)
        let fifth = records.count / 5
        let parts = (0..<5).map { i in Array(records[(i * fifth)..<(i == 4 ? records.count : (i + 1) * fifth)]) }
        let lookup = try parts[0]
            .map { ["EventId": $0["eventID"] as? String ?? "", "EventName": $0["eventName"] as? String ?? "",
            "CloudTrailEvent": try json($0)] }
        try Data(try json(Array(lookup.prefix(lookup.count / 2))).utf8).write(to: URL(fileURLWithPath: dir + "/lookup-events.json"))
        try Data(try lookup.suffix(from: lookup.count / 2).map { try json($0) }.joined(separator: "\n").utf8)
            .write(to: URL(fileURLWithPath: dir + "/lookup-events.jsonl"))
        let bridge = try parts[1]
            .map { try json(
            ["version": "0", "id": UUID().uuidString, "detail-type": "AWS API Call via CloudTrail", "source": "aws.s3", "detail": $0]) }
        try Data(bridge.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: dir + "/firehose-eventbridge"))
        let payload = try json(
            ["messageType": "DATA_MESSAGE", "owner": "111122223333", "logGroup": "trail", "logStream": "s", "subscriptionFilters": ["all"],
                                "logEvents": try parts[2].enumerated()
                                .map { ["id": "\($0.offset)", "timestamp": 0, "message": try json($0.element)] }])
        let data = Data(try TestSupport.gzip(Array(payload.utf8))).base64EncodedString()
        try Data(try json(["awslogs": ["data": data]]).utf8).write(to: URL(fileURLWithPath: dir + "/lambda-event.json"))
        try Data(utf16LE(try parts[3].map { try json($0) }.joined(separator: "\r\n")))
            .write(to: URL(fileURLWithPath: dir + "/powershell-export.json"))
        let rows = try parts[4].map { try lakeRow($0) }
        try Data(try json(["QueryStatus": "FINISHED", "QueryResultRows": rows]).utf8)
            .write(to: URL(fileURLWithPath: dir + "/lake-results.json"))
    }

    /// A record as a CloudTrail Lake `GetQueryResults` row: one-member objects, column → text.
    static func lakeRow(_ record: [String: Any]) throws -> [[String: String]] {
        var row: [[String: String]] = []
        func add(_ name: String, _ value: Any) throws {
            if let nested = value as? [String: Any], !["requestParameters", "responseElements", "additionalEventData"].contains(name) {
                for key in nested.keys.sorted() { try add(name + "." + key, nested[key]!) }
            } else if value is [Any] || value is [String: Any] {
                row.append([name: try json(value)])
            } else if let text = value as? String {
                row.append([name: text])
            } else if !(value is NSNull) {
                row.append([name: "\(value)"])
            }
        }
        for key in record.keys.sorted() { try add(key, record[key]!) }
        return row
    }

    static func drafts(_ out: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for folder in ["endpoints", "buckets"] {
            for name in try FileManager.default.contentsOfDirectory(atPath: out + "/" + folder) where name.hasSuffix(".json") {
                files[folder + "/" + name] = try Data(contentsOf: URL(fileURLWithPath: out + "/\(folder)/\(name)"))
            }
        }
        return files
    }

    @Test func aFolderMixingEveryFormWithTheDeliveryLayoutGivesTheSameDrafts() throws {
        let dir = TestSupport.temporaryDirectory("forms")
        try FileManager.default.copyItem(atPath: Self.root + "/SampleLogs", toPath: dir + "/logs")
        try FileManager.default.createDirectory(atPath: dir + "/logs/exports/forms", withIntermediateDirectories: true)
        try Self.otherForms(into: dir + "/logs/exports/forms")
        let result = try Binary.run(
            ["run", dir + "/logs", "--inventory", dir + "/logs/inventory", "--out", dir + "/out", "--db", dir + "/store.sqlite"])
        #expect(result.status == 3, "\(result.output)")
        // The records of the other forms are the delivered ones again: read, and counted once.
        #expect(result.output.contains("0 unrecognized"), "\(result.output)")
        #expect(result.output.contains("rejects: 1"))   // the sample's own cut-short CloudWatch line
        #expect(try Self.drafts(dir + "/out") == (try Self.drafts(Self.root + "/Output")))
    }

    @Test func theInventoryReadFromSeveralPathsGzippedOrUTF16GivesTheSameDrafts() throws {
        let dir = TestSupport.temporaryDirectory("forms")
        let inventory = Self.root + "/SampleLogs/inventory"
        try FileManager.default.createDirectory(atPath: dir + "/a", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir + "/b/bucket-policies", withIntermediateDirectories: true)
        for file in try FileManager.default.subpathsOfDirectory(atPath: inventory).filter({ $0.hasSuffix(".json") }) {
            let bytes = TestSupport.bytes(inventory + "/" + file)
            if file.hasPrefix("bucket-policies/") {
                try Data(Self.utf16LE(String(decoding: bytes, as: UTF8.self))).write(to: URL(fileURLWithPath: dir + "/b/" + file))
            } else {
                try Data(try TestSupport.gzip(bytes))
                    .write(to: URL(fileURLWithPath: dir + "/a/" + file.uppercased().replacingOccurrences(of: ".JSON", with: ".Json")
                    + ".gz"))
            }
        }
        try Data("Exported on 2026-11-08 by the platform team.\n".utf8).write(to: URL(fileURLWithPath: dir + "/a/NOTES.txt"))
        let result = try Binary.run(
            ["run", Self.root + "/SampleLogs", "--inventory", dir + "/a", dir + "/b", "--out", dir + "/out", "--db", dir + "/store.sqlite"])
        #expect(result.status == 3, "\(result.output)")
        // A file in an inventory folder that is no inventory is named on the console.
        #expect(result.output.contains("warning: inventory-unrecognized: \(dir)/a/NOTES.txt"), "\(result.output)")
        var expected = try Self.drafts(Self.root + "/Output"), produced = try Self.drafts(dir + "/out")
        #expect(produced.keys.sorted() == expected.keys.sorted())
        expected = expected.filter { $0.key.hasPrefix("endpoints/") }
        produced = produced.filter { $0.key.hasPrefix("endpoints/") }
        #expect(produced == expected)
    }

    @Test func aMissingInventoryPathFailsBeforeAnyIngest() throws {
        let dir = TestSupport.temporaryDirectory("forms")
        let result = try Binary.run(["run", Self.root + "/SampleLogs", "--inventory", Self.root + "/SampleLogs/inventory", dir + "/nope",
                                     "--out", dir + "/out", "--db", dir + "/store.sqlite"])
        #expect(result.status == 64)
        #expect(result.output.contains("does not exist"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/store.sqlite"))
    }

    @Test func aNamedFileThatIsNoLogIsAWarningAndInputsWithoutARecordExit1() throws {
        let dir = TestSupport.temporaryDirectory("forms")
        try Data("hello\n".utf8).write(to: URL(fileURLWithPath: dir + "/notes.txt"))
        try Data(#"{"Records":[]}"#.utf8).write(to: URL(fileURLWithPath: dir + "/empty.json"))
        let result = try Binary.run(["ingest", dir + "/notes.txt", dir + "/empty.json", "--db", dir + "/store.sqlite"])
        #expect(result.status == 1)
        #expect(result.output.contains("warning: \(dir)/notes.txt (named on the command line): neither CloudTrail nor a VPC flow log"),
            "\(result.output)")
        #expect(result.output.contains("warning: \(dir)/empty.json: CloudTrail, but it holds no record"))
        #expect(result.output.contains("Error: the 2 files found hold no CloudTrail or flow log record (see the lines above)"))
    }
}
