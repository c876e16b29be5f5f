public import AWSModel
import Foundation

/// The advanced event selectors that give Perimeter its evidence, for the endpoints in a store.
public struct SelectorPlan: Sendable {
    public struct Estimate: Sendable, Hashable {
        public var selector: String
        /// Requests a day the store shows for what the selector logs; `atLeast` when a widened selector logs more.
        public var perDay: Double
        public var atLeast: Bool
    }

    public var selectors: [EventSelector]
    public var estimates: [Estimate]
    /// What was widened or left out to stay within the API's limits.
    public var notes: [String]
}

/// Makes the selectors: network activity per event source of the store's endpoints (or only their
/// `VpceAccessDenied` denials), and data events for the buckets, tables and queues reached through them.
public enum SelectorPlanner {
    /// A data event resource type, with the ARN values that name the resources the endpoints reached.
    struct DataScope {
        var type: String, service: String
        var values: [String: Int64] = [:]
        /// StartsWith (a bucket's objects) or Equals (a table, a queue).
        var startsWith: Bool

        mutating func add(_ value: String, _ count: Int64) { values[value] = values[value, default: 0].addingSaturated(count) }
    }

    /// `sources`: the event sources CloudTrail logs network activity events for (no selector for another).
    public static func plan(_ accesses: [ObservedAccess], days: Int, denialsOnly: Bool,
                            sources: NetworkActivitySources = .shared) -> SelectorPlan {
        let through = accesses.filter { $0.endpoint != nil }
        let perDay = { (n: Int64) in days > 0 ? Double(n) / Double(days) : 0 }
        var scopes = dataScopes(through), widened = Set<String>()
        // Data events name the resources, the evidence a draft cannot do without: each scope keeps at least its
        // widened selector (2 values), and the network selectors take what is left.
        var plan = network(through, denialsOnly: denialsOnly, perDay: perDay, limit: SelectorRules.valueLimit - 2 * scopes.count,
                           listed: sources)
        let budget = SelectorRules.valueLimit - plan.selectors.reduce(0) { $0 + $1.valueCount }
        func cost() -> Int { scopes.reduce(0) { $0 + 2 + (widened.contains($1.type) ? 0 : $1.values.count) } }
        // Widened (every resource of the type) from the longest list down, until the values fit.
        while cost() > budget, let widest = scopes.filter({ !widened.contains($0.type) }).max(by: { $0.values.count < $1.values.count }) {
            widened.insert(widest.type)
            plan.notes.append("widened: \(widest.type) data events for every \(widest.service) resource the trail logs (the "
                              + "\(widest.values.count) reached would need as many values; the API takes "
                              + "\(SelectorRules.valueLimit) in all)")
        }
        while cost() > budget, let dropped = scopes.popLast() {
            plan.notes.append("left out: \(dropped.type) data events (no value left of the API's \(SelectorRules.valueLimit))")
        }
        for scope in scopes {
            var fields = [FieldSelector("eventCategory", equals: ["Data"]), FieldSelector("resources.type", equals: [scope.type])]
            let values = scope.values.keys.sorted()
            let wide = widened.contains(scope.type)
            if !wide {
                fields.append(scope.startsWith ? FieldSelector("resources.ARN", startsWith: values)
                                               : FieldSelector("resources.ARN", equals: values))
            }
            let name = "Perimeter: \(scope.service) data events" + (wide ? " (widened: every resource)" : "")
            plan.selectors.append(EventSelector(name: name, fields))
            let requests = scope.values.values.reduce(Int64(0)) { $0.addingSaturated($1) }
            plan.estimates.append(.init(selector: name, perDay: perDay(requests), atLeast: wide))
        }
        return plan
    }

