import Testing
import AWSModel
import Foundation
@testable import PerimeterCLI
import PerimeterTestSupport
@testable import PolicySynthesis
@testable import Reporting

/// `--out` is Perimeter's only where Perimeter wrote: nothing escapes it, nothing of the user's goes.
struct OutputWriterTests {
    static let files = FileManager.default

    /// `out` and a sibling `outside` holding a sentinel file (`outside/victim`, 0644).
    static func folders() throws -> (out: String, outside: String) {
        let dir = TestSupport.temporaryDirectory()
        try files.createDirectory(atPath: dir + "/out", withIntermediateDirectories: true)
        try files.createDirectory(atPath: dir + "/outside", withIntermediateDirectories: true)
        try "sentinel".write(toFile: dir + "/outside/victim", atomically: false, encoding: .utf8)
        chmod(dir + "/outside/victim", 0o644)
        return (dir + "/out", dir + "/outside")
    }

    static func expectUntouched(_ outside: String) throws {
        #expect(try String(contentsOfFile: outside + "/victim", encoding: .utf8) == "sentinel")
        #expect((try files.attributesOfItem(atPath: outside + "/victim")[.posixPermissions] as? Int) == 0o644)
    }

    @Test(arguments: ["endpoints/vpce-../../../tmp/x.json", "../x", "/etc/passwd", "a//b", "./a", "endpoints/..", "", "a\nb",
                      ".perimeter-manifest"])
    func aPathThatWouldLeaveTheOutputFolderIsRefused(relative: String) throws {
        let dir = TestSupport.temporaryDirectory()
        let writer = try OutputWriter(folder: dir + "/out")
        #expect(throws: OutputError.self) { try writer.write([relative: "x"]) }
        #expect(!Self.files.fileExists(atPath: dir + "/tmp/x.json"))
    }

    @Test func aLinkInsideTheOutputFolderDoesNotLeadOutOfIt() throws {
        let dir = TestSupport.temporaryDirectory()
        try Self.files.createDirectory(atPath: dir + "/out", withIntermediateDirectories: true)
        try Self.files.createDirectory(atPath: dir + "/elsewhere", withIntermediateDirectories: true)
        try Self.files.createSymbolicLink(atPath: dir + "/out/endpoints", withDestinationPath: dir + "/elsewhere")
        let writer = try OutputWriter(folder: dir + "/out")
        #expect(throws: OutputError.self) { try writer.write(["endpoints/vpce-1.json": "{}"]) }
        #expect(try Self.files.contentsOfDirectory(atPath: dir + "/elsewhere").isEmpty)
    }

    /// A link planted at the name of the temporary file the old writer used made it overwrite, and
    /// `chmod 755`, a file outside `--out`.
    @Test func temporaryFileFollowsPlantedLinkOutsideOut() throws {
        let (out, outside) = try Self.folders()
        try Self.files.createDirectory(atPath: out + "/endpoints", withIntermediateDirectories: true)
        for temporary in ["/.apply.sh.perimeter-tmp", "/endpoints/.vpce-1.json.perimeter-tmp"] {
            try Self.files.createSymbolicLink(atPath: out + temporary, withDestinationPath: outside + "/victim")
        }
        _ = try? OutputWriter(folder: out).write(["apply.sh": "#!/bin/sh\n", "endpoints/vpce-1.json": "{}"])
        try Self.expectUntouched(outside)
    }

    /// A link at a draft's own name is replaced by the draft, never written through.
    @Test func aLinkPlantedAtAFilesNameIsReplaced() throws {
        let (out, outside) = try Self.folders()
        try Self.files.createSymbolicLink(atPath: out + "/apply.sh", withDestinationPath: outside + "/victim")
        _ = try OutputWriter(folder: out).write(["apply.sh": "#!/bin/sh\n"])
        try Self.expectUntouched(outside)
        #expect(try Self.files.attributesOfItem(atPath: out + "/apply.sh")[.type] as? FileAttributeType == .typeRegular)
        #expect(try String(contentsOfFile: out + "/apply.sh", encoding: .utf8) == "#!/bin/sh\n")
    }

