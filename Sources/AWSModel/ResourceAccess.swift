/// One (action, resource) pair a request needed, with the account that owns the resource.
public struct ResourceAccess: Hashable, Sendable, Comparable {
    public var action: IAMAction
    /// The resource ARN, or `*` when the action takes no resource or the log does not name it.
    public var resource: String
    /// The account that owns the resource, when the log says (`resources[].accountId`) or the ARN holds it.
    public var resourceAccount: AccountID?

    public init(action: IAMAction, resource: String, resourceAccount: AccountID? = nil) {
        self.action = action
        self.resource = resource
        self.resourceAccount = resourceAccount
    }

    public static func < (lhs: ResourceAccess, rhs: ResourceAccess) -> Bool {
        (lhs.action, lhs.resource) < (rhs.action, rhs.resource)
    }
}
