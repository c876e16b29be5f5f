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
                if FileManager.default.fileExists(atPath: current) {
                    try FileManager.default.copyItem(atPath: current, toPath: work + "/" + name)
                }
                let patch = Self.output + "/\(folder)/\(diff)"
                let status = tool == "git" ? try Self.run("git", ["apply", patch], in: work)
                    : try Self.run("patch", ["-p1", "-s"], in: work, input: patch)
                #expect(status == 0, "\(tool) refused \(folder)/\(diff)")
                #expect(TestSupport.bytes(work + "/" + name) == TestSupport.bytes(Self.output + "/\(folder)/\(name)"), "\(folder)/\(diff)")
                applied += 1
            }
        }
        #expect(applied == 6)
    }
}

extension WorkflowTests {
    /// Runs a script of Output/ with a stand-in `aws` on PATH that records its arguments: the calls that change a policy.
    static func commands(of script: String) throws -> [String] {
        let run = try execute(script, in: output)
        #expect(run.status == 0, "\(script) failed: \(run.stderr)")
        return changes(run.calls)
    }

    /// The calls that change a policy.
    static func changes(_ calls: [String]) -> [String] {
        calls.filter { ["modify-vpc-endpoint", "put-bucket-policy", "delete-bucket-policy"].contains(where: $0.contains) }
    }

    /// Runs `script` of `folder` with a stand-in `aws` on PATH: its exit status, the `aws` calls and its stderr.
    /// The stand-in answers as the sample's account (its root user), with live policies as the script expects
    /// them: the saved ones (current/) for apply.sh, the drafts for rollback.sh.
    static func execute(_ script: String, in folder: String) throws -> (status: Int32, calls: [String], stderr: String) {
        let dir = TestSupport.temporaryDirectory("aws")
        let log = dir + "/calls", live = folder + (script == "apply.sh" ? "/current" : "")
        let standIn = """
            #!/bin/sh
            printf '%s\\n' "$*" >> \(log)
            case "$1 $2" in
                'sts get-caller-identity') printf '111122223333\\tarn:aws:iam::111122223333:root\\n' ;;
                'ec2 describe-vpc-endpoints') cat "\(live)/endpoints/$6.json" ;;
                's3api get-bucket-policy') cat "\(live)/buckets/$4.json" ;;
            esac

            """
        try Data(standIn.utf8).write(to: URL(fileURLWithPath: dir + "/aws"))
        chmod(dir + "/aws", 0o755)
        let process = Process(), stderr = Pipe()
        process.executableURL = URL(fileURLWithPath: folder + "/" + script)
        var environment = ProcessInfo.processInfo.environment
        environment["PATH"] = dir + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        process.environment = environment
        process.currentDirectoryURL = URL(fileURLWithPath: "/")   // the script finds its files itself
        process.standardError = stderr
        try process.run()
        let message = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let calls = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        return (process.terminationStatus, calls, message)
    }

    /// Output/ copied, for a script to run on changed drafts.
    static func copyOfOutput() throws -> String {
        let copy = TestSupport.temporaryDirectory("apply") + "/Output"
        try FileManager.default.copyItem(atPath: output, toPath: copy)
        return copy
    }

    /// A kill while the old writer replaced files left the new drafts beside the old apply.sh (or the
    /// reverse), which applied them: apply.sh now checks its drafts' digests before its first change.
    @Test func applyShAppliesDraftsItWasNotWrittenWith() throws {
        let copy = try Self.copyOfOutput()
        let other = try Data(contentsOf: URL(fileURLWithPath: copy + "/endpoints/vpce-02b3c4d5e6f7a8b91.json"))
        try other.write(to: URL(fileURLWithPath: copy + "/endpoints/vpce-03c4d5e6f7a8b9c02.json"))
        let run = try Self.execute("apply.sh", in: copy)
        #expect(run.status != 0 && run.calls.isEmpty, "\(run.calls)")
        #expect(run.stderr.contains("apply.sh: a draft is not the one this script was written with: nothing applied"), "\(run.stderr)")
    }

