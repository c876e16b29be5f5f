import AWSModel
import Foundation
import Inventory
public import PolicySynthesis

/// The drafts that are not ready as SARIF 2.1.0, one result per draft, for GitHub code scanning and
/// other SARIF viewers: *unsafe* is an error, *review* a warning, each located at its draft file and
/// carrying its reason codes; then each possible exfiltration attempt, a warning (`SARIF+Exfiltration.swift`).
public enum SARIF {
    struct Log: Encodable {
        var schema = "https://json.schemastore.org/sarif-2.1.0.json"
        var version = "2.1.0"
        var runs: [Run]
        enum CodingKeys: String, CodingKey { case schema = "$schema", version, runs }
    }
    /// A run; `properties.omittedResults` counts the drafts and the attempts past ``ListCap/items`` (the worst and the
    /// first seen are kept).
    struct Run: Encodable { var tool: Tool; var results: [Result]; var properties: [String: Int]? }
    struct Tool: Encodable { var driver: Driver }
    struct Driver: Encodable {
        var name = "Perimeter"
        var version: String
        var informationUri = "https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-access.html"
        var rules: [Rule]
    }
    struct Text: Encodable { var text: String }
    struct Rule: Encodable {
        var id: String
        var name: String
        var shortDescription: Text
        var fullDescription: Text
        var defaultConfiguration: [String: String]
    }
    struct Result: Encodable {
        var ruleId: String
        var ruleIndex: Int
        var level: String
        var message: Text
        var locations: [Location]
        var partialFingerprints: [String: String]
        /// `evidence`: the draft's evidence items not proven, `code: status` (stable codes, as in summary.json); for a
        /// possible exfiltration attempt, `denial`: its owner, endpoint, error code, outcome, requests and times.
        var properties: [String: [String]]
    }
    struct Location: Encodable { var physicalLocation: Physical }
    struct Physical: Encodable { var artifactLocation: Artifact; var region: Region }
    struct Artifact: Encodable { var uri: String }
    struct Region: Encodable { var startLine: Int }

    static let unsafeText = "An item of evidence the draft needs is contradicted: the replay or the grant check failed, flow logs "
        + "show traffic the draft would refuse, or a lock met an endpoint that is not yours. Do not apply it."
    static let reviewText = "An item of evidence the draft needs is missing (data events, flow-log fields, a long enough window, the "
        + "current policy, given trusted accounts, …); the result's properties name each, the report says how to get it."

    static let rules = [
        Rule(id: "draft-unsafe", name: "DraftUnsafe",
            shortDescription: Text(text: "A draft policy would break traffic or grant more than today"),
             fullDescription: Text(text: unsafeText), defaultConfiguration: ["level": "error"]),
        Rule(id: "draft-review", name: "DraftNeedsReview",
            shortDescription: Text(text: "The logs cannot vouch for everything a draft policy governs"),
             fullDescription: Text(text: reviewText), defaultConfiguration: ["level": "warning"]),
        exfiltrationRule,
    ]

    /// The log for `result`, with each draft located under `out` (the `--out` folder as given, so that a
    /// relative one is relative to the repository CI runs in).
    public static func log(_ result: SynthesisResult, out: String, toolVersion: String) -> String {
        let folder = out.hasSuffix("/") ? String(out.dropLast()) : out
        let drafts = ChangeFiles.drafts(result), files = drafts.map(\.file)
        let tables = Dictionary(zip(files, result.endpoints.map(\.evidenceTable) + result.buckets.map(\.evidenceTable)),
                                uniquingKeysWith: { a, _ in a })
        let notReady = ListCap.first(drafts.filter { $0.verdict != .ready }) {
            $0.verdict != $1.verdict ? $0.verdict > $1.verdict : ($0.file < $1.file)
        }
        let results = notReady.shown.map { d in
            let unsafe = d.verdict == .unsafe
            let reasons = d.reasons.map { "\($0.code): \($0.message)" }.joined(separator: "; ")
            return Result(ruleId: unsafe ? "draft-unsafe" : "draft-review", ruleIndex: unsafe ? 0 : 1, level: unsafe ? "error" : "warning",
                          message: Text(
                              text: "\(d.kind.isEndpoint ? "Endpoint" : "Bucket") \(d.id.visible()): \(d.verdict.rawValue). \(reasons)"),
                          locations: [
                              Location(physicalLocation: Physical(artifactLocation: Artifact(uri: uri(folder + "/" + d.file)),
                              region: Region(startLine: 1)))],
                          partialFingerprints: ["perimeterDraft/v1": "\(d.kind.isEndpoint ? "endpoint" : "bucket")/\(d.id)"],
                          properties: ["evidence": (tables[d.file]?.items ?? []).filter { $0.status != .proven }
                                                        .map { "\($0.code): \($0.status.rawValue)" }])
        }
        let attempts = exfiltrationResults(result, folder: folder), omitted = notReady.more + attempts.more
        let log = Log(runs: [Run(tool: Tool(driver: Driver(version: toolVersion, rules: rules)), results: results + attempts.shown,
                                 properties: omitted == 0 ? nil : ["omittedResults": omitted])])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(log)) ?? Data(), as: UTF8.self) + "\n"
    }

    /// A relative path as it is (SARIF's URI reference, relative to the run's folder); an absolute one as a file URI.
    static func uri(_ path: String) -> String {
        path.hasPrefix("/") ? URL(fileURLWithPath: path).absoluteString : path.split(separator: "/").filter { $0 != "." }
            .joined(separator: "/")
    }
}
