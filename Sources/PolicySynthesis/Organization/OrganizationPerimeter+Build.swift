import AWSModel
import IAMPolicy
import Inventory

extension OrganizationPerimeter {
    /// What the window shows of the organization's resources, as the perimeter sees it.
    struct Window {
        var organization: String
        var accounts: Set<AccountID>
        /// Authorized requests to the organization's resources of the services RCPs cover.
        var requests: [ObservedAccess]
        var owners: [VPCEndpointID: AccountID]
        var facts: Replay.Facts
        /// Requests to the management account's resources: RCPs do not restrict them, so they are not replayed.
        var toManagement: Int64 = 0

        func owner(_ a: ObservedAccess) -> AccountID? { a.endpoint.flatMap { owners[$0] ?? a.endpointAccount } }
        func isThirdParty(_ a: ObservedAccess) -> Bool { owner(a).map { !accounts.contains($0) } ?? false }
        func isOutside(_ a: ObservedAccess) -> Bool {
            a.endpoint == nil && a.principal.kind != .awsService && Replay.viaAWSService(a) != "true"
        }
    }

    /// The draft and its replay; nil without an organization (id and accounts) in the inventory, or when no
    /// request reached the organization's resources of a service RCPs cover.
    static func build(_ input: SynthesisInput, directory: EndpointDirectory, trusted: Set<AccountID>,
                      table: NetworkKeyTable = .shared) -> OrganizationPerimeter? {
        let inventory = input.inventory
        guard let organization = inventory.organizationID, !inventory.accounts.isEmpty else { return nil }
        let facts = Replay.Facts(inventory, endpoints: directory.endpoints)
        let owner = { (a: ObservedAccess) in a.access.resource.arn.flatMap(facts.bucketOwners.owner(of:)) ?? a.access.resourceAccount }
        let owned = input.observed.filter { a in
            a.outcome.wasAuthorized && services.contains(a.access.action.service.lowercased())
                && owner(a).map(inventory.accounts.contains) ?? false
        }
        let isManagement = { (a: ObservedAccess) in inventory.managementAccount != nil && owner(a) == inventory.managementAccount }
        let requests = owned.filter { !isManagement($0) }
        guard !requests.isEmpty else { return nil }
        var window = Window(organization: organization, accounts: inventory.accounts, requests: requests,
                            owners: facts.endpointOwners, facts: facts)
        window.toManagement = owned.filter(isManagement).reduce(0) { $0 + $1.count }
        var perimeter = draft(window, inventory: inventory, table: table)
        perimeter.replay(window)
        return perimeter
    }

    /// The draft: its statements, what it does not cover, and the exceptions it makes.
    static func draft(_ w: Window, inventory: Inventory, table: NetworkKeyTable) -> OrganizationPerimeter {
        let third = w.requests.filter(w.isThirdParty)
        let (statements, keys, reasons) = Self.statements(w, third: third, inventory: inventory, table: table)
        let doc = PolicyDocument(statements: statements)
        let management: Message = inventory.managementAccount.map {
            "the management account (\(value: $0.rawValue)): resource control policies do not restrict its resources; "
                + "the \(w.toManagement) requests to them in the window are not replayed"
        } ?? "the management account (not in the inventory: add \(value: "organizations describe-organization")): resource "
            + "control policies do not restrict its resources; the replay cannot tell which they are, and counts requests to "
            + "them like any other (refused ones included)"
        return OrganizationPerimeter(
            organization: w.organization, draft: doc, size: PolicyWriter.write(doc).count, keys: keys,
            thirdPartyAccounts: Set(third.compactMap(w.owner).map(\.rawValue)).sorted(),
            thirdPartyEndpoints: Set(third.compactMap(\.endpoint?.rawValue)).sorted(), outsideCallers: outsideCallers(w),
            replay: ReplayResult(), refused: [], verdict: .review, reasons: reasons,
            notCovered: [management,
                         "service-linked roles: resource control policies do not restrict them",
                         "AWS managed KMS keys (\(value: "aws/…")): resource control policies do not apply to them"])
    }

