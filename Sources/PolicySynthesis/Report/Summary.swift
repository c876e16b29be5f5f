import AWSModel
import Foundation
import IAMPolicy

/// `summary.json`: the machine-readable report (its shape is documented in the README).
struct Summary: Codable {
    struct Status: Codable {
        var replayPassed: Bool
        var unsafeCoverageGaps: Bool
        var reviewItems: Int
        var bypassSources: Int
        var rejectedRecords: Int64
        var failedFiles: Int
        var verdict: Verdict
        /// Item codes missing or contradicted in any draft, each once: what to provide first.
        var missingEvidence: [String]
    }
    struct StatementSummary: Codable {
        var sid: String
        var actions: [String]
        var resources: [String]
        var principals: [String]
        var requests: Int64
        var firstSeen: String
        var lastSeen: String
        var awsOwnedService: String?
    }
    struct EndpointSummary: Codable {
        var id: String
        var type: String?
        var service: String
        var region: String
        var vpc: String?
        var currentPolicyKnown: Bool
        /// The inventory file or resource (Terraform address, CloudFormation logical id) it came from.
        var currentPolicySource: String?
        var requests: Int64
        var principals: [String]
        var draftCharacters: Int
        var accessBefore: String
        var accessAfter: String
        var replay: ReplayResult
        var grantCheck: GrantCheck
        var coarsened: [Diagnostic]
        var notes: [Diagnostic]
        var statements: [StatementSummary]
        var unusedPermissions: [StatementUsage]
        var verdict: Verdict
        var reasons: [Diagnostic]
        var evidence: EvidenceTable
        var backtest: Backtest?
    }
    struct BucketSummary: Codable {
        var bucket: String
        var owner: String?
        var currentPolicySource: String?
        var endpoints: [String]
        var exceptions: [Message]
        var draftCharacters: Int
        var replay: ReplayResult
        var verdict: Verdict
        var reasons: [Diagnostic]
        var evidence: EvidenceTable
        /// Callers the lock does not exempt, with why.
        var held: [Message]
    }
    var window: [String: String]
    var granularity: String
    var status: Status
    var trustedAccounts: [String]
    var endpoints: [EndpointSummary]
    var buckets: [BucketSummary]
    var awsOwned: [AWSOwnedUse]
    var review: [ReviewItem]
    var denials: [Denial]
    var flows: FlowFindings
    /// Authorized requests per endpoint and day: the data of the report's first picture.
    var dailyRequests: [DailyRequests]
    /// Log files the store could not read, with their reasons.
    var failedFiles: [FailedFile]
    var assumptions: [Diagnostic]
}

extension ReportRenderer {
    /// summary.json's `status`, with each draft's verdict and reason codes: what `--json` prints for CI.
    public static func statusJSON(_ r: SynthesisResult) -> String {
        struct Item: Encodable { var code: String; var status: EvidenceItem.Status }
        struct Draft: Encodable {
            var draft: String, kind: DraftKind, verdict: Verdict, reasons: [String], evidence: [Item]
        }
        struct Output: Encodable { var status: Summary.Status; var drafts: [Draft] }
        let items = { (t: EvidenceTable) in t.items.map { Item(code: $0.code.rawValue, status: $0.status) } }
        let drafts = r.endpoints.map { Draft(draft: "endpoints/\($0.endpoint.id.rawValue).json", kind: $0.evidenceTable.kind,
                                             verdict: $0.verdict, reasons: $0.reasons.map(\.code.rawValue),
                                             evidence: items($0.evidenceTable)) }
            + r.buckets.map { Draft(draft: "buckets/\($0.bucket).json", kind: .bucketLock, verdict: $0.verdict,
                                    reasons: $0.reasons.map(\.code.rawValue), evidence: items($0.evidenceTable)) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(Output(status: status(r), drafts: drafts)), as: UTF8.self)) ?? "{}"
    }

    static func status(_ r: SynthesisResult) -> Summary.Status {
        Summary.Status(replayPassed: r.replayPassed, unsafeCoverageGaps: r.unsafeCoverageGaps, reviewItems: r.review.count,
                       bypassSources: r.flows.bypass.count, rejectedRecords: r.rejectedRecords, failedFiles: r.failedFiles.count,
                       verdict: r.verdict,
                       missingEvidence: r.missingEvidence.map(\.code.rawValue))
    }

    static func summaryJSON(_ r: SynthesisResult) -> String {
        var window: [String: String] = [:]
        if let since = r.options.since { window["since"] = since }
        if let until = r.options.until { window["until"] = until }
        if let logged = r.loggedDays { window["firstLoggedDay"] = logged.first; window["lastLoggedDay"] = logged.last }
        let summary = Summary(
            window: window, granularity: r.options.granularity.rawValue,
            status: status(r),
            trustedAccounts: r.trustedAccounts.map(\.rawValue),
            endpoints: r.endpoints.map { e in
                Summary.EndpointSummary(
                    id: e.endpoint.id.rawValue, type: e.endpoint.type, service: e.service, region: e.region, vpc: e.endpoint.vpcID,
                    currentPolicyKnown: e.currentKnown, currentPolicySource: e.endpoint.policySource, requests: e.requests, principals: e.principals, draftCharacters: e.size,
                    accessBefore: PolicyDiff.summary(e.current), accessAfter: PolicyDiff.summary(e.draft), replay: e.replay,
                    grantCheck: e.grantCheck, coarsened: e.coarsened, notes: e.notes,
                    statements: e.draft.statements.map { s in
                        let ev = e.evidence[s.sid ?? ""]
                        return Summary.StatementSummary(
                            sid: s.sid ?? "", actions: s.action.patterns, resources: s.resource?.patterns ?? [],
                            principals: (e.statementPrincipals[s.sid ?? ""] ?? []).map(\.arn).nonEmpty ?? ["*"],
                            requests: ev?.requests ?? 0, firstSeen: time(ev?.firstSeen ?? 0), lastSeen: time(ev?.lastSeen ?? 0),
                            awsOwnedService: ev?.reason)
                    },
                    unusedPermissions: e.usage, verdict: e.verdict, reasons: e.reasons, evidence: e.evidenceTable, backtest: e.backtest)
            },
            buckets: r.buckets.map {
                Summary.BucketSummary(bucket: $0.bucket, owner: $0.owner?.rawValue, currentPolicySource: $0.currentSource, endpoints: $0.endpoints, exceptions: $0.exceptions,
                                      draftCharacters: $0.size, replay: $0.replay, verdict: $0.verdict, reasons: $0.reasons,
                                      evidence: $0.evidenceTable, held: $0.held)
            },
            awsOwned: r.awsOwned, review: r.review, denials: r.denials, flows: r.flows, dailyRequests: r.dailyRequests,
            failedFiles: r.failedFiles,
            assumptions: r.assumptions)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(summary), as: UTF8.self)).map { $0 + "\n" } ?? "{}\n"
    }
}

extension Array {
    /// Nil for an empty array.
    var nonEmpty: Self? { isEmpty ? nil : self }
}
