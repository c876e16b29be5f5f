import ArgumentParser
import Foundation
import Logging
import UsageStore

extension PerimeterCommand {
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The batch job: ingest LOGS, then write the drafts and the report.",
            discussion: SynthesisStep.exitCodes(readsLogs: true))

        @Argument(help: "Log files or folders (files under an --inventory path are not read as logs).")
        var logs: [String]

        @OptionGroup var store: StoreOptions
        @OptionGroup var synthesis: SynthesisOptionGroup

        @Option(help: "Parallel file readers (default: the number of cores).")
        var workers: Int?

        func validate() throws {
            guard (workers ?? 1) >= 1 else { throw ValidationError("--workers must be at least 1") }
        }

        func run() async throws {
            try synthesis.prepare()
            let usage = try UsageStore(path: store.db, logger: Logger(label: "perimeter.store"))
            let summary = try await IngestStep.run(logs: logs, store: usage, workers: workers
                ?? ProcessInfo.processInfo.activeProcessorCount, excluding: synthesis.inventory)
            // With --json, stdout carries only the verdicts.
            if synthesis.json { Terminal.err(lines: IngestStep.render(summary)) } else { Terminal.out(lines: IngestStep.render(summary)) }
            Terminal.err(lines: IngestStep.warnings(summary, named: logs))
            if summary.yieldedNothing { throw Terminal.fail(IngestStep.nothingRead(summary), code: 1) }
            Allocator.releaseFree()
            Allocator.prepareForSynthesis()
            let result = try SynthesisStep.run(store: usage, synthesis)
            if !summary.filesFailed.isEmpty {
                Terminal.err("Error: \(summary.filesFailed.count) log file(s) could not be read; the drafts rest on the others")
            }
            try SynthesisStep.finish(result, synthesis, ingestFailed: !summary.filesFailed.isEmpty)
        }
    }
}
