import AWSModel
import IAMPolicy

/// The "bidirectional lock" for our buckets: deny every request that does not come through an endpoint
/// that really used the bucket, with exceptions for every access the logs show from elsewhere, and
/// always for AWS service principals (log delivery, Config and CloudTrail write to buckets of ours
/// whether or not the window shows it). A bucket whose objects no logged request touched is locked
/// for bucket-level actions only: the logs cannot show who reads or writes its objects.
enum BucketLockBuilder {
    static let lockSid = "PerimeterOnlyExpectedEndpoints"

    static func build(observed: [ObservedAccess], inventory: Inventory, classifier: ResourceClassifier, trusted: Set<AccountID>,
                      endpoints: [VPCEndpointID: Inventory.Endpoint], awsManaged: Set<VPCEndpointID> = []) -> [BucketResult] {
        // By bucket ARN: a lock names its bucket in the partition its requests were made in.
        var byBucket: [ARN: [ObservedAccess]] = [:]
        for access in observed {
            // Only a well-formed name becomes a lock (and a file name); logged text that is not one never does.
            guard let bucket = access.access.resource.arn?.s3BucketARN, BucketName.isWellFormed(bucket.resource),
                  Partition.isWellFormed(bucket.partition) else { continue }
            byBucket[bucket, default: []].append(access)
        }
        var results: [BucketResult] = []
        for (bucketARN, accesses) in byBucket.sorted(by: { $0.key < $1.key }) {
            let bucket = bucketARN.resource
            let authorized = accesses.filter(\.outcome.wasAuthorized)
            // An AWS-managed endpoint (the S3 console's, a service's delivery) is not ours: its requests come from outside.
            let ours = { (a: ObservedAccess) in a.endpoint.flatMap { awsManaged.contains($0) ? nil : $0 } }
            let viaEndpoints = Set(authorized.compactMap(ours))
            guard !viaEndpoints.isEmpty else { continue }
            let owner = inventory.buckets[bucket] ?? authorized.compactMap(\.access.resourceAccount).first
            guard let owner, trusted.contains(owner) || inventory.buckets[bucket] != nil else { continue }

            let outside = authorized.filter { ours($0) == nil }
            let objectsSeen = accesses.contains { $0.access.resource.s3ObjectKey != nil }
            let services = Set(outside.filter { $0.principal.kind == .awsService }.map(\.principal.arn)).sorted()
            let people = Set(outside.filter { $0.principal.kind != .awsService && $0.principal.kind != .anonymous }.map(\.principal.arn)).sorted()
            var conditions = [Condition("StringNotEquals", "aws:SourceVpce", viaEndpoints.map(\.rawValue).sorted())]
            conditions.append(Condition("BoolIfExists", "aws:PrincipalIsAWSService", ["false"]))
            if !people.isEmpty { conditions.append(Condition("ArnNotEquals", "aws:PrincipalArn", people)) }
            let objects = objectsSeen ? [PolicyText.allObjects(inBucketARN: bucketARN.description)] : []
            let lock = Statement(sid: lockSid, effect: .deny, principal: .any, action: .actions(["s3:*"]),
                                 resource: .resources([bucketARN.description] + objects),
                                 conditions: conditions)
            let current = inventory.bucketPolicies[bucket]
            let kept = (current?.statements ?? []).filter { $0.sid != lockSid }
            let draft = PolicyDocument(version: "2012-10-17", id: current?.id, statements: kept + [lock])

            var exceptions: [Message] = []
            for service in services {
                let mine = outside.filter { $0.principal.arn == service }
                exceptions.append("\(value: service): AWS service principal, \(mine.reduce(0) { $0 + $1.count }) requests (\(Set(mine.map(\.access.action.name)).sorted().joined(separator: ", "))), exempted with aws:PrincipalIsAWSService")
            }
            for person in people {
                let mine = outside.filter { $0.principal.arn == person }
                let ips = Set(mine.flatMap(\.sourceIPs)).sorted().prefix(3).joined(separator: ", ")
                exceptions.append("\(value: person): \(mine.reduce(0) { $0 + $1.count }) requests outside any endpoint (\(Set(mine.map(\.access.action.name)).sorted().joined(separator: ", ")); from \(ips.isEmpty ? "addresses not logged" : ips)), exempted with aws:PrincipalArn")
            }
            let replay = Replay.run(CompiledPolicy(draft), authorized: authorized, held: [], denied: [],
                                    vpc: { $0.endpoint.flatMap { endpoints[$0]?.vpcID } }, organization: inventory.organizationID,
                                    trusted: trusted, breaks: { $0 == .explicitDeny })
            results.append(BucketResult(bucket: bucket, owner: owner, draft: draft, current: current,
                                        currentSource: inventory.bucketPolicySources[bucket],
                                        endpoints: viaEndpoints.map(\.rawValue).sorted(), exceptions: exceptions, objectAccessObserved: objectsSeen,
                                        size: PolicyWriter.size(draft), replay: replay,
                                        diff: PolicyDiff.render(current.map { .current($0) } ?? .none, draft: draft, name: "\(bucket).json")))
        }
        return results
    }
}
