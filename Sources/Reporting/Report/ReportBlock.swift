import AWSModel
import PolicySynthesis

/// The report as values: the blocks Perimeter lays out, each holding ``ReportLine``s. report.md and
/// report.html are two renderings of the same blocks (``MarkdownRenderer``, ``HTMLRenderer``), and
/// summary.json is written from the same result; neither renderer parses the other's output.
indirect enum ReportBlock {
    /// A heading; `id` is its anchor (`#review`), chosen by Perimeter.
    case heading(level: Int, ReportLine, id: String)
    case paragraph(ReportLine)
    case list([ReportItem])
    /// A list that matters: `unsafe` and `review` ones are coloured as their verdicts.
    case callout(Verdict, [ReportItem])
    case table(ReportTable)
    /// The verdict of each draft, worst first: the report's first screen.
    case verdicts([VerdictRow])
    /// A picture (inline SVG in report.html) with what it shows in words for report.md.
    case chart(ReportChart)
    /// Links to the sections.
    case contents([(label: String, id: String)])
}

/// A list item and the items under it.
struct ReportItem {
    var line: ReportLine
    var children: [ReportItem] = []

    init(_ line: ReportLine, _ children: [ReportItem] = []) {
        self.line = line
        self.children = children
    }
}

/// A table of at most ``ListCap/items`` rows; past `shown` rows, the rest are folded (`<details>` in
/// report.html) or, in report.md, counted; `more` counts the rows left out of it altogether.
struct ReportTable {
    var header: [String]
    var rows: [[ReportLine]]
    var shown: Int = 15
    /// What a reader is told about the folded rows (`… and N more request groups`).
    var noun: String = "rows"
    /// Rows left out of the table (past ``ListCap/items``).
    var more: Int = 0

    /// A table of the first ``ListCap/items`` of `rows`; `more` counts rows left out before.
    init(header: [String], rows: [[ReportLine]], shown: Int = 15, noun: String = "rows", more: Int = 0) {
        self.header = header
        let capped = ListCap.first(rows)
        self.rows = capped.shown
        self.shown = shown
        self.noun = noun
        self.more = more + capped.more
    }

    /// A table of the first ``ListCap/items`` of `items` in `order` (the largest first), each made a row by `row`.
    init<T>(header: [String], _ items: [T], by order: (T, T) -> Bool, noun: String, row: (T) -> [ReportLine]) {
        let (shown, more) = ListCap.first(items, by: order)
        self.init(header: header, rows: shown.map(row), noun: noun, more: more)
    }
}

/// One draft on the first screen: the draft as the change files see it, and what it changes.
struct VerdictRow {
    var draft: ChangeFiles.Draft
    /// What the draft removes, as the diff summary says it (`* on * → 3 actions on 13 buckets`).
    var change: ReportLine

    /// The endpoint's name, service and type from the inventory (`app-s3 · s3 Gateway`); empty for buckets.
    var label = ""

    var kind: String { draft.kind.isEndpoint ? "endpoint" : "bucket" }
    /// The draft cell: the id, what kind of draft, and the endpoint's label where the inventory gives one.
    var title: ReportLine { label.isEmpty ? "\(code: draft.id) (\(kind))" : "\(code: draft.id) (\(kind): \(label))" }
    var diff: String { draft.diffFile }
    /// The reasons for the verdict, each with its code.
    var why: ReportLine {
        draft.reasons.isEmpty ? "every check passed" : draft.reasons.map { "\($0.message) (\($0.code.rawValue))" as ReportLine }
            .joined(separator: "; ")
    }
}

/// A picture: its SVG (built from escaped values only) and the same facts as text.
struct ReportChart {
    var id: String
    var title: String
    var svg: String
    var text: [ReportItem]
}

/// Names compared as people read them: `acme-bench-2` before `acme-bench-10`; names equal that way
/// (`a01`, `a1`) fall back to plain order, so the order is total and the output deterministic.
func naturalOrder(_ a: String, _ b: String) -> Bool {
    let digits: ClosedRange<Unicode.Scalar> = "0"..."9"
    var i = a.unicodeScalars.makeIterator(), j = b.unicodeScalars.makeIterator()
    var x = i.next(), y = j.next()
    while let p = x, let q = y {
        if digits.contains(p), digits.contains(q) {
            var m = "", n = ""
            while let c = x, digits.contains(c) { m.unicodeScalars.append(c); x = i.next() }
            while let c = y, digits.contains(c) { n.unicodeScalars.append(c); y = j.next() }
            let mt = m.drop { $0 == "0" }, nt = n.drop { $0 == "0" }
            if mt.count != nt.count { return mt.count < nt.count }
            if mt != nt { return mt < nt }
            continue
        }
        if p != q { return p < q }
        x = i.next(); y = j.next()
    }
    if (x == nil) != (y == nil) { return x == nil }
    return a < b
}
