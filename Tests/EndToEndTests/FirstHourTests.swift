import Foundation
import PerimeterTestSupport
import Testing

/// A new user's first hour (issue 24): what the binary says and does at the edges a first run meets.
@Suite(.serialized)
struct FirstHourTests {
    static let root = TestSupport.repositoryRoot.path

    /// The command line (the executable first) that runs perimeter as an unprivileged user when the tests run as root (root writes through
    /// any permission, so a read-only file or folder is read-only only for someone else); nil when not possible.
    static func unprivileged(_ arguments: [String]) -> [String]? {
        guard getuid() == 0 else { return [Binary.path] + arguments }
        guard let setpriv = TestSupport.executable(named: "setpriv") else { return nil }
        return [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", Binary.path] + arguments
    }

    static func runUnprivileged(_ arguments: [String]) throws -> Binary.Result? {
        guard let command = unprivileged(arguments) else { return nil }
        return try Binary.run(executable: command[0], Array(command.dropFirst()))
    }

    /// A folder every user may enter (the test process's own folders are not always).
    static func openFolder(_ name: String) -> String {
        let dir = TestSupport.temporaryDirectory(name)
        var url = URL(fileURLWithPath: dir)
        while url.path != "/" { chmod(url.path, 0o755); url.deleteLastPathComponent() }
        return dir
    }

    @Test func synthesizeOnAReadOnlyStoreFailedOnJournalModeWAL() throws {
        let dir = Self.openFolder("readonly-store")
        let ran = try Binary.run(["run", Self.root + "/SampleLogs", "--inventory", Self.root + "/SampleLogs/inventory",
                                  "--out", dir + "/first", "--db", dir + "/work.sqlite"])
        #expect(ran.status == 3, "\(ran.output)")
        try FileManager.default.createDirectory(atPath: dir + "/artifact", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: dir + "/work.sqlite", toPath: dir + "/artifact/store.sqlite")
        chmod(dir + "/artifact/store.sqlite", 0o444)
        chmod(dir + "/artifact", 0o555)
        try FileManager.default.createDirectory(atPath: dir + "/w", withIntermediateDirectories: true)
        chmod(dir + "/w", 0o777)
        let arguments = ["synthesize", "--db", dir + "/artifact/store.sqlite", "--inventory", Self.root + "/SampleLogs/inventory",
                         "--out", dir + "/w/out"]
        let result = try #require(try Self.runUnprivileged(arguments), "setpriv missing")
        #expect(result.status == 3, "\(result.output)")
        #expect(!result.output.contains("SQLite error"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/artifact") == ["store.sqlite"])
        for file in ["summary.json", "report.md", "endpoints"] {
            #expect(FileManager.default.contentsEqual(atPath: dir + "/first/" + file, andPath: dir + "/w/out/" + file), "\(file)")
        }
    }

    @Test func aReadOnlyOutFailedOnlyAfterTheWholeIngest() throws {
        let dir = Self.openFolder("readonly-out")
        try FileManager.default.createDirectory(atPath: dir + "/locked", withIntermediateDirectories: true)
        chmod(dir + "/locked", 0o555)
        chmod(dir, 0o777)
        let result = try #require(try Self.runUnprivileged(["run", Self.root + "/SampleLogs", "--out", dir + "/locked/out",
                                                           "--db", dir + "/store.sqlite"]), "setpriv missing")
        #expect(result.status == 1)
        let lines = result.output.split(separator: "\n")
        #expect(lines.count == 1, "\(result.output)")
        #expect(result.output.contains("is not writable") && !result.output.contains("NSCocoaErrorDomain"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/store.sqlite"), "the check comes before any work")
    }

    @Test(arguments: ["2026-11-20T12:00:00Z", "2026-11-20T23:59:59+05:00", "2026-11-31", "2026-02-29", "20261120", "2026-1-20",
                      " 2026-11-20"])
    func sinceWithATimeOrAnImpossibleDayWasAccepted(day: String) throws {
        let dir = TestSupport.temporaryDirectory("since")
        let result = try Binary.run(["run", Self.root + "/SampleLogs", "--since", day, "--out", dir + "/out", "--db", dir + "/s.sqlite"])
        #expect(result.status == 64, "\(day): \(result.output)")
        #expect(result.output.contains("is not a calendar day"), "\(result.output)")
    }

    @Test func runOnAnEmptyFolderWithJSONPrintedNothingOnStdout() throws {
        let dir = TestSupport.temporaryDirectory("empty-json")
        try FileManager.default.createDirectory(atPath: dir + "/logs", withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Binary.path)
        process.arguments = ["run", dir + "/logs", "--json", "--out", dir + "/out", "--db", dir + "/s.sqlite"]
        let stdout = Pipe(), stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 1)
        let printed = String(decoding: out, as: UTF8.self)
        let object = try #require(try JSONSerialization.jsonObject(with: out) as? [String: Any], "stdout: \(printed)")
        #expect(object["status"] as? String == "error")
        #expect(object["exitCode"] as? Int == 1)
        #expect((object["error"] as? String)?.contains("no file found") == true)
        #expect(!err.contains("see the warnings above"), "there are no warnings above: \(err)")
    }

    @Test(arguments: ["vendor-bucket", "arn:aws", "s3://vendor-bucket/*", "arn:aws:::::"])
    func allowResourceThatIsNoARNWasAcceptedSilently(pattern: String) throws {
        let dir = TestSupport.temporaryDirectory("allow-resource")
        let result = try Binary.run(["run", Self.root + "/SampleLogs", "--allow-resource", pattern, "--out", dir + "/out",
                                     "--db", dir + "/s.sqlite"])
        #expect(result.status == 64, "\(pattern): \(result.output)")
        #expect(result.output.contains("is not an ARN pattern"))
    }

    @Test func holdoutDaysPrintedNothingOnTheConsole() throws {
        let dir = TestSupport.temporaryDirectory("holdout")
        let result = try Binary.run(["run", Self.root + "/SampleLogs", "--inventory", Self.root + "/SampleLogs/inventory",
                                     "--holdout-days", "2", "--out", dir + "/out", "--db", dir + "/s.sqlite"])
        let lines = result.output.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("backtest: drafts learned without ") }, "\(result.output)")
        #expect(lines.contains { $0.contains("held-out requests refused (") })
    }

    /// The sample's denied write to an outside bucket (day 4) is in the last three days: with them held out, the
    /// denials and the possible exfiltration were those of the days learned from only, and the attempt vanished.
    @Test func holdoutDaysDroppedTheHeldOutDaysDenials() throws {
        let dir = TestSupport.temporaryDirectory("holdout-denials")
        let result = try Binary.run(["run", Self.root + "/SampleLogs", "--inventory", Self.root + "/SampleLogs/inventory",
                                     "--holdout-days", "3", "--out", dir + "/out", "--db", dir + "/s.sqlite"])
        #expect(result.output.contains("backtest: drafts learned without "), "\(result.output)")
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/out/summary.json")))
            as? [String: Any])
        let attempts = try #require(summary["possibleExfiltration"] as? [[String: Any]])
        #expect(attempts.contains { ($0["resource"] as? String)?.contains("exfil-drop-7781") == true }, "\(attempts)")
        #expect((summary["denials"] as? [Any])?.count == 3)
    }

    /// The sample's denied write to an outside bucket was in summary.json, `--json`, SARIF and the report, and not on
    /// the console, where a new user reads first.
    @Test func theConsoleSaidNothingOfAPossibleExfiltration() throws {
        let dir = TestSupport.temporaryDirectory("exfiltration-console")
        let result = try Binary.run(["run", Self.root + "/SampleLogs", "--inventory", Self.root + "/SampleLogs/inventory",
                                     "--out", dir + "/out", "--db", dir + "/s.sqlite"])
        let line = result.output.split(separator: "\n").first { $0.hasPrefix("possible exfiltration: ") }
        #expect(line?.contains("(1 request group) to buckets outside the trusted accounts") == true, "\(result.output)")
    }

    @Test func synthesizeHelpPromisedAnExitForLogFilesItNeverReads() throws {
        let synthesize = try Binary.run(["synthesize", "--help"]).output
        #expect(!synthesize.contains("log file could not be read"))
        #expect(synthesize.contains("UTC"))
        #expect(try Binary.run(["run", "--help"]).output.contains("log file could not be read"))
    }

    #if !Fast
    /// The default build links zlib and SQLite only: a machine with the design card's packages runs it.
    @Test func theDefaultBuildNeededLibdeflateAndJemalloc() throws {
        let loaded = try Binary.run([], environment: ["LD_TRACE_LOADED_OBJECTS": "1"]).output
        #expect(loaded.contains("libz.so") && loaded.contains("libsqlite3.so"), "\(loaded)")
        #expect(!loaded.contains("jemalloc") && !loaded.contains("libdeflate"), "\(loaded)")
    }
    #endif
}
