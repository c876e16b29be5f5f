import AWSModel
import Foundation
@testable import PolicySynthesis
import Testing

/// `Resources/network-activity-sources.tsv`: the event sources CloudTrail logs network activity events for.
struct NetworkActivitySourcesTests {
    /// Every row well formed (an event source as CloudTrail logs it, since when, an AWS documentation page, the
    /// day it was read), no source twice, and the preview's sources (DOMAIN.md G) among them.
    @Test func everyRowOfTheTableIsWellFormed() {
        let text = NetworkKeyTable.resource("network-activity-sources")
        let lines = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
        let table = NetworkActivitySources.shared
        #expect(table.rows.count == lines.count, "a line without its four columns")
        for row in table.rows {
            let name = row.eventSource.dropLast(".amazonaws.com".count)
            #expect(row.eventSource.hasSuffix(".amazonaws.com") && !name.isEmpty
                        && name.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }, "\(row.eventSource)")
            #expect(!row.since.isEmpty && row.source.hasPrefix("https://docs.aws.amazon.com/"), "\(row.eventSource)")
            #expect(Timestamp.parseDay(row.read) != nil, "\(row.eventSource): \(row.read)")
        }
        #expect(Set(table.rows.map(\.eventSource)).count == table.rows.count, "a source listed twice")
        for source in ["ec2", "kms", "s3", "cloudtrail", "secretsmanager", "dynamodb", "sqs", "sns", "lambda"] {
            #expect(table.lists("\(source).amazonaws.com"), "\(source)")
        }
        #expect(!table.lists("execute-api.amazonaws.com") && !table.lists("S3.amazonaws.com"))
    }
}

extension NetworkActivitySourcesTests {
    /// The data-plane evidence of an endpoint whose service shows no event in the window: its remedy names a
    /// network activity selector for a listed service (SQS, KMS) and, for one CloudTrail logs no network activity
    /// events for (ECR), says they are not available instead of naming a selector that logs nothing.
    @Test(arguments: [("sqs", true), ("kms", true), ("ecr", false)])
    func theRemedyNamesANetworkSelectorOnlyForAListedService(service: String, listed: Bool) throws {
        let trust = TrustedAccounts(accounts: [], assumption: Diagnostic(.trustedAccountsGiven, .note, "given"))
        let seen = Verdicts.Visibility(categories: [], flowLogs: false, acceptCoverageGaps: false, trust: trust,
                                       minimumDays: MinimumDays(), failedFiles: [], adminPrincipals: [])
        let remedy = try #require(Verdicts.dataPlane(service: service, blind: [], seen).remedy).description
        #expect(remedy.contains("eventSource = \(service).amazonaws.com") == listed, "\(remedy)")
        #expect(remedy.contains("network activity events are not available for") == !listed, "\(remedy)")
    }
}
