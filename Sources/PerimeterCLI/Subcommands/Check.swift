import ArgumentParser
import AWSModel
import Foundation
import Logging
import PolicySynthesis
import UsageStore
import Reporting

extension PerimeterCommand {
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "After an apply: the requests of newer logs the applied endpoint drafts refused, and amended drafts.",
            discussion: """
                --applied is the --out folder of the run whose endpoint drafts were applied. LOGS are ingested into the store \
                (files already there are not read again); the requests from --since on (default: the day after the applied run's \
                last logged day) are checked against the applied drafts. --out gets, per endpoint, an amended draft that \
                re-admits exactly the refused requests (never more than the policy before the applied draft), its diff, \
                report.md and findings.json. Exit 0 when nothing was refused, 4 when amendments were written, 3 when a refused \
                request is not one Perimeter may re-admit (denied for another reason, unauthenticated, no resource logged, or a \
                principal or resource outside the trusted accounts), 1 when a log, the store or --out failed, 64 for usage \
                errors (including an --applied folder that is not as Perimeter wrote it).
                """)

        @Argument(help: "Newer log files or folders.")
        var logs: [String]

        @Option(help: "The --out folder of the run whose endpoint drafts were applied.")
        var applied: String

        @Option(help: "First day checked, YYYY-MM-DD (UTC). Default: the day after the applied run's last logged day.")
        var since: String?

        @Option(help: "Where to write the amended drafts and the report (not the --applied folder).")
        var out: String

        @Flag(help: "Print the findings as one JSON object.")
        var json = false

        @OptionGroup var store: StoreOptions

        @Option(help: "Parallel file readers (default: the number of cores).")
        var workers: Int?

        func validate() throws {
            guard (workers ?? 1) >= 1 else { throw ValidationError("--workers must be at least 1") }
            if let since, Timestamp.parseDay(since) == nil {
                throw ValidationError("`\(since.visible())` is not a calendar day of the form YYYY-MM-DD (days are UTC; no time or offset)")
            }
            let resolved = { (p: String) in URL(fileURLWithPath: p).standardizedFileURL.resolvingSymlinksInPath().path }
            guard resolved(applied) != resolved(out) else {
                throw ValidationError("--out must not be the --applied folder: it would replace it")
            }
        }

        func run() async throws {
            if json { Terminal.reportFailuresAsJSON() }
            let folder: AppliedFolder
            do { folder = try AppliedFolder.read(applied) } catch { throw Terminal.fail(error.description, code: 64) }
            if let why = OutputWriter.unwritable(out) { throw Terminal.fail(why, code: 1) }
            let usage = try UsageStore(path: store.db, logger: Logger(label: "perimeter.store"))
            let readers = workers ?? ProcessInfo.processInfo.activeProcessorCount
            let summary = try await IngestStep.run(logs: logs, store: usage, workers: readers)
            Terminal.err(lines: IngestStep.render(summary) + IngestStep.warnings(summary, named: logs))
            if summary.yieldedNothing { throw Terminal.fail(IngestStep.nothingRead(summary), code: 1) }
            let first = since ?? folder.lastLoggedDay.flatMap(Timestamp.parseDay).map { Timestamp.day($0 + 86_400) }
            let window = DayWindow(since: first)
            let accesses = ObservedAccess.withSourceIPs(try usage.observedAccess(window: window),
                                                        from: try usage.sources(window: window, sums: false))
            let result = AppliedCheck.run(folder, accesses: accesses, since: first)
            do { _ = try OutputWriter(folder: out).write(CheckFiles.files(result)) } catch let error as OutputError {
                throw Terminal.fail(error.description, code: 1)
            }
            Terminal.out(lines: json ? Terminal.lines(CheckFiles.json(result)) : Self.lines(result, out: out))
            if !summary.filesFailed.isEmpty { throw ExitCode(1) }
            if result.needsHuman { throw ExitCode(3) }
            if !result.amendments.isEmpty { throw ExitCode(4) }
        }

        /// The console's lines: each finding, then the files written.
        static func lines(_ result: CheckResult, out: String) -> [String] {
            var lines = ["check: \(result.requests) requests through the applied endpoints from \(result.since ?? "the first logged day")"]
            for f in result.findings {
                let resources = f.resources.isEmpty ? "(resource not logged)" : f.resources.joined(separator: " ")
                let what = f.readmitted ? "re-admitted" : "NOT re-admitted: \(f.reason ?? "")"
                lines.append("\(f.kind): \(f.endpoint) \(f.principal) \(f.action) \(resources) (\(f.requests)) — \(what)")
            }
            for f in result.unknown {
                let what = "\(f.endpoint) \(f.principal) \(f.action) (resource not logged) (\(f.requests))"
                lines.append("unknown: \(what) — \(f.reason ?? "")")
            }
            for note in result.notes { lines.append("note: \(note)") }
            for a in result.amendments {
                lines.append("amended: \(out)/endpoints/\(a.endpoint.id.rawValue).json (\(a.added.count) statements added)")
            }
            lines.append(result.findings.isEmpty ? "nothing refused" : "report: \(out)/report.md")
            return lines
        }
    }
}
