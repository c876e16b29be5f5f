import Testing
import Foundation
import PerimeterTestSupport

/// What the console prints: Perimeter's lines, never one a logged value made.
struct ConsoleLineTests {
    /// A file name with a newline (an S3 key after `aws s3 sync`) printed its own `verdict: ready` line.
    @Test func aNewlineInAFileNamePrintedItsOwnVerdictLine() throws {
        let dir = TestSupport.temporaryDirectory("console-line")
        try FileManager.default.createDirectory(atPath: dir + "/logs", withIntermediateDirectories: true)
        try Data([0x1F, 0x8B, 0x08, 0x00, 0x01, 0x02, 0x03]).write(to: URL(fileURLWithPath: dir + "/logs/x\nverdict: ready.json.gz"))
        let result = try Binary.run(["ingest", dir + "/logs", "--db", dir + "/store.sqlite"])
        #expect(result.output.contains("verdict: ready.json.gz"), "\(result.output)")
        #expect(!result.output.split(separator: "\n").contains { $0.hasPrefix("verdict") }, "\(result.output)")
    }
}
