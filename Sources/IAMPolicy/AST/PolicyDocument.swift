/// An IAM policy document: identity, resource (bucket), or VPC endpoint policy.
///
/// ## Topics
/// - ``PolicyReader``
/// - ``PolicyWriter``
/// - ``CompiledPolicy``
public struct PolicyDocument: Sendable, Hashable {
    /// `Version` (`2012-10-17`, `2008-10-17`), nil when absent.
    public var version: String?
    /// `Id`, when the document has one.
    public var id: String?
    /// `Statement`, in the order written.
    public var statements: [Statement]

    /// A document of `statements` (2012-10-17 unless told).
    public init(version: String? = "2012-10-17", id: String? = nil, statements: [Statement]) {
        self.version = version
        self.id = id
        self.statements = statements
    }

    /// The endpoint default: allow everything through the endpoint.
    public static let allowAll = PolicyDocument(version: "2008-10-17", statements: [
        Statement(effect: .allow, principal: .any, action: .actions(["*"]), resource: .resources(["*"])),
    ])

    /// True when policy variables are substituted (`Version` 2012-10-17); older documents treat `${…}` literally.
    public var substitutesVariables: Bool { version == "2012-10-17" }
}

/// Allow or Deny.
public enum Effect: String, Sendable, Hashable {
    case allow = "Allow"
    case deny = "Deny"
}

/// One statement of a policy.
public struct Statement: Sendable, Hashable {
    /// `Sid`, when the statement has one.
    public var sid: String?
    /// Allow or Deny.
    public var effect: Effect
    /// `Principal` and `NotPrincipal` (resource and endpoint policies).
    public var principal: PrincipalSpec?
    /// `NotPrincipal`, when the statement has one instead.
    public var notPrincipal: PrincipalSpec?
    /// `Action` or `NotAction`.
    public var action: ActionSpec
    /// `Resource` or `NotResource`; nil when absent.
    public var resource: ResourceSpec?
    /// `Condition`, one entry per operator and key.
    public var conditions: [Condition]

    /// A statement from its elements.
    public init(sid: String? = nil, effect: Effect, principal: PrincipalSpec? = nil, notPrincipal: PrincipalSpec? = nil,
                action: ActionSpec, resource: ResourceSpec?, conditions: [Condition] = []) {
        self.sid = sid
        self.effect = effect
        self.principal = principal
        self.notPrincipal = notPrincipal
        self.action = action
        self.resource = resource
        self.conditions = conditions
    }
}

/// `Principal` or `NotPrincipal`: `"*"` or a map of principal types to values.
public enum PrincipalSpec: Sendable, Hashable {
    case any
    /// Keys are `AWS`, `Service`, `Federated`, `CanonicalUser`; values keep their order. `single` keys were
    /// written as a string rather than an array.
    case map([PrincipalEntry])

    /// One principal type and its values (`"AWS": ["arn:…", …]`).
    public struct PrincipalEntry: Sendable, Hashable {
        /// `AWS`, `Service`, `Federated` or `CanonicalUser`.
        public var type: String
        /// The values in the order written.
        public var values: [String]
        /// True when written as one string rather than an array (kept for round-trips).
        public var single: Bool
        /// An entry; `single` defaults to whether there is exactly one value.
        public init(type: String, values: [String], single: Bool? = nil) {
            self.type = type
            self.values = values
            self.single = single ?? (values.count == 1)
        }
    }

    /// Shorthand for `{"AWS": values}`.
    public static func aws(_ values: [String]) -> PrincipalSpec { .map([PrincipalEntry(type: "AWS", values: values)]) }
}

/// `Action` or `NotAction`.
public enum ActionSpec: Sendable, Hashable {
    case actions([String])
    case notActions([String])

    /// The action patterns, allowed or excluded.
    public var patterns: [String] {
        switch self { case .actions(let a), .notActions(let a): a }
    }
    /// True for `NotAction`.
    public var isNegated: Bool { if case .notActions = self { true } else { false } }
}

/// `Resource` or `NotResource`.
public enum ResourceSpec: Sendable, Hashable {
    case resources([String])
    case notResources([String])

    /// The resource patterns, allowed or excluded.
    public var patterns: [String] {
        switch self { case .resources(let r), .notResources(let r): r }
    }
    /// True for `NotResource`.
    public var isNegated: Bool { if case .notResources = self { true } else { false } }
}

/// One condition: an operator applied to one key with one or more values (OR between values).
public struct Condition: Sendable, Hashable {
    /// The operator as written, e.g. `ForAnyValue:StringLikeIfExists`.
    public var op: String
    /// The condition key as written (`aws:SourceVpce`); keys compare case-insensitively.
    public var key: String
    /// The values, any of which may match.
    public var values: [ConditionValue]
    /// True when the values were written as a single JSON value rather than an array.
    public var single: Bool

    /// A condition; `single` defaults to whether there is exactly one value.
    public init(op: String, key: String, values: [ConditionValue], single: Bool? = nil) {
        self.op = op
        self.key = key
        self.values = values
        self.single = single ?? (values.count == 1)
    }

    /// Shorthand for string values.
    public init(_ op: String, _ key: String, _ values: [String]) {
        self.init(op: op, key: key, values: values.map(ConditionValue.string))
    }
}

/// A condition value, keeping its JSON type for round trips.
public enum ConditionValue: Sendable, Hashable {
    case string(String)
    case number(String)
    case bool(Bool)

    /// The value as the condition operators compare it.
    public var text: String {
        switch self {
        case .string(let s), .number(let s): s
        case .bool(let b): b ? "true" : "false"
        }
    }
}
