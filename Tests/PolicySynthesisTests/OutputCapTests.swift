import Testing
@testable import PolicySynthesis
import AWSModel
import Foundation
import IAMPolicy
@testable import Reporting

/// No small input costs gigabytes of output: every list of every output is cut to ``ListCap/items``,
/// the largest first, and says how many more there are.
struct OutputCapTests {
    static let sources = 1_000
    /// The address that sent the most bytes: last in address order, first in the lists.
    static let largest = "10.9.3.231"

    /// A flow log with `sources` distinct sources through the endpoint and no CloudTrail request from
    /// any of them: as many sources and coverage gaps.
    static let result: SynthesisResult = {
        let flows = (0..<sources).map { i in
            let address = "10.9.\(i / 256).\(i % 256)"
            return FlowEvidenceTests.flow(address, instance: "i-\(i)", bytes: address == largest ? 9_000_000_000 : Int64(1_000 + i))
        }
        return Fixture.run(FlowEvidenceTests.observed, flows: flows, sources: [])
    }()

    static let files = ReportRenderer.files(result)

    @Test func aFlowLogOfManySourcesFillsEveryOutput() throws {
        #expect(Self.result.flows.coverageGaps.count == Self.sources)
        let md = try #require(Self.files["report.md"]), html = try #require(Self.files["report.html"])
        // Each source at most in the sources table and the gap list, each cut to ListCap.items.
        #expect(md.components(separatedBy: "10.9.").count - 1 <= 2 * ListCap.items)
        #expect(html.components(separatedBy: "10.9.").count - 1 <= 2 * ListCap.items)
        #expect(md.contains("… and \(ReportRenderer.n(Int64(Self.sources - ListCap.items))) more coverage gaps"))
        #expect(html.contains("… and \(ReportRenderer.n(Int64(Self.sources - ListCap.items))) more sources."))
        // The largest first.
        #expect(md.contains(Self.largest))
        let json = try #require(Self.files["summary.json"])
        let summary = try #require(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let flows = try #require(summary["flows"] as? [String: Any])
        #expect((flows["sources"] as? [Any])?.count == ListCap.items)
        #expect((flows["coverageGaps"] as? [[String: Any]])?.first?["sourceAddress"] as? String == Self.largest)
        let omitted = try #require(summary["omitted"] as? [String: Int])
        #expect(omitted["flows.coverageGaps"] == Self.sources - ListCap.items)
        #expect(omitted["flows.sources"] == Self.sources - ListCap.items)
    }

    @Test func eachCoverageGapWasListedTwiceInTheReport() throws {
        let md = try #require(Self.files["report.md"])
        let items = md.split(separator: "\n")
            .filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix("- ") && $0.contains(Self.largest) }
        #expect(items.count == 1, "\(items)")
    }

    @Test func sarifAndTheStatusJSONKeepTheWorstDraftsFirst() throws {
        let sarif = SARIF.log(Self.result, out: "out", toolVersion: "test")
        #expect(sarif.contains("draft-unsafe"))
        let status = try #require(JSONSerialization.jsonObject(with: Data(ReportRenderer.statusJSON(Self.result).utf8)) as? [String: Any])
        #expect(status["omittedDrafts"] as? Int == 0)
    }

    @Test func aListIsCutToItsFirstItemsInOrderAndCountsTheRest() {
        let (shown, more) = ListCap.first(Array(0..<250), by: >)
        #expect(shown.count == ListCap.items && shown.first == 249 && more == 150)
        #expect(ListCap.first([3, 1, 2], by: <) == ([1, 2, 3], 0))
    }
}

