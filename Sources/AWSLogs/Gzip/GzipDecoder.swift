internal import CZlib
#if Fast
internal import CDeflate
#endif
import Synchronization

/// Streaming gunzip over input chunks of any size: multi-member, and loud about truncation.
///
/// Feed compressed bytes with ``feed(_:emit:)`` and call ``finish()`` at end of input. Plain
/// (not gzip) input is refused with ``LogReadError/notGzip``; a stream that ends inside a member is
/// ``LogReadError/truncatedGzip``, never silence.
public final class GzipDecoder {
    private var stream = z_stream()
    /// zlib's output buffer, made when zlib is first needed (a member inflated whole needs none).
    private var output: UnsafeMutablePointer<UInt8>?
    private let outputCapacity: Int
    private var initialized = false
    /// True between a member's first byte and its end.
    private var inMember = false
    /// Members completely read so far.
    public private(set) var membersRead = 0
    /// Compressed bytes consumed so far (for error offsets).
    public private(set) var bytesIn: Int64 = 0
    /// Decompressed bytes handed out so far, over all members.
    public private(set) var bytesOut: Int64 = 0

    /// The whole input's size, when known: a first feed holding all of it may be inflated in one call.
    private let inputSize: Int?

    /// A decoder that hands out decompressed bytes in chunks of at most `outputCapacity`. When the
    /// input's size is given and the first feed holds all of it, one complete member (up to
    /// ``wholeLimit`` bytes) is inflated in one call, then handed out in those chunks.
    public init(outputCapacity: Int = 256 * 1024, inputSize: Int? = nil) {
        self.outputCapacity = outputCapacity
        self.inputSize = inputSize
    }

    deinit {
        if initialized { inflateEnd(&stream) }
        output?.deallocate()
    }

