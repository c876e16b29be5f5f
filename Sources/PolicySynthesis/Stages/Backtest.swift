public import AWSModel
public import IAMPolicy
public import Inventory

/// What a draft learned on the window without its last days would have done to those days: the
/// figure that tells whether the window was long enough.
public struct Backtest: Sendable, Hashable, Codable {
    /// The held-out days, `YYYY-MM-DD`, inclusive.
    public var from: String
    /// The last held-out day.
    public var through: String
    /// Authorized requests through the endpoint in the held-out days that a draft may allow (requests
    /// a run would hold for review are not counted), and how many the draft refuses.
    public var requests: Int64
    /// Held-out requests the draft refuses.
    public var refused: Int64
    /// The refused request groups (the draft would have broken them).
    public var refusedRequests: [ReplayMismatch]

    /// Refused requests as a share of the held-out ones (0 when there were none).
    public var refusedShare: Double { requests == 0 ? 0 : Double(refused) / Double(requests) }

    enum CodingKeys: String, CodingKey { case from, through, requests, refused, refusedRequests, refusedShare }

    /// A backtest's figures.
    public init(from: String, through: String, requests: Int64 = 0, refused: Int64 = 0, refusedRequests: [ReplayMismatch] = []) {
        (self.from, self.through, self.requests, self.refused, self.refusedRequests) = (from, through, requests, refused, refusedRequests)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(from: try c.decode(String.self, forKey: .from), through: try c.decode(String.self, forKey: .through),
                  requests: try c.decode(Int64.self, forKey: .requests), refused: try c.decode(Int64.self, forKey: .refused),
                  refusedRequests: try c.decode([ReplayMismatch].self, forKey: .refusedRequests))
    }

    /// The figures, with the refused share beside them (summary.json).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(from, forKey: .from)
        try c.encode(through, forKey: .through)
        try c.encode(requests, forKey: .requests)
        try c.encode(refused, forKey: .refused)
        try c.encode(refusedRequests, forKey: .refusedRequests)
        try c.encode(refusedShare, forKey: .refusedShare)
    }

    /// The backtest as an item of evidence: proven only when no held-out principal–action group is
    /// refused, however small its share (a monthly job is a job).
    var evidence: EvidenceItem {
        guard refused > 0 else {
            return .proven(.backtest, "learned without \(from) to \(through), the draft keeps all \(requests) requests of those days")
        }
        let groups = Set(refusedRequests.map { "\($0.principal) \($0.action)" }).count
        let share = Double(Int((refusedShare * 1000).rounded())) / 10
        return .missing(.backtest, .backtestRefused,
                        "learned without \(from) to \(through), the draft refuses \(Verdicts.n(groups, "principal–action group")) "
                            + "(\(refused) of \(requests) requests, \(share)%) of those days: the window is too short for this endpoint",
                        remedy: "a longer window, or add the refused requests' days to it")
    }
}

extension Synthesizer {
    /// Replays `heldOut` (the requests of the days after the learning window) against each draft of
    /// `result`, learned without them, and sets each endpoint's ``EndpointResult/backtest`` and its
    /// `backtest` item of evidence: any refused principal–action group leaves the draft unproven.
    ///
    /// ```swift
    /// var result = Synthesizer.synthesize(learning)                    // the window minus its last 7 days
    /// Synthesizer.backtest(&result, heldOut: lastSevenDays, from: "2026-11-24", through: "2026-11-30", organization: nil)
    /// ```
    public static func backtest(_ result: inout SynthesisResult, heldOut: [ObservedAccess], from: String, through: String,
                                inventory: Inventory, catalog: AWSOwnedCatalog = .shared, actions: ActionCatalog = .shared) {
        let trusted = Set(result.trustedAccounts)
        let classifier = ResourceClassifier(trusted: trusted, ourBuckets: BucketOwners(inventory), catalog: catalog,
            allowed: result.options.allowedResources)
        let byEndpoint = Dictionary(grouping: heldOut.filter { $0.endpoint != nil && $0.outcome.wasAuthorized }, by: { $0.endpoint! })
        for i in result.endpoints.indices {
            let endpoint = result.endpoints[i].endpoint
            // The same triage as a run: what would be held for review is not the draft's to allow.
            let triage = AccessTriage.split(byEndpoint[endpoint.id] ?? [], endpoint: endpoint.id, region: result.endpoints[i].region,
                                            classifier: classifier, trusted: trusted, actions: actions,
                                            serves: endpoint.service)
            let organization = inventory.organizationID
            let draft = CompiledPolicy(result.endpoints[i].draft, kind: endpoint.policyKind)
            let replay = Replay.run(draft, authorized: triage.draftable.map(\.0), held: [], denied: [],
                                    vpc: { _ in endpoint.vpcID }, organization: organization, trusted: trusted, breaks: { $0 != .allow })
            let test = Backtest(from: from, through: through, requests: replay.requests, refused: replay.requests - replay.allowed,
                                refusedRequests: replay.failures)
            result.endpoints[i].backtest = test
            var table = result.endpoints[i].evidenceTable
            table.set(test.evidence)
            result.endpoints[i].judge(table)
        }
        // The held-out days' refusals are still the window's: listed after the days learned from (their groups are
        // the held-out days' own), never dropped because they were not learned from.
        let denied = heldOut.filter { !$0.outcome.wasAuthorized }
        let denials = denied.map { Synthesizer.denial($0, owners: classifier.ourBuckets) }
        result.denials += denials
        result.possibleExfiltration += PossibleExfiltration.find(zip(denied, denials), trusted: trusted, actions: actions)
        let drafted = Set(result.endpoints.map(\.endpoint.id))
        for id in byEndpoint.keys.filter({ !drafted.contains($0) }).sorted() {
            result.assumptions.append(Diagnostic(.backtestNewEndpoint, .warning, """
                \(value: id.rawValue) appears only in the held-out days \(from) to \(through): no draft was learned for it
                """))
        }
    }
}