    /// A policy over its limit failed half way, after the drafts before it were applied: apply.sh now
    /// checks every size first (an endpoint policy's 20,480 characters, a bucket policy's 20 KB).
    @Test(arguments: [("buckets/acme-app-data.json", " ", 20_481, true), ("endpoints/vpce-03c4d5e6f7a8b9c02.json", "é", 20_481, true),
                      ("endpoints/vpce-03c4d5e6f7a8b9c02.json", "é", 20_000, false)])
    func applyShAppliesAPolicyOverItsLimit(file: String, padding: String, characters: Int, refused: Bool) throws {
        let copy = try Self.copyOfOutput()
        var text = try String(contentsOfFile: copy + "/" + file, encoding: .utf8)
        text += String(repeating: padding, count: characters - text.count)
        try text.write(toFile: copy + "/" + file, atomically: false, encoding: .utf8)
        // The digest put right, as someone who edits a draft on purpose does.
        var apply = try String(contentsOfFile: copy + "/apply.sh", encoding: .utf8)
        if let line = apply.split(separator: "\n").first(where: { $0.hasSuffix("  " + file) }) {
            apply = apply.replacingOccurrences(of: String(line), with: try SHA256Sum.hex(copy + "/" + file) + "  " + file)
        }
        try apply.write(toFile: copy + "/apply.sh", atomically: false, encoding: .utf8)
        let run = try Self.execute("apply.sh", in: copy)
        let ready = try Self.commands(of: "apply.sh").count
        #expect(run.status == (refused ? 1 : 0) && Self.changes(run.calls).count == (refused ? 0 : ready), "\(run.calls) \(run.stderr)")
        let refusal = "apply.sh: \(file) is 20481, over its limit of 20480: nothing applied"
        #expect(run.stderr.contains(refusal) == refused, "\(run.stderr)")
    }

    @Test func applyChangesOnlyTheReadyDraftsAndRollbackPutsBackWhatWasSaved() throws {
        let applied = try Self.commands(of: "apply.sh")
        // The SQS endpoint is review: a call seen only in network activity events hides its resource.
        #expect(applied == [
            """
                ec2 modify-vpc-endpoint --region us-east-1 --vpc-endpoint-id vpce-02b3c4d5e6f7a8b91 --policy-document \
                file://endpoints/vpce-02b3c4d5e6f7a8b91.json
                """,
        ])
        let rolledBack = try Self.commands(of: "rollback.sh")
        #expect(rolledBack.count == applied.count)
        // Every file a command names is in Output/, and each rollback restores the file `current/` saved.
        for command in applied + rolledBack {
            let file = try #require(command.split(separator: " ").last { $0.hasPrefix("file://") }).dropFirst("file://".count)
            #expect(FileManager.default.fileExists(atPath: Self.output + "/" + file), "\(file)")
        }
        #expect(rolledBack.allSatisfy { $0.contains("file://current/") })
        // The unsafe endpoint is neither applied nor rolled back; the review buckets (a week of logs, no
        // --admin-principal) are there, commented out, with who could still change their policy.
        let apply = try String(contentsOfFile: Self.output + "/apply.sh", encoding: .utf8)
        for bucket in ["acme-app-data", "acme-artifacts", "acme-cloudtrail-logs"] {
            #expect(apply.contains("# lock \(bucket) "))
        }
        #expect(apply.contains("only the account's root user"))
        #expect(!applied.joined().contains("vpce-01a2b3c4d5e6f7a80"))
        #expect(apply.contains("# endpoint us-east-1 vpce-03c4d5e6f7a8b9c02 current/endpoints/vpce-03c4d5e6f7a8b9c02.json"))
    }

    /// The Terraform file holds the ready drafts, byte for byte once its heredocs are read back.
    @Test func theTerraformFileHoldsTheReadyDraftsAsTheyAre() throws {
        let tf = try String(contentsOfFile: Self.output + "/perimeter.tf", encoding: .utf8)
        var drafts: [String: String] = [:]
        var current: (id: String, lines: [String])?
        var id: String?
        for line in tf.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if let value = line.split(separator: "\"").dropFirst().first, line.hasPrefix("  vpc_endpoint_id = ")
                || line.hasPrefix("  bucket = ") { id = String(value) }
            else if line.hasSuffix("<<-EOT"), let id { current = (id, []) }
            else if line == "  EOT", let c = current { drafts[c.id] = c.lines.joined(separator: "\n") + "\n"; current = nil }
            else if current
                != nil { current!.lines.append(line.isEmpty ? "" : String(line.dropFirst(4)).replacingOccurrences(of: "$${", with: "${")
                .replacingOccurrences(of: "%%{", with: "%{")) }
        }
        #expect(drafts.keys.sorted() == ["vpce-02b3c4d5e6f7a8b91"])
        for (id, text) in drafts {
            let file = Self.output + (id.hasPrefix("vpce-") ? "/endpoints/" : "/buckets/") + id + ".json"
            #expect(text == (try String(contentsOfFile: file, encoding: .utf8)), "\(id)")
        }
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/local/bin/terraform")
        || FileManager.default.isExecutableFile(atPath: "/usr/bin/terraform"),
                   "terraform is not installed: `terraform fmt -check` not run"))
    func theTerraformFileIsFmtClean() throws {
        #expect(try Self.run("terraform", ["fmt", "-check", "perimeter.tf"], in: Self.output) == 0)
    }
}

