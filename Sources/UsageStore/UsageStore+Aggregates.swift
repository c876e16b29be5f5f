import AWSModel

struct AccessKey: Hashable, Sendable {
    var day: String
    var endpoint: String
    var endpointAccount: String
    var principalARN: String
    var principalKind: String
    var principalAccount: String
    var action: String
    var resource: String
    var resourceAccount: String
    var outcome: String
    var errorCode: String
    var eventSource: String
    var region: String
    var recipientAccount: String

    /// Hashes the fields that tell groups apart (equality still compares every field): the others
    /// repeat across a file and would only add bytes to hash. (A `String`'s hash is its canonical form's:
    /// texts of equal bytes hash alike, as ``==`` needs.)
    func hash(into hasher: inout Hasher) {
        hasher.combine(resource)
        hasher.combine(action)
        hasher.combine(principalARN)
        hasher.combine(day)
    }

    /// Every field by its bytes, as SQLite's BINARY collation groups the rows: an object key in NFC and in
    /// NFD are two S3 objects, two groups (`String`'s `==` would make them one).
    static func == (a: AccessKey, b: AccessKey) -> Bool {
        TextBytes.equal(a.resource, b.resource) && TextBytes.equal(a.action, b.action) && TextBytes.equal(a.principalARN, b.principalARN)
            && TextBytes.equal(a.day, b.day) && TextBytes.equal(a.endpoint, b.endpoint)
            && TextBytes.equal(a.endpointAccount, b.endpointAccount)
            && TextBytes.equal(a.principalKind, b.principalKind) && TextBytes.equal(a.principalAccount, b.principalAccount)
            && TextBytes.equal(a.resourceAccount, b.resourceAccount) && TextBytes.equal(a.outcome, b.outcome)
            && TextBytes.equal(a.errorCode, b.errorCode) && TextBytes.equal(a.eventSource, b.eventSource)
            && TextBytes.equal(a.region, b.region) && TextBytes.equal(a.recipientAccount, b.recipientAccount)
    }

    /// A key from its 14 fields in the table's order (as the aggregate exchange writes them).
    init(_ k: [String]) {
        (day, endpoint, endpointAccount, principalARN, principalKind, principalAccount, action) = (k[0], k[1], k[2], k[3], k[4], k[5], k[6])
        (resource, resourceAccount, outcome, errorCode, eventSource, region, recipientAccount) = (k[7], k[8], k[9], k[10], k[11], k[12],
            k[13])
    }

    init(day: String, event: NormalizedEvent, access: ResourceAccess) {
        self.day = day
        endpoint = event.vpcEndpointID?.rawValue ?? ""
        endpointAccount = event.vpcEndpointAccount?.rawValue ?? ""
        principalARN = event.principal.arn
        principalKind = event.principal.kind.rawValue
        principalAccount = event.principal.account?.rawValue ?? ""
        action = access.action.description
        resource = access.resource.text
        resourceAccount = access.resourceAccount?.rawValue ?? ""
        outcome = event.outcome.rawValue
        errorCode = event.errorCode ?? ""
        eventSource = event.eventSource
        region = event.region
        recipientAccount = event.recipientAccount?.rawValue ?? ""
    }
}

struct SourceKey: Hashable, Sendable {
    var day: String
    var endpoint: String
    var principal: String
    var session: String
    var sourceIP: String
    var userAgent: String
    /// The requests' ``Outcome`` (raw value): only authorized ones explain an address's traffic.
    var outcome: String

    func hash(into hasher: inout Hasher) {
        hasher.combine(sourceIP)
        hasher.combine(principal)
        hasher.combine(session)
    }

    /// Every field by its bytes, as for ``AccessKey``.
    static func == (a: SourceKey, b: SourceKey) -> Bool {
        TextBytes.equal(a.sourceIP, b.sourceIP) && TextBytes.equal(a.principal, b.principal) && TextBytes.equal(a.session, b.session)
            && TextBytes.equal(a.day, b.day) && TextBytes.equal(a.endpoint, b.endpoint) && TextBytes.equal(a.userAgent, b.userAgent)
            && a.outcome == b.outcome
    }

}

struct AccessCounts: Sendable {
    var count: Int64 = 0
    var first = Int64.max
    var last = Int64.min
    var sample: String?
    /// The logged bytes sent and received (``NormalizedEvent/bytesIn``, ``NormalizedEvent/bytesOut``), saturating.
    var bytesIn: Int64 = 0, bytesOut: Int64 = 0

    mutating func add(_ event: NormalizedEvent) { add(event, sign: 1) }

    /// Takes in `event`'s time without counting it: a network event's address, whose request is counted elsewhere.
    mutating func see(_ event: NormalizedEvent) {
        first = min(first, event.eventTime)
        last = max(last, event.eventTime)
    }
}

