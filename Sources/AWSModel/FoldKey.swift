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

/// Maps a logged S3 object ARN to the pattern its requests are summed under (returning the resource keeps
/// it). Must be a function of its argument: SQLite may call it more than once for a row.
public typealias ResourceFold = @Sendable (FoldKey) -> String
