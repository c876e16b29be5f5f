public import AWSModel

/// The decision of one policy for one request.
public enum Decision: String, Sendable, Hashable {
    case allow
    case explicitDeny = "explicit-deny"
    case implicitDeny = "implicit-deny"
    /// A statement that could decide the request uses an operator or key the engine cannot evaluate.
    case unevaluable
}

/// What evaluating one request against one policy found.
public struct EvaluationResult: Sendable, Hashable {
    /// Allow, explicit or implicit deny, or unevaluable.
    public var decision: Decision
    /// The Sids (or `#index` for statements without one) of the statements that decided it.
    public var matchedStatements: [String]
    /// Why the result is unevaluable, or other notes: one per statement that could not be evaluated,
    /// located at the statement (`Statement[2]`).
    public var diagnostics: [Diagnostic]
}

/// Which kind of policy a document is: it decides what `Principal` means, as AWS evaluates it.
public enum PolicyKind: String, Sendable, Hashable, CaseIterable {
    /// An identity policy: it applies to its principal and has no `Principal` element.
    case identity
    /// A resource policy (a bucket policy): `Principal` is required; an account names all its principals.
    case resource
    /// An interface endpoint's policy: as a resource policy.
    case interfaceEndpoint = "interface-endpoint"
    /// A gateway endpoint's policy: an account (`"AWS": "111122223333"` or its `:root` ARN) names only the
    /// account's root user (VPC User Guide, gateway endpoints).
    case gatewayEndpoint = "gateway-endpoint"
    /// An endpoint policy of an endpoint whose type is not known: an account named as principal may mean
    /// the whole account or only its root user, so it is unknown for the account's other principals.
    case endpoint

    /// True for the kinds that require a `Principal` (or `NotPrincipal`) in every statement.
    var requiresPrincipal: Bool { self != .identity }
}

/// A policy prepared once and evaluated against many requests (OPA's prepared query).
///
/// Evaluation follows the IAM policy evaluation logic: an explicit Deny wins; otherwise an Allow
/// whose Principal, Action, Resource and Condition all match allows; otherwise the request is
/// implicitly denied. A statement whose match depends on something the engine cannot evaluate is
/// `unknown`; it makes the decision unevaluable only when it could change it.
public struct CompiledPolicy: Sendable {
    /// The policy as read.
    public let document: PolicyDocument
    let statements: [CompiledStatement]
    /// What kind of policy it is.
    public let kind: PolicyKind
    /// The statements by action, so that a request is matched against those its action can reach.
    let index: ActionIndex
    /// Problems found while compiling (unknown operators, a missing or misplaced `Principal`, …); each also
    /// makes its statement unknown, or (for an invalid statement) match nothing.
    public let diagnostics: [Diagnostic]

    /// Compiles `document` once: patterns, principals and conditions prepared for many requests.
    ///
    /// ```swift
    /// let policy = CompiledPolicy(try PolicyReader.read(text), kind: .resource)
    /// let result = policy.evaluate(RequestContext(action: "s3:GetObject", resource: "arn:aws:s3:::b/k"))
    /// print(result.decision)   // allow, explicit-deny, implicit-deny or unevaluable
    /// ```
    public init(_ document: PolicyDocument, kind: PolicyKind = .resource) {
        self.document = document
        self.kind = kind
        var diagnostics: [Diagnostic] = []
        statements = document.statements.enumerated().map { index, statement in
            let compiled = CompiledStatement(statement, index: index, variables: document.substitutesVariables, kind: kind)
            diagnostics += compiled.problems.map { compiled.diagnostic($0) }
            if let invalid = compiled.invalid { diagnostics.append(compiled.diagnostic(invalid, code: .invalidStatement)) }
            return compiled
        }
        self.diagnostics = diagnostics
        index = ActionIndex(statements)
    }

    /// Evaluates one request: near-constant in the policy's size when its statements name literal
    /// actions and resources (see ``ActionIndex`` and ``ResourceIndex``).
    public func evaluate(_ context: RequestContext) -> EvaluationResult { evaluate(context, indexed: true) }

