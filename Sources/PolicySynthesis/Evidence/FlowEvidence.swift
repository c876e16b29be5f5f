import AWSModel
import Inventory

/// Joins flow records to endpoints and to the principals CloudTrail shows from the same addresses:
/// who uses each endpoint, coverage gaps, bypass, and AWS-owned buckets called for by evidence.
enum FlowEvidence {
    struct Context {
        var endpoints: [Inventory.Endpoint]
        var regionOf: (Inventory.Endpoint) -> String
        var observed: [ObservedAccess]
        var sources: [ObservedSource]
        var catalog: AWSOwnedCatalog
        /// What each address's authorized requests through each endpoint moved.
        var volumes: [SourceVolume] = []
    }

    /// By endpoint, then address: the AWS-owned needs its logged calls imply, each as its rule and source.
    typealias Needs = [VPCEndpointID: [String: Set<String>]]

    /// Flow service names (`pkt-dst-aws-service`) by endpoint service.
    static let flowService = ["s3": "S3", "dynamodb": "DYNAMODB"]

    /// `traffic-path` values (VPC flow logs version 5) Perimeter reads.
    enum TrafficPath {
        /// Through a resource in the same VPC (a NAT gateway, for public service addresses).
        static let sameVPC = 1
        /// Through an internet gateway or a gateway VPC endpoint.
        static let internetGatewayOrGatewayEndpoint = 2
        /// Through a VPC endpoint (gateway endpoints in some Regions) or a transit gateway attachment.
        static let endpoint = 7
        /// Through an internet gateway.
        static let internetGateway = 8
    }

    /// Who uses each endpoint, coverage gaps, bypass, AWS-owned buckets the evidence calls for, and
    /// catalog entries nothing supports.
    static func analyze(_ flows: [ObservedFlow], _ c: Context) -> FlowFindings {
        var findings = FlowFindings()
        findings.flowRecords = flows.reduce(0) { $0 + $1.records }
        let egress = flows.filter { $0.action == "ACCEPT" && ($0.flowDirection.isEmpty || $0.flowDirection == "egress") }
        let people = PrincipalIndex(c.sources, authorized: c.observed)
        let byEndpoint = sourcesByEndpoint(egress, c.endpoints, regionOf: c.regionOf)
        findings.bypass = bypass(egress, c.endpoints, people)
        let logged = Set(c.observed.compactMap(\.access.resource.s3BucketName))
        // A host routes S3 through an endpoint when its flows go there, or its own authorized requests did.
        var routed = byEndpoint.mapValues { Set($0.keys).reduce(into: [String: String]()) { $0[$1] = "sends S3 traffic through" } }
        for (endpoint, ips) in people.requestIPsByEndpoint {
            for ip in ips where routed[endpoint]?[ip] == nil { routed[endpoint, default: [:]][ip] = "made authorized S3 requests through" }
        }
        var needs = Needs()
        let (inferred, supported) = inferAWSOwned(routed, triggers(c), logged: logged, c, needs: &needs)
        let (pulls, pulled) = imagePulls(c, logged: logged, needs: &needs)
        var seen = Set(inferred.map { "\($0.endpoint) \($0.bucket)" })
        findings.inferred = inferred + pulls.filter { seen.insert("\($0.endpoint) \($0.bucket)").inserted }
        findings.notNeeded = notNeeded(c, supported: supported.union(pulled), logged: logged)
        let volumes = Dictionary(c.volumes.map { ("\($0.endpoint) \($0.sourceIP)", $0) }, uniquingKeysWith: { a, _ in a })
        let services = Dictionary(c.endpoints.map { ($0.id, $0.service) }, uniquingKeysWith: { a, _ in a })
        (findings.sources, findings.coverageGaps, findings.unexplainedVolume) = sourcesAndGaps(byEndpoint, people, volumes, needs,
                                                                                               services: services)
        return findings
    }

    /// Principals by address and by instance (EC2 role sessions are named after the instance), and the
    /// addresses each endpoint's authorized CloudTrail requests came from.
    struct PrincipalIndex {
        var byIP: [String: Set<String>] = [:]
        var byInstance: [String: Set<String>] = [:]
        var requestIPsByEndpoint: [VPCEndpointID: Set<String>] = [:]

