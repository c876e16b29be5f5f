import Foundation
import Testing
@testable import PolicySynthesis
import AWSModel
import IAMPolicy
@testable import Reporting

struct PolicyDiffTests {
    static let draft = PolicyDocument(statements: [
        Statement(sid: "AppS3Read", effect: .allow, principal: .any, action: .actions(["s3:GetObject"]),
                  resource: .resources(["arn:aws:s3:::app-data/config/*"]),
                  conditions: [Condition("ArnEquals", "aws:PrincipalArn", ["arn:aws:iam::111122223333:role/app"])]),
    ])

    @Test func theDiffSaysWhatAccessGoesThenHoldsUnifiedHunks() {
        let kept = Self.draft.statements[0]
        let current = PolicyDocument(statements: [PolicyDocument.allowAll.statements[0], kept])
        let diff = PolicyDiff.render(.current(current), draft: Self.draft, name: "vpce-1.json")
        let lines = diff.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "Perimeter: the draft vpce-1.json against the policy in force (current/endpoints/vpce-1.json)")
        #expect(lines[1] == "access: * on * → s3:GetObject on arn:aws:s3:::app-data/config/*")
        #expect(lines.contains("--- a/vpce-1.json") && lines.contains("+++ b/vpce-1.json"))
        #expect(lines.contains { $0.hasPrefix("@@ -") })
        // The kept statement is context or untouched; the allow-all one is removed.
        #expect(lines.contains("-      \"Action\": \"*\","))
        #expect(!lines.contains { $0.hasPrefix("+") && $0.contains("s3:GetObject") && !$0.hasPrefix("+++") })
    }

    @Test func aBucketWithoutAPolicyGetsADiffThatCreatesTheFile() {
        let diff = PolicyDiff.render(.none, draft: Self.draft, name: "logs.json")
        #expect(diff.contains("--- /dev/null\n+++ b/logs.json\n@@ -0,0 +1,"))
    }

    @Test func equalPoliciesSayNoChange() {
        #expect(PolicyDiff.render(.current(Self.draft), draft: Self.draft, name: "b.json").hasSuffix("(no change)\n"))
    }

    @Test(arguments: [
        (PolicyDocument.allowAll, "* on *"),
        (draft, "s3:GetObject on arn:aws:s3:::app-data/config/*"),
        (PolicyDocument(
            statements: [Statement(sid: "D", effect: .deny, principal: .any, action: .actions(["*"]), resource: .resources(["*"]))]),
         "no Allow statement (1 Deny)"),
    ])
    func accessSummaries(policy: PolicyDocument, summary: String) {
        #expect(PolicyDiff.summary(policy) == summary)
    }

    @Test func aStatementIsWrittenAloneAsTheDocumentWritesIt() {
        let alone = PolicyWriter.write(Self.draft.statements[0])
        let indented = alone.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n")
        #expect(PolicyWriter.write(Self.draft).contains(indented))
    }
}

struct ReportLineTests {
    @Test(arguments: [
        ("plain", "`plain`"),
        ("a`b", "`` a`b ``"),
        ("``x", "``` ``x ```"),
        ("line\nbreak", "`line\\u{A}break`"),
    ])
    func codeSpansAreFencedPastTheirBackticks(value: String, markdown: String) {
        #expect(("\(code: value)" as ReportLine).markdown() == markdown)
    }

    @Test func valuesAreEscapedAndPerimetersWordsNeedNoMarkup() {
        let line: ReportLine = "\(bold: "note"): \("*x* [y](z) <b>")"
        #expect(line.markdown() == "**note**: \\*x\\* \\[y\\](z) \\<b\\>")
        #expect(HTMLRenderer.inline(line) == "<strong>note</strong>: *x* [y](z) &lt;b&gt;")
    }

    @Test func aPipeInATableValueIsNotACellBoundary() {
        let table = ReportTable(header: ["a", "b"], rows: [[Self.code("a|b"), "\("c|d")"]])
        #expect(MarkdownRenderer.table(table).split(separator: "\n").last == "| `a\\|b` | c\\|d |")
        #expect(HTMLRenderer.table(table).contains("<td><code>a|b</code></td><td>c|d</td>"))
    }

    @Test func rowsPastTheShownOnesAreFoldedAndCounted() {
        let table = ReportTable(header: ["n"], rows: (1...20).map { ["\($0)"] }, shown: 15, noun: "request groups")
        #expect(MarkdownRenderer.table(table).contains("… and 5 more request groups"))
        #expect(!MarkdownRenderer.table(table).contains("| 16 |"))
        let html = HTMLRenderer.table(table)
        #expect(html.contains("<details><summary>5 more request groups</summary>"))
        #expect(html.contains("<td>20</td>"))
    }

