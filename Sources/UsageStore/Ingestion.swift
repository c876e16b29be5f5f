public import AWSLogs
import AWSModel
import Logging
import Foundation

/// What one `ingest` run did: the closing summary the CLI prints.
public struct IngestSummary: Sendable, Equatable, Codable {
    /// Files under the LOGS paths.
    public var filesFound = 0
    /// Files read as CloudTrail or flow logs.
    public var filesRead = 0
    /// Digest and Insight files: valid, not used.
    public var filesSkipped = 0
    /// Files whose content the store already holds: not read again.
    public var filesAlreadyIngested = 0
    /// Files that are neither CloudTrail nor flow logs, with why.
    public var filesUnrecognized: [FileNote] = []
    /// Files recognized as CloudTrail or flow logs that yielded no record (all rejected, only skipped, or
    /// empty), with why: they add nothing to the drafts.
    public var filesWithoutRecords: [FileNote] = []
    /// Files that could not be read or stored, with why (retried next time).
    public var filesFailed: [FileNote] = []
    /// Entries under the LOGS paths that are not regular files (FIFOs, devices, broken links, link loops): not read.
    public var notRegular: [LogFileDiscovery.NotRegular] = []
    /// Files read, by kind (`cloudtrail`, `flowlog`, …).
    public var filesByKind: [String: Int] = [:]
    /// CloudTrail events stored, and those ignored as already stored (same event id).
    public var events = 0
    /// CloudTrail events already stored (same event id): not counted twice.
    public var duplicateEvents = 0
    /// Flow log records read.
    public var flowRecords: Int64 = 0
    /// Records rejected, stored or only counted.
    public var rejects = 0
    /// Rejects by code (`malformed-json`, …), and the message of the first of each.
    public var rejectsByCode: [String: Int] = [:]
    /// The message of the first reject of each code.
    public var rejectExamples: [String: String] = [:]
    /// Where the first few rejects of each code are, as `path:line` or `path@offset`.
    public var rejectPlaces: [String: [String]] = [:]
    /// Valid records not used (Insight events, NODATA flow records, …), by reason.
    public var skippedRecordsByReason: [String: Int64] = [:]
    /// Bytes read from disk, and after decompression.
    public var compressedBytes: Int64 = 0
    /// Bytes after decompression.
    public var decompressedBytes: Int64 = 0

    /// A file, and what is to be said of it (why it failed, was not recognized, or yielded nothing).
    public struct FileNote: Sendable, Equatable, Codable {
        /// The file.
        public var path: String
        /// Why it failed.
        public var reason: String
    }

    /// An empty summary.
    public init() {}

    /// Records read from CloudTrail and flow logs together.
    public var records: Int64 { Int64(events + duplicateEvents) + flowRecords }

    /// True when the inputs hold no record at all, neither read now nor stored before.
    public var yieldedNothing: Bool { records == 0 && filesAlreadyIngested == 0 }
}

/// Progress after each file, for a display.
public struct IngestProgress: Sendable {
    /// Files read so far (stored, failed or already stored).
    public var filesDone: Int
    /// Files found.
    public var filesTotal: Int
    /// Bytes decompressed so far.
    public var decompressedBytes: Int64
    /// Records read so far.
    public var records: Int64
}

/// The ingest pipeline: finds the log files, reads them on niced reader threads, folds them, and
/// hands batches to the store's single writer. The store itself only keeps SQLite.
///
/// ```swift
/// let summary = try await IngestPipeline(store: try UsageStore(path: "perimeter.sqlite", logger: logger))
///     .run(paths: ["logs"], workers: 2)
/// print(summary.events, summary.rejects)
/// ```
public struct IngestPipeline: Sendable {
    /// The store batches are written to.
    public let store: UsageStore
    /// How much the pipeline reads and holds at a time.
    let sizes: Sizes

    /// A pipeline writing to `store`.
    public init(store: UsageStore) { self.init(store: store, sizes: Sizes()) }

    init(store: UsageStore, sizes: Sizes) {
        self.store = store
        self.sizes = sizes
    }

