/// An Amazon Resource Name split into its six colon-separated parts.
///
/// `arn:partition:service:region:account:resource`; the resource part keeps any further colons
/// and slashes as written. Parsing never fails on well-formed prefixes; `init?(_:)` returns nil
/// only when fewer than six parts are present.
public struct ARN: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// `aws`, `aws-cn`, `aws-us-gov`.
    public var partition: String
    /// The service (`s3`, `dynamodb`).
    public var service: String
    /// The Region, empty for global resources (S3 buckets).
    public var region: String
    /// The account id, empty where the ARN has none (S3 buckets).
    public var account: String
    /// The resource part, with any further colons and slashes.
    public var resource: String

    /// An ARN from its parts.
    public init(partition: String, service: String, region: String = "", account: String = "", resource: String) {
        self.partition = partition
        self.service = service
        self.region = region
        self.account = account
        self.resource = resource
    }

    /// Parses `text`, or returns nil when it is not an ARN.
    public init?(_ text: String) {
        // Find the first five colons in the UTF-8 bytes (`:` is ASCII; splitting by Character would
        // segment graphemes), without an array of parts: this runs once per logged resource.
        guard text.utf8.starts(with: "arn:".utf8) else { return nil }
        let utf8 = text.utf8
        var c = (utf8.startIndex, utf8.startIndex, utf8.startIndex, utf8.startIndex, utf8.startIndex)
        var found = 0
        var i = utf8.startIndex
        while i < utf8.endIndex, found < 5 {
            if utf8[i] == 58 {
                switch found {
                case 0: c.0 = i
                case 1: c.1 = i
                case 2: c.2 = i
                case 3: c.3 = i
                default: c.4 = i
                }
                found += 1
            }
            i = utf8.index(after: i)
        }
        guard found == 5 else { return nil }
        func part(_ from: String.Index, _ to: String.Index) -> String { String(Substring(utf8[utf8.index(after: from)..<to])) }
        self.init(partition: part(c.0, c.1), service: part(c.1, c.2), region: part(c.2, c.3), account: part(c.3, c.4),
                  resource: String(Substring(utf8[utf8.index(after: c.4)...])))
    }

    public var description: String { "arn:\(partition):\(service):\(region):\(account):\(resource)" }

    public static func < (lhs: ARN, rhs: ARN) -> Bool { lhs.description < rhs.description }

    /// The ARN of S3 bucket `bucket` in `partition`.
    public static func s3Bucket(_ bucket: String, partition: String) -> ARN { ARN(partition: partition, service: "s3", resource: bucket) }

    /// The ARN of an S3 object in `partition`.
    public static func s3Object(bucket: String, key: String, partition: String) -> ARN {
        ARN(partition: partition, service: "s3", resource: "\(bucket)/\(key)")
    }

    /// For an S3 ARN, the ARN of its bucket (in its partition); nil for other services.
    public var s3BucketARN: ARN? { s3BucketName.map { ARN.s3Bucket($0, partition: partition) } }

    /// For an S3 bucket or object ARN (`arn:PARTITION:s3:::BUCKET[/KEY]`: no Region, no account), the bucket name;
    /// nil for other services and S3's other resources (an access point's ARN names no bucket: ``S3AccessPoint``).
    public var s3BucketName: String? {
        guard service == "s3", region.isEmpty, account.isEmpty, !resource.isEmpty else { return nil }
        return resource.split(separator: "/", maxSplits: 1).first.map(String.init)
    }

    /// For an S3 object ARN (`arn:PARTITION:s3:::BUCKET/KEY`), the key; nil for buckets, other services and S3's
    /// other resources.
    public var s3ObjectKey: String? {
        guard service == "s3", region.isEmpty, account.isEmpty, let slash = resource.firstIndex(of: "/") else { return nil }
        return String(resource[resource.index(after: slash)...])
    }
}
