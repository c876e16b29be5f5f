/// What a log file's delivery name says: CloudTrail and VPC flow logs name each object
/// `ACCOUNT_CloudTrail_REGION_YYYYMMDDTHHMMZ_…` or `ACCOUNT_vpcflowlogs_REGION_FLOWLOGID_YYYYMMDDTHHMMZ_…`:
/// the account, the Region and when the file was delivered. Any other name says nothing.
public struct DeliveryName: Sendable, Hashable {
    /// The account the file was delivered for.
    public var account: AccountID
    /// The Region of its records.
    public var region: String
    /// Seconds since 1970 of the delivery stamp, when the name has one.
    public var deliveredAt: Int64?

    /// The delivery name of `path` (its last component), or nil when it is not one.
    public init?(path: String) {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let parts = name.split(separator: "_").map(String.init)
        guard parts.count >= 4, ["CloudTrail", "vpcflowlogs", "CloudTrail-Digest"].contains(parts[1]),
              AccountID(parts[0]).isNumeric, RegionName.isWellFormed(parts[2]) else { return nil }
        account = AccountID(parts[0])
        region = parts[2]
        let stamp = parts[1] == "vpcflowlogs" ? parts.dropFirst(4).first : parts[3]
        deliveredAt = stamp.flatMap(Self.time)
    }

    /// `20261101T2355Z` as seconds since 1970.
    static func time(_ stamp: String) -> Int64? {
        let c = Array(stamp.utf8)
        guard c.count == 14, c[8] == UInt8(ascii: "T"), c[13] == UInt8(ascii: "Z"),
              c[0..<8].allSatisfy({ (48...57).contains($0) }), c[9..<13].allSatisfy({ (48...57).contains($0) }) else { return nil }
        let s = String(decoding: c, as: UTF8.self)
        func part(_ from: Int, _ count: Int) -> Substring { s.dropFirst(from).prefix(count) }
        return Timestamp.parseISO8601("\(part(0, 4))-\(part(4, 2))-\(part(6, 2))T\(part(9, 2)):\(part(11, 2)):00Z")
    }
}
