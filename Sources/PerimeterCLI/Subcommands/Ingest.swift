import ArgumentParser
import AWSLogs
import Foundation
import Logging
import UsageStore

extension PerimeterCommand {
    struct Ingest: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read CloudTrail and VPC flow log files into the usage store.",
            discussion: """
                LOGS are files or folders (searched recursively), gzipped or plain: a copy of an S3 log bucket or loose files. \
                Files already in the store are not read again. Exit 0 when every file was read (rejected records included), \
                1 when a file could not be read or the store failed.
                """)

        @Argument(help: "Log files or folders.")
        var logs: [String]

        @OptionGroup var store: StoreOptions

        @Flag(help: "Print the summary as one JSON object.")
        var json = false

        @Option(help: "Parallel file readers (default: the number of cores).")
        var workers: Int = ProcessInfo.processInfo.activeProcessorCount

        func validate() throws {
            guard workers >= 1 else { throw ValidationError("--workers must be at least 1") }
        }

        func run() async throws {
            let summary = try await IngestStep.run(logs: logs, db: store.db, workers: workers)
            Terminal.out(json ? try Terminal.json(summary) : IngestStep.render(summary))
            if !summary.filesFailed.isEmpty { throw ExitCode(1) }
        }
    }
}

/// The ingest step shared by `ingest` and `run`.
enum IngestStep {
    static func run(logs: [String], db: String, workers: Int, excluding: [String] = []) async throws -> IngestSummary {
        try await run(logs: logs, store: try UsageStore(path: db, logger: Logger(label: "perimeter.store")), workers: workers, excluding: excluding)
    }

    static func run(logs: [String], store: UsageStore, workers: Int, excluding: [String] = []) async throws -> IngestSummary {
        let clock = Stopwatch()
        let summary = try await store.ingest(paths: logs, workers: workers, excluding: excluding) { p in
            let rate = Double(p.records) / max(clock.seconds, 0.001)
            Terminal.status("ingest: \(p.filesDone)/\(p.filesTotal) files, \(Terminal.megabytes(p.decompressedBytes)), \(Int(rate)) records/s")
        }
        Terminal.endStatus()
        return summary
    }

    /// The closing summary as text.
    static func render(_ s: IngestSummary) -> String {
        var lines: [String] = []
        lines.append("files: \(s.filesFound) found, \(s.filesRead) read, \(s.filesSkipped) skipped, \(s.filesAlreadyIngested) already ingested, \(s.filesUnrecognized.count) unrecognized, \(s.filesFailed.count) failed")
        if s.filesRead == 0 && s.filesAlreadyIngested > 0 && s.filesFailed.isEmpty {
            lines.append("nothing new: every file was already in the store")
        }
        lines.append("records: \(s.events) CloudTrail events (\(s.duplicateEvents) duplicates ignored), \(s.flowRecords) flow records")
        lines.append("rejects: \(s.rejects)")
        for (reason, count) in s.rejectsByReason.sorted(by: { ($1.value, $0.key) < ($0.value, $1.key) }) {
            lines.append("  \(count)  \(reason)")
        }
        if !s.skippedRecordsByReason.isEmpty {
            lines.append("skipped records:")
            for (reason, count) in s.skippedRecordsByReason.sorted(by: { $0.key < $1.key }) { lines.append("  \(count)  \(reason)") }
        }
        for path in s.filesUnrecognized.prefix(20) { lines.append("unrecognized: \(path)") }
        if s.filesUnrecognized.count > 20 { lines.append("unrecognized: … and \(s.filesUnrecognized.count - 20) more (--json lists them all)") }
        for failed in s.filesFailed { lines.append("failed: \(failed.path): \(failed.reason)") }
        return lines.joined(separator: "\n")
    }
}
