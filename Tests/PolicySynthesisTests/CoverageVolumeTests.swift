import Testing
@testable import PolicySynthesis
import AWSModel
import IAMPolicy
@testable import Reporting
@testable import Inventory

/// A flow-log source is explained by the volume of its authorized requests, never by one request.
struct CoverageVolumeTests {
    struct Case: Sendable, CustomStringConvertible {
        var description: String
        var flowBytes: Int64, requests: Int64, bytesIn: Int64, bytesOut: Int64
        var explained: Bool
        var service = "s3"
    }

    static let mb: Int64 = 1_000_000

    static let cases: [Case] = [
        Case(description: "900 MB sent, one small GetObject", flowBytes: 900 * mb, requests: 1, bytesIn: 0, bytesOut: 1024,
             explained: false),
        Case(description: "a 10 MB PutObject: 10.4 MB of packets", flowBytes: 10_400_000, requests: 1, bytesIn: 10 * mb, bytesOut: 0,
             explained: true),
        Case(description: "1 GB downloaded: 20 MB of acknowledgements", flowBytes: 20 * mb, requests: 40, bytesIn: 0, bytesOut: 1000 * mb,
             explained: true),
        Case(description: "downloads do not explain uploads", flowBytes: 900 * mb, requests: 40, bytesIn: 0, bytesOut: 1000 * mb,
             explained: false),
        Case(description: "80 MB logged of 100 MB sent", flowBytes: 100 * mb, requests: 8, bytesIn: 80 * mb, bytesOut: 0, explained: false),
        Case(description: "keepalives of a quiet host", flowBytes: 30_000, requests: 1, bytesIn: 0, bytesOut: 0, explained: true),
        Case(description: "1 MB from a host with one request", flowBytes: mb, requests: 1, bytesIn: 0, bytesOut: 0, explained: false),
        // The store holds its sums at 2^62; a credit past Int64 is held there too, never a trap.
        Case(description: "counts held at the limit never trap", flowBytes: 1 << 62, requests: .max, bytesIn: .max, bytesOut: .max,
             explained: true),
        // DynamoDB's events log no byte count: a request is credited at most an item's 400 KB.
        Case(description: "217 DynamoDB requests, 1 MB sent", flowBytes: mb, requests: 217, bytesIn: 0, bytesOut: 0, explained: true,
             service: "dynamodb"),
        Case(description: "one DynamoDB request, 900 MB sent", flowBytes: 900 * mb, requests: 1, bytesIn: 0, bytesOut: 0, explained: false,
             service: "dynamodb"),
        Case(description: "flow bytes at the limit, nothing logged", flowBytes: 1 << 62, requests: 1, bytesIn: 0, bytesOut: 0,
             explained: false),
    ]

    @Test(arguments: cases)
    func requestsExplainFlowBytesByVolume(_ c: Case) {
        let volume = SourceVolume(endpoint: Fixture.s3Endpoint, sourceIP: "10.0.1.21", requests: c.requests, bytesIn: c.bytesIn,
                                  bytesOut: c.bytesOut)
        #expect(CoverageVolume.explains(credit: CoverageVolume.credit(volume, service: c.service), flowBytes: c.flowBytes) == c.explained)
    }

    static let host = "10.0.3.77"

    /// The host `host` sends `flowBytes` through the S3 gateway endpoint; its role's requests moved `volume`.
    static func run(flowBytes: Int64, _ volume: SourceVolume?, agent: String = "aws-cli") -> SynthesisResult {
        var inventory = Fixture.inventory(policy: VerdictTests.current)
        inventory.bucketPolicies["app-data"] = PolicyDocument(statements: [])
        let flows = [FlowEvidenceTests.flow("10.0.1.21"), FlowEvidenceTests.flow(Self.host, instance: "i-batch", bytes: flowBytes)]
        let sources = [FlowEvidenceTests.source("10.0.1.21"), FlowEvidenceTests.source(Self.host, agent: agent, session: "i-batch")]
        let volumes = [SourceVolume(endpoint: Fixture.s3Endpoint, sourceIP: "10.0.1.21", requests: 1, bytesIn: 0, bytesOut: 0)]
            + (volume.map { [$0] } ?? [])
        return Fixture.run(VerdictTests.observed, inventory: inventory, options: VerdictTests.options, flows: flows, sources: sources,
                           volumes: volumes)
    }

