public import AWSModel
public import IAMPolicy
public import Inventory

/// Stage 0: the store's request groups, read in key order, with object keys folded into the patterns
/// the drafts would generalize them to, so that synthesis holds one group per pattern, not one per key:
/// its memory follows the workload (principals, actions, prefixes), not the window's length.
///
/// Folding changes nothing a draft would do: a key is folded only where the builder would generalize
/// it (``Generalization``) and the current policy grants the pattern for that principal and action;
/// keys of a bucket that an `--allow-resource` pattern may concern stay exact (the pattern is matched
/// per key). Past ``SynthesisOptions/prefixLimit`` patterns of one principal in one bucket, the fold
/// sums the rest under `bucket/*`, as the builder then widens them all (one ``PrefixBudget`` for both).
/// The replay evaluates a folded group once, with a key of its pattern: every key folded into it
/// matches the pattern, and a draft allows a pattern or something wider.
///
/// ```swift
/// let folding = AccessFolding(granularity: .prefix, inventory: inventory)
/// let collected = try folding.collect { each in try store.accessRows(each) }
/// ```
public struct AccessFolding: Sendable {
    /// The granularity the drafts are written at; `exact` folds only an endpoint no draft could hold.
    public let granularity: Granularity
    let policies: [VPCEndpointID: CompiledPolicy]
    let allowedPrefixes: [String]
    let actions: ActionCatalog
    /// Today's policies' answers, for the builder to share (``SynthesisInput/policyAnswers``).
    public let answers = PolicyAnswers()

    /// Folding for drafts at `granularity`, within the current endpoint policies of `inventory`.
    public init(granularity: Granularity, inventory: Inventory, allowedResources: [String] = [], actions: ActionCatalog = .shared) {
        self.granularity = granularity
        var policies: [VPCEndpointID: CompiledPolicy] = [:]
        for (id, endpoint) in inventory.endpoints {
            if let policy = endpoint.policy { policies[id] = CompiledPolicy(policy, kind: endpoint.policyKind) }
        }
        self.policies = policies
        // What each accepted pattern names literally, before its first wildcard.
        allowedPrefixes = allowedResources.map { String($0.prefix { $0 != "*" && $0 != "?" }) }
        self.actions = actions
    }

    /// What ``collect(_:)`` read: the groups, sorted, and the endpoints whose keys were folded to prefixes
    /// although the granularity is `exact`.
    public struct Collected: Sendable {
        /// The request groups, sorted.
        public var accesses: [ObservedAccess]
        /// Endpoints whose distinct logged object ARNs add up to more than ``exactTextLimit`` characters: no
        /// exact draft could hold them (it coarsens to prefixes to fit), so they were folded as they were read.
        public var foldedExact: Set<VPCEndpointID>
    }

    /// Characters of distinct object ARNs through one endpoint past which `exact` folds it to prefixes:
    /// twice the endpoint policy limit (some may be held for review and never drafted).
    public static let exactTextLimit = 2 * Synthesizer.endpointPolicyLimit

    /// Folds the rows `read` hands to its consumer (in the store's key order, ``AccessRow``) as they come,
    /// and returns the groups sorted.
    ///
    /// - Throws: what `read` throws.
    public func collect<E: Error>(_ read: (_ each: (AccessRow) -> Void) throws(E) -> Void) throws(E) -> Collected {
        if granularity == .exact {
            var folder = ExactFolding(folding: self)
            try read { folder.add($0) }
            folder.finish()
            return Collected(accesses: folder.groups.sorted(byTexts: ObservedAccess.orderTexts), foldedExact: folder.foldedExact)
        }
        var folder = KeyFolding(folding: self, granularity: granularity)
        try read { folder.add($0) }
        folder.finish()
        return Collected(accesses: folder.groups.sorted(byTexts: ObservedAccess.orderTexts), foldedExact: [])
    }

    /// Whether the current policy of the group's endpoint grants `pattern` for its principal and action
    /// (the builder's rule: a draft never generalizes beyond it); only authorized requests are drafted.
    func withinCurrent(_ group: ObservedAccess, _ pattern: Resource) -> Bool {
        guard group.outcome.wasAuthorized, let endpoint = group.endpoint, let current = policies[endpoint] else { return true }
        return answers.allows(current, endpoint: endpoint, Audience(group.principal), group.access.action, pattern)
    }

    /// Whether an `--allow-resource` pattern may match a key of the resource's bucket (its literal part
    /// and the bucket's ARN agree): those keys stay exact, the pattern is matched per key.
    func mayBeAllowed(_ bucketARN: Substring) -> Bool {
        !allowedPrefixes.isEmpty && allowedPrefixes.contains { $0.hasPrefix(bucketARN) || bucketARN.hasPrefix($0) }
    }
}
