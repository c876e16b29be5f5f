import AWSModel
import IAMPolicy

/// Stage 4b: requests seen only in network activity events. Their principal, action and endpoint are
/// proven, their resource is not visible: the draft keeps each principal–action pair with the resources
/// today's policy allows it, narrowed only by what the principal's other requests show (never wider than
/// today), and says so.
enum NetworkOnlyGrants {
    /// `items` with each network-only request replaced by one per resource pattern (the group's count on the
    /// first, so that no request is counted twice), and a note per pair: the resources the principal's
    /// logged requests of the service reached (S3: their buckets and all their objects) that today's policy
    /// allows, else the patterns of today's policy that allow the pair; a pair today's policy allows on no
    /// pattern is left out, said. Never wider than today.
    static func expand(_ items: [(ObservedAccess, Ownership)], current: PolicyDocument, compiled: CompiledPolicy, answers: PolicyAnswers,
                       endpoint: VPCEndpointID, service: String) -> (items: [(ObservedAccess, Ownership)], notes: [Diagnostic]) {
        let candidates = patterns(current), seen = shown(items)
        var kept: [(ObservedAccess, Ownership)] = [], notes: [Diagnostic] = []
        // Room for every item at once (grown by doubling, the copy held up to twice the items: 16 MB at 1M records).
        kept.reserveCapacity(items.reduce(items.count) { $1.0.networkOnly ? $0 + max(candidates.count, seen[Pair($1.0)]?.count ?? 0) : $0 })
        for (access, ownership) in items {
            guard access.networkOnly else {
                kept.append((access, ownership))
                continue
            }
            let audience = Audience(access.principal)
            func allowed(_ pattern: String) -> Bool {
                answers.allows(compiled, endpoint: endpoint, audience, access.access.action, Resource(policyText: pattern))
            }
            let narrowed = (seen[Pair(access)] ?? []).sorted().filter(allowed)
            let today = candidates.filter(allowed)
            let resources = !narrowed.isEmpty ? narrowed : today.contains("*") ? ["*"] : today
            for (n, resource) in resources.enumerated() {
                var copy = access
                copy.access = ResourceAccess(action: access.access.action, resource: Resource(policyText: resource), resourceAccount: nil)
                if n > 0 { copy.count = 0 }
                kept.append((copy, ownership))
            }
            let list: Message = "(\(value: resources.joined(separator: ", ")))"
            let said: Message = resources.isEmpty ? "left out: today's policy allows it on no resource it names"
                : !narrowed.isEmpty ? "kept with the resources its logged requests reached that today's policy allows " + list
                : "kept with the resources today's policy allows it " + list
            let head: Message = "\(value: access.principal.arn) \(access.access.action): \(AccessTriage.networkOnlyNote); "
            notes.append(Diagnostic(.networkActivityOnly, .note, head + said + "; " + remedy(service: service)))
        }
        return (kept, notes.sorted { $0.description < $1.description })
    }

    /// A principal and a service.
    struct Pair: Hashable {
        var principal: String, service: String

        /// The pair of `access`'s principal and its action's service.
        init(_ access: ObservedAccess) { (principal, service) = (access.principal.arn, access.access.action.service.lowercased()) }
    }

    /// The resources each principal's logged, authorized requests reached per service: what narrows its
    /// network-only pairs (an S3 resource as its bucket and all its objects).
    static func shown(_ items: [(ObservedAccess, Ownership)]) -> [Pair: Set<String>] {
        var shown: [Pair: Set<String>] = [:]
        for (a, _) in items where !a.networkOnly && a.outcome.wasAuthorized {
            let resource = a.access.resource
            guard resource != .notLogged, resource.text != "*" else { continue }
            let pair = Pair(a)
            if let bucket = resource.arn?.s3BucketARN {
                shown[pair, default: []].formUnion([bucket.description, PolicyText.allObjects(inBucketARN: bucket.description)])
            } else {
                shown[pair, default: []].insert(resource.text)
            }
        }
        return shown
    }

    /// The resource patterns of today's Allow statements (`*` for a statement that names none or excludes some).
    static func patterns(_ current: PolicyDocument) -> [String] {
        var patterns = Set<String>()
        for statement in current.statements where statement.effect == .allow {
            guard let resource = statement.resource, !resource.isNegated else {
                patterns.insert("*")
                continue
            }
            patterns.formUnion(resource.patterns)
        }
        return patterns.sorted()
    }

    /// The principal–action pairs of `accesses` authorized and seen only in network activity events, as
    /// `action by principal`, sorted.
    static func actions(_ accesses: [ObservedAccess]) -> [String] {
        Set(accesses.filter { $0.networkOnly && $0.outcome.wasAuthorized }.map { "\($0.access.action) by \($0.principal.arn)" }).sorted()
    }

    /// How to see the resources of `service`'s calls.
    static func remedy(service: String) -> Message {
        if let type = Verdicts.dataEventResourceTypes[service] {
            return "enable data events for \(value: service) (an advanced event selector on \(value: type)) to see the resources"
        }
        return "ingest the trail's management events of \(value: service) to see the resources"
    }
}
