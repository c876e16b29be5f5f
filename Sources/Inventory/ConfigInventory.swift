import AWSModel
import IAMPolicy
import JSONTape

/// AWS Config configuration items: a snapshot or history file delivered to S3 (`configurationItems`),
/// `get-resource-config-history` output (the same, with `configuration` as JSON text), a change
/// notification (`configurationItem`), and `select-resource-config` results (`Results`, each item as JSON
/// text). Of each resource, the latest item counts; a deleted resource is not in force.
extension InventoryReading {
    mutating func readConfig(_ root: JSONValue, path: String) {
        var items: [JSONValue] = root["configurationItems"]?.elements ?? root["ConfigurationItems"]?.elements ?? []
        if let single = root["configurationItem"] { items.append(single) }
        for text in root["Results"]?.elements.compactMap(\.string) ?? [] {
            if let item = try? JSONParser.parse(Array(text.utf8)).values[0] { items.append(item) }
        }
        var latest: [String: (time: String, item: JSONValue)] = [:]
        for item in items {
            guard let type = item["resourceType"]?.string, type == "AWS::EC2::VPCEndpoint" || type == "AWS::S3::Bucket",
                  let id = item["resourceId"]?.string else { continue }
            let time = item["configurationItemCaptureTime"]?.string ?? ""
            if let known = latest[type + " " + id], known.time > time { continue }
            latest[type + " " + id] = (time, item)
        }
        for key in latest.keys.sorted() {
            let item = latest[key]!.item
            let status = item["configurationItemStatus"]?.string ?? "OK"
            guard !status.hasPrefix("ResourceDeleted") else { continue }
            if item["resourceType"]?.string == "AWS::EC2::VPCEndpoint" {
                readConfigEndpoint(item, path: path) } else { readConfigBucket(item, path: path)
            }
        }
    }

    /// A member that may be an object or the JSON text of one (as `get-resource-config-history` writes them).
    func object(_ value: JSONValue?) -> JSONValue? {
        guard let value else { return nil }
        if let text = value.string { return try? JSONParser.parse(Array(text.utf8)).values[0] }
        return value.isObject ? value : nil
    }

    /// `key` in the camelCase Config writes, or in the API's PascalCase.
    func field(_ object: JSONValue?, _ key: String) -> JSONValue? {
        object?[key] ?? object?[key.prefix(1).uppercased() + key.dropFirst()]
    }

    mutating func readConfigEndpoint(_ item: JSONValue, path: String) {
        let configuration = object(item["configuration"])
        guard let id = endpointID(field(configuration, "vpcEndpointId")?.string ?? item["resourceId"]?.string, path) else { return }
        let type = field(configuration, "vpcEndpointType")?.string, service = field(configuration, "serviceName")?.string
        let vpc = field(configuration, "vpcId")?.string
        let name = Self.nameTag(item["tags"]) ?? Self.nameTag(field(configuration, "tags"))
        let owner = (field(configuration, "ownerId")?.string ?? item["awsAccountId"]?.string ?? item["accountId"]?.string)
            .map { AccountID($0) }
        update(id) { endpoint in
            endpoint.type = type ?? endpoint.type
            endpoint.serviceName = service ?? endpoint.serviceName
            endpoint.vpcID = vpc ?? endpoint.vpcID
            endpoint.owner = owner ?? endpoint.owner
            endpoint.name = name ?? endpoint.name
        }
        if let policy = policy(field(configuration, "policyDocument"), what: id.rawValue, path) {
            setPolicy(policy, endpoint: id, source: "AWS Config item of \(id.rawValue)", path)
        }
    }

    mutating func readConfigBucket(_ item: JSONValue, path: String) {
        guard let bucket = item["resourceName"]?.string ?? object(item["configuration"])?["name"]?.string else { return }
        if let account = (item["awsAccountId"]?.string ?? item["accountId"]?.string).map({ AccountID($0) }), account.isNumeric {
            inventory.buckets[bucket] = account
        }
        let bucketPolicy = object(item["supplementaryConfiguration"]?["BucketPolicy"])
        if let policy = policy(bucketPolicy?["policyText"], what: bucket, path) {
            setBucketPolicy(policy, bucket: bucket, source: "AWS Config item of \(bucket)", path)
        }
    }
}
