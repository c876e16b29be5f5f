import AWSModel
public import IAMPolicy

/// Turns observed usage and the inventory into draft endpoint and bucket policies, with the replay,
/// the diff, unused permissions, the review list and the flow findings. Pure: values in, values out.
public enum Synthesizer {
    /// The endpoint policy limit, characters including white space.
    public static let endpointPolicyLimit = 20_480
    /// The bucket policy limit (20 KB).
    public static let bucketPolicyLimit = 20_480

    public static func synthesize(_ input: SynthesisInput, catalog: AWSOwnedCatalog = .shared,
                                  actions: ActionCatalog = .shared) -> SynthesisResult {
        var assumptions: [String] = []
        let inventory = input.inventory
        // Trusted accounts: given, else the organization, else learned from the logs.
        var trusted = Set(input.options.trustedAccounts)
        if trusted.isEmpty && !inventory.accounts.isEmpty {
            trusted = inventory.accounts
            assumptions.append("trusted accounts are the organization's (\(trusted.map(\.rawValue).sorted().joined(separator: ", "))), from `organizations list-accounts`")
        } else if trusted.isEmpty {
            trusted = Set(input.observed.compactMap(\.endpointAccount) + input.observed.compactMap(\.recipientAccount)
                          + inventory.endpoints.values.compactMap(\.owner)).filter(\.isNumeric)
            assumptions.append("no trusted accounts were given: assumed the endpoint owners and the accounts the logs were delivered to (\(trusted.map(\.rawValue).sorted().joined(separator: ", "))); pass --trusted-account or an `organizations list-accounts` file to be exact")
        } else {
            assumptions.append("trusted accounts given: \(trusted.map(\.rawValue).sorted().joined(separator: ", "))")
        }
        let classifier = ResourceClassifier(trusted: trusted, ourBuckets: inventory.buckets, catalog: catalog, allowed: input.options.allowedResources)
        assumptions.append("requests in the logs were made over TLS (aws:SecureTransport is true in the replay)")
        if inventory.organizationID == nil {
            assumptions.append("the organization id is unknown: conditions on aws:PrincipalOrgID and aws:ResourceOrgID are unevaluable in the replay")
        }

        // Endpoints: the inventory's and any the logs name.
        var endpoints = inventory.endpoints
        for a in input.observed {
            guard let id = a.endpoint, endpoints[id] == nil else { continue }
            endpoints[id] = Inventory.Endpoint(id: id, owner: a.endpointAccount)
        }
        let byEndpoint = Dictionary(grouping: input.observed.filter { $0.endpoint != nil }, by: { $0.endpoint! })
        func region(_ e: Inventory.Endpoint) -> String {
            e.region ?? mostCommon((byEndpoint[e.id] ?? []).map(\.region)) ?? "us-east-1"
        }
        func service(_ e: Inventory.Endpoint) -> String {
            e.service ?? mostCommon((byEndpoint[e.id] ?? []).map { $0.access.action.service.lowercased() }) ?? "unknown"
        }
        let dataEventServices = Set(input.eventCategories.filter { $0.category == "Data" && $0.count > 0 }
            .map(\.service))
        let endpointList = endpoints.values.sorted { $0.id < $1.id }

        let flows = FlowEvidence.analyze(input.flows, FlowEvidence.Context(
            endpoints: endpointList, regionOf: region, observed: input.observed, sources: input.sources, catalog: catalog))

        var review: [ReviewItem] = []
        var owned: [AWSOwnedUse] = []
        var results: [EndpointResult] = []
        for endpoint in endpointList {
            let accesses = byEndpoint[endpoint.id] ?? []
            let endpointRegion = region(endpoint), endpointService = service(endpoint)
            if endpoint.service == nil {
                assumptions.append("\(endpoint.id): not in the inventory; service `\(endpointService)` and Region `\(endpointRegion)` taken from its events")
            }
            let current = endpoint.policy ?? .allowAll
            let currentKnown = endpoint.policy != nil
            if !currentKnown {
                assumptions.append("\(endpoint.id): no current policy in the inventory; assumed the default (allow everything)")
            }
            let compiledCurrent = CompiledPolicy(current)
            var draftable: [(ObservedAccess, Ownership)] = []
            var held: [ObservedAccess] = []
            func hold(_ access: ObservedAccess, owner: AccountID?, reason: String) {
                held.append(access)
                review.append(ReviewItem(endpoint: endpoint.id.rawValue, principal: access.principal.arn, action: access.access.action.description,
                                         resource: access.access.resource, owner: owner?.rawValue, reason: reason, requests: access.count,
                                         firstSeen: access.firstSeen, lastSeen: access.lastSeen))
            }
            for access in accesses where access.outcome.wasAuthorized {
                // Never a grant the log cannot name exactly, nor an action IAM does not have.
                if access.access.resource == PolicyText.notLogged {
                    hold(access, owner: access.access.resourceAccount, reason: "resource not logged: the record names no resource for this action")
                    continue
                }
                if actions.entry(access.access.action) == nil {
                    hold(access, owner: access.access.resourceAccount, reason: actions.covers(service: access.access.action.service)
                         ? "not an IAM action: `\(access.access.action)` is not in the Service Authorization Reference"
                         : "not an IAM action Perimeter can check: the action catalog does not cover `\(access.access.action.service)`")
                    continue
                }
                let ownership = classifier.classify(access.access, region: access.region.isEmpty ? endpointRegion : access.region)
                let principalTrusted = access.principal.account.map(trusted.contains) ?? (access.principal.kind == .awsService)
                switch ownership {
                case .foreign(let owner):
                    hold(access, owner: owner, reason: owner.map { "owned by \($0.rawValue), outside the trusted accounts" }
                        ?? "owner unknown: not in the inventory's buckets and not logged")
                case .awsOwned:
                    draftable.append((access, ownership))
                default:
                    if principalTrusted {
                        draftable.append((access, ownership))
                    } else {
                        hold(access, owner: access.access.resourceAccount, reason: "principal outside the trusted accounts")
                    }
                }
            }
            let authorized = draftable.map(\.0)
            // AWS-owned buckets the flow evidence calls for.
            var inferredItems: [(ObservedAccess, Ownership)] = []
            for inferred in flows.inferred where inferred.endpoint == endpoint.id.rawValue {
                guard let entry = catalog.entries.first(where: { $0.service == inferred.service && $0.bucketName(region: endpointRegion) == inferred.bucket }) else { continue }
                for action in entry.actions {
                    let synthetic = ObservedAccess(endpoint: endpoint.id, endpointAccount: endpoint.owner,
                                                   principal: Principal(kind: .anonymous, arn: Principal.anonymousARN, account: nil),
                                                   access: ResourceAccess(action: action, resource: "arn:aws:s3:::\(inferred.bucket)/*"),
                                                   outcome: .success, errorCode: nil, eventSource: "s3.amazonaws.com", region: endpointRegion,
                                                   recipientAccount: nil, count: 0, firstSeen: 0, lastSeen: 0, sampleEventID: nil, sourceIPs: [])
                    inferredItems.append((synthetic, .awsOwned(entry)))
                }
                owned.append(AWSOwnedUse(endpoint: endpoint.id.rawValue, service: entry.service, feature: entry.feature, bucket: inferred.bucket,
                                         access: entry.access, source: entry.source, evidence: inferred.evidence, inferred: true))
            }
            for (access, ownership) in draftable {
                if case .awsOwned(let entry) = ownership {
                    owned.append(AWSOwnedUse(endpoint: endpoint.id.rawValue, service: entry.service, feature: entry.feature,
                                             bucket: ARN(access.access.resource)?.s3BucketName ?? access.access.resource, access: entry.access,
                                             source: entry.source, evidence: "\(access.count) logged \(access.access.action) by \(access.principal.arn)", inferred: false))
                }
            }
            let denied = accesses.filter { !$0.outcome.wasAuthorized }

            // Build, then coarsen until the policy fits.
            let builder = EndpointPolicyBuilder(region: endpointRegion, granularity: input.options.granularity, current: compiledCurrent, endpoint: endpoint.id,
                                                catalog: actions)
            var built = builder.build(draftable + inferredItems)
            var coarsened: [String] = []
            var steps: [(String, Granularity?, Bool)] = []
            if input.options.granularity == .exact { steps.append(("object keys generalized to prefixes", .prefix, false)) }
            if input.options.granularity != .bucket { steps.append(("object keys generalized to whole buckets", .bucket, false)) }
            steps.append(("all principals merged into one statement", .bucket, true))
            for (description, granularity, merge) in steps where PolicyWriter.size(built.document) > endpointPolicyLimit {
                built = builder.build(draftable + inferredItems, granularity: granularity, mergePrincipals: merge)
                coarsened.append("\(description) to fit \(endpointPolicyLimit) characters (now \(PolicyWriter.size(built.document)))")
            }
            if PolicyWriter.size(built.document) > endpointPolicyLimit {
                coarsened.append("still \(PolicyWriter.size(built.document)) characters after every coarsening step: split the workloads across endpoints")
            }
            var draft = built.document
            if draft.statements.isEmpty {
                // Nothing authorized went through: a policy that allows nothing still needs one statement.
                draft = PolicyDocument(statements: [Statement(sid: "NoObservedUse", effect: .deny, principal: .any, action: .actions(["*"]), resource: .resources(["*"]))])
                built.notes.append("no authorized request went through this endpoint in the window: the draft refuses everything; apply it only if the trail covers this endpoint (data events, every account that uses it)")
            }
            let compiledDraft = CompiledPolicy(draft)
            let replay = Replay.run(compiledDraft, authorized: authorized, held: held, denied: denied,
                                    vpc: { _ in endpoint.vpcID }, organization: inventory.organizationID, trusted: trusted,
                                    breaks: { $0 != .allow })
            let grantCheck = checkGrants(draft, current: compiledCurrent, endpoint: endpoint)
            let services: Set<String> = endpoint.service.map { [$0] } ?? Set(accesses.map { $0.access.action.service.lowercased() })
            let usage = UnusedPermissions.report(current, services: services, authorized: authorized, denied: denied,
                                                 dataEventServices: dataEventServices, catalog: actions)
            results.append(EndpointResult(
                endpoint: endpoint, region: endpointRegion, service: endpointService, draft: draft, current: current, currentKnown: currentKnown,
                evidence: built.evidence, coarsened: coarsened, notes: built.notes, size: PolicyWriter.size(draft), replay: replay,
                grantCheck: grantCheck, requests: accesses.reduce(0) { $0 + $1.count },
                principals: Array(Set(accesses.map(\.principal.arn))).sorted(), usage: usage,
                diff: PolicyDiff.render(current: current, draft: draft, currentLabel: "current \(endpoint.id)\(currentKnown ? "" : " (assumed default)")",
                                        draftLabel: "draft \(endpoint.id)")))
        }

        let buckets = BucketLockBuilder.build(observed: input.observed, inventory: inventory, classifier: classifier, trusted: trusted,
                                              endpoints: endpoints)
        let denials = input.observed.filter { !$0.outcome.wasAuthorized }.map {
            Denial(endpoint: $0.endpoint?.rawValue, principal: $0.principal.arn, action: $0.access.action.description, resource: $0.access.resource,
                   errorCode: $0.errorCode, byEndpointPolicy: $0.outcome == .deniedByEndpointPolicy, outcome: $0.outcome, requests: $0.count,
                   firstSeen: $0.firstSeen, lastSeen: $0.lastSeen)
        }
        var result = SynthesisResult(endpoints: results, buckets: buckets, review: review.sorted { ($0.endpoint, $0.resource, $0.principal) < ($1.endpoint, $1.resource, $1.principal) },
                               awsOwned: Array(Set(owned)).sorted { ($0.endpoint, $0.bucket, $0.evidence) < ($1.endpoint, $1.bucket, $1.evidence) },
                               denials: denials, trustedAccounts: trusted.sorted(), assumptions: assumptions + inventory.diagnostics,
                               flows: flows, options: input.options)
        result.rejectedRecords = input.rejectedRecords
        return result
    }