    /// One network activity selector per event source the endpoints' requests name (sorted) that CloudTrail
    /// logs network activity events for (`listed`; the others are said, with their endpoints), each with the
    /// requests a day the store shows for it (its denials, in `denialsOnly` mode), within `limit` values: past
    /// it, the sources with the fewest requests are left out (and said).
    static func network(_ through: [ObservedAccess], denialsOnly: Bool, perDay: (Int64) -> Double, limit: Int,
                        listed: NetworkActivitySources) -> SelectorPlan {
        var plan = SelectorPlan(selectors: [], estimates: [], notes: [])
        var sources: [String: Int64] = [:], unlisted: [String: Set<String>] = [:]
        for a in through {
            guard listed.lists(a.eventSource) else {
                unlisted[a.eventSource, default: []].insert(a.endpoint?.rawValue ?? "")
                continue
            }
            let counted = !denialsOnly || a.outcome == .deniedByEndpointPolicy ? a.count : 0
            sources[a.eventSource, default: 0] = sources[a.eventSource, default: 0].addingSaturated(counted)
        }
        for (source, endpoints) in unlisted.sorted(by: { $0.key < $1.key }) {
            plan.notes.append("not available: network activity of \(source.visible()) (CloudTrail logs no network activity events for "
                              + "this service; the evidence of \(endpoints.sorted().joined(separator: ", ")) must come from its data or "
                              + "management events and flow logs)")
        }
        var used = 0, kept: [(source: String, count: Int64, selector: EventSelector)] = []
        for (source, count) in sources.sorted(by: { ($1.value, $0.key) < ($0.value, $1.key) }) {
            var fields = [FieldSelector("eventCategory", equals: ["NetworkActivity"]), FieldSelector("eventSource", equals: [source])]
            if denialsOnly { fields.append(FieldSelector("errorCode", equals: ["VpceAccessDenied"])) }
            let name = "Perimeter: network activity of \(source)" + (denialsOnly ? " (VpceAccessDenied only)" : "")
            let selector = EventSelector(name: name, fields)
            guard used + selector.valueCount <= limit else {
                plan.notes.append("left out: network activity of \(source) (no value left of the API's \(SelectorRules.valueLimit) "
                                  + "after the data events and the busier sources)")
                continue
            }
            used += selector.valueCount
            kept.append((source, count, selector))
        }
        for (_, count, selector) in kept.sorted(by: { $0.source < $1.source }) {
            plan.selectors.append(selector)
            plan.estimates.append(.init(selector: selector.Name, perDay: perDay(count), atLeast: false))
        }
        return plan
    }

    /// The buckets, tables and queues the requests reached, each as the ARN value its selector names, with
    /// the requests that reached it. Only names AWS could have issued are kept: a logged name never
    /// becomes a prefix wider than itself (a bucket's value ends with `/`). Resources a trail of the store's
    /// accounts cannot log are left out: those of another account (owner logged, not an account whose trail
    /// or endpoint the store shows) and AWS-owned buckets.
    static func dataScopes(_ accesses: [ObservedAccess]) -> [DataScope] {
        let ours = Set(accesses.flatMap { [$0.recipientAccount, $0.endpointAccount].compactMap { $0 } })
        var s3 = DataScope(type: "AWS::S3::Object", service: "S3", startsWith: true)
        var dynamodb = DataScope(type: "AWS::DynamoDB::Table", service: "DynamoDB", startsWith: false)
        var sqs = DataScope(type: "AWS::SQS::Queue", service: "SQS", startsWith: false)
        for a in accesses {
            guard let literal = PolicyText.literalValue(of: a.access.resource.text), let arn = ARN(literal),
                  Partition.isWellFormed(arn.partition), a.access.resourceAccount.map(ours.contains) ?? true else { continue }
            switch arn.service {
            case "s3":
                guard let bucket = arn.s3BucketName, BucketName.isWellFormed(bucket),
                      AWSOwnedCatalog.shared.entry(bucket: bucket, region: a.region) == nil else { continue }
                s3.add("arn:\(arn.partition):s3:::\(bucket)/", a.count)
            case "dynamodb":
                let parts = arn.resource.split(separator: "/", omittingEmptySubsequences: false)
                guard parts.count >= 2, parts[0] == "table", isName(parts[1], 3...255, extra: "_.-"), wellFormed(arn) else { continue }
                dynamodb.add("arn:\(arn.partition):dynamodb:\(arn.region):\(arn.account):table/\(parts[1])", a.count)
            case "sqs":
                let name = arn.resource.hasSuffix(".fifo") ? String(arn.resource.dropLast(5)) : arn.resource
                guard isName(Substring(name), 1...75, extra: "_-"), wellFormed(arn) else { continue }
                sqs.add("arn:\(arn.partition):sqs:\(arn.region):\(arn.account):\(arn.resource)", a.count)
            default: continue
            }
        }
        return [s3, dynamodb, sqs].filter { !$0.values.isEmpty }
    }

    static func isName(_ text: Substring, _ lengths: ClosedRange<Int>, extra: String) -> Bool {
        lengths.contains(text.count) && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || extra.contains($0)) }
    }

    static func wellFormed(_ arn: ARN) -> Bool { RegionName.isWellFormed(arn.region) && AccountID(arn.account).isNumeric }
}
