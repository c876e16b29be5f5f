import AWSModel

/// How far a draft can be trusted, from the evidence behind it.
public enum Verdict: String, Sendable, Hashable, Codable, Comparable, CaseIterable {
    /// Every check passed and the logs could see what the draft governs.
    case ready
    /// Nothing known breaks, but the logs could not vouch for everything: read the reasons first.
    case review
    /// The draft would break a request that worked, grants more than today, or flow logs show traffic
    /// it would refuse.
    case unsafe

    var rank: Int { switch self { case .ready: 0; case .review: 1; case .unsafe: 2 } }
    public static func < (a: Verdict, b: Verdict) -> Bool { a.rank < b.rank }
}

/// Stage 9: each draft's verdict and its reasons. A reason of severity `error` makes a draft unsafe,
/// one of severity `warning` makes it need review.
enum Verdicts {
    /// Days of logged use below which a draft needs review: a week, so that a weekly job has had a
    /// chance to run in the window.
    static let minimumHistoryDays = 7

    /// What the window could see, for every draft.
    struct Visibility {
        /// Services with data events in the window (object- and item-level S3 and DynamoDB calls).
        var dataEventServices: Set<String>
        /// Whether the store holds any flow log record.
        var flowLogs: Bool
        var acceptCoverageGaps: Bool
    }

    static func endpoint(_ e: EndpointResult, review: [ReviewItem], gaps: [CoverageGap], _ seen: Visibility) -> (Verdict, [Diagnostic]) {
        var reasons: [Diagnostic] = []
        if !e.replay.passed {
            reasons.append(Diagnostic("replay-failed", .error, "the draft refuses \(e.replay.requests - e.replay.allowed) of \(e.replay.requests) requests that were authorized in the window"))
        }
        if !e.grantCheck.exceeding.isEmpty {
            reasons.append(Diagnostic("grant-check-failed", .error, "the draft grants \(e.grantCheck.exceeding.count) combination\(e.grantCheck.exceeding.count == 1 ? "" : "s") the current policy refuses"))
        }
        if !gaps.isEmpty {
            reasons.append(Diagnostic("coverage-gap", seen.acceptCoverageGaps ? .warning : .error,
                                      "\(gaps.count) source\(gaps.count == 1 ? " sends" : "s send") traffic through the endpoint that CloudTrail does not show; the draft would refuse it\(seen.acceptCoverageGaps ? " (accepted with --accept-coverage-gaps)" : "")"))
        }
        if e.replay.requests == 0 {
            reasons.append(Diagnostic("no-logged-use", .warning, "no authorized request went through the endpoint in the window: the draft refuses everything"))
        } else if e.historyDays < minimumHistoryDays {
            reasons.append(Diagnostic("short-history", .warning, "the endpoint's logged use spans \(e.historyDays) day\(e.historyDays == 1 ? "" : "s"), fewer than \(minimumHistoryDays): weekly jobs may not be in the draft"))
        }
        let held = review.filter { $0.endpoint == e.endpoint.id.rawValue }
        if !held.isEmpty {
            reasons.append(Diagnostic("review-items", .warning, "\(held.count) request group\(held.count == 1 ? " is" : "s are") held for review and refused by the draft"))
        }
        if !e.currentKnown {
            reasons.append(Diagnostic("current-policy-assumed", .warning, "the current policy is not in the inventory: the diff and the grant check assume allow-everything"))
        }
        if ["s3", "dynamodb"].contains(e.service), !seen.dataEventServices.contains(e.service) {
            reasons.append(Diagnostic("data-events-missing", .warning, "the window holds no \(e.service) data events: object- or item-level use through the endpoint cannot be seen; enable data events for \(value: e.service) or supply them"))
        }
        if !seen.flowLogs {
            reasons.append(Diagnostic("coverage-not-checked", .warning, "no flow logs in the store: traffic CloudTrail does not show cannot be seen"))
        } else if e.endpoint.service == nil {
            reasons.append(Diagnostic("coverage-not-checked", .warning, "the endpoint is not in the inventory (\(value: "describe-vpc-endpoints")): its flows cannot be told apart"))
        } else if !e.endpoint.isGateway && e.endpoint.addresses.isEmpty {
            reasons.append(Diagnostic("coverage-not-checked", .warning, "the endpoint's network interfaces are not in the inventory (\(value: "describe-network-interfaces")): its flows cannot be told apart"))
        }
        if !e.grantCheck.unprovable.isEmpty {
            reasons.append(Diagnostic("grant-check-unprovable", .warning, "\(e.grantCheck.unprovable.count) grant\(e.grantCheck.unprovable.count == 1 ? "" : "s") cannot be proven within the current policy from logs alone"))
        }
        reasons += e.coarsened.filter { $0.severity == .error }
        return (verdict(reasons), reasons)
    }

    static func bucket(_ b: BucketResult, _ seen: Visibility) -> (Verdict, [Diagnostic]) {
        var reasons: [Diagnostic] = []
        if !b.replay.passed {
            reasons.append(Diagnostic("replay-failed", .error, "the lock explicitly denies \(b.replay.failures.reduce(0) { $0 + $1.requests }) requests that were authorized in the window"))
        }
        if !b.grantCheck.exceeding.isEmpty {
            let n = b.grantCheck.exceeding.count
            reasons.append(Diagnostic("grant-check-failed", .error,
                                      "the draft grants \(n) combination\(n == 1 ? "" : "s") the current policy refuses"))
        }
        if !b.grantCheck.unprovable.isEmpty {
            let n = b.grantCheck.unprovable.count
            reasons.append(Diagnostic("grant-check-unprovable", .warning,
                                      "\(n) grant\(n == 1 ? "" : "s") cannot be proven within the current policy"))
        }
        reasons += b.notes.filter { $0.severity != .note }
        if b.current == nil {
            reasons.append(Diagnostic("current-policy-unknown", .warning, "the bucket's current policy is not in the inventory: applying the draft replaces its whole policy"))
        }
        if !seen.dataEventServices.contains("s3") || !b.objectAccessObserved {
            reasons.append(Diagnostic("object-access-not-observable", .warning, "no logged request touched the bucket's objects (S3 data events off, or none in the window)\(b.objectAccessObserved ? "" : ": the lock covers bucket-level actions only"); enable S3 data events for this bucket, or supply them"))
        }
        return (verdict(reasons), reasons)
    }

    static func verdict(_ reasons: [Diagnostic]) -> Verdict {
        reasons.contains { $0.severity == .error } ? .unsafe : reasons.contains { $0.severity == .warning } ? .review : .ready
    }
}
