#if Fast
internal import CDeflate
#else
internal import CZlib
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

#if canImport(Glibc)
private let systemRead = Glibc.read
#elseif canImport(Darwin)
private let systemRead = Darwin.read
#endif

/// Size and content hash of a file: its identity in the store's ledger.
public struct FileFingerprint: Sendable, Hashable {
    /// The file's size in bytes.
    public var size: Int64
    /// CRC-32 and Adler-32 of the raw bytes with the size, as hex: cheap and enough to tell copies apart.
    public var hash: String
}

/// Reads one log file from disk: fingerprint, gunzip if needed, detect the format from content,
/// and parse it.
public struct LogFileReader: Sendable {
    /// How CloudTrail files are read.
    public let cloudTrail: CloudTrailReader
    static let chunkSize = 256 * 1024

    /// A reader using `cloudTrail` for CloudTrail content.
    public init(cloudTrail: CloudTrailReader = CloudTrailReader()) { self.cloudTrail = cloudTrail }

    /// Reads the whole file once to compute its fingerprint.
    ///
    /// - Throws: ``LogReadError`` when the file cannot be opened or read.
    public static func fingerprint(path: String) throws(LogReadError) -> FileFingerprint {
        var hash = Hash()
        try forEachChunk(path: path) { chunk in hash.add(chunk) }
        return hash.fingerprint
    }

    /// The fingerprint of content already in memory (the same as ``fingerprint(path:)`` of a file holding it).
    public static func fingerprint(bytes: [UInt8]) -> FileFingerprint {
        var hash = Hash()
        bytes.withUnsafeBytes { hash.add($0) }
        return hash.fingerprint
    }

    /// CRC-32 and Adler-32 over chunks, with the size.
    struct Hash {
        var crc: UInt32 = 0
        var adler: UInt32 = 1
        var size: Int64 = 0

        mutating func add(_ chunk: UnsafeRawBufferPointer) {
            guard let base = chunk.baseAddress, chunk.count > 0 else { return }
            #if Fast
            crc = libdeflate_crc32(crc, base, chunk.count)
            adler = libdeflate_adler32(adler, base, chunk.count)
            #else
            // zlib's checksums give the same values: a store ingested by one build is current for the other.
            let bytes = base.assumingMemoryBound(to: Bytef.self)
            crc = UInt32(truncatingIfNeeded: crc32_z(uLong(crc), bytes, z_size_t(chunk.count)))
            adler = UInt32(truncatingIfNeeded: adler32_z(uLong(adler), bytes, z_size_t(chunk.count)))
            #endif
            size += Int64(chunk.count)
        }

        var fingerprint: FileFingerprint {
            FileFingerprint(size: size, hash: hex(UInt64(crc) << 32 | UInt64(adler)) + "-" + String(size, radix: 16)) }
    }

    static func hex(_ v: UInt64) -> String {
        let s = String(v, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }

    /// Calls `body` with the file's raw bytes in chunks.
    static func forEachChunk(path: String, _ body: (UnsafeRawBufferPointer) throws(LogReadError) -> Void) throws(LogReadError) {
        guard let handle = fopen(path, "rb") else {
            throw LogReadError.io(path: path, message: String(cString: strerror(errno)))
        }
        defer { fclose(handle) }
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = fread(buffer, 1, chunkSize, handle)
            if n > 0 { try body(UnsafeRawBufferPointer(start: buffer, count: n)) }
            if n < chunkSize {
                if ferror(handle) != 0 { throw LogReadError.io(path: path, message: String(cString: strerror(errno))) }
                return
            }
        }
    }

