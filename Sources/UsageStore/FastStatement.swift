internal import GRDB
internal import GRDBSQLite

/// Direct binding on a GRDB-prepared statement for the ingest hot loops.
///
/// Trades GRDB's argument arrays (one boxed value per column per row) for `sqlite3_bind_*` calls:
/// the raw path STYLE.md §3.1 measured 1.6× faster. Text is copied once into a row buffer this
/// statement owns and bound in place (`SQLITE_STATIC`), so SQLite neither allocates nor copies per
/// value. Only ingest's statements use it (per row, and per file: a trail delivers thousands of
/// small ones); everything else goes through GRDB.
final class FastStatement {
    // INVARIANT: text bound since the last `run` lives in `row[0..<used]`, which is never moved while
    // bound; values that do not fit are bound as copies (`SQLITE_TRANSIENT`) instead.
    private let statement: Statement
    private var column: Int32 = 0
    private let row: UnsafeMutableRawPointer
    private var used = 0
    /// A row's text rarely passes a few hundred bytes; more is bound as a copy. Small, as a statement is
    /// wrapped once per file: a trail's thousands of small files made 64 KiB buffers a cost of their own.
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

    /// Text, or NULL for nil.
    func bind(_ text: String?) {
        guard let text else {
            column += 1
            sqlite3_bind_null(statement.sqliteStatement, column)
            return
        }
        bind(text)
    }

    /// Runs a query with the values bound since the last run; true when it yields a row.
    func exists(_ db: Database) throws -> Bool {
        defer {
            sqlite3_reset(statement.sqliteStatement)
            column = 0
            used = 0
        }
        switch sqlite3_step(statement.sqliteStatement) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let code: throw StoreError(message: "SQLite error \(code): \(String(cString: sqlite3_errmsg(db.sqliteConnection)))")
        }
    }

    /// Runs the statement with the values bound since the last run; returns the rows it changed.
    @discardableResult
    func run(_ db: Database) throws -> Int {
        defer {
            sqlite3_reset(statement.sqliteStatement)
            column = 0
            used = 0
        }
        let code = sqlite3_step(statement.sqliteStatement)
        guard code == SQLITE_DONE else {
            throw StoreError(message: "SQLite error \(code): \(String(cString: sqlite3_errmsg(db.sqliteConnection)))")
        }
        return Int(sqlite3_changes(db.sqliteConnection))
    }
}
