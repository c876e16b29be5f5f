import AWSLogs
import AWSModel
internal import GRDB

/// The statements ingest writes with, looked up in GRDB's cache once per transaction rather than once
/// per file (each lookup hashes the SQL text: ten per file, for a trail's thousands of small ones), and
/// bound directly through ``FastStatement``.
struct IngestStatements {
    private let ledgered, clearFailed, seen, variant, copy, counts, ledger, access, network, sources, categories, flows: FastStatement
    /// For `event_seen` and `event_variant`: a content's file becomes this one when its path is less.
    private let leastFile: [FastStatement]
    private let reject, skip: Statement

    init(_ db: Database) throws {
        ledgered = FastStatement(try db.cachedStatement(sql: "SELECT outcome = 'failed' FROM file WHERE content_hash = ?"))
        clearFailed = FastStatement(try db.cachedStatement(sql: "DELETE FROM file WHERE content_hash = ? AND outcome = 'failed'"))
        let columns = "(event_time, event_id, digest, file_id) VALUES (?, ?, ?, ?)"
        seen = FastStatement(try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO event_seen(event_time, event_id, digest, file_id, request) VALUES (?, ?, ?, ?, ?)
            """))
        variant = FastStatement(try db.cachedStatement(sql: "INSERT OR IGNORE INTO event_variant" + columns))
        copy = FastStatement(try db.cachedStatement(sql: """
            SELECT EXISTS (SELECT 1 FROM event_seen WHERE event_time = ?1 AND event_id = ?2 AND (digest = ?3 OR digest = x''))
                OR EXISTS (SELECT 1 FROM event_variant WHERE event_time = ?1 AND event_id = ?2 AND digest = ?3)
            """))
        leastFile = try ["event_seen", "event_variant"].map { table in
            FastStatement(try db.cachedStatement(sql: """
                UPDATE \(table) SET file_id = ?1 WHERE event_time = ?2 AND event_id = ?3 AND digest = ?4
                AND COALESCE((SELECT path FROM file WHERE file.id = \(table).file_id) > ?5, 1)
                """))
        }
        counts = FastStatement(try db.cachedStatement(sql: "UPDATE file SET events = ?, duplicate_events = ? WHERE id = ?"))
        ledger = FastStatement(try db.cachedStatement(sql: """
            INSERT INTO file(path, size, content_hash, kind, outcome, note, events, duplicate_events, flow_records, rejects, skipped, \
            decompressed_bytes)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """))
        access = FastStatement(try db.cachedStatement(sql: """
            INSERT INTO access(file_id, day, endpoint, endpoint_account, principal_arn, principal_kind, principal_account, action, resource,
                               resource_account, outcome, error_code, event_source, region, recipient_account, count, first_seen,
                               last_seen, sample_event_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """))
        network = FastStatement(try db.cachedStatement(sql: """
            INSERT INTO network_event(event_time, request, file_id, event_id, day, endpoint, endpoint_account, principal_arn,
                                      principal_kind, principal_account, action, resource, resource_account, outcome, error_code,
                                      event_source, region, recipient_account)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """))
        // Held at 2^62: past Int64, SQLite's `+` turns the sum into a float, which would not read back as a count.
        categories = FastStatement(try db.cachedStatement(sql: """
            INSERT INTO event_category(event_source, category, count) VALUES (?, ?, ?)
            ON CONFLICT DO UPDATE SET count = MIN(count + excluded.count, \(UsageStore.countLimit))
            """))
        sources = FastStatement(try db.cachedStatement(sql: """
            INSERT INTO source(file_id, day, endpoint, principal_arn, session_name, source_ip, user_agent, outcome, count, first_seen,
                               last_seen, bytes_in, bytes_out)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """))
        flows = FastStatement(try db.cachedStatement(sql: """
            INSERT INTO flow(file_id, day, interface_id, instance_id, vpc_id, srcaddr, dstaddr, dstport, protocol, action, traffic_path,
                             dst_service, flow_direction, records, packets, bytes, first_seen, last_seen)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """))
        reject = try db.cachedStatement(
            sql: "INSERT INTO reject(file_id, code, line, byte_offset, reason, excerpt) VALUES (?, ?, ?, ?, ?, ?)")
        skip = try db.cachedStatement(sql: "INSERT INTO skipped(file_id, reason, count) VALUES (?, ?, ?)")
    }

    /// What the ledger holds for this content: nothing, the file stored, or an earlier failure to read it
    /// (not stored: a re-run retries it). One lookup of the hash's index, for each of a trail's files.
    func ledgerEntry(_ db: Database, contentHash: String) throws -> LedgerEntry {
        ledgered.bind(contentHash)
        return switch try ledgered.firstInt64(db) {
        case nil: .none
        case 0: .stored
        default: .failed
        }
    }

    enum LedgerEntry { case none, stored, failed }

    /// Removes the ledger row of an earlier failure to read this content.
    func clearFailure(_ db: Database, contentHash: String) throws {
        clearFailed.bind(contentHash)
        try clearFailed.run(db)
    }

    /// What the store knew of an event: nothing, the same event (a copy), or another content for its id.
    enum EventRecord { case new, copy, conflict }

    /// Records an event from `file` (whose path is `path`) by its (time, id) and content digest: new; a
    /// copy of a stored event (same id and digest, or an id stored without a digest); or a content not
    /// stored before for that id, a conflict, recorded too (``UsageStore/eventConflicts()`` reads them).
    /// Each content keeps the least path among the files it came from, whatever their order.
    /// `request` is the event's request digest (0 for none, and for network events: they join others).
    func recordEvent(_ db: Database, time: Int64, id: String, digest: EventDigest, request: Int64, file: Int64,
                     path: String) throws -> EventRecord {
        let bytes = digest.bytes
        seen.bind(time); seen.bind(id); seen.bind(blob: bytes); seen.bind(file); seen.bind(request)
        if try seen.run(db) > 0 { return .new }
        // The id was stored before (every event, where two trails deliver the same events).
        copy.bind(time); copy.bind(id); copy.bind(blob: bytes)
        guard try copy.firstInt64(db) == 1 else {
            variant.bind(time); variant.bind(id); variant.bind(blob: bytes); variant.bind(file)
            try variant.run(db)
            return .conflict
        }
        for statement in leastFile {
            statement.bind(file); statement.bind(time); statement.bind(id); statement.bind(blob: bytes); statement.bind(path)
            try statement.run(db)
        }
        return .copy
    }

    /// Sets a ledger row's event counts, known once its events are recorded.
    func setCounts(_ db: Database, file: Int64, events: Int, duplicates: Int) throws {
        counts.bind(events); counts.bind(duplicates); counts.bind(file)
        try counts.run(db)
    }

    /// Writes a ledger row; returns its id.
    @discardableResult
    func insertLedger(_ db: Database, _ l: UsageStore.Ledger) throws -> Int64 {
        ledger.bind(l.path); ledger.bind(l.size); ledger.bind(l.hash); ledger.bind(l.kind); ledger.bind(l.outcome); ledger.bind(l.note)
        ledger.bind(l.events); ledger.bind(l.duplicates); ledger.bind(l.flowRecords); ledger.bind(l.rejects); ledger.bind(
            l.skipped); ledger.bind(l.bytes)
        try ledger.run(db)
        return db.lastInsertedRowID
    }

    func insertAccess(_ db: Database, file: Int64, _ aggregates: [AccessKey: AccessCounts]) throws {
        for (k, c) in aggregates {
            access.bind(file)
            // One call per column: an array of the values would allocate for every row.
            access.bind(k.day); access.bind(k.endpoint); access.bind(k.endpointAccount); access.bind(k.principalARN)
            access.bind(k.principalKind); access.bind(k.principalAccount); access.bind(k.action); access.bind(k.resource)
            access.bind(k.resourceAccount); access.bind(k.outcome); access.bind(k.errorCode); access.bind(k.eventSource)
            access.bind(k.region); access.bind(k.recipientAccount)
            access.bind(c.count)
            access.bind(c.first)
            access.bind(c.last)
            access.bind(c.sample ?? "")
            try access.run(db)
        }
    }

    /// A file's network activity events not found to be copies, one row per event and action.
    func insertNetwork(_ db: Database, file: Int64, _ folded: FoldedEvents) throws {
        for (index, keys) in folded.network where !folded.networkCopies.contains(index) {
            let event = folded.events[index]
            for k in keys {
                try insertNetwork(db, time: event.eventTime, request: folded.requests[index], file: file, id: event.eventID ?? "", k)
            }
        }
    }

    /// One `network_event` row: a network activity event's action `k` (`id` '' when it has none).
    func insertNetwork(_ db: Database, time: Int64, request: Int64, file: Int64, id: String, _ k: AccessKey) throws {
        network.bind(time); network.bind(request); network.bind(file); network.bind(id)
        network.bind(k.day); network.bind(k.endpoint); network.bind(k.endpointAccount); network.bind(k.principalARN)
        network.bind(k.principalKind); network.bind(k.principalAccount); network.bind(k.action); network.bind(k.resource)
        network.bind(k.resourceAccount); network.bind(k.outcome); network.bind(k.errorCode); network.bind(k.eventSource)
        network.bind(k.region); network.bind(k.recipientAccount)
        try network.run(db)
    }

    /// Adds to the event counts by source and category.
    func upsertCategories(_ db: Database, _ counts: [ByteKeyedText: Int64]) throws {
        for (key, count) in counts where count > 0 {
            let parts = key.text.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
            categories.bind(String(parts[0])); categories.bind(parts.count > 1 ? String(parts[1]) : ""); categories.bind(count)
            try categories.run(db)
        }
    }

    func insertSources(_ db: Database, file: Int64, _ rows: [SourceKey: AccessCounts]) throws {
        for (k, c) in rows {
            sources.bind(file)
            sources.bind(k.day); sources.bind(k.endpoint); sources.bind(k.principal); sources.bind(k.session); sources.bind(k.sourceIP)
            sources.bind(k.userAgent); sources.bind(k.outcome)
            sources.bind(c.count)
            sources.bind(c.first)
            sources.bind(c.last)
            sources.bind(c.bytesIn); sources.bind(c.bytesOut)
            try sources.run(db)
        }
    }

    func insertFlows(_ db: Database, file: Int64, _ rows: [ObservedFlow]) throws {
        for f in rows {
            flows.bind(file)
            flows.bind(f.day); flows.bind(f.interfaceID); flows.bind(f.instanceID); flows.bind(f.vpcID); flows.bind(f.sourceAddress)
            flows.bind(f.destinationAddress)
            flows.bind(f.destinationPort)
            flows.bind(f.proto)
            flows.bind(f.action)
            flows.bind(f.trafficPath)
            flows.bind(f.destinationService)
            flows.bind(f.flowDirection)
            flows.bind(f.records); flows.bind(f.packets); flows.bind(f.bytes); flows.bind(f.firstSeen); flows.bind(f.lastSeen)
            try flows.run(db)
        }
    }

    /// A file's rejects and skipped counts.
    func insertRejects(_ db: Database, file: Int64, _ rejects: [Reject], skipped: [String: Int64]) throws {
        for r in rejects {
            try insertReject(file: file, code: r.code.rawValue, line: r.line.map(Int64.init), offset: r.byteOffset, reason: r.reason,
                excerpt: r.excerpt)
        }
        for (reason, count) in skipped.sorted(by: { $0.key < $1.key }) { try insertSkipped(file: file, reason: reason, count: count) }
    }

    /// One reject (few per file: GRDB's arguments are fine here).
    func insertReject(file: Int64, code: String, line: Int64?, offset: Int64?, reason: String, excerpt: String) throws {
        try reject.execute(arguments: [file, code, line, offset, reason, excerpt])
    }

    /// The count of records of one kind a file held but Perimeter does not use.
    func insertSkipped(file: Int64, reason: String, count: Int64) throws {
        try skip.execute(arguments: [file, reason, count])
    }
}
