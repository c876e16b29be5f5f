import Testing
@testable import PolicySynthesis
import AWSModel
import IAMPolicy
import Foundation
@testable import Reporting

/// Logged values reach the report as text: never markup, a link, a heading or a terminal escape.
struct HostileReportTests {
    static let key = "x`</code><script>alert(1)</script>[click](javascript:alert(1))\n# Heading\u{1B}[2J|cell"

    static func report() -> [String: String] {
        let resource = PolicyText.literal("arn:aws:s3:::vendor-releases/\(key)")
        let evil = Principal(kind: .assumedRole, arn: "arn:aws:iam::999988887777:role/<img src=x onerror=alert(1)>`**",
            account: AccountID("999988887777"))
        return ReportRenderer.files(Fixture.run([
            Fixture.access("s3:GetObject", "arn:aws:s3:::app-data/k"),
            Fixture.access("s3:GetObject", resource, owner: Fixture.vendor),
            Fixture.access(evil, "s3:PutObject", "arn:aws:s3:::app-data/k2", outcome: .denied, count: 1),
        ]))
    }

    @Test func aLoggedKeyCannotOpenMarkupInTheHTMLReport() throws {
        let html = try #require(Self.report()["report.html"])
        #expect(!html.contains("<script>"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("javascript:alert(1)\""))
        #expect(!html.contains("href=\"javascript"))
        #expect(!html.contains("<h1 id=\"-heading"))
        #expect(!html.contains("\u{1B}"))
        #expect(html.contains("&lt;script&gt;"))
        #expect(html.contains("\\u{1B}[2J"))
    }

    @Test func aLoggedKeyCannotOpenMarkupInTheMarkdownReport() throws {
        let md = try #require(Self.report()["report.md"])
        #expect(!md.contains("\u{1B}"))
        #expect(!md.contains("\n# Heading"))
        // Every line that names the key keeps it inside one code span: its fence is longer than the
        // key's own backtick run, and the row still has the table's nine cells.
        let row = try #require(md.split(separator: "\n").first { $0.contains("vendor-releases") && $0.hasPrefix("|") })
        #expect(row.contains("``"))
        #expect(row.replacingOccurrences(of: "\\|", with: "").filter { $0 == "|" }.count == 10)
    }

    @Test(arguments: ["#review", "endpoints/vpce-1.json", "https://docs.aws.amazon.com/vpc/latest/privatelink/x.html"])
    func perimetersOwnLinksAreKept(href: String) {
        #expect(HTMLRenderer.isSafeLink(href))
    }

    @Test(arguments: ["javascript:alert(1)", "data:text/html,x", "../../etc/passwd", "/etc/passwd", "//evil.example/x",
                      "https://evil.example/", "#x\" onmouseover=\"alert(1)"])
    func anyOtherLinkIsText(href: String) {
        #expect(!HTMLRenderer.isSafeLink(href))
    }
}
