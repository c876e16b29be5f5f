import AWSModel

/// Joins flow records to endpoints and to the principals CloudTrail shows from the same addresses:
/// who uses each endpoint, coverage gaps, bypass, and AWS-owned buckets called for by evidence.
enum FlowEvidence {
    struct Context {
        var endpoints: [Inventory.Endpoint]
        var regionOf: (Inventory.Endpoint) -> String
        var observed: [ObservedAccess]
        var sources: [ObservedSource]
        var catalog: AWSOwnedCatalog
    }

    /// Flow service names (`pkt-dst-aws-service`) by endpoint service.
    static let flowService = ["s3": "S3", "dynamodb": "DYNAMODB"]

    static func analyze(_ flows: [ObservedFlow], _ c: Context) -> FlowFindings {
        var findings = FlowFindings()
        findings.flowRecords = flows.reduce(0) { $0 + $1.records }
        let egress = flows.filter { $0.action == "ACCEPT" && ($0.flowDirection.isEmpty || $0.flowDirection == "egress") }

        // Principals by address and by instance (EC2 role sessions are named after the instance).
        var principalsByIP: [String: Set<String>] = [:]
        var principalsByInstance: [String: Set<String>] = [:]
        var requestIPsByEndpoint: [String: Set<String>] = [:]
        for s in c.sources {
            principalsByIP[s.sourceIP, default: []].insert(s.principalARN)
            if s.sessionName.hasPrefix("i-") { principalsByInstance[s.sessionName, default: []].insert(s.principalARN) }
            if let e = s.endpoint { requestIPsByEndpoint[e.rawValue, default: []].insert(s.sourceIP) }
        }
        func principals(_ ip: String, _ instances: Set<String>) -> [String] {
            var p = principalsByIP[ip] ?? []
            for i in instances { p.formUnion(principalsByInstance[i] ?? []) }
            return p.sorted()
        }

        // Who uses each endpoint.
        var sourcesByEndpoint: [String: [String: [ObservedFlow]]] = [:]
        for endpoint in c.endpoints {
            let matching: [ObservedFlow]
            if endpoint.isGateway, let service = endpoint.service.flatMap({ flowService[$0] }) {
                matching = egress.filter { $0.destinationService == service && ($0.trafficPath == 7 || $0.trafficPath == 2)
                    && (endpoint.vpcID == nil || $0.vpcID.isEmpty || $0.vpcID == endpoint.vpcID) }
            } else if !endpoint.addresses.isEmpty {
                let addresses = Set(endpoint.addresses)
                matching = egress.filter { addresses.contains($0.destinationAddress) }
            } else {
                matching = []
            }
            for flow in matching { sourcesByEndpoint[endpoint.id.rawValue, default: [:]][flow.sourceAddress, default: []].append(flow) }
        }
        for (endpoint, bySource) in sourcesByEndpoint.sorted(by: { $0.key < $1.key }) {
            for (ip, group) in bySource.sorted(by: { $0.key < $1.key }) {
                let instances = Set(group.map(\.instanceID).filter { !$0.isEmpty && $0 != "-" })
                let source = EndpointSource(endpoint: endpoint, sourceAddress: ip, interfaces: Array(Set(group.map(\.interfaceID))).sorted(),
                                            instances: instances.sorted(), principals: principals(ip, instances),
                                            bytes: group.reduce(0) { $0.addingSaturated($1.bytes) }, flows: group.reduce(0) { $0 + $1.records },
                                            firstSeen: group.map(\.firstSeen).min()!, lastSeen: group.map(\.lastSeen).max()!)
                findings.sources.append(source)
                if !(requestIPsByEndpoint[endpoint]?.contains(ip) ?? false) {
                    findings.coverageGaps.append(CoverageGap(
                        endpoint: endpoint, sourceAddress: ip, instances: source.instances, bytes: source.bytes,
                        firstSeen: source.firstSeen, lastSeen: source.lastSeen,
                        reason: "traffic through the endpoint but no CloudTrail request through it from this address "
                            + "(data events off for what it reaches, or unsigned requests); the draft would refuse whatever it does"))
                }
            }
        }

        // Bypass: S3/DynamoDB traffic through an internet gateway (path 8), path 2 where the VPC has no gateway
        // endpoint, or path 1 (a same-VPC hop: a NAT gateway) to the service's public addresses.
        let gatewayVPCs = Set(c.endpoints.filter(\.isGateway).compactMap { e in e.service.flatMap { flowService[$0] }.map { "\(e.vpcID ?? "") \($0)" } })
        var bypassGroups: [String: [ObservedFlow]] = [:]
        for flow in egress where ["S3", "DYNAMODB"].contains(flow.destinationService) {
            let viaGateway = flow.trafficPath == 2 && (gatewayVPCs.contains("\(flow.vpcID) \(flow.destinationService)") || gatewayVPCs.contains(" \(flow.destinationService)"))
            guard flow.trafficPath == 8 || flow.trafficPath == 1 || (flow.trafficPath == 2 && !viaGateway) else { continue }
            bypassGroups["\(flow.sourceAddress) \(flow.destinationService) \(flow.trafficPath)", default: []].append(flow)
        }
        for (_, group) in bypassGroups.sorted(by: { $0.key < $1.key }) {
            let f = group[0]
            let instances = Set(group.map(\.instanceID).filter { !$0.isEmpty && $0 != "-" })
            findings.bypass.append(Bypass(sourceAddress: f.sourceAddress, instances: instances.sorted(), service: f.destinationService,
                                          destinations: Array(Set(group.map(\.destinationAddress))).sorted(), trafficPath: f.trafficPath,
                                          bytes: group.reduce(0) { $0.addingSaturated($1.bytes) }, firstSeen: group.map(\.firstSeen).min()!,
                                          lastSeen: group.map(\.lastSeen).max()!, principals: principals(f.sourceAddress, instances)))
        }

        // Evidence per address for services that need AWS-owned buckets.
        var triggers: [String: [String: String]] = [:]   // ip → trigger → evidence
        for s in c.sources {
            if let release = s.amazonLinux {
                triggers[s.sourceIP, default: [:]]["amazon-linux:\(release.rawValue)"] = "user agent `\(s.userAgent)` from \(s.principalARN)"
            }
        }
        var ipsByPrincipal: [String: Set<String>] = [:]
        for s in c.sources { ipsByPrincipal[s.principalARN, default: []].insert(s.sourceIP) }
        for a in c.observed where a.outcome.wasAuthorized {
            let trigger: String? = switch a.access.action.description.lowercased() {
            case "ecr:getdownloadurlforlayer", "ecr:batchgetimage": "ecr-pull"
            case "ssm:updateinstanceinformation": "ssm-agent"
            case "cloudformation:signalresource": "cloudformation-wait"
            default: nil
            }
            guard let trigger else { continue }
            for ip in ipsByPrincipal[a.principal.arn] ?? [] {
                triggers[ip, default: [:]][trigger] = "\(a.count) × \(a.access.action) by \(a.principal.arn)"
            }
        }
        var supported = Set<String>()
        let logged = Set(c.observed.compactMap { ARN($0.access.resource)?.s3BucketName })
        for endpoint in c.endpoints where endpoint.service == "s3" {
            let region = c.regionOf(endpoint)
            for (ip, _) in sourcesByEndpoint[endpoint.id.rawValue] ?? [:] {
                for (trigger, evidence) in (triggers[ip] ?? [:]).sorted(by: { $0.key < $1.key }) {
                    let parts = trigger.split(separator: ":", maxSplits: 1).map(String.init)
                    for entry in c.catalog.entries(trigger: parts[0]) where parts.count == 1 || Self.variant(entry, parts[1]) {
                        let bucket = entry.bucketName(region: region)
                        supported.insert("\(entry.service) \(bucket)")
                        if logged.contains(bucket) { continue }
                        findings.inferred.append(InferredAWSOwned(
                            endpoint: endpoint.id.rawValue, service: entry.service, feature: entry.feature, bucket: bucket,
                            evidence: "\(ip) sends S3 traffic through \(endpoint.id); \(evidence)"))
                    }
                }
            }
        }
        findings.inferred = Array(Set(findings.inferred)).sorted { ($0.endpoint, $0.bucket, $0.evidence) < ($1.endpoint, $1.bucket, $1.evidence) }
        // Keep one piece of evidence per (endpoint, bucket).
        var seen = Set<String>()
        findings.inferred = findings.inferred.filter { seen.insert("\($0.endpoint) \($0.bucket)").inserted }
        let regions = Set(c.endpoints.filter { $0.service == "s3" }.map(c.regionOf))
        for entry in c.catalog.entries {
            for region in regions.sorted() {
                let bucket = entry.bucketName(region: region)
                if !supported.contains("\(entry.service) \(bucket)") && !logged.contains(bucket) {
                    findings.notNeeded.append("\(entry.service): \(entry.feature) (`\(bucket)`)")
                }
            }
        }
        return findings
    }

    /// Whether a catalog entry belongs to the Amazon Linux version the evidence shows.
    static func variant(_ entry: AWSOwnedCatalog.Entry, _ variant: String) -> Bool {
        switch variant {
        case "2023": entry.feature.contains("2023")
        case "AL1": entry.feature.hasPrefix("AL1")
        default: entry.feature.contains(variant)
        }
    }
}
