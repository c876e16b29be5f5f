/// An Amazon Linux release, as a user agent's OS token names it (`Linux/6.1.…amzn2023.x86_64`).
public enum AmazonLinuxRelease: String, Sendable, Hashable, CaseIterable {
    case al1 = "AL1"
    case al2 = "Linux 2 "
    case al2023 = "2023"

    /// The release a user agent names, if any: `amzn2023`, `amzn2.` / `amzn2 `, `amzn1`.
    public init?(userAgent: String) {
        let agent = userAgent.lowercased()
        if agent.contains("amzn2023") { self = .al2023 } else if agent.contains("amzn2.") || agent.contains("amzn2 ") { self = .al2 }
        else if agent.contains("amzn1") { self = .al1 } else { return nil }
    }
}

/// A principal seen making requests from one source address (with its user agent family): what joins
/// flow records to CloudTrail.
///
/// INVARIANT: `userAgent` is a family (versions dropped) that keeps the OS release token whole, so
/// that ``amazonLinux`` can be read from it; the store writes it so.
public struct ObservedSource: Sendable, Hashable, Comparable {
    /// A source with every field given.
    public init(endpoint: VPCEndpointID?, principalARN: String, sessionName: String, sourceIP: String, userAgent: String,
                count: Int64, firstSeen: Int64, lastSeen: Int64) {
        self.endpoint = endpoint
        self.principalARN = principalARN
        self.sessionName = sessionName
        self.sourceIP = sourceIP
        self.userAgent = userAgent
        self.count = count
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
    }

    /// The endpoint the requests went through; nil when none.
    public var endpoint: VPCEndpointID?
    /// The principal (role ARN for role sessions).
    public var principalARN: String
    /// The role session name (the instance id for EC2 instance roles), empty when none.
    public var sessionName: String
    /// `sourceIPAddress` as logged.
    public var sourceIP: String
    /// The user agent family (see the invariant above).
    public var userAgent: String
    /// The Amazon Linux release the user agent names: evidence that the host reads AWS-owned yum repositories.
    public var amazonLinux: AmazonLinuxRelease? { AmazonLinuxRelease(userAgent: userAgent) }
    /// Requests from this source.
    public var count: Int64
    /// Seconds since 1970 of the first request.
    public var firstSeen: Int64
    /// Seconds since 1970 of the last request.
    public var lastSeen: Int64

    /// The texts ``<`` compares, in its order, for `sorted(byTexts:)`.
    public static let orderTexts: [@Sendable (ObservedSource) -> String] = [
        \.sourceIP, \.principalARN, \.sessionName, \.userAgent, { $0.endpoint?.rawValue ?? "" },
    ]

    /// By source address, principal, session, user agent and endpoint, field by field by their bytes (a
    /// tuple of the fields would copy them for every comparison).
    public static func < (lhs: ObservedSource, rhs: ObservedSource) -> Bool {
        for field in orderTexts {
            let (a, b) = (field(lhs), field(rhs))
            if !TextBytes.equal(a, b) { return TextBytes.less(a, b) }
        }
        return false
    }
}

