import AWSModel
import IAMPolicy

/// The fold of one read at `prefix` or `bucket` granularity, streamed. The store hands out a principal's
/// keys of one action and bucket together and sorted (``AccessRow``), so the groups summed under a
/// pattern are open only while that run lasts: at its end they are flushed, and what is held is one
/// run's patterns, not every key. The prefix budget (one place per principal and bucket, across
/// actions) is kept for the whole read; it holds at most one pattern past the limit per place.
struct KeyFolding {
    let folding: AccessFolding
    let granularity: Granularity
    /// The groups flushed so far.
    private(set) var groups: [ObservedAccess] = []

    /// A folded group of the open run: a row identity's keys under one pattern.
    private struct Open: Hashable { var identity: Int; var pattern: String }
    private enum Choice { case general, whole, own }
    /// A principal's requests to one bucket through one endpoint, drafted or not (`principal` numbers those).
    private struct Place: Hashable { var principal: Int; var bucket: Substring }
    /// What numbers a run (an action, not draftable) or a place (no action, draftable or not).
    private struct Principals: Hashable {
        var endpoint: VPCEndpointID?, principal: Principal, action: IAMAction?, draftable: Bool
    }

    private var open: [Open: Int] = [:], pending: [ObservedAccess] = []
    /// What an identity's keys under a generalized pattern fold to, for the open run.
    private var choices: [Open: Choice] = [:]
    /// The open run: its number (endpoint, principal, action) and its bucket's ARN.
    private var run: (number: Int, bucket: Substring)?
    private var budget = PrefixBudget<Place>()
    /// Per row identity, its run and place numbers, numbered by ``Principals``.
    private var numbers: [Int: (run: Int, place: Int)] = [:], numbered: [Principals: Int] = [:]

    init(folding: AccessFolding, granularity: Granularity) {
        self.folding = folding
        self.granularity = granularity
    }

    /// Adds one row: a key that is its own pattern becomes its own group at once; one folded is summed
    /// into its pattern's group of the open run.
    mutating func add(_ row: AccessRow) {
        guard let parts = ObjectParts(row.resource), !folding.mayBeAllowed(parts.bucketARN) else { return groups.append(row.access()) }
        let general = granularity == .bucket ? parts.bucketPattern : parts.prefixPattern ?? row.resource
        let number = numbers(of: row)
        if let run, run.number != number.run || !run.bucket.utf8.elementsEqual(parts.bucketARN.utf8) { flush() }
        if run == nil { run = (number.run, parts.bucketARN) }
        // Not remembered for a key that is its own pattern (a flat key has no prefix): one entry per such key.
        let remembered = !TextBytes.equal(general, row.resource), key = Open(identity: row.identity, pattern: general)
        var choice: Choice
        if remembered, let known = choices[key] {
            choice = known
        } else {
            choice = decide(row, general, parts, place: number.place)
            if remembered { choices[key] = choice }
        }
        let pattern = switch choice {
        case .general: general
        case .whole: parts.bucketPattern
        case .own: row.resource
        }
        guard !TextBytes.equal(pattern, row.resource) else { return groups.append(row.access()) }
        let group = Open(identity: row.identity, pattern: pattern)
        if let index = open[group] {
            pending[index].absorb(count: row.count, firstSeen: row.firstSeen, lastSeen: row.lastSeen, sample: row.sampleEventID)
        } else {
            open[group] = pending.count
            pending.append(row.access(resource: pattern))
        }
    }

    /// Flushes the open run.
    mutating func finish() { flush() }

    private mutating func flush() {
        groups += pending
        (pending, open, choices, run) = ([], [:], [:], nil)
    }

    /// What a row's key under `general` folds to: `general` or the bucket's `*` where the current policy
    /// grants it, else the key itself.
    private mutating func decide(_ row: AccessRow, _ general: String, _ parts: ObjectParts, place: Int) -> Choice {
        let pattern = Resource(policyText: general)
        let within: Choice = TextBytes.equal(general, row.resource) || folding.withinCurrent(row.columns, pattern) ? .general : .own
        guard granularity == .prefix else { return within }
        // The builder counts the generalized form of each grant per audience and bucket; only drafted grants count.
        guard !budget.admit(pattern, at: Place(principal: place, bucket: parts.bucketARN)) else { return within }
        return folding.withinCurrent(row.columns, Resource(policyText: parts.bucketPattern)) ? .whole : within
    }

    /// The run and place numbers of a row's identity, numbered the first time it is seen.
    private mutating func numbers(of row: AccessRow) -> (run: Int, place: Int) {
        if let known = numbers[row.identity] { return known }
        let columns = row.columns
        let draftable = columns.outcome.wasAuthorized && folding.actions.entry(columns.access.action) != nil
        let action = columns.access.action
        let run = number(Principals(endpoint: columns.endpoint, principal: columns.principal, action: action, draftable: false))
        let place = number(Principals(endpoint: columns.endpoint, principal: columns.principal, action: nil, draftable: draftable))
        numbers[row.identity] = (run, place)
        return (run, place)
    }

    private mutating func number(_ key: Principals) -> Int {
        let number = numbered[key] ?? numbered.count
        numbered[key] = number
        return number
    }
}
