import Testing
import AWSModel
import Foundation
import IAMPolicy
import Logging
import PerimeterSamples
import PerimeterTestSupport
import PolicySynthesis
import UsageStore
@testable import Inventory

/// The sample scenario with and without the network activity events of its calls: the network events
/// of calls already logged prove their path and change nothing else.
struct NetworkActivitySampleTests {
    /// Writes `files` (relative path → bytes) under `dir`.
    static func write(_ files: [String: [UInt8]], under dir: String) throws {
        for (path, bytes) in files {
            let target = dir + "/" + path
            let folder = (target as NSString).deletingLastPathComponent
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try Data(bytes).write(to: URL(fileURLWithPath: target))
        }
    }

    /// The drafts from the store, read as `run` reads it.
    static func synthesize(_ store: UsageStore, _ inventory: Inventory) throws -> SynthesisResult {
        let sources = try store.sources(sums: false)
        let input = SynthesisInput(observed: try store.observedAccess(), flows: try store.flows(), sources: sources,
                                   eventCategories: try store.eventCategories(), inventory: inventory)
        return Synthesizer.synthesize(input)
    }

    @Test func networkEventsOfLoggedCallsChangeNoCountAndLowerNoVerdict() async throws {
        let dir = TestSupport.temporaryDirectory("network-sample")
        let scenario = SampleScenario()
        try Self.write(scenario.files(), under: dir + "/logs")
        let network = scenario.networkActivity()
        #expect(network.count >= 7)
        try Self.write(network, under: dir + "/network")
        let files = scenario.inventory().map { (path: $0.key, text: String(decoding: $0.value, as: UTF8.self)) }
        let inventory = InventoryReader.read(files)
        let store = try UsageStore(path: dir + "/store.sqlite", logger: Logger(label: "test"))
        _ = try await IngestPipeline(store: store).run(paths: [dir + "/logs"], workers: 2)
        let before = try Self.synthesize(store, inventory)
        let requests = try store.observedAccess().reduce(0) { $0 + $1.count }
        // The sample itself holds network events: some joined, some alone, one refused.
        let sampled = try store.networkEvidence()
        #expect(sampled.joined > 0 && sampled.networkOnly > 0)
        _ = try await IngestPipeline(store: store).run(paths: [dir + "/network"], workers: 2)
        let after = try Self.synthesize(store, inventory)

        #expect(try store.observedAccess().reduce(0) { $0 + $1.count } == requests)
        let evidence = try store.networkEvidence()
        #expect(evidence.joined > sampled.joined && evidence.networkOnly == sampled.networkOnly)
        #expect(before.endpoints.count == after.endpoints.count && !before.endpoints.isEmpty)
        for (b, a) in zip(before.endpoints, after.endpoints) {
            #expect(a.endpoint.id == b.endpoint.id)
            #expect(a.requests == b.requests, "\(a.endpoint.id.rawValue)")
            #expect(a.verdict <= b.verdict, "\(a.endpoint.id.rawValue): \(b.verdict.rawValue) → \(a.verdict.rawValue)")
            #expect(a.draft == b.draft, "\(a.endpoint.id.rawValue)")
        }
        for (b, a) in zip(before.buckets, after.buckets) { #expect(a.verdict <= b.verdict, "\(a.bucket)") }
        #expect(after.review.count == before.review.count)
    }
}
