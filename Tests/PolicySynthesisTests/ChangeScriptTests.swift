import AWSModel
import Foundation
import IAMPolicy
import PerimeterTestSupport
@testable import PolicySynthesis
import Testing
@testable import Reporting

/// apply.sh and rollback.sh run against a stand-in `aws` on PATH: a shell script that records its calls
/// and answers from files (each account's identity per profile, each live policy), and keeps the live
/// policies it is asked to change, so that a rollback can follow an apply.
struct ChangeScriptTests {
    static let first = AccountID("111122223333"), second = AccountID("444455556666")
    static let endpointA = "vpce-0a1b2c3d4e5f60718", endpointB = "vpce-0b1c2d3e4f5a60729"
    static let admin = "arn:aws:iam::111122223333:role/ops/PlatformAdmin"

    static func policy(_ sid: String, _ action: String = "s3:GetObject") -> PolicyDocument {
        PolicyDocument(statements: [Statement(sid: sid, effect: .allow, principal: .any, action: .actions([action]),
                                              resource: .resources(["arn:aws:s3:::app-data/*"]))])
    }

    /// A ready lock on `app-data` answering endpoint A, exempting `admin` (the lock statement's exception).
    static func lock(exempt: [String] = [admin]) -> PolicyDocument {
        PolicyDocument(statements: [Statement(sid: BucketLockBuilder.lockSid, effect: .deny, principal: .any, action: .actions(["s3:*"]),
                                              resource: .resources(["arn:aws:s3:::app-data", "arn:aws:s3:::app-data/*"]),
                                              conditions: [Condition("StringNotEquals", "aws:SourceVpce", [endpointA])]
                                                + (exempt.isEmpty ? [] : [Condition("ArnNotEquals", "aws:PrincipalArn", exempt)]))])
    }

    /// Endpoint A (first account, us-east-1), the lock on app-data (first account), endpoint B (second account, eu-west-1).
    static func drafts(lock: PolicyDocument = lock()) -> [ChangeFiles.Draft] {
        [ChangeFiles.Draft(kind: .bucket, id: "app-data", verdict: .ready, reasons: [], currentSaved: true, draft: lock, account: first,
                           lockEndpoints: [endpointA]),
         ChangeFiles.Draft(kind: .endpoint(region: "us-east-1"), id: endpointA, verdict: .ready, reasons: [], currentSaved: true,
                           draft: policy("DraftA"), account: first),
         ChangeFiles.Draft(kind: .endpoint(region: "eu-west-1"), id: endpointB, verdict: .ready, reasons: [], currentSaved: true,
                           draft: policy("DraftB"), account: second)]
    }

    static let current: [String: PolicyDocument] = ["endpoints/\(endpointA).json": policy("CurrentA", "s3:*"),
                                                    "endpoints/\(endpointB).json": policy("CurrentB", "s3:*"),
                                                    "buckets/app-data.json": PolicyDocument(statements: [])]

    /// An out folder as Perimeter writes it for `drafts`, and a stand-in `aws` whose live policies are the saved ones.
    struct Folder {
        let root: String
        var out: String { root + "/out" }
        var fake: String { root + "/fake" }

        init(_ drafts: [ChangeFiles.Draft] = ChangeScriptTests.drafts(), profiles: [AccountID: String] = [second: "second-admin"]) throws {
            root = TestSupport.temporaryDirectory("scripts")
            var files: [String: String] = [:]
            for d in drafts {
                files[d.file] = PolicyWriter.write(d.draft)
                files[d.current] = PolicyWriter.write(ChangeScriptTests.current[d.file] ?? PolicyDocument(statements: []))
            }
            files["apply.sh"] = ChangeFiles.apply(drafts, files: files, profiles: profiles)
            files["rollback.sh"] = ChangeFiles.rollback(drafts, profiles: profiles)
            for (path, text) in files { try write(text, to: out + "/" + path) }
            for d in drafts { try write(files[d.current]!, to: fake + "/live/" + d.id) }
            try write(Self.standIn, to: fake + "/bin/aws")
            for script in ["/out/apply.sh", "/out/rollback.sh", "/fake/bin/aws"] { chmod(root + script, 0o755) }
            identity("default", ChangeScriptTests.first, ChangeScriptTests.admin.replacingOccurrences(of: ":iam::", with: ":sts::")
                        .replacingOccurrences(of: "role/ops/", with: "assumed-role/") + "/alice")
            identity("second-admin", ChangeScriptTests.second, "arn:aws:sts::444455556666:assumed-role/Deployer/bob")
        }

