import AWSLogs
import Foundation
import Logging
import UsageStore

/// The ingest step shared by `ingest` and `run`.
enum IngestStep {
    static func run(logs: [String], db: String, workers: Int, excluding: [String] = []) async throws -> IngestSummary {
        try await run(logs: logs, store: try UsageStore(path: db, logger: Logger(label: "perimeter.store")), workers: workers,
            excluding: excluding)
    }

    static func run(logs: [String], store: UsageStore, workers: Int, excluding: [String] = []) async throws -> IngestSummary {
        Allocator.prepareForIngest()
        let clock = Stopwatch()
        let shown = Stopwatch.Mark()
        let summary = try await IngestPipeline(store: store).run(paths: logs, workers: workers, excluding: excluding) { p in
            // Ten times a second at most: a trail's thousands of small files would otherwise write a line each.
            guard Terminal.isInteractive, p.filesDone == p.filesTotal || shown.passed(0.1, on: clock) else { return }
            let rate = Double(p.records) / max(clock.seconds, 0.001)
            Terminal.status("""
                ingest: \(p.filesDone)/\(p.filesTotal) files, \(Terminal.megabytes(p.decompressedBytes)), \(Int(rate)) records/s
                """)
        }
        Terminal.endStatus()
        // The log is copied into the store file at the end, so `perimeter.sqlite` alone holds the data.
        store.checkpoint()
        return summary
    }

    /// Warnings for the console (standard error): files named on the command line that are not logs,
    /// and recognized files that yielded no record.
    static func warnings(_ s: IngestSummary, named logs: [String]) -> [String] {
        let named = Set(logs.map { URL(fileURLWithPath: $0).standardizedFileURL.path })
        let unrecognized = s.filesUnrecognized.filter { named.contains(URL(fileURLWithPath: $0.path).standardizedFileURL.path) }
        return unrecognized.map { "warning: \($0.path) (named on the command line): \($0.reason)" }
            + s.filesWithoutRecords.map { "warning: \($0.path): \($0.reason)" }
    }

    /// The error when the inputs hold no record: nothing to learn from; it points at the lines that say why, when there are some.
    static func nothingRead(_ s: IngestSummary) -> String {
        if s.filesFound == 0 { return "no file found under the given paths; nothing to learn from" }
        let why = s.filesUnrecognized.isEmpty && s.filesWithoutRecords.isEmpty && s.filesFailed.isEmpty ? "" : " (see the lines above)"
        return """
            the \(s.filesFound) file\(s.filesFound == 1 ? "" : "s") found hold no CloudTrail or flow log record\(why); nothing \
            to learn from
            """
    }

    /// The closing summary, line by line.
    static func render(_ s: IngestSummary) -> [String] {
        var lines: [String] = []
        lines.append("""
            files: \(s.filesFound) found, \(s.filesRead) read, \(s.filesSkipped) skipped, \(s.filesAlreadyIngested) already ingested, \
            \(s.filesUnrecognized.count) unrecognized, \(s.filesFailed.count) failed
            """)
        if s.filesRead == 0 && s.filesAlreadyIngested > 0 && s.filesFailed.isEmpty {
            lines.append("nothing new: every file was already in the store")
        }
        lines.append("records: \(s.events) CloudTrail events (\(s.duplicateEvents) duplicates ignored), \(s.flowRecords) flow records")
        lines.append("rejects: \(s.rejects)")
        for (code, count) in s.rejectsByCode.sorted(by: { ($1.value, $0.key) < ($0.value, $1.key) }) {
            let places = s.rejectPlaces[code] ?? []
            let example = s.rejectExamples[code].map { ": \($0)" } ?? ""
            lines.append("  \(count)  \(code)\(example)"
                + (places.isEmpty ? "" : " (\(places.joined(separator: ", "))\(count > places.count ? ", …" : ""))"))
        }
        if s.rejects > 0 { lines.append("  (`perimeter rejects` lists every stored reject with its file, line and offset)") }
        if !s.skippedRecordsByReason.isEmpty {
            lines.append("skipped records:")
            for (reason, count) in s.skippedRecordsByReason.sorted(by: { $0.key < $1.key }) { lines.append("  \(count)  \(reason)") }
        }
        for note in s.filesUnrecognized.prefix(20) { lines.append("unrecognized: \(note.path): \(note.reason)") }
        if s.filesUnrecognized.count > 20 {
            lines.append("unrecognized: … and \(s.filesUnrecognized.count - 20) more (--json lists them all)")
        }
        for failed in s.filesFailed { lines.append("failed: \(failed.path): \(failed.reason)") }
        for entry in s.notRegular {
            let special = entry.kind == "FIFO" || entry.kind == "socket" || entry.kind == "device"
            lines.append("not read: \(entry.path): \(special ? "a \(entry.kind), not a regular file" : entry.kind)")
        }
        return lines
    }
}
