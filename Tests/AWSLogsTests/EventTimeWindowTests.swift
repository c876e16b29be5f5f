import Testing
@testable import AWSLogs
import AWSModel
import Foundation

/// An event's time is evidence only within its file's delivery window, and never in the future.
struct EventTimeWindowTests {
    static func record(_ time: String, id: String) -> String {
        HostileRecordTests.record(parameters: #"{"bucketName":"app-data","key":"k"}"#)
            .replacingOccurrences(of: "2026-11-02T10:00:00Z", with: time)
            .replacingOccurrences(of: #""eventID":"e1""#, with: "\"eventID\":\"\(id)\"")
    }

    /// Reads `records` as one delivery object named `name`, with now at `now`.
    static func read(_ records: [String], name: String, now: String = "2026-11-03T00:00:00Z") -> ParsedFile {
        let path = "AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/02/" + name
        var file = ParsedFile(path: path, size: 0, contentHash: "h", kind: .cloudTrail)
        let delivery = "{\"Records\":[" + records.joined(separator: ",") + "]}"
        CloudTrailReader(now: Timestamp.parseISO8601(now)).read(Array(delivery.utf8), into: &file)
        return file
    }

    static let delivered = "111122223333_CloudTrail_us-east-1_20261102T1015Z_AbCdEf.json.gz"
    static let honest = [record("2026-11-02T10:00:00Z", id: "a"), record("2026-11-02T10:11:00Z", id: "b")]

    @Test func aRecordDatedAYearBeforeItsDeliveryIsEvidence() {
        let file = Self.read(Self.honest + [Self.record("2025-11-02T10:00:00Z", id: "old")], name: Self.delivered)
        #expect(file.events.map(\.eventID) == ["a", "b"])
        #expect(file.rejects.map(\.code) == [.eventTimeOutsideDelivery])
    }

    @Test func aRecordDatedMonthsAheadIsEvidence() {
        // After its file's delivery stamp, and after now.
        let ahead = Self.record("2027-03-01T00:00:00Z", id: "ahead")
        #expect(Self.read(Self.honest + [ahead], name: Self.delivered).events.map(\.eventID) == ["a", "b"])
        // A file whose name carries no stamp: the future is still refused.
        let unnamed = Self.read(Self.honest + [ahead], name: "export.json")
        #expect(unnamed.events.map(\.eventID) == ["a", "b"])
        #expect(unnamed.rejects.first?.reason.contains("in the future") == true)
    }

    @Test(arguments: [
        ("111122223333_CloudTrail_us-east-1_20261102T1015Z_x.json.gz", "111122223333", "us-east-1", "2026-11-02T10:15:00Z"),
        ("123456789012_vpcflowlogs_eu-west-1_fl-0abc_20261102T1015Z_h.log.gz", "123456789012", "eu-west-1", "2026-11-02T10:15:00Z"),
        ("111122223333_CloudTrail_us-east-1_x.json.gz", "111122223333", "us-east-1", nil),
    ] as [(String, String, String, String?)])
    func aDeliveryNameSaysItsAccountRegionAndStamp(name: String, account: String, region: String, stamp: String?) throws {
        let delivery = try #require(DeliveryName(path: "AWSLogs/x/" + name))
        #expect(delivery.account.rawValue == account && delivery.region == region)
        #expect(delivery.deliveredAt == stamp.flatMap { Timestamp.parseISO8601($0) })
    }

    @Test(arguments: ["export.json", "111_CloudTrail_us-east-1_20261102T1015Z_x.json", "111122223333_Other_us-east-1_20261102T1015Z_x"])
    func otherNamesSayNothing(name: String) {
        #expect(DeliveryName(path: name) == nil)
    }
}