    /// Evaluates one request; `indexed: false` matches every statement and every resource pattern in
    /// turn, the reference the indexes are checked against (same decision, statements and notes).
    func evaluate(_ context: RequestContext, indexed: Bool) -> EvaluationResult {
        var denies: [String] = [], allows: [String] = []
        var unknownDeny: [String] = [], unknownAllow: [String] = []
        var notes: [Diagnostic] = []
        let prepared = PreparedRequest(context)
        func visit(_ statement: CompiledStatement) {
            let result = statement.match(context, prepared, indexed: indexed)
            switch (result, statement.effect) {
            case (.match, .deny): denies.append(statement.name)
            case (.match, .allow): allows.append(statement.name)
            case (.unknown(let why), .deny): unknownDeny.append(statement.name); notes.append(statement.diagnostic(why))
            case (.unknown(let why), .allow): unknownAllow.append(statement.name); notes.append(statement.diagnostic(why))
            case (.noMatch, _): break
            }
        }
        if indexed { index.forEachCandidate(prepared.action) { visit(statements[$0]) } } else { statements.forEach(visit) }
        if !denies.isEmpty { return EvaluationResult(decision: .explicitDeny, matchedStatements: denies, diagnostics: notes) }
        if !unknownDeny.isEmpty { return EvaluationResult(decision: .unevaluable, matchedStatements: unknownDeny, diagnostics: notes) }
        if !allows.isEmpty { return EvaluationResult(decision: .allow, matchedStatements: allows, diagnostics: notes) }
        if !unknownAllow.isEmpty { return EvaluationResult(decision: .unevaluable, matchedStatements: unknownAllow, diagnostics: notes) }
        return EvaluationResult(decision: .implicitDeny, matchedStatements: [], diagnostics: notes)
    }
}

/// What every statement compares, computed once per request.
struct PreparedRequest {
    /// The action in lowercase (actions match case-insensitively).
    let action: [UInt8]
    let resource: PreparedResource

    init(_ context: RequestContext) {
        action = Array(context.action.lowercased().utf8)
        resource = PreparedResource(context.resource)
    }
}

enum MatchResult: Equatable {
    case match, noMatch
    case unknown(Message)
}

final class CompiledStatement: Sendable {
    let name: String
    let effect: Effect
    let actions: [WildcardPattern]
    let actionsNegated: Bool
    let resources: [ResourcePattern]?
    let resourceIndex: ResourceIndex?
    let resourcesNegated: Bool
    let principal: PrincipalMatcher?
    let notPrincipal: PrincipalMatcher?
    let conditions: [CompiledCondition]
    let index: Int
    let problems: [Message]
    /// Why the statement is invalid for its policy kind (it then matches nothing), if it is.
    let invalid: Message?

    init(_ s: Statement, index: Int, variables: Bool, kind: PolicyKind) {
        self.index = index
        name = s.sid.flatMap { $0.isEmpty ? nil : $0 } ?? "#\(index)"
        effect = s.effect
        actions = s.action.patterns.map { WildcardPattern($0, caseInsensitive: true) }
        actionsNegated = s.action.isNegated
        resources = s.resource.map { $0.patterns.map { ResourcePattern($0, variables: variables) } }
        resourceIndex = resources.map(ResourceIndex.init)
        resourcesNegated = s.resource?.isNegated ?? false
        principal = s.principal.map { PrincipalMatcher($0, kind: kind) }
        notPrincipal = s.notPrincipal.map { PrincipalMatcher($0, kind: kind) }
        conditions = s.conditions.map { CompiledCondition($0, variables: variables) }
        problems = conditions.compactMap(\.problem)
        let named = s.principal != nil || s.notPrincipal != nil
        invalid = switch (kind.requiresPrincipal, named) {
        case (true, false): "no `Principal`: invalid in a \(kind.rawValue) policy, the statement matches nothing"
        case (false, true): "a `Principal` in an identity policy is invalid: the statement matches nothing"
        default: nil
        }
    }

