public import AWSModel
import Foundation
import IAMPolicy

/// The AWS-owned S3 buckets workloads may need (`Resources/aws-owned-buckets.tsv`): data, not code.
public struct AWSOwnedCatalog: Sendable {
    /// One AWS-owned bucket family and what needs it.
    public struct Entry: Sendable, Hashable {
        /// The AWS service that owns the buckets (`SSM`, `ECR`, `Amazon Linux`).
        public var service: String
        /// What the buckets hold or serve.
        public var feature: String
        /// Bucket name pattern with `{region}` / `{regionnodash}` placeholders and `*` for ids.
        public var bucket: String
        /// The actions a workload needs on them.
        public var actions: [IAMAction]
        /// `read` or `write`, as the catalog says.
        public var access: String
        /// The evidence that calls for the entry (a user agent token, an event, a flow).
        public var trigger: String
        /// The AWS documentation page that names the buckets.
        public var source: String
        /// The partitions the source documents the buckets in (`aws`): in any other, whether AWS owns a
        /// bucket of that name is unknown.
        public var partitions: [String]

        /// The bucket name for `region`, as a wildcard pattern.
        public func bucketName(region: String) -> String {
            bucket.replacingOccurrences(of: "{region}", with: region)
                .replacingOccurrences(of: "{regionnodash}", with: region.replacingOccurrences(of: "-", with: ""))
        }
    }

    /// Every entry, in the table's order.
    public let entries: [Entry]

    /// The catalog shipped with Perimeter.
    public static let shared: AWSOwnedCatalog = {
        guard let url = Bundle.module.url(forResource: "aws-owned-buckets", withExtension: "tsv"),
              let text = try? String(contentsOf: url, encoding: .utf8) else {
            preconditionFailure("aws-owned-buckets.tsv is missing from the PolicySynthesis bundle")
        }
        return AWSOwnedCatalog(tsv: text)
    }()

    /// A catalog from the TSV table.
    public init(tsv: String) {
        entries = tsv.split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#"), !line.hasPrefix("service\t") else { return nil }
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 8 else { return nil }
            return Entry(service: f[0], feature: f[1], bucket: f[2], actions: f[3].split(separator: ",")
                .compactMap { IAMAction(String($0)) },
                         access: f[4], trigger: f[5], source: f[6], partitions: f[7].split(separator: ",").map(String.init))
        }
    }

    /// The entries documented in the partition of `region` (`aws` when the Region is not known).
    public func entries(region: String) -> [Entry] {
        let partition = Partition.of(region: region) ?? Partition.standard
        return entries.filter { $0.partitions.contains(partition) }
    }

    /// The partitions some entry is documented in.
    public var partitions: Set<String> { Set(entries.flatMap(\.partitions)) }

    /// The entry whose bucket pattern names `bucket` in `region`, if any: only entries documented in the
    /// Region's partition (a name AWS owns in one partition may be anyone's in another).
    public func entry(bucket: String, region: String) -> Entry? {
        entries(region: region).first { WildcardPattern($0.bucketName(region: region)).matches(bucket) }
    }

    /// Entries a kind of evidence calls for in `region`'s partition.
    public func entries(trigger: String, region: String) -> [Entry] { entries(region: region).filter { $0.trigger == trigger } }
}
