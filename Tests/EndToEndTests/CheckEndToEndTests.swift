import Foundation
import PerimeterTestSupport
import Testing

/// `perimeter check` after a simulated apply: Output/ (the sample's run) is the applied folder, and newer
/// logs are made from the CloudTrail User Guide's network activity records (Tests/Fixtures/README.md),
/// their fields set to the sample's accounts, roles and endpoints.
@Suite(.serialized)
struct CheckEndToEndTests {
    static let root = TestSupport.repositoryRoot.path
    static let s3Endpoint = "vpce-01a2b3c4d5e6f7a80"
    static let appServer = "arn:aws:iam::111122223333:role/app-server"

    /// The documented record `fixture` with `fields` set (`userIdentity` replaced whole when given).
    static func record(_ fixture: String, _ fields: [String: Any]) throws -> [String: Any] {
        let text = try Data(contentsOf: URL(fileURLWithPath: TestSupport.fixture("cloudtrail/" + fixture)))
        var record = try #require(try JSONSerialization.jsonObject(with: text) as? [String: Any])
        for (key, value) in fields { record[key] = value }
        return record
    }

    /// A role of the sample, as an assumed-role session's `userIdentity` names it.
    static func role(_ arn: String) -> [String: Any] {
        let account = arn.split(separator: ":", omittingEmptySubsequences: false)[4], name = arn.split(separator: "/").last!
        return ["type": "AssumedRole", "principalId": "AROAEXAMPLE:session", "arn": "arn:aws:sts::\(account):assumed-role/\(name)/session",
                "accountId": String(account), "sessionContext": ["sessionIssuer": ["type": "Role", "principalId": "AROAEXAMPLE", "arn": arn,
                                                                                   "accountId": String(account), "userName": String(name)]]]
    }

    /// An S3 data event through the sample's S3 endpoint, from the documented allowed record.
    static func s3(_ n: Int, _ principal: String, _ event: String, _ key: String, error: (String, String)? = nil,
                   bucket: String = "acme-app-data", claimedOwner: String? = nil) throws -> [String: Any] {
        var fields: [String: Any] = [
            "userIdentity": role(principal), "eventSource": "s3.amazonaws.com", "eventName": event,
            "eventCategory": "Data", "eventType": "AwsApiCall", "eventTime": "2026-11-09T10:0\(n):00Z",
            "eventID": "c0ffee00-0000-4000-8000-00000000000\(n)", "requestID": "REQ\(n)", "sourceIPAddress": "10.0.1.21",
            "recipientAccountId": "111122223333", "vpcEndpointId": s3Endpoint, "vpcEndpointAccountId": "111122223333",
            "requestParameters": ["bucketName": bucket, "key": key]]
        if let error { fields["errorCode"] = error.0; fields["errorMessage"] = error.1 }
        if let claimedOwner {
            fields["resources"] = [["type": "AWS::S3::Object", "ARN": "arn:aws:s3:::\(bucket)/\(key)"],
                                   ["type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::\(bucket)", "accountId": claimedOwner]]
        }
        return try record("cloudtrail-events.network-allowed.json", fields)
    }

    static let endpointDenial = ("AccessDenied", "User: arn:aws:sts::111122223333:assumed-role/app-server/session is not authorized to "
                                 + "perform: s3:GetObject because no VPC endpoint policy allows the s3:GetObject action")

    /// A folder of newer logs holding `records` as one CloudTrail file, and a copy of Output/ as the applied folder.
    static func setUp(_ records: [[String: Any]]) throws -> (dir: String, logs: String, applied: String) {
        let dir = TestSupport.temporaryDirectory("check")
        try FileManager.default.createDirectory(atPath: dir + "/newer", withIntermediateDirectories: true)
        try JSONSerialization.data(withJSONObject: ["Records": records]).write(to: URL(fileURLWithPath: dir + "/newer/newer-trail.json"))
        try FileManager.default.copyItem(atPath: root + "/Output", toPath: dir + "/applied")
        return (dir, dir + "/newer", dir + "/applied")
    }

