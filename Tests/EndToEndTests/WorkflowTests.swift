import Foundation
import PerimeterTestSupport
import Testing

/// From report to change: what Output/ holds is enough to apply a draft and to go back.
@Suite(.serialized)
struct WorkflowTests {
    static let output = TestSupport.repositoryRoot.path + "/Output"

    static func run(_ tool: String, _ arguments: [String], in directory: String, input: String? = nil) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        if let input { process.standardInput = FileHandle(forReadingAtPath: input) }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Each diff, applied with `git apply` and with `patch -p1` to a copy of the saved current policy
    /// (or to nothing, for a bucket without one), gives the draft byte for byte.
    @Test(arguments: ["git", "patch"])
    func everyDiffAppliedToTheSavedCurrentPolicyGivesTheDraft(tool: String) throws {
        var applied = 0
        for folder in ["endpoints", "buckets"] {
            for diff in try FileManager.default.contentsOfDirectory(atPath: Self.output + "/" + folder) where diff.hasSuffix(".diff") {
                let name = String(diff.dropLast(5)) + ".json"
                let work = TestSupport.temporaryDirectory("apply")
                let current = Self.output + "/current/\(folder)/\(name)"
                if FileManager.default.fileExists(atPath: current) { try FileManager.default.copyItem(atPath: current, toPath: work + "/" + name) }
                let patch = Self.output + "/\(folder)/\(diff)"
                let status = tool == "git" ? try Self.run("git", ["apply", patch], in: work) : try Self.run("patch", ["-p1", "-s"], in: work, input: patch)
                #expect(status == 0, "\(tool) refused \(folder)/\(diff)")
                #expect(TestSupport.bytes(work + "/" + name) == TestSupport.bytes(Self.output + "/\(folder)/\(name)"), "\(folder)/\(diff)")
                applied += 1
            }
        }
        #expect(applied == 6)
    }
}
