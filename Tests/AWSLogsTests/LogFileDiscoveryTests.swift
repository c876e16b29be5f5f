import Testing
import Foundation
@testable import AWSLogs
import PerimeterTestSupport

/// Discovery follows links without looping and never opens a FIFO or a device.
struct LogFileDiscoveryTests {
    @Test func symlinkedFilesAndFoldersAreFollowedAndALinkLoopEnds() throws {
        let dir = TestSupport.temporaryDirectory()
        let fm = FileManager.default
        try fm.createDirectory(atPath: dir + "/real/sub", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: dir + "/logs", withIntermediateDirectories: true)
        try "a".write(toFile: dir + "/real/sub/a.json", atomically: true, encoding: .utf8)
        try "b".write(toFile: dir + "/real/b.json", atomically: true, encoding: .utf8)
        try fm.createSymbolicLink(atPath: dir + "/logs/linked-folder", withDestinationPath: dir + "/real")
        try fm.createSymbolicLink(atPath: dir + "/logs/linked-file.json", withDestinationPath: dir + "/real/b.json")
        try fm.createSymbolicLink(atPath: dir + "/real/sub/loop", withDestinationPath: dir + "/real")
        try fm.createSymbolicLink(atPath: dir + "/logs/broken.json", withDestinationPath: dir + "/nowhere")
        let found = try LogFileDiscovery.find(under: [dir + "/logs"])
        #expect(found.files == [dir + "/logs/linked-file.json", dir + "/logs/linked-folder/b.json", dir + "/logs/linked-folder/sub/a.json"])
        #expect(found.notRegular.map(\.kind).sorted() == ["broken link", "link loop"])
    }

    @Test func aFIFOIsNamedAndNotRead() throws {
        let dir = TestSupport.temporaryDirectory()
        #expect(mkfifo(dir + "/pipe.log", 0o600) == 0)
        try "x".write(toFile: dir + "/a.log", atomically: true, encoding: .utf8)
        let found = try LogFileDiscovery.find(under: [dir, dir + "/pipe.log"])
        #expect(found.files == [dir + "/a.log"])
        #expect(found.notRegular.map(\.kind) == ["FIFO", "FIFO"])
    }

    /// Two folders whose names differ only in Unicode normalization (é as one scalar, and as e and a combining
    /// accent) are two folders on disk: Swift's String equality found them equal and the second's file was not read.
    @Test func aFileWasSkippedBesideANameDifferingOnlyInNormalization() throws {
        let dir = TestSupport.temporaryDirectory()
        let composed = dir + "/r\u{E9}sum\u{E9}", decomposed = dir + "/re\u{301}sume\u{301}"
        for folder in [composed, decomposed] {
            // POSIX calls: the names' bytes as they are, with no normalization on the way.
            #expect(mkdir(folder, 0o755) == 0)
            let file = try #require(fopen(folder + "/a.json", "w"))
            fputs("{}", file)
            fclose(file)
        }
        let found = try LogFileDiscovery.find(under: [dir])
        #expect(found.files.map { Array($0.utf8) } == [decomposed + "/a.json", composed + "/a.json"].map { Array($0.utf8) })
    }

    @Test func aMissingPathIsAnError() {
        #expect(throws: LogReadError.self) { try LogFileDiscovery.find(under: ["/nonexistent/perimeter"]) }
    }

    @Test func aUTF8ByteOrderMarkIsIgnored() throws {
        let record = try TestSupport.fixtureWithIssuedEndpointID("cloudtrail/aws_vpce_access_denied.test00.json")
        let plain = LogFileReader().read(bytes: Array(record.utf8), path: "a.json")
        let marked = LogFileReader().read(bytes: [0xEF, 0xBB, 0xBF] + Array(record.utf8), path: "a.json")
        #expect(marked.kind == .cloudTrail)
        #expect(marked.events == plain.events)
        #expect(marked.rejects.isEmpty)
    }
}