    /// A link for a subfolder (`current/`) is refused with the path named, and nothing is switched.
    @Test func aLinkPlantedForASubfolderIsRefusedByName() throws {
        let (out, outside) = try Self.folders()
        let writer = try OutputWriter(folder: out)
        _ = try writer.write(["report.md": "old"])
        try Self.files.createSymbolicLink(atPath: out + "/current", withDestinationPath: outside)
        do {
            _ = try writer.write(["report.md": "new", "current/endpoints/vpce-1.json": "{}"])
            Issue.record("written through a link")
        } catch let error as OutputError {
            #expect(error.description.contains("`current`") && error.description.contains("symbolic link"), "\(error)")
        }
        #expect(try String(contentsOfFile: out + "/report.md", encoding: .utf8) == "old")
        #expect(try Self.files.contentsOfDirectory(atPath: outside) == ["victim"])
        #expect(try Self.files.contentsOfDirectory(atPath: out).sorted() == [".perimeter-manifest", "current", "report.md"])
    }
}

/// Stale files: only what the last manifest lists, as Perimeter wrote it, reached through folders.
struct StaleFileTests {
    @Test func aRerunRemovesOnlyWhatPerimeterWrote() throws {
        let dir = TestSupport.temporaryDirectory() + "/out"
        try OutputWriterTests.files.createDirectory(atPath: dir + "/endpoints", withIntermediateDirectories: true)
        try "mine".write(toFile: dir + "/endpoints/notes.txt", atomically: true, encoding: .utf8)
        try "mine".write(toFile: dir + "/README", atomically: true, encoding: .utf8)
        let writer = try OutputWriter(folder: dir)
        _ = try writer.write(["endpoints/vpce-1.json": "1", "endpoints/vpce-2.json": "2", "buckets/b.json": "b", "report.md": "r"])
        _ = try writer.write(["endpoints/vpce-1.json": "1 again", "report.md": "r"])
        let endpoints = try OutputWriterTests.files.contentsOfDirectory(atPath: dir + "/endpoints").sorted()
        #expect(endpoints == ["notes.txt", "vpce-1.json"])
        #expect(!OutputWriterTests.files.fileExists(atPath: dir + "/buckets"))
        #expect(try String(contentsOfFile: dir + "/README", encoding: .utf8) == "mine")
        #expect(try String(contentsOfFile: dir + "/endpoints/vpce-1.json", encoding: .utf8) == "1 again")
        #expect(try OutputWriterTests.files.contentsOfDirectory(atPath: dir).sorted()
            == [".perimeter-manifest", "README", "endpoints", "report.md"])
    }

    /// The old removal followed a link planted for a folder of the manifest's paths, out of `--out`.
    @Test func staleRemovalFollowsPlantedLinkOutsideOut() throws {
        let (out, outside) = try OutputWriterTests.folders()
        let writer = try OutputWriter(folder: out)
        _ = try writer.write(["endpoints/victim": "1", "report.md": "r"])
        try OutputWriterTests.files.removeItem(atPath: out + "/endpoints")
        try OutputWriterTests.files.createSymbolicLink(atPath: out + "/endpoints", withDestinationPath: outside)
        let kept = try? writer.write(["report.md": "r"])
        try OutputWriterTests.expectUntouched(outside)
        #expect(kept == ["endpoints/victim"])
    }

    /// A manifest naming `src` and `.git` under `--out .` made the old removal delete both trees.
    @Test(arguments: ["src\n.git\n", "\(String(repeating: "0", count: 64))  src\n\(String(repeating: "0", count: 64))  .git\n"])
    func manifestNamingSourceFoldersDeletesThem(manifest: String) throws {
        let out = TestSupport.temporaryDirectory()
        for folder in ["src", ".git"] {
            try OutputWriterTests.files.createDirectory(atPath: out + "/" + folder, withIntermediateDirectories: true)
            try "code".write(toFile: out + "/\(folder)/main", atomically: false, encoding: .utf8)
        }
        try manifest.write(toFile: out + "/.perimeter-manifest", atomically: false, encoding: .utf8)
        let kept = try? OutputWriter(folder: out).write(["report.md": "r"])
        for folder in ["src", ".git"] { #expect(try String(contentsOfFile: out + "/\(folder)/main", encoding: .utf8) == "code") }
        #expect(kept?.sorted() == [".git", "src"])
    }

    /// A file of the last manifest changed since (the user's edit, or another file put there) was removed.
    @Test func staleFileChangedSinceItWasWrittenIsRemoved() throws {
        let out = TestSupport.temporaryDirectory() + "/out"
        let writer = try OutputWriter(folder: out)
        _ = try writer.write(["buckets/b.json": "draft", "buckets/c.json": "draft", "report.md": "r"])
        try "edited".write(toFile: out + "/buckets/b.json", atomically: false, encoding: .utf8)
        let kept = try? writer.write(["report.md": "r"])
        #expect(try String(contentsOfFile: out + "/buckets/b.json", encoding: .utf8) == "edited")
        #expect(!OutputWriterTests.files.fileExists(atPath: out + "/buckets/c.json"))
        #expect(kept == ["buckets/b.json"])
    }

    /// The manifest is `sha256sum`'s format: `sha256sum -c` checks the set.
    @Test func theManifestListsEachFileWithItsSHA256() throws {
        let out = TestSupport.temporaryDirectory() + "/out"
        _ = try OutputWriter(folder: out).write(["endpoints/vpce-1.json": "{}\n", "report.md": "r"])
        let manifest = try String(contentsOfFile: out + "/.perimeter-manifest", encoding: .utf8)
        #expect(manifest == "ca3d163bab055381827226140568f3bef7eaac187cebd76878e0b63e9e442356  endpoints/vpce-1.json\n"
                + "454349e422f05297191ead13e21d3db520e5abef52055e4964b82fb213f593a1  report.md\n")
        let check = Process()
        check.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        check.arguments = ["sha256sum", "--check", "--quiet", ".perimeter-manifest"]
        check.currentDirectoryURL = URL(fileURLWithPath: out)
        try check.run()
        check.waitUntilExit()
        #expect(check.terminationStatus == 0)
    }
}

