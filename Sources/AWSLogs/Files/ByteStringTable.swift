#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte strings numbered 0, 1, 2… in the order they were first inserted, held back to back in one
/// buffer: how a flow log's values become ids (``StringTable``) and how the store's reads tell a
/// million rows apart by their bytes, without an array, a retain or a String per row (a `Set` of byte
/// arrays spent most of its time comparing them element by element and chasing each one's heap block).
///
/// Hashed with the standard library's per-process seeded SipHash: logged text cannot be chosen to make
/// its keys collide (a multiplicative hash had collisions whatever its seed: two 16-byte values that
/// differ in bit 63 of their first word and in bits 63 and 34 of their second hash alike).
package struct ByteStringTable {
    /// How many distinct strings the table holds.
    package private(set) var count = 0
    private var bytes: [UInt8] = []
    /// Where each string ends in `bytes` (it starts where the one before it ends).
    private var ends: [Int] = []
    private var hashes: [Int] = []
    /// Open addressing, linear probing: a string's number, or -1 for an empty slot; never more than half full.
    private var slots: [Int]

    /// An empty table with room for `capacity` strings of `bytes` bytes in all before it grows.
    package init(capacity: Int = 32, bytes: Int = 0) {
        var size = 64
        while size < 2 * capacity { size *= 2 }
        slots = [Int](repeating: -1, count: size)
        ends.reserveCapacity(capacity)
        hashes.reserveCapacity(capacity)
        self.bytes.reserveCapacity(bytes)
    }

    /// The number of `key`, and whether it was new (numbered `count - 1` now).
    package mutating func insert(_ key: UnsafeRawBufferPointer) -> (number: Int, inserted: Bool) {
        let (found, slot, hash) = find(key)
        if let found { return (found, false) }
        let number = count
        bytes.append(contentsOf: key)
        ends.append(bytes.count)
        hashes.append(hash)
        slots[slot] = number
        count += 1
        if count * 2 > slots.count { grow() }
        return (number, true)
    }

    /// The number of `key`, nil when the table does not hold it.
    package func number(of key: UnsafeRawBufferPointer) -> Int? { find(key).number }

    /// The number of `key`, or the empty slot where it would go; and its hash.
    private func find(_ key: UnsafeRawBufferPointer) -> (number: Int?, slot: Int, hash: Int) {
        let hash = Self.hash(key), mask = slots.count - 1
        var slot = hash & mask
        while slots[slot] >= 0 {
            let number = slots[slot]
            if hashes[number] == hash, equals(number, key) { return (number, slot, hash) }
            slot = (slot + 1) & mask
        }
        return (nil, slot, hash)
    }

    /// The hash a key is placed by: SipHash, seeded per process.
    package static func hash(_ key: UnsafeRawBufferPointer) -> Int {
        var hasher = Hasher()
        hasher.combine(bytes: key)
        return hasher.finalize()
    }

    /// The number of the bytes `key` holds, and whether they were new.
    package mutating func insert(_ key: [UInt8]) -> (number: Int, inserted: Bool) { key.withUnsafeBytes { insert($0) } }

    /// The bytes of string `number`.
    package func withBytes<T>(_ number: Int, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        let start = number == 0 ? 0 : ends[number - 1]
        return try bytes.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[start..<ends[number]])) }
    }

    private func equals(_ number: Int, _ key: UnsafeRawBufferPointer) -> Bool {
        let start = number == 0 ? 0 : ends[number - 1]
        guard ends[number] - start == key.count else { return false }
        guard key.count > 0, let base = key.baseAddress else { return true }
        return bytes.withUnsafeBytes { memcmp($0.baseAddress! + start, base, key.count) == 0 }
    }

    private mutating func grow() {
        slots = [Int](repeating: -1, count: slots.count * 2)
        let mask = slots.count - 1
        for number in 0..<count {
            var slot = hashes[number] & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = number
        }
    }
}