    @Test func aDiagnosticShowsItsValuesAsCodeAndItsCode() {
        let d = Diagnostic(.keptExact, .note, "kept \(value: "arn:aws:s3:::b/k`") exact")
        #expect(("\(d)" as ReportLine).markdown() == "kept `` arn:aws:s3:::b/k` `` exact (kept-exact)")
        #expect(d.description == "kept-exact: kept `arn:aws:s3:::b/k`` exact")
    }

    static func code(_ s: String) -> ReportLine { "\(code: s)" }

    @Test(arguments: [(Int64(512), "512 bytes"), (1, "1 byte"), (1_234, "1.2 kB"), (413_432_000, "413 MB"), (9_990_000_000, "10.0 GB"),
        (Int64.max, "9.2 EB")])
    func bytesReadAsPeopleReadThem(value: Int64, text: String) {
        #expect(ReportRenderer.bytes(value) == text)
    }

    @Test func namesSortAsPeopleReadThem() {
        let names = ["acme-bench-10", "acme-bench-2", "acme-bench-1", "a01", "a1", "b"]
        #expect(names.sorted(by: naturalOrder) == ["a01", "a1", "acme-bench-1", "acme-bench-2", "acme-bench-10", "b"])
    }
}

struct ChangeFilesTests {
    static func draft(_ resource: String) -> ChangeFiles.Draft {
        let policy = PolicyDocument(statements: [Statement(sid: "S", effect: .allow, principal: .any, action: .actions(["s3:GetObject"]),
                                                           resource: .resources([resource]))])
        return ChangeFiles.Draft(kind: .bucket, id: "b-1", verdict: .ready, reasons: [], currentSaved: false, draft: policy,
                                 account: AccountID("111122223333"))
    }

    /// A policy variable or a literal `${*}` in a heredoc would be a Terraform template sequence.
    @Test(arguments: [("arn:aws:s3:::b-1/home/${aws:username}/*", "$${aws:username}"), ("arn:aws:s3:::b-1/a${*}b", "a$${*}b"),
        ("arn:aws:s3:::b-1/%{x}", "%%{x}")])
    func terraformTemplateSequencesInAPolicyStayText(resource: String, written: String) {
        let tf = ChangeFiles.terraform([Self.draft(resource)])
        #expect(tf.contains(written))
        #expect(!tf.replacingOccurrences(of: "$${", with: "").contains("${"))
    }

    @Test func onlyReadyDraftsBecomeResourcesOrCommands() {
        var review = Self.draft("arn:aws:s3:::b-1/*")
        review.verdict = .review
        var unsafe = review
        unsafe.id = "b-2"
        unsafe.verdict = .unsafe
        #expect(!ChangeFiles.terraform([review, unsafe]).contains("resource \""))
        let apply = ChangeFiles.apply([review, unsafe], files: [:])
        #expect(apply.contains("# bucket b-1 unknown buckets/b-1.json"))
        #expect(!apply.contains("bucket b-2 "))
        #expect(apply.contains("nothing applied"))
    }

    @Test(arguments: [("vpce-0abc", "vpce_0abc"), ("3d-assets", "_3d_assets"), ("my.bucket", "my_bucket")])
    func resourcesAreNamedAfterTheirIds(id: String, name: String) {
        #expect(ChangeFiles.resourceName(id) == name)
    }
}

struct ReportChartTests {
    static func result() -> SynthesisResult {
        var r = Fixture.run([Fixture.access("s3:GetObject", "arn:aws:s3:::app-data/k")])
        r.loggedDays = LoggedDays(first: "2026-11-01", last: "2026-11-05")
        r.dailyRequests = ["2026-11-01": 10, "2026-11-02": 40, "2026-11-04": 20, "2026-11-05": 5].map {
            DailyRequests(endpoint: Fixture.s3Endpoint, day: $0.key, requests: $0.value)
        }
        r.endpoints[0].backtest = Backtest(from: "2026-11-05", through: "2026-11-05")
        return r
    }

    @Test func theRequestsChartDrawsEveryDayAndMarksTheHeldOutOnes() throws {
        let chart = try #require(ReportCharts.requestsPerDay(Self.result()))
        #expect(chart.svg.components(separatedBy: "<rect ").count - 1 == 5)   // a day without requests is a bar of height 0
        #expect(chart.svg.contains("2026-11-05: 5 requests (held out)"))
        #expect(chart.svg.components(separatedBy: "fill=\"\(ReportCharts.amber)\"").count - 1 == 1)
        #expect(chart.title.contains("held out for the backtest (2026-11-05 to 2026-11-05)"))
        #expect(ReportCharts.sparkline([10, 40, 0, 20, 5]) == "▂█ ▄▁")
    }

    @Test func actionsAreCountedInTheCatalog() {
        let all = PolicyDocument.allowAll, draft = PolicyDocument(statements: [
            Statement(sid: "S", effect: .allow, principal: .any, action: .actions(["s3:GetObject", "s3:List*"]),
                resource: .resources(["*"]))])
        let everything = ReportCharts.actionsGranted(all, service: "s3"), some = ReportCharts.actionsGranted(draft, service: "s3")
        #expect(everything > 100)
        #expect(some > 2 && some < 20)
        let list = PolicyDocument(
            statements: [Statement(sid: "L", effect: .allow, principal: .any, action: .actions(["s3:List*"]), resource: .resources(["*"]))])
        #expect(ReportCharts.actionsGranted(list, service: "s3") == ActionCatalog.shared.expand("s3:list*").count)
    }

    @Test func aLoggedPrincipalInAChartIsText() throws {
        let evil = Principal(kind: .assumedRole, arn: "arn:aws:iam::111122223333:role/a<svg onload=alert(1)>&\"b", account: Fixture.prod)
        let r = Fixture.run([Fixture.access(evil, "s3:GetObject", "arn:aws:s3:::app-data/k")])
        let svg = try #require(ReportCharts.whoReachesWhat(r)).svg
        #expect(svg.contains("a&lt;svg onload=alert(1)&gt;&amp;&quot;b"))
        #expect(svg.components(separatedBy: "<svg").count == 2)   // the chart's own only
    }
}
