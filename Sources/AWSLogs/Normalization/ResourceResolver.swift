import AWSModel
import Foundation
import JSONTape

/// Applies one ``EventActionMap/ResourceRule`` to a record's request parameters.
struct ResourceResolver {
    let region: String
    /// The partition the record was made in (``EventNormalizer/partition(region:identity:)``): every ARN built here is in it.
    let partition: String
    let recipient: AccountID?
    /// The record's `requestParameters`.
    let parameters: JSONValue?
    /// The record's `resources[]`, read entry by entry where a rule needs it (an S3 call only asks its
    /// bucket's owner: no text is made for the entries).
    let resources: JSONValue?
    /// The DynamoDB table entries of `resources[]`, their ARN parsed once.
    let loggedTables: [(arn: ARN?, owner: AccountID?)]

    init(parameters: JSONValue?, resources: JSONValue?, region: String, partition: String, recipient: AccountID?) {
        self.region = region
        self.partition = partition
        self.recipient = recipient
        self.parameters = parameters
        self.resources = resources
        var tables: [(arn: ARN?, owner: AccountID?)] = []
        for entry in Self.entries(resources) where entry.isType("AWS::DynamoDB::Table") { tables.append((ARN(entry.arn), entry.account)) }
        loggedTables = tables
    }

    /// An entry of `resources[]` that names an ARN (`ARN`, or `arn` as some records write it); others are ignored.
    struct Entry {
        let value: JSONValue
        let arnValue: JSONValue

        init?(_ value: JSONValue) {
            guard let arn = value["ARN"].flatMap({ $0.isString ? $0 : nil }) ?? value["arn"].flatMap({ $0.isString ? $0 : nil }) else {
                return nil
            }
            self.value = value
            arnValue = arn
        }

        var arn: String { arnValue.string! }
        var account: AccountID? { value["accountId"]?.string.map { AccountID($0) } }
        var type: String? { value["type"]?.string }
        func isType(_ type: String) -> Bool { value["type"]?.isString(type) ?? false }

        /// True when the ARN is `arn:PARTITION:s3:::BUCKET`, compared as bytes; text that is not ASCII is compared
        /// as the `String` it decodes to (invalid UTF-8 is repaired there, as in `bucket`).
        func isARN(ofBucket bucket: String, partition: String) -> Bool {
            arnValue.withStringBytes { bytes in
                guard bytes.allSatisfy({ $0 < 0x80 }) else {
                    return ResourceResolver.isARN(String(decoding: bytes, as: UTF8.self).utf8, ofBucket: bucket, partition: partition)
                }
                return ResourceResolver.isARN(bytes, ofBucket: bucket, partition: partition)
            } ?? false
        }
    }

    /// The entries of `resources[]` that name an ARN, in order, read in place.
    static func entries(_ resources: JSONValue?) -> some Sequence<Entry> {
        (resources?.lazyElements ?? JSONElements()).lazy.compactMap(Entry.init)
    }

    /// `resources[]` entries as (ARN, accountId, type), for the rules that read all of them.
    var loggedResources: [(arn: String, account: AccountID?, type: String?)] {
        Self.entries(resources).map { ($0.arn, $0.account, $0.type) }
    }

    /// The owner of S3 bucket `bucket` as `resources[]` states it: that bucket's entry, or else the first bucket entry.
    func bucketOwner(_ bucket: String) -> AccountID? {
        var first: Entry?, named: Entry?
        for entry in Self.entries(resources) where entry.isType("AWS::S3::Bucket") {
            if first == nil { first = entry }
            if entry.isARN(ofBucket: bucket, partition: partition) { named = entry; break }
        }
        return named?.account ?? first?.account
    }

    /// True when `arn` is `arn:PARTITION:s3:::BUCKET` (compared as bytes, without making that text per event).
    static func isARN(_ arn: some Collection<UInt8>, ofBucket bucket: String, partition: String) -> Bool {
        var rest = arn[...]
        func take(_ part: String.UTF8View) -> Bool {
            guard rest.starts(with: part) else { return false }
            rest = rest.dropFirst(part.count)
            return true
        }
        return take("arn:".utf8) && take(partition.utf8) && take(":s3:::".utf8) && take(bucket.utf8) && rest.isEmpty
    }

