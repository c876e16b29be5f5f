public import AWSModel
public import IAMPolicy
import Foundation

/// Stage 0: object keys folded into the patterns the drafts would generalize them to, as the store
/// sums the requests, so that synthesis holds one group per pattern, not one per key: its memory
/// follows the workload (principals, actions, prefixes), not the window's length.
///
/// Folding changes nothing a draft would do: a key is folded only where the builder would generalize
/// it (``EndpointPolicyBuilder/generalize(_:_:)``) and the current policy grants the pattern for that
/// principal and action; keys of a bucket that an `--allow-resource` pattern may concern stay exact
/// (the pattern is matched per key). Past ``SynthesisOptions/prefixLimit`` patterns of one principal in
/// one bucket, the fold sums the rest under `bucket/*`, as the builder then widens them all. The
/// replay evaluates a folded group once, with a key of its pattern: every key folded into it matches
/// the pattern, and a draft allows a pattern or something wider.
///
/// ```swift
/// let folding = AccessFolding(granularity: .prefix, inventory: inventory)
/// let observed = try folding.collect { fold, each in try store.observedAccess(fold: fold, each) }
/// ```
public struct AccessFolding: Sendable {
    /// The granularity the drafts are written at; `exact` folds nothing in the store.
    public let granularity: Granularity
    let policies: [VPCEndpointID: CompiledPolicy]
    let allowedPrefixes: [String]
    let actions: ActionCatalog
    private let answers = Cache<FoldKey, Bool>()

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

    /// A fold for one read of the store (it counts each principal's patterns per bucket as the rows come);
    /// nil at `exact` granularity.
    public func fold() -> ResourceFold? {
        guard granularity != .exact else { return nil }
        let state = State()
        return ResourceFold(scope: { self.scope($0) }) { key in state.locked { self.pattern(for: key, at: granularity, &$0) } }
    }

    /// What an ARN's bytes tell of what ``pattern(for:at:_:)`` folds it to: the resource itself when it is
    /// not an S3 object ARN (or its key is `*`); else, for the rows of one identity, the text its
    /// generalized pattern is made of, when that pattern is not the resource itself (the choice is then
    /// remembered per identity and pattern, and is the same for every key under it). Each row is asked
    /// where it counts by itself: a key that is its own pattern (no prefix, or the pattern as logged), a
    /// bucket an `--allow-resource` pattern may concern, or text with a NUL (a String read from the store
    /// stops at it).
    func scope(_ resource: UnsafeRawBufferPointer) -> ResourceFold.Scope {
        guard granularity != .exact, allowedPrefixes.isEmpty, resource.baseAddress.map({ memchr($0, 0, resource.count) == nil }) ?? true else { return .row }
        guard let (slash, second) = EndpointPolicyBuilder.ObjectParts.slashes(resource) else { return .resource }
        guard let end = granularity == .bucket ? slash : second else { return .row }
        // The pattern is the text before `end` and `/*`: the resource itself when that is all it is.
        if resource.count == end + 2, resource[end + 1] == UInt8(ascii: "*") { return .row }
        return .prefix(end)
    }

    /// The pattern the requests of `key` are summed under: its resource generalized at `granularity`, or
    /// the resource; at `prefix`, `bucket/*` once the principal has shown more patterns in the bucket than
    /// the builder keeps (`counts` counts them).
    func pattern(for key: FoldKey, at granularity: Granularity, _ counts: inout Counts) -> String {
        guard granularity != .exact, let parts = EndpointPolicyBuilder.ObjectParts(key.resource), !mayBeAllowed(parts.bucketARN) else { return key.resource }
        let general = granularity == .bucket ? parts.bucketPattern : parts.prefixPattern ?? key.resource
        // What a row identity's keys under one pattern fold to does not change as the read goes on (a
        // place's patterns only grow, and past the limit they no longer do): decided once per pair. Not
        // remembered for a key that is its own pattern (a flat key has no prefix): one entry per such key
        // would grow with the window.
        let remembered = key.identity >= 0 && general != key.resource
        let choice = remembered ? counts.choices[Counts.IdentityPattern(identity: key.identity, pattern: general)] : nil
        switch choice ?? decide(key, general, parts, granularity, remember: remembered, &counts) {
        case .general: return general
        case .whole: return parts.bucketPattern
        case .own: return key.resource
        }
    }

