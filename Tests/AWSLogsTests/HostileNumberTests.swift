import Testing
import Foundation
@testable import AWSLogs
import AWSModel

/// Logged numbers never trap: out-of-range fields are rejects, sums hold at their bound.
struct HostileNumberTests {
    static let header = "version interface-id srcaddr dstaddr dstport protocol packets bytes start end action log-status"

    @Test func twoFlowRecordsWithBytesAtInt64MaxAreRejectsNotACrash() {
        let line = "2 eni-1 10.0.0.1 10.0.0.2 443 6 1 \(Int64.max) 1700000000 1700000060 ACCEPT OK"
        let r = FlowLogReaderTests.read([Self.header, line, line])
        #expect(r.records == 0)
        #expect(r.rejects.count == 2)
        #expect(r.rejects.allSatisfy { $0.reason.contains("`bytes` is out of range") })
    }

    @Test(arguments: ["\(Int64.min)", "-1", "253402300800", "99999999999999999999"])
    func aFlowStartOutsideTimeIsARejectNotATrap(start: String) {
        let r = FlowLogReaderTests.read([Self.header, "2 eni-1 10.0.0.1 10.0.0.2 443 6 1 10 \(start) 1700000060 ACCEPT OK"])
        #expect(r.records == 0)
        #expect(r.rejects.count == 1)
    }

    @Test func flowSumsAtTheLimitHoldInsteadOfOverflowing() {
        let big = FlowRow.counterLimit
        let lines = (0..<9000).map { _ in "2 eni-1 10.0.0.1 10.0.0.2 443 6 \(big) \(big) 1700000000 1700000060 ACCEPT OK" }
        let r = FlowLogReaderTests.read([Self.header] + lines)
        #expect(r.records == 9000)
        #expect(r.flows().first?.bytes == Int64.max)
    }

    @Test(arguments: [Int64.min, Int64.min + 1, -1, 0, 86_399, 86_400, Int64.max])
    func timestampsOfAnySecondNeverTrap(seconds: Int64) {
        #expect(!Timestamp.iso8601(seconds).isEmpty)
        #expect(!Timestamp.day(seconds).isEmpty)
    }

    @Test func saturatingAddition() {
        #expect(Int64.max.addingSaturated(1) == .max)
        #expect(Int64.min.addingSaturated(-1) == .min)
        #expect(Int64(2).addingSaturated(3) == 5)
    }
}
