import AWSModel
import Inventory

/// How far a draft can be trusted, from the evidence behind it.
public enum Verdict: String, Sendable, Hashable, Codable, Comparable, CaseIterable {
    /// Every item of evidence the draft's kind needs is proven.
    case ready
    /// Some evidence is missing: the table says what to enable or provide.
    case review
    /// Some evidence contradicts the draft: it would break a request that worked, grants more than
    /// today, or flow logs show traffic it would refuse.
    case unsafe

    var rank: Int { switch self { case .ready: 0; case .review: 1; case .unsafe: 2 } }
    public static func < (a: Verdict, b: Verdict) -> Bool { a.rank < b.rank }
}

/// Stage 9: each draft's evidence table, and from it its verdict and reasons. Nothing starts proven:
/// each item of the draft's kind (``DraftKind/required``) is proven here from the window, or it is
/// missing or contradicted, and the draft is *ready* only when all are proven.
enum Verdicts {
    /// What the window could see, for every draft.
    struct Visibility {
        /// Event categories by service in the window (`s3 Data`, `kms Management`).
        var categories: Set<String>
        /// Whether the store holds any flow log record.
        var flowLogs: Bool
        var acceptCoverageGaps: Bool
        /// How the trusted accounts were found.
        var trust: TrustedAccounts
        /// Days of logged use each kind needs.
        var minimumDays: MinimumDays
        /// Files the store could not read, with their account and Region when their name says them.
        var failedFiles: [FailedFile]
        /// Principals a lock exempts for the bucket-policy actions (`--admin-principal`).
        var adminPrincipals: [String]
    }

    static func endpoint(_ e: EndpointResult, review: [ReviewItem], gaps: [CoverageGap], unexplained: [CoverageGap], flowTie: FlowTie,
                         blind: [String], networkOnly: [String] = [], _ seen: Visibility) -> EvidenceTable {
        let kind: DraftKind = e.endpoint.isGateway || (e.endpoint.type == nil && ["s3", "dynamodb"].contains(e.service))
            ? .gatewayEndpoint : .interfaceEndpoint
        let held = review.filter { $0.endpoint == e.endpoint.id }
        let owned: Message = e.endpoint.service == nil
            ? "its requests name a trusted owner or come from private addresses" : "in the inventory"
        let items: [EvidenceItem] = [
            filesRead(account: e.endpoint.owner, region: e.region, seen),
            trustedAccounts(seen.trust),
            .proven(.endpointOwned, owned),
            loggedUse(requests: e.replay.requests),
            windowLength(days: e.historyDays, minimum: seen.minimumDays.endpoint, flag: "--minimum-days", requests: e.replay.requests),
            dataPlane(service: e.service, blind: blind, networkOnly: networkOnly, seen),
            flowCoverage(e, kind: kind, gaps: gaps, unexplained: unexplained, tie: flowTie, seen),
            replay(requests: e.replay.requests, refused: e.replay.requests - e.replay.allowed, passed: e.replay.passed),
            withinCurrent(e.grantCheck),
            e.currentKnown ? .proven(.currentPolicy, "from \(value: e.endpoint.policySource ?? "the inventory")")
                : .missing(.currentPolicy, .currentPolicyAssumed,
                           "the current policy is not in the inventory: the diff and the grant check assume allow-everything",
                           remedy: "add \(value: "aws ec2 describe-vpc-endpoints") output to the inventory"),
            held.isEmpty ? .proven(.reviewClear, "no request group is held for review")
                : .missing(.reviewClear, .reviewItems,
                           "\(n(held.count, "request group is", "request groups are")) held for review and refused by the draft",
                           remedy: "decide each (report's Review section): --trusted-account or --allow-resource to allow it"),
            fitsSize(e),
        ]
        return EvidenceTable(kind, items)
    }

    static func bucket(_ b: BucketResult, _ seen: Visibility) -> EvidenceTable {
        let items: [EvidenceItem] = [
            filesRead(account: b.owner, region: nil, seen),
            trustedAccounts(seen.trust),
            lockEndpoints(b),
            windowLength(days: b.historyDays, minimum: seen.minimumDays.lock, flag: "--minimum-lock-days", requests: b.replay.requests),
            lockDataPlane(b, seen),
            replay(requests: b.replay.requests, refused: b.replay.failures.reduce(0) { $0 + $1.requests }, passed: b.replay.passed),
            bucketPolicy(b),
            b.held.isEmpty ? .proven(.lockExceptions, "every exception is a trusted account's principal, named by its ARN")
                : .missing(.lockExceptions, .foreignException,
                           "\(n(b.held.count, "caller")) from outside the expected endpoints: not a trusted account's named principal, "
                               + "not exempted, the lock would deny \(b.held.count == 1 ? "it" : "them")",
                           remedy: "decide each (report's Bucket locks section): --trusted-account if the account is yours"),
            adminPath(b, seen),
            b.current == nil ? .proven(.withinCurrentPolicy, "no current policy: the lock only denies")
                : withinCurrent(b.grantCheck),
            fitsSize(b),
        ]
        return EvidenceTable(.bucketLock, items)
    }