/// A run's files are one set, and one run at a time writes them.
struct OutputSetTests {
    /// The files under `out` (relative path → content), Perimeter's folders of a switch left aside.
    static func contents(_ out: String) throws -> [String: String] {
        var contents: [String: String] = [:]
        for case let path as String in OutputWriterTests.files.enumerator(atPath: out)! {
            var isFolder: ObjCBool = false
            if OutputWriterTests.files.fileExists(atPath: out + "/" + path, isDirectory: &isFolder), !isFolder.boolValue {
                contents[path] = try String(contentsOfFile: out + "/" + path, encoding: .utf8)
            }
        }
        return contents
    }

    static func set(_ tag: String, files n: Int = 40) -> [String: String] {
        var set = ["apply.sh": tag, "report.md": tag]
        for i in 0..<n { set["endpoints/vpce-\(i).json"] = tag }
        return set
    }

    /// A set written, or its whole folder in place: all the set's files say one run.
    static func isOneSet(_ contents: [String: String]) -> Bool {
        Set(contents.filter { $0.key != ".perimeter-manifest" }.values).count == 1
    }

    /// Two runs on one `--out` shared one temporary name: one failed with "cannot write apply.sh", or
    /// both wrote and the folder held a mix of the two sets.
    @Test func twoRunsOnOneOutFailWithCannotWriteApplySh() throws {
        final class Errors: @unchecked Sendable {
            let lock = NSLock()
            var seen: [String] = []
            func add(_ error: any Error) { lock.withLock { seen.append("\(error)") } }
        }
        for round in 0..<8 {
            let out = TestSupport.temporaryDirectory() + "/out", errors = Errors()
            let sets = [Self.set("a\(round)"), Self.set("b\(round)")]
            DispatchQueue.concurrentPerform(iterations: 2) { i in
                do { _ = try OutputWriter(folder: out).write(sets[i]) } catch { errors.add(error) }
            }
            #expect(errors.seen.allSatisfy { $0.hasPrefix("another perimeter run is writing") }, "\(errors.seen)")
            let contents = try Self.contents(out)
            #expect(Self.isOneSet(contents) && contents.count == sets[0].count + 1, "\(contents.keys.sorted())")
        }
    }

