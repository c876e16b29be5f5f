import Testing
@testable import UsageStore
import AWSLogs
import GRDB
import AWSModel
import Foundation
import Logging
import PerimeterTestSupport

struct UsageStoreTests {
    static func store(_ dir: String) throws -> UsageStore {
        try UsageStore(path: dir + "/store.sqlite", logger: Logger(label: "test"))
    }

    static func copyFixtures(_ names: [String], to dir: String) throws {
        for name in names {
            let target = dir + "/" + (name as NSString).lastPathComponent
            guard name.hasSuffix("aws_vpce_access_denied.test00.json") else {
                try FileManager.default.copyItem(atPath: TestSupport.fixture(name), toPath: target)
                continue
            }
            try TestSupport.fixtureWithIssuedEndpointID(name).write(toFile: target, atomically: true, encoding: .utf8)
        }
    }

    static let logs = ["cloudtrail/111111111111_CloudTrail_eu-central-1_20171211T1505Z_A6kvhMoVeCsc7v8U.json.gz",
                       "cloudtrail/aws_vpce_access_denied.test00.json", "cloudtrail/ec2_proxy_s3_exfiltration_2020-09-14011940.json",
                       "cloudtrail/cloudtrail-integration.block07.json", "flowlogs/flow-log-example-tcp-flag.log",
                       "flowlogs/flow-log-example-nat.log"]

