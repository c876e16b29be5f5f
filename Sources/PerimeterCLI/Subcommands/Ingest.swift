import ArgumentParser
import AWSLogs
import AWSModel
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
                1 when a file could not be read, the store failed, or the inputs hold no record at all.
                """)

        @Argument(help: "Log files or folders.")
        var logs: [String] = []

        @Option(help: "Load a folder of aggregates made elsewhere (Spark/perimeter_aggregate.py) instead of reading logs.")
        var aggregates: String?

        @OptionGroup var store: StoreOptions

        @Flag(help: "Print the summary as one JSON object.")
        var json = false

        @Option(help: "Parallel file readers (default: the number of cores).")
        var workers: Int?

        func validate() throws {
            guard (workers ?? 1) >= 1 else { throw ValidationError("--workers must be at least 1") }
            guard logs.isEmpty != (aggregates == nil) else {
                throw ValidationError("give log files or folders, or --aggregates DIR (not both)")
            }
        }

        func run() async throws {
            if let aggregates {
                let load = try UsageStore(path: store.db, logger: Logger(label: "perimeter.store")).loadAggregates(folder: aggregates)
                Terminal.out(load.alreadyLoaded ? "nothing new: these aggregates are already in the store"
                             : "aggregates: \(load.files) files, \(load.events) CloudTrail events, \(load.rows) grouped rows loaded")
                return
            }
            let summary = try await IngestStep.run(logs: logs, db: store.db, workers: workers
                ?? ProcessInfo.processInfo.activeProcessorCount)
            Terminal.out(lines: json ? Terminal.lines(try Terminal.json(summary)) : IngestStep.render(summary))
            Terminal.err(lines: IngestStep.warnings(summary, named: logs))
            if summary.yieldedNothing { throw Terminal.fail(IngestStep.nothingRead(summary), code: 1) }
            if !summary.filesFailed.isEmpty { throw ExitCode(1) }
        }
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
                    Terminal.out(
                        lines: [try Terminal.json(
                        ["path": r.path, "code": r.code, "line": r.line.map(String.init) ?? "", "offset": r.byteOffset.map(String.init)
                        ?? "",
                                                    "reason": r.reason, "excerpt": r.excerpt]).replacingOccurrences(of: "\n", with: "")])
                } else {
                    let place = [r.line.map { "line \($0)" }, r.byteOffset.map { "byte \($0)" }].compactMap { $0 }.joined(separator: ", ")
                    Terminal.out("\(r.path): \(place): \(r.code.isEmpty ? "" : r.code + ": ")\(r.reason)\n    \(r.excerpt)")
                }
            }
            if rejects.isEmpty { Terminal.out("no rejects in `\(store.db)`") }
        }
    }
}