    @Test func aHostWhoseFlowBytesDwarfItsRequestsStaysUnproven() throws {
        let one = SourceVolume(endpoint: Fixture.s3Endpoint, sourceIP: Self.host, requests: 1, bytesIn: 0, bytesOut: 1024)
        let r = Self.run(flowBytes: 900 * Self.mb, one)
        #expect(r.flows.coverageGaps.isEmpty)
        #expect(r.flows.unexplainedVolume.map(\.sourceAddress) == [Self.host])
        let item = try #require(r.endpoints[0].evidenceTable.items.first { $0.code == .flowCoverage })
        #expect(item.status == .missing)
        #expect(item.finding == .unexplainedVolume)
        let credit = CoverageVolume.credit(one, service: "s3")
        #expect(item.detail.description.contains(Self.host))
        #expect(item.detail.description.contains("\(900 * Self.mb - credit) bytes unexplained"))
        #expect(item.remedy?.description.contains("data events") == true)
        #expect(r.endpoints[0].verdict == .review)
        #expect(ReportRenderer.markdown(r).contains("Unexplained volume"))
    }

    @Test func requestsOfComparableVolumeProveCoverage() throws {
        let uploads = SourceVolume(endpoint: Fixture.s3Endpoint, sourceIP: Self.host, requests: 90, bytesIn: 880 * Self.mb, bytesOut: 0)
        let r = Self.run(flowBytes: 900 * Self.mb, uploads)
        #expect(r.flows.coverageGaps.isEmpty && r.flows.unexplainedVolume.isEmpty)
        #expect(r.endpoints[0].evidenceTable.items.first { $0.code == .flowCoverage }?.status == .proven)
        #expect(r.endpoints[0].verdict == .ready)
        #expect(r.flows.sources.first { $0.sourceAddress == Self.host }?.explainedBy.first?.hasPrefix("90 authorized requests") == true)
    }

    /// Before: an AWS-owned need explained any volume, and the Amazon Linux rule took any request's user
    /// agent, a denied or anonymous one's included: one such record from a 900 MB host made its endpoint
    /// ready. A need names a bucket for the draft; the volume it alone would explain stays unproven.
    @Test(arguments: [nil, SourceVolume(endpoint: Fixture.s3Endpoint, sourceIP: host, requests: 1, bytesIn: 0, bytesOut: 1024)])
    func anAWSOwnedNeedExplainedAHostsVolume(_ volume: SourceVolume?) throws {
        let r = Self.run(flowBytes: 900 * Self.mb, volume, agent: "aws-cli/2 Linux/6.1.112-124.190.amzn2023.x86_64")
        #expect(r.flows.sources.first { $0.sourceAddress == Self.host }?.explainedBy.first?.contains("amazon-linux") == true)
        #expect(r.flows.unexplainedVolume.map(\.sourceAddress) == [Self.host])
        #expect(r.endpoints[0].evidenceTable.items.first { $0.code == .flowCoverage }?.status == .missing)
        #expect(r.endpoints[0].verdict != .ready)
    }

    @Test func aHostWithNoAuthorizedRequestIsStillACoverageGap() {
        let r = Self.run(flowBytes: 900 * Self.mb, nil)
        #expect(r.flows.coverageGaps.map(\.sourceAddress) == [Self.host])
        #expect(r.endpoints[0].verdict == .unsafe)
    }
}

/// Default-format (v2) flow records placed in S3's published ranges of the endpoint's Region.
struct DefaultFormatPlacementTests {
    /// A v2 record: no `pkt-dst-aws-service`, `traffic-path` or `vpc-id` (the reader writes `-`).
    static func v2(_ source: String, _ destination: String, bytes: Int64) -> ObservedFlow {
        var flow = FlowEvidenceTests.flow(source, destination, service: "-", path: 0, instance: "-", bytes: bytes)
        flow.vpcID = "-"
        return flow
    }

    /// 52.216.8.1 is in 52.216.0.0/15, S3 of us-east-1; 52.218.0.1 in 52.218.0.0/17, S3 of eu-west-1;
    /// 140.82.112.3 is no S3 address (snapshot of 2026-08-22).
    static let flows = [v2("10.0.1.21", "52.216.8.1", bytes: 1000), v2(CoverageVolumeTests.host, "52.216.8.1", bytes: 450_000_000),
                        v2("10.0.4.4", "52.218.0.1", bytes: 70_000_000), v2("10.0.5.5", "140.82.112.3", bytes: 80_000_000)]

    static func run(_ ranges: ServiceRanges?) -> SynthesisResult {
        var inventory = Fixture.inventory(policy: VerdictTests.current)
        inventory.bucketPolicies["app-data"] = PolicyDocument(statements: [])
        return Fixture.run(VerdictTests.observed, inventory: inventory, options: VerdictTests.options, flows: Self.flows,
                           sources: [FlowEvidenceTests.source("10.0.1.21")], ranges: ranges)
    }

    @Test func theShippedSnapshotPlacesAddressesByServiceAndRegion() {
        let ranges = ServiceRanges.shipped
        #expect(ranges.createDate == "2026-08-22-15-17-05")
        #expect(ranges.place("52.216.8.1") == ServiceRanges.Place(service: "S3", region: "us-east-1"))
        #expect(ranges.place("52.218.0.1") == ServiceRanges.Place(service: "S3", region: "eu-west-1"))
        #expect(ranges.place("3.218.180.7") == ServiceRanges.Place(service: "DYNAMODB", region: "us-east-1"))
        #expect(ranges.place("140.82.112.3") == nil)
        #expect(ranges.place("10.0.1.21") == nil)
        #expect(ranges.place("not an address") == nil)
    }