    /// What a row's key under `general` folds to: `general` or the bucket's `*` where the current policy
    /// grants it, else the key itself (remembered for its row identity when `remember`).
    private func decide(_ key: FoldKey, _ general: String, _ parts: EndpointPolicyBuilder.ObjectParts, _ granularity: Granularity,
                        remember: Bool, _ counts: inout Counts) -> Counts.Choice {
        let within: Counts.Choice = general == key.resource || withinCurrent(key, general) ? .general : .own
        var choice = within
        if granularity == .prefix {
            // The builder counts the generalized form of each grant per audience and bucket; only drafted grants count.
            let place = Place(principal: counts.place(of: key, self), bucket: parts.bucketARN)
            // One lookup of the place's patterns, changed in place: a pattern seen, or room for one more.
            func admits(_ patterns: inout Set<String>) -> Bool {
                guard patterns.count <= SynthesisOptions.prefixLimit else { return patterns.contains(general) }
                patterns.insert(general)
                return true
            }
            if !admits(&counts.patterns[place, default: []]) { choice = withinCurrent(key, parts.bucketPattern) ? .whole : within }
        }
        if remember { counts.choices[Counts.IdentityPattern(identity: key.identity, pattern: general)] = choice }
        return choice
    }

    /// A principal's requests to one bucket through one endpoint, drafted or not (`principal` numbers those).
    struct Place: Hashable {
        var principal: Int
        /// `…:::bucket/`, a slice of the first key seen there (no copy per row).
        var bucket: Substring
    }

    /// What one read has counted: the patterns per place, and each row identity's place number.
    struct Counts {
        var patterns: [Place: Set<String>] = [:]
        /// What keys fold to, by row identity and generalized pattern.
        var choices: [IdentityPattern: Choice] = [:]
        struct IdentityPattern: Hashable { var identity: Int; var pattern: String }
        enum Choice { case general, whole, own }
        /// Place numbers by the store's row identity (``FoldKey/identity``), and by principal for keys without one.
        var byIdentity: [Int: Int] = [:]
        var byPrincipal: [PrincipalPlace: Int] = [:]

        struct PrincipalPlace: Hashable {
            var endpoint: String, principalKind: String, principalARN: String, principalAccount: String
            var draftable: Bool
        }

        mutating func place(of key: FoldKey, _ folding: AccessFolding) -> Int {
            if key.identity >= 0, let known = byIdentity[key.identity] { return known }
            let draftable = key.authorized && IAMAction(key.action).map { folding.actions.entry($0) != nil } == true
            let principal = PrincipalPlace(endpoint: key.endpoint, principalKind: key.principalKind, principalARN: key.principalARN,
                                           principalAccount: key.principalAccount, draftable: draftable)
            let number = byPrincipal[principal] ?? byPrincipal.count
            byPrincipal[principal] = number
            if key.identity >= 0 { byIdentity[key.identity] = number }
            return number
        }
    }

    /// The counts of one read, shared by the fold's calls.
    final class State: @unchecked Sendable {
        // INVARIANT: `counts` is only touched under `lock`.
        private var counts = Counts()
        private let lock = NSLock()

        func locked<T>(_ body: (inout Counts) -> T) -> T {
            lock.lock()
            defer { lock.unlock() }
            return body(&counts)
        }
    }

    /// Whether the current policy of the key's endpoint grants `pattern` for its principal and action (the
    /// builder's rule: a draft never generalizes beyond it); only authorized requests are drafted.
    func withinCurrent(_ key: FoldKey, _ pattern: String) -> Bool {
        guard key.authorized, !policies.isEmpty, let current = policies[VPCEndpointID(key.endpoint)] else { return true }
        var question = key
        (question.resource, question.identity) = (pattern, -1)
        return answers.value(question) {
            guard let action = IAMAction(key.action) else { return false }
            return EndpointPolicyBuilder.allows(current, endpoint: VPCEndpointID(key.endpoint), Audience(Self.principal(key)), action, pattern)
        }
    }

