import AWSModel
import IAMPolicy
import JSONTape

/// A resource of Terraform's state that holds a policy in its `policy` argument: its address
/// (`module.network.aws_vpc_endpoint.s3`) and type (`aws_vpc_endpoint`, `aws_vpc_endpoint_policy`,
/// `aws_s3_bucket`, `aws_s3_bucket_policy`).
public struct TerraformResource: Sendable, Hashable {
    public var address: String
    public var type: String

    public init(address: String, type: String) {
        self.address = address
        self.type = type
    }

    /// True for a resource that holds the policy alone (`aws_vpc_endpoint_policy`, `aws_s3_bucket_policy`),
    /// false for the endpoint's or bucket's own resource.
    public var isPolicyResource: Bool { type.hasSuffix("_policy") }
}

/// Terraform's state (`.tfstate`, format 4) and its JSON output (`terraform show -json` of a state or a
/// plan): the endpoints, buckets and policies Terraform manages, named by their address.
extension InventoryReading {
    /// The resource types read, and what each gives.
    static let terraformTypes: Set<String> = ["aws_vpc_endpoint", "aws_vpc_endpoint_policy", "aws_s3_bucket", "aws_s3_bucket_policy"]

    /// A state file: `resources[].instances[].attributes`, addressed by module, type, name and index key.
    mutating func readTerraformState(_ resources: [JSONValue], path: String) {
        for resource in resources where resource["mode"]?.string == "managed" {
            guard let type = resource["type"]?.string, Self.terraformTypes.contains(type), let name = resource["name"]?.string else {
                continue
            }
            let module = resource["module"]?.string.map { $0 + "." } ?? ""
            for instance in resource["instances"]?.elements ?? [] {
                guard let attributes = instance["attributes"] else { continue }
                let index = instance["index_key"].map { key in key.string.map { "[\(JSONString.quote($0))]" } ?? "[\(key.rawText)]" } ?? ""
                readTerraformResource(type: type, address: "\(module)\(type).\(name)\(index)", attributes, path: path)
            }
        }
    }

    /// `terraform show -json`: a state's `values`, or a plan's `prior_state` (what is in force; its
    /// `planned_values` are not applied yet, and the changes it would make to policies are said).
    mutating func readTerraformJSON(_ root: JSONValue, path: String) {
        if let values = root["values"] {
            readTerraformModule(values["root_module"], path: path)
            return
        }
        guard let prior = root["prior_state"]?["values"] else {
            return note(.terraformPlanWithoutState, """
                a Terraform plan with no prior state: nothing it names is in force yet, so it gives no current policy
                """, path)
        }
        readTerraformModule(prior["root_module"], path: path)
        for change in root["resource_changes"]?.elements ?? [] {
            guard let type = change["type"]?.string, Self.terraformTypes.contains(type), let address = change["address"]?.string,
                  let actions = change["change"]?["actions"]?.elements.compactMap(\.string), actions != ["no-op"], actions != ["read"]
                  else { continue }
            let before = change["change"]?["before"]?["policy"]?.rawText, after = change["change"]?["after"]?["policy"]?.rawText
            if before != after || actions.contains("delete") || actions.contains("create") {
                note(.terraformPlanChangesPolicy, """
                    the plan would \(actions.joined(separator: " and ")) \(value: address): the drafts are compared with the state in \
                    force, not with the plan
                    """, path, severity: .note)
            }
        }
    }

    /// One module of `show -json` output, and its child modules.
    mutating func readTerraformModule(_ module: JSONValue?, path: String) {
        guard let module else { return }
        for resource in module["resources"]?.elements ?? [] where resource["mode"]?.string == "managed" {
            guard let type = resource["type"]?.string, Self.terraformTypes.contains(type),
                  let address = resource["address"]?.string, let values = resource["values"] else { continue }
            readTerraformResource(type: type, address: address, values, path: path)
        }
        for child in module["child_modules"]?.elements ?? [] { readTerraformModule(child, path: path) }
    }

    /// One resource's attributes.
    mutating func readTerraformResource(type: String, address: String, _ a: JSONValue, path: String) {
        let source = "Terraform \(address)"
        switch type {
        case "aws_vpc_endpoint":
            guard let id = endpointID(a["id"]?.string, path) else { return }
            update(id) { endpoint in
                endpoint.type = a["vpc_endpoint_type"]?.string ?? endpoint.type
                endpoint.serviceName = a["service_name"]?.string ?? endpoint.serviceName
                endpoint.vpcID = a["vpc_id"]?.string ?? endpoint.vpcID
                endpoint.owner = a["owner_id"]?.string.map { AccountID($0) } ?? endpoint.owner
                endpoint.name = Self.nameTag(a["tags"]) ?? endpoint.name
            }
            // An `aws_vpc_endpoint_policy` for the same endpoint wins: it is what Terraform applies last.
            let attached = inventory.endpoints[id]?.policySource?.contains("aws_vpc_endpoint_policy.") == true
            if !attached, let policy = policy(a["policy"], what: address, path) {
                setPolicy(policy, endpoint: id, source: source, path)
                update(id) { $0.terraform = TerraformResource(address: address, type: type) }
            }
        case "aws_vpc_endpoint_policy":
            guard let id = endpointID(a["vpc_endpoint_id"]?.string, path), let policy = policy(a["policy"], what: address, path) else {
                return
            }
            let known = inventory.endpoints[id]?.policySource ?? ""
            let ownAttribute = known.hasPrefix("Terraform ") && !known.contains("aws_vpc_endpoint_policy.")
            setPolicy(policy, endpoint: id, source: source, path, supersedes: ownAttribute)
            update(id) { $0.terraform = TerraformResource(address: address, type: type) }
        case "aws_s3_bucket":
            guard let bucket = a["bucket"]?.string else { return }
            if inventory.buckets[bucket] == nil {
                bucketsWithoutOwner.append((path, [bucket], "Terraform's state does not name a bucket's account"))
            }
            if inventory.bucketPolicySources[bucket]?.contains("aws_s3_bucket_policy.") != true,
                let policy = policy(a["policy"], what: address, path) {
                setBucketPolicy(policy, bucket: bucket, source: source, path)
                inventory.terraformBucketPolicies[bucket] = TerraformResource(address: address, type: type)
            }
        default:   // aws_s3_bucket_policy
            guard let bucket = a["bucket"]?.string, let policy = policy(a["policy"], what: address, path) else { return }
            setBucketPolicy(policy, bucket: bucket, source: source, path)
            inventory.terraformBucketPolicies[bucket] = TerraformResource(address: address, type: type)
        }
    }
}
