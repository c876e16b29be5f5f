import Testing
import Foundation
import Logging
import PerimeterTestSupport
import UsageStore

/// Runs the built `perimeter` as a user would.
enum Binary {
    static var path: String {
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [here, here.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent("perimeter")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url.path }
        }
        return TestSupport.repositoryRoot.appendingPathComponent(".build/debug/perimeter").path
    }

    struct Result { var status: Int32; var output: String }

    @discardableResult
    static func run(_ arguments: [String], in directory: String? = nil, environment: [String: String]? = nil) throws -> Result {
        try run(executable: path, arguments, in: directory, environment: environment)
    }

    /// `executable` with `arguments` (a wrapper such as `setpriv … perimeter`), its output and status.
    static func run(executable: String, _ arguments: [String], in directory: String? = nil,
                    environment: [String: String]? = nil) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        if let environment { process.environment = environment }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }
}

@Suite(.serialized)
struct EndToEndTests {
    static let root = TestSupport.repositoryRoot.path

    /// Output/ is golden: `perimeter run SampleLogs` must write it byte for byte. After an intended
    /// change, regenerate with `UPDATE_GOLDEN=1 swift test --filter EndToEndTests`.
    @Test func sampleLogsProduceTheCommittedOutput() throws {
        let dir = TestSupport.temporaryDirectory("e2e")
        let result = try Binary.run(["run", Self.root + "/SampleLogs", "--inventory", Self.root + "/SampleLogs/inventory",
                                     "--out", dir + "/Output", "--db", dir + "/store.sqlite"])
        // The scenario holds a coverage gap on purpose: the run says the drafts are unsafe.
        #expect(result.status == 3, "\(result.output)")
        #expect(result.output.contains("replay: 1689 of 1689 requests allowed"))
        let golden = Self.root + "/Output"
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try? FileManager.default.removeItem(atPath: golden)
            try FileManager.default.copyItem(atPath: dir + "/Output", toPath: golden)
            return
        }
        let produced = try Self.files(dir + "/Output"), expected = try Self.files(golden)
        #expect(produced.keys.sorted() == expected.keys.sorted())
        for (name, content) in expected.sorted(by: { $0.key < $1.key }) {
            #expect(produced[name] == content, "Output/\(name) differs from a fresh run (UPDATE_GOLDEN=1 regenerates it)")
        }
    }

    @Test func theSampleGeneratorWritesTheCommittedSampleLogs() throws {
        let dir = TestSupport.temporaryDirectory("e2e")
        #expect(try Binary.run(["sample", "--out", dir]).status == 0)
        let written = try Self.bytes(dir), committed = try Self.bytes(Self.root + "/SampleLogs").filter { $0.key != "README.md" }
        #expect(written.keys.sorted() == committed.keys.sorted())
        for (name, data) in committed { #expect(written[name] == data, "SampleLogs/\(name) differs from the generator's output") }
    }

    @Test func runningTwiceChangesNothing() throws {
        let dir = TestSupport.temporaryDirectory("e2e")
        let args = ["run", Self.root + "/SampleLogs", "--inventory", Self.root + "/SampleLogs/inventory", "--out", dir + "/out",
                    "--db", dir + "/store.sqlite", "--accept-coverage-gaps"]
        // Accepted coverage gaps and a bucket without its current policy need review: exit 4.
        #expect(try Binary.run(args).status == 4)
        let first = try Self.files(dir + "/out")
        let again = try Binary.run(args)
        #expect(again.output.contains("nothing new"))
        #expect(try Self.files(dir + "/out") == first)
    }

    /// `--out .` in a source tree whose manifest names `src` and `.git`: nothing of them goes, and the
    /// run says what it left in one line.
    @Test func aManifestNamingSourceFoldersUnderOutDotIsLeftAndSaid() throws {
        let dir = TestSupport.temporaryDirectory("e2e")
        for folder in ["src", ".git"] {
            try FileManager.default.createDirectory(atPath: dir + "/" + folder, withIntermediateDirectories: true)
            try "code".write(toFile: dir + "/\(folder)/main", atomically: false, encoding: .utf8)
        }
        let args = ["run", Self.root + "/SampleLogs", "--inventory", Self.root + "/SampleLogs/inventory", "--out", ".", "--db",
            "store.sqlite"]
        #expect(try Binary.run(args, in: dir).status == 3)
        let manifest = FileHandle(forWritingAtPath: dir + "/.perimeter-manifest")
        _ = try manifest?.seekToEnd()
        try manifest?.write(contentsOf: Data("src\n\(String(repeating: "0", count: 64))  .git\n".utf8))
        try manifest?.close()
        let again = try Binary.run(args, in: dir)
        #expect(again.status == 3)
        let warnings = again.output.split(separator: "\n").filter { $0.contains("left in place") }
        #expect(warnings == ["warning: left in place 2 files the last run listed, not as it wrote them (changed, a link, a folder, "
                             + "not a plain path, or listed without a digest): `src`, `.git`"], "\(again.output)")
        for folder in ["src", ".git"] { #expect(try String(contentsOfFile: dir + "/\(folder)/main", encoding: .utf8) == "code") }
    }

    @Test(.enabled(if: TestSupport.sharedRealData != nil, "the shared real-data set (../shared/data/real) is absent"))
    func theSharedRealDataRuns() throws {
        let shared = try #require(TestSupport.sharedRealData)
        let dir = TestSupport.temporaryDirectory("e2e")
        let result = try Binary.run(
            ["run", shared + "/cloudtrail", shared + "/flowlogs", "--out", dir + "/out", "--db", dir + "/store.sqlite"])
        // Samples from many accounts, without inventory or a whole window of data events: review, never ready.
        #expect(result.status == 4, "\(result.output)")
        #expect(result.output.contains("verdict: review"))
        // No endpoint is shown to be the user's (no inventory, trust learned from the logs alone): no draft at all,
        // each endpoint listed with why.
        #expect((try? FileManager.default.contentsOfDirectory(atPath: dir + "/out/endpoints")) == nil)
        #expect(try String(contentsOfFile: dir + "/out/summary.json", encoding: .utf8).contains("is not shown to be yours"))
        // No lock denies object access on a bucket whose objects no logged request touched.
        let summary = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/out/summary.json"))) as? [
            String: Any]
        for bucket in summary?["buckets"] as? [[String: Any]] ?? [] {
            let name = try #require(bucket["bucket"] as? String)
            let lock = try String(contentsOfFile: dir + "/out/buckets/\(name).json", encoding: .utf8)
            let reasons = (bucket["reasons"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
            if reasons.contains("object-access-not-observable") { #expect(!lock.contains("arn:aws:s3:::\(name)/*"), "\(name)") }
        }
        #expect(result.output.contains("0 failed"))
        #expect(FileManager.default.fileExists(atPath: dir + "/out/report.html"))
    }

    @Test func theWindowAndTheOptionsShapeTheDrafts() throws {
        let dir = TestSupport.temporaryDirectory("e2e")
        let common = ["--inventory", Self.root + "/SampleLogs/inventory", "--db", dir + "/store.sqlite", "--accept-coverage-gaps"]
        #expect(try Binary.run(["ingest", Self.root + "/SampleLogs", "--db", dir + "/store.sqlite", "--json"])
            .output.contains("\"events\" : 2013"))
        // Only the first day: the exfiltration attempt of 2026-11-05 is outside the window.
        let day = try Binary.run(["synthesize", "--out", dir + "/day"] + common + ["--since", "2026-11-01", "--until", "2026-11-01"])
        #expect(day.status == 4, "\(day.output)")
        let report = try String(contentsOfFile: dir + "/day/report.md", encoding: .utf8)
        #expect(report.contains("Window: 2026-11-01 to 2026-11-01"))
        #expect(!report.contains("exfil-drop-7781"))
        // Exact keys do not fit 20,480 characters here (hundreds of unique upload keys): coarsened, and said so.
        // The vendor bucket is accepted after review.
        let exact = try Binary.run(["synthesize", "--out", dir + "/exact", "--granularity", "exact",
                                    "--allow-resource", "arn:aws:s3:::vendor-sdk-releases/*"] + common)
        #expect(exact.status == 4, "\(exact.output)")
        #expect(try Binary.run(["synthesize", "--out", dir + "/never", "--fail-on", "never"] + common).status == 0)
        #expect(try Binary.run(["synthesize", "--out", dir + "/unsafe", "--fail-on", "unsafe"] + common).status == 0)
        let exactReport = try String(contentsOfFile: dir + "/exact/report.md", encoding: .utf8)
        #expect(exactReport.contains("coarsened: object keys generalized to prefixes to fit 20480 characters"))
        #expect(exactReport.contains("Nothing to review"))
        let draft = try String(contentsOfFile: dir + "/exact/endpoints/vpce-01a2b3c4d5e6f7a80.json", encoding: .utf8)
        #expect(draft.contains("arn:aws:s3:::vendor-sdk-releases/sdk/*"))
        #expect(try Binary.run(["synthesize", "--trusted-account", "12345", "--db", dir + "/store.sqlite"]).status == 64)
    }

    @Test func jsonPrintsTheVerdictsForCIAndVersionPrintsTheRelease() throws {
        let dir = TestSupport.temporaryDirectory("e2e-json")
        let result = try Binary.run(
            ["run", Self.root + "/SampleLogs", "--inventory", Self.root + "/SampleLogs/inventory", "--out", dir + "/out",
                                     "--db", dir + "/store.sqlite", "--json"])
        #expect(result.status == 3)
        let json = try #require(result.output.range(of: "{\n  \"drafts\"").map { String(result.output[$0.lowerBound...]) })
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        #expect((object?["status"] as? [String: Any])?["verdict"] as? String == "unsafe")
        #expect(try Binary.run(["--version"]).output.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
    }

    @Test func usageErrorsExit64() throws {
        #expect(try Binary.run(["run"]).status == 64)
        #expect(try Binary.run(["synthesize", "--granularity", "everything"]).status == 64)
        #expect(try Binary.run(["evaluate", "--policy", "/nonexistent", "--action", "s3:GetObject", "--resource", "x"]).status == 64)
    }

    @Test func anUnreadableLogFileExits1AndIsNamed() throws {
        let dir = TestSupport.temporaryDirectory("e2e")
        try Data([0x1f, 0x8b, 0x08, 0x00, 0x00]).write(to: URL(fileURLWithPath: dir + "/cut.json.gz"))
        let result = try Binary.run(["ingest", dir, "--db", dir + "/store.sqlite"])
        #expect(result.status == 1)
        #expect(result.output.contains("cut.json.gz"))
    }

    @Test func evaluateAnswersWithItsExitCode() throws {
        let policy = Self.root + "/Output/endpoints/vpce-01a2b3c4d5e6f7a80.json"
        let allowed = try Binary.run(
            ["evaluate", "--policy", policy, "--action", "s3:PutObject", "--resource", "arn:aws:s3:::acme-app-data/uploads/x",
                                      "--principal", "arn:aws:sts::111122223333:assumed-role/app-server/i-1"])
        #expect(allowed.status == 0, "\(allowed.output)")
        let denied = try Binary.run(
            ["evaluate", "--policy", policy, "--action", "s3:PutObject", "--resource", "arn:aws:s3:::exfil-drop-7781/x",
                                     "--principal", "arn:aws:iam::111122223333:role/app-server"])
        #expect(denied.status == 1)
    }

    @Test func theRunBenchmarkReportsBothTimesAndTheTargets() throws {
        let dir = TestSupport.temporaryDirectory("bench")
        #expect(try Binary.run(["sample", "--out", dir + "/corpus", "--records", "4000"]).status == 0)
        let result = try Binary.run(["benchmark", "run", "--corpus", dir + "/corpus"])
        #expect(result.status == 0, "\(result.output)")
        for line in ["ingest: ", "run (ingest + synthesis): ", "run / ingest: ", "(median of the 3 back-to-back pairs; of the medians ",
                     "(target ≤ 1.5: ", "peak ≤ 200 MB: "] {
            #expect(result.output.contains(line), "\(line)")
        }
    }

    @Test func theIngestBenchmarkReportsMediansOfItsRepeatsAndTheRecordsOfTheCorpus() throws {
        let dir = TestSupport.temporaryDirectory("bench-ingest")
        // An empty folder is filled with the layout asked for: small files as trails deliver them.
        let result = try Binary.run(
            ["benchmark", "ingest", "--corpus", dir + "/corpus", "--records", "2000", "--layout", "small", "--repeats", "3"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("corpus: generated, "), "\(result.output)")
        let files = FileManager.default.enumerator(atPath: dir + "/corpus")?.allObjects.compactMap { $0 as? String }
            .filter { $0.hasSuffix(".gz") } ?? []
        #expect(files.count > 100, "the small layout writes 23 records a CloudTrail file, 12 lines a flow file: \(files.count) files")
        // The records come from the last ingest's summary, read from the file its output went to.
        #expect(result.output.contains("records: 2000 (1000 CloudTrail, 1000 flow)"), "\(result.output)")
        for line in ["s (median of 3), ", "gzip -dc: ", "ingest speed / gzip -dc speed: ",
            "(median of the 3 back-to-back pairs; of the medians "] {
            #expect(result.output.contains(line), "\(line)")
        }
        #expect(!result.output.contains("peak RSS: 0.0 MB"))
    }

    @Test(arguments: ["ingest", "run"])
    func workersHelpSaysItsDefaultOnce(command: String) throws {
        let help = try Binary.run([command, "--help"]).output
        #expect(help.components(separatedBy: "(default: the number of cores)").count == 2, "\(help)")
        #expect(!help.contains("""
            --workers <workers>     Parallel file readers (default: the number of cores).\n                          (default:
            """))
    }

    /// `evaluate` allowed everyone, anonymous included, through a statement without Principal, without a word.
    @Test func evaluateAllowedEveryoneThroughAStatementWithoutPrincipal() throws {
        let dir = TestSupport.temporaryDirectory("e2e-kind")
        let policy = dir + "/policy.json"
        try #"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#.write(toFile: policy, atomically: true, encoding: .utf8)
        let request = ["evaluate", "--policy", policy, "--action", "s3:GetObject", "--resource", "arn:aws:s3:::b/k"]
        let anonymous = try Binary.run(request + ["--principal", "anonymous"])
        #expect(anonymous.status == 1, "\(anonymous.output)")
        #expect(anonymous.output.contains("invalid-statement"), "\(anonymous.output)")
        #expect(try Binary.run(request + ["--kind", "identity"]).status == 0)
        let account = dir + "/gateway.json"
        try #"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:*","Resource":"*"}]}"#
            .write(toFile: account, atomically: true, encoding: .utf8)
        let role = ["evaluate", "--policy", account, "--action", "s3:GetObject", "--resource", "arn:aws:s3:::b/k",
                    "--principal", "arn:aws:iam::111122223333:role/app"]
        #expect(try Binary.run(role + ["--kind", "gateway-endpoint"]).status == 1)
        #expect(try Binary.run(role + ["--kind", "interface-endpoint"]).status == 0)
    }

    @Test func evaluateWarnsOfAMistypedActionAndAResourceThatIsNoARN() throws {
        let policy = Self.root + "/Output/endpoints/vpce-01a2b3c4d5e6f7a80.json"
        let result = try Binary.run(["evaluate", "--policy", policy, "--action", "s3:GetObjekt", "--resource", "acme-app-data/x"])
        #expect(result.status == 1)
        #expect(result.output.contains("note: unknown-action: the requested action `s3:GetObjekt` is not in the action catalog"),
            "\(result.output)")
        #expect(result.output.contains("note: resource-not-arn: the requested resource `acme-app-data/x` is not an ARN"))
    }

    /// Regression guard for "an interrupted run leaves the database consistent": kill an ingest, re-run it,
    /// and compare with one clean run.
    /// 5 of 12 runs used to leave every row in the `-wal` file: a store copied alone was empty.
    @Test func aStoreCopiedWithoutItsWriteAheadLogHoldsEverything() throws {
        let dir = TestSupport.temporaryDirectory("e2e-wal")
        try Binary.run(["ingest", Self.root + "/SampleLogs", "--db", dir + "/store.sqlite"])
        try FileManager.default.createDirectory(atPath: dir + "/copy", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: dir + "/store.sqlite", toPath: dir + "/copy/store.sqlite")
        let store = try UsageStore(path: dir + "/copy/store.sqlite", logger: Logger(label: "test"))
        #expect(try store.totals().events == 2013)
    }

    @Test func synthesizeRefusesAStoreThatDoesNotExistAndAnInvertedWindow() throws {
        let dir = TestSupport.temporaryDirectory("e2e-usage")
        let missing = try Binary.run(["synthesize", "--db", dir + "/typo.sqlite", "--out", dir + "/out"])
        #expect(missing.status == 64, "\(missing.output)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/typo.sqlite"))
        let inverted = try Binary.run(
            ["run", Self.root + "/SampleLogs", "--db", dir + "/s.sqlite", "--since", "2026-11-09", "--until", "2026-11-01"])
        #expect(inverted.status == 64, "\(inverted.output)")
        let beside = try Binary.run(
            ["run", Self.root + "/SampleLogs", "--db", dir + "/s.sqlite", "--out", dir + "/out", "--since", "2025-01-01", "--until",
            "2025-01-31"])
        #expect(beside.status == 64, "\(beside.output)")
        #expect(beside.output.contains("holds none of the store's records"))
    }

    /// Two `ingest` processes started together on a new store used to fail the second ("database is
    /// locked" on the WAL switch, or "table file already exists" from a second migration).
    @Test func twoIngestsStartedTogetherOnANewStoreBothSucceed() async throws {
        for _ in 0..<3 {
            let dir = TestSupport.temporaryDirectory("e2e-concurrent")
            let arguments = ["ingest", Self.root + "/SampleLogs", "--db", dir + "/store.sqlite"]
            async let first = Task.detached { try Binary.run(arguments) }.value
            async let second = Task.detached { try Binary.run(arguments) }.value
            let results = try await [first, second]
            #expect(results.map(\.status) == [0, 0], "\(results.map(\.output))")
            let store = try UsageStore(path: dir + "/store.sqlite", logger: Logger(label: "test"))
            #expect(try store.totals().events == 2013)
        }
    }

    @Test func anInterruptedIngestFinishesWithTheSameTotalsAsACleanRun() async throws {
        let dir = TestSupport.temporaryDirectory("e2e")
        #expect(try Binary.run(["sample", "--records", "60000", "--out", dir + "/corpus"]).status == 0)
        #expect(try Binary.run(["ingest", dir + "/corpus", "--db", dir + "/clean.sqlite"]).status == 0)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: Binary.path)
        process.arguments = ["ingest", dir + "/corpus", "--db", dir + "/killed.sqlite"]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Kill it once it has committed something (or after two seconds at the most).
        for _ in 0..<200 {
            if (try? FileManager.default.attributesOfItem(atPath: dir + "/killed.sqlite-wal")[.size] as? Int ?? 0) ?? 0 > 500_000 { break }
            try await Task.sleep(nanoseconds: 10_000_000)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        #expect(try Binary.run(["ingest", dir + "/corpus", "--db", dir + "/killed.sqlite"]).status == 0)

        let clean = try UsageStore(path: dir + "/clean.sqlite", logger: Logger(label: "test"))
        let resumed = try UsageStore(path: dir + "/killed.sqlite", logger: Logger(label: "test"))
        #expect(try resumed.totals() == clean.totals())
        #expect(try resumed.observedAccess() == clean.observedAccess())
        #expect(try resumed.flows() == clean.flows())
    }

    static func bytes(_ dir: String) throws -> [String: Data] {
        var result: [String: Data] = [:]
        for name in FileManager.default.enumerator(atPath: dir)?.compactMap({ $0 as? String }) ?? [] {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dir + "/" + name, isDirectory: &isDirectory), !isDirectory.boolValue else {
                continue
            }
            result[name] = try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name))
        }
        return result
    }

    static func files(_ dir: String) throws -> [String: String] {
        var result: [String: String] = [:]
        for name in FileManager.default.enumerator(atPath: dir)?.compactMap({ $0 as? String }) ?? [] {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dir + "/" + name, isDirectory: &isDirectory), !isDirectory.boolValue else {
                continue
            }
            result[name] = try String(contentsOfFile: dir + "/" + name, encoding: .utf8)
        }
        return result
    }
}
