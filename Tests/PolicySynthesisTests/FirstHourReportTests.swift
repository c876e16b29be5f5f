import Foundation
import Testing
@testable import PolicySynthesis
import AWSModel
@testable import Inventory
@testable import Reporting

/// What a new user's first report shows (issue 24): inventory errors first, words instead of stray backticks and
/// empty code, and endpoints by name and service.
struct FirstHourReportTests {
    static let describe = """
        {
          "VpcEndpoints": [
            {"VpcEndpointId": "vpce-0a1b2c3d4e5f60718", "VpcEndpointType": "Gateway",
             "ServiceName": "com.amazonaws.us-east-1.s3", "VpcId": "vpc-1", "OwnerId": "111122223333",
             "Tags": [{"Key": "team", "Value": "core"}, {"Key": "Name", "Value": "app-s3"}]},
          ]
        }
        """

    @Test func anInventoryWithATrailingCommaWasNotJSONWithoutLineOrColumn() throws {
        let inventory = InventoryReader.read([("ec2-describe-vpc-endpoints.json", Self.describe)])
        let problem = try #require(inventory.diagnostics.first { $0.code.rawValue == "inventory-not-json" })
        #expect("\(problem.message)".contains("line 6, column 3"), "\(problem.message)")
    }

    @Test(arguments: [("{\n  \"a\": [1,]\n}", "line 2, column 11"), ("{\"a\": 1", "line 1, column 8"), ("{\n\n  x}", "line 3, column 3"),
                      ("{\"é\": [1,]}", "line 1, column 10")])
    func placeOfASyntaxError(text: String, place: String) throws {
        let inventory = InventoryReader.read([("f.json", text)])
        let problem = try #require(inventory.diagnostics.first)
        #expect("\(problem.message)".contains(place), "\(problem.message)")
    }

    @Test func inventoryErrorsWereMissingFromTheReportsFirstLines() throws {
        var inventory = Fixture.inventory()
        inventory.diagnostics = InventoryReader.read([("ec2-describe-vpc-endpoints.json", Self.describe)]).diagnostics
        let md = ReportRenderer.markdown(Fixture.run([Fixture.access("s3:GetObject", "arn:aws:s3:::app-data/k")], inventory: inventory))
        let firstSection = try #require(md.range(of: "\n## "))
        let head = md[..<firstSection.lowerBound]
        #expect(head.contains("Inventory") && head.contains("line 6, column 3"), "\(head)")
    }

    @Test func theVerdictTableNamedEndpointsByIDOnly() throws {
        let valid = Self.describe.replacingOccurrences(of: "},\n  ]", with: "}\n  ]")
        let read = InventoryReader.read([("ec2-describe-vpc-endpoints.json", valid)])
        let endpoint = try #require(read.endpoints.values.first)
        #expect(endpoint.name == "app-s3")
        #expect(endpoint.label == "app-s3 · s3 Gateway")
        var inventory = Fixture.inventory()
        inventory.endpoints[Fixture.s3Endpoint]?.name = "app-s3"
        let files = ReportRenderer.files(Fixture.run([Fixture.access("s3:GetObject", "arn:aws:s3:::app-data/k")], inventory: inventory))
        let md = try #require(files["report.md"]), html = try #require(files["report.html"])
        #expect(md.contains("| `vpce-0s3` (endpoint: app-s3 · s3 Gateway) |"), "\(md.prefix(1200))")
        #expect(html.contains("<code>vpce-0s3</code> (endpoint: app-s3 · s3 Gateway)"))
        #expect(html.contains(">app-s3 · s3 Gateway<title>"), "the chart names the endpoint too")
    }

    @Test func aMessagesBackticksShowedLiterallyInTheHTMLReport() {
        let d = Diagnostic(.inventoryTextAmbiguous, .warning, "write it with `--output json` instead of `text`")
        let line: ReportLine = "\(d)"
        #expect(HTMLRenderer.inline(line).contains("<code>--output json</code>"))
        #expect(!HTMLRenderer.inline(line).contains("`"))
        let odd = Diagnostic(Diagnostic.Code(rawValue: "x"), .warning, "a lone ` backtick")
        #expect(HTMLRenderer.inline("\(odd)").contains("a lone ` backtick"))
    }

    @Test func anEmptyResourceShowedAsAnEmptyCodeSpan() {
        let line: ReportLine = "\(code: "")"
        #expect(HTMLRenderer.inline(line) == "not logged")
        #expect(line.markdown() == "not logged")
    }
}
