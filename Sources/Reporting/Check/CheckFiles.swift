import AWSModel
import Foundation
import IAMPolicy
public import PolicySynthesis

/// The files `perimeter check` writes to `--out`: per amended endpoint its amended draft and its diff
/// against the applied one, then `report.md` and `findings.json`.
public enum CheckFiles {
    public static func files(_ result: CheckResult) -> [String: String] {
        var files: [String: String] = [:]
        for a in result.amendments {
            let name = a.endpoint.id.rawValue + ".json"
            files["endpoints/" + name] = PolicyWriter.write(a.amended)
            files["endpoints/" + a.endpoint.id.rawValue + ".diff"] = diff(a)
        }
        files["report.md"] = MarkdownRenderer.document(report(result))
        files["findings.json"] = json(result) + "\n"
        return files
    }

    /// The findings as one JSON object (what `--json` prints).
    public static func json(_ result: CheckResult) -> String {
        struct Output: Encodable {
            var since: String?, requests: Int64, notReplayed: Int64, findings: [CheckFinding], unknown: [CheckFinding], amended: [String]
            var notes: [String]
        }
        let output = Output(since: result.since, requests: result.requests, notReplayed: result.notReplayed, findings: result.findings,
                            unknown: result.unknown, amended: result.amendments.map(\.endpoint.id.rawValue), notes: result.notes)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(output)) ?? Data("{}".utf8), as: UTF8.self)
    }

    static func diff(_ a: Amendment) -> String {
        let name = a.endpoint.id.rawValue + ".json"
        var out = "Perimeter: the amended draft \(name) against the applied draft (endpoints/\(name) of --applied)\n"
        out += "statements added: \(a.added.joined(separator: ", "))\n"
        out += "apply to a copy of the applied draft: git apply \(a.endpoint.id.rawValue).diff (or patch -p1)\n\n"
        return out + UnifiedDiff.make(old: PolicyWriter.write(a.endpoint.applied), new: PolicyWriter.write(a.amended),
                                      oldName: "a/\(name)", newName: "b/\(name)")
    }

    static func report(_ r: CheckResult) -> [ReportBlock] {
        var blocks: [ReportBlock] = [.heading(level: 1, "Perimeter check: the applied endpoint policies against newer logs", id: "check")]
        let window: ReportLine = r.since.map { "Requests from \($0) on" } ?? "Every request in the store"
        let counts: ReportLine = "\(r.findings.count) group(s) refused or that the applied drafts would refuse"
        let amended = r.amendments.count
        blocks.append(.paragraph("\(window): \(r.requests) through the applied endpoints; \(counts); \(amended) amended draft(s)."))
        let readmitted = r.findings.filter(\.readmitted), held = r.findings.filter { !$0.readmitted }
        if !readmitted.isEmpty {
            blocks.append(.heading(level: 2, "Re-admitted by the amended drafts", id: "readmitted"))
            blocks.append(.table(table(readmitted, reason: false)))
        }
        if !held.isEmpty {
            blocks.append(.heading(level: 2, "Not re-admitted: a human decides", id: "held"))
            blocks.append(.table(table(held, reason: true)))
        }
        if !r.unknown.isEmpty {
            blocks.append(.heading(level: 2, "Unknown: no resource logged (network activity only)", id: "unknown"))
            let what: ReportLine = "the applied draft allows their action on some resource: whether it allows them is not known"
            blocks.append(.paragraph("\(r.notReplayed) allowed request(s) name no resource; \(what)."))
            blocks.append(.table(table(r.unknown, reason: true)))
        }
        for a in r.amendments {
            var items = [ReportItem("statements added: \(a.added.joined(separator: ", "))")]
            let bound: ReportLine = a.endpoint.beforeKnown ? "current/endpoints of --applied" : "none was known: AWS's full-access default"
            let checked = a.grantCheck.checked
            items.append(ReportItem("grant check against the policy before the applied draft (\(bound)): \(checked) checked, none wider"))
            let id = a.endpoint.id.rawValue
            items.append(ReportItem("files: \(link: "draft", to: "endpoints/\(id).json"), \(link: "diff", to: "endpoints/\(id).diff")"))
            blocks.append(.heading(level: 2, "\(a.endpoint.id.rawValue)", id: a.endpoint.id.rawValue))
            blocks.append(.list(items))
        }
        if !r.notes.isEmpty { blocks += [.heading(level: 2, "Notes", id: "notes"), .list(r.notes.map { ReportItem("\($0)") })] }
        return blocks
    }

    static func table(_ findings: [CheckFinding], reason: Bool) -> ReportTable {
        let header = ["endpoint", "principal", "action", "resources", "requests", "logged"] + (reason ? ["why"] : [])
        let rows: [[ReportLine]] = findings.map { f in
            let resources = f.resources.isEmpty ? "not logged" : ReportLine.joined(f.resources.map { "\(code: $0)" }, separator: ", ")
            return ["\(code: f.endpoint)", "\(code: f.principal)", "\(code: f.action)", resources, "\(f.requests)",
                    "\(f.kind): \(f.logged.joined(separator: ", "))"] + (reason ? ["\(f.reason ?? "")"] : [])
        }
        return ReportTable(header: header, rows: rows, shown: 200, noun: "groups")
    }
}
