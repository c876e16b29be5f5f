/// Who made a request, normalized to what a policy can name.
///
/// `arn` is what `aws:PrincipalArn` holds for the request: the role ARN for an assumed-role
/// session (not the session ARN), the user ARN for IAM users, `arn:aws:iam::ACCOUNT:root` for the
/// root user, the service name (`ec2.amazonaws.com`) for AWS services, and `anonymous` for
/// unsigned requests.
public struct Principal: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The kind of identity, as CloudTrail's `userIdentity.type` names it.
    public enum Kind: String, Sendable, CaseIterable, Codable {
        case assumedRole = "AssumedRole"
        case iamUser = "IAMUser"
        case root = "Root"
        case awsService = "AWSService"
        case awsAccount = "AWSAccount"
        case anonymous = "Anonymous"
        case federatedUser = "FederatedUser"
        case identityCenterUser = "IdentityCenterUser"
        case role = "Role"
        case unknown = "Unknown"
    }

    /// The identity type.
    public var kind: Kind
    /// What `aws:PrincipalArn` holds (see above).
    public var arn: String
    /// The account the principal belongs to, when known.
    public var account: AccountID?

    /// A principal of `kind` with `arn`.
    public init(kind: Kind, arn: String, account: AccountID?) {
        self.kind = kind
        self.arn = arn
        self.account = account
    }

    /// The `arn` of unsigned requests.
    public static let anonymousARN = "anonymous"

    public var description: String { arn }

    public static func < (lhs: Principal, rhs: Principal) -> Bool { (lhs.arn, lhs.kind.rawValue) < (rhs.arn, rhs.kind.rawValue) }
}
