import Testing
import AWSModel
import Foundation
import PolicySynthesis
@testable import PerimeterCLI
import PerimeterTestSupport
@testable import Inventory

/// The inventory is read one file at a time, within one limit for all its files together.
struct InventoryLimitTests {
    static func write(_ dir: String, _ name: String, _ bytes: [UInt8]) throws -> String {
        let path = dir + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    static func padded(_ json: String, to size: Int) -> [UInt8] {
        Array(json.utf8) + [UInt8](repeating: 0x20, count: size - json.utf8.count)
    }

    /// Each file could inflate to 256 MiB and every file was held at once: 12 files of 3.1 MB in all
    /// took 3 minutes and 3.45 GB. Files that fit one by one no longer fit together.
    @Test func inventoryFilesWereEachCappedButNotTogether() throws {
        let dir = TestSupport.temporaryDirectory("inventory-limit")
        _ = try Self.write(dir, "a-accounts.json", Self.padded(#"{"Accounts":[{"Id":"111122223333"}]}"#, to: 600))
        let bomb = try Self.write(dir, "b-buckets.json.gz", try TestSupport.gzip(Self.padded(#"{"Buckets":[]}"#, to: 600)))
        // Together they fit in 1,200 bytes, and not in 1,000: the second file is refused, by name.
        let inventory = try SynthesisStep.readInventory([dir], trustedAccounts: [], limit: 1_200)
        #expect(inventory.accounts.map(\.rawValue) == ["111122223333"])
        #expect(throws: (any Error).self) { try SynthesisStep.readInventory([dir], trustedAccounts: [], limit: 1_000) }
        let error = #expect(throws: SynthesisStep.InventoryFileError.self) {
            try SynthesisStep.inventoryText(bomb, left: 400, limit: 1_000)
        }
        #expect(error?.description.contains("b-buckets.json.gz") == true)
        #expect(error?.description.contains("does not fit") == true)
    }
}

/// The console shows logged values as values: never a line of their own.
struct TerminalTextTests {
    /// A newline in a file name (an S3 key after `aws s3 sync`) printed its own `verdict: ready` line.
    @Test func aNewlineInALoggedNamePrintedItsOwnConsoleLine() {
        let name = "logs/x\nverdict: ready"
        let line: TerminalText = "unsafe: \(name): coverage-gap"
        #expect(!line.text.contains("\n"))
        #expect(line.text == "unsafe: logs/x\\u{A}verdict: ready: coverage-gap")
        let ours: TerminalText = "files: \(3)\nfailed: \(name)"
        #expect(ours.text.split(separator: "\n") == ["files: 3", "failed: logs/x\\u{A}verdict: ready"])
        #expect(TerminalText(lines: ["failed: " + name, "b\u{202E}c"]).text == "failed: logs/x\\u{A}verdict: ready\nb\\u{202E}c")
    }
}
