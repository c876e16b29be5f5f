import AWSModel
import IAMPolicy
import PolicySynthesis
import Inventory

/// A draft against the policy it replaces, as a unified diff that `git apply` and `patch -p1` accept
/// on a copy of the current policy (`current/…/<name>.json`, as Perimeter writes it), after a few lines
/// that say what changes.
enum PolicyDiff {
    /// What the draft is compared with.
    enum Base {
        /// The policy in force, from the inventory.
        case current(PolicyDocument)
        /// Not in the inventory: AWS's default for an endpoint (full access), assumed.
        case assumedDefault(PolicyDocument)
        /// No bucket policy in the inventory: the draft creates one.
        case none
    }

    /// The diff of `draft` against `base`, for the file `name` (`vpce-….json`, `<bucket>.json`).
    static func render(_ base: Base, draft: PolicyDocument, name: String) -> String {
        let before: PolicyDocument?, what: String
        switch base {
        case .current(let p): before = p; what = "the policy in force (current/\(folder(name))/\(name))"
        case .assumedDefault(let p): before = p; what = "the assumed default full-access policy (the inventory has none)"
        case .none: before = nil; what = "no policy (the inventory has none; the draft creates one)"
        }
        let empty = PolicyDocument(statements: [])
        var out = "Perimeter: the draft \(name) against \(what)\n"
        out += "access: \(summary(before ?? empty)) → \(summary(draft))\n"
        out += """
            statements: \(before?.statements.count ?? 0) → \(draft.statements.count); characters: \(before.map(PolicyWriter.size) ?? 0) → \
            \(PolicyWriter.size(draft))\n
            """
        out += "apply to a copy of the current policy: git apply \(name.dropLast(5)).diff (or patch -p1)\n\n"
        let hunks = UnifiedDiff.make(old: before.map(PolicyWriter.write) ?? "", new: PolicyWriter.write(draft),
                                     oldName: before == nil ? "/dev/null" : "a/\(name)", newName: "b/\(name)")
        return out + (hunks.isEmpty ? "(no change)\n" : hunks)
    }

    private static func folder(_ name: String) -> String { name.hasPrefix("vpce-") ? "endpoints" : "buckets" }

    /// `s3:* on *` or `9 actions on 4 buckets, 2 tables`.
    static func summary(_ policy: PolicyDocument) -> String {
        let allows = policy.statements.filter { $0.effect == .allow }
        if allows.isEmpty { return "no Allow statement (\(policy.statements.count) Deny)" }
        let actions = Set(
            allows.flatMap { $0.action.isNegated ? ["NotAction \($0.action.patterns.joined(separator: ","))"] : $0.action.patterns })
        let resources = Set(allows.flatMap { $0.resource?.patterns ?? ["*"] })
        if actions.count == 1, resources.count == 1 { return "\(actions.first!) on \(resources.first!)" }
        if resources.contains("*") && actions.contains("*") { return "* on *" }
        var kinds: [String: Set<String>] = [:]
        for r in resources {
            guard let arn = ARN(r) else { kinds["other resources", default: []].insert(r); continue }
            if let bucket = arn.s3BucketName {
                kinds["buckets", default: []].insert(bucket)
            } else if arn.service == "dynamodb" {
                kinds["tables", default: []].insert(String(arn.resource.split(separator: "/").prefix(2).joined(separator: "/")))
            } else {
                kinds["\(arn.service) resources", default: []].insert(r)
            }
        }
        let parts = kinds.sorted { $0.key < $1.key }.map { "\($0.value.count) \($0.value.count == 1 ? String($0.key.dropLast()) : $0.key)" }
        return "\(actions.count) action\(actions.count == 1 ? "" : "s") on \(parts.joined(separator: ", "))"
    }
}

extension EndpointResult {
    /// The draft against the policy in force (or AWS's default, assumed), as `endpoints/<id>.diff` holds it.
    var diff: String {
        PolicyDiff.render(currentKnown ? .current(current) : .assumedDefault(current), draft: draft, name: "\(endpoint.id).json")
    }
}

extension BucketResult {
    /// The lock against the bucket's current policy (or none), as `buckets/<name>.diff` holds it.
    var diff: String { PolicyDiff.render(current.map { .current($0) } ?? .none, draft: draft, name: "\(bucket).json") }
}
