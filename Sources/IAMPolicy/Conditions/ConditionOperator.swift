import AWSModel

/// A condition operator split into its parts: the set qualifier, the base family and `IfExists`.
struct ConditionOperator: Sendable {
    enum SetQualifier: Sendable { case none, forAnyValue, forAllValues }
    enum Base: String, Sendable, CaseIterable {
        case stringEquals = "StringEquals", stringNotEquals = "StringNotEquals"
        case stringEqualsIgnoreCase = "StringEqualsIgnoreCase", stringNotEqualsIgnoreCase = "StringNotEqualsIgnoreCase"
        case stringLike = "StringLike", stringNotLike = "StringNotLike"
        case numericEquals = "NumericEquals", numericNotEquals = "NumericNotEquals", numericLessThan = "NumericLessThan"
        case numericLessThanEquals = "NumericLessThanEquals", numericGreaterThan = "NumericGreaterThan"
        case numericGreaterThanEquals = "NumericGreaterThanEquals"
        case dateEquals = "DateEquals", dateNotEquals = "DateNotEquals", dateLessThan = "DateLessThan"
        case dateLessThanEquals = "DateLessThanEquals", dateGreaterThan = "DateGreaterThan", dateGreaterThanEquals = "DateGreaterThanEquals"
        case bool = "Bool", binaryEquals = "BinaryEquals"
        case ipAddress = "IpAddress", notIpAddress = "NotIpAddress"
        case arnEquals = "ArnEquals", arnLike = "ArnLike", arnNotEquals = "ArnNotEquals", arnNotLike = "ArnNotLike"
        case null = "Null"

        /// Negated operators are true when no value matches (and when the key is absent).
        var isNegated: Bool {
            switch self {
            case .stringNotEquals, .stringNotEqualsIgnoreCase, .stringNotLike, .numericNotEquals, .dateNotEquals, .notIpAddress,
                 .arnNotEquals, .arnNotLike: true
            default: false
            }
        }

        /// The positive operator a negated one negates.
        var positive: Base {
            switch self {
            case .stringNotEquals: .stringEquals
            case .stringNotEqualsIgnoreCase: .stringEqualsIgnoreCase
            case .stringNotLike: .stringLike
            case .numericNotEquals: .numericEquals
            case .dateNotEquals: .dateEquals
            case .notIpAddress: .ipAddress
            case .arnNotEquals: .arnEquals
            case .arnNotLike: .arnLike
            default: self
            }
        }

        /// Operators whose values may hold policy variables.
        var takesVariables: Bool {
            switch positive {
            case .stringEquals, .stringEqualsIgnoreCase, .stringLike, .arnEquals, .arnLike: true
            default: false
            }
        }
    }

    let qualifier: SetQualifier
    let base: Base
    let ifExists: Bool

    /// Parses an operator, or returns nil when it is not one IAM defines.
    init?(_ text: String) {
        var rest = Substring(text)
        if rest.hasPrefix("ForAnyValue:") { qualifier = .forAnyValue; rest = rest.dropFirst(12) }
        else if rest.hasPrefix("ForAllValues:") { qualifier = .forAllValues; rest = rest.dropFirst(13) }
        else { qualifier = .none }
        var ifExists = false
        if rest.hasSuffix("IfExists") { ifExists = true; rest = rest.dropLast(8) }
        guard let base = Base(rawValue: String(rest)) else { return nil }
        if base == .null && (ifExists || qualifier != .none) { return nil }
        self.base = base
        self.ifExists = ifExists
    }
}

/// Value comparisons of the operator families.
enum ConditionMatch {
    /// Does one request value match one policy value under a positive operator?
    static func matches(_ base: ConditionOperator.Base, request: String, policy: Template, context: RequestContext) -> Bool? {
        switch base.positive {
        case .stringEquals:
            return (policy.literal ?? literalText(policy, context)).map { $0 == request } ?? false
        case .stringEqualsIgnoreCase:
            return literalText(policy, context).map { $0.lowercased() == request.lowercased() } ?? false
        case .stringLike:
            return policy.pattern(context: context)?.matches(request) ?? false
        case .arnEquals, .arnLike:
            guard let text = literalText(policy, context) else { return false }
            return ResourcePattern(text, variables: false).matches(request, context: context)
        case .numericEquals, .numericLessThan, .numericLessThanEquals, .numericGreaterThan, .numericGreaterThanEquals:
            guard let a = Double(request), let b = Double(policy.literal ?? "") else { return nil }
            return compare(base.positive, a, b)
        case .dateEquals, .dateLessThan, .dateLessThanEquals, .dateGreaterThan, .dateGreaterThanEquals:
            guard let a = date(request), let b = date(policy.literal ?? "") else { return nil }
            let map: [ConditionOperator.Base: ConditionOperator.Base] = [.dateEquals: .numericEquals, .dateLessThan: .numericLessThan,
                .dateLessThanEquals: .numericLessThanEquals, .dateGreaterThan: .numericGreaterThan,
                .dateGreaterThanEquals: .numericGreaterThanEquals]
            return compare(map[base.positive]!, a, b)
        case .bool:
            return request.lowercased() == (policy.literal ?? "").lowercased()
        case .binaryEquals:
            return request == (policy.literal ?? "")
        case .ipAddress:
            guard let network = CIDR(policy.literal ?? ""), let address = IPAddress(request) else { return nil }
            return network.contains(address)
        default:
            return nil
        }
    }

    static func compare(_ base: ConditionOperator.Base, _ a: Double, _ b: Double) -> Bool {
        switch base {
        case .numericEquals: a == b
        case .numericLessThan: a < b
        case .numericLessThanEquals: a <= b
        case .numericGreaterThan: a > b
        default: a >= b
        }
    }

    /// The policy value with variables expanded and wildcards taken literally.
    static func literalText(_ template: Template, _ context: RequestContext) -> String? {
        var out = ""
        for piece in template.pieces {
            switch piece {
            case .text(let t), .literal(let t): out += t
            case .variable(let key, let fallback):
                if let v = context.values(key), v.count == 1 { out += v[0] } else if let fallback { out += fallback } else { return nil }
            }
        }
        return out
    }

    /// ISO 8601 date-time (or date) or epoch seconds.
    static func date(_ text: String) -> Double? {
        if let seconds = Double(text) { return seconds }
        if let t = Timestamp.parseISO8601(text) { return Double(t) }
        if text.count == 10, let t = Timestamp.parseISO8601(text + "T00:00:00Z") { return Double(t) }
        return nil
    }
}

