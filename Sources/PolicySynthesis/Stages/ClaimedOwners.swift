import AWSModel

/// Buckets a draft takes as a trusted account's on the records' word alone: the inventory does not list them, and
/// their owner is only what `resources[].accountId` claims (whoever writes the trail chooses it). They are drafted
/// like the trusted accounts' buckets, never silently: the run's assumptions name them and how to prove them.
enum ClaimedOwners {
    /// The warning naming such buckets (the first five, by ARN), nil when there is none.
    static func assumption(_ observed: [ObservedAccess], owners: BucketOwners, trusted: Set<AccountID>) -> Diagnostic? {
        var claimed: [String: AccountID] = [:]
        for access in observed where access.outcome.wasAuthorized {
            guard let arn = access.access.resource.arn, let bucket = arn.s3BucketARN, owners.owner(of: arn) == nil,
                  let owner = access.access.resourceAccount, trusted.contains(owner) else { continue }
            claimed[bucket.description] = owner
        }
        guard !claimed.isEmpty else { return nil }
        let named = claimed.sorted { TextBytes.less($0.key, $1.key) }.prefix(5)
        var message: Message = "\(claimed.count) bucket(s) not in the inventory taken as the trusted accounts' on what records claim "
            + "(resources[].accountId, chosen by whoever writes the trail): "
        for (i, (bucket, owner)) in named.enumerated() {
            message = message + (i == 0 ? "" : ", ") + "\(value: bucket) (\(owner.rawValue))"
        }
        return Diagnostic(.bucketOwnerClaimed, .warning, message + (claimed.count > named.count ? ", …" : "")
            + "; add their accounts' `s3api list-buckets` output to the inventory to prove it, or review their statements")
    }
}
