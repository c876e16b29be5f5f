import AWSModel
import IAMPolicy

/// Why a statement is in a draft: the requests behind it.
public struct StatementEvidence: Sendable, Hashable, Codable {
    /// Authorized requests the statement covers.
    public var requests: Int64
    /// Their principals.
    public var principals: [String]
    /// Seconds since 1970 of the first request.
    public var firstSeen: Int64
    /// Seconds since 1970 of the last request.
    public var lastSeen: Int64
    /// The `eventID` of one of them, to find it in the trail.
    public var sampleEventID: String?
    /// For AWS-owned statements: the service and what the catalog says about it.
    public var reason: String?
}

/// Who a draft statement speaks for.
enum Audience: Hashable, Comparable {
    /// A principal, with its kind (an assumed role, a user, …) kept from the log.
    case principal(Principal)
    case service(String)
    case awsOwned(String)

    var order: (Int, String) {
        switch self {
        case .principal(let p): (0, p.arn)
        case .service(let s): (1, s)
        case .awsOwned(let s): (2, s)
        }
    }

    static func < (a: Audience, b: Audience) -> Bool { a.order < b.order }

    /// The audience of a principal's requests: a service by its name, anyone else as logged.
    init(_ principal: Principal) {
        self = principal.kind == .awsService ? .service(principal.arn) : .principal(principal)
    }

    /// The principal a request of this audience is made as (services too); nil for AWS-owned grants.
    var principal: Principal? {
        switch self {
        case .principal(let p): p
        case .service(let s): Principal(kind: .awsService, arn: s, account: nil)
        case .awsOwned: nil
        }
    }
}

/// Builds a least-privilege endpoint policy from the authorized requests that went through one endpoint.
struct EndpointPolicyBuilder {
    let region: String
    let granularity: Granularity
    /// The policy in force, to keep generalized resources within what it grants.
    let current: CompiledPolicy
    let endpoint: VPCEndpointID
    let catalog: ActionCatalog
    /// The organization id, for `org` granularity (``buildForOrganization(_:mergePrincipals:)``).
    var organization: String? = nil
    /// Today's policy's answers, shared with the store's fold.
    var answers = PolicyAnswers()

    struct Grant: Hashable, Comparable {
        var audience: Audience
        var action: IAMAction
        var resource: Resource

        static func < (a: Grant, b: Grant) -> Bool { (a.audience, a.resource, a.action) < (b.audience, b.resource, b.action) }
    }

    /// The requests behind a grant, folded: all the evidence needs (sums, extremes, a set), so that
    /// merging grants costs no copy of the requests.
    struct Tally {
        var requests: Int64 = 0
        var principals: Set<String> = []
        /// The earliest request (0 when none is dated).
        var firstSeen: Int64 = 0
        var lastSeen: Int64 = 0
        var sampleEventID: String?

        mutating func add(_ access: ObservedAccess) {
            requests = requests.addingSaturated(access.count)
            principals.insert(access.principal.arn)
            if access.firstSeen > 0 { firstSeen = firstSeen == 0 ? access.firstSeen : min(firstSeen, access.firstSeen) }
            lastSeen = max(lastSeen, access.lastSeen)
            if let id = access.sampleEventID { sampleEventID = sampleEventID.map { min($0, id) } ?? id }
        }

        mutating func merge(_ other: Tally) {
            requests = requests.addingSaturated(other.requests)
            principals.formUnion(other.principals)
            if other.firstSeen > 0 { firstSeen = firstSeen == 0 ? other.firstSeen : min(firstSeen, other.firstSeen) }
            lastSeen = max(lastSeen, other.lastSeen)
            if let id = other.sampleEventID { sampleEventID = sampleEventID.map { min($0, id) } ?? id }
        }
    }

    struct Output {
        var document: PolicyDocument
        var evidence: [String: StatementEvidence]
        var notes: [Diagnostic]
        /// Who each statement speaks for, by Sid (AWS-owned statements: none).
        var principals: [String: [Principal]]
    }