    @Test func reingestingTheSameFilesAddsNothing() async throws {
        let dir = TestSupport.temporaryDirectory()
        let logs = dir + "/logs"
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        try Self.copyFixtures(Self.logs, to: logs)
        let store = try Self.store(dir)
        let first = try await IngestPipeline(store: store).run(paths: [logs], workers: 2)
        #expect(first.filesRead == 6)
        #expect(first.events == 106)
        #expect(first.flowRecords == 12)
        #expect(first.rejects == 3)
        let totals = try store.totals()
        let access = try store.observedAccess()

        let second = try await IngestPipeline(store: store).run(paths: [logs], workers: 2)
        #expect(second.filesRead == 0)
        #expect(second.filesAlreadyIngested == 6)
        #expect(second.events == 0)
        #expect(try store.totals() == totals)
        #expect(try store.observedAccess() == access)
        // Without sums, the same sources once each, their sums 0.
        let summed = try store.sources()
        #expect(!summed.isEmpty)
        #expect(try store.sources(sums: false) == summed.map { var s = $0; (s.count, s.firstSeen, s.lastSeen) = (0, 0, 0); return s }
            .sorted())
    }

    @Test func aLargerCopyAddsOnlyTheNewFiles() async throws {
        let dir = TestSupport.temporaryDirectory()
        let logs = dir + "/logs"
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        try Self.copyFixtures(Array(Self.logs.prefix(2)), to: logs)
        let store = try Self.store(dir)
        _ = try await IngestPipeline(store: store).run(paths: [logs], workers: 1)
        try Self.copyFixtures(Array(Self.logs.dropFirst(2)), to: logs)
        let more = try await IngestPipeline(store: store).run(paths: [logs], workers: 1)
        #expect(more.filesAlreadyIngested == 2)
        #expect(more.filesRead == 4)
    }

    @Test func aRecordDeliveredTwiceIsCountedOnce() async throws {
        let dir = TestSupport.temporaryDirectory()
        let record = try TestSupport.fixtureWithIssuedEndpointID("cloudtrail/aws_vpce_access_denied.test00.json")
            .replacingOccurrences(of: "\"eventTime\"", with: "\"eventID\": \"dup-1\", \"eventTime\"")
        try record.write(toFile: dir + "/a.json", atomically: true, encoding: .utf8)
        try ("{\"Records\":[" + record + "]}").write(toFile: dir + "/b.json", atomically: true, encoding: .utf8)
        let store = try Self.store(dir)
        let summary = try await IngestPipeline(store: store).run(paths: [dir + "/a.json", dir + "/b.json"], workers: 2)
        #expect(summary.events == 1)
        #expect(summary.duplicateEvents == 1)
        #expect(try store.observedAccess().map(\.count) == [1])
    }

    /// Regression guard for the pipeline that reads while the writer writes: with batches of one record,
    /// jobs of two files and readers held past four pending records, every file is stored once, the
    /// records sum as a default ingest's do, and a record repeated across files still counts once.
    @Test func aPipelineThatHoldsItsReadersForTheWriterStoresEveryFileOnce() async throws {
        let dir = TestSupport.temporaryDirectory()
        let logs = dir + "/logs"
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        let record = try TestSupport.fixtureWithIssuedEndpointID("cloudtrail/aws_vpce_access_denied.test00.json")
        for n in 0..<40 {
            // File 39 repeats file 0's event (other bytes around it): a duplicate across files and batches.
            let event = record.replacingOccurrences(of: "\"eventTime\"", with: "\"eventID\": \"e-\(n == 39 ? 0 : n)\", \"eventTime\"")
            try ((n == 39 ? "{\"Records\": [" : "{\"Records\":[") + event + "]}")
                .write(toFile: logs + "/\(n).json", atomically: true, encoding: .utf8)
        }
        try Self.copyFixtures(["flowlogs/flow-log-example-tcp-flag.log", "flowlogs/flow-log-example-nat.log"], to: logs)
        let small = try UsageStore(path: dir + "/small.sqlite", logger: Logger(label: "test"))
        let sizes = IngestPipeline.Sizes(batchRecords: 1, pendingRecords: 4, jobBytes: 1 << 20, jobFiles: 2)
        let summary = try await IngestPipeline(store: small, sizes: sizes).run(paths: [logs], workers: 2)
        #expect(summary.filesRead == 42)
        #expect(summary.events == 39)
        #expect(summary.duplicateEvents == 1)
        let reference = try Self.store(dir)
        _ = try await IngestPipeline(store: reference).run(paths: [logs], workers: 2)
        #expect(try small.totals() == reference.totals())
        #expect(try small.observedAccess() == reference.observedAccess())
        #expect(try small.flows() == reference.flows())
        let stored = try await small.queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM file WHERE outcome = 'ingested'") }
        #expect(stored == 42)
    }

    /// A store written before v5 holds resources that may be unescaped logged wildcards: its CloudTrail
    /// rows and their files' ledger rows go, so the next ingest reads those files again, once.
    @Test func aStoreFromBeforeLiteralResourcesReadsItsCloudTrailFilesAgain() async throws {
        let dir = TestSupport.temporaryDirectory()
        // A data event: its rows are in `access` (a network event's are not, since v8).
        try FileManager.default.copyItem(atPath: TestSupport.fixture("cloudtrail/ct-decrypt.block01.json"), toPath: dir + "/a.json")
        let queue = try DatabaseQueue(path: dir + "/store.sqlite")
        try UsageStore.migrator.migrate(queue, upTo: "v4")
        try queue.close()
        let old = try Self.store(dir)
        _ = try await IngestPipeline(store: old).run(paths: [dir + "/a.json"], workers: 1)
        let queue2 = try DatabaseQueue(path: dir + "/store.sqlite")
        try await queue2.write { db in
            try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v5'")
            try db.execute(sql: "CREATE TABLE event_seen_v1 (event_id TEXT PRIMARY KEY) WITHOUT ROWID")
            try db.execute(sql: "UPDATE access SET resource = 'arn:aws:s3:::b/*'")
        }
        try queue2.close()
        let store = try Self.store(dir)
        #expect(try store.observedAccess().isEmpty)
        let summary = try await IngestPipeline(store: store).run(paths: [dir + "/a.json"], workers: 1)
        #expect(summary.filesRead == 1)
        #expect(summary.duplicateEvents == 0)
        #expect(!(try store.observedAccess().contains { $0.access.resource == "arn:aws:s3:::b/*" }))
    }

    /// The folded read keys each row by its columns other than the resource; logged text that moves a
    /// quote or comma from one column to the next (an error code `a` and a source `'b`, or `a'` and `b`) must
    /// not make two groups one: without each column's length before it, the columns side by side read alike.
    @Test func identityKeysOfAdjacentColumnsNeverCollide() throws {
        let dir = TestSupport.temporaryDirectory()
        let store = try Self.store(dir)
        try store.queue.write { db in
            for (code, source) in [("a", "'b"), ("a'", "b"), ("a',", "b"), ("a", "',b")] {
                try db.execute(sql: """
                    INSERT INTO access VALUES (1, '2026-11-01', 'vpce-1', '111122223333', 'arn:aws:iam::111122223333:role/r', 'role', \
                    '111122223333',
                                               's3:GetObject', 'arn:aws:s3:::b/k', '111122223333', 'denied', ?, ?, 'us-east-1', \
                    '111122223333', 1, 1, 1, '')
                    """, arguments: [code, source])
            }
        }
        var rows: [AccessRow] = []
        try store.accessRows { rows.append($0) }
        #expect(Set(rows.map(\.identity)).count == 4)
        #expect(Set(rows.map { "\($0.columns.errorCode ?? "") \($0.columns.eventSource)" }) == ["a 'b", "a' b", "a', b", "a ',b"])
    }

    /// The store hands out its groups in key order — endpoint, principal, action, resource by its bytes —
    /// whatever order they were written in, so that synthesis can fold one principal's keys of a bucket
    /// as they come; each identity's columns are the same whatever row decoded them.
    @Test func accessRowsComeInKeyOrder() throws {
        let dir = TestSupport.temporaryDirectory()
        let store = try Self.store(dir)
        let rows: [(String, String, String, String)] = [
            ("vpce-2", "role/a", "s3:GetObject", "arn:aws:s3:::b/z"), ("vpce-1", "role/b", "s3:GetObject", "arn:aws:s3:::b/k"),
            ("vpce-1", "role/a", "s3:PutObject", "arn:aws:s3:::b/a"), ("vpce-1", "role/a", "s3:GetObject", "arn:aws:s3:::b/k/2"),
            ("vpce-1", "role/a", "s3:GetObject", "arn:aws:s3:::b-2/k"), ("vpce-1", "role/a", "s3:GetObject", "arn:aws:s3:::b/k/10"),
            ("", "role/a", "s3:GetObject", "arn:aws:s3:::b/\u{e9}"), ("vpce-1", "role/a", "s3:GetObject", "arn:aws:s3:::b/e\u{301}"),
        ]
        try store.queue.write { db in
            for (endpoint, role, action, resource) in rows {
                try db.execute(sql: """
                    INSERT INTO access VALUES (1, '2026-11-01', ?, '111122223333', ?, 'role', '111122223333', ?, ?, '111122223333',
                                               'success', '', 's3.amazonaws.com', 'us-east-1', '111122223333', 1, 1, 1, '')
                    """, arguments: [endpoint, "arn:aws:iam::111122223333:" + role, action, resource])
            }
        }
        var read: [AccessRow] = []
        try store.accessRows { read.append($0) }
        func key(_ r: AccessRow) -> [[UInt8]] {
            [Array((r.columns.endpoint?.rawValue ?? "").utf8), Array(r.columns.principal.arn.utf8),
             Array(r.columns.access.action.description.utf8), Array(r.resource.utf8)]
        }
        #expect(read.count == rows.count)
        #expect(read.map(key) == read.map(key).sorted { $0.lexicographicallyPrecedes($1) { $0.lexicographicallyPrecedes($1) } })
        #expect(read.map(\.resource).filter { $0.hasPrefix("arn:aws:s3:::b/k/") } == ["arn:aws:s3:::b/k/10", "arn:aws:s3:::b/k/2"])
    }

    /// The sources read without sums keep each distinct row once by its bytes: text moved from one column
    /// to the next (a session `a` and an address `bc` against `ab` and `c`) is two sources, and the same
    /// source in two files is one.
    @Test func distinctSourcesOfAdjacentColumnsNeverCollide() throws {
        let dir = TestSupport.temporaryDirectory()
        let store = try Self.store(dir)
        try store.queue.write { db in
            for (file, session, ip) in [(1, "'a'", "bc"), (1, "'ab'", "c"), (2, "'a'", "bc"), (2, "'a' || char(0) || 'x'", "bc")] {
                try db.execute(sql: """
                    INSERT INTO source VALUES (?, '2026-11-01', 'vpce-1', 'arn:aws:iam::111122223333:role/r', \(session), ?, 'aws-cli',
                                               1, 1, 1, 'success', 0, 0)
                    """, arguments: [file, ip])
            }
        }
        let sources = try store.sources(sums: false)
        // The row with a NUL stays apart from `a` (a String read from the column stops at the NUL).
        #expect(sources.map { "\($0.sessionName) \($0.sourceIP)" }.sorted() == ["a bc", "a bc", "ab c"])
        #expect(try store.sources().map(\.count).reduce(0, +) == 4)
    }

    /// Two files whose flow sums are at Int64.max each: SQLite's SUM would fail every later query.
    @Test func flowSumsOverTwoHugeFilesDoNotOverflowTheStoresAggregates() async throws {
        let dir = TestSupport.temporaryDirectory()
        let header = "version interface-id srcaddr dstaddr dstport protocol packets bytes start end action log-status\n"
        let line = "2 eni-1 10.0.0.1 10.0.0.2 443 6 \(1 << 50) \(1 << 50) 1700000000 1700000060 ACCEPT OK\n"
        for (name, lines) in [("a.log", 9000), ("b.log", 9001)] {
            try (header + String(repeating: line, count: lines)).write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
        }
        let store = try Self.store(dir)
        let summary = try await IngestPipeline(store: store).run(paths: [dir + "/a.log", dir + "/b.log"], workers: 1)
        #expect(summary.filesRead == 2)
        let flows = try store.flows()
        #expect(flows.count == 1)
        #expect(flows[0].bytes == 1 << 62)
    }

    /// One file the store cannot take (here a trigger refuses it) used to fail its whole batch and the run.
    @Test func aFileTheStoreRefusesFailsAloneAndTheOthersCommit() async throws {
        let dir = TestSupport.temporaryDirectory()
        let record = try TestSupport.fixtureWithIssuedEndpointID("cloudtrail/aws_vpce_access_denied.test00.json")
        try record.write(toFile: dir + "/good.json", atomically: true, encoding: .utf8)
        try record.replacingOccurrences(of: "\"eventTime\"", with: "\"eventID\": \"other\", \"eventTime\"")
            .write(toFile: dir + "/bad.json", atomically: true, encoding: .utf8)
        let store = try Self.store(dir)
        let queue = try DatabaseQueue(path: dir + "/store.sqlite")
        try await queue.write { db in
            try db.execute(sql: """
                CREATE TRIGGER refuse BEFORE INSERT ON file WHEN NEW.path LIKE '%bad.json' AND NEW.outcome = 'ingested' BEGIN SELECT \
                RAISE(ABORT, 'refused'); END
                """)
        }
        try queue.close()
        let summary = try await IngestPipeline(store: store).run(paths: [dir + "/good.json", dir + "/bad.json"], workers: 1)
        #expect(summary.filesFailed.map(\.path) == [dir + "/bad.json"])
        #expect(summary.filesFailed.first?.reason.contains("refused") == true)
        #expect(summary.filesRead == 1)
        #expect(try store.totals().events == 1)
    }

    @Test func anUnreadableFileIsNamedAndRetriedNextTime() async throws {
        let dir = TestSupport.temporaryDirectory()
        let gz = TestSupport.bytes(TestSupport.fixture("flowlogs/vpcflowlog.log.gz"))
        try Data(gz.prefix(gz.count - 10)).write(to: URL(fileURLWithPath: dir + "/cut.log.gz"))
        let store = try Self.store(dir)
        let summary = try await IngestPipeline(store: store).run(paths: [dir + "/cut.log.gz"], workers: 1)
        #expect(summary.filesFailed.map(\.path) == [dir + "/cut.log.gz"])
        #expect(summary.filesFailed.first?.reason.contains("truncated gzip") == true)
        #expect(try store.totals().failedFiles.count == 1)
        // The file is complete the next time: it is read, and no longer listed as failed.
        try Data(gz).write(to: URL(fileURLWithPath: dir + "/cut.log.gz"))
        let again = try await IngestPipeline(store: store).run(paths: [dir + "/cut.log.gz"], workers: 1)
        #expect(again.filesRead == 1)
        #expect(again.flowRecords == 3)
    }

    /// One lookup of the ledger tells stored, failed and new content apart: content that failed before is
    /// read again, its failure replaced by the file; content stored before is not read twice.
    @Test func contentThatFailedBeforeIsStoredAndItsFailureCleared() async throws {
        let dir = TestSupport.temporaryDirectory()
        let path = TestSupport.fixture("flowlogs/vpcflowlog.log.gz")
        let store = try Self.store(dir)
        let hash = try LogFileReader.fingerprint(path: path).hash
        try store.recordFailure(path: path, size: 1, contentHash: hash, reason: "refused by an older build")
        #expect(try store.totals().failedFiles.count == 1)
        let summary = try await IngestPipeline(store: store).run(paths: [path], workers: 1)
        #expect(summary.filesRead == 1 && summary.flowRecords == 3)
        #expect(try store.totals().failedFiles.isEmpty)
        #expect(try store.ingestedHashes() == [hash])
        // The same content under another name, in one run with the original: stored once.
        try Data(TestSupport.bytes(path)).write(to: URL(fileURLWithPath: dir + "/copy.log.gz"))
        let fresh = try Self.store(TestSupport.temporaryDirectory())
        let both = try await IngestPipeline(store: fresh).run(paths: [path, dir + "/copy.log.gz"], workers: 1)
        #expect(both.flowRecords == 3 && both.filesAlreadyIngested == 1)
    }

    @Test func aggregatesKeepEndpointPrincipalActionResourceAndOutcome() async throws {
        let dir = TestSupport.temporaryDirectory()
        let store = try Self.store(dir)
        try Self.copyFixtures(["cloudtrail/aws_vpce_access_denied.test00.json"], to: dir)
        _ = try await IngestPipeline(store: store).run(paths: [dir + "/aws_vpce_access_denied.test00.json"], workers: 1)
        let access = try #require(try store.observedAccess().first)
        #expect(access.endpoint == VPCEndpointID(TestSupport.issuedEndpointID))
        #expect(access.outcome == .deniedByEndpointPolicy)
        #expect(access.access.action == IAMAction("s3:GetObject"))
        #expect(access.principal.arn == "arn:aws:iam::111111111111:root")
        #expect(access.sourceIPs == ["10.0.0.1"])
        #expect(try store.observedAccess(window: DayWindow(since: "2023-03-02")).isEmpty)
    }

    @Test func storedRejectsKeepFileLineAndReason() async throws {
        let dir = TestSupport.temporaryDirectory()
        let store = try Self.store(dir)
        _ = try await IngestPipeline(store: store)
            .run(paths: [TestSupport.fixture("cloudtrail/cloudtrail-integration.block07.json")], workers: 1)
        let reject = try #require(try store.rejects().first)
        #expect(reject.path.hasSuffix("cloudtrail-integration.block07.json"))
        #expect(reject.line == 22)
        #expect(reject.reason.hasPrefix("malformed JSON"))
    }

    @Test func aMissingPathIsAnError() async throws {
        let store = try Self.store(TestSupport.temporaryDirectory())
        await #expect(throws: LogReadError.self) { _ = try await IngestPipeline(store: store)
            .run(paths: ["/nonexistent/logs"], workers: 1) }
    }

    /// Regression guard for "database is locked" when `run` used the store while another connection to
    /// the same file still held a lock: a second connection now waits for the lock instead of failing.
    @Test func aSecondConnectionWaitsForTheLockInsteadOfFailing() async throws {
        let dir = TestSupport.temporaryDirectory()
        let first = try Self.store(dir)
        let second = try Self.store(dir)
        let writing = Task.detached {
            try first.write { db in
                try db.execute(sql: "INSERT INTO event_seen(event_time, event_id) VALUES (0, 'held')")
                Thread.sleep(forTimeInterval: 0.3)
            }
        }
        try await Task.sleep(nanoseconds: 100_000_000)
        try second.recordFailure(path: "x", size: 1, contentHash: "h", reason: "test")
        try await writing.value
        #expect(try second.totals().failedFiles.count == 1)
    }

    @Test func aVersion2StoreKeepsItsFlowsAndDropsItsCloudTrailRowsAfterMigrating() throws {
        let dir = TestSupport.temporaryDirectory()
        let queue = try DatabaseQueue(path: dir + "/old.sqlite")
        try UsageStore.migrator.migrate(queue, upTo: "v2")
        try queue.write { db in
            try db.execute(sql: """
                INSERT INTO access VALUES ('2026-11-01', 'vpce-1', '1', 'arn:aws:iam::1:role/r', 'AssumedRole', '1', 's3:GetObject',
                                           'arn:aws:s3:::a/1', '1', 'success', '', 's3.amazonaws.com', 'us-east-1', '1', 7, 10, 20, 'e1');
                INSERT INTO source VALUES ('2026-11-01', 'vpce-1', 'arn:aws:iam::1:role/r', 'i-1', '10.0.0.1', 'aws-cli', 7, 10, 20);
                INSERT INTO flow VALUES ('2026-11-01', 'eni-1', 'i-1', 'vpc-1', '10.0.0.1', 's3-service', 443, 6, 'ACCEPT', 7, 'S3', \
                'egress',
                                         2, 10, 1000, 10, 20);
                """)
        }
        let store = try UsageStore(path: dir + "/old.sqlite", logger: Logger(label: "test"))
        #expect(try store.observedAccess().isEmpty)
        #expect(try store.sources().isEmpty)
        #expect(try store.flows().map(\.bytes) == [1000])
    }
}

