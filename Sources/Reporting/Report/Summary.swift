import AWSModel
import Foundation
import IAMPolicy
public import PolicySynthesis
import Inventory

/// `summary.json`: the machine-readable report (its shape is documented in the README).
struct Summary: Codable {
    struct Status: Codable {
        var replayPassed: Bool
        var unsafeCoverageGaps: Bool
        var reviewItems: Int
        var bypassSources: Int
        var rejectedRecords: Int64
        var failedFiles: Int
        /// Denied writes to S3 buckets outside the trusted accounts (``SynthesisResult/possibleExfiltration``), all counted.
        var possibleExfiltration: Int
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
        /// The draft's path when the output is grouped by account and Region (absent when flat: `endpoints/<id>.json`).
        var file: String?
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
        /// The lock's path when the output is grouped by account and Region (absent when flat: `buckets/<bucket>.json`).
        var file: String?
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
        var lockScope: LockScope
        var lockScopeReason: Message
    }
    /// The organization's resource control policy draft and its replay.
    struct PerimeterSummary: Codable {
        var file: String
        var organization: String
        var characters: Int
        var keys: [String: String]
        var thirdPartyAccounts: [String]
        var thirdPartyEndpoints: [String]
        var outsideCallers: [OutsideCaller]
        var replay: ReplayResult
        var refusedByAccount: [RefusedRequests]
        var verdict: Verdict
        var reasons: [Message]
        var notCovered: [Message]
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
    /// Of `denials`, the writes to S3 buckets outside the trusted accounts (or of no known owner), first seen first.
    var possibleExfiltration: [Denial]
    var flows: FlowFindings
    /// Authorized requests per endpoint and day: the data of the report's first picture.
    var dailyRequests: [DailyRequests]
    /// Log files the store could not read, with their reasons.
    var failedFiles: [FailedFile]
    /// Endpoints that cannot take a policy (absent when none).
    var notEnforceable: [NotEnforceableEndpoint]?
    /// The organization's perimeter (absent without an organization).
    var organization: PerimeterSummary?
    var assumptions: [Diagnostic]
    /// How many items each list cut to ``ListCap/items`` left out, by its path (absent when none was cut).
    var omitted: [String: Int]
}

extension ReportRenderer {
    /// summary.json's `status`, with each draft's verdict and reason codes (the worst first, at most
    /// ``ListCap/items``; `omittedDrafts` counts the rest) and the possible exfiltration attempts (at most
    /// ``ListCap/items``, see ``ListCap/exfiltration(_:)``; `status.possibleExfiltration` counts them all): what
    /// `--json` prints for CI, all ASCII (``ASCIIJSON``).
    public static func statusJSON(_ r: SynthesisResult) -> String {
        struct Item: Encodable { var code: String; var status: EvidenceItem.Status }
        struct Draft: Encodable {
            var draft: String, kind: DraftKind, verdict: Verdict, reasons: [String], evidence: [Item]
        }
        struct Output: Encodable {
            var status: Summary.Status; var drafts: [Draft]; var omittedDrafts: Int; var possibleExfiltration: [Denial]
        }
        let items = { (t: EvidenceTable) in t.items.map { Item(code: $0.code.rawValue, status: $0.status) } }
        let files = ChangeFiles.drafts(r).map(\.file)
        let all = zip(r.endpoints, files).map { Draft(draft: $1, kind: $0.evidenceTable.kind,
                                                      verdict: $0.verdict, reasons: $0.reasons.map(\.code.rawValue),
                                                      evidence: items($0.evidenceTable)) }
            + zip(r.buckets, files.dropFirst(r.endpoints.count)).map {
                Draft(draft: $1, kind: .bucketLock, verdict: $0.verdict, reasons: $0.reasons.map(\.code.rawValue),
                      evidence: items($0.evidenceTable)) }
        let (drafts, omitted) = ListCap.first(all) { $0.verdict != $1.verdict ? $0.verdict > $1.verdict : $0.draft < $1.draft }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let output = Output(status: status(r), drafts: drafts, omittedDrafts: omitted,
                            possibleExfiltration: ListCap.exfiltration(r.possibleExfiltration).shown)
        return (try? ASCIIJSON.escaped(String(decoding: encoder.encode(output), as: UTF8.self))) ?? "{}"
    }

    static func status(_ r: SynthesisResult) -> Summary.Status {
        Summary.Status(replayPassed: r.replayPassed, unsafeCoverageGaps: r.unsafeCoverageGaps, reviewItems: r.review.count,
                       bypassSources: r.flows.bypass.count, rejectedRecords: r.rejectedRecords, failedFiles: r.failedFiles.count,
                       possibleExfiltration: r.possibleExfiltration.count, verdict: r.verdict,
                       missingEvidence: r.missingEvidence.map(\.code.rawValue))
    }

