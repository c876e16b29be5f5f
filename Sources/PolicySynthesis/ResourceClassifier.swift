import AWSModel
import Foundation
import IAMPolicy

/// Who owns a resource a request reached, as far as the policy is concerned.
enum Ownership: Hashable, Sendable {
    /// An account-level action (`Resource: "*"`): it stays in the principal's account.
    case accountLevel
    case trusted(AccountID)
    case awsOwned(AWSOwnedCatalog.Entry)
    /// Outside the trusted accounts (the account when the log says it).
    case foreign(AccountID?)
    /// A bucket the inventory does not list, a trusted account's only as a record claims (`resources[].accountId`,
    /// chosen by whoever writes the trail): held for review, never drafted on the claim.
    case claimed(AccountID)
    /// The user accepted it with `--allow-resource`.
    case reviewedAllowed(String)
}

/// Classifies resources with the inventory, the trusted accounts, the AWS-owned catalog and the user's allowances.
struct ResourceClassifier: Sendable {
    let trusted: Set<AccountID>
    let ourBuckets: BucketOwners
    let catalog: AWSOwnedCatalog
    let allowed: [String]
    /// AWS-owned lookups by "bucket region": a window holds many requests to few buckets.
    private let awsOwnedCache = Cache<String, AWSOwnedCatalog.Entry?>()

    init(trusted: Set<AccountID>, ourBuckets: BucketOwners, catalog: AWSOwnedCatalog, allowed: [String]) {
        self.trusted = trusted
        self.ourBuckets = ourBuckets
        self.catalog = catalog
        self.allowed = allowed
    }

    func classify(_ access: ResourceAccess, region: String) -> Ownership {
        if access.resource == "*" { return .accountLevel }
        guard let arn = access.resource.arn else { return .foreign(access.resourceAccount) }
        var owner: AccountID?
        if let bucket = arn.s3BucketName {
            let stated = ourBuckets[bucket, arn.partition]
            if let owned = stated, trusted.contains(owned) || owned.rawValue.isEmpty { return .trusted(owned) }
            if let entry = awsOwnedCache.value("\(bucket) \(region)", { catalog.entry(bucket: bucket, region: region) }) {
                return .awsOwned(entry)
            }
            // The owner the inventory knows wins over the one a record claims (a trail writer chooses the record),
            // and a claim alone never makes a bucket trusted.
            if stated == nil, let claimed = access.resourceAccount, trusted.contains(claimed) { return .claimed(claimed) }
            owner = stated ?? access.resourceAccount
        } else {
            owner = arn.account.isEmpty ? access.resourceAccount : AccountID(arn.account)
        }
        if let owner, trusted.contains(owner) { return .trusted(owner) }
        let literal = PolicyText.literalValue(of: access.resource.text) ?? access.resource.text
        if let pattern = allowed.first(where: { WildcardPattern($0).matches(literal) }) { return .reviewedAllowed(pattern) }
        return .foreign(owner)
    }
}

/// A small memo table, safe to share.
final class Cache<Key: Hashable, Value>: @unchecked Sendable {
    // INVARIANT: `values` is only touched under `lock`.
    private var values: [Key: Value] = [:]
    private let lock = NSLock()

    func value(_ key: Key, _ make: () -> Value) -> Value {
        lock.lock()
        defer { lock.unlock() }
        if let v = values[key] { return v }
        let v = make()
        values[key] = v
        return v
    }
}
