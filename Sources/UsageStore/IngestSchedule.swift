import AWSLogs
import Foundation
import Logging

extension IngestPipeline {
    /// A file parsed and folded, waiting for the writer.
    typealias Entry = (file: ParsedFile, folded: FoldedEvents)

    /// What one run's reader jobs and writer batches share: the files not yet read and how to read them, and the store.
    struct Jobs: Sendable {
        let store: UsageStore
        let sizes: Sizes
        let cursor: FileCursor
        /// The content hashes of the files the store holds already: not read again.
        let known: Set<String>
        let reader: LogFileReader
        let readers: ReaderThreads

        /// A reader job: files taken from the cursor until the job's share is read, on one of the reader threads.
        func read() async -> PipelineEvent {
            .read(await readers.run { [cursor, sizes, known, reader] in
                IngestPipeline.readFiles(from: cursor, sizes: sizes, known: known, reader: reader)
            })
        }

        /// A batch written, each file wholly in or out. The write blocks on SQLite: it runs on a thread of its
        /// own, not on one of the few threads of the concurrency pool.
        func write(_ entries: [Entry]) async throws -> PipelineEvent {
            let store = self.store
            let results = try await withCheckedThrowingContinuation { continuation in
                IngestPipeline.writerQueue.async { continuation.resume(with: Result { try store.ingestIsolatingFailures(entries) }) }
            }
            return .wrote(zip(entries.map(\.file), results).map { ($0, $1) })
        }
    }

    /// One run's loop. Reader jobs and the writer's batches are children of one task group, so that the loop
    /// never waits on the writer: parsed files gather in `batch` while a batch is written, and the next write
    /// starts as soon as the writer is free (one writer, batches of at least `sizes.batchRecords` while files
    /// remain). Past `sizes.pendingRecords` no reader job is handed out until the writer catches up: memory
    /// stays flat however large the corpus is.
    struct Schedule {
        let jobs: Jobs
        let logger: Logger
        /// What the run did so far.
        var summary: IngestSummary
        /// Reader jobs not handed out because too many records wait for the writer.
        var readsHeld = 0
        /// Whether a batch is being written.
        var writing = false
        var batch: [Entry] = []
        /// Records (events and folded flow rows) in `batch`.
        var batchRecords = 0
        /// Files read so far (parsed, failed or already stored).
        var done = 0

        init(jobs: Jobs, summary: IngestSummary) {
            self.jobs = jobs
            self.logger = jobs.store.logger
            self.summary = summary
        }

        /// Runs the readers and the writer in `group` until every file is read and written.
        mutating func drive(_ group: inout ThrowingTaskGroup<PipelineEvent, any Error>, workers: Int,
                            progress: @Sendable (IngestProgress) -> Void) async throws {
            for _ in 0..<max(1, workers) { read(&group) }
            while let event = try await group.next() {
                switch event {
                case let .read(outcomes):
                    try take(outcomes, progress: progress)
                    read(&group)
                case let .wrote(results):
                    writing = false
                    for (file, result) in results { IngestPipeline.count(file, result, into: &summary, logger: logger) }
                }
                write(&group)
                while readsHeld > 0, batchRecords < jobs.sizes.pendingRecords {
                    readsHeld -= 1
                    read(&group)
                }
            }
            // The group is empty here: no job is in flight, and none may be held with files left.
            precondition(batch.isEmpty && jobs.cursor.isEmpty, "the pipeline ended with files not read or not written")
        }

        /// Hands out a reader job while files remain, unless too many records wait for the writer (then it is held).
        mutating func read(_ group: inout ThrowingTaskGroup<PipelineEvent, any Error>) {
            guard !jobs.cursor.isEmpty else { return }
            guard batchRecords < jobs.sizes.pendingRecords else { readsHeld += 1; return }
            let jobs = self.jobs
            group.addTask { await jobs.read() }
        }

        /// Hands the batch to the writer when it is free and the batch is full. Once every file is handed out,
        /// what is left is written as soon as the writer is free: the run's tail is then one small batch, not a
        /// full one written after the last read.
        mutating func write(_ group: inout ThrowingTaskGroup<PipelineEvent, any Error>) {
            let lastFiles = jobs.cursor.isEmpty
            guard !writing, !batch.isEmpty, batchRecords >= jobs.sizes.batchRecords || lastFiles else { return }
            writing = true
            let entries = batch
            batch.removeAll()
            batchRecords = 0
            let jobs = self.jobs
            group.addTask { try await jobs.write(entries) }
        }

        /// Takes a reader job's files: the parsed ones join the batch, the others are counted (a failure also
        /// recorded in the store, to be retried next time).
        mutating func take(_ outcomes: [FileOutcome], progress: @Sendable (IngestProgress) -> Void) throws {
            for outcome in outcomes {
                done += 1
                switch outcome {
                case let .parsed(file, folded):
                    summary.compressedBytes += file.size
                    batch.append((file, folded))
                    batchRecords += folded.events.count + file.flows.count
                case let .alreadyIngested(_, size):
                    summary.filesAlreadyIngested += 1
                    summary.compressedBytes += size
                case let .failed(path, size, hash, reason):
                    summary.filesFailed.append(.init(path: path, reason: reason))
                    summary.compressedBytes += size
                    try jobs.store.recordFailure(path: path, size: size, contentHash: hash, reason: reason)
                    logger.debug("log file failed", metadata: ["file.path": "\(path)", "error": "\(reason)"])
                }
                progress(IngestProgress(filesDone: done, filesTotal: summary.filesFound, decompressedBytes: summary.decompressedBytes,
                                        records: summary.records))
            }
        }
    }
}
