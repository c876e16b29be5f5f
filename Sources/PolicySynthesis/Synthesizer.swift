public import AWSModel
public import IAMPolicy
import Dispatch
import Inventory

/// Turns observed usage and the inventory into draft endpoint and bucket policies, with the replay,
/// the diff, unused permissions, the review list and the flow findings. Pure: values in, values out.
///
/// A pipeline of named stages, each in `Stages/`: trusted accounts, the endpoint directory, flow
/// evidence, then per endpoint the access triage, AWS-owned grants, the draft fitted to the size
/// limit, the replay, the grant check and unused permissions; last the bucket locks and denials.
///
/// ```swift
/// let result = Synthesizer.synthesize(SynthesisInput(observed: try store.observedAccess(), inventory: inventory))
/// for endpoint in result.endpoints { print(endpoint.endpoint.id, endpoint.replay.passed) }
/// ```
public enum Synthesizer {
    /// The endpoint policy limit, characters including white space.
    public static let endpointPolicyLimit = 20_480
    /// The bucket policy limit (20 KB).
    public static let bucketPolicyLimit = 20_480

    /// Synthesizes every draft from `input`; `catalog` and `actions` are the shipped tables unless a test
    /// gives others. `progress` hears of each endpoint as its draft begins (its index, the total, the
    /// endpoint), on the thread that drafts it: the endpoints are drafted side by side.
    public static func synthesize(_ input: SynthesisInput, catalog: AWSOwnedCatalog = .shared,
                                  actions: ActionCatalog = .shared,
                                  progress: @Sendable (_ done: Int, _ total: Int, _ endpoint: VPCEndpointID) -> Void = { _, _, _ in
                                      }) -> SynthesisResult {
        let inventory = input.inventory
        let trust = TrustedAccounts.resolve(input)
        let directory = EndpointDirectory(input, trust: trust)
        var assumptions = Self.assumptions(input, trust: trust, directory: directory)
        let placedFlows = input.ipRanges?.place(input.flows) ?? input.flows
        let flows = FlowEvidence.analyze(placedFlows, FlowEvidence.Context(
            endpoints: directory.sorted, regionOf: directory.region, observed: input.observed, sources: input.sources, catalog: catalog,
            volumes: input.sourceVolumes))
        let stage = EndpointStage(input: input, trust: trust, directory: directory, flows: flows, catalog: catalog, actions: actions)

        // The endpoints' drafts are independent of each other and of the bucket locks: they are made side
        // by side on the cores there are, and taken in the endpoints' order.
        let split = NotEnforceable.split(directory.sorted, inventory: inventory, observed: directory.observed, table: .shared)
        let endpoints = split.drafted
        var buckets: [BucketResult] = []
        let drafted = concurrently(endpoints.count, alongside: {
            buckets = BucketLockBuilder.build(observed: input.observed, BucketLockBuilder.Context(
                inventory: inventory, trusted: trust.accounts, endpoints: directory.endpoints, lockable: directory.lockable,
                admins: input.options.adminPrincipals, scope: input.options.lockScope))
        }) { index -> Drafted in
            progress(index, endpoints.count, endpoints[index].id)
            return stage.draft(endpoints[index])
        }
        var review: [ReviewItem] = [], owned: [AWSOwnedUse] = [], results: [EndpointResult] = []
        for one in drafted {
            assumptions += one.diagnostics
            review += one.review
            owned += one.owned
            results.append(one.result)
        }

        let denied = input.observed.filter { !$0.outcome.wasAuthorized }
        let denials = denied.map { Self.denial($0, owners: stage.classifier.ourBuckets) }
        judge(&results, &buckets, input, stage, review: review, placedFlows: placedFlows)
        var result = SynthesisResult(endpoints: results, buckets: buckets,
            review: review.sorted { ($0.endpoint, $0.resource, $0.principal) < ($1.endpoint, $1.resource, $1.principal) },
                                     awsOwned: Array(Set(owned))
                                     .sorted { ($0.endpoint, $0.bucket, $0.evidence) < ($1.endpoint, $1.bucket, $1.evidence) },
                                     denials: denials, trustedAccounts: trust.accounts.sorted(), assumptions: assumptions
                                     + inventory.diagnostics,
                                     flows: flows, options: input.options)
        result.notEnforceable = split.notEnforceable
        result.possibleExfiltration = PossibleExfiltration.find(zip(denied, denials), trusted: trust.accounts, actions: actions)
        result.perimeter = OrganizationPerimeter.build(input, directory: directory, trusted: trust.accounts)
        result.rejectedRecords = input.rejectedRecords
        result.dailyRequests = input.dailyRequests
        result.loggedDays = input.loggedDays
        result.failedFiles = input.failedFiles
        return result
    }