struct ReaderThreadsTests {
    @Test func runsEveryJobAndReturnsItsResult() async {
        let threads = ReaderThreads(count: 2)
        defer { threads.close() }
        let results = await withTaskGroup(of: Int.self) { group in
            for n in 0..<100 { group.addTask { await threads.run { n * n } } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.sorted() == (0..<100).map { $0 * $0 })
    }

    #if os(Linux)
    @Test func readersRunNicerThanTheRestOfTheProcess() async {
        let threads = ReaderThreads(count: 1)
        defer { threads.close() }
        let outside = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        let inside = await threads.run { getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0) }
        #expect(inside == min(19, outside + ReaderThreads.niceness))
    }
    #endif
}

struct FastStatementTests {
    /// Text is bound from the statement's 64 KB row buffer; what does not fit is bound as a copy. Every
    /// value must read back as written, small (inline) strings, empty ones and values past the buffer.
    @Test func boundTextReadsBackWhateverItsSize() throws {
        let queue = try DatabaseQueue()
        let values = ["", "short", String(repeating: "é", count: 40), String(repeating: "a", count: 40_000),
                      String(repeating: "b", count: 30_000), String(repeating: "c", count: 70_000), "tail"]
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE t (row INTEGER, a TEXT, b TEXT, c TEXT, d TEXT, e TEXT, f TEXT, g TEXT)")
            let insert = FastStatement(try db.makeStatement(sql: "INSERT INTO t VALUES (?, ?, ?, ?, ?, ?, ?, ?)"))
            for row in 0..<3 {
                insert.bind(row)
                for value in values { insert.bind(value) }
                try insert.run(db)
            }
        }
        let rows = try queue.read { db in try Row.fetchAll(db, sql: "SELECT * FROM t ORDER BY row") }
        #expect(rows.count == 3)
        for row in rows {
            #expect((1...7).map { row[$0] as String } == values)
        }
    }
}

