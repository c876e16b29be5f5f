public import AWSModel

/// One request as the evaluator sees it: who, what, on which resource, and the condition keys.
///
/// Condition key names compare case-insensitively (as IAM does); values keep their case. A key in
/// ``unknownKeys`` is one whose value the caller cannot know, and any condition (or policy variable)
/// on it makes the statement unevaluable. A key neither set nor unknown is what ``unsetKeys`` says:
/// absent from the request when the caller described all of it (`evaluate`), or unknown when the
/// caller sets only what it knows (the replay, the grant check) unless its table says why it is absent.
public struct RequestContext: Sendable, Hashable {
    /// The action requested (`s3:GetObject`); compared case-insensitively.
    public var action: String
    /// The resource ARN requested, or `*`.
    public var resource: String
    /// For resource-based policies (bucket, endpoint): who is asking. nil means any principal-less request.
    public var principal: RequestPrincipal?
    /// The condition keys, names lowercased.
    public private(set) var keys: [String: [String]] = [:]
    /// Keys whose value the caller cannot know (lowercased; `prefix/*` covers a family).
    public var unknownKeys: Set<String> = []
    /// What a key neither in ``keys`` nor in ``unknownKeys`` means.
    public var unsetKeys: UnsetKeys = .absent

    /// A request; the principal's own keys (`aws:PrincipalArn`, `aws:PrincipalAccount`, …) are derived unless `keys` gives them.
    public init(action: String, resource: String, principal: RequestPrincipal? = nil, keys: [String: [String]] = [:]) {
        self.action = action
        self.resource = resource
        self.principal = principal
        for (k, v) in keys { self.keys[k.lowercased()] = v }
        if let principal {
            if self.keys["aws:principalarn"] == nil, principal.kind != .anonymous, principal.kind != .service {
                self.keys["aws:principalarn"] = [principal.arn]
            }
            if self.keys["aws:principalaccount"] == nil, let account = principal.account { self.keys["aws:principalaccount"] = [account] }
            if self.keys["aws:principalisawsservice"] == nil {
                self.keys["aws:principalisawsservice"] = [principal.kind == .service ? "true" : "false"]
            }
            if self.keys["aws:principaltype"] == nil, principal.kind != .service {
                let type = switch principal.kind {
                case .user: "User"
                case .role: "AssumedRole"
                case .root: "Account"
                case .federated: "FederatedUser"
                case .anonymous: "Anonymous"
                case .service: ""
                }
                self.keys["aws:principaltype"] = [type]
            }
        }
    }

    /// Sets (or with nil removes) a condition key.
    public mutating func set(_ key: String, _ values: [String]?) {
        keys[key.lowercased()] = values
    }

    /// The values of `key`, or nil when absent.
    public func values(_ key: String) -> [String]? { keys[key.lowercased()] }

    func values(lowercasedKey: String) -> [String]? { keys[lowercasedKey] }

    /// True when the value of `key` is not known for this request: the caller said so (exactly, or by a
    /// `prefix/*` entry), or the caller sets only what it knows and neither set it nor says it is absent.
    public func isUnknown(_ key: String) -> Bool { unknownReason(key) != nil }

    /// Why the value of `key` (named as written; `lowercased` when the caller has it) is not known for this
    /// request; nil when it is set or known absent.
    func unknownReason(_ key: String, lowercased: String? = nil) -> Message? {
        let k = lowercased ?? key.lowercased()
        if !unknownKeys.isEmpty,
           unknownKeys.contains(k) || unknownKeys.contains(where: { $0.hasSuffix("*") && k.hasPrefix($0.dropLast()) }) {
            return "the value of \(value: key) is not known for this request"
        }
        guard case .unknown(let table) = unsetKeys, keys[k] == nil, table.reason(k) == nil else { return nil }
        return "the value of \(value: key) is not known for this request (not set from the request)"
    }
}

/// What a condition key the request context does not set means.
public enum UnsetKeys: Sendable, Hashable {
    /// Absent from the request: the caller described all of it.
    case absent
    /// Unknown: the caller sets only what it knows; the keys of the table are absent, for the reason it gives.
    case unknown(absent: AbsentKeys)
}

/// Condition keys known to be absent from a request when the caller does not set them, each with the
/// reason (data, so that every key a check treats as absent is one it can justify).
public struct AbsentKeys: Sendable, Hashable {
    /// Reasons by lowercased key.
    public private(set) var reasons: [String: String] = [:]

