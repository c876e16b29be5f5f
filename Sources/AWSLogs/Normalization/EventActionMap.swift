public import AWSModel
import Foundation
import JSONTape

/// The CloudTrail event → IAM action table (`Resources/event-actions.tsv`), parsed once.
public struct EventActionMap: Sendable {
    /// How the resources of one event are found.
    public enum ResourceRule: String, Sendable {
        case none = "*", bucket, object, bucketObjects = "bucket-objects", copy, table
        case tableIndex = "table-index", requestItems = "request-items", transactItems = "transact-items"
        case partiql, stream, resources
    }

    /// An action a call also needs when its request parameters say so (S3 headers, DOMAIN.md C.1).
    public struct Extra: Sendable, Equatable {
        /// The request parameter; a trailing `*` matches any parameter with that prefix.
        public let parameter: String
        /// When set, the extra applies when the parameter is absent or differs from this value.
        public let unlessValue: String?
        /// The extra IAM action.
        public let action: IAMAction
        /// True when the extra applies to the copy source rather than the call's own resource.
        public let onSource: Bool
        /// ``parameter`` lowercased without its `*`, and whether it is a prefix.
        private let name: String
        private let isPrefix: Bool

        /// An extra from one row of the table.
        public init(parameter: String, unlessValue: String?, action: IAMAction, onSource: Bool) {
            self.parameter = parameter
            self.unlessValue = unlessValue
            self.action = action
            self.onSource = onSource
            isPrefix = parameter.hasSuffix("*")
            name = String(parameter.lowercased().dropLast(isPrefix ? 1 : 0))
        }

        /// Whether request parameters call for this extra (their names lowercased, see ``ParameterName``).
        func applies(_ parameters: JSONValue?) -> Bool {
            for member in ParameterName.members(parameters) where ParameterName.matches(member.key, name, prefix: isPrefix) {
                guard let unlessValue else { return true }
                if member.value.string?.uppercased() == unlessValue.uppercased() { return false }
            }
            // Absent, or present but never with that value.
            return unlessValue != nil
        }
    }

    /// Request parameter names compared as their `lowercased()` text would be, read in place: ASCII names
    /// (all AWS writes) folded byte by byte, any other through `lowercased()`.
    enum ParameterName {
        /// The members of `parameters`, none when it is not an object.
        static func members(_ parameters: JSONValue?) -> LazySequence<JSONMembers> { (parameters?.lazyMembers ?? JSONMembers()).lazy }

        /// True when `key` lowercased is `name` (lowercase), or begins with it when `prefix`.
        static func matches(_ key: JSONValue, _ name: String, prefix: Bool) -> Bool {
            key.withStringBytes { bytes in
                guard bytes.allSatisfy({ $0 < 0x80 }) else {
                    let lowered = String(decoding: bytes, as: UTF8.self).lowercased()
                    return prefix ? lowered.hasPrefix(name) : lowered == name
                }
                let wanted = name.utf8
                guard prefix ? bytes.count >= wanted.count : bytes.count == wanted.count else { return false }
                return zip(bytes, wanted).allSatisfy { ($0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0) == $1 }
            } ?? false
        }
    }

    /// An action authorized together with a call when a request parameter is present
    /// (`Resources/companion-actions.tsv`: tag-on-create, `iam:PassRole`).
    public struct Companion: Sendable, Equatable {
        /// The request parameter, lowercased.
        public let parameter: String
        /// The companion IAM action.
        public let action: IAMAction
        /// True when the companion's resource is the parameter's value (a role ARN); else the call's own.
        public let onParameterValue: Bool
    }

    /// What the table says about one (eventSource, eventName).
    public struct Rule: Sendable, Equatable {
        /// The IAM actions the call needs.
        public var actions: [IAMAction]
        /// How the call's resource is found in the record.
        public var resource: ResourceRule
        /// The action needed instead when the request names an object version (`s3:GetObjectVersion`).
        public var versionedAction: IAMAction?
        /// Actions the request parameters may add (S3 headers).
        public var extras: [Extra] = []
        /// Actions authorized together with the call when a parameter is present.
        public var companions: [Companion] = []
    }

    // Keyed by eventSource, then eventName (`*` in `noIAM` for every event of the source): looked up
    // with the record's own strings, no key built per event.
    var prefixes: [String: String] = [:]
    var noIAM: [String: Set<String>] = [:]
    var rules: [String: [String: Rule]] = [:]
    var companions: [String: [String: [Companion]]] = [:]

    /// The table shipped with Perimeter.
    public static let shared: EventActionMap = {
        guard let url = Bundle.module.url(forResource: "event-actions", withExtension: "tsv"),
              let text = try? String(contentsOf: url, encoding: .utf8) else {
            preconditionFailure("event-actions.tsv is missing from the AWSLogs bundle")
        }
        guard let companionURL = Bundle.module.url(forResource: "companion-actions", withExtension: "tsv"),
              let companions = try? String(contentsOf: companionURL, encoding: .utf8) else {
            preconditionFailure("companion-actions.tsv is missing from the AWSLogs bundle")
        }
        do {
            var map = try EventActionMap(tsv: text)
            try map.readCompanions(companions)
            return map
        } catch { preconditionFailure("event-actions.tsv or companion-actions.tsv: \(error)") }
    }()