    /// The rule's accesses plus the extras its request parameters call for.
    func accesses(for rule: EventActionMap.Rule) -> [ResourceAccess] {
        let base = baseAccesses(for: rule)
        guard !rule.extras.isEmpty || !rule.companions.isEmpty, let primary = base.first else { return base }
        var result = base
        for companion in rule.companions {
            let named = EventActionMap.ParameterName.members(parameters)
                .first { EventActionMap.ParameterName.matches($0.key, companion.parameter, prefix: false) }
            guard let value = named?.value else { continue }
            if companion.onParameterValue {
                let arn = value.string.flatMap { ARN($0) != nil ? PolicyText.literal($0) : nil }
                result.append(ResourceAccess(action: companion.action, resource: arn ?? PolicyText.notLogged,
                                             resourceAccount: value.string.flatMap { ARN($0) }.map { AccountID($0.account) }))
            } else {
                result.append(
                    ResourceAccess(action: companion.action, resource: primary.resource, resourceAccount: primary.resourceAccount))
            }
        }
        for extra in rule.extras where extra.applies(parameters) {
            if extra.onSource {
                guard let source = base.dropFirst().first else { continue }
                result.append(ResourceAccess(action: extra.action, resource: source.resource, resourceAccount: source.resourceAccount))
            } else {
                result.append(ResourceAccess(action: extra.action, resource: primary.resource, resourceAccount: primary.resourceAccount))
            }
        }
        return result
    }

    func baseAccesses(for rule: EventActionMap.Rule) -> [ResourceAccess] {
        let versioned = parameters?["versionId"]?.string.map { !$0.isEmpty } ?? false
        let actions = versioned && rule.versionedAction != nil ? [rule.versionedAction!] : rule.actions
        func all(_ resource: Resource, _ owner: AccountID?) -> [ResourceAccess] {
            actions.map { ResourceAccess(action: $0, resource: resource, resourceAccount: owner) }
        }
        func all(_ resource: String, _ owner: AccountID?) -> [ResourceAccess] { all(Resource(policyText: resource), owner) }
        switch rule.resource {
        case .none:
            return all("*", nil)
        case .bucket, .object, .bucketObjects:
            guard let bucket = parameters?["bucketName"]?.string, !bucket.isEmpty else { return all(PolicyText.notLogged, nil) }
            if let point = S3AccessPoint(bucket, partition: partition) { return all(reached(through: point, rule.resource), point.owner) }
            let owner = bucketOwner(bucket)
            switch rule.resource {
            case .bucket: return all(Resource(literal: ARN.s3Bucket(bucket, partition: partition)), owner)
            // DeleteObjects logs no keys (DOMAIN.md C.1): the one documented wildcard on objects.
            case .bucketObjects:
                let bucketARN = PolicyText.literal(ARN.s3Bucket(bucket, partition: partition).description)
                return all(PolicyText.allObjects(inBucketARN: bucketARN), owner)
            default:
                guard let key = parameters?["key"]?.string ?? objectKey(inResourcesAfter: "arn:\(partition):s3:::\(bucket)/") else {
                    return all(PolicyText.notLogged, owner)
                }
                return all(Resource(literal: ARN.s3Object(bucket: bucket, key: key, partition: partition)), owner)
            }
        case .copy:
            guard let bucket = parameters?["bucketName"]?.string, !bucket.isEmpty else { return all(PolicyText.notLogged, nil) }
            return copyAccesses(into: bucket, action: rule.actions[0])
        case .table:
            let table = (tableName(parameters) ?? loggedTable).flatMap(self.table)
            return table.map { all($0.arn, $0.owner) } ?? all(PolicyText.notLogged, nil)
        case .tableIndex:
            guard let table = (tableName(parameters) ?? loggedTable).flatMap(self.table) else { return all(PolicyText.notLogged, nil) }
            if let index = parameters?["indexName"]?.string, !index.isEmpty {
                return all(table.arn + "/index/" + PolicyText.literal(index), table.owner)
            }
            return all(table.arn, table.owner)
        case .requestItems:
            let tables = requestItemTables
            guard !tables.isEmpty else { return all(PolicyText.notLogged, nil) }
            return tables.flatMap { table($0).map { all($0.arn, $0.owner) } ?? all(PolicyText.notLogged, nil) }
        case .transactItems:
            return transactAccesses(defaultAction: rule.actions[0])
        case .partiql:
            return partiqlAccesses()
        case .stream:
            let stream = parameters?["streamArn"]?.string
                ?? parameters?["shardIterator"]?.string.flatMap { $0.split(separator: "|").first.map(String.init) }
            return all(stream.flatMap { ARN($0) != nil ? PolicyText.literal($0) : nil } ?? PolicyText.notLogged, tableOwner)
        case .resources:
            let logged = loggedResources
            if !logged.isEmpty {
                return logged.sorted { $0.arn < $1.arn }.flatMap { all(PolicyText.literal($0.arn), $0.account) }
            }
            return all(loggedParameterResource, nil)
        }
    }

