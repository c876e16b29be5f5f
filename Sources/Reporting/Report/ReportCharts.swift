import AWSModel
import Foundation
import IAMPolicy
import PolicySynthesis
import Inventory

/// The report's pictures, drawn as inline SVG from escaped values only: what each draft learned from
/// day by day (and the held-out days of a backtest), access before → after, and who reaches which
/// resources through which endpoint. Each carries the same facts as text for report.md.
enum ReportCharts {
    static let blue = "#0969da", amber = "#bf8700", grey = "#8c959f", green = "#1a7f37"

    static func all(_ r: SynthesisResult) -> [ReportChart] {
        guard !r.endpoints.isEmpty else { return [] }
        return [requestsPerDay(r), accessBeforeAfter(r), whoReachesWhat(r)].compactMap { $0 }
    }

    static func x(_ s: String) -> String { HTMLRenderer.escape(s) }

    /// `text` cut to `limit` characters with `…` (the full text is in the element's `<title>`).
    static func short(_ text: String, _ limit: Int) -> String { text.count <= limit ? text : String(text.prefix(limit - 1)) + "…" }

    /// The endpoint's name, service and type from the inventory, under its id in a chart's label column.
    static func caption(_ r: SynthesisResult, _ id: String, y: Int) -> String {
        guard let label = r.endpoints.first(where: { $0.endpoint.id.rawValue == id })?.endpoint.label, !label.isEmpty else { return "" }
        return "<text x=\"0\" y=\"\(y)\" font-size=\"10\" fill=\"#57606a\">\(x(short(label, 32)))<title>\(x(label))</title></text>"
    }

    /// ` (app-s3 · s3 Gateway)` for a chart's text, or nothing when the inventory says nothing of the endpoint.
    static func named(_ r: SynthesisResult, _ id: String) -> ReportLine {
        guard let label = r.endpoints.first(where: { $0.endpoint.id.rawValue == id })?.endpoint.label, !label.isEmpty else { return "" }
        return " (\(label))"
    }

    // MARK: requests per day

    static func days(_ r: SynthesisResult) -> [String] {
        guard let logged = r.loggedDays, var t = Timestamp.parseISO8601(logged.first + "T00:00:00Z"),
              let end = Timestamp.parseISO8601(logged.last + "T00:00:00Z") else { return Array(Set(r.dailyRequests.map(\.day))).sorted() }
        var days: [String] = []
        while t <= end, days.count < 400 { days.append(Timestamp.day(t)); t += 86_400 }
        return days
    }

    static func requestsPerDay(_ r: SynthesisResult) -> ReportChart? {
        let days = days(r)
        guard !days.isEmpty else { return nil }
        let endpoints = r.endpoints.map(\.endpoint.id.rawValue).sorted(by: naturalOrder)
        var counts: [String: [String: Int64]] = [:]
        for d in r.dailyRequests { counts[d.endpoint.rawValue, default: [:]][d.day, default: 0] += d.requests }
        let heldOut = r.endpoints.compactMap(\.backtest).first.map { $0.from...$0.through }
        let bar = min(24, max(3, 640 / days.count)), label = 200, rowHeight = 48
        let width = label + days.count * (bar + 2) + 90
        let height = endpoints.count * rowHeight + 30
        var svg = """
            <svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" \
            role=\"img\" aria-label=\"Requests per day per endpoint\" font-family=\"sans-serif\" font-size=\"12\">
            """
        var text: [ReportItem] = []
        for (row, id) in endpoints.enumerated() {
            let top = row * rowHeight + 8, base = top + 34
            let values = days.map { counts[id]?[$0] ?? 0 }
            let peak = max(values.max() ?? 0, 1)
            svg += "<text x=\"0\" y=\"\(base - 12)\">\(x(id))</text>" + caption(r, id, y: base + 2)
            for (i, v) in values.enumerated() {
                let h = v == 0 ? 0 : max(2, Int((Double(v) / Double(peak) * 34).rounded()))
                let held = heldOut?.contains(days[i]) ?? false
                svg += """
                    <rect x=\"\(label + i * (bar + 2))\" y=\"\(base - h)\" width=\"\(bar)\" height=\"\(h)\" \
                    fill=\"\(held ? amber : blue)\"><title>\(x(id)) \(days[i]): \
                    \(ReportRenderer.n(v)) requests\(held ? " (held out)" : "")</title></rect>
                    """
            }
            svg += "<line x1=\"\(label)\" y1=\"\(base)\" x2=\"\(label + days.count * (bar + 2))\" y2=\"\(base)\" stroke=\"\(grey)\"/>"
            svg += """
                <text x=\"\(label + days.count * (bar + 2) + 6)\" y=\"\(base - 24)\" fill=\"#57606a\">max \(ReportRenderer.n(peak))</text>
                """
            text.append(ReportItem("""
                \(code: id)\(named(r, id)): \(sparkline(values)) (\(ReportRenderer.n(values.reduce(0, +))) requests, at most \
                \(ReportRenderer.n(peak)) a day)
                """))
        }
        svg += "<text x=\"\(label)\" y=\"\(height - 6)\" fill=\"#57606a\">\(x(days.first!))</text>"
        svg += """
            <text x=\"\(label + days.count * (bar + 2))\" y=\"\(height - 6)\" text-anchor=\"end\" fill=\"#57606a\">\(x(days.last!))</text>
            """
        svg += "</svg>"
        var title = "Authorized requests per day through each endpoint, \(days.first!) to \(days.last!)"
        if let heldOut { title += "; amber: the days held out for the backtest (\(heldOut.lowerBound) to \(heldOut.upperBound))" }
        return ReportChart(id: "chart-requests", title: title, svg: svg, text: text)
    }

