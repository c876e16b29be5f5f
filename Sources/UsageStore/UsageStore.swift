import AWSModel
public import AWSLogs
internal import GRDB
internal import CSQLiteConfig
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
public import Logging

/// The SQLite usage store: a ledger of ingested files, per-day aggregates of requests and flows,
/// and the rejects. The only module that touches SQLite; no SQLite type leaves it.
///
/// Requests are kept as per-day aggregates (endpoint × principal × action × resource × outcome),
/// not as rows per event: synthesis only ever asks for those groups, and the day keeps
/// `--since/--until` windows exact to the day. Each ingested file appends its own aggregate rows
/// (`file_id`), which the queries sum: appending is much cheaper than upserting, and a file's
/// contribution stays identifiable. Event ids are kept separately so that a record delivered twice
/// (CloudTrail may) is counted once.
///
/// ## Topics
/// - ``ingest(_:)``
/// - ``observedAccess(window:)``
/// - ``flows(window:)``
public final class UsageStore: @unchecked Sendable {
    // INVARIANT: every write goes through `queue`'s one writer; a file's rows are committed in the same
    // transaction as its ledger row (several files may share a transaction), so a file is wholly in or
    // wholly out. Reads run on the pool's readers, concurrently with each other (synthesis reads the
    // requests on one core while the sources and flows are read on another).
    let queue: any DatabaseWriter
    let logger: Logger

    /// Opens (creating and migrating when needed) the store at `path`; with `readOnly`, opens an existing
    /// store for reading only (a file without write permission, a store handed over as an artifact): nothing
    /// is created, migrated or written, and a store of an older schema is refused.
    ///
    /// - Throws: ``StoreError`` when the file cannot be opened or created, is not a Perimeter store, or a migration fails.
    public init(path: String, logger: Logger, readOnly: Bool = false) throws(StoreError) {
        _ = Self.sqliteConfigured
        self.logger = logger
        do {
            queue = readOnly ? try Self.openReadOnly(path) : try Self.openForWriting(path)
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(message: "cannot open the store `\(path)`: \(error)")
        }
    }

