import AWSModel
import IAMPolicy

/// A readable statement-level diff of a draft against the policy in force.
enum PolicyDiff {
    /// `  ` unchanged, `-` only in the current policy, `+` only in the draft; then what access is removed.
    static func render(current: PolicyDocument, draft: PolicyDocument, currentLabel: String, draftLabel: String) -> String {
        func lines(_ s: Statement) -> [String] { PolicyWriter.write(s).split(separator: "\n").map(String.init) }
        let currentSet = Set(current.statements), draftSet = Set(draft.statements)
        var out = ["--- \(currentLabel) (\(current.statements.count) statements, \(PolicyWriter.size(current)) characters)",
                   "+++ \(draftLabel) (\(draft.statements.count) statements, \(PolicyWriter.size(draft)) characters)"]
        for s in current.statements {
            out.append("")
            let marker = draftSet.contains(s) ? "  " : "- "
            out += lines(s).map { marker + $0 }
        }
        for s in draft.statements where !currentSet.contains(s) {
            out.append("")
            out += lines(s).map { "+ " + $0 }
        }
        out.append("")
        out.append("access: \(summary(current)) → \(summary(draft))")
        return out.joined(separator: "\n") + "\n"
    }

    /// `s3:* on *` or `9 actions on 4 buckets, 2 tables`.
    static func summary(_ policy: PolicyDocument) -> String {
        let allows = policy.statements.filter { $0.effect == .allow }
        if allows.isEmpty { return "no Allow statement (\(policy.statements.count) Deny)" }
        let actions = Set(allows.flatMap { $0.action.isNegated ? ["NotAction \($0.action.patterns.joined(separator: ","))"] : $0.action.patterns })
        let resources = Set(allows.flatMap { $0.resource?.patterns ?? ["*"] })
        if actions.count == 1, resources.count == 1 { return "\(actions.first!) on \(resources.first!)" }
        if resources.contains("*") && actions.contains("*") { return "* on *" }
        var kinds: [String: Set<String>] = [:]
        for r in resources {
            guard let arn = ARN(r) else { kinds["other resources", default: []].insert(r); continue }
            if let bucket = arn.s3BucketName { kinds["buckets", default: []].insert(bucket) }
            else if arn.service == "dynamodb" { kinds["tables", default: []].insert(String(arn.resource.split(separator: "/").prefix(2).joined(separator: "/"))) }
            else { kinds["\(arn.service) resources", default: []].insert(r) }
        }
        let parts = kinds.sorted { $0.key < $1.key }.map { "\($0.value.count) \($0.value.count == 1 ? String($0.key.dropLast()) : $0.key)" }
        return "\(actions.count) action\(actions.count == 1 ? "" : "s") on \(parts.joined(separator: ", "))"
    }
}
