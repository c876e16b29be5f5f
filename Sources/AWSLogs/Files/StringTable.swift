/// Interns the byte strings of one log file as small integer ids, so that values a file repeats on
/// every line (interface ids, addresses, actions) become one `String` each and fold keys hash and
/// compare integers.
///
/// Trades a per-file table (bounded by the file's distinct values) for a `String` allocation and a
/// hash of every value of every record. Id 0 is the empty string.
struct StringTable {
    // INVARIANT: `table`'s numbers are the ids, `strings` their text; the empty string is number 0.
    private(set) var strings: [String] = [""]
    private var table: ByteStringTable

    /// An empty table with room for a delivery file's distinct values (a few dozen), which would
    /// otherwise grow its arrays from one element, file after file.
    init() {
        strings.reserveCapacity(64)
        table = ByteStringTable(capacity: 64, bytes: 1024)
        _ = table.insert(UnsafeRawBufferPointer(start: nil, count: 0))
    }

    subscript(id: Int32) -> String { strings[Int(id)] }

    /// The id of `bytes`, adding it when new.
    mutating func id(_ bytes: UnsafeRawBufferPointer) -> Int32 {
        let (number, inserted) = table.insert(bytes)
        if inserted { strings.append(String(decoding: bytes, as: UTF8.self)) }
        return Int32(truncatingIfNeeded: number)
    }
}
