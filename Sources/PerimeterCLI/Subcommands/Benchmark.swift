import ArgumentParser
import AWSLogs
import Foundation
import IAMPolicy

extension PerimeterCommand {
    struct Benchmark: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Measure ingest, the whole batch job and policy evaluation on generated input.",
            subcommands: [IngestBenchmark.self, RunBenchmark.self, EvaluateBenchmark.self])
    }

    struct IngestBenchmark: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ingest",
            abstract: "Ingest a generated corpus in a child process; print records/s, MB/s, peak RSS and the gzip -dc baseline.")

        @Option(help: "Corpus folder (generated with `perimeter sample --records` when empty).")
        var corpus: String

        @Option(help: "Records to generate when the folder is empty.")
        var records: Int = 200_000

        func run() async throws {
            let files = try await Self.prepare(corpus: corpus, records: records)
            let gzip = try await Self.shell("find \(corpus) -name '*.gz' -print0 | xargs -0 gzip -dc > /dev/null")
            let db = NSTemporaryDirectory() + "perimeter-bench-\(getpid()).sqlite"
            defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) } }
            let clock = Stopwatch()
            let output = try await Self.child(["ingest", corpus, "--db", db, "--json"])
            let seconds = clock.seconds
            var usage = rusage()
            getrusage(RUSAGE_CHILDREN.rawValue, &usage)
            let summary = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any] ?? [:]
            let events = (summary["events"] as? Int ?? 0) + (summary["duplicateEvents"] as? Int ?? 0)
            let flows = summary["flowRecords"] as? Int ?? 0
            let bytes = Double(summary["decompressedBytes"] as? Int ?? 0)
            Terminal.out("""
                corpus: \(files.isEmpty ? "generated, " : "")\(corpus)
                records: \(events + flows) (\(events) CloudTrail, \(flows) flow)
                ingest: \(String(format: "%.2f", seconds)) s, \(Int(Double(events + flows) / seconds)) records/s, \(String(format: "%.1f", bytes / 1e6 / seconds)) MB/s decompressed
                peak RSS: \(String(format: "%.1f", Double(usage.ru_maxrss) / 1024)) MB
                gzip -dc: \(String(format: "%.2f", gzip)) s, \(String(format: "%.1f", bytes / 1e6 / gzip)) MB/s
                ingest speed / gzip -dc speed: \(String(format: "%.2f", gzip / seconds))
                """)
        }

        /// The corpus's files before the run; an empty folder is filled first with a generated corpus.
        @discardableResult
        static func prepare(corpus: String, records: Int) async throws -> [String] {
            let files = (try? LogFileDiscovery.files(under: [corpus])) ?? []
            if files.isEmpty { try await child(["sample", "--out", corpus, "--records", String(records)]) }
            return files
        }

        /// Runs `perimeter ARGS` and returns its standard output.
        @discardableResult
        static func child(_ arguments: [String]) async throws -> String {
            let process = Process()
            process.executableURL = Bundle.main.executableURL ?? URL(fileURLWithPath: CommandLine.arguments[0])
            process.arguments = arguments
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw Terminal.fail("`perimeter \(arguments.joined(separator: " "))` exited \(process.terminationStatus)", code: 1) }
            return String(decoding: data, as: UTF8.self)
        }

        /// Runs a shell command and returns its wall time in seconds.
        static func shell(_ command: String) async throws -> Double {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", command]
            let clock = Stopwatch()
            try process.run()
            process.waitUntilExit()
            return clock.seconds
        }
    }

    struct RunBenchmark: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "Ingest a corpus, then run the whole job (ingest and synthesis) on it, each in a child process; print both times, their ratio and run's peak RSS against the scale targets.")

        @Option(help: "Corpus folder (generated with `perimeter sample --records` when empty).")
        var corpus: String

        @Option(help: "Records to generate when the folder is empty.")
        var records: Int = 1_000_000

        func run() async throws {
            try await IngestBenchmark.prepare(corpus: corpus, records: records)
            let work = NSTemporaryDirectory() + "perimeter-bench-\(getpid())"
            defer { try? FileManager.default.removeItem(atPath: work) }
            try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
            var clock = Stopwatch()
            try await IngestBenchmark.child(["ingest", corpus, "--db", work + "/ingest.sqlite", "--json"])
            let ingest = clock.seconds
            var usage = rusage()
            getrusage(RUSAGE_CHILDREN.rawValue, &usage)
            let ingestPeak = Double(usage.ru_maxrss) / 1024
            clock = Stopwatch()
            // `run` exits 3 or 4 for verdicts that are not ready: a benchmark measures, it does not judge.
            try await IngestBenchmark.child(["run", corpus, "--db", work + "/run.sqlite", "--out", work + "/out", "--fail-on", "never"])
            let run = clock.seconds
            getrusage(RUSAGE_CHILDREN.rawValue, &usage)
            let runPeak = Double(usage.ru_maxrss) / 1024
            func verdict(_ met: Bool) -> String { met ? "met" : "not met" }
            Terminal.out("""
                corpus: \(corpus)
                ingest: \(String(format: "%.2f", ingest)) s, peak RSS \(String(format: "%.1f", ingestPeak)) MB
                run (ingest + synthesis): \(String(format: "%.2f", run)) s, peak RSS \(String(format: "%.1f", runPeak)) MB
                run / ingest: \(String(format: "%.2f", run / ingest)) (target ≤ 1.5: \(verdict(run / ingest <= 1.5))); peak ≤ 200 MB: \(verdict(runPeak <= 200))
                """)
        }
    }

    struct EvaluateBenchmark: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "evaluate",
            abstract: "Evaluate generated requests against a generated policy of about 20 KB; print requests/s.")

        @Option(help: "Requests to evaluate.")
        var requests: Int = 1_000_000

        func run() async throws {
            // A realistic large endpoint policy: one statement per (principal, bucket), conditions on aws:PrincipalArn.
            var statements: [Statement] = []
            var i = 0
            while PolicyWriter.size(PolicyDocument(statements: statements)) < 19_500 {
                statements.append(Statement(sid: "Allow\(i)", effect: .allow, principal: .any,
                                            action: .actions(["s3:GetObject", "s3:PutObject", "s3:List*"]),
                                            resource: .resources(["arn:aws:s3:::bucket-\(i)", "arn:aws:s3:::bucket-\(i)/data/*"]),
                                            conditions: [Condition("ArnEquals", "aws:PrincipalArn", ["arn:aws:iam::111122223333:role/role-\(i)"])]))
                i += 1
            }
            let document = PolicyDocument(statements: statements)
            let policy = CompiledPolicy(document)
            var contexts: [RequestContext] = []
            for n in 0..<1000 {
                let k = n % (i + 5)
                contexts.append(RequestContext(action: n % 3 == 0 ? "s3:PutObject" : "s3:GetObject",
                                               resource: "arn:aws:s3:::bucket-\(k)/data/file-\(n).json",
                                               principal: .from("arn:aws:iam::111122223333:role/role-\(n % (i + 2))")))
            }
            let clock = Stopwatch()
            var allowed = 0
            for n in 0..<requests where policy.evaluate(contexts[n % contexts.count]).decision == .allow { allowed += 1 }
            let seconds = clock.seconds
            var usage = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usage)
            Terminal.out("""
                policy: \(statements.count) statements, \(PolicyWriter.size(document)) characters
                requests: \(requests) (\(allowed) allowed)
                evaluate: \(String(format: "%.2f", seconds)) s, \(Int(Double(requests) / seconds)) requests/s
                peak RSS: \(String(format: "%.1f", Double(usage.ru_maxrss) / 1024)) MB
                """)
        }
    }
}
