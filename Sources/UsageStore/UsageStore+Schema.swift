internal import GRDB

extension UsageStore {
    /// Schema migrations, applied in order; never edit a shipped one, add the next.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE file (
                    id INTEGER PRIMARY KEY,
                    path TEXT NOT NULL,
                    size INTEGER NOT NULL,
                    content_hash TEXT NOT NULL,
                    kind TEXT NOT NULL,
                    outcome TEXT NOT NULL,          -- ingested | failed
                    note TEXT,
                    events INTEGER NOT NULL,
                    duplicate_events INTEGER NOT NULL,
                    flow_records INTEGER NOT NULL,
                    rejects INTEGER NOT NULL,
                    skipped INTEGER NOT NULL,
                    decompressed_bytes INTEGER NOT NULL
                );
                CREATE UNIQUE INDEX file_content_hash ON file(content_hash);
                CREATE TABLE event_seen (event_id TEXT PRIMARY KEY) WITHOUT ROWID;
                CREATE TABLE access (
                    day TEXT NOT NULL,
                    endpoint TEXT NOT NULL,          -- '' when no endpoint
                    endpoint_account TEXT NOT NULL,
                    principal_arn TEXT NOT NULL,
                    principal_kind TEXT NOT NULL,
                    principal_account TEXT NOT NULL,
                    action TEXT NOT NULL,
                    resource TEXT NOT NULL,
                    resource_account TEXT NOT NULL,
                    outcome TEXT NOT NULL,
                    error_code TEXT NOT NULL,
                    event_source TEXT NOT NULL,
                    region TEXT NOT NULL,
                    recipient_account TEXT NOT NULL,
                    count INTEGER NOT NULL,
                    first_seen INTEGER NOT NULL,
                    last_seen INTEGER NOT NULL,
                    sample_event_id TEXT NOT NULL,
                    PRIMARY KEY (day, endpoint, principal_arn, action, resource, outcome, error_code, region, recipient_account,
                                 endpoint_account, principal_kind, principal_account, resource_account, event_source)
                ) WITHOUT ROWID;
                CREATE TABLE source (
                    day TEXT NOT NULL,
                    endpoint TEXT NOT NULL,
                    principal_arn TEXT NOT NULL,
                    session_name TEXT NOT NULL,
                    source_ip TEXT NOT NULL,
                    user_agent TEXT NOT NULL,
                    count INTEGER NOT NULL,
                    first_seen INTEGER NOT NULL,
                    last_seen INTEGER NOT NULL,
                    PRIMARY KEY (day, endpoint, principal_arn, session_name, source_ip, user_agent)
                ) WITHOUT ROWID;
                CREATE TABLE flow (
                    day TEXT NOT NULL,
                    interface_id TEXT NOT NULL,
                    instance_id TEXT NOT NULL,
                    vpc_id TEXT NOT NULL,
                    srcaddr TEXT NOT NULL,
                    dstaddr TEXT NOT NULL,
                    dstport INTEGER NOT NULL,
                    protocol INTEGER NOT NULL,
                    action TEXT NOT NULL,
                    traffic_path INTEGER NOT NULL,
                    dst_service TEXT NOT NULL,
                    flow_direction TEXT NOT NULL,
                    records INTEGER NOT NULL,
                    packets INTEGER NOT NULL,
                    bytes INTEGER NOT NULL,
                    first_seen INTEGER NOT NULL,
                    last_seen INTEGER NOT NULL,
                    PRIMARY KEY (day, interface_id, instance_id, vpc_id, srcaddr, dstaddr, dstport, protocol, action, traffic_path,
                                 dst_service, flow_direction)
                ) WITHOUT ROWID;
                CREATE TABLE reject (
                    file_id INTEGER NOT NULL REFERENCES file(id) ON DELETE CASCADE,
                    line INTEGER,
                    byte_offset INTEGER,
                    reason TEXT NOT NULL,
                    excerpt TEXT NOT NULL
                );
                CREATE INDEX reject_file ON reject(file_id);
                CREATE TABLE skipped (
                    file_id INTEGER NOT NULL REFERENCES file(id) ON DELETE CASCADE,
                    reason TEXT NOT NULL,
                    count INTEGER NOT NULL
                );
                """)
        }
        migrator.registerMigration("v2") { db in
            // Which services' events were logged, by category: what tells "unused" from "not observable".
            try db.execute(sql: """
                CREATE TABLE event_category (
                    event_source TEXT NOT NULL,
                    category TEXT NOT NULL,          -- Management | Data | NetworkActivity | '' (before eventVersion 1.07)
                    count INTEGER NOT NULL,
                    PRIMARY KEY (event_source, category)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v3") { db in
            // Aggregates become append-only rows per ingested file (`file_id`), summed by the queries: an
            // insert without a conflict check is several times cheaper than an upsert into a composite
            // key, and a file's contribution stays identifiable. Existing rows move over with file 0.
            try db.execute(sql: """
                ALTER TABLE access RENAME TO access_v1;
                ALTER TABLE source RENAME TO source_v1;
                ALTER TABLE flow RENAME TO flow_v1;
                CREATE TABLE access (
                    file_id INTEGER NOT NULL,
                    day TEXT NOT NULL, endpoint TEXT NOT NULL, endpoint_account TEXT NOT NULL, principal_arn TEXT NOT NULL,
                    principal_kind TEXT NOT NULL, principal_account TEXT NOT NULL, action TEXT NOT NULL, resource TEXT NOT NULL,
                    resource_account TEXT NOT NULL, outcome TEXT NOT NULL, error_code TEXT NOT NULL, event_source TEXT NOT NULL,
                    region TEXT NOT NULL, recipient_account TEXT NOT NULL,
                    count INTEGER NOT NULL, first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL, sample_event_id TEXT NOT NULL
                );
                CREATE TABLE source (
                    file_id INTEGER NOT NULL,
                    day TEXT NOT NULL, endpoint TEXT NOT NULL, principal_arn TEXT NOT NULL, session_name TEXT NOT NULL,
                    source_ip TEXT NOT NULL, user_agent TEXT NOT NULL,
                    count INTEGER NOT NULL, first_seen INTEGER NOT NULL, last_seen INTEGER NOT NULL
                );
                CREATE TABLE flow (
                    file_id INTEGER NOT NULL,
                    day TEXT NOT NULL, interface_id TEXT NOT NULL, instance_id TEXT NOT NULL, vpc_id TEXT NOT NULL, srcaddr TEXT NOT NULL,
                    dstaddr TEXT NOT NULL, dstport INTEGER NOT NULL, protocol INTEGER NOT NULL, action TEXT NOT NULL,
                    traffic_path INTEGER NOT NULL, dst_service TEXT NOT NULL, flow_direction TEXT NOT NULL,
                    records INTEGER NOT NULL, packets INTEGER NOT NULL, bytes INTEGER NOT NULL, first_seen INTEGER NOT NULL,
                    last_seen INTEGER NOT NULL
                );
                INSERT INTO access SELECT 0, * FROM access_v1;
                INSERT INTO source SELECT 0, * FROM source_v1;
                INSERT INTO flow SELECT 0, * FROM flow_v1;
                DROP TABLE access_v1;
                DROP TABLE source_v1;
                DROP TABLE flow_v1;
                """)
        }
        migrator.registerMigration("v4") { db in
            // Event ids keyed by event time first: CloudTrail files arrive in time order, so new ids land at
            // the end of the index instead of on random pages, and a commit rewrites a few pages rather than
            // most of the table (a 1M-record ingest spent a fifth of its time there; BENCHMARKS.md). Ids
            // stored before keep their table, which `ingest` also checks while it holds any.
            try db.execute(sql: """
                ALTER TABLE event_seen RENAME TO event_seen_v1;
                CREATE TABLE event_seen (
                    event_time INTEGER NOT NULL,
                    event_id TEXT NOT NULL,
                    PRIMARY KEY (event_time, event_id)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v5") { db in
            // Resources are stored as policy text from v5 on (logged `*`, `?`, `$` escaped, see
            // `PolicyText`), and error codes are classified by a table (authentication failures and unknown
            // codes are no longer authorized). Rows written before cannot be told apart from wildcards, so
            // CloudTrail's aggregates are dropped with their files' ledger rows: the next ingest reads those
            // files again. Flow rows keep their meaning and stay.
            try db.execute(sql: """
                DELETE FROM access;
                DELETE FROM source;
                DELETE FROM event_category;
                DELETE FROM event_seen;
                DROP TABLE event_seen_v1;
                DELETE FROM reject WHERE file_id IN (SELECT id FROM file WHERE kind = 'cloudtrail');
                DELETE FROM skipped WHERE file_id IN (SELECT id FROM file WHERE kind = 'cloudtrail');
                DELETE FROM file WHERE kind = 'cloudtrail';
                """)
        }
        migrator.registerMigration("v6") { db in
            // Rejects carry a code (`malformed-json`, `flow-bad-value`, …) to group by; older rows keep ''.
            try db.execute(sql: "ALTER TABLE reject ADD COLUMN code TEXT NOT NULL DEFAULT ''")
        }
        migrator.registerMigration("v7") { db in
            // An event id is de-duplicated by content (`EventDigest`): a record with a stored (time, id) and the
            // same digest is the event delivered again; with another digest it is kept (counted) in
            // `event_variant`, and a reject names both files, whatever the order the files were read in. Ids
            // stored before have no digest (x''): a record with one of them is taken as its copy, as before.
            try db.execute(sql: """
                ALTER TABLE event_seen ADD COLUMN digest BLOB NOT NULL DEFAULT x'';
                ALTER TABLE event_seen ADD COLUMN file_id INTEGER NOT NULL DEFAULT 0;
                CREATE TABLE event_variant (
                    event_time INTEGER NOT NULL,
                    event_id TEXT NOT NULL,
                    digest BLOB NOT NULL,
                    file_id INTEGER NOT NULL,
                    PRIMARY KEY (event_time, event_id, digest)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v8") { db in
            // Network activity events (one per call through an endpoint) join the data or management event of
            // the same call by `requestID`, event source and name (`request`, a digest of the three; 0 when
            // the record has no request id) within a second: one call, one request (`network_request` says
            // which are joined). Network events are kept one row per event and action; they no longer add to
            // `access`. Rows stored before hold no request digest, and network events were counted there as
            // requests of their own: CloudTrail's aggregates are dropped with their ledger rows, as in v5, and
            // the next ingest reads those files again.
            // Sources keep their requests' outcome and the bytes they logged (`bytesTransferredIn/Out`): an
            // address's flow bytes are explained only by authorized requests of comparable volume. Flow rows keep
            // their meaning and stay.
            try db.execute(sql: """
                ALTER TABLE source ADD COLUMN outcome TEXT NOT NULL DEFAULT '';
                ALTER TABLE source ADD COLUMN bytes_in INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE source ADD COLUMN bytes_out INTEGER NOT NULL DEFAULT 0;
                DELETE FROM access;
                DELETE FROM source;
                DELETE FROM event_category;
                DELETE FROM event_seen;
                DELETE FROM event_variant;
                DELETE FROM reject WHERE file_id IN (SELECT id FROM file WHERE kind = 'cloudtrail');
                DELETE FROM skipped WHERE file_id IN (SELECT id FROM file WHERE kind = 'cloudtrail');
                DELETE FROM file WHERE kind = 'cloudtrail';
                ALTER TABLE event_seen ADD COLUMN request INTEGER NOT NULL DEFAULT 0;
                CREATE TABLE network_event (
                    event_time INTEGER NOT NULL, request INTEGER NOT NULL, file_id INTEGER NOT NULL, event_id TEXT NOT NULL,
                    day TEXT NOT NULL, endpoint TEXT NOT NULL, endpoint_account TEXT NOT NULL, principal_arn TEXT NOT NULL,
                    principal_kind TEXT NOT NULL, principal_account TEXT NOT NULL, action TEXT NOT NULL, resource TEXT NOT NULL,
                    resource_account TEXT NOT NULL, outcome TEXT NOT NULL, error_code TEXT NOT NULL, event_source TEXT NOT NULL,
                    region TEXT NOT NULL, recipient_account TEXT NOT NULL
                );
                CREATE VIEW network_request AS
                    SELECT n.*, CASE WHEN \(UsageStore.joined("n")) THEN 'joined' ELSE 'network-only' END AS evidence
                    FROM network_event n;
                """)
        }
        return migrator
    }

    /// The SQL condition that network event row `n` has a data or management event of the same call: the
    /// same request digest, logged within a second (the two records of a call are written by one host).
    static func joined(_ n: String) -> String {
        """
        (\(n).request != 0 AND EXISTS (SELECT 1 FROM event_seen s
            WHERE s.event_time BETWEEN \(n).event_time - 1 AND \(n).event_time + 1 AND s.request = \(n).request))
        """
    }
}
