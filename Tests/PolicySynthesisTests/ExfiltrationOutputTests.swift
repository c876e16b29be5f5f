import AWSModel
import Foundation
import Testing
@testable import PolicySynthesis
@testable import Reporting

/// The possible-exfiltration finding reaches every machine-readable output, not the report alone, and the
/// logged text in it stays a JSON string whatever it holds.
struct ExfiltrationOutputTests {
    static func run(_ resource: String) -> SynthesisResult {
        Fixture.run([Fixture.access("s3:GetObject", "arn:aws:s3:::app-data/k"),
                     Fixture.access("s3:PutObject", resource, owner: Fixture.vendor, outcome: .denied)])
    }

    static func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// summary.json, `--json` and SARIF said nothing of a denied write to another account's bucket: only the report did.
    @Test func deniedWriteToAnUntrustedBucketMissingFromSummaryJSONAndSARIF() throws {
        let resource = "arn:aws:s3:::drop-zone/x", r = Self.run(resource)
        let summary = try Self.object(ReportRenderer.summaryJSON(r))
        let attempts = try #require(summary["possibleExfiltration"] as? [[String: Any]])
        #expect(attempts.map { $0["resource"] as? String } == [resource])
        #expect(attempts.first?["owner"] as? String == Fixture.vendor.rawValue)
        #expect(attempts.first?["endpoint"] as? String == Fixture.s3Endpoint.rawValue)
        #expect(attempts.first?["errorCode"] as? String == "AccessDenied")
        #expect((summary["status"] as? [String: Any])?["possibleExfiltration"] as? Int == 1)

        let status = try Self.object(ReportRenderer.statusJSON(r))
        #expect((status["possibleExfiltration"] as? [[String: Any]])?.map { $0["action"] as? String } == ["s3:PutObject"])

        let sarif = try Self.object(SARIF.log(r, out: "out", toolVersion: "t"))
        let run = try #require((sarif["runs"] as? [[String: Any]])?.first)
        let results = try #require(run["results"] as? [[String: Any]]).filter { $0["ruleId"] as? String == "possible-exfiltration" }
        let rules = try #require(((run["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]])
        #expect(results.count == 1)
        let index = try #require(results.first?["ruleIndex"] as? Int)
        #expect(rules[index]["id"] as? String == "possible-exfiltration")
        let location = (results.first?["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any]
        #expect((location?["artifactLocation"] as? [String: Any])?["uri"] as? String == "out/endpoints/\(Fixture.s3Endpoint).json")
        #expect(((results.first?["message"] as? [String: Any])?["text"] as? String)?.contains(resource) == true)
    }

    /// A bucket name and key holding an ANSI escape, control characters, a bidi override, a mixed-script word and
    /// markup: a JSON string in summary.json and `--json` (read back byte for byte, no raw control byte in the file;
    /// `--json` all ASCII), shown escaped in SARIF's message, and never markup in the HTML report.
    @Test func hostileBucketNameAndKeyStayEscapedInEveryOutput() throws {
        let resource = "arn:aws:s3:::drop\u{1B}[2Jzone<script>alert(1)</script>/k\u{7}e\u{0}y\u{202E}txt.exe\nverdict: ready/p\u{430}ypal😀"
        let r = Self.run(resource)
        #expect(r.possibleExfiltration.map(\.resource) == [resource])
        for text in [ReportRenderer.summaryJSON(r), ReportRenderer.statusJSON(r)] {
            #expect(!text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
            let attempts = try #require(try Self.object(text)["possibleExfiltration"] as? [[String: Any]])
            #expect(attempts.map { $0["resource"] as? String } == [resource])
        }
        // `--json` goes to a terminal whose escaping (`\u{202E}`) is not JSON: it must hold nothing left to escape, and
        // read back as printed (each line through `visible()`, as `Terminal.out(lines:)` prints it) it is the logged text.
        let status = ReportRenderer.statusJSON(r)
        #expect(status.unicodeScalars.allSatisfy { ($0.value >= 0x20 && $0.value < 0x7F) || $0 == "\n" })
        let printed = status.split(separator: "\n", omittingEmptySubsequences: false).map { String($0).visible() }
        let read = try #require(try Self.object(printed.joined(separator: "\n"))["possibleExfiltration"] as? [[String: Any]])
        #expect(read.map { $0["resource"] as? String } == [resource])
        let sarif = SARIF.log(r, out: "out", toolVersion: "t")
        #expect(!sarif.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\n") || $0 == "\u{202E}" })
        let results = try #require((try Self.object(sarif)["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]])
        let message = try #require(results.compactMap { ($0["message"] as? [String: Any])?["text"] as? String }
            .first { $0.hasPrefix("Possible exfiltration") })
        #expect(message.contains("\\u{1B}[2J") && message.contains("\\u{202E}") && !message.contains("\n"))
        let html = try #require(ReportRenderer.files(r)["report.html"])
        #expect(!html.contains("<script>") && !html.contains("\u{1B}"))
    }
}
