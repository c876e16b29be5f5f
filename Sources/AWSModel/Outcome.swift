/// What happened to a logged request, as far as authorization is concerned.
public enum Outcome: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    /// No error: the request was allowed.
    case success
    /// The request failed after it was authorized (`NoSuchKey`, `ConditionalCheckFailedException`, …):
    /// the permission was exercised.
    case failedAfterAuthorization = "failed-after-authorization"
    /// Denied by a VPC endpoint policy (`VpceAccessDenied`, "no VPC endpoint policy allows", …).
    case deniedByEndpointPolicy = "denied-by-endpoint-policy"
    /// Denied by any other policy.
    case denied
    /// The request never reached policy evaluation as the logged principal (`SignatureDoesNotMatch`,
    /// `InvalidAccessKeyId`, `ExpiredToken`, …).
    case unauthenticated
    /// An error code Perimeter's table does not know: not taken as authorized, and listed in the report.
    case unclassifiedError = "unclassified-error"

    /// True when the request got past authorization, so the draft must keep allowing it.
    public var wasAuthorized: Bool { self == .success || self == .failedAfterAuthorization }

    public static func < (lhs: Outcome, rhs: Outcome) -> Bool { lhs.rawValue < rhs.rawValue }
}
