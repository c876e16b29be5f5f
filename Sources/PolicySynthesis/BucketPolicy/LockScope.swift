public import AWSModel
import IAMPolicy
import Inventory

/// What a lock (or a perimeter) names as the expected network: the endpoints one by one
/// (`aws:SourceVpce`), the accounts that own them (`aws:VpceAccount`), or the organization that owns
/// them (`aws:VpceOrgID`).
public enum LockScope: String, Sendable, Hashable, Codable, CaseIterable {
    /// `aws:SourceVpce`: the endpoints that used the resource, one by one (the narrowest; the default).
    case endpoint
    /// `aws:VpceAccount`: any endpoint of the accounts that own them.
    case account
    /// `aws:VpceOrgID`: any endpoint of the organization's accounts.
    case org
}

/// The network condition a lock uses, and why that scope.
struct ScopedNetwork: Sendable, Hashable {
    var scope: LockScope
    /// The negated condition a Deny uses: `StringNotEquals` on the scope's key.
    var condition: Condition
    var why: Message

    /// The scope `requested` when the inventory proves it and the table lists its key for `service`;
    /// else the next narrower one, with why. `owners` are the endpoints' owners where known.
    static func decide(_ requested: LockScope, service: String, endpoints: [VPCEndpointID], owners: [VPCEndpointID: AccountID],
                       inventory: Inventory, trusted: Set<AccountID>, table: NetworkKeyTable) -> ScopedNetwork {
        let ids = endpoints.map(\.rawValue).sorted()
        let count = ids.count == 1 ? "the endpoint" : "the \(ids.count) endpoints", are = ids.count == 1 ? "is" : "are"
        var fallback: [Message] = []
        let unowned = ids.filter { owners[VPCEndpointID($0)] == nil }
        let accounts = Set(endpoints.compactMap { owners[$0] })
        if requested == .org {
            if let why = orgRefusal(service: service, unowned: unowned, accounts: accounts, inventory: inventory, table: table) {
                fallback.append("org scope not used: \(why)")
            } else if let org = inventory.organizationID {
                return ScopedNetwork(scope: .org, condition: Condition("StringNotEquals", "aws:VpceOrgID", [org]),
                                     why: "org scope (\(value: "aws:VpceOrgID")): \(count) it answers \(are) owned by "
                                        + "an account of organization \(value: org) (\(value: "organizations list-accounts"))")
            }
        }
        if requested != .endpoint {
            let foreign = accounts.subtracting(trusted).map(\.rawValue).sorted()
            if !table.supports(service: service, key: "aws:VpceAccount") {
                fallback.append("account scope not used: the key table lists no \(value: "aws:VpceAccount") for \(value: service)")
            } else if !unowned.isEmpty || accounts.isEmpty {
                fallback.append("account scope not used: the owner of \(value: unowned.joined(separator: ", ")) is not known")
            } else if !foreign.isEmpty {
                fallback.append("account scope not used: \(value: foreign.joined(separator: ", ")) is not a trusted account")
            } else {
                let said: Message = "account scope (\(value: "aws:VpceAccount")): \(count) it answers \(are) owned by "
                    + "\(value: accounts.map(\.rawValue).sorted().joined(separator: ", "))"
                let condition = Condition("StringNotEquals", "aws:VpceAccount", accounts.map(\.rawValue).sorted())
                return ScopedNetwork(scope: .account, condition: condition,
                                     why: fallback.isEmpty ? said : joined(fallback + [said]))
            }
        }
        let said: Message = "endpoint scope (\(value: "aws:SourceVpce")): \(count) that used it, named one by one"
        return ScopedNetwork(scope: .endpoint, condition: Condition("StringNotEquals", "aws:SourceVpce", ids),
                             why: joined(fallback + [said]))
    }

    static func joined(_ parts: [Message]) -> Message {
        parts.dropFirst().reduce(parts.first ?? "") { $0 + "; " + $1 }
    }

    /// Why the organization scope is not proven, or nil when it is.
    static func orgRefusal(service: String, unowned: [String], accounts: Set<AccountID>, inventory: Inventory,
                           table: NetworkKeyTable) -> Message? {
        guard table.supports(service: service, key: "aws:VpceOrgID") else {
            return "the key table lists no \(value: "aws:VpceOrgID") for \(value: service)"
        }
        guard let org = inventory.organizationID, !inventory.accounts.isEmpty else {
            return "the inventory gives no organization (\(value: "organizations describe-organization") and \(value: "list-accounts"))"
        }
        guard unowned.isEmpty, !accounts.isEmpty else {
            return "the owner of \(value: unowned.joined(separator: ", ")) is not known"
        }
        let outside = accounts.subtracting(inventory.accounts).map(\.rawValue).sorted()
        guard outside.isEmpty else { return "\(value: outside.joined(separator: ", ")) is not an account of \(value: org)" }
        return nil
    }
}