    /// A copy's write to `bucket` (its key, when logged) and its read of the source object (`x-amz-copy-source`).
    func copyAccesses(into bucket: String, action: IAMAction) -> [ResourceAccess] {
        let point = S3AccessPoint(bucket, partition: partition)
        let destination = point.map { reached(through: $0, .object) } ?? parameters?["key"]?.string.map {
            Resource(literal: ARN.s3Object(bucket: bucket, key: $0, partition: partition))
        }
        var result = [ResourceAccess(action: action, resource: destination ?? Resource.notLogged,
                                     resourceAccount: point?.owner ?? bucketOwner(bucket))]
        if let source = parameters?["x-amz-copy-source"]?.string, let copy = Self.copySource(source) {
            let read = IAMAction(service: "s3", name: copy.versioned ? "GetObjectVersion" : "GetObject")
            let owner = Self.entries(resources).first {
                $0.isType("AWS::S3::Bucket") && $0.isARN(ofBucket: copy.bucket, partition: partition)
            }?.account
            let source = ARN.s3Object(bucket: copy.bucket, key: copy.key, partition: partition)
            result.append(ResourceAccess(action: read, resource: Resource(literal: source), resourceAccount: owner))
        }
        return result
    }

    /// What a record names when `resources[]` does not: a queue URL or an ARN-valued parameter, as a
    /// literal; ``PolicyText/notLogged`` when it names none (never `*`).
    var loggedParameterResource: String {
        guard let parameters, parameters.isObject else { return PolicyText.notLogged }
        if let url = parameters["queueUrl"]?.string, let arn = Self.queueARN(url: url, region: region, partition: partition) {
            return PolicyText.literal(arn)
        }
        for (key, value) in parameters.members where key.hasSuffix("Arn") || key.hasSuffix("ARN") || key == "keyId" || key
            == "functionName" {
            if let text = value.string, ARN(text) != nil { return PolicyText.literal(text) }
        }
        return PolicyText.notLogged
    }

    /// The key of the first `AWS::S3::Object` entry whose ARN begins with `prefix` (a bucket's or an access point's).
    func objectKey(inResourcesAfter prefix: String) -> String? {
        Self.entries(resources).first { $0.isType("AWS::S3::Object") && $0.arn.hasPrefix(prefix) }
            .map { String($0.arn.dropFirst(prefix.count)) }
    }

    /// What a bucket, object or all-objects rule reaches when the request names access point `point` where a bucket
    /// name goes: the access point, the object through it (its key logged), or every object through it.
    func reached(through point: S3AccessPoint, _ rule: EventActionMap.ResourceRule) -> Resource {
        switch rule {
        case .bucket: return Resource(literal: point.arn)
        case .bucketObjects:
            return Resource(policyText: PolicyText.allObjects(inBucketARN: PolicyText.literal(point.arn.description) + "/object"))
        default:
            let key = parameters?["key"]?.string ?? objectKey(inResourcesAfter: point.arn.description + "/object/")
            return key.map { Resource(literal: point.object($0)) } ?? .notLogged
        }
    }