        /// An address explains its endpoint traffic only through a principal with authorized requests
        /// through that endpoint: an anonymous, unauthenticated or denied request closes no gap.
        init(_ sources: [ObservedSource], authorized observed: [ObservedAccess]) {
            struct Key: Hashable { var endpoint: VPCEndpointID; var principal: String }
            let authorized = Set(observed.compactMap { a in
                a.endpoint.flatMap { e in
                    a.outcome.wasAuthorized && a.principal.kind != .anonymous ? Key(endpoint: e, principal: a.principal.arn) : nil
                }
            })
            for s in sources {
                byIP[s.sourceIP, default: []].insert(s.principalARN)
                if s.sessionName.hasPrefix("i-") { byInstance[s.sessionName, default: []].insert(s.principalARN) }
                if let e = s.endpoint, authorized.contains(Key(endpoint: e, principal: s.principalARN)) {
                    requestIPsByEndpoint[e, default: []].insert(s.sourceIP)
                }
            }
        }

        func principals(_ ip: String, _ instances: Set<String>) -> [String] {
            var p = byIP[ip] ?? []
            for i in instances { p.formUnion(byInstance[i] ?? []) }
            return p.sorted()
        }
    }

    /// Whether `flows` can be tied to `endpoint`: for a gateway endpoint, records of its VPC that carry
    /// `pkt-dst-aws-service` and `traffic-path`, or default-format (v2) records placed in the service's
    /// published ranges of its Region (``ServiceRanges``) that come from an address whose authorized
    /// requests went through it (`requestIPs`: a v2 record names no VPC, that address shows the flow logs
    /// see the endpoint's); for an interface endpoint, records of its VPC or to its network interfaces'
    /// addresses. Other v2 records prove nothing.
    static func tie(_ flows: [ObservedFlow], _ endpoint: Inventory.Endpoint, region: String, requestIPs: Set<String>) -> FlowTie {
        guard let vpc = endpoint.vpcID else {
            return .untied("the endpoint is not in the inventory: its VPC and its flows cannot be told apart",
                           remedy: "add \(value: "aws ec2 describe-vpc-endpoints") output to the inventory")
        }
        if endpoint.isGateway {
            if flows.contains(where: { $0.vpcID == vpc && !$0.destinationService.isEmpty && $0.trafficPath > 0 }) { return .tied }
            let placed = flows.filter { f in
                f.placedRegion == region && f.destinationService == endpoint.service.flatMap { flowService[$0] } && mayBeIn(f, vpc: vpc)
            }
            if placed.contains(where: { requestIPs.contains($0.sourceAddress) }) { return .tied }
            if !placed.isEmpty {
                return .untied("default-format flow records reach the service's published address ranges of \(value: region), but none "
                                   + "from an address whose authorized requests went through the endpoint: they may be another VPC's",
                               remedy: Verdicts.gatewayFields)
            }
            return .untied("no flow record of \(value: vpc) carries \(value: "pkt-dst-aws-service") and "
                                              + "\(value: "traffic-path"): traffic to the service cannot be told apart "
                                              + "(default-format flow logs prove nothing here)",
                                          remedy: Verdicts.gatewayFields)
        }
        guard !endpoint.addresses.isEmpty else {
            return .untied("the endpoint's network interfaces are not in the inventory: its flows cannot be told apart",
                           remedy: "add \(value: "aws ec2 describe-network-interfaces") output to the inventory")
        }
        let addresses = Set(endpoint.addresses)
        let tied = flows.contains { $0.vpcID == vpc || addresses.contains($0.destinationAddress) }
        return tied ? .tied : .untied("no flow record of \(value: vpc) or to the endpoint's network interfaces",
                                      remedy: "enable VPC flow logs for \(value: vpc)")
    }

