import AWSModel

/// A companion that spans records: `DeleteObjects` logs neither its keys nor their versions, but on a
/// bucket where the window shows the same principal's versioned requests (`…Version` actions), a batch
/// delete may remove versions, which needs `s3:DeleteObjectVersion` (Amazon S3 User Guide, "Deleting
/// object versions"; Service Authorization Reference, s3:DeleteObjectVersion).
enum VersionedDeletes {
    static let deleteObject = IAMAction(service: "s3", name: "DeleteObject")
    static let deleteObjectVersion = IAMAction(service: "s3", name: "DeleteObjectVersion")

    /// `accesses` with an `s3:DeleteObjectVersion` grant beside each batch delete (`s3:DeleteObject`
    /// on `bucket/*`) whose principal made versioned requests to the same bucket.
    static func adding(to accesses: [ObservedAccess]) -> [ObservedAccess] {
        let authorized = accesses.filter(\.outcome.wasAuthorized)
        var versioned = Set<String>()   // principal and bucket, of versioned requests
        for a in authorized where a.access.action.service.lowercased() == "s3" && a.access.action.name.hasSuffix("Version") {
            if let bucket = a.access.resource.s3BucketName { versioned.insert("\(a.principal.arn) \(bucket)") }
        }
        guard !versioned.isEmpty else { return accesses }
        var result = accesses
        // A batch delete logs `bucket/*` itself; a group the store folded into `bucket/*` is not one.
        for a in authorized where a.access.action == deleteObject && a.access.resource.s3ObjectKey == "*" && !a.generalized {
            guard let bucket = a.access.resource.s3BucketName, versioned.contains("\(a.principal.arn) \(bucket)"),
                  !accesses.contains(
                      where: { $0.access.action == deleteObjectVersion && $0.access.resource == a.access.resource && $0.principal
                      == a.principal })
            else { continue }
            var companion = a
            companion.access = ResourceAccess(action: deleteObjectVersion, resource: a.access.resource,
                resourceAccount: a.access.resourceAccount)
            result.append(companion)
        }
        return result
    }
}