/// One file's events folded into store groups, remembering which groups each event fed so that an
/// event found to be a duplicate can be taken out again.
struct FoldedEvents: Sendable {
    var access: [AccessKey: AccessCounts] = [:]
    var sources: [SourceKey: AccessCounts] = [:]
    /// By source and category text, by its bytes (a logged category is text like any other).
    var categories: [ByteKeyedText: Int64] = [:]
    /// The events folded, kept so that one found to be a duplicate can be taken out again (rare: its
    /// keys are recomputed then rather than remembered for every event).
    let events: [NormalizedEvent]
    /// The content digest of each event that has an id (made here, on the reader threads).
    let digests: [EventDigest?]
    /// Each event's request digest (``requestDigest(_:)``), 0 when it logs no request id.
    let requests: [Int64]
    /// Network activity events, by index, with their access keys: kept one row per event and action (they
    /// join the data or management event of their call when the store is read), never in `access`.
    private(set) var network: [(index: Int, keys: [AccessKey])] = []
    /// Indices of network events found to be copies of stored ones: not written.
    private(set) var networkCopies = Set<Int>()
    private var keyMaker = KeyMaker()

    init(_ events: [NormalizedEvent]) {
        self.events = events
        digests = events.map { $0.eventID == nil ? nil : EventDigest($0) }
        requests = events.map(Self.requestDigest)
        access.reserveCapacity(events.count)
        sources.reserveCapacity(events.count)
        for index in events.indices {
            let event = events[index]
            let (keys, source, category) = keyMaker.keys(event)
            categories[category, default: 0] += 1
            if event.isNetworkActivity {
                // Its address is evidence of who sends what through the endpoint; its request is counted
                // once, when the store is read (joined or not), never here.
                if let source { sources[source, default: AccessCounts()].see(event) }
                network.append((index, keys))
                continue
            }
            for key in keys { access[key, default: AccessCounts()].add(event) }
            if let source { sources[source, default: AccessCounts()].add(event) }
        }
    }

    /// What a network activity event and the data or management event of the same call share: FNV-1a (64
    /// bits) of the event source, name and `requestID`, each ended by a 0 byte; 0 without a request id
    /// (never joined). Not a defence: a forger who writes the trail can copy a request id as easily.
    static func requestDigest(_ event: NormalizedEvent) -> Int64 {
        guard let id = event.requestID, !id.isEmpty else { return 0 }
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for text in [event.eventSource, event.eventName, id] {
            for b in text.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
            h = h &* 0x100_0000_01b3
        }
        return h == 0 ? 1 : Int64(bitPattern: h)
    }

    /// The store's keys of an event: its access groups, its source, its category. The one place they
    /// are made (the store's ingest and `perimeter normalize` both use it).
    struct KeyMaker {
        // Files hold few distinct days, user agents and categories: compute each once (logged text keyed by its bytes).
        private var days: [Int64: String] = [:]
        private var agents: [ByteKeyedText: String] = [:]
        private struct Category: Hashable { var source: String; var category: ByteKeyedText? }
        private var categories: [Category: ByteKeyedText] = [:]

        mutating func keys(_ event: NormalizedEvent) -> ([AccessKey], SourceKey?, ByteKeyedText) {
            let dayNumber = event.eventTime / 86_400
            let day = days[dayNumber] ?? { let d = Timestamp.day(event.eventTime); days[dayNumber] = d; return d }()
            let keys = event.accesses.map { AccessKey(day: day, event: event, access: $0) }
            var source: SourceKey?
            if let ip = event.sourceIP {
                let family = event.userAgent.map { agent in
                    let key = ByteKeyedText(agent)
                    return agents[key] ?? { let f = UsageStore.userAgentFamily(agent); agents[key] = f; return f }()
                } ?? ""
                source = SourceKey(day: day, endpoint: event.vpcEndpointID?.rawValue ?? "", principal: event.principal.arn,
                                   session: event.sessionName ?? "", sourceIP: ip, userAgent: family, outcome: event.outcome.rawValue)
            }
            let category = Category(source: event.eventSource, category: event.category.map(ByteKeyedText.init))
            let text = categories[category] ?? {
                let t = ByteKeyedText("\(event.eventSource) \(event.category ?? "")")
                categories[category] = t
                return t
            }()
            return (keys, source, text)
        }
    }

    /// Takes event `index` out of the counts (its time stays in first/last seen: a duplicate has the same time).
    mutating func remove(event index: Int) {
        let (keys, source, category) = keyMaker.keys(events[index])
        categories[category]! -= 1
        if events[index].isNetworkActivity {
            networkCopies.insert(index)
            return
        }
        for key in keys {
            access[key]!.count -= 1
            if access[key]!.count == 0 { access[key] = nil }
        }
        if let key = source {
            sources[key]!.count -= 1
            // Counts are at most 2^53 (``EventNormalizer``): no overflow; exact unless a sum saturated.
            sources[key]!.bytesIn = max(0, sources[key]!.bytesIn - events[index].bytesIn)
            sources[key]!.bytesOut = max(0, sources[key]!.bytesOut - events[index].bytesOut)
            if sources[key]!.count == 0 { sources[key] = nil }
        }
    }
}
