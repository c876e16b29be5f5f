/// Logged text compared as S3 and IAM compare it: by its UTF-8 bytes. Swift's `String` equality is
/// canonical equivalence, so `cv/résumé.pdf` with a precomposed `é` (NFC) and with `e` and a combining
/// accent (NFD) are one `String` but two S3 objects. Where a logged value is a key (a row of the store,
/// a group, a resource), it is compared, hashed and ordered with these.
public enum TextBytes {
    /// True when `a` and `b` hold the same bytes.
    @inlinable
    public static func equal(_ a: String, _ b: String) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        let contiguous = a.utf8.withContiguousStorageIfAvailable { x in
            b.utf8.withContiguousStorageIfAvailable { y in x.elementsEqual(y) }
        }
        return contiguous.flatMap { $0 } ?? a.utf8.elementsEqual(b.utf8)
    }

    /// True when `a`'s bytes sort before `b`'s (Unicode scalar order; for NFC text that of `String`).
    @inlinable
    public static func less(_ a: String, _ b: String) -> Bool { a.utf8.lexicographicallyPrecedes(b.utf8) }

    /// Feeds `text`'s bytes to `hasher` (a `String`'s own hash is that of its canonical form).
    @inlinable
    public static func hash(_ text: String, into hasher: inout Hasher) {
        hasher.combine(text.utf8.count)
        if text.utf8.withContiguousStorageIfAvailable({ hasher.combine(bytes: UnsafeRawBufferPointer($0)) }) == nil {
            for byte in text.utf8 { hasher.combine(byte) }
        }
    }
}

/// A `String` that is equal, hashed and ordered by its bytes (``TextBytes``): a key made of logged text.
public struct ByteKeyedText: Hashable, Comparable, Sendable {
    /// The text.
    public let text: String
    /// The key of `text`.
    public init(_ text: String) { self.text = text }
    public static func == (a: Self, b: Self) -> Bool { TextBytes.equal(a.text, b.text) }
    public func hash(into hasher: inout Hasher) { TextBytes.hash(text, into: &hasher) }
    public static func < (a: Self, b: Self) -> Bool { TextBytes.less(a.text, b.text) }
}
