/// A resource a request reached, as policy text (logged text escaped, see ``PolicyText``), with its
/// ARN parsed once where it has one.
///
/// Equality, hashing and order are those of the text's bytes (``TextBytes``); `arn` is derived from it.
public struct Resource: Hashable, Sendable, Comparable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The resource as it appears in a policy.
    public let text: String
    /// The ARN of `text` (its parts keep the escapes), nil for `*` and for text that is not an ARN.
    public let arn: ARN?

    /// A resource from its policy text (already escaped); its ARN is parsed here, once.
    public init(policyText: String) {
        text = policyText
        arn = ARN(policyText)
    }

    /// The literal resource `arn` names (logged text: its `*`, `?` and `$` escaped). Its ARN is the one
    /// given when the text needs no escape, so a logged key is not parsed back out of the text made from it.
    public init(literal arn: ARN) {
        let description = arn.description
        text = PolicyText.literal(description)
        self.arn = text == description ? arn : ARN(text)
    }

    public init(stringLiteral value: String) { self.init(policyText: value) }

    /// Every resource (`*`): actions that take none.
    public static let any = Resource(policyText: PolicyText.anyResource)
    /// The log names no resource for the request: never granted.
    public static let notLogged = Resource(policyText: PolicyText.notLogged)

    /// For an S3 ARN, the bucket name (as policy text).
    public var s3BucketName: String? { arn?.s3BucketName }
    /// For an S3 object ARN, the key (as policy text).
    public var s3ObjectKey: String? { arn?.s3ObjectKey }

    public var description: String { text }

    // By bytes (``TextBytes``): keys in NFC and in NFD are two S3 objects.
    public static func == (lhs: Resource, rhs: Resource) -> Bool { TextBytes.equal(lhs.text, rhs.text) }
    public func hash(into hasher: inout Hasher) { TextBytes.hash(text, into: &hasher) }
    public static func < (lhs: Resource, rhs: Resource) -> Bool { TextBytes.less(lhs.text, rhs.text) }
}

/// One (action, resource) pair a request needed, with the account that owns the resource.
public struct ResourceAccess: Hashable, Sendable, Comparable {
    /// The IAM action the request needed.
    public var action: IAMAction
    /// The resource, or ``Resource/any`` when the action takes none, ``Resource/notLogged`` when the log does not name it.
    public var resource: Resource
    /// The account that owns the resource, when the log says (`resources[].accountId`) or the ARN holds it.
    public var resourceAccount: AccountID?

    /// An access of `action` to `resource`, owned by `resourceAccount` when known.
    public init(action: IAMAction, resource: Resource, resourceAccount: AccountID? = nil) {
        self.action = action
        self.resource = resource
        self.resourceAccount = resourceAccount
    }

    /// An access to the resource with policy text `resource`.
    public init(action: IAMAction, resource: String, resourceAccount: AccountID? = nil) {
        self.init(action: action, resource: Resource(policyText: resource), resourceAccount: resourceAccount)
    }

    public static func < (lhs: ResourceAccess, rhs: ResourceAccess) -> Bool {
        (lhs.action, lhs.resource) < (rhs.action, rhs.resource)
    }
}