    private static func openForWriting(_ path: String) throws -> DatabasePool {
        var configuration = Configuration()
        // Another process (or a connection still closing) may hold the file for a moment: wait, don't fail.
        configuration.busyMode = .timeout(30)
        configuration.prepareDatabase { db in
            // WAL with NORMAL sync keeps each file's transaction atomic and durable at checkpoints. SQLite's
            // other defaults serve the append-only tables best (BENCHMARKS.md): the checkpoint every 1,000 pages
            // copies the log as ingest goes, and the 2 MB page cache keeps memory flat at no cost in speed.
            // (The pool's readers are read-only: WAL is the file's mode, set by the writer.)
            // A new store gets 16 KiB pages (an existing one keeps its own): a trail's thousands of small files
            // append a few rows each, and larger pages cut the log's frames and writes and the page splits
            // (small files: 1.75 -> 1.5 s; synthesis of 1M records 3.0 -> 2.2 s; BENCHMARKS.md). It must be
            // set before the file's first page.
            if !db.configuration.readonly {
                try db.execute(sql: "PRAGMA page_size = 16384")
                try db.execute(sql: "PRAGMA journal_mode = WAL")
            }
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        // Two processes opening a new store at once would both set WAL and both migrate: the second
        // fails ("database is locked", "table file already exists"). An advisory lock on the file
        // (flock, which SQLite's own fcntl locks do not see) makes the second wait for the first.
        let lock = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        if lock >= 0 { flock(lock, LOCK_EX) }
        defer { if lock >= 0 { flock(lock, LOCK_UN); close(lock) } }
        let pool = try DatabasePool(path: path, configuration: configuration)
        try migrator.migrate(pool)
        return pool
    }

    /// A read-only connection. SQLite reads a WAL store without writing it when it can make the `-shm` index
    /// beside it; where the folder does not allow that either (a store handed over read-only, folder and all), the
    /// file is opened as immutable: nothing may change it while Perimeter reads, which is what read-only means here.
    private static func openReadOnly(_ path: String) throws -> any DatabaseWriter {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(30)
        func pool() throws -> any DatabaseWriter {
            let pool = try DatabasePool(path: path, configuration: configuration)
            _ = try pool.read { try $0.tableExists("file") }
            return pool
        }
        let store: any DatabaseWriter
        do { store = try pool() } catch let error as DatabaseError
                    where [SQLITE_READONLY, SQLITE_CANTOPEN].contains(error.resultCode.primaryResultCode.rawValue) {
            store = try DatabaseQueue(path: immutableURI(path), configuration: configuration)
        }
        guard try store.read({ try migrator.hasCompletedMigrations($0) }) else {
            throw StoreError(message: "the store `\(path)` has an older schema: open it once with write access "
                                      + "(`perimeter ingest`) to migrate it")
        }
        return store
    }

    /// `file:PATH?immutable=1`, the path percent-encoded (SQLite reads URI file names: Debian builds it with SQLITE_USE_URI).
    static func immutableURI(_ path: String) -> String {
        var absolute = path
        if !path.hasPrefix("/"), let cwd = getcwd(nil, 0) {
            absolute = String(cString: cwd) + "/" + path
            free(cwd)
        }
        let hex = Array("0123456789ABCDEF".utf8)
        var encoded: [UInt8] = []
        for byte in absolute.utf8 {
            let unreserved = (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
            if unreserved || "/-._~".utf8.contains(byte) {
                encoded.append(byte)
            } else {
                encoded += [37, hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            }
        }
        return "file:" + String(decoding: encoded, as: UTF8.self) + "?immutable=1"
    }

    /// SQLite's process-wide settings, made once before the first connection (see `CSQLiteConfig`).
    private static let sqliteConfigured: Bool = perimeter_sqlite_memstatus_off() == SQLITE_OK

    /// Copies the write-ahead log into the database file and truncates it, so that the `.sqlite` file
    /// alone holds everything (a store copied without its `-wal` file is complete). Returns false when
    /// another connection still reads or writes the store: the last one to finish checkpoints it.
    @discardableResult
    public func checkpoint() -> Bool {
        do {
            _ = try queue.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
            return true
        } catch {
            return false
        }
    }

    /// The content hashes of the files already ingested (failed files are not listed, so a re-run retries them).
    ///
    /// - Throws: ``StoreError`` when the store cannot be read.
    public func ingestedHashes() throws(StoreError) -> Set<String> {
        try read { db in try Set(String.fetchAll(db, sql: "SELECT content_hash FROM file WHERE outcome != 'failed'")) }
    }

    /// Stores one parsed file in a single transaction: its ledger row, new events (duplicates by
    /// event id skipped), folded flows, rejects and skipped counts.
    ///
    /// - Throws: ``StoreError`` when the transaction fails; nothing of the file is then stored.
    public func ingest(_ file: ParsedFile) throws(StoreError) -> FileIngestResult {
        try ingest([(file, FoldedEvents(file.events))])[0]
    }

    /// Stores several parsed files (events already folded, as ingest does on its reader threads) in one
    /// transaction: each file is entirely in the store or not at all, and fewer commits make bulk
    /// ingest faster. A file whose content is already stored is reported as such and adds nothing.
    func ingest(_ batch: [(file: ParsedFile, folded: FoldedEvents)]) throws(StoreError) -> [FileIngestResult] {
        try write { db in
            let statements = try IngestStatements(db)
            return try batch.map { try store($0.file, folded: $0.folded, db, statements) }
        }
    }

    private func store(_ file: ParsedFile, folded: FoldedEvents, _ db: Database,
        _ statements: IngestStatements) throws -> FileIngestResult {
        switch try statements.ledgerEntry(db, contentHash: file.contentHash) {
        case .stored: return FileIngestResult(events: 0, duplicateEvents: 0, alreadyIngested: true)
        case .failed: try statements.clearFailure(db, contentHash: file.contentHash)
        case .none: break
        }
        var folded = folded
        var duplicates = 0, conflicts = 0
        // The ledger row first: the events record the file they come from (its counts follow).
        let ledger = Ledger(path: file.path, size: file.size, hash: file.contentHash, kind: file.kind.rawValue, note: file.note,
                            events: 0, duplicates: 0, flowRecords: file.flowRecords, rejects: file.rejectCount,
                            skipped: file.skippedRecords.values.reduce(0, +), bytes: file.decompressedBytes)
        let fileID = try statements.insertLedger(db, ledger)
        // By index: an event copied out of the array would retain each of its strings.
        for index in folded.events.indices {
            guard let id = folded.events[index].eventID, let digest = folded.digests[index] else { continue }
            let time = folded.events[index].eventTime
            // A network event's own record carries no digest to join on: only the other events' do.
            let request = folded.events[index].isNetworkActivity ? 0 : folded.requests[index]
            switch try statements.recordEvent(db, time: time, id: id, digest: digest, request: request, file: fileID, path: file.path) {
            case .new: continue
            case .copy:
                duplicates += 1
                folded.remove(event: index)
            case .conflict: conflicts += 1
            }
        }
        let stored = folded.events.count - duplicates
        try statements.setCounts(db, file: fileID, events: stored, duplicates: duplicates)
        try statements.insertAccess(db, file: fileID, folded.access)
        try statements.insertNetwork(db, file: fileID, folded)
        try statements.insertSources(db, file: fileID, folded.sources)
        try statements.upsertCategories(db, folded.categories)
        try statements.insertFlows(db, file: fileID, file.flows)
        try statements.insertRejects(db, file: fileID, file.rejects, skipped: file.skippedRecords)
        return FileIngestResult(events: stored, duplicateEvents: duplicates, alreadyIngested: false, conflicts: conflicts)
    }

/// Writes a batch in one transaction; when that fails, writes its files one by one, so that a file
    /// the store cannot take is recorded as failed with the reason and the others still commit.
    func ingestIsolatingFailures(_ batch: [(file: ParsedFile, folded: FoldedEvents)]) throws(StoreError) -> [FileIngestResult] {
        do { return try ingest(batch) } catch {
            guard batch.count > 1 else { return [try storeOrRecordFailure(batch[0])] }
            return try batch.map { entry throws(StoreError) in try storeOrRecordFailure(entry) }
        }
    }

    private func storeOrRecordFailure(_ entry: (file: ParsedFile, folded: FoldedEvents)) throws(StoreError) -> FileIngestResult {
        do { return try ingest([entry])[0] } catch {
            try recordFailure(path: entry.file.path, size: entry.file.size, contentHash: entry.file.contentHash,
                reason: "the store refused the file: \(error)")
            return FileIngestResult(events: 0, duplicateEvents: 0, alreadyIngested: false, failure: "the store refused the file: \(error)")
        }
    }

    /// Records a file that could not be read, so the summary and the ledger name it; a later run retries it.
    ///
    /// - Throws: ``StoreError`` when the store cannot be written.
    public func recordFailure(path: String, size: Int64, contentHash: String, reason: String) throws(StoreError) {
        try write { db in
            let statements = try IngestStatements(db)
            try statements.clearFailure(db, contentHash: contentHash)
            try statements.insertLedger(db,
                Ledger(path: path, size: size, hash: contentHash, kind: "unrecognized", outcome: "failed", note: reason))
        }
    }

    /// One row of the file ledger.
    struct Ledger {
        var path: String
        var size: Int64
        var hash: String
        var kind: String
        var outcome = "ingested"
        var note: String?
        var events: Int64 = 0, duplicates: Int64 = 0, flowRecords: Int64 = 0, rejects: Int64 = 0, skipped: Int64 = 0, bytes: Int64 = 0
    }

    /// The user agent reduced to its product and OS tokens (`aws-cli/2 … Linux/…amzn2023…` keeps what
    /// tells Amazon Linux hosts apart) so that the source table stays small: its first six space-separated
    /// tokens, each cut to the name before its first `/` (empty parts left out) but `Linux`, `os` and
    /// `platform`, kept whole.
    static func userAgentFamily(_ agent: String) -> String {
        var agent = agent
        // ASCII (nearly every agent) as bytes, where a Character split would segment graphemes for each
        // event of a file; the same tokens, as a table-driven test checks.
        return agent.withUTF8 { bytes -> String? in
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            var tokens = 0, i = 0
            while i < bytes.count, tokens < 6 {
                while i < bytes.count, bytes[i] == 32 { i += 1 }
                guard i < bytes.count else { break }
                var end = i
                while end < bytes.count, bytes[end] != 32 { end += 1 }
                var name = i
                while name < end, bytes[name] == 47 { name += 1 }   // leading slashes: empty parts, left out
                var slash = name
                while slash < end, bytes[slash] != 47 { slash += 1 }
                let token = UnsafeBufferPointer(rebasing: bytes[i..<end]), head = UnsafeBufferPointer(rebasing: bytes[name..<slash])
                if tokens > 0 { out.append(32) }
                if slash + 1 < end, !Self.keptWhole.contains(where: { head.elementsEqual($0) }) {
                    out.append(contentsOf: head)
                } else {
                    out.append(contentsOf: token)
                }
                tokens += 1
                i = end
            }
            return String(decoding: out, as: UTF8.self)
        } ?? agent.split(separator: " ").prefix(6).map { token in
            let parts = token.split(separator: "/", maxSplits: 1)
            guard parts.count == 2 else { return String(token) }
            // Keep OS release strings whole (they carry amzn2 / amzn2023 / el7: `ObservedSource.amazonLinux`
            // reads them); drop version numbers elsewhere.
            return Self.keptWhole.contains(Array(parts[0].utf8)) ? String(token) : String(parts[0])
        }.joined(separator: " ")
    }

    /// The user agent tokens kept whole, version and all.
    private static let keptWhole = [Array("Linux".utf8), Array("os".utf8), Array("platform".utf8)]

    func read<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do { return try queue.read(body) } catch { throw StoreError(message: "store read failed: \(error)") }
    }

    func write<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do { return try queue.write(body) } catch let error as StoreError { throw error } catch {
            throw StoreError(message: "store write failed: \(error)") }
    }
}

/// What storing one file added.
public struct FileIngestResult: Sendable, Equatable {
    /// Events stored.
    public var events: Int
    /// Events already stored (same event id).
    public var duplicateEvents: Int
    /// True when the file's content was stored before: nothing was added.
    public var alreadyIngested: Bool
    /// Events whose id was stored before with other content: kept (``UsageStore/eventConflicts()`` names their files).
    public var conflicts = 0
    /// Why the store refused the file (it is recorded as failed, and the others of its batch committed).
    public var failure: String? = nil
}

/// A store that could not be opened, read or written.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, with the store's path.
    public var message: String
    public var description: String { message }
}
