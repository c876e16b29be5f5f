/// The text of a small file as people save it: gzipped or not, UTF-8 with or without a byte-order
/// mark, or UTF-16 with one (Windows PowerShell 5's `Out-File`). For inventory files, read whole.
public enum TextDecoding {
    /// The most text a whole inventory may hold, every file together, decompressed: 256 MiB (a
    /// `describe-vpc-endpoints` of thousands of endpoints is a few MB).
    public static let limit = 256 << 20

    /// `bytes` as UTF-8 text bytes, without a byte-order mark.
    /// - Throws: ``LogReadError`` for gzip data that is corrupt, truncated or inflates past `limit` bytes.
    public static func utf8(_ bytes: [UInt8], limit: Int = limit) throws(LogReadError) -> [UInt8] {
        var bytes = bytes
        if bytes.starts(with: [0x1F, 0x8B]) { bytes = try GzipDecoder.decompress(bytes, limit: limit) }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return Array(bytes.dropFirst(3)) }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            var transcoder = UTF16Transcoder(bigEndian: bytes[0] == 0xFE)
            var out = bytes.dropFirst(2).withUnsafeBytes { transcoder.transcode($0) }
            out += transcoder.finish()
            return out
        }
        return bytes
    }
}