/// Aggregates made elsewhere are input too: their numbers are checked before they reach the store's sums.
struct AggregateLoadTests {
    static func folder(access count: String) throws -> String {
        let dir = TestSupport.temporaryDirectory("agg")
        for table in ["files", "access", "format"] {
            try FileManager.default.createDirectory(atPath: dir + "/" + table, withIntermediateDirectories: true)
        }
        try Data(AggregateExchange.formatRow.utf8).write(to: URL(fileURLWithPath: dir + "/format/part-0.json"))
        try Data(#"""
            {"path":"a.json.gz","hash":"h1","size":10,"kind":"cloudtrail","events":1,"duplicates":0,"flowRecords":0,"rejects":0,\#
            "skipped":0,"bytes":20}
            """#.utf8)
            .write(to: URL(fileURLWithPath: dir + "/files/part-0.json"))
        let key = #"""
            ["2026-11-01","vpce-1","","arn:aws:iam::111122223333:role/r","assumedRole","111122223333","s3:GetObject","arn:aws:s3:::b/k",\#
            "","success","","s3.amazonaws.com","us-east-1","111122223333"]
            """#
        try Data(#"{"k":\#(key),"count":\#(count),"first":1793491200,"last":1793491200,"sample":"e1"}"#.utf8)
            .write(to: URL(fileURLWithPath: dir + "/access/part-0.json"))
        return dir
    }

    @Test(arguments: ["-1", "9223372036854775807", "\"many\""])
    func anAggregateCountOutOfRangeIsRefusedNamingItsFile(count: String) throws {
        let dir = try Self.folder(access: count)
        let store = try UsageStoreTests.store(dir)
        #expect { try store.loadAggregates(folder: dir) } throws: { "\($0)".contains("access/part-0.json") && "\($0)".contains("count") }
        #expect(try store.totals().events == 0)   // the transaction left nothing behind
    }

    /// A categories part file repeating one category with counts of 2^53 (each in range) summed past
    /// Int64 trapped the load; twice loaded, SQLite's sum turned into a float that did not read back.
    @Test func aggregateCategoryCountsPastInt64Saturate() throws {
        let store = try UsageStoreTests.store(TestSupport.temporaryDirectory())
        for n in 0..<2 {
            let dir = try Self.folder(access: "1")
            try FileManager.default.createDirectory(atPath: dir + "/categories", withIntermediateDirectories: true)
            let line = #"{"category":"s3.amazonaws.com Data","count":9007199254740992}"#
            try Data(Array(repeating: line, count: 1_100).joined(separator: "\n").utf8)
                .write(to: URL(fileURLWithPath: dir + "/categories/part-0.json"))
            // Each load needs its own file ledger row: a different content hash.
            try Data(#"""
                {"path":"a\#(n).json.gz","hash":"h\#(n)","size":10,"kind":"cloudtrail","events":1,"duplicates":0,"flowRecords":0,\#
                "rejects":0,"skipped":0,"bytes":20}
                """#.utf8)
                .write(to: URL(fileURLWithPath: dir + "/files/part-0.json"))
            _ = try store.loadAggregates(folder: dir)
        }
        #expect(try store.eventCategories().map(\.count) == [4_611_686_018_427_387_904])
    }

    /// Aggregates claiming 2^53 events for each of 1,100 files: the load's total and the store's totals
    /// (a plain SUM raised "integer overflow" on every later read) are held, not trapped or failed.
    @Test func aggregateFileCountsPastInt64Saturate() throws {
        let dir = try Self.folder(access: "1")
        let lines = (0..<1_100).map { #"""
            {"path":"f\#($0).json.gz","hash":"h\#($0)","size":10,"kind":"cloudtrail","events":9007199254740992,"duplicates":0,\#
            "flowRecords":0,"rejects":0,"skipped":0,"bytes":20}
            """# }
        try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: dir + "/files/part-0.json"))
        let store = try UsageStoreTests.store(TestSupport.temporaryDirectory())
        #expect(try store.loadAggregates(folder: dir).events == Int64.max)
        #expect(try store.totals().events == 4_611_686_018_427_387_904)
    }

    /// Aggregates of the first exchange (no `format` table: network activity events left out, no request
    /// digests) loaded as if complete, and a later version's would be misread: both are refused, saying why.
    @Test(arguments: [nil, #"{"format":"perimeter-aggregates","version":1}"#, #"{"format":"perimeter-aggregates","version":3}"#,
                      #"{"format":"other","version":2}"#])
    func aggregatesOfAnotherExchangeVersionWereLoaded(format: String?) throws {
        let dir = try Self.folder(access: "1")
        try FileManager.default.removeItem(atPath: dir + "/format/part-0.json")
        if let format { try Data(format.utf8).write(to: URL(fileURLWithPath: dir + "/format/part-0.json")) }
        let store = try UsageStoreTests.store(dir)
        #expect { try store.loadAggregates(folder: dir) } throws: {
            "\($0)".contains("this perimeter reads version \(AggregateExchange.version)")
                && "\($0)".contains("run Spark/perimeter_aggregate.py again")
        }
        #expect(try store.totals().events == 0)
    }

    @Test func aGoodAggregateLoadsOnce() throws {
        let dir = try Self.folder(access: "3")
        let store = try UsageStoreTests.store(dir)
        #expect(try store.loadAggregates(folder: dir).rows == 1)
        #expect(try store.loadAggregates(folder: dir).alreadyLoaded)
        #expect(try store.observedAccess().map(\.count) == [3])
    }
}

/// The user agent family, read as bytes for ASCII agents: the same tokens as the Character split it
/// replaced (empty parts left out, the first `/` only, six tokens, `Linux`/`os`/`platform` whole).
struct UserAgentFamilyTests {
    @Test(arguments: [
        ("aws-cli/2.15.0 Python/3.11.6 Linux/6.1.0-amzn2023.x86_64 exe/x86_64.amzn.2023 prompt/off command/s3.cp",
         "aws-cli Python Linux/6.1.0-amzn2023.x86_64 exe prompt command"),
        ("Boto3/1.34 md/Botocore#1.34 ua/2.0 os/linux#6.1 md/arch#x86_64 lang/python#3.9 cfg/retry-mode#legacy",
         "Boto3 md ua os/linux#6.1 md lang"),
        ("[S3Console/0.4]", "[S3Console"),
        ("  a   b  ", "a b"),
        ("b//", "b"), ("//a/b", "a"), ("/LL//", "LL"), ("a/", "a/"), ("/a", "/a"), ("a//b", "a"), ("//", "//"),
        ("platform/x os/y Linux/z", "platform/x os/y Linux/z"),
        ("", ""), ("é/x y/z", "é y"), ("Linux/é", "Linux/é"),
    ])
    func family(agent: String, expected: String) {
        #expect(UsageStore.userAgentFamily(agent) == expected)
    }
}

/// Logged keys are stored by their bytes (issue 26, what the store reads).
struct UnicodeKeyStoreTests {
    /// Before: the ingest grouped on `String` keys, whose equality is canonical equivalence, so the NFC and
    /// the NFD key of `cv/résumé.pdf` (two S3 objects) became one row of two requests.
    @Test func nfcAndNFDKeysAreTwoRowsNotOneOfTwoRequests() async throws {
        let dir = TestSupport.temporaryDirectory()
        func record(_ id: String, _ key: String) -> String {
            """
            {"eventVersion":"1.09","eventTime":"2024-05-01T10:00:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject",
             "awsRegion":"us-east-1","recipientAccountId":"111122223333","userIdentity":{"type":"IAMUser",
             "arn":"arn:aws:iam::111122223333:user/u","accountId":"111122223333"},
             "requestParameters":{"bucketName":"app-data","key":"\(key)"},"eventID":"\(id)"}
            """
        }
        let records = [record("e1", "cv/r\u{E9}sum\u{E9}.pdf"), record("e2", "cv/re\u{301}sume\u{301}.pdf")]
        try ("{\"Records\":[" + records.joined(separator: ",") + "]}").write(toFile: dir + "/a.json", atomically: true, encoding: .utf8)
        let store = try UsageStoreTests.store(dir)
        _ = try await IngestPipeline(store: store).run(paths: [dir + "/a.json"], workers: 1)
        let rows = try store.observedAccess()
        #expect(rows.map(\.count) == [1, 1])
        #expect(Set(rows.map { Array($0.access.resource.text.utf8) }).count == 2)
    }
}

/// Event ids are de-duplicated by content (issue 26, what the store reads).
struct DuplicateEventIDTests {
    /// A PutObject by a role through an endpoint: refused (`AccessDenied`) or, forged, a success.
    static func record(denied: Bool) -> String {
        let error = denied ? #""errorCode":"AccessDenied","errorMessage":"Access Denied","# : ""
        return """
            {"eventVersion":"1.09","eventTime":"2024-05-01T10:00:00Z","eventSource":"s3.amazonaws.com","eventName":"PutObject",
             "awsRegion":"us-east-1","recipientAccountId":"111122223333","userIdentity":{"type":"IAMUser",
             "arn":"arn:aws:iam::111122223333:user/u","accountId":"111122223333"},\(error)
             "requestParameters":{"bucketName":"exfil-drop","key":"dump.tar.gz"},"eventID":"6f1c2a9e-dup","vpcEndpointId":"vpce-0a1b2c3d"}
            """
    }

    /// The store keeps each event's digest; one computed another way by a newer Perimeter would make every
    /// event of a re-read file a conflict. The expected value is Python's hashlib over the documented layout
    /// (the time as 8 bytes little-endian, then each field as 0 when absent or 1, its UTF-8 length as 4 bytes
    /// little-endian and its bytes; the logged byte counts in and out as 8 bytes each; the accesses' count as
    /// text, then each access's action, resource, account).
    @Test func anEventsDigestIsTheLayoutEarlierStoresKept() {
        let event = NormalizedEvent(
            eventID: "e-1", eventTime: 1_714_557_600, eventSource: "s3.amazonaws.com", eventName: "GetObject",
            region: "us-east-1", principal: Principal(kind: .assumedRole, arn: "arn:aws:iam::111122223333:role/app",
                                                     account: AccountID("111122223333")),
            sessionName: "i-0abc", accesses: [ResourceAccess(action: IAMAction(service: "s3", name: "GetObject"),
                                                              resource: "arn:aws:s3:::b/k\u{e9}y")],
            vpcEndpointID: VPCEndpointID("vpce-0a1b2c3d"), vpcEndpointAccount: nil, sourceIP: "10.0.1.5",
            userAgent: "aws-cli/2", recipientAccount: AccountID("111122223333"), outcome: .success, errorCode: nil,
            category: "Data", bytesIn: 5_000)
        #expect(EventDigest(event).bytes.map { String(format: "%02x", $0) }.joined() == "deea706b34c283cef973643daad4ee92")
    }

    /// Before: the first record committed won, and files are read in parallel, so a forged copy of an id
    /// hid the real `AccessDenied` in some runs and not in others. Now both records of one id with different
    /// content are kept, with a reject naming both files, and an identical copy stays a silent duplicate:
    /// the store holds the same whatever the order the files are read in, the number of readers, and the
    /// runs they are ingested in.
    @Test func aForgedRecordWithARealIdIsARejectAndTheStoreIsTheSameInEveryReadOrder() async throws {
        var outcomes: [String] = []
        // One ingest of the three files, or several in turn (the real event's copy in c.json before a.json).
        let cases: [(realFirst: Bool, workers: Int, rounds: [[String]])] = [
            (true, 1, [["a", "b", "c"]]), (false, 1, [["a", "b", "c"]]), (true, 2, [["a", "b", "c"]]), (false, 2, [["a", "b", "c"]]),
            (true, 1, [["c"], ["b"], ["a"]]), (false, 2, [["b", "c"], ["a"]]),
        ]
        for (realFirst, workers, rounds) in cases {
            let dir = TestSupport.temporaryDirectory()
            // The real record and the forged one swap file names, so the first one read differs.
            let (real, forged) = (Self.record(denied: true), Self.record(denied: false))
            let (a, b) = realFirst ? (real, forged) : (forged, real)
            // c.json delivers the real event again (in a file of other bytes: not the same file twice).
            for (name, record) in [("a", a), ("b", b), ("c", " " + real)] {
                try ("{\"Records\":[" + record + "]}").write(toFile: dir + "/\(name).json", atomically: true, encoding: .utf8)
            }
            let store = try UsageStoreTests.store(dir)
            for round in rounds {
                let summary = try await IngestPipeline(store: store).run(paths: round.map { dir + "/\($0).json" }, workers: workers)
                guard rounds.count == 1 else { continue }
                #expect(summary.events == 2)
                #expect(summary.duplicateEvents == 1)
                #expect(summary.rejectsByCode["duplicate-event-id"] == 1)
                #expect(summary.rejectExamples["duplicate-event-id"]?.contains("in \(dir)/a.json and \(dir)/b.json") == true)
            }
            let rows = try store.observedAccess().map { "\($0.outcome) \($0.errorCode ?? "-") \($0.access.resource) \($0.count)" }
            #expect(rows.contains { $0.contains("AccessDenied") })
            let rejects = try store.rejects().map { "\($0.code) \($0.reason)" }
            let totals = try store.totals()
            let counts = "\(totals.events) \(totals.duplicateEvents) \(totals.rejects) \(totals.rejectsByCode.sorted { $0.key < $1.key })"
            outcomes.append((rows + rejects + [counts]).joined(separator: "\n").replacingOccurrences(of: dir, with: "DIR"))
        }
        #expect(outcomes[0].contains("in DIR/a.json and DIR/b.json"))
        #expect(Set(outcomes).count == 1, "\(outcomes)")
    }
}

/// A task's sums for the Spark job: what `normalize --subtract` takes out is exactly what the copies added.
struct PartialAggregatesTests {
    static func parsed(_ fixture: String) throws -> ParsedFile {
        let path = TestSupport.fixture(fixture)
        return try LogFileReader().read(path: path, fingerprint: try LogFileReader.fingerprint(path: path))
    }

    @Test(arguments: ["cloudtrail/111111111111_CloudTrail_eu-central-1_20171211T1505Z_A6kvhMoVeCsc7v8U.json.gz",
                      "flowlogs/flow-log-example-nat.log"])
    func aFileLessItselfLeavesNoRow(fixture: String) throws {
        let file = try Self.parsed(fixture)
        var sums = PartialAggregates()
        sums.add(file)
        #expect(sums.tables().values.contains { !$0.isEmpty })
        sums.subtract(file, .all)
        #expect(sums.tables().values.allSatisfy { $0.isEmpty })
    }

    /// A file added twice less one copy of each of its events: the sums of the file once.
    @Test func eachDigestTakesOutOneCopy() throws {
        let file = try Self.parsed("cloudtrail/111111111111_CloudTrail_eu-central-1_20171211T1505Z_A6kvhMoVeCsc7v8U.json.gz")
        var once = PartialAggregates(), twice = PartialAggregates()
        once.add(file)
        twice.add(file)
        twice.add(file)
        let digests = file.events.filter { $0.eventID != nil }.map { PartialAggregates.hex(EventDigest($0)) }
        #expect(!digests.isEmpty && digests.count == file.events.count)
        twice.subtract(file, .events(digests))
        #expect(twice.tables().mapValues(Set.init) == once.tables().mapValues(Set.init))
    }

    static func flow(source: String = "10.0.0.1", instance: String = "i-1", port: Int = 443, proto: Int = 6) -> ObservedFlow {
        ObservedFlow(day: "2026-11-01", interfaceID: "eni-1", instanceID: instance, vpcID: "vpc-1", sourceAddress: source,
                     destinationAddress: "10.0.8.1", destinationPort: port, proto: proto, action: "ACCEPT", trafficPath: 0,
                     destinationService: "-", flowDirection: "egress", records: 1, packets: 2, bytes: 3, firstSeen: 10, lastSeen: 20)
    }

    /// Two flows share a task's group exactly when every key field has the same bytes, as SQLite groups the
    /// store's flows (and as the exchange's JSON key grouped them before the key was made of raw bytes):
    /// canonically equivalent texts, fields whose bytes move across a boundary, numbers that read alike as
    /// digits, are each two groups.
    @Test(arguments: [
        (flow(), flow(), true),
        (flow(source: "caf\u{E9}"), flow(source: "cafe\u{301}"), false),
        (flow(source: "10.0.0.1", instance: "i-1"), flow(source: "10.0.0.", instance: "1i-1"), false),
        (flow(port: 443, proto: 6), flow(port: 44, proto: 36), false),
        (flow(port: 1 << 8), flow(port: 1), false),
    ])
    func flowKeysGroupByBytes(a: ObservedFlow, b: ObservedFlow, grouped: Bool) {
        #expect((PartialAggregates.flowKey(a) == PartialAggregates.flowKey(b)) == grouped)
        var sums = PartialAggregates()
        var file = ParsedFile(path: "flows.log", size: 1, contentHash: "h", kind: .flowLog)
        file.flows = [a, b]
        sums.add(file)
        #expect(sums.tables()["flows"]?.count == (grouped ? 1 : 2))
    }
}