    /// The ARN of the first table `resources[]` names, as a table reference.
    var loggedTable: String? { loggedTables.first?.arn?.description }

    var tableOwner: AccountID? {
        loggedTables.first?.owner ?? recipient
    }

    /// The table a request names (`tableName`), by name or by ARN: a reference for ``table(_:)``.
    func tableName(_ value: JSONValue?) -> String? {
        guard let name = value?.member(caseInsensitive: "tableName")?.string, !name.isEmpty else { return nil }
        return name
    }

    /// A table reference's ARN as policy text (every part of it is logged, so all of it is literal) and its
    /// owner. A name is a table of the record's partition and Region, in the account `resources[]` gives it
    /// or the recipient's; an ARN (cross-account requests name tables so) is that table, owned by the
    /// account it names, however foreign. Nil for an ARN that is not a DynamoDB table's (no name holds `:`).
    func table(_ reference: String) -> (arn: String, owner: AccountID?)? {
        guard reference.utf8.starts(with: "arn:".utf8) else {
            let resource = "table/\(reference)"
            let account = loggedTables.first { $0.arn?.resource == resource }?.arn?.account ?? recipient?.rawValue ?? ""
            let arn = ARN(partition: partition, service: "dynamodb", region: region, account: account, resource: resource)
            return (PolicyText.literal(arn.description), tableOwner)
        }
        guard let arn = ARN(reference), arn.service == "dynamodb", !arn.account.isEmpty, arn.resource.hasPrefix("table/"),
              let name = arn.resource.dropFirst(6).split(separator: "/", omittingEmptySubsequences: false).first, !name.isEmpty
        else { return nil }
        let table = ARN(partition: arn.partition, service: "dynamodb", region: arn.region, account: arn.account, resource: "table/\(name)")
        return (PolicyText.literal(table.description), AccountID(arn.account))
    }

    /// Tables of BatchGetItem / BatchWriteItem: `requestItems` is an object keyed by table, or a list.
    var requestItemTables: [String] {
        guard let items = parameters?.member(caseInsensitive: "requestItems") else { return loggedTable.map { [$0] } ?? [] }
        var names: [String] = items.isObject ? items.members.map(\.key) : items.elements.compactMap { tableName($0) }
        if names.isEmpty, let t = loggedTable { names = [t] }
        return Array(Set(names)).sorted()
    }

    func transactAccesses(defaultAction: IAMAction) -> [ResourceAccess] {
        let items = parameters?.member(caseInsensitive: "requestItems")?.elements
            ?? parameters?.member(caseInsensitive: "transactItems")?.elements ?? []
        var result = Set<ResourceAccess>()
        for item in items {
            // Two shapes: {"operation": "Put", "tableName": …} or {"Put": {"TableName": …}}.
            var operation = item.member(caseInsensitive: "operation")?.string
            var target: JSONValue? = item
            if operation == nil, let (key, value) = item.members.first {
                operation = key
                target = value
            }
            guard let table = (tableName(target) ?? loggedTable).flatMap(self.table) else { continue }
            let name: String = switch operation?.lowercased() {
            case "put": "PutItem"
            case "update": "UpdateItem"
            case "delete": "DeleteItem"
            case "conditioncheck": "ConditionCheckItem"
            case "get": "GetItem"
            default: defaultAction.name
            }
            result.insert(ResourceAccess(action: IAMAction(service: "dynamodb", name: name), resource: table.arn,
                                         resourceAccount: table.owner))
        }
        if result.isEmpty, let table = loggedTable.flatMap(self.table) {
            result.insert(ResourceAccess(action: defaultAction, resource: table.arn, resourceAccount: table.owner))
        }
        return result.sorted()
    }