    static func check(_ setup: (dir: String, logs: String, applied: String), json: Bool = false) throws -> Binary.Result {
        try Binary.run(["check", setup.logs, "--applied", setup.applied, "--out", setup.dir + "/amended",
                        "--db", setup.dir + "/store.sqlite"] + (json ? ["--json"] : []))
    }

    static func evaluate(_ policy: String, _ action: String, _ resource: String, _ principal: String) throws -> Int32 {
        try Binary.run(["evaluate", "--policy", policy, "--action", action, "--resource", resource, "--principal", principal,
                        "--context", "aws:SourceVpce=\(s3Endpoint)", "--kind", "gateway-endpoint"]).status
    }

    @Test func checkNamesRefusedRequestsAndTheAmendedDraftReadmitsExactlyThem() throws {
        let setup = try Self.setUp([
            try Self.s3(1, Self.appServer, "GetObject", "reports/q3.csv", error: Self.endpointDenial),
            try Self.s3(2, "arn:aws:iam::111122223333:role/invoice-fn-role", "PutObject", "exports/2026-11.json"),
            try Self.s3(3, Self.appServer, "GetObject", "config/app.yaml"),
        ])
        let run = try Self.check(setup)
        #expect(run.status == 4, "\(run.output)")
        #expect(run.output.contains("refused: \(Self.s3Endpoint) \(Self.appServer) s3:GetObject arn:aws:s3:::acme-app-data/reports/q3.csv"))
        #expect(run.output.contains("would-refuse: \(Self.s3Endpoint) arn:aws:iam::111122223333:role/invoice-fn-role s3:PutObject"))
        #expect(!run.output.contains("config/app.yaml"), "a request the applied draft allows is no finding")
        let amended = setup.dir + "/amended/endpoints/\(Self.s3Endpoint).json"
        let applied = setup.applied + "/endpoints/\(Self.s3Endpoint).json"
        let q3 = "arn:aws:s3:::acme-app-data/reports/q3.csv"
        #expect(try Self.evaluate(amended, "s3:GetObject", q3, Self.appServer) == 0)
        #expect(try Self.evaluate(applied, "s3:GetObject", q3, Self.appServer) == 1)
        #expect(try Self.evaluate(amended, "s3:PutObject", "arn:aws:s3:::acme-app-data/exports/2026-11.json",
                                  "arn:aws:iam::111122223333:role/invoice-fn-role") == 0)
        // Exactly those: the next key, another role, another action stay refused.
        #expect(try Self.evaluate(amended, "s3:GetObject", "arn:aws:s3:::acme-app-data/reports/q4.csv", Self.appServer) == 1)
        #expect(try Self.evaluate(amended, "s3:GetObject", q3, "arn:aws:iam::111122223333:role/invoice-fn-role") == 1)
        #expect(try Self.evaluate(amended, "s3:DeleteObject", q3, Self.appServer) == 1)
        let diff = try String(contentsOfFile: setup.dir + "/amended/endpoints/\(Self.s3Endpoint).diff", encoding: .utf8)
        #expect(diff.contains("+      \"Resource\": \"\(q3)\""))
        #expect(FileManager.default.fileExists(atPath: setup.dir + "/amended/report.md"))
        #expect(FileManager.default.fileExists(atPath: setup.dir + "/amended/.perimeter-manifest"))
    }

    /// The documented denied record: an identity CloudTrail redacted to its account (777788889999, outside the
    /// sample's trusted accounts) refused by the SQS endpoint's policy; and an AccessDenied not said to be the
    /// endpoint policy's, on a request the applied draft refuses too. Neither is re-admitted: exit 3.
    @Test(arguments: ["redacted", "otherDenial"])
    func checkDoesNotReadmitForeignOrOtherwiseDeniedRequests(kind: String) throws {
        let record = kind == "redacted"
            ? try Self.record("cloudtrail-events.network-denied.json", [
                "vpcEndpointId": "vpce-03c4d5e6f7a8b9c02", "eventTime": "2026-11-09T11:00:00Z", "eventSource": "sqs.amazonaws.com",
                "eventName": "SendMessage", "recipientAccountId": "111122223333", "vpcEndpointAccountId": "111122223333"])
            : try Self.s3(4, Self.appServer, "DeleteObject", "config/app.yaml",
                          error: ("AccessDenied",
                                  "User is not authorized to perform: s3:DeleteObject with an explicit deny in an identity-based policy"))
        let run = try Self.check(try Self.setUp([record]), json: true)
        #expect(run.status == 3, "\(run.output)")
        let start = try #require(run.output.firstIndex(of: "{"))
        let object = try JSONSerialization.jsonObject(with: Data(run.output[start...].utf8)) as? [String: Any]
        let findings = try #require(object?["findings"] as? [[String: Any]])
        #expect(findings.count == 1)
        #expect(findings.first?["readmitted"] as? Bool == false)
        #expect((findings.first?["reason"] as? String)?.isEmpty == false)
    }

    /// Before: a bucket the applied run did not know was re-admitted on the owner the new record claims for it
    /// (`resources[].accountId`, which whoever writes to the trail chooses): a PutObject to an outside bucket
    /// became an amendment. A bucket's owner is not in its ARN; check takes it only from the applied run.
    @Test func checkReadmittedABucketOnTheOwnerARecordClaims() throws {
        let forged = try Self.s3(6, Self.appServer, "PutObject", "dump.tar.gz",
                                 error: ("AccessDenied", Self.endpointDenial.1.replacingOccurrences(of: "GetObject", with: "PutObject")),
                                 bucket: "acme-secret-vault", claimedOwner: "111122223333")
        let setup = try Self.setUp([forged])
        let run = try Self.check(setup)
        #expect(run.status == 3, "\(run.output)")
        #expect(run.output.contains("a bucket the applied run does not know"), "\(run.output)")
        let amended = setup.dir + "/amended/endpoints/\(Self.s3Endpoint).json"
        #expect((try? String(contentsOfFile: amended, encoding: .utf8))?.contains("acme-secret-vault") != true)
    }

    /// Logged text stays literal: a refused key holding `*` is re-admitted as itself (`${*}`), never as a
    /// wildcard over its neighbours.
    @Test func checkReadmitsALoggedWildcardAsItsLiteral() throws {
        let setup = try Self.setUp([try Self.s3(5, Self.appServer, "GetObject", "reports/*", error: Self.endpointDenial)])
        #expect(try Self.check(setup).status == 4)
        let amended = setup.dir + "/amended/endpoints/\(Self.s3Endpoint).json"
        #expect(try String(contentsOfFile: amended, encoding: .utf8).contains("arn:aws:s3:::acme-app-data/reports/${*}"))
        #expect(try Self.evaluate(amended, "s3:GetObject", "arn:aws:s3:::acme-app-data/reports/*", Self.appServer) == 0)
        #expect(try Self.evaluate(amended, "s3:GetObject", "arn:aws:s3:::acme-app-data/reports/q3.csv", Self.appServer) == 1)
    }

    /// The grant check bounds an amendment: the SQS endpoint's policy before the applied draft denies
    /// `sqs:PurgeQueue`, so a PurgeQueue the applied draft refused is not re-admitted (exit 3), while a
    /// SendMessage of the same role the policy before allowed is.
    @Test func checkNeverReadmitsWhatThePolicyBeforeTheAppliedDraftRefused() throws {
        func sqs(_ n: Int, _ event: String) throws -> [String: Any] {
            try Self.record("cloudtrail-events.network-allowed.json", [
                "userIdentity": Self.role("arn:aws:iam::111122223333:role/order-worker-task"), "eventSource": "sqs.amazonaws.com",
                "eventName": event, "eventCategory": "Management", "eventType": "AwsApiCall", "eventTime": "2026-11-09T12:0\(n):00Z",
                "eventID": "5a5a5a5a-0000-4000-8000-00000000000\(n)", "vpcEndpointId": "vpce-03c4d5e6f7a8b9c02",
                "recipientAccountId": "111122223333", "vpcEndpointAccountId": "111122223333", "errorCode": "AccessDenied",
                "errorMessage": "User is not authorized to perform: sqs:\(event) because no VPC endpoint policy allows the "
                    + "sqs:\(event) action",
                "requestParameters": ["queueUrl": "https://sqs.us-east-1.amazonaws.com/111122223333/order-events"]])
        }
        let setup = try Self.setUp([try sqs(1, "PurgeQueue"), try sqs(2, "ChangeMessageVisibility")])
        let run = try Self.check(setup)
        #expect(run.status == 3, "\(run.output)")
        #expect(run.output.contains("sqs:PurgeQueue arn:aws:sqs:us-east-1:111122223333:order-events (1) — NOT re-admitted: "
                                    + "re-admitting it would grant more than the policy before the applied draft"), "\(run.output)")
        #expect(run.output.contains("sqs:ChangeMessageVisibility arn:aws:sqs:us-east-1:111122223333:order-events (1) — re-admitted"))
        let amended = try String(contentsOfFile: setup.dir + "/amended/endpoints/vpce-03c4d5e6f7a8b9c02.json", encoding: .utf8)
        #expect(amended.contains("sqs:ChangeMessageVisibility") && !amended.contains("sqs:PurgeQueue"))
    }

    /// A tampered applied folder is a clear error naming the file, before anything is read or written.
    /// `current-removed`: before, deleting a `current/` copy and its manifest line made check read the policy
    /// before the apply as AWS's full-access default, and re-admit what that policy had denied.
    @Test(arguments: ["link", "folder-link", "malformed", "current-changed", "current-removed", "no-manifest"])
    func checkRefusesATamperedAppliedFolder(tamper: String) throws {
        let setup = try Self.setUp([try Self.s3(1, Self.appServer, "GetObject", "reports/q3.csv", error: Self.endpointDenial)])
        let draft = setup.applied + "/endpoints/\(Self.s3Endpoint).json"
        let expected: String
        switch tamper {
        case "link":
            try FileManager.default.removeItem(atPath: draft)
            try FileManager.default.createSymbolicLink(atPath: draft, withDestinationPath: setup.dir + "/elsewhere.json")
            expected = "symbolic link"
        case "folder-link":
            try FileManager.default.moveItem(atPath: setup.applied + "/current", toPath: setup.dir + "/current-elsewhere")
            try FileManager.default.createSymbolicLink(atPath: setup.applied + "/current", withDestinationPath: setup.dir
                + "/current-elsewhere")
            expected = "`current` is a symbolic link"
        case "malformed":
            try Data("{\"Version\": \"2012-10-17\", \"Statement\": [".utf8).write(to: URL(fileURLWithPath: draft))
            expected = "not a policy"
        case "current-changed":
            let current = setup.applied + "/current/endpoints/vpce-03c4d5e6f7a8b9c02.json"
            try Data(PolicyTexts.allowAll.utf8).write(to: URL(fileURLWithPath: current))
            expected = "not as Perimeter wrote it"
        case "current-removed":
            let current = "current/endpoints/vpce-03c4d5e6f7a8b9c02.json"
            try FileManager.default.removeItem(atPath: setup.applied + "/" + current)
            let manifest = setup.applied + "/.perimeter-manifest"
            let lines = try String(contentsOfFile: manifest, encoding: .utf8).split(separator: "\n").filter { !$0.hasSuffix(current) }
            try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: manifest))
            expected = "says the policy before the apply was known"
        default:
            try FileManager.default.removeItem(atPath: setup.applied + "/.perimeter-manifest")
            expected = ".perimeter-manifest"
        }
        let run = try Self.check(setup)
        #expect(run.status == 64, "\(run.output)")
        #expect(run.output.contains(expected), "\(run.output)")
        #expect(!FileManager.default.fileExists(atPath: setup.dir + "/amended/report.md"))
    }

    /// A network activity event (no data or management event of its request) through the sample's DynamoDB endpoint.
    static func networkOnly(_ n: Int, _ principal: String, _ event: String) throws -> [String: Any] {
        try record("cloudtrail-events.network-allowed.json", [
            "userIdentity": role(principal), "eventSource": "dynamodb.amazonaws.com", "eventName": event,
            "eventTime": "2026-11-09T12:0\(n):00Z", "eventID": "d0d0d0d0-0000-4000-8000-00000000000\(n)", "requestID": "NET\(n)",
            "sourceIPAddress": "10.0.1.21", "recipientAccountId": "111122223333", "vpcEndpointId": "vpce-02b3c4d5e6f7a8b91",
            "vpcEndpointAccountId": "111122223333"])
    }

    /// Before: allowed network-only calls were counted "not replayed" and dropped, so a Scan and a DeleteTable
    /// the applied draft refuses on every table exited 0 with no finding. Whatever the resource, the draft
    /// refuses them: listed for a human (exit 3), never re-admitted; a call whose action the draft allows on
    /// some table is unknown, listed as such.
    @Test func checkSaidNothingOfNetworkOnlyCallsTheDraftRefuses() throws {
        let invoiceFn = "arn:aws:iam::111122223333:role/invoice-fn-role"
        let setup = try Self.setUp([
            try Self.networkOnly(1, Self.appServer, "Scan"), try Self.networkOnly(2, Self.appServer, "DeleteTable"),
            try Self.networkOnly(3, invoiceFn, "GetItem"), try Self.networkOnly(4, Self.appServer, "GetItem"),
        ])
        let run = try Self.check(setup, json: true)
        #expect(run.status == 3, "\(run.output)")
        let start = try #require(run.output.firstIndex(of: "{"))
        let object = try JSONSerialization.jsonObject(with: Data(run.output[start...].utf8)) as? [String: Any]
        let findings = try #require(object?["findings"] as? [[String: Any]])
        let refused = findings.map { "\($0["principal"] ?? "") \($0["action"] ?? "") \($0["kind"] ?? "")" }.sorted()
        #expect(refused == ["\(Self.appServer) dynamodb:DeleteTable would-refuse", "\(Self.appServer) dynamodb:Scan would-refuse",
                            "\(invoiceFn) dynamodb:GetItem would-refuse"], "\(run.output)")
        #expect(findings.allSatisfy { $0["readmitted"] as? Bool == false && ($0["resources"] as? [String])?.isEmpty == true })
        let unknown = try #require(object?["unknown"] as? [[String: Any]])
        #expect(unknown.map { "\($0["principal"] ?? "") \($0["action"] ?? "")" } == ["\(Self.appServer) dynamodb:GetItem"])
        #expect(!FileManager.default.fileExists(atPath: setup.dir + "/amended/endpoints"))
        let report = try String(contentsOfFile: setup.dir + "/amended/report.md", encoding: .utf8)
        #expect(report.contains("Not re-admitted: a human decides") && report.contains("Unknown: no resource logged"))
    }

    @Test func checkWithNothingRefusedExitsZeroAndAmendsNothing() throws {
        let setup = try Self.setUp([try Self.s3(3, Self.appServer, "GetObject", "config/app.yaml")])
        let run = try Self.check(setup)
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.contains("nothing refused"))
        #expect(!FileManager.default.fileExists(atPath: setup.dir + "/amended/endpoints"))
    }

    /// The same logs checked twice count once (the store's ledger), and `--since` after them leaves nothing.
    @Test func checkCountsLogsOnceAndKeepsToItsWindow() throws {
        let setup = try Self.setUp([try Self.s3(1, Self.appServer, "GetObject", "reports/q3.csv", error: Self.endpointDenial)])
        let first = try Self.check(setup), again = try Self.check(setup)
        #expect(first.status == 4 && again.status == 4)
        #expect(again.output.contains("nothing new"))
        #expect(again.output.contains("check: 1 requests through the applied endpoints from 2026-11-08"), "\(again.output)")
        let later = try Binary.run(["check", setup.logs, "--applied", setup.applied, "--out", setup.dir + "/later", "--db",
                                    setup.dir + "/store.sqlite", "--since", "2026-11-10"])
        #expect(later.status == 0, "\(later.output)")
        #expect(later.output.contains("nothing refused"))
    }

    @Test func checkRefusesToWriteIntoTheAppliedFolder() throws {
        let setup = try Self.setUp([])
        let run = try Binary.run(["check", setup.logs, "--applied", setup.applied, "--out", setup.applied + "/.",
                                  "--db", setup.dir + "/s.sqlite"])
        #expect(run.status == 64)
        #expect(run.output.contains("--out must not be the --applied folder"))
    }
}

