import AWSModel
import Foundation
import JSONTape

/// `organizations list-organizational-units-for-parent` and `list-accounts-for-parent`: the tree an
/// `aws:VpceOrgPaths` lock is built from (see ``OrganizationTree``).
extension InventoryReading {
    /// `list-organizational-units-for-parent`: each OU, under the parent its file name gives.
    mutating func readUnits(_ units: [JSONValue], path: String) {
        let parent = listedParent(path, children: "organizational units")
        for u in units {
            // `Id`, else the last part of the `Arn` (the AWS CLI's own example prints only the ARN); checked below either way.
            guard let id = u["Id"]?.string ?? u["Arn"]?.string?.split(separator: "/").last.map(String.init) else { continue }
            guard OrganizationTree.isUnitID(id) else {
                note(.inventoryBadOrganizationID, "\(value: id) is not an organizational unit id "
                        + "(`ou-<root>-<8 to 32 lowercase letters or digits>`): ignored", path)
                continue
            }
            inventory.organizationalUnits[id] = u["Name"]?.string ?? ""
            if let parent, !inventory.organizationTree.place(unit: id, under: parent) {
                note(.inventoryConflict, "organizational unit \(value: id) is listed under two parents: placed in neither", path)
            }
        }
    }

    /// `list-accounts` (the whole organization: its members, the only ones trusted) or `list-accounts-for-parent`
    /// (the accounts directly in the root or OU its file name gives: placed there, never members by this alone).
    mutating func readAccounts(_ accounts: [JSONValue], path: String) {
        guard Self.policyFileStem(path).stem.contains("for-parent") else {
            for a in accounts { addAccount(id: a["Id"]?.string, arn: a["Arn"]?.string) }
            return
        }
        let parent = listedParent(path, children: "accounts")
        for a in accounts {
            guard let id = a["Id"]?.string else { continue }
            guard AccountID(id).isNumeric else {
                note(.inventoryBadOrganizationID, "\(value: id) is not an account id (twelve digits): placed in no unit", path)
                continue
            }
            if listedUnderParent[AccountID(id)] == nil { listedUnderParent[AccountID(id)] = path }
            guard let parent else { continue }
            if !inventory.organizationTree.place(account: AccountID(id), under: parent) {
                note(.inventoryConflict, "account \(value: id) is listed under two parents: placed in neither", path)
            }
        }
    }

    /// Accounts an OU listing names that `list-accounts` does not: not members (AWS would not count their
    /// endpoints in the organization), so placed in no unit, and said, naming the file.
    mutating func dropNonMembers() {
        for (account, path) in listedUnderParent.sorted(by: { $0.key.rawValue < $1.key.rawValue })
        where !inventory.accounts.contains(account) {
            inventory.organizationTree.accountParents[account] = nil
            note(.inventoryConflict, "account \(value: account.rawValue) is listed under an organizational unit but not by "
                    + "\(value: "organizations list-accounts"): not taken as a member of the organization (not trusted, "
                    + "placed in no unit)", path)
        }
    }

    /// The parent a `…-for-parent` listing was made for, from its file name (`…-for-parent-ou-ab12-11111111.json`,
    /// as `--parent-id` was given): the output itself does not say. Nil when the name gives none, or gives
    /// one that is not a root or OU id (said, naming the file: nothing in it is placed).
    mutating func listedParent(_ path: String, children: String) -> String? {
        let stem = Self.policyFileStem(path).stem
        guard let range = stem.range(of: "for-parent-", options: .backwards) else {
            note(.inventoryParentUnknown, "the \(children) are placed in no root or OU: the output does not name the parent "
                    + "it was listed for; save it as `…-for-parent-<parent id>.json`", path, severity: .note)
            return nil
        }
        let id = String(stem[range.upperBound...])
        guard OrganizationTree.isRootID(id) || OrganizationTree.isUnitID(id) else {
            note(.inventoryBadOrganizationID, "the file name gives the parent \(value: id), which is not a root id (`r-…`) "
                    + "or an organizational unit id (`ou-…-…`): its \(children) are placed in no organizational unit", path)
            return nil
        }
        return id
    }
}