    /// A file held whole, inflated in one call where the fast build can (false otherwise: the stream reads it),
    /// handed out in slices as zlib's would be: a reader downstream keeps a window of the stream, not the file.
    private func inflatedWhole(_ input: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) -> Void) -> Bool {
        var produced: Int64 = 0
        guard Self.inflateWhole(input, { whole in
            for start in stride(from: 0, to: whole.count, by: outputCapacity) {
                emit(UnsafeRawBufferPointer(rebasing: whole[start..<min(whole.count, start + outputCapacity)]))
            }
            produced = Int64(whole.count)
        }) else { return false }
        bytesOut = produced
        bytesIn = Int64(input.count)
        membersRead = 1
        return true
    }

    /// Inflates `input`, calling `emit` with each run of decompressed bytes.
    ///
    /// - Throws: ``LogReadError`` for data that is not gzip or is corrupt (a bad header, block or checksum).
    public func feed(_ input: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) -> Void) throws(LogReadError) {
        guard input.count > 0, let base = input.baseAddress else { return }
        if bytesIn == 0, !inMember, input.count == inputSize, inflatedWhole(input, emit: emit) { return }
        if !initialized {
            guard czlib_inflateInit2(&stream, 16 + MAX_WBITS) == Z_OK else {
                throw LogReadError.gzip(offset: bytesIn, message: "cannot initialize zlib")
            }
            initialized = true
            output = .allocate(capacity: outputCapacity)
        }
        let output = output!
        stream.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = uInt(input.count)
        while stream.avail_in > 0 {
            if !inMember {
                // Between members only gzip magic may follow; zero padding (as some writers leave) ends the stream.
                if stream.next_in[0] == 0 {
                    var p = 0
                    while p < Int(stream.avail_in), stream.next_in[p] == 0 { p += 1 }
                    guard p == Int(stream.avail_in) else {
                        throw LogReadError.gzip(offset: bytesIn + Int64(p), message: "garbage after gzip member")
                    }
                    bytesIn += Int64(p)
                    stream.avail_in = 0
                    break
                }
                inMember = true
            }
            stream.next_out = output
            stream.avail_out = uInt(outputCapacity)
            let before = Int64(stream.avail_in)
            let status = inflate(&stream, Z_NO_FLUSH)
            bytesIn += before - Int64(stream.avail_in)
            let produced = outputCapacity - Int(stream.avail_out)
            if produced > 0 {
                bytesOut += Int64(produced)
                emit(UnsafeRawBufferPointer(start: output, count: produced))
            }
            switch status {
            case Z_STREAM_END:
                membersRead += 1
                inMember = false
                inflateReset(&stream)
            case Z_OK, Z_BUF_ERROR:
                continue
            default:
                let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
                if membersRead == 0 && bytesIn < 10 && status == Z_DATA_ERROR { throw LogReadError.notGzip }
                throw LogReadError.gzip(offset: bytesIn, message: membersRead > 0 ? "garbage after gzip member: \(message)" : message)
            }
        }
    }

    /// Output past which a member is streamed through zlib rather than inflated whole.
    public static let wholeLimit = 8 << 20

    #if Fast
    /// Calls `body` with `input` inflated in one call by libdeflate (about twice zlib's speed on delivery
    /// files) and returns true, when it is exactly one valid gzip member whose trailer declares at most
    /// ``wholeLimit`` bytes; false otherwise — several members, padding, damage, a trailer that lies — and
    /// zlib's streaming path reads it again from the start, reporting what is wrong as it always did.
    /// libdeflate checks the CRC-32 and the size.
    static func inflateWhole(_ input: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Void) -> Bool {
        guard input.count >= 18, let base = input.baseAddress else { return false }
        let declared = Int(input.loadUnaligned(fromByteOffset: input.count - 4, as: UInt32.self).littleEndian)
        guard declared > 0, declared <= wholeLimit, let inflater = WholeInflater.take(capacity: declared) else { return false }
        defer { WholeInflater.give(inflater) }
        var consumed = 0
        var produced = 0
        let status = libdeflate_gzip_decompress_ex(inflater.decompressor, base, input.count, inflater.buffer.baseAddress, declared,
                                                   &consumed, &produced)
        guard status == LIBDEFLATE_SUCCESS, consumed == input.count, produced == declared else { return false }
        body(UnsafeRawBufferPointer(rebasing: inflater.buffer[..<produced]))
        return true
    }

    /// What a member inflated whole needs, kept between files: libdeflate's decompressor (made and zeroed
    /// per file, it showed in the small-file profile) and an output buffer grown to the largest member
    /// seen; a reader's next file takes the one its last gave back.
    final class WholeInflater: @unchecked Sendable {
        // INVARIANT: used by one thread at a time: the one that took it, until it gives it back.
        let decompressor: OpaquePointer
        private(set) var buffer: UnsafeMutableRawBufferPointer

        private init?() {
            guard let decompressor = libdeflate_alloc_decompressor() else { return nil }
            self.decompressor = decompressor
            buffer = UnsafeMutableRawBufferPointer(start: nil, count: 0)
        }

        deinit {
            libdeflate_free_decompressor(decompressor)
            buffer.deallocate()
        }

        /// As many as files are inflated at once (one per reader), at most.
        static let spare = Mutex<[WholeInflater]>([])

        static func take(capacity: Int) -> WholeInflater? {
            guard let inflater = spare.withLock({ $0.popLast() }) ?? WholeInflater() else { return nil }
            if inflater.buffer.count < capacity {
                inflater.buffer.deallocate()
                inflater.buffer = .allocate(byteCount: capacity, alignment: 16)
            }
            return inflater
        }

        static func give(_ inflater: WholeInflater) { spare.withLock { $0.append(inflater) } }
    }

    /// Frees the buffers kept for inflating files whole (see ``wholeLimit``), at the end of an ingest: what
    /// follows in the process should not stand on them. The next file makes them anew.
    public static func releaseBuffers() { WholeInflater.spare.withLock { $0.removeAll() } }
    #else
    /// The default build has no libdeflate: zlib's stream reads every file (the same bytes and errors).
    static func inflateWhole(_ input: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Void) -> Bool { false }

    /// Nothing is kept between files without libdeflate.
    public static func releaseBuffers() {}
    #endif

    /// How the error of ``decompress(_:limit:)`` past its limit starts.
    public static let inflatesPast = "inflates past"

    /// Inflates gzip data held in memory whole, stopping as soon as the output passes `limit` bytes
    /// (input is fed in slices, so a small input that inflates to gigabytes costs at most `limit`).
    ///
    /// - Throws: ``LogReadError`` for data that is not gzip, is corrupt or truncated, or inflates past `limit`.
    public static func decompress(_ input: [UInt8], limit: Int) throws(LogReadError) -> [UInt8] {
        let decoder = GzipDecoder()
        var out: [UInt8] = []
        var start = 0
        while start < input.count {
            let end = min(input.count, start + 64 * 1024)
            let failure = input.withUnsafeBytes { bytes -> LogReadError? in
                do throws(LogReadError) {
                    try decoder.feed(UnsafeRawBufferPointer(rebasing: bytes[start..<end])) { out.append(contentsOf: $0) }
                    return nil
                } catch { return error }
            }
            if let failure { throw failure }
            if out.count > limit { throw LogReadError.gzip(offset: Int64(end), message: "\(inflatesPast) \(limit) bytes") }
            start = end
        }
        try decoder.finish()
        return out
    }

    /// Ends the stream; throws when input stopped inside a member or held no member at all.
    ///
    /// - Throws: ``LogReadError`` when the stream ends inside a member (a truncated file).
    public func finish() throws(LogReadError) {
        if inMember { throw LogReadError.truncatedGzip(offset: bytesIn, bytesOut: bytesOut) }
        if membersRead == 0 { throw LogReadError.gzip(offset: bytesIn, message: "empty gzip stream") }
    }
}
