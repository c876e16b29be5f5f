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
/// it; only S3 object ARNs are folded). The store calls it once for each row whose resource is an ARN,
/// in the table's order, so a fold may count what it has seen.
public typealias ResourceFold = @Sendable (FoldKey) -> String