    /// `3 callers`, `1 caller`.
    static func n(_ count: some BinaryInteger, _ one: String, _ many: String? = nil) -> String {
        "\(count) \(count == 1 ? one : many ?? one + "s")"
    }

    static func lockEndpoints(_ b: BucketResult) -> EvidenceItem {
        guard !b.foreignEndpoints.isEmpty else {
            return .proven(.lockEndpointsOwned, "every endpoint the lock answers is in the inventory or a trusted account's")
        }
        return .contradicted(.lockEndpointsOwned, .endpointNotYours,
                             "\(n(b.foreignEndpoints.count, "endpoint")) not shown to be yours reached the bucket "
                                 + "(\(value: b.foreignEndpoints.joined(separator: ", "))): left out of the lock, which would deny them",
                             remedy: "add the endpoint to the inventory, or its owner with --trusted-account, if it is yours")
    }

    static func bucketPolicy(_ b: BucketResult) -> EvidenceItem {
        let source = b.currentSource ?? "the inventory"
        if b.current != nil { return .proven(.currentPolicy, "from \(value: source)") }
        if b.currentDeclaredAbsent { return .proven(.currentPolicy, "the bucket has no policy (declared by \(value: source))") }
        return .missing(.currentPolicy, .currentPolicyUnknown,
                        "the bucket's current policy is not in the inventory: applying the draft replaces its whole policy",
                        remedy: "save \(value: "aws s3api get-bucket-policy --bucket \(b.bucket)") output "
                            + "(an empty file, or its NoSuchBucketPolicy error, says it has none)")
    }

    static func filesRead(account: AccountID?, region: String?, _ seen: Visibility) -> EvidenceItem {
        let failed = seen.failedFiles.filter { $0.affects(account: account, region: region) }
        guard let first = failed.first else { return .proven(.filesRead, "every log file the store was given was read") }
        return .missing(.filesRead, .fileNotRead,
                        "\(n(failed.count, "log file")) of its account and Region could not be read "
                            + "(\(value: first.path): \(first.reason))",
                        remedy: "replace the file and ingest again")
    }

    static func trustedAccounts(_ trust: TrustedAccounts) -> EvidenceItem {
        trust.given ? .proven(.trustedAccounts, trust.assumption.message)
            : .missing(.trustedAccounts, .trustedAccountsLearned, "the trusted accounts were learned from the logs alone",
                       remedy: "pass --trusted-account or an \(value: "aws organizations list-accounts") file")
    }

    static func loggedUse(requests: Int64) -> EvidenceItem {
        requests > 0 ? .proven(.loggedUse, "\(n(requests, "authorized request")) in the window")
            : .missing(.loggedUse, .noLoggedUse,
                       "no authorized request went through the endpoint in the window: the draft refuses everything",
                       remedy: "a window in which the endpoint is used")
    }

    static func windowLength(days: Int, minimum: Int, flag: String, requests: Int64) -> EvidenceItem {
        if requests > 0 && days >= minimum {
            return .proven(.windowLength, "logged use spans \(days) days (\(minimum) needed, \(flag))")
        }
        return .missing(.windowLength, .shortHistory,
                        "logged use spans \(n(days, "day")), fewer than \(minimum): jobs that run less often may not be in the draft",
                        remedy: "ingest at least \(minimum) days (\(flag) sets the number)")
    }

    static func replay(requests: Int64, refused: Int64, passed: Bool) -> EvidenceItem {
        passed ? .proven(.replay, "keeps all \(n(requests, "authorized request")) of the window")
            : .contradicted(.replay, .replayFailed,
                            "the draft refuses \(refused) of \(requests) requests that were authorized in the window")
    }

    static func withinCurrent(_ check: GrantCheck) -> EvidenceItem {
        if !check.exceeding.isEmpty {
            return .contradicted(.withinCurrentPolicy, .grantCheckFailed,
                                 "the draft grants \(n(check.exceeding.count, "combination")) the current policy refuses")
        }
        if !check.unprovable.isEmpty {
            return .missing(.withinCurrentPolicy, .grantCheckUnprovable,
                            "\(n(check.unprovable.count, "grant")) cannot be proven within the current policy from logs alone",
                            remedy: "read them in the report's grant check; narrow the draft or accept by hand")
        }
        return .proven(.withinCurrentPolicy, "\(n(check.checked, "grant")) checked against the current policy")
    }

    static func fitsSize(_ b: BucketResult) -> EvidenceItem {
        if let over = b.notes.first(where: { $0.code == .overSizeLimit }) {
            return .contradicted(.fitsSize, over.code, over.message)
        }
        return .proven(.fitsSize, "\(b.size) of \(Synthesizer.bucketPolicyLimit) bytes")
    }

    static func fitsSize(_ e: EndpointResult) -> EvidenceItem {
        if let over = e.coarsened.first(where: { $0.severity == .error }) {
            return .contradicted(.fitsSize, over.code, over.message)
        }
        return .proven(.fitsSize, "\(e.size) of \(Synthesizer.endpointPolicyLimit) characters")
    }
}