    /// Whether an `--allow-resource` pattern may match a key of the resource's bucket (its literal part
    /// and the bucket's ARN agree): those keys stay exact, the pattern is matched per key.
    func mayBeAllowed(_ bucketARN: Substring) -> Bool {
        !allowedPrefixes.isEmpty && allowedPrefixes.contains { $0.hasPrefix(bucketARN) || bucketARN.hasPrefix($0) }
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

    /// Reads the store's groups through `read` (given a fold and a consumer) and returns them sorted; at
    /// `exact`, an endpoint past what a draft can hold is folded to prefixes as its groups come.
    ///
    /// - Throws: what `read` throws.
    public func collect<E: Error>(_ read: (_ fold: ResourceFold?, _ each: (ObservedAccess) -> Void) throws(E) -> Void) throws(E) -> Collected {
        var collector = ExactCollector(folding: self)
        try read(fold()) { collector.add($0) }
        return Collected(accesses: collector.accesses.sorted(byTexts: ObservedAccess.orderTexts), foldedExact: Set(collector.foldedExact.compactMap { $0 }))
    }

    /// At `exact`, the store's groups as they come, with the groups of an endpoint whose distinct object
    /// ARNs pass ``exactTextLimit`` folded to prefixes (those so far, and the ones to come).
    struct ExactCollector {
        let folding: AccessFolding
        var accesses: [ObservedAccess] = []
        /// The distinct object ARNs seen per endpoint and their characters, until it is folded.
        var seen: [VPCEndpointID?: (resources: Set<String>, characters: Int)] = [:]
        var foldedExact: Set<VPCEndpointID?> = []
        var counts = Counts()
        /// Where each folded group is in `accesses`.
        var folded: [ObservedAccess: Int] = [:]

        mutating func add(_ access: ObservedAccess) {
            let resource = access.access.resource
            guard folding.granularity == .exact, resource.s3ObjectKey != nil else { return accesses.append(access) }
            guard foldedExact.contains(access.endpoint) else {
                accesses.append(access)
                if access.outcome.wasAuthorized { count(access) }
                return
            }
            var access = access
            let pattern = folding.pattern(for: FoldKey(access), at: .prefix, &counts)
            guard pattern != resource.text else { return accesses.append(access) }
            (access.access.resource, access.generalized) = (Resource(policyText: pattern), true)
            let identity = access.identity
            if let index = folded[identity] {
                accesses[index].absorb(access)
            } else {
                folded[identity] = accesses.count
                accesses.append(access)
            }
        }

        /// Counts the endpoint's distinct object ARNs; past the limit its groups so far are folded again.
        mutating func count(_ access: ObservedAccess) {
            let text = access.access.resource.text
            var mine = seen[access.endpoint] ?? ([], 0)
            if mine.resources.insert(text).inserted { mine.characters += text.utf8.count }
            seen[access.endpoint] = mine
            guard mine.characters > AccessFolding.exactTextLimit else { return }
            foldedExact.insert(access.endpoint)
            seen[access.endpoint] = nil
            let again = accesses.filter { $0.endpoint == access.endpoint }
            accesses.removeAll { $0.endpoint == access.endpoint }
            // The removal moved the groups folded before (another endpoint's): index them again.
            folded = [:]
            for (i, a) in accesses.enumerated() where a.generalized { folded[a.identity] = i }
            for a in again { add(a) }
        }
    }
}

extension ObservedAccess {
    /// The group without its sums: what two groups share to be summed together.
    var identity: ObservedAccess {
        var key = self
        (key.count, key.firstSeen, key.lastSeen, key.sampleEventID) = (0, 0, 0, nil)
        return key
    }
}
