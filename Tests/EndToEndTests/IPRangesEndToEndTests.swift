import Testing
import Foundation
import PerimeterTestSupport

/// `--ip-ranges FILE` replaces the shipped snapshot; a file that is not an ip-ranges.json is a usage error.
struct IPRangesEndToEndTests {
    @Test func aMalformedIPRangesFileIsAUsageErrorNamingIt() throws {
        let dir = TestSupport.temporaryDirectory("e2e-ip-ranges")
        let file = dir + "/ranges.json"
        try Data(#"{"syncToken": "1", "createDate": "2026-08-22-15-17-05", "prefixes": [{"ip_prefix": "52.216.0.0/99", "#.utf8)
            .write(to: URL(fileURLWithPath: file))
        let result = try Binary.run(["synthesize", "--db", dir + "/store.sqlite", "--out", dir + "/out", "--ip-ranges", file])
        #expect(result.status == 64)
        #expect(result.output.contains("--ip-ranges `\(file)` is not an AWS ip-ranges.json"))
        let missing = try Binary.run(["synthesize", "--db", dir + "/store.sqlite", "--ip-ranges", dir + "/none.json"])
        #expect(missing.status == 64 && missing.output.contains("none.json"))
    }
}
