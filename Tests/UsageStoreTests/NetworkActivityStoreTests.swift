import Testing
@testable import UsageStore
import AWSLogs
import AWSModel
import Foundation
import Logging
import PerimeterTestSupport

/// Network activity events in the store: one call, one request, whatever file each record arrives in,
/// in any order, over any number of runs.
struct NetworkActivityStoreTests {
    static let endpoint = "vpce-0a1b2c3d4e5f60718"

    /// A CloudTrail record of an S3 call through the endpoint: its data event (resource named) or its
    /// network activity event (no resource, as AWS logs them).
    static let role = #"{"type":"AssumedRole","arn":"arn:aws:sts::111122223333:assumed-role/App/i-1","accountId":"111122223333","#
        + #""sessionContext":{"sessionIssuer":{"type":"Role","arn":"arn:aws:iam::111122223333:role/App","accountId":"111122223333"}}}"#

    static func record(id: String, request: String?, network: Bool, name: String = "GetObject", time: String = "2026-11-02T10:00:00Z",
                       error: String? = nil) -> String {
        let kind = network ? #""eventType":"AwsVpceEvent","eventCategory":"NetworkActivity""#
            : #""eventType":"AwsApiCall","eventCategory":"Data","requestParameters":{"bucketName":"bucket-a","key":"k/1"}"#
        let requestField = request.map { #","requestID":""# + $0 + #"""# } ?? ""
        let errorField = error.map { #","errorCode":""# + $0 + #"","errorMessage":"denied by a VPC endpoint policy""# } ?? ""
        return #"{"eventVersion":"1.09","userIdentity":"# + role + #","eventTime":""# + time
            + #"","eventSource":"s3.amazonaws.com","eventName":""# + name + #"","awsRegion":"us-east-1","sourceIPAddress":"10.0.1.5","#
            + #""eventID":""# + id + #"""# + requestField + errorField + ","
            + kind + #","recipientAccountId":"111122223333","vpcEndpointId":""# + endpoint + #"","vpcEndpointAccountId":"111122223333"}"#
    }

    static let data = record(id: "e-data", request: "REQ1", network: false)
    static let network = record(id: "e-net", request: "REQ1", network: true)

    /// Writes each file (its records) under a new folder and ingests them, run by run.
    static func ingest(_ runs: [[[String]]]) async throws -> UsageStore {
        let dir = TestSupport.temporaryDirectory()
        let store = try UsageStore(path: dir + "/store.sqlite", logger: Logger(label: "test"))
        for (r, files) in runs.enumerated() {
            let logs = dir + "/run\(r)"
            try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
            for (f, records) in files.enumerated() {
                let text = #"{"Records":["# + records.joined(separator: ",") + "]}"
                try text.write(toFile: logs + "/f\(f).json", atomically: true, encoding: .utf8)
            }
            _ = try await IngestPipeline(store: store).run(paths: [logs], workers: 2)
        }
        return store
    }

    /// The layouts a call's two records can arrive in: one file either order, two files, two runs either order.
    static let layouts: [(String, [[[String]]])] = [
        ("one file, data first", [[[data, network]]]),
        ("one file, network first", [[[network, data]]]),
        ("two files", [[[data], [network]]]),
        ("data run, then network run", [[[data]], [[network]]]),
        ("network run, then data run", [[[network]], [[data]]]),
        ("everything twice", [[[data], [network]], [[network, data]]]),
    ]

    @Test(arguments: layouts.indices)
    func networkEventOfALoggedCallAddsNoRequest(_ index: Int) async throws {
        let (name, runs) = Self.layouts[index]
        let store = try await Self.ingest(runs)
        let access = try store.observedAccess()
        #expect(access.reduce(0) { $0 + $1.count } == 1, "\(name)")
        #expect(access.allSatisfy { !$0.networkOnly && $0.access.resource.s3BucketName == "bucket-a" }, "\(name)")
        var evidence = NetworkEvidence()
        evidence.joined = 1
        #expect(try store.networkEvidence() == evidence, "\(name)")
        // The service's network activity is still seen (it proves the path).
        #expect(try store.eventCategories().contains { $0.service == "s3" && $0.category == "NetworkActivity" })
    }

    @Test func networkOnlyCallIsARequestWithoutResource() async throws {
        let denied = Self.record(id: "e-denied", request: "REQ3", network: true, name: "PutObject", error: "VpceAccessDenied")
        let store = try await Self.ingest([[[Self.record(id: "e-alone", request: "REQ2", network: true), denied]]])
        let access = try store.observedAccess()
        #expect(access.count == 2)
        #expect(access.allSatisfy { $0.networkOnly && $0.access.resource == .notLogged && $0.endpoint?.rawValue == Self.endpoint })
        #expect(access.first { $0.access.action.name == "GetObject" }?.outcome.wasAuthorized == true)
        #expect(access.first { $0.access.action.name == "PutObject" }?.outcome == .deniedByEndpointPolicy)
        var evidence = NetworkEvidence()
        evidence.networkOnly = 2
        #expect(try store.networkEvidence() == evidence)
    }

    /// The join is by request id and the call: another API's record with the same request id, a record
    /// more than a second away, or a network event without a request id stays a request of its own.
    @Test func joinNeedsTheSameCall() async throws {
        let otherName = Self.record(id: "e-n1", request: "REQ1", network: true, name: "HeadObject")
        let later = Self.record(id: "e-n2", request: "REQ1", network: true, time: "2026-11-02T10:00:05Z")
        let noRequest = Self.record(id: "e-n3", request: nil, network: true)
        let store = try await Self.ingest([[[Self.data, otherName, later, noRequest]]])
        let access = try store.observedAccess()
        #expect(access.filter(\.networkOnly).reduce(0) { $0 + $1.count } == 3)
        #expect(access.filter { !$0.networkOnly }.reduce(0) { $0 + $1.count } == 1)
    }

    /// A network event delivered again in another file (same event id and content) is one event.
    @Test func networkEventDeliveredTwiceCountsOnce() async throws {
        let alone = Self.record(id: "e-alone", request: "REQ2", network: true)
        let store = try await Self.ingest([[[alone]], [[alone, Self.data]]])
        let access = try store.observedAccess()
        #expect(access.filter(\.networkOnly).map(\.count) == [1])
    }
}
