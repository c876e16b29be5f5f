public import AWSModel
import Inventory

/// An endpoint that cannot take a policy: it allows everything whatever a draft says, so it gets no
/// draft, and the report says so first.
public struct NotEnforceableEndpoint: Sendable, Hashable, Codable {
    /// The endpoint id.
    public var id: String
    /// Its service name (`com.amazonaws.us-east-1.email-smtp`).
    public var serviceName: String
    /// The account that owns it, when known.
    public var owner: String?
    /// Requests the window logged through it.
    public var requests: Int64
    /// Always `not-enforceable`.
    public var verdict = "not-enforceable"
    /// Why: the inventory's `describe-vpc-endpoint-services`, or the shipped table and its source.
    public var why: Message
}

/// Splits off the endpoints whose service takes no endpoint policy: the inventory's
/// `VpcEndpointPolicySupported: false` decides, else the shipped table of known ones.
enum NotEnforceable {
    static func split(_ endpoints: [Inventory.Endpoint], inventory: Inventory, observed: [VPCEndpointID: [ObservedAccess]],
                      table: NetworkKeyTable) -> (drafted: [Inventory.Endpoint], notEnforceable: [NotEnforceableEndpoint]) {
        var drafted: [Inventory.Endpoint] = [], skipped: [NotEnforceableEndpoint] = []
        for endpoint in endpoints {
            guard let name = endpoint.serviceName, let why = reason(name, inventory: inventory, table: table) else {
                drafted.append(endpoint)
                continue
            }
            skipped.append(NotEnforceableEndpoint(id: endpoint.id.rawValue, serviceName: name, owner: endpoint.owner?.rawValue,
                                                  requests: (observed[endpoint.id] ?? []).reduce(0) { $0 + $1.count }, why: why))
        }
        return (drafted, skipped)
    }

    /// Why the service `name` takes no policy, or nil when it takes one (or nothing says it does not).
    static func reason(_ name: String, inventory: Inventory, table: NetworkKeyTable) -> Message? {
        if let supported = inventory.endpointPolicySupported[name] {
            let command = "describe-vpc-endpoint-services"
            return supported ? nil : "\(value: "VpcEndpointPolicySupported: false") in the inventory's \(value: command)"
        }
        return table.noPolicyService(serviceName: name).map {
            "\($0.what) takes no endpoint policy (\(value: $0.source)): it allows everything through it"
        }
    }
}
