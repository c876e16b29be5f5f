import AWSLogs
internal import GRDB
internal import GRDBSQLite
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension UsageStore {
    /// Some columns of the current row as SQLite holds them, each after its length (and, read with
    /// ``append(values:of:)``, its storage class), so that no logged text can make two keys one (an error
    /// code `a` and a source `bc` against `ab` and `c`). Read straight from the statement into one reused
    /// buffer: no String per column to make and hash (a quoted-literal key built by SQL `printf` took
    /// 0.45 s of a 1M-record store's scan in SQLite alone). Text after a NUL counts here, where a String
    /// read from the column stops at it: such rows stay apart and read alike.
    struct RowBytes {
        var bytes: [UInt8] = []

        /// The text of `columns`, each after its length.
        mutating func read(_ statement: SQLiteStatement, columns: some Sequence<Int32>) {
            bytes.removeAll(keepingCapacity: true)
            for column in columns { appendCounted(Self.text(statement, column)) }
        }

        /// A column's text as SQLite holds it, valid until the statement steps or the column is converted.
        static func text(_ statement: SQLiteStatement, _ column: Int32) -> UnsafeRawBufferPointer {
            UnsafeRawBufferPointer(start: sqlite3_column_text(statement, column), count: Int(sqlite3_column_bytes(statement, column)))
        }

        /// Appends the values of `columns` as SQL compares them: each its storage class, then an integer's
        /// or a float's eight bytes, or a text's or a blob's length and bytes. Two keys are equal exactly
        /// when `GROUP BY` (with the BINARY collation) would put their rows together — but for an integer
        /// and a float of one value, which a column of INTEGER affinity never holds (it stores 80.0 as 80)
        /// — and ``sqlOrder(_:_:)`` orders them as `ORDER BY` would.
        mutating func append(values statement: SQLiteStatement, of columns: some Sequence<Int32>) {
            for column in columns {
                let type = sqlite3_column_type(statement, column)   // before a text read converts the value
                bytes.append(UInt8(truncatingIfNeeded: type))
                switch type {
                case SQLITE_INTEGER: append(word: UInt64(bitPattern: sqlite3_column_int64(statement, column)))
                case SQLITE_FLOAT: append(word: sqlite3_column_double(statement, column).bitPattern)
                case SQLITE_NULL: break
                default:
                    let start = type == SQLITE_BLOB ? sqlite3_column_blob(statement, column)
                        : UnsafeRawPointer(sqlite3_column_text(statement, column))
                    appendCounted(UnsafeRawBufferPointer(start: start, count: Int(sqlite3_column_bytes(statement, column))))
                }
            }
        }

        private mutating func appendCounted(_ data: UnsafeRawBufferPointer) {
            appendLength(data.count)
            bytes.append(contentsOf: data)
        }

        private mutating func appendLength(_ count: Int) {
            withUnsafeBytes(of: UInt32(truncatingIfNeeded: count).littleEndian) { bytes.append(contentsOf: $0) }
        }

        private mutating func append(word: UInt64) { withUnsafeBytes(of: word.littleEndian) { bytes.append(contentsOf: $0) } }

        /// Whether the values `a` holds (``append(values:of:)``) sort before those of `b`, column by column,
        /// as SQLite sorts them: NULL, then numbers by value, then text and then blobs by their bytes (a
        /// shorter one first where one begins the other).
        static func sqlOrder(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
            var i = 0, j = 0
            func rank(_ type: Int32) -> Int { type == SQLITE_NULL ? 0 : type == SQLITE_INTEGER || type == SQLITE_FLOAT ? 1 : type
                == SQLITE_TEXT ? 2 : 3 }
            func word(_ data: UnsafeRawBufferPointer,
                _ at: Int) -> UInt64 { UInt64(littleEndian: data.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }
            while i < a.count, j < b.count {
                let ta = Int32(a[i]), tb = Int32(b[j])
                i += 1
                j += 1
                if rank(ta) != rank(tb) { return rank(ta) < rank(tb) }
                switch ta {
                case SQLITE_NULL: continue
                case SQLITE_INTEGER, SQLITE_FLOAT:
                    let (wa, wb) = (word(a, i), word(b, j))
                    (i, j) = (i + 8, j + 8)
                    if ta == SQLITE_INTEGER, tb == SQLITE_INTEGER {
                        let (x, y) = (Int64(bitPattern: wa), Int64(bitPattern: wb))
                        if x != y { return x < y }
                    } else {
                        func number(_ w: UInt64, _ t: Int32) -> Double { t == SQLITE_INTEGER ? Double(Int64(bitPattern: w))
                            : Double(bitPattern: w) }
                        let (x, y) = (number(wa, ta), number(wb, tb))
                        if x != y { return x < y }
                    }
                default:
                    let la = Int(UInt32(littleEndian: a.loadUnaligned(fromByteOffset: i, as: UInt32.self)))
                    let lb = Int(UInt32(littleEndian: b.loadUnaligned(fromByteOffset: j, as: UInt32.self)))
                    (i, j) = (i + 4, j + 4)
                    let common = min(la, lb)
                    let order = common == 0 ? 0 : memcmp(a.baseAddress! + i, b.baseAddress! + j, common)
                    if order != 0 { return order < 0 }
                    if la != lb { return la < lb }
                    (i, j) = (i + la, j + lb)
                }
            }
            return a.count - i < b.count - j
        }
    }
}

extension ByteStringTable {
    /// The numbers of the keys, each the values ``UsageStore/RowBytes/append(values:of:)`` holds, in the order
    /// `ORDER BY` those columns gives: how the store's own sums come out as SQLite's `GROUP BY` would give them.
    func sqlOrder() -> [Int] {
        (0..<count).sorted { a, b in withBytes(a) { x in withBytes(b) { UsageStore.RowBytes.sqlOrder(x, $0) } } }
    }
}