    /// `items` are authorized requests through the endpoint that may be allowed, with their classification.
    /// Four steps: each request as an exact grant, generalized within what the current policy grants,
    /// grouped into statement shapes, written as statements with their evidence.
    func build(_ items: [(ObservedAccess, Ownership)], granularity override: Granularity? = nil, mergePrincipals: Bool = false) -> Output {
        let granularity = override ?? self.granularity
        if granularity == .org { return buildForOrganization(items, mergePrincipals: mergePrincipals) }
        let (exact, refused) = withinCurrent(exactGrants(items))
        var (general, notes) = generalize(exact, granularity)
        notes = refused + notes
        var shapes = self.shapes(general, mergePrincipals: mergePrincipals)
        if mergePrincipals { shapes = Self.mergingPrincipals(shapes) }
        let (statements, statementOf, reasons, audiences) = self.statements(shapes)
        return Output(document: PolicyDocument(statements: statements), evidence: Self.evidence(statements, general, statementOf, reasons),
                      notes: notes, principals: audiences.mapValues { $0.compactMap(\.principal) })
    }

    /// Step 1: each request as (audience, action, exact resource); AWS-owned buckets by the catalog's name.
    func exactGrants(_ items: [(ObservedAccess, Ownership)]) -> [Grant: Tally] {
        var exact: [Grant: Tally] = [:]
        exact.reserveCapacity(items.count)   // room for every grant at once: no copy held while the table grows
        for (access, ownership) in items {
            let audience: Audience
            var resource = access.access.resource
            switch ownership {
            case .awsOwned(let entry):
                audience = .awsOwned(entry.service)
                // In the partition of the request (a bucket of another partition does not exist in this one).
                let partition = resource.arn?.partition ?? Partition.of(region: region) ?? Partition.standard
                let bucket = ARN.s3Bucket(entry.bucketName(region: region), partition: partition).description
                resource = Resource(policyText: resource.s3ObjectKey == nil ? bucket : PolicyText.allObjects(inBucketARN: bucket))
            default:
                audience = Audience(access.principal)
            }
            exact[Grant(audience: audience, action: access.access.action, resource: resource), default: Tally()].add(access)
        }
        return exact
    }

    /// Step 1b: AWS-owned grants inferred from evidence (no logged request behind them) that the current
    /// policy refuses are dropped, said: a draft never grants more than the policy in force.
    func withinCurrent(_ exact: [Grant: Tally]) -> ([Grant: Tally], [Diagnostic]) {
        var kept = exact
        let refused = exact.filter { grant, tally in
            guard case .awsOwned = grant.audience, tally.requests == 0 else { return false }
            return !allowedByCurrent(grant.audience, grant.action, grant.resource)
        }.keys.sorted(by: <)
        var notes: [Diagnostic] = []
        for grant in refused {
            kept[grant] = nil
            if case .awsOwned(let service) = grant.audience {
                notes.append(Diagnostic(.refusedByCurrent, .note, """
                    \(service): \(grant.action) on \(value: grant.resource.text) left out: today's policy already refuses it
                    """))
            }
        }
        return (kept, notes)
    }

    /// Step 2: object keys generalized per audience and bucket, never beyond what the current policy grants.
    func generalize(_ exact: [Grant: Tally], _ granularity: Granularity) -> ([Grant: Tally], [Diagnostic]) {
        // Each grant's generalized form is made again where it is used rather than held per grant, and the
        // generalized grants have room for every grant at once: a table of each and the copies of a growing
        // one held 32 MB of a 1M-record draft.
        var general: [Grant: Tally] = [:]
        general.reserveCapacity(exact.count)
        var budget = PrefixBudget<Placed>()   // generalized resources of each audience's bucket
        for grant in exact.keys {
            if let bucket = grant.resource.arn?.s3BucketARN, grant.resource.s3ObjectKey != nil {
                _ = budget.admit(Generalization.generalize(grant.resource, granularity),
                                 at: Placed(audience: grant.audience, place: Resource(policyText: bucket.description)))
            }
        }
        var widened = Set<ARN>()
        var keptExact: [(grant: Grant, wide: Resource)] = []
        for (grant, tally) in exact {
            var resource = Generalization.generalize(grant.resource, granularity)
            if granularity == .prefix, let bucket = grant.resource.arn?.s3BucketARN, grant.resource.s3ObjectKey != nil,
               budget.isOver(Placed(audience: grant.audience, place: Resource(policyText: bucket.description))) {
                resource = Resource(policyText: PolicyText.allObjects(inBucketARN: bucket.description))
                widened.insert(bucket)
            }
            // Never widen beyond what the current policy grants: fall back to the logged resource.
            if resource != grant.resource, !allowedByCurrent(grant.audience, grant.action, resource) {
                keptExact.append((grant, resource))
                resource = grant.resource
            }
            general[Grant(audience: grant.audience, action: grant.action, resource: resource), default: Tally()].merge(tally)
        }
        // Notes in a stable order: the grants' order, not the dictionary's.
        var notes = keptExact.sorted { $0.grant < $1.grant }.map { grant, wide in
            Diagnostic(.keptExact, .note, """
                kept \(value: grant.resource) exact for \(grant.action): the current policy does not grant \(value: wide)
                """)
        }
        for bucket in widened.sorted() {
            let (whole, limit) = (PolicyText.allObjects(inBucketARN: bucket.description), SynthesisOptions.prefixLimit)
            notes.append(Diagnostic(.prefixesToBucket, .note,
                                    "\(value: bucket.resource): more than \(limit) key prefixes, generalized to \(value: whole)"))
        }
        return (general, notes)
    }