    /// summary.json: every list cut to ``ListCap/items`` (the largest first), with what each left out in `omitted`.
    static func summaryJSON(_ r: SynthesisResult) -> String {
        var window: [String: String] = [:]
        if let since = r.options.since { window["since"] = since }
        if let until = r.options.until { window["until"] = until }
        if let logged = r.loggedDays { window["firstLoggedDay"] = logged.first; window["lastLoggedDay"] = logged.last }
        var cut = Omitted()
        let grouped = ChangeFiles.drafts(r).filter { !$0.folder.isEmpty }
        let files = Dictionary(grouped.map { ($0.kind.isEndpoint ? "endpoint " + $0.id : $0.id, $0.file) }, uniquingKeysWith: { a, _ in a })
        let endpoints = cut.first(r.endpoints, "endpoints").map { e in
            var summary = endpointSummary(e, &cut)
            summary.file = files["endpoint " + e.endpoint.id.rawValue]
            return summary
        }
        let buckets = cut.first(r.buckets, "buckets").map { b in
            let path = "buckets[\(b.bucket)]"
            return Summary.BucketSummary(
                bucket: b.bucket, file: files[b.bucket], owner: b.owner?.rawValue, currentPolicySource: b.currentSource,
                endpoints: cut.first(b.endpoints, path + ".endpoints"),
                exceptions: cut.first(b.exceptions, path + ".exceptions"), draftCharacters: b.size,
                replay: cut.replay(b.replay, path + ".replay"),
                verdict: b.verdict, reasons: cut.first(b.reasons, path + ".reasons"), evidence: b.evidenceTable,
                held: cut.first(b.held, path + ".held"), lockScope: b.lockScope, lockScopeReason: b.lockScopeReason)
        }
        let summary = Summary(
            window: window, granularity: r.options.granularity.rawValue, status: status(r),
            trustedAccounts: cut.first(r.trustedAccounts.map(\.rawValue), "trustedAccounts"), endpoints: endpoints, buckets: buckets,
            awsOwned: cut.first(r.awsOwned, "awsOwned"), review: cut.first(r.review, "review", by: ReviewItem.mostRequestedFirst),
            denials: cut.first(r.denials, "denials", by: Denial.mostRequestedFirst),
            possibleExfiltration: cut.counting(ListCap.exfiltration(r.possibleExfiltration), "possibleExfiltration"),
            flows: cut.flows(r.flows),
            dailyRequests: r.dailyRequests, failedFiles: cut.first(r.failedFiles, "failedFiles"),
            notEnforceable: r.notEnforceable.nonEmpty.map { cut.first($0, "notEnforceable") },
            organization: r.perimeter.map { perimeterSummary($0, &cut) },
            assumptions: cut.first(r.assumptions, "assumptions"), omitted: cut.counts)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(summary), as: UTF8.self)).map { $0 + "\n" } ?? "{}\n"
    }

    static func perimeterSummary(_ p: OrganizationPerimeter, _ cut: inout Omitted) -> Summary.PerimeterSummary {
        Summary.PerimeterSummary(
            file: OrganizationPerimeter.file, organization: p.organization, characters: p.size, keys: p.keys,
            thirdPartyAccounts: cut.first(p.thirdPartyAccounts, "organization.thirdPartyAccounts"),
            thirdPartyEndpoints: cut.first(p.thirdPartyEndpoints, "organization.thirdPartyEndpoints"),
            outsideCallers: cut.first(p.outsideCallers, "organization.outsideCallers") { $0.requests > $1.requests },
            replay: cut.replay(p.replay, "organization.replay"),
            refusedByAccount: cut.first(p.refused, "organization.refusedByAccount") { $0.requests > $1.requests },
            verdict: p.verdict, reasons: p.reasons, notCovered: p.notCovered)
    }

    static func endpointSummary(_ e: EndpointResult, _ cut: inout Omitted) -> Summary.EndpointSummary {
        let path = "endpoints[\(e.endpoint.id.rawValue)]"
        let statements = cut.first(e.draft.statements, path + ".statements").map { s in
            let ev = e.evidence[s.sid ?? ""], at = path + ".statements[\(s.sid ?? "")]"
            return Summary.StatementSummary(
                sid: s.sid ?? "", actions: s.action.patterns, resources: cut.first(s.resource?.patterns ?? [], at + ".resources"),
                principals: cut.first((e.statementPrincipals[s.sid ?? ""] ?? []).map(\.arn).nonEmpty ?? ["*"], at + ".principals"),
                requests: ev?.requests ?? 0, firstSeen: time(ev?.firstSeen ?? 0), lastSeen: time(ev?.lastSeen ?? 0),
                awsOwnedService: ev?.reason)
        }
        var grantCheck = e.grantCheck
        grantCheck.exceeding = cut.first(grantCheck.exceeding, path + ".grantCheck.exceeding")
        grantCheck.unprovable = cut.first(grantCheck.unprovable, path + ".grantCheck.unprovable")
        return Summary.EndpointSummary(
            id: e.endpoint.id.rawValue, file: nil, type: e.endpoint.type, service: e.service, region: e.region, vpc: e.endpoint.vpcID,
            currentPolicyKnown: e.currentKnown, currentPolicySource: e.endpoint.policySource, requests: e.requests,
            principals: cut.first(e.principals, path + ".principals"), draftCharacters: e.size,
            accessBefore: PolicyDiff.summary(e.current), accessAfter: PolicyDiff.summary(e.draft),
            replay: cut.replay(e.replay, path + ".replay"),
            grantCheck: grantCheck, coarsened: cut.first(e.coarsened, path + ".coarsened"), notes: cut.first(e.notes, path + ".notes"),
            statements: statements, unusedPermissions: cut.first(e.usage, path + ".unusedPermissions"), verdict: e.verdict,
            reasons: cut.first(e.reasons, path + ".reasons"), evidence: e.evidenceTable, backtest: e.backtest)
    }
}