    /// Flows into each endpoint, by source address: gateway endpoints by service and traffic path, or
    /// default-format records placed in the service's ranges of the endpoint's Region (they name no VPC:
    /// they count against each such endpoint); interface endpoints by their network interfaces' addresses.
    static func sourcesByEndpoint(_ egress: [ObservedFlow], _ endpoints: [Inventory.Endpoint],
                                  regionOf: (Inventory.Endpoint) -> String) -> [VPCEndpointID: [String: [ObservedFlow]]] {
        var result: [VPCEndpointID: [String: [ObservedFlow]]] = [:]
        for endpoint in endpoints {
            let matching: [ObservedFlow]
            if endpoint.isGateway, let service = endpoint.service.flatMap({ flowService[$0] }) {
                let region = regionOf(endpoint)
                matching = egress.filter { $0.destinationService == service && (
                    ($0.trafficPath == TrafficPath.endpoint || $0.trafficPath == TrafficPath.internetGatewayOrGatewayEndpoint)
                        && (endpoint.vpcID == nil || $0.vpcID.isEmpty || $0.vpcID == endpoint.vpcID)
                    || $0.placedRegion == region && Self.mayBeIn($0, vpc: endpoint.vpcID)) }
            } else if !endpoint.addresses.isEmpty {
                let addresses = Set(endpoint.addresses)
                matching = egress.filter { addresses.contains($0.destinationAddress) }
            } else {
                matching = []
            }
            for flow in matching { result[endpoint.id, default: [:]][flow.sourceAddress, default: []].append(flow) }
        }
        return result
    }

    /// Each endpoint's sources; those with no authorized request through it and no AWS-owned need that
    /// explains them (coverage gaps); and those whose requests' volume does not explain their flow bytes
    /// (``CoverageVolume``) and no need does (unexplained volume).
    static func sourcesAndGaps(_ byEndpoint: [VPCEndpointID: [String: [ObservedFlow]]], _ people: PrincipalIndex,
                               _ volumes: [String: SourceVolume], _ needs: Needs,
                               services: [VPCEndpointID: String?]) -> ([EndpointSource], [CoverageGap], [CoverageGap]) {
        var sources: [EndpointSource] = [], gaps: [CoverageGap] = [], unexplained: [CoverageGap] = []
        for (endpoint, bySource) in byEndpoint.sorted(by: { $0.key < $1.key }) {
            for (ip, group) in bySource.sorted(by: { $0.key < $1.key }) {
                let instances = Self.instances(group)
                var source = EndpointSource(endpoint: endpoint, sourceAddress: ip, interfaces: Array(Set(group.map(\.interfaceID)))
                    .sorted(),
                                            instances: instances.sorted(), principals: people.principals(ip, instances),
                                            bytes: group.reduce(0) { $0.addingSaturated($1.bytes) },
                                            flows: group.reduce(0) { $0 + $1.records },
                                            firstSeen: group.map(\.firstSeen).min()!, lastSeen: group.map(\.lastSeen).max()!)
                let volume = volumes["\(endpoint) \(ip)"], credit = CoverageVolume.credit(volume, service: services[endpoint] ?? nil)
                let byVolume = volume.map { _ in CoverageVolume.explains(credit: credit, flowBytes: source.bytes) } ?? false
                source.explainedBy = byVolume ? ["\(volume?.requests ?? 0) authorized requests, \(credit) bytes credited"]
                    : (needs[endpoint]?[ip] ?? []).sorted()
                sources.append(source)
                guard !byVolume else { continue }
                let (gap, unexplainedVolume) = shortfall(source, volume, credit: credit)
                if unexplainedVolume { unexplained.append(gap) } else { gaps.append(gap) }
            }
        }
        return (sources, gaps, unexplained)
    }

