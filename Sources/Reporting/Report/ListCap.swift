/// How much of a list any output shows: report.md, report.html, summary.json, SARIF, `--json` and the
/// console show at most ``items`` of any list, the first in a fixed order (the largest first: bytes,
/// requests, the worst verdict), then how many more there are. A log that names 200,000 sources costs
/// its store rows, not a 100 MB page. The full lists stay in the store (`--db`, SQLite).
public enum ListCap {
    /// The most items of one list an output shows.
    public static let items = 100

    /// The first `limit` of `list` in `order`, and how many are left out.
    public static func first<T>(_ list: [T], _ limit: Int = Self.items, by order: (T, T) -> Bool) -> (shown: [T], more: Int) {
        first(list.sorted(by: order), limit)
    }

    /// The first `limit` of `list` as they are ordered already, and how many are left out.
    public static func first<T>(_ list: [T], _ limit: Int = Self.items) -> (shown: [T], more: Int) {
        (Array(list.prefix(limit)), max(0, list.count - limit))
    }
}