/// What summary.json's lists leave out past ``ListCap/items``: the count by the list's path
/// (`flows.sources`, `endpoints[vpce-0abc].replay.failures`).
struct Omitted {
    var counts: [String: Int] = [:]

    /// The first ``ListCap/items`` of `list` (in `order` when given), counting the rest under `path`.
    mutating func first<T>(_ list: [T], _ path: String, by order: ((T, T) -> Bool)? = nil) -> [T] {
        counting(order.map { ListCap.first(list, by: $0) } ?? ListCap.first(list), path)
    }

    /// The items of a list cut already (`shown`), counting the rest under `path`.
    mutating func counting<T>(_ cut: (shown: [T], more: Int), _ path: String) -> [T] {
        if cut.more > 0 { counts[path] = cut.more }
        return cut.shown
    }

    mutating func replay(_ replay: ReplayResult, _ path: String) -> ReplayResult {
        var replay = replay
        replay.failures = first(replay.failures, path + ".failures") { $0.requests > $1.requests }
        replay.deniedNowAllowed = first(replay.deniedNowAllowed, path + ".deniedNowAllowed") { $0.requests > $1.requests }
        return replay
    }

    mutating func flows(_ flows: FlowFindings) -> FlowFindings {
        var flows = flows
        flows.sources = first(flows.sources, "flows.sources", by: FlowFindings.largestFirst)
        for (i, source) in flows.sources.enumerated() {
            flows.sources[i].principals = first(source.principals, "flows.sources[\(i)].principals")
            flows.sources[i].instances = first(source.instances, "flows.sources[\(i)].instances")
            flows.sources[i].interfaces = first(source.interfaces, "flows.sources[\(i)].interfaces")
        }
        flows.coverageGaps = first(flows.coverageGaps, "flows.coverageGaps", by: FlowFindings.largestFirst)
        flows.unexplainedVolume = first(flows.unexplainedVolume, "flows.unexplainedVolume", by: FlowFindings.largestFirst)
        flows.bypass = first(flows.bypass, "flows.bypass", by: FlowFindings.largestFirst)
        for (i, bypass) in flows.bypass.enumerated() {
            flows.bypass[i].principals = first(bypass.principals, "flows.bypass[\(i)].principals")
            flows.bypass[i].destinations = first(bypass.destinations, "flows.bypass[\(i)].destinations")
        }
        flows.inferred = first(flows.inferred, "flows.inferred")
        flows.notNeeded = first(flows.notNeeded, "flows.notNeeded")
        return flows
    }
}

extension Array {
    /// Nil for an empty array.
    var nonEmpty: Self? { isEmpty ? nil : self }
}

extension ReviewItem {
    /// The most requested first, then by endpoint, resource and principal: the order review lists are shown and cut in.
    static func mostRequestedFirst(_ a: ReviewItem, _ b: ReviewItem) -> Bool {
        a.requests != b.requests ? a.requests > b.requests : (a.endpoint, a.resource, a.principal) < (b.endpoint, b.resource, b.principal)
    }
}

extension Denial {
    /// The most requested first, then by endpoint, resource and principal.
    static func mostRequestedFirst(_ a: Denial, _ b: Denial) -> Bool {
        guard a.requests == b.requests else { return a.requests > b.requests }
        return (a.endpoint?.rawValue ?? "", a.resource, a.principal) < (b.endpoint?.rawValue ?? "", b.resource, b.principal)
    }
}
