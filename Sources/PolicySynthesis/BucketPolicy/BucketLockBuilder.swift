import AWSModel
import IAMPolicy
import Inventory

/// The "bidirectional lock" for our buckets: deny every request that does not come through an endpoint
/// that really used the bucket and is shown to be the user's (inventory, trusted owner), with exceptions
/// for the trusted accounts' principals the logs show reaching it from no endpoint, and always for AWS
/// service principals (log delivery, Config and CloudTrail write to buckets of ours whether or not the
/// window shows it). Another account's principal, a caller logged only by its account (`AWSAccount`:
/// its `aws:PrincipalArn` is not logged) and requests through an endpoint not shown to be the user's
/// never become exceptions: they are listed for a decision. `admins` are exempted for the
/// bucket-policy actions, so the policy can still be changed. A bucket whose objects no logged request
/// touched is locked for bucket-level actions only: the logs cannot show who reads or writes its objects.
package enum BucketLockBuilder {
    package static let lockSid = "PerimeterOnlyExpectedEndpoints"
    package static let adminSid = "PerimeterOnlyExpectedEndpointsExceptAdminsForPolicyChanges"
    /// The actions an administration path needs to change or remove a bucket policy.
    static let policyActions = ["s3:DeleteBucketPolicy", "s3:GetBucketPolicy", "s3:PutBucketPolicy"]

    struct Context {
        var inventory: Inventory
        var trusted: Set<AccountID>
        var endpoints: [VPCEndpointID: Inventory.Endpoint]
        /// Endpoints a lock may answer (``EndpointDirectory/lockable``).
        var lockable: Set<VPCEndpointID>
        var admins: [String] = []
        /// The scope asked for (`--lock-scope`); each lock uses it where the inventory proves it.
        var scope: LockScope = .endpoint
        var table: NetworkKeyTable = .shared
    }

    static func build(observed: [ObservedAccess], _ c: Context) -> [BucketResult] {
        // By bucket ARN: a lock names its bucket in the partition its requests were made in.
        var byBucket: [ARN: [ObservedAccess]] = [:]
        for access in observed {
            // Only a well-formed name becomes a lock (and a file name); logged text that is not one never does.
            guard let bucket = access.access.resource.arn?.s3BucketARN, BucketName.isWellFormed(bucket.resource),
                  Partition.isWellFormed(bucket.partition) else { continue }
            byBucket[bucket, default: []].append(access)
        }
        return byBucket.sorted(by: { $0.key < $1.key }).compactMap { bucket, accesses in lock(bucket, accesses, c) }
    }

    /// Who reaches a bucket from where, as a lock sees it.
    struct Callers {
        var viaEndpoints: Set<VPCEndpointID>
        var foreignEndpoints: [String]
        var services: [String]
        var people: [String]
        /// Requests the lock refuses on purpose, until a human decides.
        var held: [ObservedAccess]
        var heldReasons: [Message]

        init(_ authorized: [ObservedAccess], _ c: Context) {
            viaEndpoints = Set(authorized.compactMap { $0.endpoint.flatMap { c.lockable.contains($0) ? $0 : nil } })
            foreignEndpoints = Set(authorized.compactMap { $0.endpoint.flatMap { c.lockable.contains($0) ? nil : $0.rawValue } }).sorted()
            let outside = authorized.filter { $0.endpoint == nil }
            services = Set(outside.filter { $0.principal.kind == .awsService }.map(\.principal.arn)).sorted()
            let exemptable = { (a: ObservedAccess) in
                a.principal.kind != .awsAccount && a.principal.account.map(c.trusted.contains) == true }
            let others = outside.filter { $0.principal.kind != .awsService && $0.principal.kind != .anonymous }
            people = Set(others.filter(exemptable).map(\.principal.arn)).sorted()
            let viaForeign = authorized.filter { $0.endpoint.map { !c.lockable.contains($0) } ?? false }
            held = others.filter { !exemptable($0) } + viaForeign
            heldReasons = Set(others.filter { !exemptable($0) }.map(\.principal.arn)).sorted().map { arn in
                let mine = others.filter { $0.principal.arn == arn }
                return mine[0].principal.kind == .awsAccount
                    ? "\(value: arn): a caller logged only by its account (\(value: "AWSAccount")): its own ARN is not logged, "
                        + "so no exception can name it"
                    : "\(value: arn): a principal outside the trusted accounts, "
                        + "\(mine.reduce(0) { $0 + $1.count }) requests outside any endpoint"
            }
        }

        /// Who is exempted, with why, for the report.
        func exceptions(_ outside: [ObservedAccess]) -> [Message] {
            func actions(_ mine: [ObservedAccess]) -> String { Set(mine.map(\.access.action.name)).sorted().joined(separator: ", ") }
            let exempted: [Message] = services.map { service in
                let mine = outside.filter { $0.principal.arn == service }
                return "\(value: service): AWS service principal, \(mine.reduce(0) { $0 + $1.count }) requests (\(actions(mine))), "
                    + "exempted with aws:PrincipalIsAWSService"
            }
            return exempted + people.map { person in
                let mine = outside.filter { $0.principal.arn == person }
                let ips = Set(mine.flatMap(\.sourceIPs)).sorted().prefix(3).joined(separator: ", ")
                return "\(value: person): \(mine.reduce(0) { $0 + $1.count }) requests outside any endpoint (\(actions(mine)); "
                    + "from \(ips.isEmpty ? "addresses not logged" : ips)), exempted with aws:PrincipalArn"
            }
        }
    }

    /// The guards every network Deny needs (DOMAIN.md G).
    static let guards = [Condition("BoolIfExists", "aws:PrincipalIsAWSService", ["false"]),
                         Condition("BoolIfExists", "aws:ViaAWSService", ["false"])]

    /// The scope this lock uses: the one asked for where the inventory proves it (owners from the inventory,
    /// else the one owner the bucket's requests through the endpoint logged).
    static func scopedNetwork(_ callers: Callers, _ authorized: [ObservedAccess], _ c: Context) -> ScopedNetwork {
        var owners: [VPCEndpointID: AccountID] = [:]
        for id in callers.viaEndpoints {
            let logged = Set(authorized.filter { $0.endpoint == id }.compactMap(\.endpointAccount))
            if let owner = c.endpoints[id]?.owner ?? (logged.count == 1 ? logged.first : nil) { owners[id] = owner }
        }
        return ScopedNetwork.decide(c.scope, service: "s3", endpoints: Array(callers.viaEndpoints), owners: owners,
                                    inventory: c.inventory, trusted: c.trusted, table: c.table)
    }

    static func lock(_ bucketARN: ARN, _ accesses: [ObservedAccess], _ c: Context) -> BucketResult? {
        let bucket = bucketARN.resource
        let authorized = accesses.filter(\.outcome.wasAuthorized)
        let callers = Callers(authorized, c)
        // No lock where no endpoint of the user's reached the bucket: it would answer none.
        guard !callers.viaEndpoints.isEmpty else { return nil }
        let inventory = c.inventory
        // The owner the inventory states in the bucket's partition (a name is unique per partition only), else a record's.
        let stated = BucketOwners(inventory).owner(of: bucketARN)
        let owner = stated ?? authorized.compactMap(\.access.resourceAccount).first
        guard let owner, c.trusted.contains(owner) || stated != nil else { return nil }

        let objectsSeen = accesses.contains { $0.access.resource.s3ObjectKey != nil }
        let current = inventory.bucketPolicies[bucket]
        let resources = [bucketARN.description] + (objectsSeen ? [PolicyText.allObjects(inBucketARN: bucketARN.description)] : [])
        let network = scopedNetwork(callers, authorized, c)
        let (draft, notes) = fitted(resources, callers, network: network.condition, admins: c.admins, current: current,
                                    limit: Synthesizer.bucketPolicyLimit)
        let heldSet = Set(callers.held)
        let replay = Replay.run(CompiledPolicy(draft, kind: .resource), authorized: authorized.filter { !heldSet.contains($0) },
                                held: callers.held, denied: [],
                                vpc: { $0.endpoint.flatMap { c.endpoints[$0]?.vpcID } }, organization: inventory.organizationID,
                                trusted: c.trusted, breaks: { $0 == .explicitDeny },
                                facts: Replay.Facts(inventory, endpoints: c.endpoints))
        let first = authorized.map(\.firstSeen).filter { $0 > 0 }.min(), last = authorized.map(\.lastSeen).max()
        var result = BucketResult(bucket: bucket, owner: owner, draft: draft, current: current,
                                  currentSource: inventory.bucketPolicySources[bucket],
                                  endpoints: callers.viaEndpoints.map(\.rawValue).sorted(),
                                  exceptions: callers.exceptions(authorized.filter { $0.endpoint == nil }) + notes.map(\.message),
                                  objectAccessObserved: objectsSeen, size: PolicyWriter.byteSize(draft), replay: replay,
                                  grantCheck: current.map { GrantCheck.run(bucketDraft: draft, current: $0) } ?? GrantCheck(),
                                  notes: notes)
        result.terraform = inventory.terraformBucketPolicies[bucket]
        result.currentDeclaredAbsent = current == nil && inventory.bucketsWithoutPolicy.contains(bucket)
        result.foreignEndpoints = callers.foreignEndpoints
        result.held = callers.heldReasons + callers.foreignEndpoints.map { "requests through \(value: $0), not shown to be yours" }
        result.lockScope = network.scope
        result.lockScopeReason = network.why
        result.historyDays = first.flatMap { f in last.map { Int(($0 - f) / 86_400) + 1 } } ?? 0
        return result
    }

    /// The draft with the exceptions exact, or generalized step by step (each step said, as the endpoint drafts'
    /// coarsening is) until it fits `limit` bytes (S3: "Bucket policies are limited to 20 KB in size"); still over,
    /// a warning (review). The current statements are kept, and so is the version: a 2008-10-17 policy (or one
    /// without `Version`) written as 2012-10-17 would turn literal `${…}` text into live policy variables.
    static func fitted(_ resources: [String], _ callers: Callers, network: Condition, admins: [String], current: PolicyDocument?,
                       limit: Int) -> (PolicyDocument, [Diagnostic]) {
        let kept = (current?.statements ?? []).filter { $0.sid != lockSid && $0.sid != adminSid }
        let version = current.map { $0.substitutesVariables ? "2012-10-17" : "2008-10-17" } ?? "2012-10-17"
        func document(_ exempt: [String], like: Bool) -> PolicyDocument {
            PolicyDocument(version: version, id: current?.id,
                           statements: kept + statements(resources, network, exempt: exempt, like: like, admins: admins))
        }
        var notes: [Diagnostic] = []
        var draft = document(callers.people, like: false)
        for (description, level) in [("exceptions generalized to each account's principals of one type (role/*, user/*)", 1),
                                     ("exceptions generalized to whole accounts", 2)] where PolicyWriter.byteSize(draft) > limit {
            draft = document(generalized(callers.people, level: level), like: true)
            notes.append(Diagnostic(.coarsened, .note, "\(description) to fit \(limit) bytes (now \(PolicyWriter.byteSize(draft)))"))
        }
        if PolicyWriter.byteSize(draft) > limit {
            notes.append(Diagnostic(.overSizeLimit, .warning,
                                    "still \(PolicyWriter.byteSize(draft)) bytes after generalizing the exceptions, over S3's \(limit): "
                                        + "put-bucket-policy refuses it"))
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

    /// The lock: deny what does not come through the expected network (`network`, the scope's negated
    /// condition), AWS services and the exempted people aside; with admins, a second statement lets them
    /// reach the bucket-policy actions. `exempt` are the people's ARNs, or (`like`) the patterns they were
    /// generalized to. The guards are AWS's: service principals, and calls a service makes on a caller's
    /// behalf (forward access sessions keep no source endpoint), are not network-locked.
    static func statements(_ resources: [String], _ network: Condition, exempt: [String], like: Bool, admins: [String]) -> [Statement] {
        func conditions(_ arns: [String], like: Bool) -> [Condition] {
            [network] + guards
                + (arns.isEmpty ? [] : [Condition(like ? "ArnNotLike" : "ArnNotEquals", "aws:PrincipalArn", arns)])
        }
        guard !admins.isEmpty else {
            return [Statement(sid: lockSid, effect: .deny, principal: .any, action: .actions(["s3:*"]), resource: .resources(resources),
                              conditions: conditions(exempt, like: like))]
        }
        return [
            Statement(sid: lockSid, effect: .deny, principal: .any, action: .notActions(policyActions),
                      resource: .resources(resources), conditions: conditions(exempt, like: like)),
            Statement(sid: adminSid, effect: .deny, principal: .any, action: .actions(policyActions),
                      resource: .resources([resources[0]]), conditions: conditions(Array(Set(exempt + admins)).sorted(), like: true)),
        ]
    }
}