    /// How much the pipeline reads and holds at a time (tests make them small, to take every path). What
    /// waits for the writer is at most about the pending records, two reader jobs and a batch: since the
    /// readers inflate with libdeflate they outrun the writer more often, and 20,000 pending records with
    /// jobs of 256 KiB let ingest's peak reach 107–156 MB on 5M records (BENCHMARKS.md).
    struct Sizes: Sendable {
        /// Records (events and folded flow rows) per commit, at least, while files remain to be handed out.
        var batchRecords = 5_000
        /// Records read and waiting for the writer past which no reader job is handed out.
        var pendingRecords = 10_000
        /// What one reader job reads: files until they hold this many raw bytes or this many files.
        var jobBytes: Int64 = 128 * 1024
        var jobFiles = 64
    }

    /// Ingests every log file under `paths`: files are fingerprinted and parsed on `workers` reader
    /// threads, and written by one writer in batched transactions (each file wholly in or out). Files
    /// already in the store are not read again. Throws only when the store fails or a named path does
    /// not exist; unreadable files are listed in the summary.
    /// - Throws: ``StoreError`` when the store fails, ``LogReadError`` when a named path does not exist.
    public func run(paths: [String], workers: Int, excluding: [String] = [],
                       progress: @Sendable (IngestProgress) -> Void = { _ in }) async throws -> IngestSummary {
        let found = try LogFileDiscovery.find(under: paths, excluding: excluding)
        let known = try store.ingestedHashes()
        var summary = IngestSummary()
        summary.notRegular = found.notRegular
        summary.filesFound = found.files.count
        // Events dated after the ingest are forgeries: rejected, never evidence.
        let reader = LogFileReader(cloudTrail: CloudTrailReader(now: Int64(Date().timeIntervalSince1970)))
        let readers = ReaderThreads(count: workers)
        defer {
            readers.close()
            GzipDecoder.releaseBuffers()
        }
        let jobs = Jobs(store: store, sizes: sizes, cursor: FileCursor(found.files), known: known, reader: reader, readers: readers)
        var schedule = Schedule(jobs: jobs, summary: summary)
        try await withThrowingTaskGroup(of: PipelineEvent.self) { group in
            try await schedule.drive(&group, workers: workers, progress: progress)
        }
        try Self.close(&schedule.summary, store: store)
        return schedule.summary
    }

    /// Completes the summary once every file is in: the example of a conflict read back from the store, the file
    /// lists in path order.
    static func close(_ summary: inout IngestSummary, store: UsageStore) throws {
        if summary.rejectsByCode[UsageStore.conflictCode] != nil, let conflict = try store.eventConflicts(limit: 1).first {
            // Read back once every file is in: it names the least file of each content, whatever the order they came in.
            summary.rejectExamples[UsageStore.conflictCode] = conflict.reason
            summary.rejectPlaces[UsageStore.conflictCode] = [conflict.path]
        }
        summary.filesUnrecognized.sort { $0.path < $1.path }
        summary.filesWithoutRecords.sort { $0.path < $1.path }
        summary.filesFailed.sort { $0.path < $1.path }
    }

    /// What a child of the pipeline's group reports: a reader job's files, or a batch written.
    enum PipelineEvent: Sendable {
        case read([FileOutcome])
        case wrote([(ParsedFile, FileIngestResult)])
    }

    enum FileOutcome: Sendable {
        case parsed(ParsedFile, FoldedEvents)
        case alreadyIngested(path: String, size: Int64)
        case failed(path: String, size: Int64, hash: String, reason: String)

        /// The file's raw size.
        var size: Int64 {
            switch self {
            case let .parsed(file, _): file.size
            case let .alreadyIngested(_, size), let .failed(_, size, _, _): size
            }
        }
    }

    /// The files not yet taken by a reader, shared by the readers: a reader takes small files one after
    /// another within one job, so that a trail of thousands of files of a few KB is not a hand-over
    /// between threads per file.
    final class FileCursor: @unchecked Sendable {
        // INVARIANT: `next` is read and written with `lock` held.
        private let lock = NSLock()
        private let files: [String]
        private var next = 0

        init(_ files: [String]) { self.files = files }

        var isEmpty: Bool { lock.withLock { next == files.count } }

        func take() -> String? {
            lock.withLock {
                guard next < files.count else { return nil }
                defer { next += 1 }
                return files[next]
            }
        }
    }

    /// Reads files from `cursor` until the job's share is read (one large file, or many small ones).
    static func readFiles(from cursor: FileCursor, sizes: Sizes, known: Set<String>, reader: LogFileReader) -> [FileOutcome] {
        var outcomes: [FileOutcome] = []
        var bytes: Int64 = 0
        while outcomes.count < sizes.jobFiles, bytes < sizes.jobBytes, let path = cursor.take() {
            let outcome = readFile(path: path, known: known, reader: reader)
            bytes += outcome.size
            outcomes.append(outcome)
        }
        return outcomes
    }