    /// Every (action, resource, principal) a draft grants, checked against the current policy.
    static func checkGrants(_ draft: PolicyDocument, current: CompiledPolicy, endpoint: Inventory.Endpoint) -> GrantCheck {
        var check = GrantCheck()
        for statement in draft.statements where statement.effect == .allow {
            let principals: [RequestPrincipal]
            if let arns = statement.conditions.first(where: { $0.key == "aws:PrincipalArn" })?.values.map(\.text) {
                principals = arns.map(RequestPrincipal.from)
            } else if let services = statement.conditions.first(where: { $0.key == "aws:PrincipalServiceName" })?.values.map(\.text) {
                principals = services.map { RequestPrincipal(kind: .service, arn: $0) }
            } else {
                principals = [RequestPrincipal(kind: .anonymous, arn: "anonymous")]
            }
            for action in statement.action.patterns {
                for resource in statement.resource?.patterns ?? ["*"] {
                    for principal in principals {
                        check.checked += 1
                        var context = RequestContext(action: action, resource: PolicyText.sample(of: resource), principal: principal,
                                                     keys: ["aws:SourceVpce": [endpoint.id.rawValue]])
                        if let vpc = endpoint.vpcID { context.set("aws:SourceVpc", [vpc]) }
                        if principal.kind == .service { context.set("aws:PrincipalServiceName", [principal.arn]) }
                        context.unknownKeys = Replay.unknownKeys.union(["aws:principalorgid", "aws:resourceorgid", "aws:resourceaccount"])
                        let line = "\(statement.sid ?? "?"): \(action) on \(resource) for \(principal.arn)"
                        switch current.evaluate(context).decision {
                        case .allow: break
                        case .unevaluable: check.unprovable.append(line)
                        case .implicitDeny, .explicitDeny: check.exceeding.append(line)
                        }
                    }
                }
            }
        }
        return check
    }

    static func mostCommon(_ values: [String]) -> String? {
        Dictionary(grouping: values.filter { !$0.isEmpty }, by: { $0 }).max { ($0.value.count, $1.key) < ($1.value.count, $0.key) }?.key
    }
}