    /// Why `source`'s bytes are not explained by its authorized requests' volume: unexplained volume (some
    /// requests, or only AWS-owned needs) or a coverage gap (nothing at all).
    static func shortfall(_ source: EndpointSource, _ volume: SourceVolume?, credit: Int64) -> (gap: CoverageGap, volume: Bool) {
        var gap = CoverageGap(endpoint: source.endpoint, sourceAddress: source.sourceAddress, instances: source.instances,
                              bytes: source.bytes, firstSeen: source.firstSeen, lastSeen: source.lastSeen, reason: "")
        (gap.requests, gap.creditedBytes) = (volume?.requests ?? 0, volume == nil ? 0 : credit)
        if !source.explainedBy.isEmpty {
            // An AWS-owned need says why a host reaches AWS's buckets, not how much: no log counts those bytes, and
            // the needs are read per principal, not per address. It names the bucket for the draft; the volume
            // stays unproven (review), never proven by it.
            gap.reason = "\(source.bytes - gap.creditedBytes) of its \(source.bytes) bytes are explained only by AWS-owned needs "
                + "(\(source.explainedBy.joined(separator: "; "))), whose volume no log shows"
            return (gap, true)
        }
        if let volume {
            gap.reason = "\(volume.requests) authorized requests through the endpoint account for \(credit) of its "
                + "\(source.bytes) bytes (\(Int(CoverageVolume.share * 100))% needed): \(source.bytes - credit) bytes unexplained "
                + "(data events off for what it reaches, or traffic the draft would refuse)"
            return (gap, true)
        }
        gap.reason = "traffic through the endpoint but no authorized CloudTrail request through it from this address "
            + "(data events off for what it reaches, or unsigned requests); the draft would refuse whatever it does"
        return (gap, false)
    }

    /// Whether a flow may be of `vpc`: its own, or one it does not name (`-` or empty in default-format records).
    static func mayBeIn(_ flow: ObservedFlow, vpc: String?) -> Bool {
        flow.vpcID.isEmpty || flow.vpcID == "-" || vpc == nil || flow.vpcID == vpc
    }

    static func instances(_ group: [ObservedFlow]) -> Set<String> {
        Set(group.map(\.instanceID).filter { !$0.isEmpty && $0 != "-" })
    }

    /// S3/DynamoDB traffic no endpoint policy sees: through an internet gateway, through path 2 where
    /// the VPC has no gateway endpoint, or a same-VPC hop (a NAT gateway) to the service's public addresses.
    static func bypass(_ egress: [ObservedFlow], _ endpoints: [Inventory.Endpoint], _ people: PrincipalIndex) -> [Bypass] {
        let gatewayVPCs = Set(endpoints.filter(\.isGateway)
            .compactMap { e in e.service.flatMap { flowService[$0] }.map { "\(e.vpcID ?? "") \($0)" } })
        var groups: [String: [ObservedFlow]] = [:]
        for flow in egress where flowService.values.contains(flow.destinationService) {
            let path = flow.trafficPath
            let viaGateway = path == TrafficPath.internetGatewayOrGatewayEndpoint
                && (gatewayVPCs.contains("\(flow.vpcID) \(flow.destinationService)") || gatewayVPCs.contains(" \(flow.destinationService)"))
            guard path == TrafficPath.internetGateway || path == TrafficPath.sameVPC
                    || (path == TrafficPath.internetGatewayOrGatewayEndpoint && !viaGateway) else { continue }
            groups["\(flow.sourceAddress) \(flow.destinationService) \(path)", default: []].append(flow)
        }
        return groups.sorted(by: { $0.key < $1.key }).map { _, group in
            let f = group[0]
            let instances = Self.instances(group)
            return Bypass(sourceAddress: f.sourceAddress, instances: instances.sorted(), service: f.destinationService,
                          destinations: Array(Set(group.map(\.destinationAddress))).sorted(), trafficPath: f.trafficPath,
                          bytes: group.reduce(0) { $0.addingSaturated($1.bytes) }, firstSeen: group.map(\.firstSeen).min()!,
                          lastSeen: group.map(\.lastSeen).max()!, principals: people.principals(f.sourceAddress, instances))
        }
    }

