import AWSModel

/// Stage 2: the endpoints to draft for (the inventory's and any the logs name), with the Region and
/// service of each, from the inventory or, failing that, from its requests; and the endpoints that
/// belong to AWS, which get no draft.
struct EndpointDirectory {
    /// The endpoints to draft for, by id.
    var endpoints: [VPCEndpointID: Inventory.Endpoint]
    /// Endpoints the logs name that are AWS's own (a service's delivery path, the S3 console): not in
    /// the inventory, not shown to belong to a trusted account, used only by AWS services or by
    /// requests whose user agent says `aws-internal`. No draft, never in a lock's `aws:SourceVpce`.
    var awsManaged: Set<VPCEndpointID> = []
    /// Requests through each endpoint.
    var observed: [VPCEndpointID: [ObservedAccess]]

    init(_ input: SynthesisInput, trusted: Set<AccountID>) {
        observed = Dictionary(grouping: input.observed.filter { $0.endpoint != nil }, by: { $0.endpoint! })
        let internalAgents = Dictionary(grouping: input.sources.filter { $0.endpoint != nil }, by: { $0.endpoint! })
            .mapValues { sources in sources.allSatisfy(Self.isAWSInternal) }
        var endpoints = input.inventory.endpoints
        for (id, accesses) in observed where endpoints[id] == nil {
            let ownedByUs = accesses.contains { $0.endpointAccount.map(trusted.contains) ?? false }
            let onlyAWS = accesses.allSatisfy(Self.isAWSService) || (internalAgents[id] ?? false)
            if !ownedByUs && onlyAWS {
                awsManaged.insert(id)
                continue
            }
            endpoints[id] = Inventory.Endpoint(id: id, owner: accesses.first?.endpointAccount)
        }
        self.endpoints = endpoints
    }

    /// A request made by AWS for itself: a service principal, or a service-linked role (`role/aws-service-role/…`).
    static func isAWSService(_ a: ObservedAccess) -> Bool {
        a.principal.kind == .awsService || a.principal.arn.contains(":role/aws-service-role/")
    }

    /// A user agent AWS writes for its own calls: `AWS Internal`, `[S3Console/0.4, aws-internal/3 …]`.
    static func isAWSInternal(_ s: ObservedSource) -> Bool {
        let agent = s.userAgent.lowercased()
        return agent.contains("aws-internal") || agent.contains("aws internal")
    }

    /// Sorted by id.
    var sorted: [Inventory.Endpoint] { endpoints.values.sorted { $0.id < $1.id } }

    func region(_ e: Inventory.Endpoint) -> String {
        e.region ?? Self.mostCommon((observed[e.id] ?? []).map(\.region)) ?? "us-east-1"
    }

    func service(_ e: Inventory.Endpoint) -> String {
        e.service ?? Self.mostCommon((observed[e.id] ?? []).map { $0.access.action.service.lowercased() }) ?? "unknown"
    }

    static func mostCommon(_ values: [String]) -> String? {
        Dictionary(grouping: values.filter { !$0.isEmpty }, by: { $0 }).max { ($0.value.count, $1.key) < ($1.value.count, $0.key) }?.key
    }
}