    @Test func v2RecordsPlacedInTheRegionsS3RangesShowTheGap() {
        let r = Self.run(.shipped)
        // The us-east-1 S3 traffic counts against the endpoint; eu-west-1's and GitHub's do not.
        #expect(r.flows.coverageGaps.map(\.sourceAddress) == [CoverageVolumeTests.host])
        #expect(r.endpoints[0].verdict == .unsafe)
        #expect(r.endpoints[0].evidenceTable.items(.contradicted).map(\.code) == [.flowCoverage])
    }

    @Test func withoutRangesV2RecordsProveNothing() {
        let r = Self.run(nil)
        #expect(r.flows.coverageGaps.isEmpty)
        #expect(r.endpoints[0].evidenceTable.items(.missing).map(\.code) == [.flowCoverage])
    }

    @Test func placedRecordsFromAnotherVPCAloneDoNotTieTheEndpoint() {
        var inventory = Fixture.inventory(policy: VerdictTests.current)
        inventory.bucketPolicies["app-data"] = PolicyDocument(statements: [])
        // No address with authorized requests through the endpoint shows in the flow logs.
        let r = Fixture.run(VerdictTests.observed, inventory: inventory, options: VerdictTests.options,
                            flows: [Self.v2("10.9.9.9", "52.216.8.1", bytes: 5000)], sources: [FlowEvidenceTests.source("10.0.1.21")],
                            ranges: .shipped)
        let item = r.endpoints[0].evidenceTable.items.first { $0.code == .flowCoverage }
        #expect(item?.status == .missing)
        #expect(item?.detail.description.contains("may be another VPC's") == true)
    }

    @Test func aPlacedRecordOfAnotherVPCCountsNotAgainstTheEndpoint() {
        var other = Self.v2(CoverageVolumeTests.host, "52.216.8.1", bytes: 450_000_000)
        other.vpcID = "vpc-0other"
        var inventory = Fixture.inventory(policy: VerdictTests.current)
        inventory.bucketPolicies["app-data"] = PolicyDocument(statements: [])
        let r = Fixture.run(VerdictTests.observed, inventory: inventory, options: VerdictTests.options,
                            flows: [Self.v2("10.0.1.21", "52.216.8.1", bytes: 1000), other],
                            sources: [FlowEvidenceTests.source("10.0.1.21")], ranges: .shipped)
        #expect(r.flows.coverageGaps.isEmpty)
        #expect(r.endpoints[0].evidenceTable.items.first { $0.code == .flowCoverage }?.status == .proven)
    }

    /// A file holding one prefix entry.
    static func file(_ entry: String) -> String { #"{"syncToken": "1", "createDate": "d", "prefixes": [\#(entry)]}"# }

    static let malformed: [(String, String)] = [
        ("not JSON", "{\"syncToken\": "),
        ("not an ip-ranges.json", "[1, 2]"),
        ("no createDate", "{\"syncToken\": \"1\", \"prefixes\": []}"),
        ("a prefix past 32 bits", file(#"{"ip_prefix": "52.216.0.0/40", "region": "us-east-1", "service": "S3"}"#)),
        ("an S3 prefix without a Region", file(#"{"ip_prefix": "52.216.0.0/15", "service": "S3"}"#)),
        ("an address that is not one", file(#"{"ip_prefix": "52.216.0/15", "region": "us-east-1", "service": "S3"}"#)),
        ("no S3 or DynamoDB prefix", file(#"{"ip_prefix": "3.5.140.0/22", "region": "ap-northeast-2", "service": "AMAZON"}"#)),
    ]

    @Test(arguments: malformed)
    func aMalformedIPRangesFileIsRefused(_ c: (String, String)) {
        #expect(throws: ServiceRanges.Malformed.self, "\(c.0)") { try ServiceRanges(json: Array(c.1.utf8)) }
    }

    @Test func anIPv6PrefixPlacesIPv6Addresses() throws {
        // A prefix of the shipped snapshot, alone in a file.
        let prefix = #"{"ipv6_prefix": "2600:1ff8:2c00::/40", "region": "us-east-1", "service": "S3"}"#
        let text = #"{"syncToken": "1", "createDate": "d", "prefixes": [], "ipv6_prefixes": [\#(prefix)]}"#
        let ranges = try ServiceRanges(json: Array(text.utf8))
        #expect(ranges.place("2600:1ff8:2c12::7")?.region == "us-east-1")
        #expect(ranges.place("2600:1ff8:2d00::1") == nil)
        #expect(ServiceRanges.shipped.place("2600:1ff8:2c12::7")?.service == "S3")
    }
}