    /// ▁▂▃▄▅▆▇█, one per day, scaled to the highest; a day without requests is a space.
    static func sparkline(_ values: [Int64]) -> String {
        let blocks = Array("▁▂▃▄▅▆▇█"), peak = max(values.max() ?? 0, 1)
        return String(values.map { $0 == 0 ? " " : blocks[min(7, Int(Double($0) / Double(peak) * 7.999))] })
    }

    // MARK: access before → after

    /// How many actions of `service` a policy's Allow statements grant, counted in the action catalog.
    static func actionsGranted(_ policy: PolicyDocument, service: String, catalog: ActionCatalog = .shared) -> Int {
        Set(policy.statements.filter { $0.effect == .allow }.flatMap { catalog.expand($0.action) }
            .filter { $0.service.lowercased() == service.lowercased() }).count
    }

    static func accessBeforeAfter(_ r: SynthesisResult) -> ReportChart? {
        let endpoints = r.endpoints.sorted { naturalOrder($0.endpoint.id.rawValue, $1.endpoint.id.rawValue) }
        let label = 200, span = 520, rowHeight = 58
        let height = endpoints.count * rowHeight + 10, width = label + span + 260
        var svg = """
            <svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" \
            role=\"img\" aria-label=\"Access before and after\" font-family=\"sans-serif\" font-size=\"12\">
            """
        var text: [ReportItem] = []
        for (row, e) in endpoints.enumerated() {
            let before = actionsGranted(e.current, service: e.service), after = actionsGranted(e.draft, service: e.service)
            let top = row * rowHeight + 6
            let afterWidth = before == 0 ? 0 : max(after == 0 ? 0 : 3, span * after / before)
            let was = PolicyDiff.summary(e.current), now = PolicyDiff.summary(e.draft)
            svg += "<text x=\"0\" y=\"\(top + 20)\">\(x(e.endpoint.id.rawValue))</text>" + caption(r, e.endpoint.id.rawValue, y: top + 36)
            svg += """
                <rect x=\"\(label)\" y=\"\(top + 4)\" width=\"\(before == 0 ? 0 : span)\" height=\"18\" fill=\"\(grey)\"><title>before: \
                \(x(was))</title></rect>
                """
            svg += """
                <text x=\"\(label + span + 8)\" y=\"\(top + 18)\">before: \(before) \(x(e.service)) actions (\(x(short(was, 28))))</text>
                """
            svg += """
                <rect x=\"\(label)\" y=\"\(top + 26)\" width=\"\(afterWidth)\" height=\"18\" fill=\"\(green)\"><title>after: \
                \(x(now))</title></rect>
                """
            svg += "<text x=\"\(label + span + 8)\" y=\"\(top + 40)\">after: \(after) (\(x(short(now, 34))))</text>"
            text.append(ReportItem("""
                \(code: e.endpoint.id.rawValue)\(named(r, e.endpoint.id.rawValue)): \(before) → \(after) \(e.service) actions allowed \
                (\(was) → \(now))
                """))
        }
        svg += "</svg>"
        return ReportChart(id: "chart-access", title: """
            Actions of each endpoint's service the policy allows, before (grey) and after (green); resources are in the captions
            """, svg: svg, text: text)
    }

    // MARK: who → endpoint → resources

    /// What a statement's resource is, for the picture: its bucket, table or resource name.
    static func resourceLabel(_ pattern: String) -> String {
        guard let arn = ARN(pattern) else { return pattern == "*" ? "any resource" : pattern }
        if let bucket = arn.s3BucketName { return "s3 " + bucket }
        if arn.service == "dynamodb" {
            return "table " + (arn.resource.split(separator: "/").dropFirst().first.map(String.init) ?? arn.resource)
        }
        return arn.service + " " + (arn.resource.split(separator: ":").last.map(String.init) ?? arn.resource)
    }

