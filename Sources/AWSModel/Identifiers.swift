/// A twelve-digit AWS account id (or a marker such as `ANONYMOUS_PRINCIPAL` as CloudTrail writes it).
public struct AccountID: Hashable, Sendable, Comparable, RawRepresentable, CustomStringConvertible, Codable {
    /// The id as written.
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    /// An account id from its text (not checked: markers are accounts too).
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// True for a twelve-digit id; false for markers and service names.
    public var isNumeric: Bool { rawValue.count == 12 && rawValue.allSatisfy(\.isASCIIDigit) }
}

/// A VPC endpoint id, `vpce-…`.
public struct VPCEndpointID: Hashable, Sendable, Comparable, RawRepresentable, CustomStringConvertible, Codable {
    /// The id as written.
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    /// An endpoint id from its text (check it with ``isWellFormed(_:)`` before it names a file).
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// `vpce-` and 1 to 32 ASCII letters or digits (AWS writes 8 or 17 hex digits; its documentation
    /// also `vpce-EXAMPLE…`): the only ids that name a file or enter a policy.
    public static func isWellFormed(_ text: String) -> Bool {
        let u = text.utf8
        guard u.count > 5, u.count <= 37, text.hasPrefix("vpce-") else { return false }
        return u.dropFirst(5).allSatisfy { (48...57).contains($0) || (65...90).contains($0) || (97...122).contains($0) }
    }

    /// An id as AWS issues them: `vpce-` and lowercase letters and digits (AWS writes 8 or 17 lowercase hex digits).
    /// What a log names must have it: a documentation placeholder (`vpce-EXAMPLE08c1b6b9b7`) names no endpoint.
    public static func isIssuedForm(_ text: String) -> Bool {
        let u = text.utf8
        guard u.count > 5, u.count <= 37, text.hasPrefix("vpce-") else { return false }
        return u.dropFirst(5).allSatisfy { (48...57).contains($0) || (97...122).contains($0) }
    }
}

/// Region naming (`us-east-1`), as far as a logged or inventory Region may name catalog buckets or stand
/// in a command.
public enum RegionName {
    /// Lowercase ASCII letters, digits and `-`, at most 32 bytes (empty when not logged).
    public static func isWellFormed(_ text: String) -> Bool {
        text.utf8.count <= 32 && text.utf8.allSatisfy { (97...122).contains($0) || (48...57).contains($0) || $0 == 45 }
    }

    /// Shaped as a Region name: well formed, and two or more groups of letters then a number, joined by
    /// `-` (`us-east-1`, `cn-north-1`, `us-gov-west-1`, `us-isob-east-1`): not `amazonaws`, not `com`.
    public static func isRegionShaped(_ text: String) -> Bool {
        let groups = text.split(separator: "-", omittingEmptySubsequences: false)
        guard isWellFormed(text), groups.count >= 3, let number = groups.last, !number.isEmpty, number.allSatisfy(\.isASCIIDigit)
        else { return false }
        return groups.dropLast().allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isLetter) }
    }
}

/// AWS partitions (`aws`, `aws-cn`, `aws-us-gov`, …): the part after `arn:` in every ARN, told by a
/// Region's name or a logged ARN. Drafts, locks and scripts name resources in the partition their
/// requests were made in; a resource named in another partition does not exist there.
public enum Partition {
    /// The commercial partition, and the one assumed when nothing logged says otherwise.
    public static let standard = "aws"

    /// Region-name prefixes of the partitions other than `aws` (the SDKs' partition table).
    static let prefixes: [(prefix: String, partition: String)] = [
        ("cn-", "aws-cn"), ("us-gov-", "aws-us-gov"), ("us-isob-", "aws-iso-b"), ("us-isof-", "aws-iso-f"),
        ("eu-isoe-", "aws-iso-e"), ("us-iso-", "aws-iso"), ("eusc-", "aws-eusc"),
    ]

    /// The partition Region `region` is in; nil for an empty Region.
    public static func of(region: String) -> String? {
        guard !region.isEmpty else { return nil }
        return prefixes.first { region.hasPrefix($0.prefix) }?.partition ?? standard
    }

    /// `aws`, or `aws-` and lowercase ASCII letters and `-`, at most 32 bytes: the only text that
    /// stands as a partition in an ARN Perimeter builds.
    public static func isWellFormed(_ text: String) -> Bool {
        guard text.utf8.count <= 32 else { return false }
        return text == standard || text.hasPrefix("aws-") && text.utf8.allSatisfy { (97...122).contains($0) || $0 == 45 }
    }
}

/// S3 bucket naming, as far as a name may become a file name.
public enum BucketName {
    /// 3 to 255 of ASCII letters, digits, `.`, `-` and `_` (the general rules plus legacy us-east-1
    /// names), beginning and ending with a letter or digit, without `..`.
    public static func isWellFormed(_ name: String) -> Bool {
        let u = Array(name.utf8)
        func alnum(_ b: UInt8) -> Bool { (48...57).contains(b) || (65...90).contains(b) || (97...122).contains(b) }
        guard (3...255).contains(u.count), alnum(u[0]), alnum(u[u.count - 1]), !name.contains("..") else { return false }
        return u.allSatisfy { alnum($0) || $0 == 46 || $0 == 45 || $0 == 95 }
    }
}

extension Character {
    /// True for the ASCII digits 0 to 9 only.
    public var isASCIIDigit: Bool { isASCII && isNumber }
}
