import Testing
@testable import PolicySynthesis
import AWSModel

struct FlowEvidenceTests {
    static func flow(_ src: String, _ dst: String = "s3-service", service: String = "S3", path: Int = 7, instance: String = "i-1",
                     bytes: Int64 = 1000) -> ObservedFlow {
        ObservedFlow(day: "2026-11-01", interfaceID: "eni-1", instanceID: instance, vpcID: "vpc-1", sourceAddress: src,
            destinationAddress: dst,
                     destinationPort: 443, proto: 6, action: "ACCEPT", trafficPath: path, destinationService: service,
                     flowDirection: "egress",
                     records: 2, packets: 10, bytes: bytes, firstSeen: 1_793_491_200, lastSeen: 1_793_491_260)
    }

    static func source(_ ip: String, endpoint: VPCEndpointID? = Fixture.s3Endpoint, agent: String = "aws-cli",
        session: String = "i-1") -> ObservedSource {
        ObservedSource(endpoint: endpoint, principalARN: Fixture.app.arn, sessionName: session, sourceIP: ip, userAgent: agent,
                       count: 1, firstSeen: 1_793_491_200, lastSeen: 1_793_491_200)
    }

    static let observed = [Fixture.access("s3:GetObject", "arn:aws:s3:::app-data/k")]

    @Test func aSourceWithoutCloudTrailRequestsIsACoverageGap() {
        let result = Fixture.run(Self.observed,
            flows: [Self.flow("10.0.1.21"), Self.flow("10.0.3.77", instance: "i-batch", bytes: 9_000_000)],
                                 sources: [Self.source("10.0.1.21")])
        #expect(result.flows.coverageGaps.map(\.sourceAddress) == ["10.0.3.77"])
        #expect(result.unsafeCoverageGaps)
        #expect(result.flows.sources.first { $0.sourceAddress == "10.0.1.21" }?.principals == [Fixture.app.arn])
    }

    @Test func noFalseAlarmWhenCoverageIsComplete() {
        let result = Fixture.run(Self.observed, flows: [Self.flow("10.0.1.21")], sources: [Self.source("10.0.1.21")])
        #expect(result.flows.coverageGaps.isEmpty)
        #expect(result.flows.bypass.isEmpty)
        #expect(!result.unsafeCoverageGaps)
    }

    @Test func acceptingCoverageGapsIsExplicit() {
        var options = SynthesisOptions()
        options.acceptCoverageGaps = true
        let result = Fixture.run(Self.observed, options: options, flows: [Self.flow("10.0.3.77")], sources: [])
        #expect(!result.flows.coverageGaps.isEmpty)
        #expect(!result.unsafeCoverageGaps)
    }

    @Test func internetGatewayTrafficToS3IsBypass() {
        let result = Fixture.run(Self.observed, flows: [Self.flow("10.0.4.40", "s3-service", path: 8, instance: "i-legacy")],
                                 sources: [Self.source("203.0.113.40", endpoint: nil, session: "i-legacy")])
        #expect(result.flows.bypass.map(\.sourceAddress) == ["10.0.4.40"])
        #expect(result.flows.bypass.first?.principals == [Fixture.app.arn])
    }

    @Test func trafficToS3ThroughANATGatewayIsBypass() {
        let result = Fixture.run(Self.observed, flows: [Self.flow("10.0.9.9", "s3-service", path: 1, instance: "i-nat-user")], sources: [])
        #expect(result.flows.bypass.map(\.trafficPath) == [1])
        #expect(result.flows.coverageGaps.isEmpty)
    }

    @Test func amazonLinuxHostsThroughTheEndpointGetTheirRepositoriesInferred() throws {
        let result = Fixture.run(Self.observed, flows: [Self.flow("10.0.1.21")],
                                 sources: [Self.source("10.0.1.21", agent: "aws-sdk-java Linux/6.1.112-124.190.amzn2023.x86_64")])
        #expect(result.flows.inferred.map(\.bucket).contains("al2023-repos-us-east-1-de612dc2"))
        let draft = PolicyWriterText.text(result.endpoints[0].draft)
        #expect(draft.contains("arn:aws:s3:::al2023-repos-us-east-1-de612dc2/*"))
        #expect(result.flows.notNeeded.contains { $0.contains("amazonlinux-2-repos-us-east-1") })
        #expect(result.awsOwned.contains { $0.inferred && $0.service == "Amazon Linux" })
    }

    @Test func withoutEvidenceNoCatalogEntryEntersTheDraft() {
        let result = Fixture.run(Self.observed, flows: [Self.flow("10.0.1.21")], sources: [Self.source("10.0.1.21")])
        #expect(result.flows.inferred.isEmpty)
        #expect(!PolicyWriterText.text(result.endpoints[0].draft).contains("al2023"))
    }

    @Test func ecrPullsThroughTheEndpointInferTheLayerBucket() {
        var observed = Self.observed
        observed.append(Fixture.access("ecr:GetDownloadUrlForLayer", "arn:aws:ecr:us-east-1:111122223333:repository/app", endpoint: nil))
        let result = Fixture.run(observed, flows: [Self.flow("10.0.1.21")], sources: [Self.source("10.0.1.21")])
        #expect(result.flows.inferred.map(\.bucket) == ["prod-us-east-1-starport-layer-bucket"])
    }

    @Test func interfaceEndpointUseIsSeenThroughItsAddresses() {
        var inventory = Fixture.inventory()
        let sqs = VPCEndpointID("vpce-sqs")
        inventory.endpoints[sqs] = Inventory.Endpoint(id: sqs, type: "Interface", serviceName: "com.amazonaws.us-east-1.sqs",
            vpcID: "vpc-1",
                                                      owner: Fixture.prod, addresses: ["10.0.8.10"])
        let result = Fixture.run(Self.observed, inventory: inventory, flows: [Self.flow("10.0.5.50", "10.0.8.10", service: "", path: 1)],
                                 sources: [Self.source("10.0.1.21")])
        #expect(result.flows.sources.contains { $0.endpoint == sqs && $0.sourceAddress == "10.0.5.50" })
        #expect(result.flows.coverageGaps.contains { $0.endpoint == sqs })
    }
}

import IAMPolicy
@testable import Inventory

enum PolicyWriterText {
    static func text(_ p: PolicyDocument) -> String { PolicyWriter.write(p) }
}