    /// A file's raw bytes when it is at most `limit` bytes long (one `open`, `fstat` and `read`: real trails
    /// deliver thousands of files of a few KB), with its fingerprint; a larger file is only fingerprinted
    /// (`contents` nil), to be streamed by ``read(path:fingerprint:)``.
    ///
    /// - Throws: ``LogReadError`` when the file cannot be opened or read.
    public static func load(path: String, upTo limit: Int) throws(LogReadError) -> (contents: [UInt8]?, fingerprint: FileFingerprint) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw LogReadError.io(path: path, message: String(cString: strerror(errno))) }
        var info = stat()
        guard fstat(fd, &info) == 0, Int64(info.st_size) <= Int64(limit) else {
            close(fd)
            return (nil, try fingerprint(path: path))
        }
        // One byte past the size shows a file that grew since `fstat`; one that grew past the limit is streamed.
        var contents = [UInt8](repeating: 0, count: Int(info.st_size) + 1)
        var count = 0
        while true {
            if count == contents.count {
                guard count <= limit else {
                    close(fd)
                    return (nil, try fingerprint(path: path))
                }
                contents.append(contentsOf: repeatElement(0, count: min(limit + 1, 2 * count) - count))
            }
            let n = contents.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress! + count, $0.count - count) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 {
                close(fd)
                throw LogReadError.io(path: path, message: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            count += n
        }
        close(fd)
        contents.removeLast(contents.count - count)
        return (contents, fingerprint(bytes: contents))
    }

    static let digestMarkers = [Array("/CloudTrail-Digest/".utf8), Array("_CloudTrail-Digest_".utf8)]
    static let insightMarkers = [Array("/CloudTrail-Insight/".utf8), Array("_CloudTrail-Insight_".utf8)]

    /// The kind a path declares by itself (CloudTrail digest and Insight folders), before reading.
    public static func kindFromPath(_ path: String) -> (LogKind, String)? {
        var path = path
        return path.withUTF8 { bytes in
            let bytes = UnsafeRawBufferPointer(bytes)
            if digestMarkers.contains(where: { Sink.holds(bytes, $0) }) { return (.skipped, "CloudTrail digest file") }
            if insightMarkers.contains(where: { Sink.holds(bytes, $0) }) { return (.skipped, "CloudTrail Insight file") }
            return nil
        }
    }

    /// Reads and parses the file. Throws only when the file cannot be read at all (I/O, corrupt or
    /// truncated gzip); bad records become rejects in the result.
    ///
    /// ```swift
    /// let reader = LogFileReader()
    /// let file = try reader.read(path: path, fingerprint: try LogFileReader.fingerprint(path: path))
    /// print(file.kind, file.events.count, file.rejectCount)
    /// ```
    public func read(path: String, fingerprint: FileFingerprint) throws(LogReadError) -> ParsedFile {
        try parse(path: path, fingerprint: fingerprint) { (body) throws(LogReadError) in try Self.forEachChunk(path: path, body) }
    }

    /// Reads a file whose raw bytes (gzipped or not) are already in memory: one read of the disk for a
    /// small file, fingerprint and parse alike.
    ///
    /// - Throws: ``LogReadError`` for corrupt or truncated gzip.
    public func read(contents: [UInt8], path: String, fingerprint: FileFingerprint) throws(LogReadError) -> ParsedFile {
        try parse(path: path, fingerprint: fingerprint) { (body) throws(LogReadError) in
            let failure = contents.withUnsafeBytes { bytes -> LogReadError? in
                do throws(LogReadError) { try body(bytes); return nil } catch { return error }
            }
            if let failure { throw failure }
        }
    }

    /// Detects gzip from the first chunk, inflates and streams to the format's reader.
    private func parse(path: String, fingerprint: FileFingerprint,
                       chunks: ((UnsafeRawBufferPointer) throws(LogReadError) -> Void) throws(LogReadError) -> Void) throws(
                       LogReadError) -> ParsedFile {
        var file = ParsedFile(path: path, size: fingerprint.size, contentHash: fingerprint.hash, kind: .unrecognized)
        if let (kind, note) = Self.kindFromPath(path) {
            file.kind = kind
            file.note = note
            return file
        }
        var sink = Sink(file: file, reader: cloudTrail)
        var gzip: GzipDecoder?
        var first = true
        var decompressed: Int64 = 0
        try chunks { (chunk) throws(LogReadError) in
            if first {
                first = false
                if chunk.count >= 2, chunk[0] == 0x1f, chunk[1] == 0x8b {
                    // Output chunks sized to the file: a delivery file of a few KB needs no 256 KiB buffer.
                    gzip = GzipDecoder(outputCapacity: Int(min(256 * 1024, max(64 * 1024, fingerprint.size * 16))),
                                       inputSize: Int(fingerprint.size))
                }
            }
            if gzip != nil {
                try gzip!.feed(chunk) { out in
                    decompressed += Int64(out.count)
                    sink.consume(out)
                }
            } else {
                decompressed += Int64(chunk.count)
                sink.consume(chunk)
            }
        }
        if gzip != nil { try gzip!.finish() }
        sink.file.decompressedBytes = decompressed
        return sink.finish()
    }

    /// Parses content already in memory (plain, not gzipped) as a file at `path` would be: the same
    /// detection and readers as ``read(path:fingerprint:)``.
    public func read(bytes: [UInt8], path: String) -> ParsedFile {
        var sink = Sink(file: ParsedFile(path: path, size: Int64(bytes.count), contentHash: "", kind: .unrecognized), reader: cloudTrail)
        bytes.withUnsafeBytes { sink.consume($0) }
        sink.file.decompressedBytes = Int64(bytes.count)
        return sink.finish()
    }

    /// Decides the format from the first bytes, then streams the rest to the CloudTrail or flow-log reader.
    struct Sink {
        enum Mode { case undecided, cloudTrail, flow, unrecognized }
        var file: ParsedFile
        let reader: CloudTrailReader
        var mode = Mode.undecided
        var buffer: [UInt8] = []
        var cloudTrail: CloudTrailStream?
        var lines = LineSplitter(lengthLimit: FlowLogReader.lineLimit)
        var flows = FlowLogReader()
        var offset: Int64 = 0
        var lineOffset: Int64 = 0
        static let sniffBytes = 64 * 1024

        /// Set when the text is UTF-16 (it began with a UTF-16 byte-order mark): chunks are turned into UTF-8 first.
        var utf16: UTF16Transcoder?
        var started = false

        mutating func consume(_ chunk: UnsafeRawBufferPointer) {
            var chunk = chunk
            if !started, chunk.count >= 2 {
                started = true
                // Windows PowerShell 5's `Out-File` writes UTF-16LE with a byte-order mark; some tools UTF-16BE.
                if chunk[0] == 0xFF, chunk[1] == 0xFE { utf16 = UTF16Transcoder(bigEndian: false) }
                if chunk[0] == 0xFE, chunk[1] == 0xFF { utf16 = UTF16Transcoder(bigEndian: true) }
                if utf16 != nil {
                    file.note = "UTF-16 text (offsets are of its UTF-8 form)"
                    chunk = UnsafeRawBufferPointer(rebasing: chunk[2...])
                }
            }
            guard utf16 != nil else { return consumeUTF8(chunk) }
            let converted = utf16!.transcode(chunk)
            converted.withUnsafeBytes { consumeUTF8($0) }
        }

        mutating func consumeUTF8(_ chunk: UnsafeRawBufferPointer) {
            switch mode {
            case .undecided:
                // Most files are decided by their first chunk: read it in place rather than copy it aside.
                if buffer.isEmpty, let mode = Self.decidedEarly(chunk) {
                    start(mode, head: chunk)
                    return
                }
                buffer.append(contentsOf: chunk)
                if buffer.count >= Self.sniffBytes { decide() }
            case .cloudTrail:
                cloudTrail!.feed(chunk, into: &file)
            case .flow:
                feedFlow(chunk)
            case .unrecognized:
                break
            }
        }

        mutating func decide() {
            // A UTF-8 byte-order mark (PowerShell's `Out-File -Encoding utf8BOM`) is not content.
            if buffer.starts(with: [0xEF, 0xBB, 0xBF]) { buffer.removeFirst(3) }
            let head = buffer
            buffer = []
            head.withUnsafeBytes { start(Self.detect(head), head: $0) }
        }

        /// Streams from now on as `mode`, beginning with `head`.
        mutating func start(_ mode: Mode, head: UnsafeRawBufferPointer) {
            self.mode = mode
            if mode == .cloudTrail {
                var stream = CloudTrailStream(reader: reader)
                stream.feed(head, into: &file)
                cloudTrail = stream
            } else if mode == .flow {
                feedFlow(head)
            }
        }

        /// The format of a file whose first chunk is `chunk`, when that chunk alone tells it as
        /// ``detect(_:)`` would from the first 64 KiB: a JSON start holding a CloudTrail marker (the
        /// markers detect tries first), or a first line that is a flow log header (its first test for
        /// text). Nil when more bytes are needed, or the chunk begins with a byte-order mark.
        static func decidedEarly(_ chunk: UnsafeRawBufferPointer) -> Mode? {
            let head = UnsafeRawBufferPointer(rebasing: chunk.prefix(sniffBytes))
            guard let first = head.first(where: { $0 != 32 && $0 != 9 && $0 != 10 && $0 != 13 }), first != 0xEF else { return nil }
            if first == 123 || first == 91 || first == 34 {   // { [ "
                return cloudTrailMarkerBytes.contains(where: { holds(head, $0) }) ? .cloudTrail : nil
            }
            let lineStart = head.firstIndex(where: { $0 != 10 }) ?? head.endIndex
            guard let lineEnd = head[lineStart...].firstIndex(of: 10) else { return nil }
            return FlowLogFormat.header(line: UnsafeRawBufferPointer(rebasing: head[lineStart..<lineEnd])) != nil ? .flow : nil
        }

        mutating func feedFlow(_ chunk: UnsafeRawBufferPointer) {
            lines.feed(chunk) { line, number in
                flows.readLine(line, number: number, offset: lineOffset)
                lineOffset += Int64(line.count) + 1
            }
        }

        mutating func finish() -> ParsedFile {
            if let rest = utf16?.finish(), !rest.isEmpty { rest.withUnsafeBytes { consumeUTF8($0) } }
            if mode == .undecided { decide() }
            switch mode {
            case .cloudTrail:
                if file.kind == .unrecognized { file.kind = .cloudTrail }
                cloudTrail!.finish(into: &file)
            case .flow:
                lines.finish { line, number in flows.readLine(line, number: number, offset: lineOffset) }
                file.kind = .flowLog
                file.flows = flows.flows()
                file.flowRecords = flows.records
                file.rejects = flows.rejects
                file.unstoredRejects = Int64(flows.rejectCount - flows.rejects.count)
                for (reason, count) in flows.skipped { file.skippedRecords[reason, default: 0] += count }
            case .unrecognized, .undecided:
                file.kind = .unrecognized
                file.note = "neither CloudTrail nor a VPC flow log"
            }
            return file
        }

        static let cloudTrailMarkers = ["\"eventVersion\"", "\"Records\"", "\"eventSource\"", "\"eventName\"", "\"messageType\"",
                                        "\"digestStartTime\"", "\"CloudTrailEvent\"", "\"detail-type\"", "\"awslogs\"",
                                        "\"QueryResultRows\""]
        static let flowMarkers = ["\"interface-id\"", "\"interface_id\"", "\"interfaceId\"", "\"srcaddr\"", "\"log-status\"",
            "\"log_status\""]

        /// The format of a file from its first bytes.
        static let cloudTrailMarkerBytes = cloudTrailMarkers.map { Array($0.utf8) }
        static let flowMarkerBytes = flowMarkers.map { Array($0.utf8) }

        /// True when `bytes` hold `marker` (a byte search: most files are decided by their first bytes).
        static func holds(_ bytes: UnsafeRawBufferPointer, _ marker: [UInt8]) -> Bool {
            guard let lead = marker.first, marker.count <= bytes.count else { return false }
            var i = 0
            while i <= bytes.count - marker.count {
                if bytes[i] == lead {
                    var k = 1
                    while k < marker.count, bytes[i + k] == marker[k] { k += 1 }
                    if k == marker.count { return true }
                }
                i += 1
            }
            return false
        }

        static func detect(_ head: [UInt8]) -> Mode {
            let head = head.prefix(sniffBytes)
            guard let first = head.first(where: { $0 != 32 && $0 != 9 && $0 != 10 && $0 != 13 }) else { return .unrecognized }
            if first == 123 || first == 91 || first == 34 {   // { [ "
                return head.withUnsafeBytes { bytes in
                    if cloudTrailMarkerBytes.contains(where: { holds(bytes, $0) }) { return .cloudTrail }
                    if flowMarkerBytes.contains(where: { holds(bytes, $0) }) { return .flow }
                    if first != 34, holds(bytes, Array("\"message\"".utf8)) { return .flow }
                    return .unrecognized
                }
            }
            // The first line that is not empty (a line ends at LF; a CR before it stays in the line).
            let lineStart = head.firstIndex(where: { $0 != 10 }) ?? head.endIndex
            let lineEnd = head[lineStart...].firstIndex(of: 10) ?? head.endIndex
            if head[lineStart..<lineEnd].withUnsafeBytes({ FlowLogFormat.header(line: $0) }) != nil { return .flow }
            let firstLine = String(decoding: head[lineStart..<lineEnd], as: UTF8.self)
            let tokens = firstLine.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if let first = tokens.first, Int(first) != nil, tokens.count >= 6, !firstLine.contains("{") { return .flow }
            if firstLine.contains("{"), cloudTrailMarkers.contains(where: firstLine.contains) { return .cloudTrail }
            return .unrecognized
        }
    }
}
