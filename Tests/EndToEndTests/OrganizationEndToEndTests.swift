import Foundation
import IAMPolicy
import PerimeterTestSupport
import Testing

/// Issue 29 end to end: `perimeter sample --organization`, then `run --lock-scope org` on it.
@Suite(.serialized)
struct OrganizationEndToEndTests {
    static func json(_ path: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as? [String: Any])
    }

    @Test func organizationSampleLocksByOrganizationDraftsAnRCPAndLeavesSMTPNotEnforceable() throws {
        let dir = TestSupport.temporaryDirectory("organization")
        #expect(try Binary.run(["sample", "--organization", "--out", dir + "/org"]).status == 0)
        let out = dir + "/out"
        let run = try Binary.run(["run", dir + "/org", "--inventory", dir + "/org/inventory", "--out", out, "--db", dir + "/db.sqlite",
                                  "--lock-scope", "org"])
        #expect([3, 4].contains(run.status), "\(run.output)")

        // Locks, each in its account's and Region's folder: the narrowest OU holding the owners of the endpoints it
        // answers (aws:VpceOrgPaths, S3 takes it), else the organization (aws:VpceOrgID); always both guards.
        let locks = [("100000000001/us-east-1/buckets/acme-prod-orders.json",
                      "\"aws:VpceOrgPaths\": \"o-exmpl7orgz/r-ex12/ou-ex12-wkld0003/*\""),
                     ("200000000002/eu-west-1/buckets/acme-data-lake-eu.json",
                      "\"aws:VpceOrgPaths\": \"o-exmpl7orgz/r-ex12/ou-ex12-wkld0003/ou-ex12-data0002/*\""),
                     ("300000000003/us-east-1/buckets/acme-artifacts.json", "\"aws:VpceOrgID\": \"o-exmpl7orgz\"")]
        for (file, key) in locks {
            let text = try String(contentsOfFile: out + "/" + file, encoding: .utf8)
            #expect(text.contains(key) && !text.contains("aws:SourceVpce\""), "\(file)")
            #expect(text.contains("aws:PrincipalIsAWSService") && text.contains("aws:ViaAWSService"), "\(file)")
        }
        #expect(!FileManager.default.fileExists(atPath: out + "/buckets") && !FileManager.default.fileExists(atPath: out + "/endpoints"))

        // The RCP: valid, within 5,120 characters, VpceOrgID where the table lists it, aws:SourceVpce elsewhere.
        let rcp = try String(contentsOfFile: out + "/org/rcp-network-perimeter.json", encoding: .utf8)
        #expect(rcp.count <= 5_120)
        let policy = try PolicyReader.read(rcp)
        #expect(policy.statements.allSatisfy { $0.effect == .deny })
        let summary = try Self.json(out + "/summary.json")
        let organization = try #require(summary["organization"] as? [String: Any])
        let keys = try #require(organization["keys"] as? [String: String])
        #expect(keys["s3"] == "aws:VpceOrgID" && keys["kms"] == "aws:VpceOrgID" && keys["sts"] == "aws:SourceVpce")
        #expect(keys["secretsmanager"] == "aws:SourceVpce")
        let replay = try #require(organization["replay"] as? [String: Any])
        // The deploy user's uploads reach the management account's bucket: an RCP does not restrict them, so they are
        // neither held nor refused (they were counted as refused from 300000000003).
        #expect((replay["failures"] as? [Any])?.isEmpty == true && (replay["heldForReview"] as? Int) == 0)
        #expect((organization["refusedByAccount"] as? [[String: Any]])?.isEmpty == true)
        #expect(organization["thirdPartyAccounts"] as? [String] == ["777700000007"])
        #expect(organization["verdict"] as? String == "review")

        // SMTP: not enforceable, no draft, said first.
        let notEnforceable = try #require(summary["notEnforceable"] as? [[String: Any]])
        #expect(notEnforceable.map { $0["id"] as? String } == ["vpce-0a00000000000006e"])
        #expect(!FileManager.default.fileExists(atPath: out + "/100000000001/us-east-1/endpoints/vpce-0a00000000000006e.json"))
        let report = try String(contentsOfFile: out + "/report.md", encoding: .utf8)
        #expect(report.split(separator: "\n").prefix(4).joined(separator: "\n").contains("vpce-0a00000000000006e"))

        try Self.namedPaths(out, summary: summary, report: report)
        // perimeter check reads the grouped folder (it took only `endpoints/<id>.json`: "lists no endpoint draft", exit 64).
        let check = try Binary.run(["check", dir + "/org", "--applied", out, "--since", "2026-11-01", "--out", dir + "/checked",
                                    "--db", dir + "/db.sqlite"])
        #expect(check.status == 0 && check.output.contains("123 requests through the applied endpoints"), "\(check.output)")
        if LintTests.parliament != nil {
            let folders = ["100000000001/us-east-1", "200000000002/eu-west-1", "200000000002/us-east-1", "300000000003/us-east-1"]
                .flatMap { ["\($0)/endpoints", "\($0)/buckets"] } + ["org"]
            for folder in folders where FileManager.default.fileExists(atPath: out + "/" + folder) {
                #expect(try LintTests.findings(out + "/" + folder) == [], "\(folder)")
            }
        }
    }

    /// Output grouped by account and Region (3 accounts, 2 Regions): every file summary.json, the report, apply.sh and
    /// rollback.sh name is where it was written (perimeter.tf holds the ready drafts' policies inline).
    static func namedPaths(_ out: String, summary: [String: Any], report: String) throws {
        let endpoints = try #require(summary["endpoints"] as? [[String: Any]])
        let buckets = try #require(summary["buckets"] as? [[String: Any]])
        let files = (endpoints + buckets).compactMap { $0["file"] as? String }
        #expect(files.count == endpoints.count + buckets.count && !files.isEmpty)
        #expect(files.contains("200000000002/eu-west-1/endpoints/vpce-0b00000000000001a.json"))
        #expect(files.contains("200000000002/us-east-1/endpoints/vpce-0b00000000000004d.json"))
        let apply = try String(contentsOfFile: out + "/apply.sh", encoding: .utf8)
        let rollback = try String(contentsOfFile: out + "/rollback.sh", encoding: .utf8)
        for file in files {
            #expect(FileManager.default.fileExists(atPath: out + "/" + file), "\(file)")
            #expect(report.contains("(\(file))"), "\(file)")
            let diff = try String(contentsOfFile: out + "/" + file.dropLast(5) + ".diff", encoding: .utf8)
            let current = file.split(separator: "/").prefix(2).joined(separator: "/") + "/current/"
            #expect(diff.split(separator: "\n")[0].contains("(" + current) || !diff.contains("policy in force"), "\(file)")
        }
        // Nothing in the sample is ready: apply.sh does not claim "nothing applied" after blocks a person uncommented ran.
        #expect(apply.contains("only blocks uncommented by hand were applied") && !apply.contains("nothing applied' >&2"))
        // The scripts name every draft they apply (here: none is unsafe among the endpoints) by its path.
        for file in endpoints.compactMap({ $0["file"] as? String }) { #expect(apply.contains(file), "\(file)") }
        #expect(rollback.contains("100000000001/us-east-1/current/endpoints/vpce-0a00000000000001a.json"))
    }
}