    /// The run's assumptions before any endpoint is drafted: how the trusted accounts were found, TLS, an
    /// unknown organization, each file not read, each bucket policy that matches no bucket, each endpoint not
    /// shown to be yours.
    static func assumptions(_ input: SynthesisInput, trust: TrustedAccounts, directory: EndpointDirectory) -> [Diagnostic] {
        let inventory = input.inventory
        var assumptions = [trust.assumption,
                           Diagnostic(.tlsAssumed, .note,
                               "requests in the logs were made over TLS (aws:SecureTransport is true in the replay)")]
        if inventory.organizationID == nil {
            assumptions.append(Diagnostic(.organizationUnknown, .note, """
                the organization id is unknown: conditions on aws:PrincipalOrgID and aws:ResourceOrgID are unevaluable in the replay
                """))
        }
        for file in input.failedFiles {
            let said: Message = "\(value: file.path) could not be read (\(file.reason)): "
            assumptions.append(Diagnostic(.fileNotRead, .error, said + "every draft of its account and Region is unproven"))
        }
        let matched = Set(inventory.buckets.keys).union(input.observed.compactMap(\.access.resource.s3BucketName))
        for bucket in inventory.bucketPolicies.keys.sorted() where !matched.contains(bucket) {
            assumptions.append(Diagnostic(.policyMatchesNoBucket, .warning, """
                the bucket policy for \(value: bucket) matches no bucket in the inventory or the logs: not used (the file name must be \
                the bucket name)
                """))
        }
        for (id, why) in directory.notShownYours.sorted(by: { $0.key < $1.key }) {
            let said: Message = "\(value: id.rawValue) is not shown to be yours (\(why)): "
            assumptions.append(Diagnostic(.endpointNotShownYours, .note, said + "no draft, and no bucket lock answers it"))
        }
        return assumptions
    }

    /// A denied request group as the report lists it; its owner is the one stated (``statedOwner(_:owners:)``), else
    /// the one the record claims, said so (`ownerClaimed`).
    static func denial(_ access: ObservedAccess, owners: BucketOwners) -> Denial {
        let stated = statedOwner(access.access, owners: owners)
        var denial = Denial(endpoint: access.endpoint, principal: access.principal.arn, action: access.access.action.description,
                            resource: access.access.resource.text, errorCode: access.errorCode,
                            owner: stated ?? access.access.resourceAccount,
                            byEndpointPolicy: access.outcome == .deniedByEndpointPolicy, outcome: access.outcome,
                            requests: access.count, firstSeen: access.firstSeen, lastSeen: access.lastSeen)
        if stated == nil, access.access.resourceAccount != nil { denial.ownerClaimed = true }
        return denial
    }

    /// The account that owns a resource as the user or the resource's name states it: the inventory's owner of a bucket
    /// (in its partition: the user's word wins over a record's), else the account its ARN names (a table, a directory
    /// bucket, an access point: another account's is another resource); nil when only a record could say.
    static func statedOwner(_ access: ResourceAccess, owners: BucketOwners) -> AccountID? {
        guard let arn = access.resource.arn else { return nil }
        if let owner = owners.owner(of: arn), !owner.rawValue.isEmpty { return owner }
        let account = AccountID(arn.account)
        return account.isNumeric ? account : nil
    }

