// libFuzzer targets for every parser Perimeter feeds with outside input, and the replay's time bound. One
// binary holds them all; `PERIMETER_FUZZ_TARGET` picks one (json, cloudtrail, flowlog, policy, inventory,
// aggregates, replay, outwriter). Built and run by
// `Tests/Fuzz/run.sh`; see the README's section on fuzzing.
import AWSLogs
import AWSModel
import Foundation
import IAMPolicy
import PolicySynthesis
import JSONTape
import Logging
import UsageStore
import Inventory

/// The parsers under test, each a function of the input bytes. A crash, a trap or a sanitizer report
/// is a finding; an `invariant` that does not hold traps on purpose.
enum FuzzTarget: String, CaseIterable {
    case json, cloudtrail, flowlog, policy, inventory, aggregates, replay, outwriter

    func run(_ bytes: [UInt8]) {
        switch self {
        case .json: Self.json(bytes)
        case .cloudtrail: Self.cloudTrail(bytes)
        case .flowlog: Self.flowLog(bytes)
        case .policy: Self.policy(bytes)
        case .inventory: Self.inventory(bytes)
        case .aggregates: Self.aggregates(bytes)
        case .outwriter: Self.outputWriter(bytes)
        case .replay: Self.replay(bytes)
        }
    }

    static func invariant(_ condition: Bool, _ message: @autoclosure () -> String) {
        if !condition { fatalError("invariant: \(message())") }
    }

    static func json(_ bytes: [UInt8]) {
        let sequence = JSONParser.parseSequence(bytes)
        for value in sequence.document.values { walk(value, depth: 0) }
        if let document = try? JSONParser.parse(bytes) { walk(document.values[0], depth: 0) }
    }

    static func walk(_ value: JSONValue, depth: Int) {
        _ = value.string
        for element in value.elements { walk(element, depth: depth + 1) }
        // Lookups by name see only keys written without escapes (by design: CloudTrail writes none), so a
        // member found by name must be one of the decoded members, not the other way round.
        let members = value.members
        for (key, member) in members {
            if let found = value[key] {
                invariant(members.contains { $0.key == key && $0.value.offset == found.offset }, "`\(key)` found elsewhere")
            }
            walk(member, depth: depth + 1)
        }
    }

    static func cloudTrail(_ bytes: [UInt8]) {
        let file = LogFileReader().read(bytes: bytes, path: "fuzz.json")
        for event in file.events {
            for access in event.accesses {
                // Logged text never becomes a wildcard: only Perimeter's own rules make `*`.
                let text = access.resource.text
                invariant(text == PolicyText.anyResource || text.hasSuffix("/*") || PolicyText.literalValue(of: text) != nil,
                          "resource `\(text)` is a pattern")
            }
            invariant(event.vpcEndpointID.map { VPCEndpointID.isWellFormed($0.rawValue) } ?? true, "endpoint id not validated")
        }
    }

    static func flowLog(_ bytes: [UInt8]) {
        var reader = FlowLogReader()
        var number = 0, offset: Int64 = 0
        bytes.withUnsafeBytes { raw in
            var start = 0
            for i in 0...raw.count where i == raw.count || raw[i] == 10 {
                number += 1
                reader.readLine(UnsafeRawBufferPointer(rebasing: raw[start..<i]), number: number, offset: offset)
                offset += Int64(i - start + 1)
                start = i + 1
            }
        }
        for flow in reader.flows() { invariant(flow.bytes >= 0 && flow.packets >= 0, "negative counter") }
    }

    /// The tables of `perimeter ingest --aggregates` (anyone who can write the aggregates' bucket writes
    /// them): the input's NUL-separated sections are the part files of `files`, `access`, `sources`,
    /// `categories`, `flows`, `rejects`, `skipped`, `events` and `network` (with this version's `format` row),
    /// loaded into a new store, which must then read.
    static func aggregates(_ bytes: [UInt8]) {
        let dir = NSTemporaryDirectory() + "perimeter-fuzz-aggregates-\(getpid())"
        try? FileManager.default.removeItem(atPath: dir)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let sections = bytes.split(separator: 0, maxSplits: 8, omittingEmptySubsequences: false)
        let tables = ["files", "access", "sources", "categories", "flows", "rejects", "skipped", "events", "network"]
        for (table, section) in zip(tables, sections) + [("format", ArraySlice(AggregateExchange.formatRow.utf8))] {
            try? FileManager.default.createDirectory(atPath: dir + "/agg/" + table, withIntermediateDirectories: true)
            try? Data(section).write(to: URL(fileURLWithPath: dir + "/agg/\(table)/part-0.json"))
        }
        guard let store = try? UsageStore(path: dir + "/store.sqlite", logger: Logger(label: "fuzz")) else { return }
        let loaded = (try? store.loadAggregates(folder: dir + "/agg")) != nil
        // Whatever was loaded (or nothing, the transaction undone) reads back without a trap or an error.
        invariant((try? store.totals()) != nil && (try? store.observedAccess()) != nil && (try? store.flows()) != nil
                      && (try? store.eventCategories()) != nil && (try? store.dailyRequests()) != nil, "a store that does not read back")
        if loaded { invariant((try? store.loadAggregates(folder: dir + "/agg"))?.alreadyLoaded == true, "aggregates loaded twice") }
    }

