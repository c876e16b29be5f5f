import AWSModel

/// One condition of an advanced event selector, as `put-event-selectors --advanced-event-selectors` takes it.
public struct FieldSelector: Sendable, Hashable, Codable {
    public var Field: String
    public var Equals: [String]?
    public var StartsWith: [String]?
    public var EndsWith: [String]?
    public var NotEquals: [String]?
    public var NotStartsWith: [String]?
    public var NotEndsWith: [String]?

    public init(_ field: String, equals: [String]? = nil, startsWith: [String]? = nil) {
        Field = field
        Equals = equals
        StartsWith = startsWith
    }

    /// Each operator used, with its values.
    public var operators: [(name: String, values: [String])] {
        [("Equals", Equals), ("StartsWith", StartsWith), ("EndsWith", EndsWith), ("NotEquals", NotEquals),
         ("NotStartsWith", NotStartsWith), ("NotEndsWith", NotEndsWith)].compactMap { name, values in values.map { (name, $0) } }
    }

    /// How many values the condition spends of the trail's budget.
    public var valueCount: Int { operators.reduce(0) { $0 + $1.values.count } }
}

/// An advanced event selector.
public struct EventSelector: Sendable, Hashable, Codable {
    public var Name: String
    public var FieldSelectors: [FieldSelector]

    public init(name: String, _ fields: [FieldSelector]) {
        Name = name
        FieldSelectors = fields
    }

    public var valueCount: Int { FieldSelectors.reduce(0) { $0 + $1.valueCount } }

    /// The values `field`'s `Equals` gives.
    public func equals(_ field: String) -> [String]? { FieldSelectors.first { $0.Field == field }?.Equals }
}

/// The CloudTrail API's rules for advanced event selectors on a trail (API Reference, `AdvancedEventSelector`,
/// `AdvancedFieldSelector` and `PutEventSelectors`, read 2026-12-07): the fields each event category takes,
/// the operators each field takes, the lengths, and 500 values across every condition of a trail.
public enum SelectorRules {
    public static let valueLimit = 500
    public static let nameLimit = 1000
    public static let fieldLimit = 1000
    public static let valueLengthLimit = 2048

    /// Fields a trail's selector takes per `eventCategory`, and those required.
    static let fields: [String: (allowed: Set<String>, required: Set<String>)] = [
        "Management": (["eventCategory", "eventSource", "readOnly"], ["eventCategory"]),
        "Data": (["eventCategory", "eventName", "eventSource", "eventType", "resources.type", "readOnly", "resources.ARN",
                  "sessionCredentialFromConsole", "userIdentity.arn"], ["eventCategory", "resources.type"]),
        "NetworkActivity": (["eventCategory", "eventSource", "eventName", "errorCode", "vpcEndpointId", "userIdentity.arn"],
                            ["eventCategory", "eventSource"]),
    ]
    /// Fields that take `Equals` only (`eventSource` of network activity: one source per selector).
    static let equalsOnly: Set<String> = ["eventCategory", "resources.type", "readOnly", "errorCode"]

    /// What in `selectors` the API would refuse, one line each; empty when it takes them.
    public static func violations(_ selectors: [EventSelector]) -> [String] {
        var found: [String] = []
        let total = selectors.reduce(0) { $0 + $1.valueCount }
        if total > valueLimit { found.append("\(total) values across the selectors: the API takes at most \(valueLimit)") }
        for s in selectors { found += violations(s) }
        return found
    }

    static func violations(_ s: EventSelector) -> [String] {
        var found: [String] = []
        let name = s.Name.visible()
        if s.Name.count > nameLimit { found.append("\(name): a name longer than \(nameLimit) characters") }
        if s.FieldSelectors.isEmpty { found.append("\(name): no field selector") }
        guard let category = s.equals("eventCategory"), category.count == 1, let rules = fields[category[0]] else {
            return found + ["\(name): eventCategory must be Equals one of Management, Data, NetworkActivity"]
        }
        let named = s.FieldSelectors.map(\.Field)
        if Set(named).count != named.count { found.append("\(name): a field given twice") }
        for missing in rules.required.subtracting(named).sorted() { found.append("\(name): \(missing) is required for \(category[0])") }
        for f in s.FieldSelectors {
            found += violations(f, category: category[0], allowed: rules.allowed).map { "\(name): \($0)" }
        }
        return found
    }

    static func violations(_ f: FieldSelector, category: String, allowed: Set<String>) -> [String] {
        var found: [String] = []
        if !allowed.contains(f.Field) { found.append("\(f.Field) is not a field of \(category) selectors") }
        if f.Field.isEmpty || f.Field.count > fieldLimit { found.append("a field name of \(f.Field.count) characters") }
        let ops = f.operators
        if ops.isEmpty { found.append("\(f.Field) has no operator") }
        for op in ops {
            if op.values.isEmpty { found.append("\(f.Field) \(op.name) has no value") }
            if op.values.contains(where: { $0.isEmpty || $0.count > valueLengthLimit }) {
                found.append("\(f.Field) \(op.name) has a value of 0 or over \(valueLengthLimit) characters")
            }
        }
        let equalsOnly = equalsOnly.contains(f.Field) || (category == "NetworkActivity" && f.Field == "eventSource")
        if equalsOnly, ops.contains(where: { $0.name != "Equals" }) { found.append("\(f.Field) takes Equals only") }
        if category == "NetworkActivity", f.Field == "eventSource", (f.Equals?.count ?? 0) != 1 {
            found.append("eventSource of network activity takes one source per selector")
        }
        if f.Field == "errorCode", f.Equals != ["VpceAccessDenied"] { found.append("errorCode takes VpceAccessDenied only") }
        if ["eventCategory", "resources.type"].contains(f.Field), (f.Equals?.count ?? 0) != 1 { found.append("\(f.Field) takes one value") }
        return found
    }
}