    /// One statement per key family, each with the guards and the window's third-party exceptions for its
    /// services: `aws:VpceOrgID` where the table lists it (third parties by `aws:VpceAccount` where listed too,
    /// else by endpoint id), else the organization's endpoints of the service one by one (`aws:SourceVpce`).
    static func statements(_ w: Window, third: [ObservedAccess], inventory: Inventory,
                           table: NetworkKeyTable) -> ([Statement], [String: String], [Message]) {
        let seen = Set(w.requests.map { $0.access.action.service.lowercased() }).sorted()
        let reaching = { (group: [String]) in third.filter { group.contains($0.access.action.service.lowercased()) } }
        let orgKey = seen.filter { table.supports(service: $0, key: "aws:VpceOrgID") }
        let withAccount = orgKey.filter { table.supports(service: $0, key: "aws:VpceAccount") }
        let orgOnly = orgKey.filter { !withAccount.contains($0) }
        let byEndpoint = seen.filter { !orgKey.contains($0) }
        var statements: [Statement] = [], keys: [String: String] = [:], reasons: [Message] = []
        func add(_ sid: String, _ services: [String], key: String, _ values: [String], except: (key: String, values: [String])) {
            guard !services.isEmpty else { return }
            for s in services { keys[s] = key }
            let conditions = [Condition("StringNotEqualsIfExists", key, values)]
                + (except.values.isEmpty ? [] : [Condition("StringNotEqualsIfExists", except.key, except.values)])
            statements.append(Statement(sid: sid, effect: .deny, principal: .any, action: .actions(services.map { "\($0):*" }),
                                        resource: .resources(["*"]), conditions: conditions + BucketLockBuilder.guards))
        }
        let ids = { (accesses: [ObservedAccess]) in Set(accesses.compactMap(\.endpoint?.rawValue)).sorted() }
        add("PerimeterNetworkVpceOrgID", withAccount, key: "aws:VpceOrgID", [w.organization],
            except: ("aws:VpceAccount", Set(reaching(withAccount).compactMap(w.owner).map(\.rawValue)).sorted()))
        add("PerimeterNetworkVpceOrgIDNoAccountKey", orgOnly, key: "aws:VpceOrgID", [w.organization],
            except: ("aws:SourceVpce", ids(reaching(orgOnly))))
        let ours = inventory.endpoints.values.filter { e in
            byEndpoint.contains(e.service ?? "") && (w.owners[e.id]).map(w.accounts.contains) == true }.map(\.id.rawValue)
        let fallback = Set(ours + ids(reaching(byEndpoint))).sorted()
        if !byEndpoint.isEmpty && fallback.isEmpty {
            reasons.append("no endpoint of the organization is known for \(value: byEndpoint.joined(separator: ", ")): not in the draft")
        } else {
            add("PerimeterNetworkSourceVpce", byEndpoint, key: "aws:SourceVpce", fallback, except: ("", []))
        }
        return (statements, keys, reasons)
    }

    static func outsideCallers(_ w: Window) -> [OutsideCaller] {
        Dictionary(grouping: w.requests.filter(w.isOutside), by: \.principal.arn).map { arn, mine in
            OutsideCaller(principal: arn, sourceIPs: Set(mine.flatMap(\.sourceIPs)).sorted(),
                          actions: Set(mine.map(\.access.action.description)).sorted(), requests: mine.reduce(0) { $0 + $1.count })
        }.sorted { $0.principal < $1.principal }
    }
}

extension OrganizationPerimeter {
    /// Replays the window against the draft: callers from outside any endpoint are held (refused on purpose,
    /// listed); every other request must not be explicitly denied. The verdict: unsafe when one is; review when
    /// callers are held, a request cannot be evaluated, a third-party exception awaits confirmation or the
    /// draft is over the limit; else ready.
    mutating func replay(_ w: Window) {
        let compiled = CompiledPolicy(draft, kind: .resource)
        let held = w.requests.filter(w.isOutside), kept = w.requests.filter { !w.isOutside($0) }
        replay = Replay.run(compiled, authorized: kept, held: held, denied: [], vpc: { _ in nil }, organization: w.organization,
                            trusted: w.accounts, breaks: { $0 == .explicitDeny || $0 == .unevaluable }, facts: w.facts)
        var byAccount: [String: (Int64, Set<String>)] = [:]
        for access in w.requests {
            let context = Replay.context(access, vpc: nil, organization: w.organization, trusted: w.accounts, facts: w.facts)
            guard compiled.evaluate(context).decision == .explicitDeny else { continue }
            let account = access.principal.account?.rawValue ?? "unknown"
            byAccount[account, default: (0, [])].0 += access.count
            byAccount[account, default: (0, [])].1.insert(access.principal.arn)
        }
        refused = byAccount.map { RefusedRequests(account: $0.key, requests: $0.value.0, principals: $0.value.1.sorted()) }
            .sorted { $0.account < $1.account }
        judge()
    }

    mutating func judge() {
        let denied = replay.failures.filter { $0.decision == Decision.explicitDeny.rawValue }
        let unknown = replay.failures.count - denied.count
        if !denied.isEmpty {
            reasons.append("\(denied.count) request groups through the organization's endpoints or by AWS services would be refused")
        }
        if unknown > 0 { reasons.append("\(unknown) request groups cannot be evaluated (a key the logs do not give)") }
        if !outsideCallers.isEmpty {
            reasons.append("\(outsideCallers.count) callers from outside any endpoint would be refused: "
                               + "decide each (never trusted silently)")
        }
        if !thirdPartyAccounts.isEmpty || !thirdPartyEndpoints.isEmpty {
            reasons.append("third-party endpoints exempted as the window shows them: confirm each is a partner's")
        }
        if size > Self.limit { reasons.append("\(size) characters, over the \(Self.limit) a resource control policy may have") }
        verdict = !denied.isEmpty ? .unsafe : reasons.isEmpty ? .ready : .review
    }
}
