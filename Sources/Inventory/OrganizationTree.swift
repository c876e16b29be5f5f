public import AWSModel

/// The organization's tree as the inventory shows it: which root or organizational unit (OU) each OU and
/// each account is directly in. AWS CLI output does not name the parent it was listed for
/// (`organizations list-organizational-units-for-parent` and `list-accounts-for-parent` print only the
/// children), so each file's name gives it: `…-for-parent-<parent id>.json`. Only ids of AWS's shapes
/// (`r-…`, `ou-<root>-…`, twelve digits) are placed; a child listed under two parents is placed nowhere.
public struct OrganizationTree: Sendable, Hashable {
    /// Each OU's parent (a root or an OU), by OU id.
    public var unitParents: [String: String] = [:]
    /// Each account's parent (a root or an OU).
    public var accountParents: [AccountID: String] = [:]
    /// OUs and accounts listed under two different parents: placed nowhere.
    public var conflicting: Set<String> = []

    public init() {}

    /// OUs nest at most five levels under a root (AWS Organizations quotas); a longer chain is not a tree AWS makes.
    static let maxDepth = 5

    /// `o-` then 10 to 32 lowercase letters or digits (the Organizations API's pattern).
    public static func isOrganizationID(_ s: String) -> Bool { shaped(s, "o-", 10...32) }
    /// `r-` then 4 to 32 lowercase letters or digits.
    public static func isRootID(_ s: String) -> Bool { shaped(s, "r-", 4...32) }
    /// `ou-`, the 4 to 32 lowercase letters or digits of the root that contains it, `-`, then 8 to 32 more.
    public static func isUnitID(_ s: String) -> Bool {
        guard s.hasPrefix("ou-") else { return false }
        let parts = s.dropFirst(3).split(separator: "-", omittingEmptySubsequences: false)
        return parts.count == 2 && alnum(parts[0], 4...32) && alnum(parts[1], 8...32)
    }

    static func shaped(_ s: String, _ prefix: String, _ length: ClosedRange<Int>) -> Bool {
        s.hasPrefix(prefix) && alnum(s.dropFirst(prefix.count), length)
    }

    static func alnum(_ s: Substring, _ length: ClosedRange<Int>) -> Bool {
        length.contains(s.utf8.count) && s.utf8.allSatisfy { (97...122).contains($0) || (48...57).contains($0) }
    }

    /// Records `child` under `parent`; a second, different parent makes it conflicting. False on a conflict.
    mutating func place(unit child: String, under parent: String) -> Bool {
        if let known = unitParents[child], known != parent { conflicting.insert(child); return false }
        unitParents[child] = parent
        return !conflicting.contains(child)
    }

    mutating func place(account child: AccountID, under parent: String) -> Bool {
        if let known = accountParents[child], known != parent { conflicting.insert(child.rawValue); return false }
        accountParents[child] = parent
        return !conflicting.contains(child.rawValue)
    }

    /// The ids from the root down to the account's own parent (`[r-…, ou-…, ou-…]`); nil when the tree does not
    /// place it: no parent read, a parent whose own parent is not read, a conflict, an OU that does not carry its
    /// root's id, a root `roots` does not list (when it lists any), or a chain deeper than AWS allows.
    public func chain(of account: AccountID, roots: Set<String> = []) -> [String]? {
        guard !conflicting.contains(account.rawValue), var parent = accountParents[account] else { return nil }
        var units: [String] = []
        while Self.isUnitID(parent) {
            guard units.count < Self.maxDepth, !conflicting.contains(parent), !units.contains(parent),
                  let next = unitParents[parent] else { return nil }
            units.append(parent)
            parent = next
        }
        guard Self.isRootID(parent), roots.isEmpty || roots.contains(parent) else { return nil }
        let rootPart = parent.dropFirst(2)
        guard units.allSatisfy({ $0.dropFirst(3).split(separator: "-").first == rootPart }) else { return nil }
        return [parent] + units.reversed()
    }

    /// Where a set of accounts sits together: the chain of their narrowest common root or OU, or the accounts the
    /// tree does not place.
    public enum Narrowest: Sendable, Hashable {
        case chain([String])
        case unplaced([AccountID])
    }

    /// The lowest common ancestor of `accounts` (their narrowest common root or OU).
    public func narrowest(holding accounts: Set<AccountID>, roots: Set<String> = []) -> Narrowest {
        let chains = accounts.sorted().map { ($0, chain(of: $0, roots: roots)) }
        let unplaced = chains.filter { $0.1 == nil }.map(\.0)
        guard unplaced.isEmpty, let first = chains.first?.1 else { return .unplaced(unplaced) }
        var common = first
        for (_, chain) in chains.dropFirst() {
            common = Array(zip(common, chain!).prefix { $0.0 == $0.1 }.map(\.0))
        }
        return .chain(common)
    }

    /// The path AWS gives a chain (`o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/`): the organization, the root and
    /// each OU, each followed by `/`.
    public static func path(_ chain: [String], organization: String) -> String {
        ([organization] + chain).map { $0 + "/" }.joined()
    }
}