    /// Files up to this size are read from disk once, into memory, and fingerprinted and parsed from
    /// there (real trails deliver thousands of files of a few KB), instead of opened and read twice.
    static let smallFile = 1 << 20

    static func readFile(path: String, known: Set<String>, reader: LogFileReader) -> FileOutcome {
        let fingerprint: FileFingerprint
        let contents: [UInt8]?
        do throws(LogReadError) {
            (contents, fingerprint) = try LogFileReader.load(path: path, upTo: smallFile)
        } catch {
            return .failed(path: path, size: 0, hash: "unreadable:\(path)", reason: error.description)
        }
        if known.contains(fingerprint.hash) { return .alreadyIngested(path: path, size: fingerprint.size) }
        do throws(LogReadError) {
            var file = if let contents { try reader.read(contents: contents, path: path, fingerprint: fingerprint) }
                       else { try reader.read(path: path, fingerprint: fingerprint) }
            let folded = FoldedEvents(file.events)
            file.events = []  // the folded events keep them: one copy in the batch
            return .parsed(file, folded)
        } catch {
            return .failed(path: path, size: fingerprint.size, hash: fingerprint.hash, reason: error.description)
        }
    }

    static let writerQueue = DispatchQueue(label: "perimeter.store.writer")

    /// Why a recognized file yielded no record.
    static func whyNoRecord(_ file: ParsedFile) -> String {
        let kind = file.kind == .flowLog ? "flow log" : "CloudTrail"
        let skipped = file.skippedRecords.values.reduce(0, +)
        if file.rejectCount > 0 { return "\(kind), but every record was rejected (\(file.rejectCount))" }
        if skipped > 0 {
            return "\(kind), but only records Perimeter does not use (\(file.skippedRecords.keys.sorted().joined(separator: ", ")))"
        }
        return "\(kind), but it holds no record"
    }

    static func count(_ file: ParsedFile, _ result: FileIngestResult, into summary: inout IngestSummary, logger: Logger) {
        if result.alreadyIngested {
            summary.filesAlreadyIngested += 1
            return
        }
        if let failure = result.failure {
            summary.filesFailed.append(.init(path: file.path, reason: failure))
            return
        }
        summary.decompressedBytes += file.decompressedBytes
        switch file.kind {
        case .skipped: summary.filesSkipped += 1
        case .unrecognized: summary.filesUnrecognized.append(.init(path: file.path, reason: file.note ?? "not a log Perimeter reads"))
        case .cloudTrail, .flowLog:
            summary.filesRead += 1
            if result.events + result.duplicateEvents == 0, file.flowRecords == 0 {
                summary.filesWithoutRecords.append(.init(path: file.path, reason: Self.whyNoRecord(file)))
            }
        }
        summary.filesByKind[file.kind.rawValue, default: 0] += 1
        summary.events += result.events
        summary.duplicateEvents += result.duplicateEvents
        summary.flowRecords += file.flowRecords
        summary.rejects += Int(file.rejectCount)
        if file.unstoredRejects > 0 {
            let code = Diagnostic.Code.notStored.rawValue
            summary.rejectsByCode[code, default: 0] += Int(file.unstoredRejects)
            summary.rejectExamples[code] = "rejects beyond the first \(ParsedFile.rejectDetailLimit) of a file: counted, not stored"
        }
        for r in file.rejects {
            let code = r.code.rawValue
            summary.rejectsByCode[code, default: 0] += 1
            if summary.rejectExamples[code] == nil { summary.rejectExamples[code] = r.reason }
            if summary.rejectPlaces[code, default: []].count < 3 {
                summary.rejectPlaces[code, default: []].append(r.line.map { "\(file.path):\($0)" } ?? "\(file.path)@\(r.byteOffset ?? 0)")
            }
        }
        summary.rejects += result.conflicts
        if result.conflicts > 0 { summary.rejectsByCode[UsageStore.conflictCode, default: 0] += result.conflicts }
        for (reason, count) in file.skippedRecords { summary.skippedRecordsByReason[reason, default: 0] += count }
        logger.debug("ingested log file",
            metadata: ["file.path": "\(file.path)", "records.count": "\(result.events + Int(file.flowRecords))"])
    }

}