    @Test func aSecondRunSaysTheFolderIsLocked() throws {
        let out = TestSupport.temporaryDirectory() + "/out"
        try OutputWriterTests.files.createDirectory(atPath: out, withIntermediateDirectories: true)
        let held = open(out, O_RDONLY | O_DIRECTORY)
        defer { close(held) }
        #expect(flock(held, LOCK_EX | LOCK_NB) == 0)
        do {
            _ = try OutputWriter(folder: out).write(["report.md": "r"])
            Issue.record("written while another run holds the lock")
        } catch {
            #expect("\(error)" == "another perimeter run is writing `\(out)` (it holds the folder's lock): nothing written; "
                    + "run again when it has finished")
        }
        #expect(try OutputWriterTests.files.contentsOfDirectory(atPath: out).isEmpty)
    }

    /// Killed before the switch (the new set staged): the old set as it was; the next run removes the staging folder.
    @Test func aRunKilledBeforeTheSwitchLeavesTheOldSet() throws {
        let out = TestSupport.temporaryDirectory() + "/out"
        let writer = try OutputWriter(folder: out)
        _ = try writer.write(Self.set("old"))
        let old = try Self.contents(out)
        let staging = try writer.stage(try OutputWriter.prepared(Self.set("new")), in: try OutputFolder(root: out))
        #expect(try Self.contents(out).filter { !$0.key.hasPrefix(staging) } == old)
        _ = try writer.write(Self.set("next"))
        #expect(try Self.contents(out).count == old.count)
        #expect(Self.isOneSet(try Self.contents(out)))
    }

    /// Killed after the switch, with some files moved into place: the next run finishes the switch first.
    @Test(arguments: [0, 1, 21, 41])
    func aRunKilledAfterTheSwitchIsFinishedByTheNext(moved: Int) throws {
        let out = TestSupport.temporaryDirectory() + "/out"
        let writer = try OutputWriter(folder: out), root = try OutputFolder(root: out)
        _ = try writer.write(Self.set("old", files: 40).merging(["old.json": "old"]) { $1 })
        let new = Self.set("new")
        let staging = try writer.stage(try OutputWriter.prepared(new), in: root)
        #expect(rename(out + "/" + staging, out + "/" + OutputWriter.commitName) == 0)
        let drafts = new.keys.filter { !OutputWriter.lastNames.contains($0) }.sorted()
        for name in drafts.prefix(moved) { #expect(rename(out + "/.perimeter-commit/" + name, out + "/" + name) == 0) }
        #expect(try writer.recover(root).isEmpty)
        var contents = try Self.contents(out)
        #expect(contents.removeValue(forKey: ".perimeter-manifest")?.split(separator: "\n").count == new.count)
        #expect(contents == new)
    }

    @Test func aFailedWriteLeavesTheOldSetWhole() throws {
        let out = TestSupport.temporaryDirectory() + "/out"
        let writer = try OutputWriter(folder: out)
        _ = try writer.write(["report.md": "old", "summary.json": "old"])
        // A folder where a file goes makes the write fail before anything is switched.
        try OutputWriterTests.files.removeItem(atPath: out + "/summary.json")
        try OutputWriterTests.files.createDirectory(atPath: out + "/summary.json/x", withIntermediateDirectories: true)
        #expect(throws: OutputError.self) { try writer.write(["report.md": "new", "summary.json": "new"]) }
        #expect(try String(contentsOfFile: out + "/report.md", encoding: .utf8) == "old")
        #expect(try OutputWriterTests.files.contentsOfDirectory(atPath: out).sorted()
            == [".perimeter-manifest", "report.md", "summary.json"])
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