    /// Evidence per address for services that need AWS-owned buckets: address → trigger → evidence
    /// (image pulls are placed by their caller instead, see ``imagePulls(_:logged:)``).
    static func triggers(_ c: Context) -> [String: [String: String]] {
        var triggers: [String: [String: String]] = [:]
        var releases: [String: AmazonLinuxRelease?] = [:]   // by user agent: a few agents, read once each
        for s in c.sources {
            let release: AmazonLinuxRelease?
            if let known = releases[s.userAgent] { release = known } else {
                release = s.amazonLinux
                releases[s.userAgent] = release
            }
            if let release {
                triggers[s.sourceIP,
                    default: [:]]["amazon-linux:\(release.rawValue)"] = "user agent `\(s.userAgent)` from \(s.principalARN)"
            }
        }
        var ipsByPrincipal: [String: Set<String>] = [:]
        for s in c.sources { ipsByPrincipal[s.principalARN, default: []].insert(s.sourceIP) }
        for a in c.observed where a.outcome.wasAuthorized {
            let trigger: String? = switch a.access.action.description.lowercased() {
            case "ssm:updateinstanceinformation": "ssm-agent"
            case "cloudformation:signalresource": "cloudformation-wait"
            default: nil
            }
            guard let trigger else { continue }
            for ip in ipsByPrincipal[a.principal.arn] ?? [] {
                triggers[ip, default: [:]][trigger] = "\(a.count) × \(a.access.action) by \(a.principal.arn)"
            }
        }
        return triggers
    }

    /// AWS-owned buckets a host's evidence calls for on an S3 endpoint it routes S3 through (`routed`:
    /// endpoint → address → how that is known), one piece of evidence per (endpoint, bucket); and every
    /// (service, bucket) the evidence supports.
    static func inferAWSOwned(_ routed: [VPCEndpointID: [String: String]], _ triggers: [String: [String: String]],
                              logged: Set<String>, _ c: Context, needs: inout Needs) -> ([InferredAWSOwned], Set<String>) {
        var inferred: [InferredAWSOwned] = []
        var supported = Set<String>()
        for endpoint in c.endpoints where endpoint.service == "s3" {
            let region = c.regionOf(endpoint)
            for (ip, how) in routed[endpoint.id] ?? [:] {
                for (trigger, evidence) in (triggers[ip] ?? [:]).sorted(by: { $0.key < $1.key }) {
                    let parts = trigger.split(separator: ":", maxSplits: 1).map(String.init)
                    let entries = c.catalog.entries(trigger: parts[0], region: region)
                    for entry in entries where parts.count == 1 || Self.variant(entry, parts[1]) {
                        let bucket = entry.bucketName(region: region)
                        supported.insert("\(entry.service) \(bucket)")
                        needs[endpoint.id, default: [:]][ip, default: []].insert("rule \(trigger) (\(entry.source))")
                        if logged.contains(bucket) { continue }
                        inferred.append(InferredAWSOwned(
                            endpoint: endpoint.id, service: entry.service, feature: entry.feature, bucket: bucket,
                            evidence: "\(ip) \(how) \(endpoint.id); \(evidence)"))
                    }
                }
            }
        }
        var seen = Set<String>()
        let unique = Array(Set(inferred)).sorted { ($0.endpoint, $0.bucket, $0.evidence) < ($1.endpoint, $1.bucket, $1.evidence) }
        return (unique.filter { seen.insert("\($0.endpoint) \($0.bucket)").inserted }, supported)
    }

