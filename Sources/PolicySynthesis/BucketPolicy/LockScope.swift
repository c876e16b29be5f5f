public import AWSModel
import IAMPolicy
import Inventory

/// What a lock (or a perimeter) names as the expected network: the endpoints one by one
/// (`aws:SourceVpce`), the accounts that own them (`aws:VpceAccount`), or the organization that owns
/// them (`aws:VpceOrgID`, or `aws:VpceOrgPaths` on the narrowest OU that holds them all).
public enum LockScope: String, Sendable, Hashable, Codable, CaseIterable {
    /// `aws:SourceVpce`: the endpoints that used the resource, one by one (the narrowest; the default).
    case endpoint
    /// `aws:VpceAccount`: any endpoint of the accounts that own them.
    case account
    /// `aws:VpceOrgID`: any endpoint of the organization's accounts; `aws:VpceOrgPaths` where the inventory's OU
    /// tree places every owner under one OU narrower than the organization.
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
                return orgScope(org, service: service, accounts: accounts, answers: "\(count) it answers \(are) owned by",
                                inventory: inventory, table: table)
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

    /// The organization scope: `aws:VpceOrgPaths` on the narrowest OU holding every owner (their lowest common
    /// ancestor in the inventory's tree) where that is an OU and the table lists the key for `service`; else
    /// `aws:VpceOrgID`, with why. The path is the inventory's, never logged text; the lock denies unless the
    /// request's path lies under it: `ForAllValues:StringNotLike`, the negation of AWS's
    /// `ForAnyValue:StringLike` on `o-…/r-…/ou-…/*` (true, so denied, when the key is absent too).
    static func orgScope(_ org: String, service: String, accounts: Set<AccountID>, answers: Message, inventory: Inventory,
                         table: NetworkKeyTable) -> ScopedNetwork {
        let narrowing: Message
        switch inventory.organizationTree.narrowest(holding: accounts, roots: inventory.organizationRoots) {
        case .chain where !OrganizationTree.isOrganizationID(org):
            narrowing = "\(value: "aws:VpceOrgPaths") not used: the organization id \(value: org) is not of AWS's shape (\(value: "o-…"))"
        case .chain(let chain) where chain.count > 1:
            let path = OrganizationTree.path(chain, organization: org) + "*"
            guard table.supports(service: service, key: "aws:VpceOrgPaths") else {
                narrowing = "\(value: "aws:VpceOrgPaths") not used: the key table lists none for \(value: service)"
                break
            }
            let condition = Condition("ForAllValues:StringNotLike", "aws:VpceOrgPaths", [path])
            let unit = chain[chain.count - 1], name = inventory.organizationalUnits[unit] ?? ""
            let named: Message = name.isEmpty ? "" : " (\(value: name))"
            return ScopedNetwork(scope: .org, condition: condition,
                                 why: "org scope narrowed to organizational unit \(value: unit)" + named + " "
                                    + "(\(value: "aws:VpceOrgPaths") \(value: path)): \(answers) accounts under it, the narrowest unit "
                                    + "holding them all (\(value: "organizations list-accounts-for-parent"))")
        case .chain(let chain):
            narrowing = chain.isEmpty ? "no organizational unit holds them all: the tree puts them under different roots"
                : "no organizational unit holds them all: only the root \(value: chain[0]) does"
        case .unplaced(let unplaced):
            narrowing = "\(value: "aws:VpceOrgPaths") not used: the inventory's OU tree does not place "
                + "\(value: unplaced.map(\.rawValue).joined(separator: ", ")), so it is not assumed inside any OU (add "
                + "\(value: "organizations list-accounts-for-parent") output saved as \(value: "…-for-parent-<parent id>.json")"
        }
        let said: Message = "org scope (\(value: "aws:VpceOrgID")): \(answers) an account of organization \(value: org) "
            + "(\(value: "organizations list-accounts"))"
        return ScopedNetwork(scope: .org, condition: Condition("StringNotEquals", "aws:VpceOrgID", [org]),
                             why: inventory.organizationTree == OrganizationTree() ? said : joined([said, narrowing]))
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