    /// Reads the companion-action table.
    /// - Throws: naming the line of a row that is not source, name, parameter, action, `call`|`parameter`, source.
    public mutating func readCompanions(_ tsv: String) throws {
        for (number, line) in tsv.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.isEmpty || line.hasPrefix("#") { continue }
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 6, let action = IAMAction(f[3]), f[4] == "call" || f[4] == "parameter" else {
                throw TableError(line: number + 1,
                    message: "companion rows are eventSource, eventName, parameter, action, call|parameter, source")
            }
            companions[f[0], default: [:]][f[1], default: []].append(Companion(parameter: f[2].lowercased(), action: action,
                                                                                  onParameterValue: f[4] == "parameter"))
        }
    }

    /// Parses the table; throws naming the line of a malformed row.
    ///
    /// - Throws: An error naming the line of a row that does not read (wrong column count, bad action).
    public init(tsv: String) throws {
        for (number, line) in tsv.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.isEmpty || line.hasPrefix("#") { continue }
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            func bad(_ why: String) -> any Error { TableError(line: number + 1, message: why) }
            switch f[0] {
            case "prefix":
                guard f.count == 3 else { throw bad("prefix rows have 3 fields") }
                prefixes[f[1]] = f[2]
            case "noiam":
                guard f.count == 3 else { throw bad("noiam rows have 3 fields") }
                noIAM[f[1], default: []].insert(f[2])
            case "event":
                guard (5...7).contains(f.count) else { throw bad("event rows have 5 to 7 fields") }
                let actions = f[3].split(separator: ",").compactMap { IAMAction(String($0)) }
                guard !actions.isEmpty else { throw bad("no action in `\(f[3])`") }
                guard let rule = ResourceRule(rawValue: f[4]) else { throw bad("unknown resource rule `\(f[4])`") }
                var versioned: IAMAction?
                if f.count >= 6, !f[5].isEmpty {
                    guard let v = IAMAction(f[5]) else { throw bad("bad versioned action `\(f[5])`") }
                    versioned = v
                }
                var extras: [Extra] = []
                if f.count == 7 {
                    for item in f[6].split(separator: ";") {
                        // `parameter=action`, `parameter*=action`, `parameter!VALUE=action`, each optionally `@source`.
                        let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
                        guard parts.count == 2 else { throw bad("extra `\(item)` is not parameter=action") }
                        var target = parts[1], onSource = false
                        if target.hasSuffix("@source") { target = String(target.dropLast(7)); onSource = true }
                        guard let action = IAMAction(target) else { throw bad("bad extra action `\(parts[1])`") }
                        let condition = parts[0].split(separator: "!", maxSplits: 1).map(String.init)
                        extras.append(Extra(parameter: condition[0], unlessValue: condition.count == 2 ? condition[1] : nil,
                                            action: action, onSource: onSource))
                    }
                }
                rules[f[1], default: [:]][f[2]] = Rule(actions: actions, resource: rule, versionedAction: versioned, extras: extras)
            default:
                throw bad("unknown row kind `\(f[0])`")
            }
        }
    }

    struct TableError: Error, CustomStringConvertible {
        var line: Int
        var message: String
        var description: String { "line \(line): \(message)" }
    }

    /// S3 Express One Zone's event source (directory buckets).
    static let s3Express = "s3express.amazonaws.com"

    /// The IAM prefix of an eventSource: the table's exception, else the first DNS label.
    public func servicePrefix(eventSource: String) -> String {
        if let p = prefixes[eventSource] { return p }
        return String(eventSource.split(separator: ".").first ?? Substring(eventSource))
    }

    /// True when the event needs no IAM permission.
    public func needsNoPermission(eventSource: String, eventName: String) -> Bool {
        guard let names = noIAM[eventSource] else { return false }
        return names.contains(eventName) || names.contains("*")
    }

    /// The table row for an event, or the general rule's answer.
    public func rule(eventSource: String, eventName: String) -> Rule {
        if let r = rules[eventSource]?[eventName] { return r }
        // S3 Express One Zone logs its zonal calls under S3's API names: S3's row names the action a call needs
        // (CompleteMultipartUpload: PutObject), in S3 Express's prefix; the directory bucket is what resources[] names.
        if eventSource == Self.s3Express, let s3 = rules["s3.amazonaws.com"]?[eventName] {
            return Rule(actions: s3.actions.map { IAMAction(service: "s3express", name: $0.name) }, resource: .resources,
                        versionedAction: nil, companions: [])
        }
        let name = Self.strippingVersionSuffix(eventName)
        return Rule(actions: [IAMAction(service: servicePrefix(eventSource: eventSource), name: name)],
                    resource: .resources, versionedAction: nil, companions: companions[eventSource]?[name] ?? [])
    }

    /// Removes an API-version suffix: `CreateFunction20150331` → `CreateFunction`,
    /// `GetFunction20150331v2` → `GetFunction`, `CreateDistribution2020_05_31` → `CreateDistribution`.
    public static func strippingVersionSuffix(_ name: String) -> String {
        let u = Array(name.utf8)
        var i = u.count
        while i > 0, (u[i - 1] >= 48 && u[i - 1] <= 57) || u[i - 1] == 95 || u[i - 1] == 118 { i -= 1 }
        // Only strip when what was removed holds a year-like run of digits (so `Ec2v2` style names stay).
        let tail = u[i...]
        let digits = tail.filter { $0 >= 48 && $0 <= 57 }.count
        guard i > 0, digits >= 4, tail.first.map({ $0 >= 48 && $0 <= 57 }) == true else { return name }
        return String(decoding: u[..<i], as: UTF8.self)
    }
}
