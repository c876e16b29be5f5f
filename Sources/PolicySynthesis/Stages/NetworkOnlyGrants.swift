import AWSModel
import IAMPolicy

/// Stage 4b: requests seen only in network activity events. Their principal, action and endpoint are
/// proven, their resource is not visible: the draft keeps each principal–action pair with the resource
/// patterns today's policy allows it (never wider than today), and says so.
enum NetworkOnlyGrants {
    /// `items` with each network-only request replaced by one per resource pattern today's policy allows its
    /// principal and action (the group's count on the first, so that no request is counted twice), and a
    /// note per pair; a pair today's policy allows on no pattern is left out, said.
    static func expand(_ items: [(ObservedAccess, Ownership)], current: PolicyDocument, compiled: CompiledPolicy,
                       endpoint: VPCEndpointID, service: String) -> (items: [(ObservedAccess, Ownership)], notes: [Diagnostic]) {
        let candidates = patterns(current)
        var kept: [(ObservedAccess, Ownership)] = [], notes: [Diagnostic] = []
        for (access, ownership) in items {
            guard access.networkOnly else {
                kept.append((access, ownership))
                continue
            }
            let audience = Audience(access.principal)
            let allowed = candidates.filter {
                EndpointPolicyBuilder.allows(compiled, endpoint: endpoint, audience, access.access.action, $0)
            }
            let resources = allowed.contains("*") ? ["*"] : allowed
            for (n, resource) in resources.enumerated() {
                var copy = access
                copy.access = ResourceAccess(action: access.access.action, resource: Resource(policyText: resource), resourceAccount: nil)
                if n > 0 { copy.count = 0 }
                kept.append((copy, ownership))
            }
            let said: Message = resources.isEmpty ? "left out: today's policy allows it on no resource it names"
                : "kept with the resources today's policy allows it (\(value: resources.joined(separator: ", ")))"
            let head: Message = "\(value: access.principal.arn) \(access.access.action): \(AccessTriage.networkOnlyNote); "
            notes.append(Diagnostic("network-activity-only", .note, head + said + "; " + remedy(service: service)))
        }
        return (kept, notes.sorted { $0.description < $1.description })
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
