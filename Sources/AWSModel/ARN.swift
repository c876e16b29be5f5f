/// An Amazon Resource Name split into its six colon-separated parts.
///
/// `arn:partition:service:region:account:resource`; the resource part keeps any further colons
/// and slashes as written. Parsing never fails on well-formed prefixes; `init?(_:)` returns nil
/// only when fewer than six parts are present.
public struct ARN: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var partition: String
    public var service: String
    public var region: String
    public var account: String
    public var resource: String

    public init(partition: String = "aws", service: String, region: String = "", account: String = "", resource: String) {
        self.partition = partition
        self.service = service
        self.region = region
        self.account = account
        self.resource = resource
    }

    /// Parses `text`, or returns nil when it is not an ARN.
    public init?(_ text: String) {
        // Split the UTF-8 bytes: `:` is ASCII, and splitting by Character would segment graphemes.
        let parts = text.utf8.split(separator: 58, maxSplits: 5, omittingEmptySubsequences: false).map { String(Substring($0)) }
        guard parts.count == 6, parts[0] == "arn" else { return nil }
        self.init(partition: parts[1], service: parts[2], region: parts[3], account: parts[4], resource: parts[5])
    }

    public var description: String { "arn:\(partition):\(service):\(region):\(account):\(resource)" }

    public static func < (lhs: ARN, rhs: ARN) -> Bool { lhs.description < rhs.description }

    /// The ARN of an S3 bucket.
    public static func s3Bucket(_ bucket: String) -> ARN { ARN(service: "s3", resource: bucket) }

    /// The ARN of an S3 object.
    public static func s3Object(bucket: String, key: String) -> ARN { ARN(service: "s3", resource: "\(bucket)/\(key)") }

    /// For an S3 ARN, the bucket name; nil for other services.
    public var s3BucketName: String? {
        guard service == "s3", !resource.isEmpty else { return nil }
        return resource.split(separator: "/", maxSplits: 1).first.map(String.init)
    }

    /// For an S3 object ARN, the key; nil for buckets and other services.
    public var s3ObjectKey: String? {
        guard service == "s3", let slash = resource.firstIndex(of: "/") else { return nil }
        return String(resource[resource.index(after: slash)...])
    }
}
