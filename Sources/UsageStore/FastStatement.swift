internal import GRDB
internal import GRDBSQLite

/// Direct binding on a GRDB-prepared statement for the ingest hot loops.
///
/// Trades GRDB's argument arrays (one boxed value per column per row) for `sqlite3_bind_*` calls:
/// the raw path STYLE.md §3.1 measured 1.6× faster. Only the bulk upserts use it; everything else
/// goes through GRDB.
struct FastStatement {
    let statement: Statement
    private var column: Int32 = 0
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(_ statement: Statement) { self.statement = statement }

    mutating func bind(_ text: String) {
        column += 1
        let index = column, statement = statement.sqliteStatement
        var text = text
        text.withUTF8 { bytes in
            guard let base = bytes.baseAddress, !bytes.isEmpty else {
                _ = sqlite3_bind_text(statement, index, "", 0, Self.transient)
                return
            }
            base.withMemoryRebound(to: CChar.self, capacity: bytes.count) {
                _ = sqlite3_bind_text(statement, index, $0, Int32(bytes.count), Self.transient)
            }
        }
    }

    mutating func bind(_ value: Int64) {
        column += 1
        sqlite3_bind_int64(statement.sqliteStatement, column, value)
    }

    mutating func bind(_ value: Int) { bind(Int64(value)) }

    /// Runs the statement with the values bound since the last run; returns the rows it changed.
    mutating func run(_ db: Database) throws -> Int {
        defer {
            sqlite3_reset(statement.sqliteStatement)
            column = 0
        }
        let code = sqlite3_step(statement.sqliteStatement)
        guard code == SQLITE_DONE else {
            throw StoreError(message: "SQLite error \(code): \(String(cString: sqlite3_errmsg(db.sqliteConnection)))")
        }
        return Int(sqlite3_changes(db.sqliteConnection))
    }
}