    /// An audience and a bucket or resource: the key of the builder's lookups (resources by their bytes).
    struct Placed: Hashable {
        var audience: Audience
        var place: Resource
    }

    /// A statement to be: who it is for (kind 0 principals, 1 services, 2 AWS-owned), its actions and resources.
    /// Resources are keys by their bytes (``Resource``): an NFC and an NFD key are two objects.
    struct Shape: Hashable { var kind: Int; var actions: [IAMAction]; var resources: [Resource] }

    /// Step 3: per audience, resources with the same action set; then audiences with the same (actions, resources).
    func shapes(_ general: [Grant: Tally], mergePrincipals: Bool) -> [Shape: [Audience]] {
        var perAudience: [Audience: [Resource: Set<IAMAction>]] = [:]
        for grant in general.keys { perAudience[grant.audience, default: [:]][grant.resource, default: []].insert(grant.action) }
        var shapes: [Shape: [Audience]] = [:]
        for (audience, resources) in perAudience {
            var byActions: [[IAMAction]: [Resource]] = [:]
            for (resource, actions) in resources { byActions[actions.sorted(), default: []].append(resource) }
            if mergePrincipals, case .principal = audience {
                let allActions = Set(resources.values.flatMap { $0 }).sorted()
                byActions = [allActions: Array(resources.keys)]
            }
            for (actions, resources) in byActions {
                let kind = audience.order.0
                // AWS-owned statements stay one per service (their Sid names it).
                let named = kind == 2 ? resources.sorted() + [Resource(policyText: audience.order.1)] : resources.sorted()
                let key = Shape(kind: kind, actions: actions, resources: named)
                shapes[key, default: []].append(audience)
            }
        }
        return shapes
    }

    /// The last resort for the size limit: one statement for every principal.
    static func mergingPrincipals(_ shapes: [Shape: [Audience]]) -> [Shape: [Audience]] {
        var merged: [Shape: [Audience]] = [:]
        var principals: [Audience] = [], actions = Set<IAMAction>(), resources = Set<Resource>()
        for (shape, audiences) in shapes {
            if shape.kind == 0 {
                principals += audiences
                actions.formUnion(shape.actions)
                resources.formUnion(shape.resources)
            } else {
                merged[shape] = audiences
            }
        }
        if !principals.isEmpty { merged[Shape(kind: 0, actions: actions.sorted(), resources: resources.sorted())] = principals }
        return merged
    }