    static func policy(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let document = try? PolicyReader.read(text) else { return }
        let written = PolicyWriter.write(document)
        invariant((try? PolicyReader.read(written)) != nil, "a written policy does not read back")
        for kind in PolicyKind.allCases {
            let compiled = CompiledPolicy(document, kind: kind)
            for (action, resource) in [("s3:GetObject", "arn:aws:s3:::b/k"), ("s3:ListBucket", "arn:aws:s3:::b"),
                ("dynamodb:GetItem", "*")] {
                var context = RequestContext(action: action, resource: resource,
                    principal: .from("arn:aws:sts::111122223333:assumed-role/r/s"),
                                             keys: ["aws:SourceVpce": ["vpce-1"], "aws:SourceIp": ["10.0.0.1"]])
                context.unknownKeys = ["aws:principaltag/*"]
                let absent = compiled.evaluate(context).decision
                // Keys the caller does not set turned unknown: a decided answer may only become unevaluable.
                context.unsetKeys = .unknown(absent: AbsentKeys([]))
                let unknown = compiled.evaluate(context).decision
                invariant(unknown == absent || unknown == .unevaluable, "an unknown key changed a decision: \(absent) → \(unknown)")
            }
        }
    }

    /// The replay's time bound: the input's lines are both a draft's resources (one statement, as a
    /// draft naming every table a workload touched) and the requests replayed on it. Matching used to cost
    /// lines × lines; libFuzzer's `-timeout` is the bound. A line that holds no wildcard or variable is
    /// a literal resource of the statement, so its own request must be allowed (unless it starts with
    /// `arn:` without six parts: a malformed ARN pattern matches nothing, as IAM refuses it).
    static func replay(_ bytes: [UInt8]) {
        let lines = bytes.split(separator: 10).map { String(decoding: $0, as: UTF8.self) }
        let policy = CompiledPolicy(PolicyDocument(statements: [
            Statement(sid: "Draft", effect: .allow, principal: .any, action: .actions(["dynamodb:GetItem", "s3:Get*"]),
                resource: .resources(lines)),
        ]))
        for (i, line) in lines.enumerated() {
            let decision = policy.evaluate(RequestContext(action: i % 2 == 0 ? "dynamodb:GetItem" : "s3:GetObject", resource: line))
                .decision
            let malformed = line.hasPrefix("arn:") && line.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false).count < 6
            invariant(decision == .allow || malformed || line.contains { $0 == "*" || $0 == "?" || $0 == "$" },
                      "`\(line)` is in the statement and not allowed")
        }
    }

    /// Stack resources beside the input, so that a CloudFormation template's `Ref`s resolve.
    static let stack = #"""
        {"StackResources":[{"StackId":"arn:aws:cloudformation:us-east-1:111122223333:stack/s/1","LogicalResourceId":"S3Endpoint",\#
        "PhysicalResourceId":"vpce-0d4"}]}
        """#

    static func inventory(_ bytes: [UInt8]) {
        // As the CLI reads an inventory file: gzip, byte-order marks and UTF-16 first.
        let text = String(decoding: (try? TextDecoding.utf8(bytes)) ?? bytes, as: UTF8.self)
        let inventory = InventoryReader.read([(path: "inventory/fuzz.json", text: text), (path: "inventory/vpce-0abc.json", text: text),
                                              (path: "inventory/stack.json", text: stack)])
        for id in inventory.endpoints.keys { invariant(VPCEndpointID.isWellFormed(id.rawValue), "endpoint id `\(id)` not validated") }
    }
}

nonisolated(unsafe) private var selected = FuzzTarget.json

@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<Int32>?,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> Int32 {
    let name = ProcessInfo.processInfo.environment["PERIMETER_FUZZ_TARGET"] ?? "json"
    guard let target = FuzzTarget(rawValue: name) else {
        fatalError("PERIMETER_FUZZ_TARGET `\(name)` is not one of \(FuzzTarget.allCases.map(\.rawValue))")
    }
    selected = target
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    selected.run(bytes)
    return 0
}
