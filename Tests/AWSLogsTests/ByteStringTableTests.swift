import Testing
@testable import AWSLogs

/// Byte strings numbered in the order first seen: the flow reader's values and the store's row keys.
struct ByteStringTableTests {
    @Test func byteStringTableNumbersKeysInTheOrderFirstSeen() {
        var table = ByteStringTable()
        let keys: [[UInt8]] = [[], [0], [0, 0], Array("a".utf8), Array("ab".utf8)] + (0..<5000).map { Array("key-\($0 % 3000)".utf8) }
        var expected: [[UInt8]: Int] = [:]
        for key in keys {
            let isNew = expected[key] == nil
            let want = expected[key] ?? expected.count
            expected[key] = want
            let (number, inserted) = table.insert(key)
            #expect(number == want)
            #expect(inserted == isNew)
        }
        #expect(table.count == expected.count)
        for (key, number) in expected {
            #expect(table.withBytes(number) { Array($0) } == key)
            #expect(key.withUnsafeBytes { table.number(of: $0) } == number)
        }
        #expect(Array("absent".utf8).withUnsafeBytes { table.number(of: $0) } == nil)
    }

    /// The table's former multiplicative hash gave every one of these values the same hash whatever its
    /// seed (a difference in bit 63 of one word, then in bits 63 and 34 of the next, cancels), so a
    /// flow log of such interface ids made each insert probe all the ones before it.
    @Test func flowValuesChosenToCollideUnderTheSeededMultiplyHashStayApart() {
        let plain = Array("eni-aaaaeni-bbbb".utf8)
        var twin = plain
        twin[7] ^= 0x80    // bit 63 of the first word
        twin[12] ^= 0x04   // bit 34 of the second
        twin[15] ^= 0x80   // bit 63 of the second
        let values = (0..<64).map { choice in (0..<6).flatMap { (choice >> $0) & 1 == 0 ? plain : twin } }
        #expect(Set(values).count == 64)
        #expect(Set(values.map { $0.withUnsafeBytes { ByteStringTable.hash($0) } }).count == 64)
    }
}
