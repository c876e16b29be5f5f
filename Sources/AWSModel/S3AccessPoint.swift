/// An S3 access point, named by its ARN as the S3 User Guide writes them ("Referencing access points"):
/// `arn:PARTITION:s3:REGION:ACCOUNT:accesspoint/NAME`, or with no Region for a Multi-Region Access Point
/// (`accesspoint/ALIAS.mrap`). Objects reached through it are `…:accesspoint/NAME/object/KEY`. It names its
/// Region and the account that owns it, never the bucket behind it: a request may give one where a bucket name
/// goes (`bucketName`), and it is a resource of its own, not a bucket called `arn:aws:s3:…`.
public struct S3AccessPoint: Hashable, Sendable {
    /// The access point's own ARN (`…:accesspoint/NAME`).
    public let arn: ARN

    /// The access point `text` names (its own ARN, or an object's through it), in `partition`; nil for any other text.
    public init?(_ text: String, partition: String) {
        guard let arn = ARN(text), arn.partition == partition else { return nil }
        self.init(arn: arn)
    }

    /// The access point `arn` names (its own ARN, or an object's through it); nil for any other ARN.
    public init?(arn: ARN) {
        guard let name = Self.name(arn) else { return nil }
        self.arn = ARN(partition: arn.partition, service: "s3", region: arn.region, account: arn.account, resource: "accesspoint/" + name)
    }

    /// The account that owns the access point (not necessarily the bucket's owner).
    public var owner: AccountID { AccountID(arn.account) }

    /// The ARN of the object `key` reached through the access point.
    public func object(_ key: String) -> ARN {
        ARN(partition: arn.partition, service: "s3", region: arn.region, account: arn.account, resource: arn.resource + "/object/" + key)
    }

    /// The access point's name in an S3 ARN of the access point or of an object through it: the ARN's Region well
    /// formed (or empty), its account twelve digits, its name lowercase ASCII letters, digits, `-` and `.`.
    static func name(_ arn: ARN) -> Substring? {
        guard arn.service == "s3", Partition.isWellFormed(arn.partition), RegionName.isWellFormed(arn.region),
              AccountID(arn.account).isNumeric, arn.resource.hasPrefix("accesspoint/") else { return nil }
        let rest = arn.resource.dropFirst("accesspoint/".count)
        let name = rest.prefix { $0 != "/" }
        guard (1...63).contains(name.utf8.count), rest.count == name.count || rest.dropFirst(name.count).hasPrefix("/object/"),
              name.utf8.allSatisfy({ (97...122).contains($0) || (48...57).contains($0) || $0 == 45 || $0 == 46 }) else { return nil }
        return name
    }
}

extension ARN {
    /// For an S3 access point's ARN or an object's through it, the access point; nil for anything else.
    public var s3AccessPoint: S3AccessPoint? { S3AccessPoint(arn: self) }
}
