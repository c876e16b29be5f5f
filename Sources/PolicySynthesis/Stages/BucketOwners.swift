import AWSModel
import Inventory

/// The owners the user states for buckets (the inventory's `list-buckets`), by partition and name: a bucket name is
/// unique within its partition only, so a request in `aws-cn` to a name an `aws` account lists is not that account's
/// bucket. A bucket is in the partition of its Region where the inventory gives one (`BucketRegion`), else in the
/// partition of the endpoints beside it when they are all in one, else in `aws`, as wherever nothing says otherwise.
struct BucketOwners: Sendable {
    /// Owners by partition, then by bucket name.
    private var owners: [String: [String: AccountID]] = [:]

    /// No bucket stated.
    init() {}

    /// The owners `buckets` names, each bucket in the partition of its Region in `regions`, else of `endpoints`.
    init(_ buckets: [String: AccountID], regions: [String: String] = [:], endpoints: some Sequence<Inventory.Endpoint>) {
        let partitions = Set(endpoints.compactMap { $0.region.flatMap(Partition.of(region:)) })
        let fallback = partitions.count == 1 ? partitions.first! : Partition.standard
        for (name, owner) in buckets {
            owners[regions[name].flatMap(Partition.of(region:)) ?? fallback, default: [:]][name] = owner
        }
    }

    /// The inventory's buckets and owners.
    init(_ inventory: Inventory) {
        self.init(inventory.buckets, regions: inventory.bucketRegions, endpoints: inventory.endpoints.values)
    }

    /// The owner stated for bucket `name` of `partition` (empty when the inventory lists the bucket without one).
    subscript(name: String, partition: String) -> AccountID? { owners[partition]?[name] }

    /// The owner stated for the bucket of S3 ARN `arn` in its partition; nil for other ARNs and buckets not stated.
    func owner(of arn: ARN) -> AccountID? { arn.s3BucketName.flatMap { self[$0, arn.partition] } }

    /// Only the owners that are account ids (a canonical or unknown owner is no account a condition names).
    func numeric() -> BucketOwners {
        var kept = self
        kept.owners = owners.mapValues { $0.filter { $0.value.isNumeric } }
        return kept
    }
}