    /// Each endpoint's and bucket's verdict, from the evidence the run saw.
    static func judge(_ results: inout [EndpointResult], _ buckets: inout [BucketResult], _ input: SynthesisInput, _ stage: EndpointStage,
                      review: [ReviewItem], placedFlows: [ObservedFlow]) {
        let seen = Verdicts.Visibility(
            categories: Set(input.eventCategories.filter { $0.count > 0 }.map { "\($0.service) \($0.category)" }),
            flowLogs: !input.flows.isEmpty,
            acceptCoverageGaps: input.options.acceptCoverageGaps, trust: stage.trust, minimumDays: input.options.minimumDays,
            failedFiles: input.failedFiles, adminPrincipals: input.options.adminPrincipals)
        let requestIPs = input.sourceVolumes.reduce(into: [String: Set<String>]()) {
            $0[$1.endpoint.rawValue, default: []].insert($1.sourceIP)
        }
        let flows = stage.flows
        for i in results.indices {
            let id = results[i].endpoint.id, observed = stage.directory.observed[results[i].endpoint.id] ?? []
            results[i].judge(Verdicts.endpoint(results[i], review: review, gaps: flows.coverageGaps.filter { $0.endpoint == id },
                                               unexplained: flows.unexplainedVolume.filter { $0.endpoint == id },
                                               flowTie: FlowEvidence.tie(placedFlows, results[i].endpoint, region: results[i].region,
                                                                         requestIPs: requestIPs[id.rawValue] ?? []),
                                               blind: Verdicts.blindResources(observed),
                                               networkOnly: NetworkOnlyGrants.actions(observed), seen))
        }
        for i in buckets.indices { buckets[i].judge(Verdicts.bucket(buckets[i], seen)) }
    }

    /// One endpoint's draft and what it adds to the run's lists.
    struct Drafted: Sendable {
        var diagnostics: [Diagnostic]; var review: [ReviewItem]; var owned: [AWSOwnedUse]; var result: EndpointResult }

    /// What every endpoint's draft reads, made once.
    struct EndpointStage {
        var input: SynthesisInput, trust: TrustedAccounts, directory: EndpointDirectory, flows: FlowFindings
        var catalog: AWSOwnedCatalog, actions: ActionCatalog
        var classifier: ResourceClassifier, dataEventServices: Set<String>

        init(input: SynthesisInput, trust: TrustedAccounts, directory: EndpointDirectory, flows: FlowFindings,
             catalog: AWSOwnedCatalog, actions: ActionCatalog) {
            (self.input, self.trust, self.directory, self.flows) = (input, trust, directory, flows)
            (self.catalog, self.actions) = (catalog, actions)
            classifier = ResourceClassifier(trusted: trust.accounts, ourBuckets: BucketOwners(input.inventory), catalog: catalog,
                                            allowed: input.options.allowedResources)
            dataEventServices = Set(input.eventCategories.filter { $0.category == "Data" && $0.count > 0 }.map(\.service))
        }