        func write(_ text: String, to path: String) throws {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: false, encoding: .utf8)
        }

        /// What `aws sts get-caller-identity --query '[Account,Arn]' --output text` prints for `profile`.
        func identity(_ profile: String, _ account: AccountID, _ arn: String) {
            try? write("\(account.rawValue)\t\(arn)\n", to: fake + "/identity-" + profile)
        }

        func live(_ id: String) -> String? { try? String(contentsOfFile: fake + "/live/" + id, encoding: .utf8) }

        /// Runs a script of the folder: its status, the calls that changed a policy (as the stand-in saw them), stderr.
        func run(_ script: String, _ arguments: [String] = []) throws -> (status: Int32, changes: [String], stderr: String) {
            let process = Process(), stderr = Pipe()
            process.executableURL = URL(fileURLWithPath: out + "/" + script)
            process.arguments = arguments
            var environment = ProcessInfo.processInfo.environment
            environment["PATH"] = fake + "/bin:" + (environment["PATH"] ?? "/usr/bin:/bin")
            environment["FAKE_AWS"] = fake
            process.environment = environment
            process.currentDirectoryURL = URL(fileURLWithPath: "/")
            process.standardError = stderr
            process.standardOutput = FileHandle.nullDevice
            try? FileManager.default.removeItem(atPath: fake + "/calls")
            try process.run()
            let message = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            let calls = ((try? String(contentsOfFile: fake + "/calls", encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
            let changes = calls.filter { ["modify-vpc-endpoint", "put-bucket-policy", "delete-bucket-policy"].contains(where: $0.contains) }
            return (process.terminationStatus, changes, message)
        }

        /// The stand-in: records each call, answers identity and live policies from files, keeps the changes.
        static let standIn = #"""
            #!/usr/bin/env bash
            set -eu
            printf '%s\n' "$*" >>"$FAKE_AWS/calls"
            profile=default
            if [ "$1" = --profile ]; then profile=$2; shift 2; fi
            value() { local want=$1; shift; while [ $# -gt 1 ]; do if [ "$1" = "$want" ]; then echo "$2"; return; fi; shift; done; }
            case "$1 $2" in
                'sts get-caller-identity') cat "$FAKE_AWS/identity-$profile" ;;
                'ec2 describe-vpc-endpoints') id=$(value --vpc-endpoint-ids "$@")
                    if [ -f "$FAKE_AWS/live/$id" ]; then cat "$FAKE_AWS/live/$id"; else echo None; fi ;;
                's3api get-bucket-policy') id=$(value --bucket "$@")
                    if [ -f "$FAKE_AWS/live/$id" ]; then cat "$FAKE_AWS/live/$id"; else
                        echo 'An error occurred (NoSuchBucketPolicy) when calling the GetBucketPolicy operation' >&2; exit 254; fi ;;
                'ec2 modify-vpc-endpoint') file=$(value --policy-document "$@")
                    cp "${file#file://}" "$FAKE_AWS/live/$(value --vpc-endpoint-id "$@")" ;;
                's3api put-bucket-policy') file=$(value --policy "$@"); cp "${file#file://}" "$FAKE_AWS/live/$(value --bucket "$@")" ;;
                's3api delete-bucket-policy') rm "$FAKE_AWS/live/$(value --bucket "$@")" ;;
                *) echo "stand-in aws: unexpected $*" >&2; exit 2 ;;
            esac
            """#
    }

    @Test func applyThenRollbackChangeEachAccountUnderItsOwnProfileInOrder() throws {
        let folder = try Folder()
        let applied = try folder.run("apply.sh")
        #expect(applied.status == 0, "\(applied.stderr)")
        // Account by account; in each, endpoint policies before the lock; the second account under its profile.
        #expect(applied.changes.map { $0.split(separator: " ").prefix(4).joined(separator: " ") } == [
            "ec2 modify-vpc-endpoint --region us-east-1", "s3api put-bucket-policy --bucket app-data",
            "--profile second-admin ec2 modify-vpc-endpoint"])
        #expect(folder.live(Self.endpointB) == PolicyWriter.write(Self.policy("DraftB")))
        let rolledBack = try folder.run("rollback.sh")
        #expect(rolledBack.status == 0, "\(rolledBack.stderr)")
        #expect(rolledBack.changes.map { $0.split(separator: " ").prefix(2).joined(separator: " ") } == [
            "s3api put-bucket-policy", "ec2 modify-vpc-endpoint", "--profile second-admin"])
        #expect(folder.live(Self.endpointA) == PolicyWriter.write(Self.policy("CurrentA", "s3:*")))
        // Run again, nothing is left to do: each policy is already what the script would make it.
        let again = try folder.run("rollback.sh")
        #expect(again.status == 0 && again.changes.isEmpty, "\(again)")
    }

    /// apply.sh interleaved both accounts' changes under one set of credentials: the first call for the
    /// other account failed after the first account's changes were made.
    @Test func applyShRunsABlockUnderTheWrongAccount() throws {
        let folder = try Folder()
        folder.identity("second-admin", Self.first, "arn:aws:sts::111122223333:assumed-role/Deployer/bob")
        let run = try folder.run("apply.sh")
        #expect(run.status == 1 && run.changes.isEmpty, "\(run.changes)")
        let refusal = "account 444455556666: the credentials of profile second-admin are account 111122223333's: nothing applied"
        #expect(run.stderr.contains(refusal),
                "\(run.stderr)")
    }

    /// The sample's second account holds only review drafts: apply.sh stopped at its credentials, which
    /// whoever applies the first account's drafts need not have.
    @Test func applyShAsksForTheCredentialsOfAnAccountWithNothingReady() throws {
        var drafts = Self.drafts()
        drafts[2].verdict = .review
        let folder = try Folder(drafts)
        folder.identity("second-admin", Self.first, "arn:aws:sts::111122223333:assumed-role/Deployer/bob")
        let run = try folder.run("apply.sh")
        #expect(run.status == 0 && run.changes.count == 2, "\(run.stderr)")
        #expect(try String(contentsOfFile: folder.out + "/apply.sh", encoding: .utf8).contains("\n# account 444455556666 second-admin\n"))
    }

    /// apply.sh overwrote whatever was live, though it had changed since Perimeter read it.
    @Test func applyShOverwritesADriftedLivePolicy() throws {
        let folder = try Folder()
        let drifted = PolicyWriter.write(Self.policy("ChangedByHand"))
        try folder.write(drifted, to: folder.fake + "/live/" + Self.endpointB)
        let run = try folder.run("apply.sh")
        #expect(run.status == 1 && run.changes.isEmpty, "\(run.changes)")
        #expect(run.stderr.contains("endpoint \(Self.endpointB): drift"), "\(run.stderr)")
        #expect(try String(contentsOfFile: folder.out + "/drift/endpoints/\(Self.endpointB).json", encoding: .utf8) == drifted)
        let forced = try folder.run("apply.sh", ["--force"])
        #expect(forced.status == 0 && forced.changes.count == 3, "\(forced.stderr)")
        #expect(forced.stderr.contains("--force, changed anyway"))
    }

    /// The live policy is compared as JSON: AWS returns it minified, with its keys in its own order.
    @Test func aLivePolicyWrittenOtherwiseIsNotDrift() throws {
        let folder = try Folder()
        try folder.write(#"{"Statement":[{"Resource":"arn:aws:s3:::app-data/*","Action":"s3:*","Principal":"*","Effect":"Allow","#
                         + #""Sid":"CurrentB"}],"Version":"2012-10-17"}"#,
                         to: folder.fake + "/live/" + Self.endpointB)
        let run = try folder.run("apply.sh")
        #expect(run.status == 0 && run.changes.count == 3, "\(run.stderr)")
    }

    /// A lock without an administration path applied from a laptop: rollback.sh from there was refused.
    @Test(arguments: [
        ("arn:aws:sts::111122223333:assumed-role/Laptop/carol", [String](), false),
        ("arn:aws:sts::111122223333:assumed-role/Laptop/carol", ["--via-endpoint", endpointA], true),
        ("arn:aws:sts::111122223333:assumed-role/Laptop/carol", ["--via-endpoint", endpointB], false),
        ("arn:aws:iam::111122223333:root", [String](), true),
        ("arn:aws:sts::111122223333:assumed-role/PlatformAdmin/dave", [String](), true),
        ("arn:aws:sts::111122223333:assumed-role/PlatformAdminX/eve", [String](), false),
    ])
    func applyShLocksABucketItsCallerCannotUnlock(caller: String, arguments: [String], applies: Bool) throws {
        let folder = try Folder()
        folder.identity("default", Self.first, caller)
        let run = try folder.run("apply.sh", arguments)
        #expect(run.status == (applies ? 0 : 1), "\(run.stderr)")
        #expect(run.changes.count == (applies ? 3 : 0), "\(run.changes)")
        if !applies { #expect(run.stderr.contains("bucket app-data: once locked") && run.stderr.contains("--admin-principal")) }
    }

    @Test(arguments: ["x; rm -rf ~", "$(id)", "`id`", "a'b", "a b", "-x", "--debug", "a\u{7}b", "prod\u{202E}", "p|q", "a*", ""])
    func aProfileMapWithAHostileNameIsRefused(name: String) {
        #expect(throws: ProfileMap.Refusal.self) { try ProfileMap.parse("111122223333 \(name)\n") }
    }

    @Test func aProfileMapNamesEachAccountsProfile() throws {
        let map = try ProfileMap.parse("# prod\n111122223333 prod-admin\n\n444455556666=audit.read@org\r\n")
        #expect(map == [Self.first: "prod-admin", Self.second: "audit.read@org"])
        #expect(throws: ProfileMap.Refusal(line: 2, reason: "account 111122223333 is named twice")) {
            try ProfileMap.parse("111122223333 a\n111122223333 b\n")
        }
        #expect(throws: ProfileMap.Refusal.self) { try ProfileMap.parse("1111-2222-3333 a\n") }
    }

    @Test(arguments: [("vpce-0abc", "vpce-0abc"), ("a b", "'a b'"), ("it's", "'it'\\''s'"), ("a\nb", "$'a\\x0ab'"), ("", "''"),
                      ("$(id)", "'$(id)'"), ("é", "$'\\xc3\\xa9'")])
    func aValueStandsInAScriptAsOneWord(value: String, word: String) {
        #expect(ScriptLibrary.word(value) == word)
    }

    /// Both scripts read as bash, with and without changes, and pass shellcheck where it is installed.
    @Test func theScriptsAreBashAndShellcheckClean() throws {
        var review = Self.drafts()
        review[0].verdict = .review
        for folder in [try Folder(), try Folder(review)] {
            for script in ["apply.sh", "rollback.sh"] {
                #expect(try Self.tool("bash", ["-n", folder.out + "/" + script]) == 0, "\(script)")
                if TestSupport.executable(named: "shellcheck") != nil {
                    #expect(try Self.tool("shellcheck", ["-S", "warning", folder.out + "/" + script]) == 0, "\(script)")
                }
            }
        }
    }

    static func tool(_ name: String, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [name] + arguments
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
