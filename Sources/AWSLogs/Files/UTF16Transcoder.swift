/// Turns UTF-16 text arriving in chunks of any size into UTF-8: a code unit or a surrogate pair split
/// across chunks is carried to the next one, and an unpaired surrogate becomes U+FFFD (as
/// `String(decoding:as:)` does), so a damaged file still reads up to the damage.
struct UTF16Transcoder {
    let bigEndian: Bool
    /// A byte of a code unit whose other byte is in the next chunk.
    private var oddByte: UInt8?
    /// A high surrogate waiting for its low half.
    private var high: UInt16?

    init(bigEndian: Bool) { self.bigEndian = bigEndian }

    mutating func transcode(_ chunk: UnsafeRawBufferPointer) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(chunk.count / 2 + 4)
        var i = 0
        if let odd = oddByte, chunk.count > 0 {
            unit(pair(odd, chunk[0]), into: &out)
            oddByte = nil
            i = 1
        }
        while i + 1 < chunk.count {
            unit(pair(chunk[i], chunk[i + 1]), into: &out)
            i += 2
        }
        if i < chunk.count { oddByte = chunk[i] }
        return out
    }

    /// The end of the text: a dangling byte or surrogate is U+FFFD.
    mutating func finish() -> [UInt8] {
        var out: [UInt8] = []
        if high != nil || oddByte != nil { scalar(0xFFFD, into: &out) }
        high = nil
        oddByte = nil
        return out
    }

    private func pair(_ a: UInt8, _ b: UInt8) -> UInt16 {
        bigEndian ? UInt16(a) << 8 | UInt16(b) : UInt16(b) << 8 | UInt16(a)
    }

    private mutating func unit(_ u: UInt16, into out: inout [UInt8]) {
        if let h = high {
            high = nil
            if (0xDC00...0xDFFF).contains(u) {
                scalar(0x10000 + (UInt32(h - 0xD800) << 10) + UInt32(u - 0xDC00), into: &out)
                return
            }
            scalar(0xFFFD, into: &out)
        }
        switch u {
        case 0xD800...0xDBFF: high = u
        case 0xDC00...0xDFFF: scalar(0xFFFD, into: &out)
        default: scalar(UInt32(u), into: &out)
        }
    }

    private func scalar(_ value: UInt32, into out: inout [UInt8]) {
        UTF8.encode(Unicode.Scalar(value) ?? "\u{FFFD}") { out.append($0) }
    }
}