    static func whoReachesWhat(_ r: SynthesisResult) -> ReportChart? {
        let links = whoLinks(r)
        guard !links.isEmpty else { return nil }
        var left: [String: Int64] = [:], right: [String: Int64] = [:]
        for l in links {
            left[l.from, default: 0] += l.requests
            right[l.to, default: 0] += l.requests
        }
        func top(_ weights: [String: Int64], _ n: Int) -> [String] {
            let ranked = weights.sorted { $0.value != $1.value ? $0.value > $1.value : naturalOrder($0.key, $1.key) }.map(\.key)
            return ranked.count <= n ? ranked : Array(ranked.prefix(n - 1)) + ["+\(ranked.count - n + 1) more"]
        }
        let principals = top(left, 12), resources = top(right, 14)
        let endpoints = r.endpoints.map(\.endpoint.id.rawValue).sorted(by: naturalOrder)
        func slot(_ name: String, in list: [String]) -> Int { list.firstIndex(of: name) ?? list.count - 1 }
        let rows = max(principals.count, resources.count, endpoints.count)
        let height = rows * 24 + 30, width = 1000
        // Each column spreads its nodes over the same height.
        func y(_ i: Int, of count: Int) -> Int { let spacing = rows * 24 / max(count, 1); return 22 + spacing * i + spacing / 2 }
        var svg = """
            <svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\" \
            role=\"img\" aria-label=\"Who reaches which resources through which endpoint\" font-family=\"sans-serif\" font-size=\"12\">
            """
        svg += """
            <text x=\"250\" y=\"12\" text-anchor=\"end\" fill=\"#57606a\">principals</text><text x=\"500\" y=\"12\" \
            text-anchor=\"middle\" fill=\"#57606a\">endpoints</text><text x=\"750\" y=\"12\" fill=\"#57606a\">resources</text>
            """
        var drawn: Set<String> = []
        for l in links {
            let a = y(slot(l.from, in: principals), of: principals.count), b = y(slot(l.via, in: endpoints), of: endpoints.count)
            let c = y(slot(l.to, in: resources), of: resources.count)
            let key = "\(a) \(b) \(c)"
            guard drawn.insert(key).inserted else { continue }
            svg += """
                <path d=\"M256 \(a) C380 \(a) 380 \(b) 440 \(b) M560 \(b) C620 \(b) 620 \(c) 744 \(c)\" fill=\"none\" stroke=\"\(blue)\" \
                stroke-opacity=\"0.35\" stroke-width=\"1.5\"/>
                """
        }
        for (i, p) in principals.enumerated() {
            svg += """
                <text x=\"250\" y=\"\(y(i, of: principals.count) + 4)\" \
                text-anchor=\"end\"><title>\(x(p))</title>\(x(short(p, 38)))</text>
                """
        }
        for (i, e) in endpoints.enumerated() {
            let cy = y(i, of: endpoints.count)
            svg += """
                <rect x=\"440\" y=\"\(cy - 10)\" width=\"120\" height=\"20\" rx=\"4\" fill=\"#ddf4ff\" stroke=\"\(blue)\"/><text \
                x=\"500\" y=\"\(cy + 4)\" text-anchor=\"middle\" font-size=\"10\"><title>\(x(e))</title>\(x(short(e, 22)))</text>
                """
        }
        for (i, res) in resources.enumerated() {
            svg += "<text x=\"750\" y=\"\(y(i, of: resources.count) + 4)\"><title>\(x(res))</title>\(x(short(res, 36)))</text>"
        }
        svg += "</svg>"
        return ReportChart(id: "chart-who", title: """
            Who reaches which resources through which endpoint, per the drafts (the busiest; every statement is in the sections below)
            """, svg: svg, text: whoText(endpoints, links))
    }

    /// One link per (principal, endpoint, resource) of each Allow statement of the drafts, weighted by requests.
    typealias WhoLink = (from: String, via: String, to: String, requests: Int64)

    /// Principal → endpoint and endpoint → resource, weighted by requests, statement by statement.
    static func whoLinks(_ r: SynthesisResult) -> [WhoLink] {
        var links: [WhoLink] = []
        for e in r.endpoints {
            let id = e.endpoint.id.rawValue
            for s in e.draft.statements where s.effect == .allow {
                let requests = e.evidence[s.sid ?? ""]?.requests ?? 0
                let who = (e.statementPrincipals[s.sid ?? ""] ?? []).map { $0.arn.split(separator: "/").last.map(String.init) ?? $0.arn }
                for p in who.isEmpty ? ["anyone (AWS-owned)"] : who {
                    for res in Set((s.resource?.patterns ?? ["*"]).map(resourceLabel)).sorted() { links.append((p, id, res, requests)) }
                }
            }
        }
        return links
    }

    /// The chart said in words: per endpoint, who reaches what through it.
    static func whoText(_ endpoints: [String], _ links: [WhoLink]) -> [ReportItem] {
        endpoints.map { id -> ReportItem in
            let mine = links.filter { $0.via == id }
            let who = Set(mine.map(\.from)).sorted(by: naturalOrder), what = Set(mine.map(\.to)).sorted(by: naturalOrder)
            return ReportItem("""
                \(code: id): \
                \(who.count) principal\(who.count == 1 ? "" : "s") (\(who.prefix(4).joined(separator: ", "))\(who.count > 4 ? ", …" : "")) \
                → \
                \(what.count) resource\(what.count == 1 ? "" : "s") \
                (\(what.prefix(4).joined(separator: ", "))\(what.count > 4 ? ", …" : ""))
                """)
        }
    }
}
