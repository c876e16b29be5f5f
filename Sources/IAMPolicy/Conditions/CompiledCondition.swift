import AWSModel

/// One condition (operator, key, values) ready to evaluate.
final class CompiledCondition: Sendable {
    let op: ConditionOperator?
    let rawOperator: String
    let key: String
    let lowercasedKey: String
    let values: [Template]
    /// For ARN operators: each value compiled as an ARN pattern once, when it holds no variable.
    let arnPatterns: [ResourcePattern?]
    /// For ARN operators: the values that are whole ARNs without a wildcard, which match exactly their own
    /// text (one lookup per request value, where a lock's exception list holds thousands).
    let exactARNs: Set<String>
    /// True at the positions of ``exactARNs``' values (not compared again one by one).
    let inExactSet: [Bool]
    let rawValues: [String]
    /// Why this condition can never be evaluated (an unknown operator), if so.
    let problem: Message?

    init(_ c: Condition, variables: Bool) {
        rawOperator = c.op
        key = c.key
        lowercasedKey = c.key.lowercased()
        op = ConditionOperator(c.op)
        rawValues = c.values.map(\.text)
        let substitutes = variables && (op?.base.takesVariables ?? false)
        let ignoreCase = op?.base.positive == .stringEqualsIgnoreCase
        values = c.values.map { Template($0.text, variables: substitutes, caseInsensitive: ignoreCase) }
        let isARN = [.arnEquals, .arnLike].contains(op?.base.positive)
        arnPatterns = values.map { isARN ? $0.literal.map { ResourcePattern($0, variables: false) } : nil }
        inExactSet = values.map { v in
            guard isARN, let text = v.literal else { return false }
            return ResourcePattern.split(text) != nil && !text.utf8.contains { $0 == 42 || $0 == 63 }
        }
        exactARNs = Set(zip(values, inExactSet).compactMap { $1 ? $0.literal : nil })
        problem = op == nil ? "unknown condition operator \(value: c.op)" : nil
    }

    func evaluate(_ context: RequestContext) -> MatchResult {
        guard let op else { return .unknown(problem!) }
        if let why = context.unknownReason(key, lowercased: lowercasedKey) { return .unknown(why) }
        // A policy variable whose key is unknown: the value it compares with is not known either.
        for template in values {
            if let why = template.variableKeys.lazy.compactMap({ context.unknownReason($0) }).first { return .unknown(why) }
        }
        let requestValues = context.values(lowercasedKey: lowercasedKey)
        if op.base == .null {
            guard let wanted = rawValues.first?.lowercased() else { return .noMatch }
            let absent = requestValues == nil || requestValues!.isEmpty
            return (wanted == "true") == absent ? .match : .noMatch
        }
        guard let requestValues, !requestValues.isEmpty else {
            switch op.qualifier {
            case .forAllValues: return .match
            case .forAnyValue: return .noMatch
            case .none: return op.ifExists || op.base.isNegated ? .match : .noMatch
            }
        }
        // Does one request value match any policy value (under the positive operator)?
        func anyPolicyValue(_ value: String) -> Bool? {
            var unknown = false
            // Split once per request value, not once per policy value (an exception list holds thousands).
            var prepared: PreparedResource?
            if exactARNs.contains(value) { return true }
            for ((template, arn), exact) in zip(zip(values, arnPatterns), inExactSet) where !exact {
                if let arn {
                    if prepared == nil { prepared = PreparedResource(value) }
                    if arn.matches(prepared!, context: context) { return true }
                    continue
                }
                switch ConditionMatch.matches(op.base, request: value, policy: template, context: context) {
                case true?: return true
                case false?: continue
                case nil: unknown = true
                }
            }
            return unknown ? nil : false
        }
        var results: [Bool] = []
        for value in requestValues {
            guard let hit = anyPolicyValue(value) else {
                return .unknown(Message(pieces: [.value(rawOperator), .text(" cannot compare "), .value(value), .text(" with ")]
                                       + rawValues.enumerated()
                                           .flatMap { $0 == 0 ? [Message.Piece.value($1)] : [.text(", "), .value($1)] }))
            }
            // Negated operators: a value satisfies the condition when it matches none of the policy values.
            results.append(op.base.isNegated ? !hit : hit)
        }
        let satisfied: Bool = switch op.qualifier {
        case .forAllValues: results.allSatisfy { $0 }
        case .forAnyValue: results.contains(true)
        // Without a set operator, negated operators need every value to miss; positive ones any value to match.
        case .none: op.base.isNegated ? results.allSatisfy { $0 } : results.contains(true)
        }
        return satisfied ? .match : .noMatch
    }
}
