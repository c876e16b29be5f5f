import Testing
@testable import AWSLogs
import AWSModel

struct FlowLogReaderTests {
    static func read(_ lines: [String]) -> FlowLogReader {
        var reader = FlowLogReader()
        for (i, line) in lines.enumerated() {
            Array(line.utf8).withUnsafeBytes { reader.readLine($0, number: i + 1, offset: 0) }
        }
        return reader
    }

    @Test func defaultFormatWithoutHeader() {
        let r = Self.read(["""
            2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK
            """])
        #expect(r.records == 1)
        #expect(r.flows().first?.destinationPort == 22)
    }

    @Test func headerInAnyOrderAndRepeatedMidFile() {
        let r = Self.read([
            "srcaddr dstaddr action log-status bytes",
            "10.0.0.1 52.216.1.1 ACCEPT OK 100",
            "version srcaddr dstaddr dstport action log-status pkt-dst-aws-service traffic-path",
            "5 10.0.0.2 52.216.1.2 443 ACCEPT OK S3 7",
        ])
        #expect(r.records == 2)
        #expect(r.rejects.isEmpty)
        #expect(r.flows().contains { $0.destinationService == "S3" && $0.trafficPath == 7 })
    }

    @Test func dashesAreMissingValues() {
        let r = Self.read(["version srcaddr dstaddr action log-status instance-id", "3 10.0.0.1 10.0.0.2 ACCEPT OK -"])
        #expect(r.records == 1)
        #expect(r.flows().first?.instanceID == "")
    }

    @Test func jsonLinesWithFieldNamesOrMessage() {
        let r = Self.read([
            #"""
                {"version":2,"account_id":"1","interface_id":"eni-1","srcaddr":"10.0.0.1","dstaddr":"10.0.0.2","action":"ACCEPT",\#
                "log_status":"OK","bytes":5}
                """#,
            #"{"timestamp":1,"message":"2 1 eni-2 10.0.0.3 10.0.0.4 1 2 6 1 10 1700000000 1700000060 REJECT OK"}"#,
        ])
        #expect(r.records == 2)
        #expect(r.rejects.isEmpty)
    }

    @Test func badLinesBecomeRejectsAndTheRestGoesOn() {
        let r = Self.read(
            ["version srcaddr action log-status", "2 10.0.0.1 MAYBE OK", "2 10.0.0.1", "x 10.0.0.1 ACCEPT OK", "2 10.0.0.9 ACCEPT OK"])
        #expect(r.records == 1)
        #expect(r.rejects.map(\.line) == [2, 3, 4])
    }

    @Test func noDataAndSkipDataAreCountedNotRejected() {
        let r = Self.read(["2 123456789010 eni-1 - - - - - - - 1431280876 1431280934 - NODATA",
                           "2 123456789010 eni-1 - - - - - - - 1431280876 1431280934 - SKIPDATA"])
        #expect(r.records == 0)
        #expect(r.rejects.isEmpty)
        #expect(r.skipped == ["flow record NODATA": 1, "flow record SKIPDATA": 1])
    }
}

struct FlowValueTests {
    @Test(arguments: [("0", 0), ("42", 42), ("+7", 7), ("-1", -1), ("9223372036854775807", Int64.max),
                      ("-9223372036854775808", Int64.min)] as [(String, Int64)])
    func integersReadAsInt64Does(text: String, value: Int64) {
        #expect(Array(text.utf8).withUnsafeBytes { FlowRow.integer($0) } == value)
    }

    @Test(arguments: ["", "-", "+", "1a", "1 ", "9223372036854775808", "-9223372036854775809", "0x10"])
    func notIntegers(text: String) {
        #expect(Array(text.utf8).withUnsafeBytes { FlowRow.integer($0) } == nil)
    }

    @Test func aTableGivesEqualBytesOneIdAcrossGrowth() {
        var table = StringTable()
        func id(_ text: String) -> Int32 { Array(text.utf8).withUnsafeBytes { table.id($0) } }
        let values = (0..<5000).map { "eni-\($0 * 7919)" }
        let ids = values.map(id)
        #expect(Set(ids).count == values.count)
        #expect(values.map(id) == ids)
        #expect(ids.map { table[$0] } == values)
        #expect(id("") == 0)
        #expect(table.strings.count == values.count + 1)
    }
}
