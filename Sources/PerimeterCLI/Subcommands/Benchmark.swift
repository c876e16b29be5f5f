import ArgumentParser
import AWSLogs
import Foundation
import IAMPolicy
import PerimeterSamples

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

        @Option(help: """
            The layout to generate when the folder is empty: large files, or small ones as trails deliver them (the cost per file \
            dominates there).
            """)
        var layout: BenchmarkCorpus.Layout = .large

        @Option(help: "The workload to generate when the folder is empty (`perimeter sample --workload`).")
        var workload: BenchmarkCorpus.Workload = .repeating

        @Option(help: """
            Measurements of ingest and of gzip -dc, taken alternately; the medians are shown (a shared machine's speed swings by a third \
            within minutes).
            """)
        var repeats: Int = 1

        func run() async throws {
            let files = try await Self.prepare(corpus: corpus, records: records, layout: layout, workload: workload)
            var gzips: [Double] = [], ingests: [ChildUsage] = []
            var output = ""
            for _ in 0..<max(1, repeats) {
                gzips.append(try await Self.shell("find \(Self.quoted(corpus)) -name '*.gz' -print0 | xargs -0 gzip -dc > /dev/null"))
                let db = NSTemporaryDirectory() + "perimeter-bench-\(getpid()).sqlite"
                defer { for suffix in ["", "-wal", "-shm", ".json"] { try? FileManager.default.removeItem(atPath: db + suffix) } }
                ingests.append(try ChildUsage.measure(["ingest", corpus, "--db", db, "--json"], output: db + ".json"))
                output = (try? String(contentsOfFile: db + ".json", encoding: .utf8)) ?? ""
            }
            let gzip = ChildUsage.middle(gzips), ingest = ChildUsage.median(ingests), seconds = ingest.seconds
            // Each repeat's two measurements run back to back: the median of their ratios, beside the ratio of the medians.
            let paired = ChildUsage.middle(zip(gzips, ingests).map { $0 / $1.seconds })
            let summary = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any] ?? [:]
            let events = (summary["events"] as? Int ?? 0) + (summary["duplicateEvents"] as? Int ?? 0)
            let flows = summary["flowRecords"] as? Int ?? 0
            let bytes = Double(summary["decompressedBytes"] as? Int ?? 0)
            let of = repeats > 1 ? " (median of \(repeats))" : ""
            let pairs = repeats > 1
                ? " (median of the \(repeats) back-to-back pairs; of the medians \(String(format: "%.2f", gzip / seconds)))" : ""
            Terminal.out("""
                corpus: \(files.isEmpty ? "generated, " : "")\(corpus)
                records: \(events + flows) (\(events) CloudTrail, \(flows) flow)
                ingest: \(String(format: "%.2f", seconds)) s\(of), \(Int(Double(events + flows) / seconds)) records/s, \
                \(String(format: "%.1f", bytes / 1e6 / seconds)) MB/s decompressed
                peak RSS: \(String(format: "%.1f", ingest.peak)) MB
                gzip -dc: \(String(format: "%.2f", gzip)) s\(of), \(String(format: "%.1f", bytes / 1e6 / gzip)) MB/s
                ingest speed / gzip -dc speed: \(String(format: "%.2f", paired))\(pairs)
                """)
        }

        /// The corpus's files before the run; an empty folder is filled first with a generated corpus.
        @discardableResult
        static func prepare(corpus: String, records: Int, layout: BenchmarkCorpus.Layout = .large,
                            workload: BenchmarkCorpus.Workload = .repeating) async throws -> [String] {
            let files = (try? LogFileDiscovery.files(under: [corpus])) ?? []
            if files.isEmpty {
                try await child(["sample", "--out", corpus, "--records", String(records), "--layout", layout.rawValue,
                                 "--workload", workload.rawValue])
            }
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
            guard process.terminationStatus == 0 else {
                throw Terminal.fail("`perimeter \(arguments.joined(separator: " "))` exited \(process.terminationStatus)", code: 1)
            }
            return String(decoding: data, as: UTF8.self)
        }

        /// `text` as one word for `sh`: single-quoted, its own single quotes closed, escaped and reopened.
        static func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'" }

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
            abstract: """
                Ingest a corpus, then run the whole job (ingest and synthesis) on it, each in a child process, back to back; print the \
                median times, the median of their ratios and run's peak RSS against the scale targets, and with --growth-corpus how time \
                and peak grow on a longer window.
                """)

        @Option(help: "Corpus folder (generated with `perimeter sample --records` when empty).")
        var corpus: String

        @Option(help: "Records to generate when the folder is empty.")
        var records: Int = 1_000_000

        @Option(help: "The workload to generate when the folder is empty (`perimeter sample --workload`).")
        var workload: BenchmarkCorpus.Workload = .repeating

        @Option(help: "A corpus of the same workload over a longer window (`perimeter sample --records 5000000`), for the growth targets.")
        var growthCorpus: String?

        @Option(help: "Measurements of each command; the medians are shown (a shared machine's noise is large).")
        var repeats: Int = 3

        func run() async throws {
            try await IngestBenchmark.prepare(corpus: corpus, records: records, workload: workload)
            let count = max(1, repeats)
            // Each repeat measures everything back to back (ingest, run, and the growth corpus's ingest and
            // run): the ratios are taken within a repeat, then their median, so that the VM's speed, which
            // drifts by a fifth within minutes, cancels out of them.
            var small: [Pair] = [], large: [Pair] = []
            for _ in 0..<count {
                small.append(try Self.measure(corpus))
                if let growthCorpus { large.append(try Self.measure(growthCorpus)) }
            }
            func verdict(_ met: Bool) -> String { met ? "met" : "not met" }
            func ratio(_ value: Double) -> String { String(format: "%.2f", value) }
            let ratios = ChildUsage.middle(small.map { $0.run.seconds / $0.ingest.seconds })
            let smallIngest = ChildUsage.median(small.map(\.ingest)), smallRun = ChildUsage.median(small.map(\.run))
            Terminal.out("""
                corpus: \(corpus)
                ingest: \(smallIngest.text) (median of \(count))
                run (ingest + synthesis): \(smallRun.text)
                run / ingest: \(ratio(ratios)) (median of the \(count) back-to-back pairs; of the medians \
                \(ratio(smallRun.seconds / smallIngest.seconds))) (target ≤ 1.5: \(verdict(ratios <= 1.5))); run's peak ≤ 200 MB: \
                \(verdict(smallRun.peak <= 200))
                """)
            guard let growthCorpus else { return }
            let largeRun = ChildUsage.median(large.map(\.run))
            let time = ChildUsage.middle(zip(small, large).map { $1.run.seconds / $0.run.seconds }), peak = largeRun.peak / smallRun.peak
            Terminal.out("""
                growth corpus: \(growthCorpus)
                ingest: \(ChildUsage.median(large.map(\.ingest)).text)
                run (ingest + synthesis): \(largeRun.text)
                run's growth: time \(ratio(time))× (median of the \(count) repeats' ratios; of the medians \
                \(ratio(largeRun.seconds / smallRun.seconds))×) (target ≤ 5.5×: \(verdict(time <= 5.5))), peak \
                \(String(format: "%+.0f", (peak - 1) * 100))% (target ≤ +20%: \(verdict(peak <= 1.2)))
                """)
        }

        /// One ingest and one run of the whole job on `corpus`, back to back, each in a child process.
        struct Pair { var ingest: ChildUsage; var run: ChildUsage }

        static func measure(_ corpus: String) throws -> Pair {
            let work = NSTemporaryDirectory() + "perimeter-bench-\(getpid())"
            defer { try? FileManager.default.removeItem(atPath: work) }
            try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
            let ingest = try ChildUsage.measure(["ingest", corpus, "--db", work + "/ingest.sqlite", "--json"])
            // `run` exits 3 or 4 for verdicts that are not ready: a benchmark measures, it does not judge.
            let run = try ChildUsage.measure(["run", corpus, "--db", work + "/run.sqlite", "--out", work + "/out", "--fail-on", "never"])
            return Pair(ingest: ingest, run: run)
        }
    }

    /// What one child process took: wall time and its own peak RSS (from `wait4`, not the maximum over all children).
    struct ChildUsage {
        var seconds: Double
        var peak: Double

        var text: String { "\(String(format: "%.2f", seconds)) s, peak RSS \(String(format: "%.1f", peak)) MB" }

        /// The median time and the median peak of `samples`.
        static func median(_ samples: [ChildUsage]) -> ChildUsage {
            ChildUsage(seconds: middle(samples.map(\.seconds)), peak: middle(samples.map(\.peak)))
        }

        /// The median of `values` (the upper one of an even count).
        static func middle(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

        /// Runs `perimeter ARGS` with its warnings discarded and its output written to `output` (discarded
        /// when nil), and waits for it.
        static func measure(_ arguments: [String], output: String? = nil) throws -> ChildUsage {
            let executable = Bundle.main.executablePath ?? CommandLine.arguments[0]
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_addopen(&actions, 1, output ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)   // its warnings are the corpus's, not the benchmark's
            let argv = ([executable] + arguments).map { strdup($0) } + [nil]
            defer { for p in argv { free(p) } }
            var pid = pid_t()
            let clock = Stopwatch()
            guard posix_spawn(&pid, executable, &actions, nil, argv, environ) == 0 else {
                throw Terminal.fail("cannot start `\(executable)`", code: 1)
            }
            var status: Int32 = 0, usage = rusage()
            while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
            let seconds = clock.seconds
            guard status == 0 else {
                throw Terminal.fail("`perimeter \(arguments.joined(separator: " "))` exited with status \(status)", code: 1)
            }
            return ChildUsage(seconds: seconds, peak: Double(usage.ru_maxrss) / 1024)
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
                                            conditions: [
                                                Condition("ArnEquals", "aws:PrincipalArn", ["arn:aws:iam::111122223333:role/role-\(i)"])]))
                i += 1
            }
            let document = PolicyDocument(statements: statements)
            let policy = CompiledPolicy(document, kind: .resource)
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
