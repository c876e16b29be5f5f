import AWSModel
import PolicySynthesis

extension SARIF {
    static let exfiltrationText = "A write to an S3 bucket outside the trusted accounts (or of no known owner) was denied: what an "
        + "exfiltration attempt through an endpoint looks like in CloudTrail. The drafts keep refusing it; who tried deserves a look."

    /// Its level is a warning: the drafts refuse the writes, so no draft is at fault; a person looks at who tried.
    static let exfiltrationRule = Rule(
        id: "possible-exfiltration", name: "PossibleExfiltration",
        shortDescription: Text(text: "A write to a bucket outside the trusted accounts was denied"),
        fullDescription: Text(text: exfiltrationText), defaultConfiguration: ["level": "warning"])

    /// One result per possible exfiltration attempt (``SynthesisResult/possibleExfiltration``, first seen first, at
    /// most ``ListCap/items`` as ``ListCap/exfiltration(_:)`` picks them), located at the draft of the endpoint it
    /// went through, or at the report when that endpoint has no draft. Logged text stays a JSON string, shown escaped
    /// in the message (`visible()`).
    static func exfiltrationResults(_ result: SynthesisResult, folder: String) -> (shown: [Result], more: Int) {
        let ruleIndex = rules.firstIndex { $0.id == exfiltrationRule.id }!   // the rule is in `rules`
        let drafts = Dictionary(ChangeFiles.drafts(result).filter(\.kind.isEndpoint).map { ($0.id, $0.file) },
                                uniquingKeysWith: { a, _ in a })
        let attempts = ListCap.exfiltration(result.possibleExfiltration)
        let results = attempts.shown.map { d in
            let file = d.endpoint.flatMap { drafts[$0.rawValue] } ?? "report.md"
            let owner = "owner: \(d.owner?.rawValue ?? "unknown")\(ReportRenderer.claimed(d))"
            let facts = [owner, "endpoint: \(d.endpoint?.rawValue ?? "none")",
                         "errorCode: \(d.errorCode ?? "none")", "outcome: \(d.outcome.rawValue)", "requests: \(d.requests)",
                         "firstSeen: \(ReportRenderer.time(d.firstSeen))", "lastSeen: \(ReportRenderer.time(d.lastSeen))"]
            let message = "Possible exfiltration: \(d.principal.visible()) was denied \(d.action.visible()) on "
                + "\(d.resource.visible()) (\(facts.joined(separator: ", ").visible()))."
            return Result(ruleId: exfiltrationRule.id, ruleIndex: ruleIndex, level: "warning", message: Text(text: message),
                          locations: [Location(physicalLocation: Physical(artifactLocation: Artifact(uri: uri(folder + "/" + file)),
                                                                          region: Region(startLine: 1)))],
                          partialFingerprints: ["perimeterExfiltration/v1": fingerprint([d.endpoint?.rawValue ?? "", d.principal, d.action,
                                                                                          d.resource])],
                          properties: ["denial": facts])
        }
        return (results, attempts.more)
    }

    /// The SHA-256 of `fields`, each its length then its bytes: a stable key of logged text that carries none of it.
    static func fingerprint(_ fields: [String]) -> String {
        SHA256.hex(fields.flatMap { withUnsafeBytes(of: Int64($0.utf8.count).littleEndian, Array.init) + Array($0.utf8) })
    }
}