        /// Stages 4 to 8 for `endpoint`: the notes on what is assumed of it, the access triage, the AWS-owned grants, the draft.
        func draft(_ endpoint: Inventory.Endpoint) -> Drafted {
            let context = EndpointContext(endpoint: endpoint, region: directory.region(endpoint), service: directory.service(endpoint),
                                          accesses: VersionedDeletes.adding(to: directory.observed[endpoint.id] ?? []),
                                          trusted: trust.accounts,
                                          organization: input.inventory.organizationID, dataEventServices: dataEventServices,
                                          foldedExact: input.foldedExact.contains(endpoint.id), answers: input.policyAnswers)
            let triage = AccessTriage.split(context.accesses, endpoint: endpoint.id, region: context.region, classifier: classifier,
                                            trusted: trust.accounts, actions: actions, serves: endpoint.service)
            let grants = AWSOwnedGrants.make(endpoint: endpoint, region: context.region, draftable: triage.draftable, flows: flows,
                catalog: catalog)
            let result = Synthesizer.draft(context, triage, grants, granularity: input.options.granularity, actions: actions)
            // An inferred bucket the current policy already refuses was left out of the draft: not listed as allowed.
            let granted = Set(result.draft.statements.flatMap { $0.resource?.patterns ?? [] })
            let partition = Partition.of(region: context.region) ?? Partition.standard
            let owned = grants.uses.filter { use in
                let bucket = ARN.s3Bucket(use.bucket, partition: partition).description
                return !use.inferred || granted.contains(PolicyText.allObjects(inBucketARN: bucket))
            }
            return Drafted(diagnostics: notes(endpoint, context), review: triage.review, owned: owned, result: result)
        }

        /// What is assumed of `endpoint`: an endpoint not in the inventory, a partition without AWS-owned buckets, no current policy.
        func notes(_ endpoint: Inventory.Endpoint, _ context: EndpointContext) -> [Diagnostic] {
            var diagnostics: [Diagnostic] = []
            if endpoint.service == nil {
                diagnostics.append(Diagnostic(.endpointNotInInventory, .warning,
                                              """
                                                  \(endpoint.id): not in the inventory; service \(value: context.service) and Region \
                                                  \(value: context.region) taken from its events
                                                  """))
            }
            if let partition = Partition.of(region: context.region), !catalog.partitions.contains(partition) {
                diagnostics.append(Diagnostic(.awsOwnedUnknownInPartition, .note, """
                    \(endpoint.id): the catalog of AWS-owned buckets documents none in partition \(value: partition) \
                    (Region \(value: context.region)): no bucket is taken as AWS-owned, requests to them go to review
                    """))
            }
            if endpoint.policy == nil {
                diagnostics.append(
                    Diagnostic(.currentPolicyAssumed, .warning,
                    "\(endpoint.id): no current policy in the inventory; assumed the default (allow everything)"))
            }
            return diagnostics
        }
    }

    /// `body` of each index below `count`, on as many threads as there are cores, while `alongside` runs
    /// on one of them; the results in index order. The one way Perimeter runs work side by side.
    public static func concurrently<T: Sendable>(_ count: Int, alongside: () -> Void, _ body: @Sendable (Int) -> T) -> [T] {
        let results = UnsafeMutableBufferPointer<T?>.allocate(capacity: count)
        results.initialize(repeating: nil)
        defer { results.deinitialize(); results.deallocate() }
        nonisolated(unsafe) let slots = results
        // Index `count` is the side work; every other index writes its own slot only. The threads are
        // joined before `alongside` returns to its caller's frame, so it does not truly escape.
        withoutActuallyEscaping(alongside) { alongside in
            nonisolated(unsafe) let alongside = alongside
            DispatchQueue.concurrentPerform(iterations: count + 1) { index in
                if index == count { alongside() } else { slots[index] = body(index) }
            }
        }
        return results.map { $0! }
    }

    /// What the per-endpoint stages share.
    struct EndpointContext {
        var endpoint: Inventory.Endpoint
        var region: String
        var service: String
        var accesses: [ObservedAccess]
        var trusted: Set<AccountID>
        var organization: String?
        var dataEventServices: Set<String>
        /// The store's reader folded the endpoint's keys to prefixes: more than an exact draft can hold.
        var foldedExact = false
        /// Today's policy's answers, shared with the fold.
        var answers = PolicyAnswers()
    }

