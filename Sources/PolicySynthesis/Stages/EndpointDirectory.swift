import AWSModel
import Inventory

/// Stage 2: the endpoints to draft for, with the Region and service of each, from the inventory or,
/// failing that, from its requests. An endpoint is drafted only when it is shown to be the user's: in
/// the inventory; or, with trusted accounts that were given (never learned from the logs), a trusted
/// `vpcEndpointAccountId`, or (no owner logged) requests from private addresses made by a trusted
/// account's principal itself. Others get no draft, are never in a lock, and are listed with why.
struct EndpointDirectory {
    /// The endpoints to draft for, by id.
    var endpoints: [VPCEndpointID: Inventory.Endpoint]
    /// Endpoints a lock may answer: in the inventory or owned by a trusted account (requests from
    /// private addresses alone draft an endpoint, never put it in a lock).
    var lockable: Set<VPCEndpointID> = []
    /// Endpoints the logs name that are not shown to be the user's, with why: no draft, never in a
    /// lock's `aws:SourceVpce`.
    var notShownYours: [VPCEndpointID: Message] = [:]
    /// Requests through each endpoint.
    var observed: [VPCEndpointID: [ObservedAccess]]

    init(_ input: SynthesisInput, trust: TrustedAccounts) {
        observed = Dictionary(grouping: input.observed.filter { $0.endpoint != nil }, by: { $0.endpoint! })
        let ownSources = Dictionary(grouping: input.sources.filter { $0.endpoint != nil }, by: { $0.endpoint! })
            .mapValues { $0.filter { Self.isOwnRequest($0, trusted: trust.accounts) } }
        var endpoints = input.inventory.endpoints
        lockable = Set(endpoints.keys)
        for (id, accesses) in observed where endpoints[id] == nil {
            let owners = Set(accesses.compactMap(\.endpointAccount))
            if !trust.given {
                notShownYours[id] = "not in the inventory, and the trusted accounts were learned from the logs alone"
                continue
            }
            if !owners.isEmpty {
                // A logged owner decides: every one must be trusted.
                guard owners.isSubset(of: trust.accounts) else {
                    let named = owners.map(\.rawValue).sorted().joined(separator: ", ")
                    notShownYours[id] = "owned by \(value: named), outside the trusted accounts"
                    continue
                }
                lockable.insert(id)
            } else if (ownSources[id] ?? []).isEmpty {
                notShownYours[id] = "not in the inventory, no owner logged, and no request from a private address "
                    + "by a trusted account's principal itself"
                continue
            }
            endpoints[id] = Inventory.Endpoint(id: id, owner: owners.count == 1 ? owners.first : nil)
        }
        self.endpoints = endpoints
    }

    /// A request a trusted account's principal made itself from a private address (RFC 1918, 100.64/10,
    /// IPv6 ULA): not a service calling on its behalf (whose source is the service's name), not an AWS
    /// service principal, not a caller logged only by its account (`…:root`).
    static func isOwnRequest(_ s: ObservedSource, trusted: Set<AccountID>) -> Bool {
        guard PrivateAddress.isPrivate(s.sourceIP), let arn = ARN(s.principalARN), ["iam", "sts"].contains(arn.service) else {
            return false
        }
        return trusted.contains(AccountID(arn.account)) && arn.resource != "root" && !arn.resource.hasPrefix("role/aws-service-role/")
    }

    /// Sorted by id.
    var sorted: [Inventory.Endpoint] { endpoints.values.sorted { $0.id < $1.id } }

    func region(_ e: Inventory.Endpoint) -> String {
        e.region ?? Self.mostCommon((observed[e.id] ?? []).map(\.region)) ?? "us-east-1"
    }

    func service(_ e: Inventory.Endpoint) -> String {
        e.service ?? Self.mostCommon((observed[e.id] ?? []).map { $0.access.action.service.lowercased() }) ?? "unknown"
    }

    static func mostCommon(_ values: [String]) -> String? {
        Dictionary(grouping: values.filter { !$0.isEmpty }, by: { $0 }).max { ($0.value.count, $1.key) < ($1.value.count, $0.key) }?.key
    }
}
