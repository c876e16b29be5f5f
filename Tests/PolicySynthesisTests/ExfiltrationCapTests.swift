import AWSModel
import Foundation
import Testing
@testable import PolicySynthesis
@testable import Reporting

/// The possible-exfiltration lists are cut to ``ListCap/items``: which attempts they keep.
struct ExfiltrationCapTests {
    static func denial(_ principal: String, _ resource: String, at time: Int64,
                       endpoint: VPCEndpointID? = Fixture.s3Endpoint) -> Denial {
        Denial(endpoint: endpoint, principal: principal, action: "s3:PutObject", resource: resource, errorCode: "AccessDenied",
               owner: Fixture.vendor, byEndpointPolicy: false, outcome: .denied, requests: 1, firstSeen: time, lastSeen: time)
    }

    static let attacker = "arn:aws:sts::111122223333:assumed-role/app/i-0f100d"
    static let insider = "arn:aws:iam::111122223333:user/insider"
    /// Floods written before the real attempt (to another bucket, by another principal, through another endpoint),
    /// 150 groups each; the real attempt's key is `dump.tar`.
    static let floods: [(name: String, flood: [Denial], real: Denial)] = [
        ("one bucket, one principal", (0..<150).map { denial(attacker, "arn:aws:s3:::decoy/k\($0)", at: Int64($0)) },
         denial(attacker, "arn:aws:s3:::exfil-target/dump.tar", at: 10_000)),
        ("many buckets, one principal", (0..<150).map { denial(attacker, "arn:aws:s3:::decoy-\($0)/k", at: Int64($0)) },
         denial(insider, "arn:aws:s3:::exfil-target/dump.tar", at: 10_000)),
        ("many principals, one endpoint", (0..<150).map { denial(attacker + "\($0)", "arn:aws:s3:::decoy-\($0)/k", at: Int64($0)) },
         denial(insider, "arn:aws:s3:::exfil-target/dump.tar", at: 10_000, endpoint: VPCEndpointID("vpce-0other"))),
        // The same bucket name in NFD is another bucket: it covers not the real one's NFC name.
        ("one bucket in NFD, one principal", (0..<150).map { denial(insider, "arn:aws:s3:::re\u{301}sume\u{301}/k\($0)", at: Int64($0)) },
         denial(insider, "arn:aws:s3:::r\u{e9}sum\u{e9}/dump.tar", at: 10_000)),
    ]

    /// Before: every output listed the first 100 attempts by time, so denied writes flooded earlier pushed a real
    /// attempt on another bucket out of the report, summary.json, `--json` and SARIF (only the count stayed right).
    @Test(arguments: floods.indices)
    func floodedDeniedWritesPushAnotherBucketsAttemptOutOfEveryList(_ i: Int) throws {
        let (_, flood, real) = Self.floods[i]
        var r = ExfiltrationOutputTests.run("arn:aws:s3:::drop-zone/x")
        r.possibleExfiltration = flood + [real]
        let summary = try ExfiltrationOutputTests.object(ReportRenderer.summaryJSON(r))
        let listed = try #require(summary["possibleExfiltration"] as? [[String: Any]])
        #expect(listed.count == ListCap.items && listed.last?["resource"] as? String == real.resource)
        let times = listed.compactMap { $0["firstSeen"] as? Int64 }
        #expect(times.count == listed.count && times == times.sorted())
        #expect((summary["omitted"] as? [String: Int])?["possibleExfiltration"] == 51)
        #expect((summary["status"] as? [String: Any])?["possibleExfiltration"] as? Int == 151)

        let status = try ExfiltrationOutputTests.object(ReportRenderer.statusJSON(r))
        let printed = try #require(status["possibleExfiltration"] as? [[String: Any]])
        #expect(printed.contains { ($0["resource"] as? String)?.hasSuffix("/dump.tar") == true })

        let sarif = try ExfiltrationOutputTests.object(SARIF.log(r, out: "out", toolVersion: "t"))
        let run = try #require((sarif["runs"] as? [[String: Any]])?.first)
        let messages = try #require(run["results"] as? [[String: Any]]).compactMap { ($0["message"] as? [String: Any])?["text"] as? String }
        #expect(messages.filter { $0.hasPrefix("Possible exfiltration") }.count == ListCap.items)
        #expect(messages.contains { $0.contains("/dump.tar") })
        #expect((run["properties"] as? [String: Any])?["omittedResults"] as? Int == 51)

        let report = try #require(ReportRenderer.files(r)["report.md"])
        #expect(report.contains("/dump.tar") && report.contains("… and 51 more request groups"))
    }

    /// Under the cap every attempt is listed, in the order given; over it, each key's first comes before the rest by time.
    @Test func theCapKeepsEachKeysFirstThenTheEarliest() {
        let list = [("a", 1), ("a", 2), ("a", 3), ("b", 4), ("a", 5), ("c", 6)]
        let key: [((String, Int)) -> AnyHashable] = [{ AnyHashable($0.0) }]
        #expect(ListCap.first(list, 6, covering: key).shown.map(\.1) == [1, 2, 3, 4, 5, 6])
        let cut = ListCap.first(list, 4, covering: key)
        #expect(cut.shown.map(\.1) == [1, 2, 4, 6] && cut.more == 2)
        #expect(ListCap.first(list, 2, covering: key).shown.map(\.1) == [1, 4])
    }
}