    /// Rule `ecr-pull`: an authorized `ecr:GetDownloadUrlForLayer` or `ecr:BatchGetImage` means the
    /// caller then fetches the image's layers from the AWS-owned layer bucket through the S3 gateway
    /// endpoint of its VPC, which its CloudTrail never shows (catalog source: the ECR VPC endpoint
    /// documentation). The caller's VPC is that of the endpoint its ECR call went through, else of the
    /// S3 endpoints its own requests went through, else every S3 gateway endpoint of its account and
    /// Region (a call from a NAT address places it no closer). Flow logs are not needed.
    /// Each caller's addresses get the need on the endpoints found (`needs`).
    static func imagePulls(_ c: Context, logged: Set<String>, needs: inout Needs) -> ([InferredAWSOwned], Set<String>) {
        let s3 = c.endpoints.filter { $0.service == "s3" }
        guard !s3.isEmpty else { return ([], []) }
        var usedBy: [String: Set<VPCEndpointID>] = [:]
        for a in c.observed where a.outcome.wasAuthorized && a.access.action.service.lowercased() == "s3" {
            if let e = a.endpoint { usedBy[a.principal.arn, default: []].insert(e) }
        }
        let vpcOf = Dictionary(c.endpoints.compactMap { e in e.vpcID.map { (e.id, $0) } }, uniquingKeysWith: { a, _ in a })
        var inferred: [InferredAWSOwned] = [], supported = Set<String>()
        var ipsByPrincipal: [String: Set<String>] = [:]
        for s in c.sources { ipsByPrincipal[s.principalARN, default: []].insert(s.sourceIP) }
        let pulls = ["getdownloadurlforlayer", "batchgetimage"]
        for a in c.observed where a.outcome.wasAuthorized && a.access.action.service.lowercased() == "ecr"
            && pulls.contains(a.access.action.name.lowercased()) {
            let (placed, how) = placement(a, s3: s3, vpcOf: vpcOf, usedBy: usedBy)
            for endpoint in placed {
                // The catalog's entries of the endpoint's partition: none where its sources document none.
                let region = c.regionOf(endpoint)
                for entry in c.catalog.entries(trigger: "ecr-pull", region: region) {
                    let bucket = entry.bucketName(region: region)
                    supported.insert("\(entry.service) \(bucket)")
                    for ip in ipsByPrincipal[a.principal.arn] ?? [] {
                        needs[endpoint.id, default: [:]][ip, default: []].insert("rule ecr-pull (\(entry.source))")
                    }
                    guard !logged.contains(bucket) else { continue }
                    let evidence = "rule ecr-pull (\(entry.source)): \(a.count) × \(a.access.action) by \(a.principal.arn); \(how)"
                    inferred.append(InferredAWSOwned(endpoint: endpoint.id, service: entry.service, feature: entry.feature,
                                                     bucket: bucket, evidence: evidence))
                }
            }
        }
        var seen = Set<String>()
        let unique = inferred.sorted { ($0.endpoint, $0.bucket, $0.evidence) < ($1.endpoint, $1.bucket, $1.evidence) }
        return (unique.filter { seen.insert("\($0.endpoint) \($0.bucket)").inserted }, supported)
    }

    /// The S3 endpoints of an ECR caller's VPC, and how they were found.
    static func placement(_ a: ObservedAccess, s3: [Inventory.Endpoint], vpcOf: [VPCEndpointID: String],
                          usedBy: [String: Set<VPCEndpointID>]) -> ([Inventory.Endpoint], String) {
        if let via = a.endpoint, let vpc = vpcOf[via] {
            let same = s3.filter { $0.vpcID == vpc }
            if !same.isEmpty { return (same, "its ECR call went through \(via) in \(vpc)") }
        }
        let used = s3.filter { usedBy[a.principal.arn]?.contains($0.id) ?? false }
        if !used.isEmpty { return (used, "the same principal's S3 requests go through that endpoint") }
        let account = a.principal.account ?? a.recipientAccount
        let local = s3.filter { e in e.isGateway && e.owner != nil && e.owner == account && (e.region == nil || e.region == a.region) }
        return (local, "an S3 gateway endpoint of the caller's account and Region (the call came from outside any endpoint)")
    }

    /// Catalog entries nothing in the logs supports, for the Regions of the S3 endpoints.
    static func notNeeded(_ c: Context, supported: Set<String>, logged: Set<String>) -> [String] {
        let regions = Set(c.endpoints.filter { $0.service == "s3" }.map(c.regionOf))
        var result: [String] = []
        for entry in c.catalog.entries {
            for region in regions.sorted() where entry.partitions.contains(Partition.of(region: region) ?? Partition.standard) {
                let bucket = entry.bucketName(region: region)
                if !supported.contains("\(entry.service) \(bucket)") && !logged.contains(bucket) {
                    result.append("\(entry.service): \(entry.feature) (`\(bucket)`)")
                }
            }
        }
        return result
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