extension WorkflowTests {
    @Test func sarifHasOneResultPerDraftThatIsNotReadyAndPerExfiltrationAttemptLocatedAtAFile() throws {
        let dir = TestSupport.temporaryDirectory("sarif")
        let root = TestSupport.repositoryRoot.path
        let result = try Binary.run(
            ["run", root + "/SampleLogs", "--inventory", root + "/SampleLogs/inventory", "--out", "out", "--db", "store.sqlite",
                                     "--sarif", "perimeter.sarif"], in: dir)
        #expect(result.status == 3, "\(result.output)")
        let log = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/perimeter.sarif"))) as? [String: Any])
        #expect(log["version"] as? String == "2.1.0")
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        let rules = ((run["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]] ?? []
        let results = run["results"] as? [[String: Any]] ?? []
        #expect(results.map { $0["level"] as? String } == ["error", "warning", "warning", "warning", "warning", "warning"])
        // SampleLogs' denied write to another account's bucket (day 4), after the drafts.
        #expect(results.map { $0["ruleId"] as? String }.last == "possible-exfiltration")
        #expect((results[0]["properties"] as? [String: [String]])?["evidence"]?.contains("flow-coverage: contradicted") == true)
        for r in results {
            let index = try #require(r["ruleIndex"] as? Int)
            #expect(rules[index]["id"] as? String == r["ruleId"] as? String)
            let location = ((r["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["artifactLocation"] as? [
                String: Any]
            let uri = try #require(location?["uri"] as? String)
            #expect(FileManager.default.fileExists(atPath: dir + "/" + uri), "\(uri)")
        }
        #expect(((results[0]["message"] as? [String: Any])?["text"] as? String)?.contains("coverage-gap") == true)
    }
}

/// `sha256sum` of a file, as apply.sh checks it.
enum SHA256Sum {
    static func hex(_ path: String) throws -> String {
        let process = Process(), out = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sha256sum", path]
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return String(text.prefix(64))
    }
}

extension WorkflowTests {
    /// `--profile-map`: each account's block uses its profile; a name that could be read as shell (or as an
    /// option) refuses the run before anything is read or written.
    @Test(arguments: [("111122223333 prod-admin\n444455556666 audit\n", true), ("111122223333 prod;touch pwned\n", false),
                      ("111122223333 $(id)\n", false), ("111122223333 --debug\n", false)])
    func theProfileMapNamesEachAccountsProfileOrIsRefused(map: String, accepted: Bool) throws {
        let dir = TestSupport.temporaryDirectory("profiles")
        let root = TestSupport.repositoryRoot.path
        try map.write(toFile: dir + "/profiles", atomically: false, encoding: .utf8)
        let result = try Binary.run(["run", root + "/SampleLogs", "--inventory", root + "/SampleLogs/inventory", "--out", "out",
                                     "--db", "store.sqlite", "--profile-map", "profiles"], in: dir)
        #expect(result.status == (accepted ? 3 : 64), "\(result.output)")
        #expect(FileManager.default.fileExists(atPath: dir + "/out/apply.sh") == accepted)
        if accepted {
            let apply = try String(contentsOfFile: dir + "/out/apply.sh", encoding: .utf8)
            #expect(apply.contains("\naccount 111122223333 prod-admin\n") && apply.contains("\n# account 444455556666 audit\n"))
        } else {
            #expect(result.output.contains("--profile-map `profiles`: line 1:"), "\(result.output)")
        }
    }
}