enum PolicyTexts {
    static let allowAll = "{\"Version\": \"2008-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"*\", "
        + "\"Action\": \"*\", \"Resource\": \"*\"}]}\n"
}

/// `perimeter selectors` on the sample's store: what it prints is what `put-event-selectors` takes, read
/// here against the API Reference's rules written out again (AdvancedEventSelector, AdvancedFieldSelector).
struct SelectorsEndToEndTests {
    static let fields: [String: Set<String>] = [
        "Data": ["eventCategory", "eventName", "eventSource", "eventType", "resources.type", "readOnly", "resources.ARN",
                 "sessionCredentialFromConsole", "userIdentity.arn"],
        "NetworkActivity": ["eventCategory", "eventSource", "eventName", "errorCode", "vpcEndpointId", "userIdentity.arn"],
    ]
    static let operators: Set<String> = ["Equals", "StartsWith", "EndsWith", "NotEquals", "NotStartsWith", "NotEndsWith"]

    /// The API's objections to one selector (empty when it takes it), and the values it spends.
    static func objections(_ selector: [String: Any]) -> (problems: [String], values: Int) {
        var problems: [String] = [], values = 0
        let name = selector["Name"] as? String ?? ""
        if name.count > 1000 { problems.append("name over 1000") }
        let conditions = selector["FieldSelectors"] as? [[String: Any]] ?? []
        let category = conditions.first { $0["Field"] as? String == "eventCategory" }?["Equals"] as? [String] ?? []
        guard category.count == 1, let allowed = fields[category[0]] else { return (["\(name): eventCategory"], 0) }
        for c in conditions {
            let field = c["Field"] as? String ?? ""
            if !allowed.contains(field) { problems.append("\(name): \(field) not a field of \(category[0])") }
            for (key, value) in c where key != "Field" {
                let list = value as? [String] ?? []
                values += list.count
                if !operators.contains(key) || list.isEmpty || list.contains(where: { $0.isEmpty || $0.count > 2048 }) {
                    problems.append("\(name): \(field) \(key)")
                }
                let equalsOnly = ["eventCategory", "resources.type", "errorCode"].contains(field)
                    || (category[0] == "NetworkActivity" && field == "eventSource")
                if equalsOnly && (key != "Equals" || list.count != 1) { problems.append("\(name): \(field) takes one Equals value") }
                if field == "errorCode" && list != ["VpceAccessDenied"] { problems.append("\(name): errorCode") }
            }
        }
        let required = category[0] == "Data" ? ["resources.type"] : ["eventSource"]
        for field in required where !conditions.contains(where: { $0["Field"] as? String == field }) {
            problems.append("\(name): no \(field)")
        }
        return (problems, values)
    }

