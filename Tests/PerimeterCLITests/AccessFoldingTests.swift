import Testing
import AWSModel
import Foundation
import IAMPolicy
import JSONTape
import Logging
import PerimeterSamples
import PerimeterTestSupport
@testable import PolicySynthesis
import UsageStore
@testable import Inventory

/// Synthesis folds object keys as the store's rows come (`AccessFolding`): the drafts must be the ones the
/// unfolded groups give, at every granularity, with far fewer groups held.
struct AccessFoldingTests {
    static let account = "111122223333", endpoint = "vpce-0aaaabbbbccccdddd"

    /// An S3 request through the endpoint, as a CloudTrail record.
    static func s3(_ name: String, _ bucket: String, _ key: String?, role: String = "app", n: Int, version: Bool = false,
                   denied: Bool = false) -> String {
        var b = TrailRecordBuilder(time: 1_793_000_000 + Int64(n) * 60, source: "s3.amazonaws.com", name: name,
                                   identity: .role(account: account, name: role, session: "i-0123"), sourceIP: "10.0.0.5",
                                   recipient: account, eventID: String(format: "00000000-0000-4000-8000-%012d", n))
        b.endpoint = (endpoint, account)
        let keyJSON = key.map { #","key":"# + JSONString.quote($0) } ?? ""
        b.parameters = #"{"bucketName":"\#(bucket)""# + keyJSON + (version ? #","versionId":"v1""# : "") + "}"
        if let key { b.resources = [(type: "AWS::S3::Object", arn: "arn:aws:s3:::\(bucket)/\(key)", account: nil)] }
        b.resources.append((type: "AWS::S3::Bucket", arn: "arn:aws:s3:::\(bucket)", account: account))
        if denied { b.error = ("AccessDenied", "Access Denied") }
        return b.json
    }

    /// A workload with many keys: two prefixes, flat keys past the prefix limit, versioned reads, single and batch deletes, denials.
    static func workload() -> [String] {
        var records: [String] = [], n = 0
        func add(_ r: (Int) -> String) { n += 1; records.append(r(n)) }
        for i in 0..<300 { add { s3("PutObject", "acme-data", "uploads/\(i)-\(UUID().uuidString).json", n: $0) } }
        for i in 0..<40 { add { s3("GetObject", "acme-data", "config/\(i % 7).yaml", n: $0) } }
        for i in 0..<60 { add { s3("GetObject", "acme-flat", "\(i).bin", role: "reader", n: $0) } }
        for i in 0..<5 { add { s3("GetObject", "acme-flat", "\(i).bin", role: "writer", n: $0) } }
        for i in 0..<20 { add { s3("DeleteObject", "acme-versions", "old/\(i).log", role: "janitor", n: $0) } }
        add { s3("GetObject", "acme-versions", "old/1.log", role: "janitor", n: $0, version: true) }
        add { s3("DeleteObjects", "acme-versions", nil, role: "janitor", n: $0) }
        for i in 0..<30 { add { s3("DeleteObject", "acme-plain", "tmp/\(i)", role: "janitor", n: $0) } }
        add { s3("GetObject", "acme-plain", "tmp/1", role: "janitor", n: $0, version: true) }
        for i in 0..<25 { add { s3("PutObject", "acme-data", "secret/\(i)", role: "intruder", n: $0, denied: true) } }
        return records
    }

    static func store(_ records: [String], flows: [String] = []) async throws -> UsageStore {
        let dir = TestSupport.temporaryDirectory("fold")
        try FileManager.default.createDirectory(atPath: dir + "/logs", withIntermediateDirectories: true)
        try Data(#"{"Records":["# .utf8 + Data(records.joined(separator: ",").utf8) + Data("]}".utf8))
            .write(to: URL(fileURLWithPath: dir + "/logs/trail-export.json"))
        if !flows.isEmpty {
            let header = """
                version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status
                """
            try Data((([header] + flows).joined(separator: "\n") + "\n").utf8)
                .write(to: URL(fileURLWithPath: dir + "/logs/\(account)_vpcflowlogs_us-east-1_fl-1_20261101T0000Z_test.log"))
        }
        let store = try UsageStore(path: dir + "/store.sqlite", logger: Logger(label: "test"))
        _ = try await IngestPipeline(store: store).run(paths: [dir + "/logs"], workers: 1)
        return store
    }

    static func synthesize(_ observed: [ObservedAccess], _ granularity: Granularity, _ inventory: Inventory,
                           foldedExact: Set<VPCEndpointID> = []) -> SynthesisResult {
        var options = SynthesisOptions()
        options.granularity = granularity
        options.trustedAccounts = [AccountID(account)]
        var input = SynthesisInput(observed: observed, inventory: inventory, options: options)
        input.foldedExact = foldedExact
        return Synthesizer.synthesize(input)
    }

    /// The groups as `synthesize` reads them: folded, with their source addresses.
    static func folded(_ store: UsageStore, _ granularity: Granularity, _ inventory: Inventory) throws -> AccessFolding.Collected {
        var collected = try AccessFolding(granularity: granularity, inventory: inventory).collect { each throws(StoreError) in
            try store.accessRows(each)
        }
        collected.accesses = ObservedAccess.withSourceIPs(collected.accesses, from: try store.sources())
        return collected
    }

    /// The same drafts, replay and requests from folded and unfolded groups.
    static func expectSameDrafts(_ a: SynthesisResult, _ b: SynthesisResult) {
        #expect(a.endpoints.map(\.draft) == b.endpoints.map(\.draft))
        #expect(a.endpoints.map(\.replay.requests) == b.endpoints.map(\.replay.requests))
        #expect(a.endpoints.map(\.replay.passed) == b.endpoints.map(\.replay.passed))
        #expect(a.endpoints.map(\.verdict) == b.endpoints.map(\.verdict))
        #expect(a.buckets.map(\.draft) == b.buckets.map(\.draft))
        #expect(a.endpoints.map(\.notes) == b.endpoints.map(\.notes))
        #expect(a.denials.reduce(0) { $0 + $1.requests } == b.denials.reduce(0) { $0 + $1.requests })
    }

    @Test(arguments: [Granularity.exact, .prefix, .bucket])
    func foldedGroupsGiveTheDraftsOfTheKeys(granularity: Granularity) async throws {
        let store = try await Self.store(Self.workload())
        let keys = try store.observedAccess()
        let folded = try Self.folded(store, granularity, Inventory())
        Self.expectSameDrafts(Self.synthesize(folded.accesses, granularity, Inventory()), Self.synthesize(keys, granularity, Inventory()))
        #expect(folded.foldedExact.isEmpty)
        if granularity == .exact { #expect(folded.accesses == keys) } else { #expect(folded.accesses.count * 10 < keys.count) }
    }

    /// The rows come in key order and the fold flushes each principal's run of one action and bucket:
    /// the drafts must still be those of the keys — past the prefix limit (a place counted across
    /// actions), with keys the current policy names, keys with a NUL, keys that are their own pattern.
    @Test(arguments: [Granularity.prefix, .bucket])
    func streamedFoldGivesTheDraftsOfTheKeys(granularity: Granularity) async throws {
        var records = Self.workload(), n = 10_000
        func add(_ key: String, _ role: String = "crawler", name: String = "GetObject") {
            n += 1
            records.append(Self.s3(name, "acme-many", key, role: role, n: n))
        }
        for i in 0..<(SynthesisOptions.prefixLimit + 8) {
            add("p\(i)/\(i).json")
            add("p\(i)/again.json", name: i % 2 == 0 ? "PutObject" : "GetObject")
        }
        for key in ["a\u{0}/b/c", "a\u{0}/b/d", "a/\u{0}b", "a/\u{0}c", "x/*", "x/y/*", "x/y/z", "*", "flat"] { add(key, "odd") }
        for i in 0..<30 { add("p1/\(i)", "odd", name: "PutObject") }
        let store = try await Self.store(records)
        let policy = try PolicyReader.read("""
            {"Version":"2012-10-17","Statement":[
             {"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":["arn:aws:s3:::acme-data/config/1.yaml",\
            "arn:aws:s3:::acme-many/*"]},
             {"Effect":"Allow","Principal":"*","Action":["s3:PutObject","s3:DeleteObject"],"Resource":["arn:aws:s3:::acme-data/uploads/*",\
            "arn:aws:s3:::acme-many/p1/3"]}]}
            """)
        var inventory = Inventory()
        inventory.endpoints[VPCEndpointID(Self.endpoint)] = Inventory.Endpoint(id: VPCEndpointID(Self.endpoint),
            serviceName: "com.amazonaws.us-east-1.s3",
                                                                               owner: AccountID(Self.account), policy: policy)
        for inventory in [Inventory(), inventory] {
            let folded = try Self.folded(store, granularity, inventory).accesses
            #expect(folded.contains { $0.generalized } && folded.contains { !$0.generalized && $0.access.resource.s3ObjectKey != nil })
            #expect(folded.reduce(0) { $0 + $1.count } == Int64(records.count))
            let keys = try store.observedAccess()
            Self.expectSameDrafts(Self.synthesize(folded, granularity, inventory), Self.synthesize(keys, granularity, inventory))
        }
    }

    /// What a resource generalizes to, by granularity (nil: it stays as it is).
    @Test(arguments: [
        ("arn:aws:s3:::b/first/k.json", "arn:aws:s3:::b/first/*", "arn:aws:s3:::b/*"),
        ("arn:aws:s3:::b/first/*", "arn:aws:s3:::b/first/*", "arn:aws:s3:::b/*"),          // its own pattern at `prefix`
        ("arn:aws:s3:::b/first/${*}", "arn:aws:s3:::b/first/*", "arn:aws:s3:::b/*"),       // a logged `*`, escaped
        ("arn:aws:s3:::b//k", "arn:aws:s3:::b//*", "arn:aws:s3:::b/*"),
        ("arn:aws-cn:s3:::b/first/k", "arn:aws-cn:s3:::b/first/*", "arn:aws-cn:s3:::b/*"), // another partition, kept
        ("arn:aws:s3:::b/flat", nil, "arn:aws:s3:::b/*"),
        ("arn:aws:s3:::b/*", nil, nil),
        ("arn:aws:s3:::b", nil, nil),
        ("arn:aws:s3:::/k/x", nil, nil),
        ("arn:aws:dynamodb:us-east-1:111122223333:table/t/x", nil, nil),
        // An object through an access point is no bucket's object: `…:accesspoint/ap1/*` was a pattern of nothing.
        ("arn:aws:s3:us-east-1:111122223333:accesspoint/ap1/object/k/1", nil, nil),
        ("arn:aws-cn:s3:cn-north-1:210987654321:accesspoint/ap1/object/k", nil, nil),
        ("arn:aws:s3::111122223333:accesspoint/mfzwi23gnjvgw.mrap/object/k/1", nil, nil),
    ] as [(String, String?, String?)])
    func generalizedPatternOfAResource(resource: String, prefix: String?, bucket: String?) {
        #expect(Generalization.pattern(of: resource, .prefix) == prefix)
        #expect(Generalization.pattern(of: resource, .bucket) == bucket)
        #expect(Generalization.pattern(of: resource, .exact) == nil)
    }

    /// An inventory that lists `buckets` as the records' account's (a bucket owned only by a record's claim is held).
    static func owning(_ buckets: [String]) -> Inventory {
        var inventory = Inventory()
        for bucket in buckets { inventory.buckets[bucket] = AccountID(account) }
        return inventory
    }

    /// A batch delete logs `bucket/*`; single deletes folded into `bucket/*` are not one, and earn no `s3:DeleteObjectVersion`.
    @Test func foldedDeletesAreNotBatchDeletes() async throws {
        let store = try await Self.store(Self.workload())
        let result = Self.synthesize(try Self.folded(store, .bucket, Self.owning(["acme-versions", "acme-plain"])).accesses, .bucket,
                                     Self.owning(["acme-versions", "acme-plain"]))
        let actions = result.endpoints[0].draft.statements.flatMap { s in (s.resource?.patterns ?? []).map { ($0, s.action.patterns) } }
        #expect(actions.contains { $0.0 == "arn:aws:s3:::acme-versions/*" && $0.1.contains("s3:DeleteObjectVersion") })
        #expect(!actions.contains { $0.0 == "arn:aws:s3:::acme-plain/*" && $0.1.contains("s3:DeleteObjectVersion") })
    }

    /// Where the current policy grants single keys, they stay exact: a fold never widens beyond it.
    @Test func keysTheCurrentPolicyNamesStayExact() async throws {
        let store = try await Self.store(Self.workload())
        let policy = try PolicyReader.read("""
            {"Version":"2012-10-17","Statement":[
             {"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":["arn:aws:s3:::acme-data/config/1.yaml",\
            "arn:aws:s3:::acme-data/config/2.yaml"]},
             {"Effect":"Allow","Principal":"*","Action":["s3:PutObject","s3:DeleteObject","s3:GetObject"],\
            "Resource":["arn:aws:s3:::acme-data/uploads/*","arn:aws:s3:::acme-flat/*","arn:aws:s3:::acme-versions/*",\
            "arn:aws:s3:::acme-plain/*"]}]}
            """)
        var inventory = Inventory()
        inventory.endpoints[VPCEndpointID(Self.endpoint)] = Inventory.Endpoint(id: VPCEndpointID(Self.endpoint),
            serviceName: "com.amazonaws.us-east-1.s3",
                                                                               owner: AccountID(Self.account), policy: policy)
        let folded = try Self.folded(store, .prefix, inventory).accesses
        #expect(folded.contains { $0.access.resource.text == "arn:aws:s3:::acme-data/config/1.yaml" && $0.outcome.wasAuthorized })
        #expect(!folded.contains { $0.access.resource.text == "arn:aws:s3:::acme-data/config/*" && $0.outcome.wasAuthorized })
        Self.expectSameDrafts(Self.synthesize(folded, .prefix, inventory), Self.synthesize(try store.observedAccess(), .prefix, inventory))
    }

    /// At `exact`, an endpoint whose keys no draft could hold is folded to prefixes as it is read, and the draft says so.
    @Test func exactKeysPastWhatADraftHoldsAreFoldedAsRead() async throws {
        var records: [String] = []
        for n in 1...1_500 { records.append(Self.s3("PutObject", "acme-data", "uploads/\(n)-\(UUID().uuidString).json", n: n)) }
        let store = try await Self.store(records)
        let keys = try store.observedAccess()
        let folded = try Self.folded(store, .exact, Inventory())
        #expect(folded.foldedExact == [VPCEndpointID(Self.endpoint)])
        #expect(folded.accesses.count < 10)
        let a = Self.synthesize(folded.accesses, .exact, Inventory(), foldedExact: folded.foldedExact),
            b = Self.synthesize(keys, .exact, Inventory())
        Self.expectSameDrafts(a, b)
        #expect(a.endpoints[0].coarsened.first?.message.description.contains("as they were read") == true)
    }

    /// Two endpoints past what an exact draft holds, their groups interleaved as the store returns them:
    /// folding the second must not move where the first's folded groups are summed.
    @Test func exactFoldingOfASecondEndpointKeepsTheFirstsSums() async throws {
        var records: [String] = []
        for n in 1...3_000 {
            var record = Self.s3(n % 3 == 0 ? "GetObject" : "PutObject", "acme-data", "data/\(n)-\(UUID().uuidString).json", n: n)
            if n % 2 == 0 { record = record.replacingOccurrences(of: Self.endpoint, with: "vpce-0eeeeffff00001111") }
            records.append(record)
        }
        let store = try await Self.store(records)
        let inventory = Self.owning(["acme-data"])
        let folded = try Self.folded(store, .exact, inventory)
        #expect(folded.foldedExact == [VPCEndpointID(Self.endpoint), VPCEndpointID("vpce-0eeeeffff00001111")])
        #expect(folded.accesses.reduce(0) { $0 + $1.count } == 3_000)
        let a = Self.synthesize(folded.accesses, .exact, inventory, foldedExact: folded.foldedExact)
        Self.expectSameDrafts(a, Self.synthesize(try store.observedAccess(), .exact, inventory))
        #expect(a.endpoints.map(\.replay.requests) == [1_500, 1_500])
    }

    /// Flow destinations no endpoint has are summed into one group per source and path (a long window
    /// reaches ever more service addresses); an interface endpoint's address stays apart, and the flow
    /// findings are the ones the unfolded flows give.
    @Test func flowDestinationsNoEndpointHasAreSummed() async throws {
        var flows = (1...300).map { """
            2 \(Self.account) eni-1 10.0.0.5 52.216.\($0 / 250).\($0 % 250) 40000 443 6 10 1000 1793000000 1793000060 ACCEPT OK
            """ }
        flows += (1...5).map { "2 \(Self.account) eni-1 10.0.0.5 10.0.9.9 4000\($0) 443 6 10 1000 1793000000 1793000060 ACCEPT OK" }
        let store = try await Self.store([Self.s3("GetObject", "acme-data", "config/1.yaml", n: 1)], flows: flows)
        let exact = try store.flows(), folded = try store.flows(keeping: ["10.0.9.9"])
        #expect(exact.count == 301)
        #expect(folded.count == 2)
        #expect(folded.reduce(0) { $0 + $1.records } == exact.reduce(0) { $0 + $1.records })
        #expect(folded.first { $0.destinationAddress == "10.0.9.9" }?.records == 5)
        #expect(folded.contains { $0.records == 300 && $0.destinationAddress == "52.216.0.1" })

        var inventory = Inventory()
        let id = VPCEndpointID(Self.endpoint)
        inventory.endpoints[id] = Inventory.Endpoint(id: id, type: "Interface", serviceName: "com.amazonaws.us-east-1.s3",
                                                     owner: AccountID(Self.account), addresses: ["10.0.9.9"])
        func findings(_ flows: [ObservedFlow]) throws -> FlowFindings {
            var input = SynthesisInput(observed: try store.observedAccess(), flows: flows, sources: try store.sources(),
                inventory: inventory)
            input.options.trustedAccounts = [AccountID(Self.account)]
            return Synthesizer.synthesize(input).flows
        }
        let a = try findings(folded), b = try findings(exact)
        #expect(a.sources == b.sources)
        #expect(a.coverageGaps == b.coverageGaps)
        #expect(a.flowRecords == b.flowRecords)
        #expect(!a.sources.isEmpty)
    }
}