    /// Step 4: statements in a stable order, with unique Sids; which statement holds each audience's
    /// resource, and the service of each AWS-owned statement.
    func statements(_ shapes: [Shape: [Audience]]) -> ([Statement], [Placed: String], [String: String], [String: [Audience]]) {
        var statements: [Statement] = []
        var usedSids = Set<String>()
        var statementOf: [Placed: String] = [:]   // (audience, resource) → Sid
        var audiencesOf: [String: [Audience]] = [:]
        var reasons: [String: String] = [:]
        let ordered = shapes.map { ($0.key, $0.value.sorted()) }.sorted { a, b in
            if a.1.first! != b.1.first! { return a.1.first! < b.1.first! }
            let x = a.0.actions.map(\.description).joined(separator: ","), y = b.0.actions.map(\.description).joined(separator: ",")
            return x != y ? x < y : a.0.resources.map(\.text).joined(separator: ",") < b.0.resources.map(\.text).joined(separator: ",")
        }
        for (shape, audiences) in ordered {
            let resources = shape.kind == 2 ? Array(shape.resources.dropLast()) : shape.resources
            var sid = Self.sid(audiences, actions: shape.actions, catalog: catalog)
            if usedSids.contains(sid) {
                var n = 2
                while usedSids.contains("\(sid)\(n)") { n += 1 }
                sid = "\(sid)\(n)"
            }
            usedSids.insert(sid)
            var conditions: [Condition] = []
            switch audiences[0] {
            case .principal:
                conditions = [
                    Condition("ArnEquals", "aws:PrincipalArn",
                    audiences.compactMap { if case .principal(let p) = $0 { p.arn } else { nil } })]
            case .service:
                conditions = [
                    Condition("StringEquals", "aws:PrincipalServiceName",
                    audiences.compactMap { if case .service(let s) = $0 { s } else { nil } })]
            case .awsOwned(let service):
                reasons[sid] = service
            }
            statements.append(Statement(sid: sid, effect: .allow, principal: .any, action: .actions(shape.actions.map(\.description)),
                                        resource: .resources(resources.map(\.text)), conditions: conditions))
            for audience in audiences { for resource in resources { statementOf[Placed(audience: audience, place: resource)] = sid } }
            audiencesOf[sid] = audiences
        }
        return (statements, statementOf, reasons, audiencesOf)
    }

    /// The requests behind each statement (each audience's resource is in one statement).
    static func evidence(_ statements: [Statement], _ general: [Grant: Tally], _ statementOf: [Placed: String],
                         _ reasons: [String: String]) -> [String: StatementEvidence] {
        var grouped: [String: Tally] = [:]
        for (grant, tally) in general {
            guard let sid = statementOf[Placed(audience: grant.audience, place: grant.resource)] else { continue }
            grouped[sid, default: Tally()].merge(tally)
        }
        var evidence: [String: StatementEvidence] = [:]
        for statement in statements {
            let sid = statement.sid!
            let t = grouped[sid] ?? Tally()
            evidence[sid] = StatementEvidence(requests: t.requests, principals: t.principals.sorted(), firstSeen: t.firstSeen,
                lastSeen: t.lastSeen,
                                              sampleEventID: t.sampleEventID, reason: reasons[sid])
        }
        return evidence
    }

    /// A Sid from the audience, the services and the access levels: `AppServerS3Read`, `AppServerAnd2MoreS3Write`,
    /// `ServiceCloudtrailS3Write`, `AWSOwnedAmazonLinux`.
    static func sid(_ audiences: [Audience], actions: [IAMAction], catalog: ActionCatalog) -> String {
        let levels = Set(actions.map { catalog.entry($0)?.accessLevel ?? "Other" }).sorted().map { level in
            level == "Permissions management" ? "Permissions" : camel(level)
        }.joined()
        let services = Set(actions.map { camel($0.service) }).sorted().joined() + levels
        let more = audiences.count > 1 ? "And\(audiences.count - 1)More" : ""
        switch audiences[0] {
        case .principal(let principal):
            // The last path component of the ARN (`role/app-server` → AppServer); the account when it has none.
            let arn = principal.arn
            let parsed = ARN(arn)
            let name = parsed.flatMap { $0.resource.contains("/") ? $0.resource.split(separator: "/", omittingEmptySubsequences: false).last
                : nil }
                .map(String.init).flatMap { $0.isEmpty ? nil : $0 }
                ?? parsed.map { "Account\($0.account)" } ?? arn
            return camel(name) + more + services
        case .service(let service):
            return "Service" + camel(String(service.split(separator: ".").first ?? "")) + more + services
        case .awsOwned(let service):
            return "AWSOwned" + camel(service)
        }
    }

    /// `app-server` → `AppServer`; keeps only letters and digits.
    static func camel(_ text: String) -> String {
        // ASCII letters and digits only (what IAM allows in a Sid): a look-alike letter of a logged name never reaches one.
        text.split(whereSeparator: { !$0.isASCII || (!$0.isLetter && !$0.isNumber) }).map { $0.prefix(1).uppercased() + $0.dropFirst() }
            .joined()
    }

    /// Whether the current policy allows `action` on `resource` (a pattern: wildcards sampled) for the audience.
    func allowedByCurrent(_ audience: Audience, _ action: IAMAction, _ resource: Resource) -> Bool {
        answers.allows(current, endpoint: endpoint, audience, action, resource)
    }
}
