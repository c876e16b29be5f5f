public import AWSModel
public import IAMPolicy

/// Stage 0: object keys folded into the patterns the drafts would generalize them to, as the store
/// sums the requests, so that synthesis holds one group per pattern, not one per key: its memory
/// follows the workload (principals, actions, prefixes), not the window's length.
///
/// Folding changes nothing a draft would do: a key is folded only where the builder would generalize
/// it (``EndpointPolicyBuilder/generalize(_:_:)``) and the current policy grants the pattern for that
/// principal and action; keys of a bucket that an `--allow-resource` pattern may concern stay exact
/// (the pattern is matched per key). Past ``SynthesisOptions/prefixLimit`` patterns of one principal in
/// one bucket, ``collect(_:)`` sums the rest under `bucket/*`, as the builder then widens them all. The
/// replay evaluates a folded group once, with a key of its pattern: every key folded into it matches
/// the pattern, and a draft allows a pattern or something wider.
///
/// ```swift
/// let folding = AccessFolding(granularity: .prefix, inventory: inventory)
/// let observed = try folding.collect { fold, each in try store.observedAccess(fold: fold, each) }
/// ```
public struct AccessFolding: Sendable {
    /// The granularity the drafts are written at; `exact` folds nothing.
    public let granularity: Granularity
    let policies: [VPCEndpointID: CompiledPolicy]
    let allowedPrefixes: [String]
    let actions: ActionCatalog
    private let answers = Cache<FoldKey, Bool>()

    /// Folding for drafts at `granularity`, within the current endpoint policies of `inventory`.
    public init(granularity: Granularity, inventory: Inventory, allowedResources: [String] = [], actions: ActionCatalog = .shared) {
        self.granularity = granularity
        var policies: [VPCEndpointID: CompiledPolicy] = [:]
        for (id, endpoint) in inventory.endpoints { if let policy = endpoint.policy { policies[id] = CompiledPolicy(policy) } }
        self.policies = policies
        // What each accepted pattern names literally, before its first wildcard.
        allowedPrefixes = allowedResources.map { String($0.prefix { $0 != "*" && $0 != "?" }) }
        self.actions = actions
    }

    /// The store's fold; nil at `exact` granularity.
    public var fold: ResourceFold? {
        guard granularity != .exact else { return nil }
        return { self.pattern(for: $0) }
    }

    /// The pattern the requests of `key` are summed under: its resource generalized, or the resource.
    func pattern(for key: FoldKey, at granularity: Granularity? = nil) -> String {
        let resource = Resource(policyText: key.resource)
        guard let bucket = resource.s3BucketName, resource.s3ObjectKey != nil, !mayBeAllowed(resource, bucket: bucket) else { return key.resource }
        let general = EndpointPolicyBuilder.generalize(resource, granularity ?? self.granularity)
        guard general != resource else { return key.resource }
        return withinCurrent(key, general.text) ? general.text : key.resource
    }

    /// Whether the current policy of the key's endpoint grants `pattern` for its principal and action (the
    /// builder's rule: a draft never generalizes beyond it); only authorized requests are drafted.
    func withinCurrent(_ key: FoldKey, _ pattern: String) -> Bool {
        guard key.authorized, let current = policies[VPCEndpointID(key.endpoint)] else { return true }
        var question = key
        question.resource = pattern
        return answers.value(question) {
            guard let action = IAMAction(key.action) else { return false }
            return EndpointPolicyBuilder.allows(current, endpoint: VPCEndpointID(key.endpoint), Audience(Self.principal(key)), action, pattern)
        }
    }

    /// Whether an `--allow-resource` pattern may match a key of `bucket` (its literal part and the bucket's ARN agree).
    func mayBeAllowed(_ resource: Resource, bucket: String) -> Bool {
        guard !allowedPrefixes.isEmpty, let slash = resource.text.firstIndex(of: "/") else { return false }
        let bucketARN = resource.text[...slash]
        return allowedPrefixes.contains { $0.hasPrefix(bucketARN) || bucketARN.hasPrefix($0) }
    }

