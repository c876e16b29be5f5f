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
    /// The statements by action, so that a request is matched against those its action can reach.
    let index: ActionIndex
    /// Problems found while compiling (unknown operators, …); each also makes its statement unknown.
    public let diagnostics: [Diagnostic]

    /// Compiles `document` once: patterns, principals and conditions prepared for many requests.
    ///
    /// ```swift
    /// let policy = CompiledPolicy(try PolicyReader.read(text))
    /// let result = policy.evaluate(RequestContext(action: "s3:GetObject", resource: "arn:aws:s3:::b/k"))
    /// print(result.decision)   // allow, explicit-deny, implicit-deny or unevaluable
    /// ```
    public init(_ document: PolicyDocument) {
        self.document = document
        var diagnostics: [Diagnostic] = []
        statements = document.statements.enumerated().map { index, statement in
            let compiled = CompiledStatement(statement, index: index, variables: document.substitutesVariables)
            diagnostics += compiled.problems.map { compiled.diagnostic($0) }
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

    init(_ s: Statement, index: Int, variables: Bool) {
        self.index = index
        name = s.sid.flatMap { $0.isEmpty ? nil : $0 } ?? "#\(index)"
        effect = s.effect
        actions = s.action.patterns.map { WildcardPattern($0, caseInsensitive: true) }
        actionsNegated = s.action.isNegated
        resources = s.resource.map { $0.patterns.map { ResourcePattern($0, variables: variables) } }
        resourceIndex = resources.map(ResourceIndex.init)
        resourcesNegated = s.resource?.isNegated ?? false
        principal = s.principal.map(PrincipalMatcher.init)
        notPrincipal = s.notPrincipal.map(PrincipalMatcher.init)
        conditions = s.conditions.map { CompiledCondition($0, variables: variables) }
        problems = conditions.compactMap(\.problem)
    }

    /// A statement that cannot be evaluated, and why, located at the statement (and named by its Sid).
    func diagnostic(_ why: Message) -> Diagnostic {
        let sid = name.hasPrefix("#") ? [] : [Message.Piece.text("Sid "), .value(name), .text(": ")]
        return Diagnostic("unevaluable-statement", .warning, Message(pieces: sid + why.pieces), at: .init(path: "Statement[\(index)]"))
    }

    func match(_ context: RequestContext, _ prepared: PreparedRequest, indexed: Bool) -> MatchResult {
        let actionHit = prepared.action.withUnsafeBufferPointer { action in actions.contains { $0.match(action) } }
        guard actionHit != actionsNegated else { return .noMatch }
        if let resources, let resourceIndex {
            let hit = indexed ? resourceIndex.contains(prepared.resource) { resources[$0].matches(prepared.resource, context: context) }
                : resources.contains { $0.matches(prepared.resource, context: context) }
            guard hit != resourcesNegated else { return .noMatch }
        }
        if let principal, !principal.any {
            guard let p = context.principal else { return .unknown("the request names no principal") }
            switch principal.matches(p) {
            case .match: break
            case .noMatch: return .noMatch
            case .unknown(let why): return .unknown(why)
            }
        }
        if let notPrincipal {
            guard let p = context.principal else { return .unknown("the request names no principal") }
            switch notPrincipal.matches(p) {
            case .match: return .noMatch
            case .noMatch: break
            case .unknown(let why): return .unknown(why)
            }
        }
        var unknown: Message?
        for condition in conditions {
            switch condition.evaluate(context) {
            case .match: continue
            case .noMatch: return .noMatch
            case .unknown(let why): unknown = unknown ?? why
            }
        }
        return unknown.map(MatchResult.unknown) ?? .match
    }
}

/// `Principal` matching for resource-based policies.
final class PrincipalMatcher: Sendable {
    let any: Bool
    let aws: [String]
    let services: Set<String>
    let federated: Set<String>
    let canonical: [String]

    init(_ spec: PrincipalSpec) {
        switch spec {
        case .any:
            any = true; aws = []; services = []; federated = []; canonical = []
        case .map(let entries):
            var aws: [String] = [], services: Set<String> = [], federated: Set<String> = [], canonical: [String] = []
            var any = false
            for e in entries {
                switch e.type {
                case "AWS":
                    for v in e.values { if v == "*" { any = true } else { aws.append(v) } }
                case "Service": services.formUnion(e.values.map { $0.lowercased() })
                case "Federated": federated.formUnion(e.values)
                default: canonical += e.values
                }
            }
            self.any = any; self.aws = aws; self.services = services; self.federated = federated; self.canonical = canonical
        }
    }

    func matches(_ p: RequestPrincipal) -> MatchResult {
        if any { return .match }
        switch p.kind {
        case .service:
            return services.contains(p.arn.lowercased()) ? .match : .noMatch
        case .anonymous:
            return .noMatch
        default:
            for value in aws {
                if value == p.arn || (p.sessionARN != nil && value == p.sessionARN) { return .match }
                // An account id or account root ARN names every principal of that account.
                if let account = p.account, value == account || value == "arn:aws:iam::\(account):root" { return .match }
            }
            if p.kind == .federated, federated.contains(p.arn) { return .match }
            if !canonical.isEmpty { return .unknown("canonical user ids cannot be matched to ARNs") }
            return .noMatch
        }
    }
}