    func partiqlAccesses() -> [ResourceAccess] {
        var statements: [String] = []
        if let s = parameters?["statement"]?.string { statements.append(s) }
        for item in parameters?.member(caseInsensitive: "requestItems")?.elements ?? [] {
            if let s = item.member(caseInsensitive: "statement")?.string { statements.append(s) }
        }
        for item in parameters?.member(caseInsensitive: "transactStatements")?.elements ?? [] {
            if let s = item.member(caseInsensitive: "statement")?.string { statements.append(s) }
        }
        var result = Set<ResourceAccess>()
        for statement in statements {
            guard let (verb, reference) = Self.partiql(statement), let table = self.table(reference) else { continue }
            let name = ["select": "PartiQLSelect", "insert": "PartiQLInsert", "update": "PartiQLUpdate", "delete": "PartiQLDelete"][verb]
                ?? "PartiQLSelect"
            result.insert(ResourceAccess(action: IAMAction(service: "dynamodb", name: name), resource: table.arn,
                                         resourceAccount: table.owner))
        }
        return result.sorted()
    }

    /// The verb and table of a PartiQL statement: `SELECT … FROM T`, `INSERT INTO T`, `UPDATE T`, `DELETE FROM T`.
    static func partiql(_ statement: String) -> (String, String)? {
        let words = statement.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).map(String.init)
        guard let verb = words.first?.lowercased() else { return nil }
        func after(_ keyword: String) -> String? {
            guard let i = words.firstIndex(where: { $0.lowercased() == keyword }), i + 1 < words.count else { return nil }
            return words[i + 1].trimmingCharacters(in: "\"")
        }
        let table: String? = switch verb {
        case "select", "delete": after("from")
        case "insert": after("into")
        case "update": words.count > 1 ? words[1].trimmingCharacters(in: "\"") : nil
        default: nil
        }
        guard let table, !table.isEmpty else { return nil }
        // `T.index` addresses an index of T.
        let base = table.split(separator: ".").first.map(String.init) ?? table
        return (verb, base)
    }

    /// Parses `x-amz-copy-source`: `bucket/key[?versionId=…]`, possibly with a leading `/` and URL-encoded.
    static func copySource(_ text: String) -> (bucket: String, key: String, versioned: Bool)? {
        var s = text.hasPrefix("/") ? String(text.dropFirst()) : text
        var versioned = false
        if let q = s.range(of: "?versionId=") {
            versioned = true
            s = String(s[..<q.lowerBound])
        }
        s = s.removingPercentEncodingSafe
        guard let slash = s.firstIndex(of: "/") else { return nil }
        let bucket = String(s[..<slash]), key = String(s[s.index(after: slash)...])
        guard !bucket.isEmpty, !key.isEmpty else { return nil }
        return (bucket, key, versioned)
    }

    /// `https://sqs.REGION.amazonaws.com/ACCOUNT/NAME` → `arn:PARTITION:sqs:REGION:ACCOUNT:NAME`, in the partition
    /// of the URL's Region (`sqs.cn-north-1.amazonaws.com.cn` → `aws-cn`), else the record's.
    static func queueARN(url: String, region: String, partition: String) -> String? {
        let parts = url.split(separator: "/")
        guard parts.count >= 4 else { return nil }
        let host = parts[parts.count - 3].split(separator: ".")
        let queueRegion = host.count >= 3 && host[0] == "sqs" ? String(host[1]) : region
        let queuePartition = queueRegion == region ? partition : Partition.of(region: queueRegion) ?? partition
        return "arn:\(queuePartition):sqs:\(queueRegion):\(parts[parts.count - 2]):\(parts[parts.count - 1])"
    }
}

extension String {
    func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s = s.dropFirst() }
        while s.last == set { s = s.dropLast() }
        return String(s)
    }

    /// Percent-decoding that keeps the text as is when it holds invalid escapes.
    var removingPercentEncodingSafe: String {
        guard contains("%") else { return self }
        var out: [UInt8] = []
        let u = Array(utf8)
        var i = 0
        while i < u.count {
            if u[i] == 37, i + 2 < u.count, let h = UInt8(String(decoding: u[(i + 1)...(i + 2)], as: UTF8.self), radix: 16) {
                out.append(h)
                i += 3
            } else {
                out.append(u[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
