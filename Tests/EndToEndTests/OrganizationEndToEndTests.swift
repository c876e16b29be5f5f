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

        // Locks: aws:VpceOrgID (S3 takes it) with both guards.
        let buckets = try FileManager.default.contentsOfDirectory(atPath: out + "/buckets").filter { $0.hasSuffix(".json") }
        #expect(buckets.count == 3)
        for bucket in buckets {
            let text = try String(contentsOfFile: out + "/buckets/" + bucket, encoding: .utf8)
            #expect(text.contains("\"aws:VpceOrgID\": \"o-exmpl7orgz\"") && !text.contains("aws:SourceVpce\""), "\(bucket)")
            #expect(text.contains("aws:PrincipalIsAWSService") && text.contains("aws:ViaAWSService"), "\(bucket)")
        }

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
        #expect((replay["failures"] as? [Any])?.isEmpty == true && (replay["heldForReview"] as? Int) == 3)
        let refused = try #require(organization["refusedByAccount"] as? [[String: Any]])
        #expect(refused.map { $0["account"] as? String } == ["300000000003"])
        #expect(organization["thirdPartyAccounts"] as? [String] == ["777700000007"])
        #expect(organization["verdict"] as? String == "review")

        // SMTP: not enforceable, no draft, said first.
        let notEnforceable = try #require(summary["notEnforceable"] as? [[String: Any]])
        #expect(notEnforceable.map { $0["id"] as? String } == ["vpce-0a00000000000006e"])
        #expect(!FileManager.default.fileExists(atPath: out + "/endpoints/vpce-0a00000000000006e.json"))
        let report = try String(contentsOfFile: out + "/report.md", encoding: .utf8)
        #expect(report.split(separator: "\n").prefix(4).joined(separator: "\n").contains("vpce-0a00000000000006e"))

        if LintTests.parliament != nil {
            for folder in ["endpoints", "buckets", "org"] { #expect(try LintTests.findings(out + "/" + folder) == [], "\(folder)") }
        }
    }
}
