internal import GRDB
internal import GRDBSQLite

/// Direct binding on a GRDB-prepared statement for the ingest hot loops.
///
/// Trades GRDB's argument arrays (one boxed value per column per row) for `sqlite3_bind_*` calls:
/// the raw path STYLE.md §3.1 measured 1.6× faster. Text is copied once into a row buffer this
/// statement owns and bound in place (`SQLITE_STATIC`), so SQLite neither allocates nor copies per
/// value. Only ingest's statements use it (``IngestStatements``, wrapped once per transaction); everything
/// else goes through GRDB.
final class FastStatement {
    // INVARIANT: text bound since the last `run` lives in `row[0..<used]`, which is never moved while
    // bound; values that do not fit are bound as copies (`SQLITE_TRANSIENT`) instead.
    private let statement: Statement
    private var column: Int32 = 0
    private let row: UnsafeMutableRawPointer
    private var used = 0
    /// A row's text rarely passes a few hundred bytes; more is bound as a copy.
    private static let rowCapacity = 4 * 1024
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(_ statement: Statement) {
        self.statement = statement
        row = .allocate(byteCount: Self.rowCapacity, alignment: 8)
    }

    deinit {
        // The statement stays in GRDB's cache: leave it no pointer into the buffer freed here.
        sqlite3_clear_bindings(statement.sqliteStatement)
        row.deallocate()
    }

    func bind(_ text: String) {
        column += 1
        if text.utf8.withContiguousStorageIfAvailable({ bind($0) }) == nil {
            var copy = text
            copy.withUTF8 { bind($0) }
        }
    }

    private func bind(_ bytes: UnsafeBufferPointer<UInt8>) {
        let statement = statement.sqliteStatement
        guard let base = bytes.baseAddress, !bytes.isEmpty else {
            sqlite3_bind_text(statement, column, "", 0, nil)
            return
        }
        guard used + bytes.count <= Self.rowCapacity else {
            base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                _ = sqlite3_bind_text(statement, column, $0, Int32(bytes.count), Self.transient)
            }
            return
        }
        let target = row + used
        target.copyMemory(from: base, byteCount: bytes.count)
        used += bytes.count
        sqlite3_bind_text(statement, column, target.assumingMemoryBound(to: CChar.self), Int32(bytes.count), nil)
    }

    func bind(_ value: Int64) {
        column += 1
        sqlite3_bind_int64(statement.sqliteStatement, column, value)
    }

    func bind(_ value: Int) { bind(Int64(value)) }

    /// Bytes as a blob (SQLite copies them).
    func bind(blob: [UInt8]) {
        column += 1
        blob.withUnsafeBytes { _ = sqlite3_bind_blob(statement.sqliteStatement, column, $0.baseAddress, Int32($0.count), Self.transient) }
    }

    /// Text, or NULL for nil.
    func bind(_ text: String?) {
        guard let text else {
            column += 1
            sqlite3_bind_null(statement.sqliteStatement, column)
            return
        }
        bind(text)
    }

    /// Runs a query with the values bound since the last run: its first row's first column as an
    /// integer, nil when it yields no row.
    func firstInt64(_ db: Database) throws -> Int64? {
        var value: Int64?
        _ = try step(db) { value = sqlite3_column_int64(statement.sqliteStatement, 0) }
        return value
    }

    /// Runs the statement with the values bound since the last run; returns the rows it changed.
    @discardableResult
    func run(_ db: Database) throws -> Int {
        let code = try step(db)
        guard code == SQLITE_DONE else { throw Self.error(code, db) }
        return Int(sqlite3_changes(db.sqliteConnection))
    }

    /// One step with the values bound since the last run (`onRow` reads a row it yields), then ready
    /// for the next: `SQLITE_ROW` or `SQLITE_DONE`, any other code thrown with SQLite's message.
    private func step(_ db: Database, onRow: () -> Void = {}) throws -> Int32 {
        defer {
            sqlite3_reset(statement.sqliteStatement)
            column = 0
            used = 0
        }
        let code = sqlite3_step(statement.sqliteStatement)
        guard code == SQLITE_ROW || code == SQLITE_DONE else { throw Self.error(code, db) }
        if code == SQLITE_ROW { onRow() }
        return code
    }

    static func error(_ code: Int32, _ db: Database) -> StoreError {
        StoreError(message: "SQLite error \(code): \(String(cString: sqlite3_errmsg(db.sqliteConnection)))")
    }
}
