import AWSModel
import IAMPolicy
import Inventory

/// Stage 7: the grant check.
extension GrantCheck {
    /// Every (action, resource, principal) a draft grants, checked against the current policy; the
    /// principals are the draft's own (`principals` by Sid), not read back from its conditions.
    ///
    /// A literal resource is evaluated as itself, exactly. A resource with a wildcard (Perimeter's own
    /// `…/*` or `*`) is contained only when a statement of the current policy that allowed the sample
    /// provably covers every resource it matches (its pattern is `*` or a literal prefix of the draft's
    /// followed by `*`) and no Deny statement could match any of them; otherwise it is "unprovable",
    /// never taken as contained.
    static func run(_ draft: PolicyDocument, principals byStatement: [String: [Principal]], current: CompiledPolicy,
                    currentDocument: PolicyDocument, endpoint: Inventory.Endpoint) -> GrantCheck {
        var check = GrantCheck()
        let containment = Containment(currentDocument)
        for statement in draft.statements where statement.effect == .allow {
            let named = byStatement[statement.sid ?? ""] ?? []
            let principals = named.isEmpty ? [RequestPrincipal(kind: .anonymous, arn: Principal.anonymousARN)]
                : named.map(RequestPrincipal.init)
            check.add(statement, principals: principals, current: current, containment: containment) { context in
                context.set("aws:SourceVpce", [endpoint.id.rawValue])
                if let vpc = endpoint.vpcID { context.set("aws:SourceVpc", [vpc]) }
                context.unsetKeys = Replay.unsetKeys(context.principal, throughEndpoint: true)
            }
        }
        return check
    }

    /// A bucket draft against the bucket's current policy. Its Allow statements are the current policy's,
    /// kept: one kept as it was (the same statement, its variables read the same way) grants what it did;
    /// any other is checked like an endpoint grant, for the principals its own `Principal` names, from
    /// anywhere (whether a request comes through an endpoint is not known). A current Deny the draft does
    /// not keep as it was (an earlier lock it replaces) may have refused more: unprovable.
    static func run(bucketDraft draft: PolicyDocument, current: PolicyDocument) -> GrantCheck {
        var check = GrantCheck()
        let compiled = CompiledPolicy(current, kind: .resource), containment = Containment(current)
        let sameVariables = draft.substitutesVariables == current.substitutesVariables
        for statement in draft.statements where statement.effect == .allow {
            if sameVariables && current.statements.contains(statement) { check.checked += 1; continue }
            check.add(statement, principals: principals(of: statement), current: compiled, containment: containment) { context in
                context.unsetKeys = Replay.unsetKeys(context.principal, throughEndpoint: nil)
            }
        }
        for (i, statement) in current.statements.enumerated() where statement.effect == .deny {
            guard !(sameVariables && draft.statements.contains(statement)) else { continue }
            check.checked += 1
            let name = statement.sid ?? "#\(i)"
            check.unprovable.append(Diagnostic(.grantUnprovable, .note,
                                               """
                                                   Deny \(value: name) of the current policy is not kept as it was: the draft may refuse \
                                                   less than today
                                                   """))
        }
        return check
    }

    /// The principals a statement's `Principal` names, as requests would carry them (`*`: anonymous, the widest).
    static func principals(of statement: Statement) -> [RequestPrincipal] {
        let anonymous = RequestPrincipal(kind: .anonymous, arn: Principal.anonymousARN)
        guard case .map(let entries)? = statement.principal else { return [anonymous] }
        return entries.flatMap { entry in
            entry.values.map { value in
                if value == "*" { return anonymous }
                return entry.type == "Service" ? RequestPrincipal(kind: .service, arn: value) : RequestPrincipal.from(value)
            }
        }
    }

