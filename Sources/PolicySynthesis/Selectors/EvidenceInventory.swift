public import AWSModel
import Foundation
import Inventory

/// What a trail and the VPC flow logs already record, from `aws cloudtrail get-event-selectors`,
/// `aws ec2 describe-flow-logs` and (for the endpoints' VPCs) `aws ec2 describe-vpc-endpoints` output,
/// and which evidence each endpoint of the store still lacks.
public struct EvidenceInventory: Sendable {
    public var advanced: [EventSelector] = []
    /// Basic event selectors' data resources: type → ARN prefixes.
    public var basicData: [String: [String]] = [:]
    /// What the flow logs are attached to (VPC, subnet or network interface ids), active ones only.
    public var flowLogResources: Set<String> = []
    /// Each endpoint's VPC, subnets and network interfaces, where describe-vpc-endpoints says.
    public var endpointPlaces: [VPCEndpointID: Set<String>] = [:]
    public var selectorFiles = 0, flowLogFiles = 0

    public init() {}

    struct Selectors: Decodable {
        struct Basic: Decodable {
            struct Data: Decodable { var `Type`: String?; var Values: [String]? }
            var DataResources: [Data]?
        }
        var AdvancedEventSelectors: [EventSelector]?
        var EventSelectors: [Basic]?
    }
    struct FlowLogs: Decodable {
        struct Log: Decodable { var ResourceId: String?; var FlowLogStatus: String? }
        var FlowLogs: [Log]
    }
    struct Endpoints: Decodable {
        struct Endpoint: Decodable {
            var VpcEndpointId: String, VpcId: String?, SubnetIds: [String]?, NetworkInterfaceIds: [String]?
        }
        var VpcEndpoints: [Endpoint]
    }

    /// Adds one file's content, recognized by its members; false when it is none of the three outputs.
    public mutating func add(_ text: String) -> Bool {
        let data = Data(text.utf8), decoder = JSONDecoder()
        if let s = try? decoder.decode(Selectors.self, from: data), s.AdvancedEventSelectors != nil || s.EventSelectors != nil {
            advanced += s.AdvancedEventSelectors ?? []
            for d in (s.EventSelectors ?? []).flatMap({ $0.DataResources ?? [] }) {
                if let type = d.Type { basicData[type, default: []] += d.Values ?? [] }
            }
            selectorFiles += 1
            return true
        }
        if let f = try? decoder.decode(FlowLogs.self, from: data) {
            flowLogResources.formUnion(f.FlowLogs.filter { ($0.FlowLogStatus ?? "ACTIVE") == "ACTIVE" }.compactMap(\.ResourceId))
            flowLogFiles += 1
            return true
        }
        if let e = try? decoder.decode(Endpoints.self, from: data) {
            for endpoint in e.VpcEndpoints where VPCEndpointID.isIssuedForm(endpoint.VpcEndpointId) {
                let places = [endpoint.VpcId].compactMap { $0 } + (endpoint.SubnetIds ?? []) + (endpoint.NetworkInterfaceIds ?? [])
                endpointPlaces[VPCEndpointID(endpoint.VpcEndpointId), default: []].formUnion(places)
            }
            return true
        }
        return false
    }

    /// One line per endpoint of `accesses` and kind of evidence it lacks (network activity of each of its
    /// event sources, data events for what it reached, flow logs for its VPC); an endpoint with all of it says so.
    /// A source CloudTrail logs no network activity events for (not in `sources`) is said to be so.
    public func gaps(_ accesses: [ObservedAccess], sources: NetworkActivitySources = .shared) -> [String] {
        var lines: [String] = []
        let byEndpoint = Dictionary(grouping: accesses.filter { $0.endpoint != nil }, by: { $0.endpoint! })
        for (endpoint, mine) in byEndpoint.sorted(by: { $0.key < $1.key }) {
            var missing: [String] = []
            for source in Set(mine.map(\.eventSource)).sorted() {
                guard sources.lists(source) else {
                    missing.append("network activity of \(source): not available (CloudTrail logs none for this service: "
                                   + "its data or management events and flow logs are the evidence)")
                    continue
                }
                if let gap = networkGap(source, endpoint) { missing.append(gap) }
            }
            for scope in SelectorPlanner.dataScopes(mine) {
                if let gap = dataGap(scope) { missing.append(gap) }
            }
            if let gap = flowGap(endpoint) { missing.append(gap) }
            if missing.isEmpty { missing = ["every kind of evidence is recorded"] }
            lines += missing.map { "\(endpoint.rawValue): \($0)" }
        }
        return lines
    }

    func networkGap(_ source: String, _ endpoint: VPCEndpointID) -> String? {
        guard selectorFiles > 0 else { return "network activity of \(source): unknown (no get-event-selectors output)" }
        let matching = advanced.filter { s in
            s.equals("eventCategory") == ["NetworkActivity"] && (s.equals("eventSource")?.contains(source) ?? false)
                && (s.FieldSelectors.first { $0.Field == "vpcEndpointId" }.map { $0.Equals?.contains(endpoint.rawValue) ?? false } ?? true)
        }
        if matching.contains(where: { s in !s.FieldSelectors.contains { ["errorCode", "eventName"].contains($0.Field) } }) { return nil }
        if !matching.isEmpty {
            return "network activity of \(source): only some calls (filtered by errorCode or eventName): `perimeter selectors`"
        }
        return "network activity of \(source): missing (`perimeter selectors` prints the selector)"
    }

    func dataGap(_ scope: SelectorPlanner.DataScope) -> String? {
        guard selectorFiles > 0 else { return "\(scope.type) data events: unknown (no get-event-selectors output)" }
        let prefixes = basicData[scope.type] ?? []
        let unlogged = scope.values.keys.sorted().filter { value in
            !prefixes.contains { value.hasPrefix($0) } && !advanced.contains { covers($0, type: scope.type, value: value) }
        }
        if unlogged.isEmpty { return nil }
        return "\(scope.type) data events: missing for \(unlogged.count) of the \(scope.values.count) resources reached (first: "
            + "\(unlogged[0].visible())): `perimeter selectors`"
    }

    /// Whether an advanced selector logs every data event of `type` on `value` (an ARN or an ARN prefix ending in `/`).
    func covers(_ s: EventSelector, type: String, value: String) -> Bool {
        guard s.equals("eventCategory") == ["Data"], s.equals("resources.type") == [type] else { return false }
        let others = s.FieldSelectors.filter { !["eventCategory", "resources.type", "resources.ARN"].contains($0.Field) }
        guard others.isEmpty else { return false }
        guard let arn = s.FieldSelectors.first(where: { $0.Field == "resources.ARN" }) else { return true }
        guard arn.operators.allSatisfy({ ["Equals", "StartsWith"].contains($0.name) }) else { return false }
        return (arn.Equals ?? []).contains(value) || (arn.StartsWith ?? []).contains { value.hasPrefix($0) }
    }

    func flowGap(_ endpoint: VPCEndpointID) -> String? {
        guard flowLogFiles > 0 else { return "flow logs: unknown (no describe-flow-logs output)" }
        guard let places = endpointPlaces[endpoint] else {
            return "flow logs: unknown (no describe-vpc-endpoints output names its VPC)"
        }
        return places.isDisjoint(with: flowLogResources) ? "flow logs: missing for its VPC, subnets and network interfaces" : nil
    }
}
