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
                bytes[i..<end].withUnsafeBytes { raw in splitter.feed(raw) { line, _ in lines.append(String(decoding: line, as: UTF8.self)) } }
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
