import Testing
import AWSModel
import Foundation
@testable import PerimeterCLI
import PerimeterTestSupport
import PolicySynthesis

/// `--out` is Perimeter's only where Perimeter wrote: nothing escapes it, nothing of the user's goes.
struct OutputWriterTests {
    @Test(arguments: ["endpoints/vpce-../../../tmp/x.json", "../x", "/etc/passwd", "a//b", "./a", "endpoints/..", ""])
    func aPathThatWouldLeaveTheOutputFolderIsRefused(relative: String) throws {
        let dir = TestSupport.temporaryDirectory()
        let writer = try OutputWriter(folder: dir + "/out")
        #expect(throws: OutputError.self) { try writer.write([relative: "x"]) }
        #expect(!FileManager.default.fileExists(atPath: dir + "/tmp/x.json"))
    }

    @Test func aLinkInsideTheOutputFolderDoesNotLeadOutOfIt() throws {
        let dir = TestSupport.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: dir + "/out", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir + "/elsewhere", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dir + "/out/endpoints", withDestinationPath: dir + "/elsewhere")
        let writer = try OutputWriter(folder: dir + "/out")
        #expect(throws: OutputError.self) { try writer.write(["endpoints/vpce-1.json": "{}"]) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/elsewhere").isEmpty)
    }

    @Test func aRerunRemovesOnlyWhatPerimeterWrote() throws {
        let dir = TestSupport.temporaryDirectory() + "/out"
        try FileManager.default.createDirectory(atPath: dir + "/endpoints", withIntermediateDirectories: true)
        try "mine".write(toFile: dir + "/endpoints/notes.txt", atomically: true, encoding: .utf8)
        try "mine".write(toFile: dir + "/README", atomically: true, encoding: .utf8)
        let writer = try OutputWriter(folder: dir)
        try writer.write(["endpoints/vpce-1.json": "1", "endpoints/vpce-2.json": "2", "buckets/b.json": "b", "report.md": "r"])
        try writer.write(["endpoints/vpce-1.json": "1 again", "report.md": "r"])
        let endpoints = try FileManager.default.contentsOfDirectory(atPath: dir + "/endpoints").sorted()
        #expect(endpoints == ["notes.txt", "vpce-1.json"])
        #expect(!FileManager.default.fileExists(atPath: dir + "/buckets"))
        #expect(try String(contentsOfFile: dir + "/README", encoding: .utf8) == "mine")
        #expect(try String(contentsOfFile: dir + "/endpoints/vpce-1.json", encoding: .utf8) == "1 again")
        #expect(!(try FileManager.default.contentsOfDirectory(atPath: dir + "/endpoints")).contains { $0.hasSuffix("perimeter-tmp") })
    }

    @Test func aFailedWriteLeavesTheOldFileWhole() throws {
        let dir = TestSupport.temporaryDirectory() + "/out"
        let writer = try OutputWriter(folder: dir)
        try writer.write(["report.md": "old"])
        // A folder where the temporary file would go makes the write fail.
        try FileManager.default.createDirectory(atPath: dir + "/.report.md.perimeter-tmp", withIntermediateDirectories: true)
        try "x".write(toFile: dir + "/.report.md.perimeter-tmp/x", atomically: true, encoding: .utf8)
        #expect(throws: (any Error).self) { try writer.write(["report.md": "new"]) }
        #expect(try String(contentsOfFile: dir + "/report.md", encoding: .utf8) == "old")
    }
}

struct TerminalTests {
    @Test(arguments: [
        ("plain", "plain"),
        ("a\u{1B}[2Jb", "a\\u{1B}[2Jb"),
        ("line\nbreak", "line\\u{A}break"),
        ("bell\u{07}", "bell\\u{7}"),
        ("rtl\u{202E}txt", "rtl\\u{202E}txt"),
        ("c1\u{9B}31m", "c1\\u{9B}31m"),
    ])
    func controlCharactersInLoggedTextAreShownEscaped(text: String, shown: String) {
        #expect(text.visible() == shown)
    }

    @Test func linesKeepTheirBreaksOnTheConsole() {
        #expect("a\nb\u{1B}".visible(keepingNewlines: true) == "a\nb\\u{1B}")
    }
}

struct FailOnTests {
    @Test(arguments: [
        (FailOn.review, Verdict.ready, nil), (.review, .review, 4), (.review, .unsafe, 3),
        (.unsafe, .ready, nil), (.unsafe, .review, nil), (.unsafe, .unsafe, 3),
        (.never, .review, nil), (.never, .unsafe, nil),
    ] as [(FailOn, Verdict, Int32?)])
    func theExitFollowsTheVerdict(failOn: FailOn, verdict: Verdict, code: Int32?) {
        #expect(failOn.exitCode(for: verdict) == code)
    }
}