    /// Checks every (action, resource, principal) of one Allow statement; `keys` sets what the check knows.
    mutating func add(_ statement: Statement, principals: [RequestPrincipal], current: CompiledPolicy, containment: Containment,
                      keys: (inout RequestContext) -> Void) {
        for action in statement.action.patterns {
            for resource in statement.resource?.patterns ?? ["*"] {
                for principal in principals {
                    checked += 1
                    var context = RequestContext(action: action, resource: PolicyText.sample(of: resource), principal: principal)
                    if principal.kind == .service { context.set("aws:PrincipalServiceName", [principal.arn]) }
                    keys(&context)
                    let line: Message = "\(statement.sid ?? "?"): \(action) on \(value: resource) for \(value: principal.arn)"
                    let result = current.evaluate(context)
                    switch result.decision {
                    case .allow where !PolicyText.isPattern(resource): break
                    case .allow:
                        if !containment.contains(resource, action: action, allowedBy: result.matchedStatements) {
                            unprovable.append(Diagnostic(.grantUnprovable, .note, line))
                        }
                    case .unevaluable:
                        // Named: the key (or operator) that makes the current policy's answer unknown.
                        let why = result.diagnostics.first.map { Message(pieces: line.pieces + [.text(": ")] + $0.message.pieces) } ?? line
                        unprovable.append(Diagnostic(.grantUnprovable, .note, why))
                    case .implicitDeny, .explicitDeny: exceeding.append(Diagnostic(.grantExceedsCurrent, .error, line))
                    }
                }
            }
        }
    }
}

/// The current policy as the grant check reads it for a draft's wildcard resource, prepared once per
/// check rather than once per resource: each Allow statement that can vouch for a pattern (actions
/// listed, resources listed) by name, with whether it has `*` and the literal starts `L` of its `L*`
/// patterns by length; each Deny statement's action patterns and the literal starts of its resources.
struct Containment {
    private var allows: [String: (any: Bool, starts: Set<String>, lengths: [Int])] = [:]
    private var denies: [(actions: [WildcardPattern], negated: Bool, starts: [String]?)] = []

    init(_ current: PolicyDocument) {
        for (i, s) in current.statements.enumerated() {
            if s.effect == .deny {
                let starts = s.resource.flatMap { spec -> [String]? in
                    guard case .resources(let patterns) = spec else { return nil }
                    return patterns.map { String($0.prefix { $0 != "*" && $0 != "?" && $0 != "$" }) }
                }
                denies.append((s.action.patterns.map { WildcardPattern($0, caseInsensitive: true) }, s.action.isNegated, starts))
                continue
            }
            guard !s.action.isNegated, case .resources(let patterns)? = s.resource else { continue }
            let starts = patterns.filter { $0.hasSuffix("*") && !PolicyText.isPattern(String($0.dropLast())) }.map { String($0.dropLast()) }
            let name = s.sid.flatMap { $0.isEmpty ? nil : $0 } ?? "#\(i)"
            let known = allows[name] ?? (false, [], [])   // two statements may share a Sid: either may vouch
            let all = known.starts.union(starts)
            allows[name] = (known.any || patterns.contains("*"), all, Set(all.map(\.count)).sorted())
        }
    }

    /// Whether `pattern` (`L*`, or `*`) is covered by an Allow statement among `allowedBy` and overlapped
    /// by no Deny statement. Sound, not complete: false means "not proven".
    func contains(_ pattern: String, action: String, allowedBy: [String]) -> Bool {
        guard pattern.hasSuffix("*") else { return false }
        let prefix = String(pattern.dropLast())
        guard !PolicyText.isPattern(prefix) else { return false }
        let covered = allowedBy.contains { name in
            guard let allow = allows[name] else { return false }
            return allow.any || allow.lengths.contains { $0 <= prefix.count && allow.starts.contains(String(prefix.prefix($0))) }
        }
        let denied = denies.contains { deny in
            guard deny.negated || deny.actions.contains(where: { $0.matches(action) }) else { return false }
            // A Deny pattern can match a resource starting with `prefix` unless its own literal start diverges from it.
            return deny.starts?.contains { $0.hasPrefix(prefix) || prefix.hasPrefix($0) } ?? true
        }
        return covered && !denied
    }
}
