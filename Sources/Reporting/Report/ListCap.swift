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

    /// At most `limit` of `list`, keeping variety: for each of `keys` in turn (the coarsest first), the first
    /// item of each of its values that no item taken so far has, then the rest in list order; shown in list
    /// order, with how many are left out. A flood of one kind of item then cannot push a rarer kind out.
    public static func first<T>(_ list: [T], _ limit: Int = Self.items, covering keys: [(T) -> AnyHashable]) -> (shown: [T], more: Int) {
        guard list.count > limit else { return (list, 0) }
        var taken = [Bool](repeating: false, count: list.count), count = 0
        for key in keys where count < limit {
            let values = list.map(key)
            var covered = Set(values.indices.filter { taken[$0] }.map { values[$0] })
            for i in values.indices where count < limit && !taken[i] && covered.insert(values[i]).inserted {
                taken[i] = true
                count += 1
            }
        }
        for i in list.indices where count < limit && !taken[i] {
            taken[i] = true
            count += 1
        }
        return (list.indices.filter { taken[$0] }.map { list[$0] }, list.count - limit)
    }
}
