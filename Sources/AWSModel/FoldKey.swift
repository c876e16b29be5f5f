/// A logged request group as a ``ResourceFold`` sees it: the store's columns, before summing.
public struct FoldKey: Sendable, Hashable {
    /// The endpoint id, empty when the requests used none.
    public var endpoint: String
    /// ``Principal/Kind`` as stored.
    public var principalKind: String
    /// The principal's ARN.
    public var principalARN: String
    /// The principal's account, empty when unknown.
    public var principalAccount: String
    /// The IAM action, `service:Name`.
    public var action: String
    /// The logged resource as policy text (an S3 object ARN: only those are folded).
    public var resource: String
    /// Whether the requests got past authorization.
    public var authorized: Bool
    /// The store's number for everything but the resource, within one read (rows with the same number
    /// differ only in their resource; a fold may remember what it derived from the rest); -1 for none.
    public var identity = -1

    /// Every field by its bytes (logged text: canonically equivalent texts are two keys).
    public static func == (a: FoldKey, b: FoldKey) -> Bool {
        TextBytes.equal(a.resource, b.resource) && TextBytes.equal(a.principalARN, b.principalARN) && TextBytes.equal(a.action, b.action)
            && TextBytes.equal(a.endpoint, b.endpoint) && TextBytes.equal(a.principalKind, b.principalKind)
            && TextBytes.equal(a.principalAccount, b.principalAccount) && a.authorized == b.authorized && a.identity == b.identity
    }

    public func hash(into hasher: inout Hasher) {
        TextBytes.hash(resource, into: &hasher)
        TextBytes.hash(principalARN, into: &hasher)
        hasher.combine(identity)
    }

    /// A key from the store's columns.
    public init(endpoint: String, principalKind: String, principalARN: String, principalAccount: String, action: String,
                resource: String, authorized: Bool) {
        self.endpoint = endpoint
        self.principalKind = principalKind
        self.principalARN = principalARN
        self.principalAccount = principalAccount
        self.action = action
        self.resource = resource
        self.authorized = authorized
    }
}

extension FoldKey {
    /// The key of a group, with `resource` in place of its own when given.
    public init(_ access: ObservedAccess, resource: String? = nil) {
        self.init(endpoint: access.endpoint?.rawValue ?? "", principalKind: access.principal.kind.rawValue, principalARN: access.principal.arn,
                  principalAccount: access.principal.account?.rawValue ?? "", action: access.access.action.description,
                  resource: resource ?? access.access.resource.text, authorized: access.outcome.wasAuthorized)
    }
}

/// Maps a logged resource to the pattern its requests are summed under (returning the resource keeps
/// it; only S3 object ARNs are folded). The store asks it about the rows whose resource is an ARN, in
/// the table's order, so a fold may count what it has seen.
public struct ResourceFold: Sendable {
    /// What a row's resource bytes tell of its pattern before the fold is asked.
    public enum Scope: Sendable, Equatable {
        /// Ask ``pattern`` for this row.
        case row
        /// The pattern is the resource itself, whatever the fold has seen; asking would change nothing.
        case resource
        /// The first `n` bytes decide: of the rows of one ``FoldKey/identity`` whose resources share
        /// them, the first one asked settles them all — ``pattern`` returns the same text for each, or for
        /// each its own resource, and asking again changes nothing.
        case prefix(Int)
    }

    /// The pattern for a row's key.
    public let pattern: @Sendable (FoldKey) -> String
    /// What a resource's bytes (an ARN's) tell of its pattern. The store asks ``pattern`` once per
    /// prefix scope and never for a resource that is its own, not once per row (1M records: 458k rows,
    /// a few thousand scopes).
    public let scope: @Sendable (UnsafeRawBufferPointer) -> Scope

    /// A fold by `pattern`, asked for every row unless `scope` says which rows it settles alike.
    public init(scope: @escaping @Sendable (UnsafeRawBufferPointer) -> Scope = { _ in .row }, _ pattern: @escaping @Sendable (FoldKey) -> String) {
        self.scope = scope
        self.pattern = pattern
    }
}
