import Testing
import Foundation
import PerimeterTestSupport

/// The evidence a run could not get is said everywhere, and a later run on the same store still knows.
@Suite(.serialized)
struct EvidenceEndToEndTests {
    static let root = TestSupport.repositoryRoot.path

    /// A corrupt delivery file: exit 1 on the console, and used to be nowhere else.
    @Test func aFileThatCouldNotBeReadLeavesDraftsReady() throws {
        let dir = TestSupport.temporaryDirectory("e2e-evidence")
        let logs = dir + "/logs"
        try FileManager.default.copyItem(atPath: Self.root + "/SampleLogs/AWSLogs", toPath: logs)
        let folder = logs + "/o-acme1234ab/111122223333/CloudTrail/us-east-1/2026/11/03"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        // A gzip header, then garbage: the delivery was cut short.
        let corrupt = Data([0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0x03] + Array(repeating: 0xAB, count: 64))
        try corrupt.write(to: URL(fileURLWithPath: folder + "/111122223333_CloudTrail_us-east-1_20261103T0000Z_cut.json.gz"))
        let inventory = ["--inventory", Self.root + "/SampleLogs/inventory"], db = ["--db", dir + "/store.sqlite"]
        let run = try Binary.run(["run", logs, "--out", dir + "/run"] + inventory + db)
        #expect(run.status == 1, "\(run.output)")
        #expect(run.output.contains("not read:"))
        // A later synthesize on the same store knows the file failed.
        let later = try Binary.run(["synthesize", "--out", dir + "/later", "--json"] + inventory + db)
        #expect(later.output.contains(#""failedFiles" : 1"#), "\(later.output)")
        #expect(!later.output.contains(#""verdict" : "ready""#))
        let report = try String(contentsOfFile: dir + "/later/report.md", encoding: .utf8)
        #expect(report.components(separatedBy: "## Risks")[0].contains("Files not read"))
        let summary = try String(contentsOfFile: dir + "/later/summary.json", encoding: .utf8)
        #expect(summary.contains("_cut.json.gz"))
        #expect(try String(contentsOfFile: dir + "/later/report.html", encoding: .utf8).contains("_cut.json.gz"))
    }
}
