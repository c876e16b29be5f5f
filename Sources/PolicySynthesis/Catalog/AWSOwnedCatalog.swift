public import AWSModel
import Foundation
import IAMPolicy

/// The AWS-owned S3 buckets workloads may need (`Resources/aws-owned-buckets.tsv`): data, not code.
public struct AWSOwnedCatalog: Sendable {
    public struct Entry: Sendable, Hashable {
        public var service: String
        public var feature: String
        /// Bucket name pattern with `{region}` / `{regionnodash}` placeholders and `*` for ids.
        public var bucket: String
        public var actions: [IAMAction]
        public var access: String
        public var trigger: String
        public var source: String

        /// The bucket name for `region`, as a wildcard pattern.
        public func bucketName(region: String) -> String {
            bucket.replacingOccurrences(of: "{region}", with: region)
                .replacingOccurrences(of: "{regionnodash}", with: region.replacingOccurrences(of: "-", with: ""))
        }
    }

    public let entries: [Entry]

    public static let shared: AWSOwnedCatalog = {
        guard let url = Bundle.module.url(forResource: "aws-owned-buckets", withExtension: "tsv"),
              let text = try? String(contentsOf: url, encoding: .utf8) else {
            preconditionFailure("aws-owned-buckets.tsv is missing from the PolicySynthesis bundle")
        }
        return AWSOwnedCatalog(tsv: text)
    }()

    public init(tsv: String) {
        entries = tsv.split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#"), !line.hasPrefix("service\t") else { return nil }
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 7 else { return nil }
            return Entry(service: f[0], feature: f[1], bucket: f[2], actions: f[3].split(separator: ",").compactMap { IAMAction(String($0)) },
                         access: f[4], trigger: f[5], source: f[6])
        }
    }

    /// The entry whose bucket pattern names `bucket` in `region`, if any.
    public func entry(bucket: String, region: String) -> Entry? {
        entries.first { WildcardPattern($0.bucketName(region: region)).matches(bucket) }
    }

    /// Entries a kind of evidence calls for.
    public func entries(trigger: String) -> [Entry] { entries.filter { $0.trigger == trigger } }
}
