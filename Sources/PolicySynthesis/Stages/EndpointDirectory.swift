import AWSModel

/// Stage 2: the endpoints to draft for (the inventory's and any the logs name), with the Region and
/// service of each, from the inventory or, failing that, from its requests.
struct EndpointDirectory {
    var endpoints: [VPCEndpointID: Inventory.Endpoint]
    /// Requests through each endpoint.
    var observed: [VPCEndpointID: [ObservedAccess]]

    init(_ input: SynthesisInput) {
        var endpoints = input.inventory.endpoints
        for access in input.observed {
            guard let id = access.endpoint, endpoints[id] == nil else { continue }
            endpoints[id] = Inventory.Endpoint(id: id, owner: access.endpointAccount)
        }
        self.endpoints = endpoints
        observed = Dictionary(grouping: input.observed.filter { $0.endpoint != nil }, by: { $0.endpoint! })
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