    /// The replay of an endpoint's draft (``Replay/run``) in two halves side by side, added up in order: the
    /// largest endpoint is drafted while the other core has finished the rest (1M records: 0.6 s of its 2 s).
    static func replay(_ draft: CompiledPolicy, authorized: [ObservedAccess], _ triage: AccessTriage,
                       _ c: EndpointContext) -> ReplayResult {
        let half = authorized.count / 2, vpc = c.endpoint.vpcID, organization = c.organization, trusted = c.trusted
        let (held, denied) = (triage.held, triage.denied)
        var result = ReplayResult()
        let second = concurrently(1, alongside: {
            result = Replay.run(draft, authorized: authorized[..<half], held: [], denied: [], vpc: { _ in vpc }, organization: organization,
                                trusted: trusted, breaks: { $0 != .allow })
        }) { _ in
            Replay.run(draft, authorized: authorized[half...], held: held, denied: denied, vpc: { _ in vpc },
                       organization: organization, trusted: trusted, breaks: { $0 != .allow })
        }[0]
        result.add(second)
        return result
    }

    /// Stages 5 to 8 for one endpoint: the fitted draft, its replay, the grant check, unused permissions, the diff.
    static func draft(_ c: EndpointContext, _ triage: AccessTriage, _ grants: AWSOwnedGrants, granularity: Granularity,
                      actions: ActionCatalog) -> EndpointResult {
        let current = c.endpoint.policy ?? .allowAll
        let currentKnown = c.endpoint.policy != nil
        let compiledCurrent = CompiledPolicy(current, kind: c.endpoint.policyKind)
        let builder = EndpointPolicyBuilder(region: c.region, granularity: granularity, current: compiledCurrent, endpoint: c.endpoint.id,
                                            catalog: actions, organization: c.organization, answers: c.answers)
        var (items, networkNotes) = NetworkOnlyGrants.expand(triage.draftable, current: current, compiled: compiledCurrent,
                                                             answers: c.answers, endpoint: c.endpoint.id, service: c.service)
        // The inferred AWS-owned grants are drafted, not replayed: added in place (a copy of every item held 16 MB at 1M records).
        let logged = items.count
        items += grants.inferred
        var fitted = EndpointDraft.fit(builder, items, granularity: granularity, limit: endpointPolicyLimit)
        fitted.notes += networkNotes
        if c.foldedExact {
            fitted.coarsened.insert(Diagnostic(.coarsened, .note, """
                object keys generalized to prefixes as they were read: their distinct ARNs exceed \
                \(AccessFolding.exactTextLimit) characters, more than an exact draft of \(endpointPolicyLimit) can hold
                """), at: 0)
        }
        let authorized = items[..<logged].map(\.0)
        let first = authorized.map(\.firstSeen).filter { $0 > 0 }.min(), last = authorized.map(\.lastSeen).max()
        let historyDays = first.flatMap { f in last.map { Int(($0 - f) / 86_400) + 1 } } ?? 0
        let draft = CompiledPolicy(fitted.document, kind: c.endpoint.policyKind)
        let replay = replay(draft, authorized: authorized, triage, c)
        let services: Set<String> = c.endpoint.service.map { [$0] } ?? Set(c.accesses.map { $0.access.action.service.lowercased() })
        let usage = UnusedPermissions.report(current, services: services, authorized: authorized, denied: triage.denied,
                                             dataEventServices: c.dataEventServices, catalog: actions)
        return EndpointResult(
            endpoint: c.endpoint, region: c.region, service: c.service, draft: fitted.document, current: current,
                currentKnown: currentKnown,
            evidence: fitted.evidence, statementPrincipals: fitted.principals, coarsened: fitted.coarsened, notes: fitted.notes,
            size: fitted.size, replay: replay,
            grantCheck: GrantCheck.run(fitted.document, principals: fitted.principals, current: compiledCurrent, currentDocument: current,
                                       endpoint: c.endpoint),
            historyDays: historyDays, requests: c.accesses.reduce(0) { $0 + $1.count },
            principals: Array(Set(c.accesses.map(\.principal.arn))).sorted(), usage: usage)
    }
}