    /// A statement that cannot be evaluated (or is invalid), and why, located at the statement (and named by its Sid).
    func diagnostic(_ why: Message, code: Diagnostic.Code = .unevaluableStatement) -> Diagnostic {
        let sid = name.hasPrefix("#") ? [] : [Message.Piece.text("Sid "), .value(name), .text(": ")]
        return Diagnostic(code, .warning, Message(pieces: sid + why.pieces), at: .init(path: "Statement[\(index)]"))
    }

    func match(_ context: RequestContext, _ prepared: PreparedRequest, indexed: Bool) -> MatchResult {
        guard invalid == nil else { return .noMatch }
        let actionHit = prepared.action.withUnsafeBufferPointer { action in actions.contains { $0.match(action) } }
        guard actionHit != actionsNegated else { return .noMatch }
        var unknown: Message?
        if let resources, let resourceIndex {
            let found = indexed ? Self.anyMatch(resourceIndex, resources, prepared.resource, context)
                : Self.anyMatch(resources, prepared.resource, context)
            switch found {
            case .match: if resourcesNegated { return .noMatch }
            case .noMatch: if !resourcesNegated { return .noMatch }
            case .unknown(let why): unknown = why
            }
        }
        if let principal, !principal.any {
            guard let p = context.principal else { return .unknown("the request names no principal") }
            switch principal.matches(p) {
            case .match: break
            case .noMatch: return .noMatch
            case .unknown(let why): unknown = unknown ?? why
            }
        }
        if let notPrincipal {
            guard let p = context.principal else { return .unknown("the request names no principal") }
            switch notPrincipal.exempts(p) {
            case .match: return .noMatch
            case .noMatch: break
            case .unknown(let why): unknown = unknown ?? why
            }
        }
        for condition in conditions {
            switch condition.evaluate(context) {
            case .match: continue
            case .noMatch: return .noMatch
            case .unknown(let why): unknown = unknown ?? why
            }
        }
        return unknown.map(MatchResult.unknown) ?? .match
    }

    /// Whether any of `patterns` matches the resource: a match wins over a pattern whose variable is unknown.
    /// A pattern whose literal start the resource does not begin with cannot match it, whatever its variables are.
    static func anyMatch(_ patterns: [ResourcePattern], _ resource: PreparedResource, _ context: RequestContext) -> MatchResult {
        var unknown: Message?
        for pattern in patterns where resource.bytes.starts(with: pattern.prefix) {
            if let why = pattern.unknownReason(context) { unknown = unknown ?? why; continue }
            if pattern.matches(resource, context: context) { return .match }
        }
        return unknown.map(MatchResult.unknown) ?? .noMatch
    }

    /// ``anyMatch(_:_:_:)`` over the patterns the index finds for the resource (the same answer).
    static func anyMatch(_ index: ResourceIndex, _ patterns: [ResourcePattern], _ resource: PreparedResource,
                         _ context: RequestContext) -> MatchResult {
        var unknown: Message?
        let hit = index.contains(resource) { i in
            if let why = patterns[i].unknownReason(context) { unknown = unknown ?? why; return false }
            return patterns[i].matches(resource, context: context)
        }
        return hit ? .match : unknown.map(MatchResult.unknown) ?? .noMatch
    }
}

/// `Principal` and `NotPrincipal` matching, by policy kind.
final class PrincipalMatcher: Sendable {
    let any: Bool
    let aws: Set<String>
    /// Accounts named by id or by their `:root` ARN (any partition).
    let accounts: Set<String>
    let services: Set<String>
    let federated: Set<String>
    let canonical: [String]
    let kind: PolicyKind

    init(_ spec: PrincipalSpec, kind: PolicyKind) {
        self.kind = kind
        var any = false, aws: Set<String> = [], accounts: Set<String> = [], services: Set<String> = []
        var federated: Set<String> = [], canonical: [String] = []
        switch spec {
        case .any: any = true
        case .map(let entries):
            for e in entries {
                switch e.type {
                case "AWS":
                    for v in e.values {
                        if v == "*" { any = true }
                        else if let account = Self.account(named: v) { accounts.insert(account) }
                        else { aws.insert(v) }
                    }
                case "Service": services.formUnion(e.values.map { $0.lowercased() })
                case "Federated": federated.formUnion(e.values)
                default: canonical += e.values
                }
            }
        }
        self.any = any; self.aws = aws; self.accounts = accounts; self.services = services
        self.federated = federated; self.canonical = canonical
    }

