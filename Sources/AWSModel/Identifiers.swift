/// A twelve-digit AWS account id (or a marker such as `ANONYMOUS_PRINCIPAL` as CloudTrail writes it).
public struct AccountID: Hashable, Sendable, Comparable, RawRepresentable, CustomStringConvertible, Codable {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// True for a twelve-digit id; false for markers and service names.
    public var isNumeric: Bool { rawValue.count == 12 && rawValue.allSatisfy(\.isASCIIDigit) }
}

/// A VPC endpoint id, `vpce-…`.
public struct VPCEndpointID: Hashable, Sendable, Comparable, RawRepresentable, CustomStringConvertible, Codable {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

extension Character {
    /// True for the ASCII digits 0 to 9 only.
    public var isASCIIDigit: Bool { isASCII && isNumber }
}