/// A logged value is shown as what it is: nothing invisible, nothing that reorders text, no look-alike.
struct VisibleTextTests {
    /// `config/app<c>.yaml` looked exactly like `config/app.yaml` in report.md, report.html and the notes.
    @Test(arguments: ["\u{200B}", "\u{200C}", "\u{200D}", "\u{200E}", "\u{200F}", "\u{061C}", "\u{2028}", "\u{2029}", "\u{FEFF}",
        "\u{2060}",
                      "\u{180E}", "\u{E0041}", "\u{E007F}", "\u{00AD}", "\u{034F}", "\u{FE0F}", "\u{3164}", "\u{00A0}", "\u{3000}",
                      "\u{E000}",
                      "\u{FF41}", "\u{1D41A}", "\u{2126}", "\u{FB01}", "\u{202E}", "\u{1B}", "\n"])
    func anInvisibleOrLookAlikeCharacterMadeAKeyLookLikeTheRealOne(character: String) throws {
        let key = "config/app\(character).yaml"
        let shown = key.visible()
        #expect(!shown.unicodeScalars.contains { character.unicodeScalars.contains($0) }, "\(shown)")
        #expect(shown.contains("\\u{"))
        // In the report, where the key is a resource held for review (another account's bucket).
        let files = ReportRenderer.files(
            Fixture.run([Fixture.access("s3:GetObject", "arn:aws:s3:::vendor-drop/\(key)", owner: Fixture.vendor)]))
        for name in ["report.md", "report.html"] {
            let text = try #require(files[name])
            #expect(!text.unicodeScalars.contains { character.unicodeScalars.contains($0) && $0 != "\n" }, "\(name)")
            #expect(text.contains("app\(shown.dropFirst("config/app".count).dropLast(".yaml".count))"), "\(name)")
        }
    }

    /// Mixed-script words are marked (their non-ASCII letters escaped); one script, however written, is shown as is.
    @Test(arguments: [
        ("p\u{430}ypal", "p\\u{430}ypal"),                       // Cyrillic а among Latin letters
        ("\u{3A9}mega-bucket", "\\u{3A9}mega-bucket"),            // Greek Ω before Latin
        ("\u{3B1}\u{3B2}\u{441}", "\\u{3B1}\\u{3B2}\\u{441}"),     // Greek and Cyrillic
        ("r\u{E9}sum\u{E9}.pdf", "r\u{E9}sum\u{E9}.pdf"),         // Latin with accents
        ("re\u{301}sume\u{301}.pdf", "re\u{301}sume\u{301}.pdf"), // the same, decomposed
        ("stra\u{DF}e/\u{C6}gir", "stra\u{DF}e/\u{C6}gir"),       // Latin letters beyond ASCII
        ("\u{444}\u{430}\u{439}\u{43B}/data", "\u{444}\u{430}\u{439}\u{43B}/data"), // a Cyrillic word, a Latin word
        ("\u{65E5}\u{672C}\u{30C6}\u{30B9}\u{30C8}abc", "\u{65E5}\u{672C}\u{30C6}\u{30B9}\u{30C8}abc"), // Han, Katakana and Latin
        ("\u{411}abc", "\\u{411}abc"),                           // Cyrillic Б glued to Latin
    ])
    func aMixedScriptNameIsMarked(name: String, shown: String) {
        #expect(name.visible() == shown)
    }

    @Test func aMessageShowsItsValuesEscaped() {
        let message: Message = "bucket \(value: "app\u{200B}-data") and \(value: "x\nverdict: ready")"
        #expect(message.description == "bucket `app\\u{200B}-data` and `x\\u{A}verdict: ready`")
    }
}

/// The grant check, like the replay, in time that grows with the draft, not with draft × current policy.
struct GrantCheckTimeTests {
    /// A draft of 8,000 prefixes checked against the policy in force that named the same 8,000 (the last
    /// run's draft, applied): each prefix was compared with every pattern, twice (the evaluation, then
    /// the containment proof, which also re-listed the policy's statements for each).
    @Test func grantCheckTimeGrewWithDraftTimesCurrentResources() {
        let prefixes = (0..<8_000).map { "arn:aws:s3:::app-data/tenant-\($0)/*" }
        func policy(_ sid: String) -> PolicyDocument {
            PolicyDocument(statements: [Statement(sid: sid, effect: .allow, principal: .any, action: .actions(["s3:GetObject"]),
                                                  resource: .resources(prefixes))])
        }
        let current = policy("Current")
        let compiled = CompiledPolicy(current)
        let clock = ContinuousClock(), start = clock.now
        let check = GrantCheck.run(policy("Draft"), principals: ["Draft": [Fixture.app]], current: compiled, currentDocument: current,
                                   endpoint: GrantContainmentTests.endpoint)
        #expect(check.checked == prefixes.count)
        #expect(check.exceeding.isEmpty && check.unprovable.isEmpty)
        #expect(clock.now - start < .seconds(20), "generous for a debug build on a shared machine")
    }
}