    @Test(arguments: [false, true])
    func selectorsOnTheSampleAreWhatTheAPITakes(denialsOnly: Bool) throws {
        let dir = TestSupport.temporaryDirectory("selectors")
        #expect(try Binary.run(["ingest", TestSupport.repositoryRoot.path + "/SampleLogs", "--db", dir + "/s.sqlite"]).status == 0)
        let process = Process(), out = Pipe()
        process.executableURL = URL(fileURLWithPath: Binary.path)
        process.arguments = ["selectors", "--db", dir + "/s.sqlite"] + (denialsOnly ? ["--denials-only"] : [])
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let selectors = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        let read = selectors.map(Self.objections)
        #expect(read.flatMap(\.problems) == [])
        #expect(read.reduce(0) { $0 + $1.values } <= 500)
        let sources = selectors.compactMap { s -> String? in
            let conditions = s["FieldSelectors"] as? [[String: Any]] ?? []
            return conditions.first { $0["Field"] as? String == "eventSource" }.flatMap { ($0["Equals"] as? [String])?.first }
        }
        #expect(sources == ["dynamodb.amazonaws.com", "s3.amazonaws.com", "sqs.amazonaws.com"])
        // The sample's exfiltration bucket (another account's) and AWS-owned buckets are no data event of ours.
        #expect(!String(decoding: data, as: UTF8.self).contains("exfil-drop"))
        #expect(!String(decoding: data, as: UTF8.self).contains("arn:aws:s3:::aws-ssm-us-east-1/"))
    }
}