    static func principal(_ key: FoldKey) -> Principal {
        Principal(kind: Principal.Kind(rawValue: key.principalKind) ?? .unknown, arn: key.principalARN,
                  account: key.principalAccount.isEmpty ? nil : AccountID(key.principalAccount))
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

    /// Reads the store's groups through `read` (given the fold and a consumer), summing past the prefix
    /// limit (and, at `exact`, past what a draft can hold), and returns them sorted.
    ///
    /// - Throws: what `read` throws.
    public func collect<E: Error>(_ read: (_ fold: ResourceFold?, _ each: (ObservedAccess) -> Void) throws(E) -> Void) throws(E) -> Collected {
        var collector = Collector(folding: self)
        try read(fold) { collector.add($0) }
        return Collected(accesses: collector.accesses.sorted(), foldedExact: Set(collector.foldedExact.compactMap { $0 }))
    }

    /// Groups as they come, with those past a principal's prefix limit in a bucket summed under
    /// `bucket/*`, and at `exact` the groups of an endpoint past ``exactTextLimit`` folded to prefixes.
    struct Collector {
        let folding: AccessFolding
        var accesses: [ObservedAccess] = []
        /// Patterns seen per principal and bucket (at most the limit and one).
        var patterns: [Place: Set<String>] = [:]
        /// Where each group the collector folded is in `accesses`.
        var folded: [ObservedAccess: Int] = [:]
        /// At `exact`: the distinct object ARNs seen per endpoint and their characters, until it is folded.
        var exactSeen: [VPCEndpointID?: (resources: Set<String>, characters: Int)] = [:]
        var foldedExact: Set<VPCEndpointID?> = []

        struct Place: Hashable {
            var endpoint: VPCEndpointID?
            var principal: Principal
            var bucket: String
            /// Whether the requests could be drafted (authorized, an IAM action): only those count toward the builder's limit.
            var draftable: Bool
        }

        mutating func add(_ access: ObservedAccess) {
            let resource = access.access.resource
            guard let bucket = resource.s3BucketName, resource.s3ObjectKey != nil, !folding.mayBeAllowed(resource, bucket: bucket) else {
                accesses.append(access)
                return
            }
            if folding.granularity == .exact, !foldedExact.contains(access.endpoint) {
                accesses.append(access)
                if access.outcome.wasAuthorized { countExact(access) }
                return
            }
            guard folding.granularity != .bucket else {
                accesses.append(access)   // the store folded it
                return
            }
            var access = access
            if folding.granularity == .exact {
                let pattern = folding.pattern(for: FoldKey(access), at: .prefix)
                if pattern != resource.text { (access.access.resource, access.generalized) = (Resource(policyText: pattern), true) }
            }
            let draftable = access.outcome.wasAuthorized && folding.actions.entry(access.access.action) != nil
            let place = Place(endpoint: access.endpoint, principal: access.principal, bucket: bucket, draftable: draftable)
            let pattern = EndpointPolicyBuilder.generalize(access.access.resource, .prefix).text
            if patterns[place, default: []].contains(pattern) || patterns[place, default: []].count <= SynthesisOptions.prefixLimit {
                patterns[place, default: []].insert(pattern)
                keep(access)
                return
            }
            let whole = EndpointPolicyBuilder.generalize(resource, .bucket)
            if folding.withinCurrent(FoldKey(access), whole.text) {
                (access.access.resource, access.generalized) = (whole, true)
            }
            // else the current policy does not grant the whole bucket: the builder keeps this as it is
            keep(access)
        }

        /// Adds a group the collector folded, summed with one it folded the same way before.
        mutating func keep(_ access: ObservedAccess) {
            guard access.generalized else { return accesses.append(access) }
            let identity = access.identity
            if let index = folded[identity] {
                accesses[index].absorb(access)
            } else {
                folded[identity] = accesses.count
                accesses.append(access)
            }
        }

        /// At `exact`: counts the endpoint's distinct object ARNs; past the limit its groups so far are
        /// folded again, and the ones to come as they arrive.
        mutating func countExact(_ access: ObservedAccess) {
            let text = access.access.resource.text
            var seen = exactSeen[access.endpoint] ?? ([], 0)
            if seen.resources.insert(text).inserted { seen.characters += text.utf8.count }
            exactSeen[access.endpoint] = seen
            guard seen.characters > AccessFolding.exactTextLimit else { return }
            foldedExact.insert(access.endpoint)
            exactSeen[access.endpoint] = nil
            let mine = accesses.filter { $0.endpoint == access.endpoint }
            accesses.removeAll { $0.endpoint == access.endpoint }
            folded = [:]
            for (i, a) in accesses.enumerated() where a.generalized { folded[a.identity] = i }
            for a in mine { add(a) }
        }
    }
}

extension FoldKey {
    /// The key of a group as the store would hand it to the fold.
    init(_ access: ObservedAccess) {
        self.init(endpoint: access.endpoint?.rawValue ?? "", principalKind: access.principal.kind.rawValue, principalARN: access.principal.arn,
                  principalAccount: access.principal.account?.rawValue ?? "", action: access.access.action.description,
                  resource: access.access.resource.text, authorized: access.outcome.wasAuthorized)
    }
}

extension ObservedAccess {
    /// The group without its sums: what two groups share to be summed together.
    var identity: ObservedAccess {
        var key = self
        (key.count, key.firstSeen, key.lastSeen, key.sampleEventID) = (0, 0, 0, nil)
        return key
    }

    /// Adds `other`'s requests to this group's sums.
    mutating func absorb(_ other: ObservedAccess) {
        count = count.addingSaturated(other.count)
        if other.firstSeen > 0 { firstSeen = firstSeen == 0 ? other.firstSeen : min(firstSeen, other.firstSeen) }
        lastSeen = max(lastSeen, other.lastSeen)
        if let id = other.sampleEventID { sampleEventID = sampleEventID.map { min($0, id) } ?? id }
    }
}
