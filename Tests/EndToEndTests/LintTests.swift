import Foundation
import PerimeterTestSupport
import Testing

/// The drafts linted as users lint them: parliament (PyPI), 0 findings. `.ci/run` installs it.
@Suite(.serialized)
struct LintTests {
    static var parliament: String? { TestSupport.executable(named: "parliament") }

    /// Parliament's findings (JSON lines) for the policies under `folder`.
    static func findings(_ folder: String) throws -> [String] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(parliament))
        process.arguments = ["--directory", folder, "--include_policy_extension", ".json", "--json"]
        process.standardInput = FileHandle.nullDevice
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0 || !data.isEmpty, "parliament failed on \(folder)")
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init).filter { !staleKeyTable($0) }
    }

    /// Parliament 1.6.4's table of global condition keys predates `aws:ViaAWSService` in it and the 2025 endpoint keys:
    /// on them it reports UNKNOWN_CONDITION_FOR_ACTION for every action, although the IAM User Guide ("AWS global
    /// condition context keys", read 2026-12-07) documents them for all services (`aws:ViaAWSService`) or for the
    /// services Perimeter's key table lists. Only that finding, on those keys, is set aside.
    static let keysParliamentDoesNotKnow = ["aws:ViaAWSService", "aws:VpceOrgID", "aws:VpceAccount", "aws:VpceOrgPaths", "aws:SourceVpcArn"]

    static func staleKeyTable(_ finding: String) -> Bool {
        finding.contains("\"UNKNOWN_CONDITION_FOR_ACTION\"")
            && keysParliamentDoesNotKnow.contains { finding.contains("Unknown condition \($0) for action") }
    }

    @Test(.enabled(if: parliament != nil, "parliament is not installed (pip install parliament): the drafts are not linted"))
    func parliamentFindsNothingInTheDraftsAndDoesFindAMistake() throws {
        // The check can fail: a misspelt action is a finding.
        let bad = TestSupport.temporaryDirectory("lint")
        try Data(#"""
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObjekt","Resource":"arn:aws:s3:::b/*"}]}
            """#.utf8)
            .write(to: URL(fileURLWithPath: bad + "/x.json"))
        #expect(try Self.findings(bad).count == 1)

        let output = TestSupport.repositoryRoot.path + "/Output"
        for folder in ["endpoints", "buckets"] { #expect(try Self.findings(output + "/" + folder) == [], "Output/\(folder)") }

        // A generated corpus, at every granularity.
        let dir = TestSupport.temporaryDirectory("lint")
        #expect(try Binary.run(["sample", "--out", dir + "/corpus", "--records", "20000"]).status == 0)
        for granularity in ["exact", "prefix", "bucket"] {
            let out = dir + "/out-" + granularity
            let run = try Binary.run(
                ["run", dir + "/corpus", "--out", out, "--db", dir + "/\(granularity).sqlite", "--granularity", granularity])
            #expect([0, 3, 4].contains(run.status), "\(run.output)")
            for folder in ["endpoints", "buckets"] { #expect(try Self.findings(out + "/" + folder) == [], "\(granularity) \(folder)") }
        }
    }
}
