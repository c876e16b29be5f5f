#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Interns the byte strings of one log file as small integer ids, so that values a file repeats on
/// every line (interface ids, addresses, actions) become one `String` each and fold keys hash and
/// compare integers.
///
/// Trades a per-file table (bounded by the file's distinct values) for a `String` allocation and a
/// SipHash of every value of every record. Id 0 is the empty string.
struct StringTable {
    // INVARIANT: `slots` has a power-of-two count, at most half full; a slot holds 0 (empty) or an id
    // whose bytes are `storage[entries[id].start...]`.
    private(set) var strings: [String] = [""]
    private var entries: [(hash: UInt64, start: Int, count: Int)] = [(0, 0, 0)]
    private var storage: [UInt8] = []
    private var slots = [Int32](repeating: 0, count: 256)

    /// An empty table with room for a delivery file's distinct values (a few dozen), which would
    /// otherwise grow its arrays from one element, file after file.
    init() {
        strings.reserveCapacity(64)
        entries.reserveCapacity(64)
        storage.reserveCapacity(1024)
    }

    subscript(id: Int32) -> String { strings[Int(id)] }

    /// The id of `bytes`, adding it when new.
    mutating func id(_ bytes: UnsafeRawBufferPointer) -> Int32 {
        guard !bytes.isEmpty else { return 0 }
        let hash = Self.hash(bytes)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let id = slots[slot]
            if id == 0 { break }
            let entry = entries[Int(id)]
            if entry.hash == hash, entry.count == bytes.count,
               storage.withUnsafeBytes({ memcmp($0.baseAddress! + entry.start, bytes.baseAddress!, bytes.count) }) == 0 {
                return id
            }
            slot = (slot + 1) & mask
        }
        let id = Int32(strings.count)
        entries.append((hash, storage.count, bytes.count))
        storage.append(contentsOf: bytes)
        strings.append(String(decoding: bytes, as: UTF8.self))
        slots[slot] = id
        if strings.count * 2 > slots.count { grow() }
        return id
    }

    private mutating func grow() {
        slots = [Int32](repeating: 0, count: slots.count * 2)
        let mask = slots.count - 1
        for id in 1..<entries.count {
            var slot = Int(truncatingIfNeeded: entries[id].hash) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(id)
        }
    }

    /// Seeds the hash per process, so that no file can be written to collide on purpose.
    private static let seed = UInt64.random(in: .min ... .max)

    /// A fast multiplicative hash, eight bytes at a time.
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = seed ^ UInt64(bytes.count)
        var i = 0
        let n = bytes.count
        while i + 8 <= n {
            h = (h ^ bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0x9E37_79B9_7F4A_7C15
            h ^= h >> 29
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < n {
            tail |= UInt64(bytes[i]) << shift
            shift += 8
            i += 1
        }
        h = (h ^ tail) &* 0x9E37_79B9_7F4A_7C15
        return h ^ (h >> 32)
    }
}
