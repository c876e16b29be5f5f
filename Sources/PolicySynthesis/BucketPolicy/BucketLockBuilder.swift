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
            let lock = Lock(bucket: bucket, bucketARN: bucketARN, endpoints: viaEndpoints.map(\.rawValue).sorted(), outside: outside,
                            objectsSeen: accesses.contains { $0.access.resource.s3ObjectKey != nil },
                            current: inventory.bucketPolicies[bucket])
            let (draft, notes) = lock.fitted(limit: Synthesizer.bucketPolicyLimit)
            let replay = Replay.run(CompiledPolicy(draft, kind: .resource), authorized: authorized, held: [], denied: [],
                                    vpc: { $0.endpoint.flatMap { endpoints[$0]?.vpcID } }, organization: inventory.organizationID,
                                    trusted: trusted, breaks: { $0 == .explicitDeny })
            results.append(BucketResult(bucket: bucket, owner: owner, draft: draft, current: lock.current,
                                        currentSource: inventory.bucketPolicySources[bucket],
                                        endpoints: lock.endpoints, exceptions: lock.exceptions() + notes.map(\.message),
                                        objectAccessObserved: lock.objectsSeen,
                                        size: PolicyWriter.byteSize(draft), replay: replay,
                                        grantCheck: lock.current.map { GrantCheck.run(bucketDraft: draft, current: $0) } ?? GrantCheck(),
                                        notes: notes,
                                        diff: PolicyDiff.render(lock.current.map { .current($0) } ?? .none, draft: draft,
                                                                name: "\(bucket).json")))
        }
        return results
    }

    /// One bucket's lock, before it is written.
    struct Lock {
        let bucket: String
        /// The bucket in the partition its requests were made in.
        let bucketARN: ARN
        let endpoints: [String]
        let outside: [ObservedAccess]
        let objectsSeen: Bool
        let current: PolicyDocument?

        var services: [String] { Set(outside.filter { $0.principal.kind == .awsService }.map(\.principal.arn)).sorted() }
        var people: [String] {
            Set(outside.filter { $0.principal.kind != .awsService && $0.principal.kind != .anonymous }.map(\.principal.arn)).sorted()
        }

        /// The draft with the exceptions exact, or generalized step by step (each step said, as the endpoint
        /// drafts' coarsening is) until it fits `limit` bytes (S3: "Bucket policies are limited to 20 KB in
        /// size"); still over, a warning (review).
        func fitted(limit: Int) -> (PolicyDocument, [Diagnostic]) {
            var notes: [Diagnostic] = []
            var draft = document(exceptions: people, like: false)
            for (description, level) in [("exceptions generalized to each account's principals of one type (role/*, user/*)", 1),
                                         ("exceptions generalized to whole accounts", 2)] where PolicyWriter.byteSize(draft) > limit {
                draft = document(exceptions: Self.generalized(people, level: level), like: true)
                notes.append(Diagnostic("coarsened", .note, "\(description) to fit \(limit) bytes (now \(PolicyWriter.byteSize(draft)))"))
            }
            if PolicyWriter.byteSize(draft) > limit {
                let size = PolicyWriter.byteSize(draft)
                notes.append(Diagnostic("over-size-limit", .warning,
                                        "still \(size) bytes after generalizing the exceptions, over S3's \(limit): put-bucket-policy refuses it"))
            }
            return (draft, notes)
        }

        /// The principal ARNs as patterns: level 1 keeps the resource type (`role/*`), level 2 the account (`*`).
        static func generalized(_ arns: [String], level: Int) -> [String] {
            Set(arns.map { arn in
                let parts = arn.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
                guard parts.count == 6 else { return arn }
                let type = parts[5].split(separator: "/", maxSplits: 1).first.map { "\($0)/" } ?? ""
                return parts[0..<5].joined(separator: ":") + ":" + (level == 1 && parts[5].contains("/") ? type : "") + "*"
            }).sorted()
        }

        /// The current statements kept, the lock added; the version kept: a 2008-10-17 policy (or one without
        /// `Version`) written as 2012-10-17 would turn literal `${…}` text into live policy variables.
        func document(exceptions: [String], like: Bool) -> PolicyDocument {
            var conditions = [Condition("StringNotEquals", "aws:SourceVpce", endpoints)]
            conditions.append(Condition("BoolIfExists", "aws:PrincipalIsAWSService", ["false"]))
            if !exceptions.isEmpty { conditions.append(Condition(like ? "ArnNotLike" : "ArnNotEquals", "aws:PrincipalArn", exceptions)) }
            let lock = Statement(sid: lockSid, effect: .deny, principal: .any, action: .actions(["s3:*"]),
                                 resource: .resources([bucketARN.description] + (objectsSeen ? [PolicyText.allObjects(inBucketARN: bucketARN.description)] : [])),
                                 conditions: conditions)
            let kept = (current?.statements ?? []).filter { $0.sid != lockSid }
            let version = current.map { $0.substitutesVariables ? "2012-10-17" : "2008-10-17" } ?? "2012-10-17"
            return PolicyDocument(version: version, id: current?.id, statements: kept + [lock])
        }

        /// Who is exempted, and why.
        func exceptions() -> [Message] {
            var exceptions: [Message] = []
            let byPrincipal = Dictionary(grouping: outside, by: \.principal.arn)
            for service in services {
                let mine = byPrincipal[service] ?? []
                exceptions.append("\(value: service): AWS service principal, \(mine.reduce(0) { $0 + $1.count }) requests (\(Set(mine.map(\.access.action.name)).sorted().joined(separator: ", "))), exempted with aws:PrincipalIsAWSService")
            }
            for person in people {
                let mine = byPrincipal[person] ?? []
                let ips = Set(mine.flatMap(\.sourceIPs)).sorted().prefix(3).joined(separator: ", ")
                exceptions.append("\(value: person): \(mine.reduce(0) { $0 + $1.count }) requests outside any endpoint (\(Set(mine.map(\.access.action.name)).sorted().joined(separator: ", ")); from \(ips.isEmpty ? "addresses not logged" : ips)), exempted with aws:PrincipalArn")
            }
            return exceptions
        }
    }
}
