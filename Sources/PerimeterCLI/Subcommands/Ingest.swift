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
            let places = s.rejectPlaces[reason] ?? []
            lines.append("  \(count)  \(reason)" + (places.isEmpty ? "" : " (\(places.joined(separator: ", "))\(count > places.count ? ", …" : ""))"))
        }
        if s.rejects > 0 { lines.append("  (`perimeter rejects` lists every stored reject with its file, line and offset)") }
        if !s.skippedRecordsByReason.isEmpty {
            lines.append("skipped records:")
            for (reason, count) in s.skippedRecordsByReason.sorted(by: { $0.key < $1.key }) { lines.append("  \(count)  \(reason)") }
        }
        for path in s.filesUnrecognized.prefix(20) { lines.append("unrecognized: \(path)") }
        if s.filesUnrecognized.count > 20 { lines.append("unrecognized: … and \(s.filesUnrecognized.count - 20) more (--json lists them all)") }
        for failed in s.filesFailed { lines.append("failed: \(failed.path): \(failed.reason)") }
        for entry in s.notRegular { lines.append("not read: \(entry.path): \(entry.kind == "FIFO" || entry.kind == "socket" || entry.kind == "device" ? "a \(entry.kind), not a regular file" : entry.kind)") }
        return lines.joined(separator: "\n")
    }
}

extension PerimeterCommand {
    struct Rejects: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the records the store rejected, with file, line, byte offset and reason.")

        @OptionGroup var store: StoreOptions

        @Option(help: "At most this many rejects.")
        var limit = 1000

        @Flag(help: "Print them as JSON lines.")
        var json = false

        func run() async throws {
            guard FileManager.default.fileExists(atPath: store.db) else { throw Terminal.fail("no store at `\(store.db)`", code: 64) }
            let rejects = try UsageStore(path: store.db, logger: Logger(label: "perimeter.store")).rejects(limit: limit)
            for r in rejects {
                if json {
                    Terminal.out(try Terminal.json(["path": r.path, "line": r.line.map(String.init) ?? "", "offset": r.byteOffset.map(String.init) ?? "",
                                                    "reason": r.reason, "excerpt": r.excerpt]).replacingOccurrences(of: "\n", with: ""))
                } else {
                    let place = [r.line.map { "line \($0)" }, r.byteOffset.map { "byte \($0)" }].compactMap { $0 }.joined(separator: ", ")
                    Terminal.out("\(r.path): \(place): \(r.reason)\n    \(Terminal.printable(r.excerpt))")
                }
            }
            if rejects.isEmpty { Terminal.out("no rejects in `\(store.db)`") }
        }
    }
}