    /// A table of `(key, reason)` rows; keys compare case-insensitively.
    public init(_ rows: [(key: String, reason: String)]) {
        for row in rows { reasons[row.key.lowercased()] = row.reason }
    }

    /// The reason `key` (lowercased) is absent when unset, or nil when the table does not say; a `prefix*`
    /// row covers a family of keys.
    public func reason(_ key: String) -> String? {
        reasons[key] ?? reasons.first { $0.key.hasSuffix("*") && key.hasPrefix($0.key.dropLast()) }?.value
    }

    /// This table with more rows (a row for a key already there replaces it).
    public func adding(_ rows: [(key: String, reason: String)]) -> AbsentKeys {
        var copy = self
        for row in rows { copy.reasons[row.key.lowercased()] = row.reason }
        return copy
    }
}

/// The principal of a request, for matching `Principal` / `NotPrincipal`.
public struct RequestPrincipal: Sendable, Hashable {
    /// What kind of principal it is.
    public enum Kind: String, Sendable, Hashable { case user, role, root, federated, service, anonymous }
    /// What kind of principal it is.
    public var kind: Kind
    /// The IAM user, role (not session), root or federated-user ARN; the service name for services.
    public var arn: String
    /// The principal's account, derived from the ARN when not given.
    public var account: String?
    /// For role sessions: `arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION`.
    public var sessionARN: String?

    /// A principal of `kind`; `account` is read from `arn` when not given.
    public init(kind: Kind, arn: String, account: String? = nil, sessionARN: String? = nil) {
        self.kind = kind
        self.arn = arn
        self.account = account ?? Self.account(of: arn)
        self.sessionARN = sessionARN
    }

    static func account(of arn: String) -> String? {
        let parts = arn.split(separator: ":", omittingEmptySubsequences: false)
        return parts.count >= 5 && !parts[4].isEmpty ? String(parts[4]) : nil
    }

    /// The principal a logged request was made as: the one conversion from Perimeter's ``Principal``,
    /// its kind kept (assumed roles and roles are roles, IAM and Identity Center users are users).
    public init(_ p: Principal) {
        switch p.kind {
        case .assumedRole, .role: self.init(kind: .role, arn: p.arn, account: p.account?.rawValue)
        case .iamUser, .identityCenterUser, .unknown: self.init(kind: .user, arn: p.arn, account: p.account?.rawValue)
        case .root, .awsAccount: self.init(kind: .root, arn: p.arn, account: p.account?.rawValue)
        case .awsService: self.init(kind: .service, arn: p.arn)
        case .anonymous: self.init(kind: .anonymous, arn: Principal.anonymousARN)
        case .federatedUser: self.init(kind: .federated, arn: p.arn, account: p.account?.rawValue)
        }
    }

    /// The principal from an ARN as a user would type it: user, role, assumed-role session, root,
    /// federated user, a service name, or `anonymous`.
    public static func from(_ text: String) -> RequestPrincipal {
        if text == "anonymous" || text == "*" { return RequestPrincipal(kind: .anonymous, arn: "anonymous") }
        if text.hasSuffix(".amazonaws.com") && !text.hasPrefix("arn:") { return RequestPrincipal(kind: .service, arn: text) }
        let parts = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        if parts.count == 1, text.count == 12, text.allSatisfy(\.isNumber) {
            return RequestPrincipal(kind: .root, arn: "arn:aws:iam::\(text):root", account: text)
        }
        guard parts.count == 6 else { return RequestPrincipal(kind: .user, arn: text) }
        let resource = parts[5]
        if resource == "root" { return RequestPrincipal(kind: .root, arn: text) }
        if resource.hasPrefix("user/") { return RequestPrincipal(kind: .user, arn: text) }
        if resource.hasPrefix("role/") { return RequestPrincipal(kind: .role, arn: text) }
        if resource.hasPrefix("federated-user/") { return RequestPrincipal(kind: .federated, arn: text) }
        if resource.hasPrefix("assumed-role/") {
            let pieces = resource.split(separator: "/")
            let role = pieces.count >= 2 ? "arn:\(parts[1]):iam::\(parts[4]):role/\(pieces[1])" : text
            return RequestPrincipal(kind: .role, arn: role, account: String(parts[4]), sessionARN: text)
        }
        return RequestPrincipal(kind: .user, arn: text)
    }
}
