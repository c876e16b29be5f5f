internal import GRDB
internal import GRDBSQLite
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension UsageStore {
    /// One BLOB for a row's values, for SQL to group and sort by: `perimeter_group_key(a, b, …)`. Its bytes
    /// compare (memcmp, then the shorter first) as `ORDER BY a, b, …` compares the values whatever the text,
    /// and two keys are equal exactly when `GROUP BY a, b, …` puts the rows together: each value is its
    /// storage class (NULL, number, text, blob: SQLite's order), its bytes with each NUL byte followed by
    /// 0xFF, and a NUL byte followed by 0x01. A number is taken by its text: it groups apart from the same
    /// text, but numbers do not sort by value (the store's group columns hold text only).
    ///
    /// Why: SQLite's sorter compares a row of many columns by decoding the second one's record whenever
    /// the first columns are equal (few endpoints: nearly always), and a 13-column GROUP BY of 1M records
    /// of the `uploads` corpus spent most of its 3 s there; one BLOB is compared by memcmp.
    enum GroupKey {
        static let function = "perimeter_group_key"

        /// Makes ``function`` known to `db` (each connection has its own functions).
        static func register(_ db: Database) throws {
            let code = sqlite3_create_function_v2(db.sqliteConnection, function, -1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nil,
                                                  make, nil, nil, nil)
            guard code == SQLITE_OK else { throw FastStatement.error(code, db) }
        }

        /// The SQL function: the key of its arguments, made in one allocation that SQLite frees.
        private static let make: @convention(c) (OpaquePointer?, Int32, UnsafeMutablePointer<OpaquePointer?>?) -> Void = {
            context, count, values in
            let values = UnsafeBufferPointer(start: values, count: Int(count))
            withUnsafeTemporaryAllocation(of: Int32.self, capacity: values.count) { types in
                var capacity = 0
                for (i, value) in values.enumerated() {
                    types[i] = sqlite3_value_type(value)   // before a text read converts a number
                    capacity += 3 + 2 * Int(sqlite3_value_bytes(value))
                }
                guard let key = sqlite3_malloc64(UInt64(max(capacity, 1)))?.assumingMemoryBound(to: UInt8.self) else {
                    sqlite3_result_error_nomem(context)
                    return
                }
                var at = 0
                for (value, type) in zip(values, types) {
                    key[at] = type == SQLITE_NULL ? 0 : type == SQLITE_TEXT ? 2 : type == SQLITE_BLOB ? 3 : 1
                    let start = type == SQLITE_BLOB ? sqlite3_value_blob(value) : UnsafeRawPointer(sqlite3_value_text(value))
                    at = GroupKey.append(UnsafeRawBufferPointer(start: start, count: Int(sqlite3_value_bytes(value))), to: key, at: at + 1)
                }
                sqlite3_result_blob64(context, key, UInt64(at), sqlite3_free)
            }
        }

        /// Writes `value`'s bytes at `at` in `key`, 0xFF after each NUL byte, and the closing NUL and 0x01;
        /// returns the offset after them.
        private static func append(_ value: UnsafeRawBufferPointer, to key: UnsafeMutablePointer<UInt8>, at: Int) -> Int {
            var at = at, bytes = value
            // Copied from NUL byte to NUL byte (memchr, memcpy).
            while let from = bytes.baseAddress, !bytes.isEmpty {
                let zero = memchr(from, 0, bytes.count)
                let length = zero.map { from.distance(to: UnsafeRawPointer($0)) } ?? bytes.count
                memcpy(key + at, from, length)
                at += length
                guard zero != nil else { break }
                (key[at], key[at + 1]) = (0, 0xFF)
                at += 2
                bytes = UnsafeRawBufferPointer(rebasing: bytes[(length + 1)...])
            }
            (key[at], key[at + 1]) = (0, 1)
            return at + 2
        }

        /// The key in the first column of `statement`'s current row, valid until it steps.
        static func column(_ statement: SQLiteStatement) -> UnsafeRawBufferPointer {
            UnsafeRawBufferPointer(start: sqlite3_column_blob(statement, 0), count: Int(sqlite3_column_bytes(statement, 0)))
        }

        /// Where each value of `key` lies: its class byte's offset through the end of its closing pair.
        static func fields(_ key: UnsafeRawBufferPointer, into ranges: inout [Range<Int>]) {
            ranges.removeAll(keepingCapacity: true)
            guard let base = key.baseAddress else { return }
            var start = 0, at = 1
            // From NUL byte to NUL byte (memchr): 0xFF after one is a NUL of the value, 0x01 closes it.
            while at < key.count, let zero = memchr(base + at, 0, key.count - at) {
                let offset = base.distance(to: UnsafeRawPointer(zero))
                guard offset + 1 < key.count else { break }
                if key[offset + 1] == 1 {
                    ranges.append(start..<(offset + 2))
                    start = offset + 2
                    at = start + 1
                } else {
                    at = offset + 2
                }
            }
        }

        /// A value's text, all of it: its bytes without the 0xFF that follows each of its NUL bytes, and
        /// without the closing pair. An S3 key may hold a NUL (control characters are legal in keys): a read
        /// that stopped there showed `a\0b` as `a`, evidence for a key nobody used.
        static func text(_ key: UnsafeRawBufferPointer, _ field: Range<Int>) -> String {
            let bytes = UnsafeRawBufferPointer(rebasing: key[(field.lowerBound + 1)..<(field.upperBound - 2)])
            guard let base = bytes.baseAddress, memchr(base, 0, bytes.count) != nil else {
                return String(decoding: bytes, as: UTF8.self)
            }
            var value: [UInt8] = [], escaped = false
            value.reserveCapacity(bytes.count)
            for byte in bytes {
                if !escaped { value.append(byte) }
                escaped = !escaped && byte == 0
            }
            return String(decoding: value, as: UTF8.self)
        }

        /// Whether key `a` sorts before key `b`, as SQLite sorts BLOBs.
        static func precedes(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
            let common = min(a.count, b.count)
            let order = common == 0 ? 0 : memcmp(a.baseAddress!, b.baseAddress!, common)
            return order != 0 ? order < 0 : a.count < b.count
        }
    }
}
