import Testing
@testable import AWSLogs
import PerimeterTestSupport

struct GzipDecoderTests {
    static let text: [UInt8] = Array((0..<3000).map { "line \($0) of the flow log\n" }.joined().utf8)

    static func inflate(_ compressed: [UInt8], chunk: Int) throws -> [UInt8] {
        let decoder = GzipDecoder(outputCapacity: 1024)
        var out: [UInt8] = []
        var i = 0
        while i < compressed.count {
            let end = min(i + chunk, compressed.count)
            let piece = Array(compressed[i..<end])
            try piece.withUnsafeBytes { raw in try decoder.feed(raw) { out += $0 } }
            i = end
        }
        try decoder.finish()
        return out
    }

    @Test(arguments: [1, 2, 7, 4096])
    func inflatesAtEveryChunkSize(chunk: Int) throws {
        let compressed = try TestSupport.gzip(Self.text)
        #expect(try Self.inflate(compressed, chunk: chunk) == Self.text)
    }

    @Test(arguments: [1, 7, 4096])
    func readsEveryMemberOfAMultiMemberFile(chunk: Int) throws {
        let a = try TestSupport.gzip(Array("first member\n".utf8))
        let b = try TestSupport.gzip(Self.text)
        #expect(try Self.inflate(a + b, chunk: chunk) == Array("first member\n".utf8) + Self.text)
    }

    @Test(arguments: [1, 2, 7, 4096])
    func truncatedInputIsAnErrorNotSilence(chunk: Int) throws {
        let compressed = try TestSupport.gzip(Self.text)
        let cut = Array(compressed.prefix(compressed.count / 2))
        #expect(throws: LogReadError.self) { try Self.inflate(cut, chunk: chunk) }
        do { _ = try Self.inflate(cut, chunk: chunk) } catch {
            guard case .truncatedGzip? = error as? LogReadError else { Issue.record("expected truncation, got \(error)"); return }
        }
    }

    @Test func garbageAfterAMemberIsAnError() throws {
        let compressed = try TestSupport.gzip(Self.text) + Array("not gzip".utf8)
        #expect(throws: LogReadError.self) { try Self.inflate(compressed, chunk: 4096) }
    }

    @Test func plainTextIsNotGzip() {
        #expect(throws: LogReadError.notGzip) { try Self.inflate(Array("{\"Records\":[]}".utf8), chunk: 4096) }
    }

    @Test func corruptDeflateDataIsAnError() throws {
        var compressed = try TestSupport.gzip(Self.text)
        for i in 20..<60 { compressed[i] ^= 0x5a }
        #expect(throws: LogReadError.self) { try Self.inflate(compressed, chunk: 7) }
    }
}

/// Inputs a file held whole may be: the one-call path (libdeflate) takes only one complete, valid member.
struct WholeGzipTests {
    static let text = GzipDecoderTests.text

    static func cases() throws -> [(name: String, bytes: [UInt8], takenWhole: Bool)] {
        let one = try TestSupport.gzip(text)
        var badCRC = one
        badCRC[badCRC.count - 8] ^= 0xff
        var sizeTooLarge = one
        sizeTooLarge[sizeTooLarge.count - 4] &+= 1
        var sizeTooSmall = one
        sizeTooSmall[sizeTooSmall.count - 4] &-= 1
        var corrupt = one
        for i in 20..<60 { corrupt[i] ^= 0x5a }
        var hugeClaim = one
        hugeClaim.replaceSubrange(hugeClaim.count - 4..<hugeClaim.count, with: [0xff, 0xff, 0xff, 0x7f])
        return [
            ("one member", one, true),
            ("two members", try TestSupport.gzip(Array("first\n".utf8)) + one, false),
            ("zero padding after the member", one + [0, 0, 0, 0], false),
            ("garbage after the member", one + Array("not gzip".utf8), false),
            ("a copy of the trailer after the member", one + one.suffix(8), false),
            ("truncated", Array(one.prefix(one.count / 2)), false),
            ("corrupt deflate data", corrupt, false),
            ("a wrong CRC-32", badCRC, false),
            ("a trailer claiming one byte more", sizeTooLarge, false),
            ("a trailer claiming one byte less", sizeTooSmall, false),
            ("a trailer claiming 2 GiB", hugeClaim, false),
            ("an empty member", try TestSupport.gzip([]), false),
        ]
    }

    /// The bytes a decoder hands out, or its error's description.
    static func decode(_ bytes: [UInt8], whole: Bool) -> String {
        let decoder = GzipDecoder(outputCapacity: 1024, inputSize: whole ? bytes.count : nil)
        var out: [UInt8] = []
        do {
            try bytes.withUnsafeBytes { raw in try decoder.feed(raw) { out += $0 } }
            try decoder.finish()
            return "\(out.count) bytes \(out.hashValue) in \(decoder.membersRead) members, \(decoder.bytesIn) in"
        } catch { return "error: \(error)" }
    }

    #if Fast
    @Test func onlyOneCompleteValidMemberIsInflatedInOneCall() throws {
        for (name, bytes, takenWhole) in try Self.cases() {
            var whole: [UInt8] = []
            let taken = bytes.withUnsafeBytes { GzipDecoder.inflateWhole($0) { whole = Array($0) } }
            #expect(taken == takenWhole, "\(name)")
            if taken { #expect(whole == Self.text, "\(name)") }
        }
    }
    #endif

    @Test func aFileHeldWholeGivesTheBytesAndErrorsOfTheStream() throws {
        for (name, bytes, _) in try Self.cases() {
            #expect(Self.decode(bytes, whole: true) == Self.decode(bytes, whole: false), "\(name)")
        }
    }
}

struct LineSplitterTests {
    static let inputs = ["a\nbb\n\nccc", "one line", "\n\n", "crlf\r\nline\r\n", "", "trailing\n"]

    @Test(arguments: [1, 2, 7, 4096])
    func splitsLikeStringSplit(chunk: Int) {
        for input in Self.inputs {
            var splitter = LineSplitter()
            var lines: [String] = []
            let bytes = Array(input.utf8)
            var i = 0
            while i < bytes.count {
                let end = min(i + chunk, bytes.count)
                bytes[i..<end]
                    .withUnsafeBytes { raw in splitter.feed(raw) { line, _ in lines.append(String(decoding: line, as: UTF8.self)) } }
                i = end
            }
            splitter.finish { line, _ in lines.append(String(decoding: line, as: UTF8.self)) }
            var expected = input.utf8.split(separator: 10, omittingEmptySubsequences: false)
                .map { String(decoding: $0.last == 13 ? $0.dropLast() : $0, as: UTF8.self) }
            if input.utf8.last == 10 || input.isEmpty { expected.removeLast() }
            #expect(lines == expected, "input \(input.debugDescription) chunk \(chunk)")
        }
    }
}