    /// The account a principal value names as a whole: a 12-digit id or `arn:PARTITION:iam::ID:root`.
    /// The account a principal value names, as `PARTITION:ID` for a root ARN and `*:ID` for a bare id (the
    /// policy's own partition, whichever it is).
    static func account(named value: String) -> String? {
        if value.utf8.count == 12, value.utf8.allSatisfy({ (48...57).contains($0) }) { return "*:" + value }
        let parts = value.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", parts[2] == "iam", parts[3].isEmpty, parts[5] == "root", parts[4].utf8.count == 12
        else { return nil }
        return parts[1] + ":" + parts[4]
    }

    /// Whether the principal's account is named, by id or by its root ARN in the principal's own partition.
    func namesAccount(of p: RequestPrincipal) -> Bool {
        guard let account = p.account else { return false }
        let partition = ARN(p.arn)?.partition ?? Partition.standard
        return accounts.contains("*:" + account) || accounts.contains(partition + ":" + account)
    }

    /// Whether `Principal` names the request's principal.
    func matches(_ p: RequestPrincipal) -> MatchResult {
        if any { return .match }
        switch p.kind {
        case .service: return services.contains(p.arn.lowercased()) ? .match : .noMatch
        case .anonymous: return .noMatch
        default: break
        }
        if aws.contains(p.arn) || (p.sessionARN.map(aws.contains) ?? false) { return .match }
        if p.kind == .federated, federated.contains(p.arn) { return .match }
        if let account = p.account, namesAccount(of: p) {
            switch kind {
            // Gateway endpoints: an account names only its root user.
            case .gatewayEndpoint: if p.kind == .root { return .match }
            case .endpoint:
                if p.kind == .root { return .match }
                let scope = "the whole account (interface) or its root user only (gateway)"
                return .unknown("the endpoint's type is not known: \(value: account) as principal names \(scope)")
            case .identity, .resource, .interfaceEndpoint: return .match
            }
        }
        if !canonical.isEmpty { return .unknown("canonical user ids cannot be matched to ARNs") }
        return .noMatch
    }

    /// Whether `NotPrincipal` exempts the request's principal. AWS may check each identity the request
    /// carries (the account, then the role or user, then the assumed-role session) and the session must be
    /// named exactly: the principal's own identity not listed is no exemption; listed without its role or
    /// account, the exemption is unknown ("the policy might deny the account", NotPrincipal documentation).
    func exempts(_ p: RequestPrincipal) -> MatchResult {
        if any { return .match }
        switch p.kind {
        case .service: return services.contains(p.arn.lowercased()) ? .match : .noMatch
        case .anonymous: return .noMatch
        case .root: return namesAccount(of: p) ? .match : .noMatch
        default: break
        }
        let own: Bool
        if p.kind == .role {
            if let session = p.sessionARN { own = aws.contains(session) } else if namesASession(of: p.arn) {
                return .unknown("the request's session is not known: NotPrincipal names sessions of \(value: p.arn)")
            } else { own = false }
        } else {
            own = aws.contains(p.arn) || (p.kind == .federated && federated.contains(p.arn))
        }
        guard own else { return .noMatch }
        let parents = (p.kind != .role || aws.contains(p.arn)) && namesAccount(of: p)
        guard !parents else { return .match }
        return .unknown("NotPrincipal names \(value: p.sessionARN ?? p.arn) but not its role and account: AWS might deny them")
    }

    /// True when a listed value is an assumed-role session of `role` (`arn:P:iam::A:role/R` → `arn:P:sts::A:assumed-role/R/`).
    func namesASession(of role: String) -> Bool {
        let parts = role.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[5].hasPrefix("role/") else { return false }
        let name = parts[5].split(separator: "/").last ?? ""
        let prefix = "arn:\(parts[1]):sts::\(parts[4]):assumed-role/\(name)/"
        return aws.contains { $0.hasPrefix(prefix) }
    }
}
