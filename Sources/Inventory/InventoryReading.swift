import AWSModel
import Foundation
import IAMPolicy
import JSONTape

/// One inventory being read, file by file: the dispatch by content, and what ties files together
/// (interface addresses, CloudFormation templates waiting for their stack's ids, bucket listings
/// waiting for an owner).
struct InventoryReading {
    var inventory = Inventory()
    let trustedAccounts: [AccountID]
    /// Interface endpoint addresses by endpoint id (`describe-network-interfaces`).
    var interfaceAddresses: [String: [String]] = [:]
    /// CloudFormation templates, resolved at the end against every stack's resources.
    var templates: [(path: String, root: JSONValue)] = []
    /// Deployed ids by CloudFormation logical id, and what the stack ARNs say (partition, Region, account).
    var stack = CloudFormationStack()
    /// Buckets whose file does not name their account (a listing by canonical user id, Terraform
    /// state), with why: the owner is decided at the end.
    var bucketsWithoutOwner: [(path: String, names: [String], reason: String)] = []
    /// Accounts the `list-accounts-for-parent` listings name, with the first file naming each: checked at the
    /// end against `list-accounts`, the only source of membership.
    var listedUnderParent: [AccountID: String] = [:]

    init(trustedAccounts: [AccountID]) { self.trustedAccounts = trustedAccounts }

    mutating func read(path: String, text: String) {
        if readDeclaredAbsence(text, path: path) { return }
        let first = text.first { !$0.isWhitespace }
        guard first == "{" || first == "[" else { return readNonJSON(path: path, text: text) }
        let bytes = Array(text.utf8)
        let root: JSONValue
        do { root = try JSONParser.parse(bytes).values[0] } catch {
            return note(.inventoryNotJSON, "not JSON: \(error.message) at \(Self.place(of: error.offset, in: bytes))", path)
        }
        readJSON(root, path: path, text: text)
    }

    /// `line L, column C` (both from 1, the column in characters) of a byte offset, for a person to find the place.
    static func place(of offset: Int, in bytes: [UInt8]) -> String {
        let before = bytes.prefix(max(0, min(offset, bytes.count)))
        let line = before.reduce(1) { $1 == 10 ? $0 + 1 : $0 }
        let lineStart = before.lastIndex(of: 10).map { $0 + 1 } ?? 0
        let column = String(decoding: before[lineStart...], as: UTF8.self).count + 1
        return "line \(line), column \(column)"
    }

    /// A JSON file, by the members that say what it is.
    mutating func readJSON(_ root: JSONValue, path: String, text: String) {
        if let endpoints = root["VpcEndpoints"]?.elements {
            readEndpoints(endpoints, path: path)
        } else if let interfaces = root["NetworkInterfaces"]?.elements {
            readInterfaces(interfaces)
        } else if let accounts = root["Accounts"]?.elements {
            readAccounts(accounts, path: path)
        } else if let organization = root["Organization"], organization.isObject {
            readOrganization(organization)
        } else if let roots = root["Roots"]?.elements {
            for r in roots { if let id = r["Id"]?.string { inventory.organizationRoots.insert(id) } }
        } else if let units = root["OrganizationalUnits"]?.elements {
            readUnits(units, path: path)
        } else if let services = root["ServiceDetails"]?.elements {
            for service in services {
                guard let name = service["ServiceName"]?.string,
                      let supported = service["VpcEndpointPolicySupported"]?.bool else { continue }
                inventory.endpointPolicySupported[name] = supported
            }
        } else if let buckets = root["Buckets"]?.elements {
            readBuckets(buckets.compactMap { $0["Name"]?.string }, ownerID: root["Owner"]?["ID"]?.string, path: path)
            for bucket in buckets {
                guard let name = bucket["Name"]?.string, let region = bucket["BucketRegion"]?.string, RegionName.isWellFormed(region),
                      !region.isEmpty else { continue }
                inventory.bucketRegions[name] = region
            }
        } else if root["configurationItems"] != nil || root["configurationItem"] != nil || root["ConfigurationItems"] != nil
                    || (root["Results"]?.elements.first?.string?.contains("resourceType") ?? false) {
            readConfig(root, path: path)
        } else if root["format_version"] != nil, root["values"] != nil || root["planned_values"] != nil || root["prior_state"] != nil {
            readTerraformJSON(root, path: path)
        } else if root["terraform_version"] != nil, let resources = root["resources"]?.elements {
            readTerraformState(resources, path: path)
        } else if let resources = root["Resources"], resources.isObject {
            templates.append((path, root))
        } else if let resources = root["StackResources"]?.elements ?? root["StackResourceSummaries"]?.elements {
            stack.add(resources)
        } else if root["Policy"] != nil || root["Statement"] != nil || root["PolicyDocument"] != nil {
            readPolicyFile(text, path: path)
        } else {
            note(.inventoryUnrecognized, "not an inventory file Perimeter knows", path)
        }
    }

    /// A file that is not JSON: a CloudFormation template in YAML, or AWS CLI `--output text`.
    mutating func readNonJSON(path: String, text: String) {
        if CloudFormationYAML.looksLikeTemplate(text) {
            do {
                let json = try CloudFormationYAML.json(text)
                guard let root = try? JSONParser.parse(Array(json.utf8)).values[0] else { return }
                templates.append((path, root))
            } catch {
                note(.inventoryYAMLUnreadable, "YAML does not read: \(error)", path)
            }
        } else if !readCLIText(text, path: path) {
            note(.inventoryUnrecognized, """
                not an inventory file Perimeter knows (not JSON, not a CloudFormation template, not AWS CLI text output it can read)
                """, path)
        }
    }

    mutating func finish() -> Inventory {
        for (path, root) in templates { readTemplate(root, path: path) }
        assignBucketOwners()
        dropNonMembers()
        for (id, addresses) in interfaceAddresses where VPCEndpointID.isWellFormed(id) {
            update(VPCEndpointID(id)) { $0.addresses = addresses.sorted() }
        }
        return inventory
    }

    // MARK: shared steps

    mutating func note(_ code: Diagnostic.Code, _ message: Message, _ path: String, severity: Diagnostic.Severity = .warning) {
        inventory.diagnostics.append(Diagnostic(code, severity, message, at: .init(file: path)))
    }

    /// The endpoint id if it is one; a diagnostic if not (it would name a file).
    mutating func endpointID(_ text: String?, _ path: String) -> VPCEndpointID? {
        guard let text else { return nil }
        guard VPCEndpointID.isWellFormed(text) else {
            note(.inventoryBadEndpointID, "\(value: text) is not a VPC endpoint id: ignored", path)
            return nil
        }
        return VPCEndpointID(text)
    }

    mutating func update(_ id: VPCEndpointID, _ change: (inout Inventory.Endpoint) -> Void) {
        var endpoint = inventory.endpoints[id] ?? Inventory.Endpoint(id: id)
        change(&endpoint)
        inventory.endpoints[id] = endpoint
    }

    /// Sets an endpoint's current policy from `source`; a different policy from another source is said,
    /// unless the new one `supersedes` it by design (Terraform's `aws_vpc_endpoint_policy`).
    mutating func setPolicy(_ policy: PolicyDocument, endpoint id: VPCEndpointID, source: String, _ path: String,
        supersedes: Bool = false) {
        if !supersedes, let known = inventory.endpoints[id], let before = known.policy, before != policy, let from = known.policySource {
            note(.inventoryConflict, """
                \(value: id.rawValue): the policy from \(value: source) differs from the one from \(value: from); the former is used
                """, path)
        }
        update(id) { $0.policy = policy; $0.policySource = source }
    }

    mutating func setBucketPolicy(_ policy: PolicyDocument, bucket: String, source: String, _ path: String) {
        if let before = inventory.bucketPolicies[bucket], before != policy, let from = inventory.bucketPolicySources[bucket] {
            note(.inventoryConflict, """
                bucket \(value: bucket): the policy from \(value: source) differs from the one from \(value: from); the former is used
                """, path)
        }
        inventory.bucketPolicies[bucket] = policy
        inventory.bucketPolicySources[bucket] = source
        inventory.bucketsWithoutPolicy.remove(bucket)
    }

    /// Reads a policy given as JSON text or as an object; nil (and a diagnostic) when it does not read.
    mutating func policy(_ value: JSONValue?, what: String, _ path: String) -> PolicyDocument? {
        guard let value, !value.isNull else { return nil }
        do {
            if let text = value.string {
                guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
                return try PolicyReader.read(text)
            }
            return try PolicyReader.document(value, path: "")
        } catch {
            note(.inventoryPolicyUnreadable, "\(value: what): policy does not read: \(error)", path)
            return nil
        }
    }

    /// `organizations describe-organization`: the organization's id and management account.
    mutating func readOrganization(_ organization: JSONValue) {
        if let id = organization["Id"]?.string, id.hasPrefix("o-") { inventory.organizationID = id }
        if let id = organization["MasterAccountId"]?.string, AccountID(id).isNumeric {
            inventory.managementAccount = AccountID(id)
        }
    }

    mutating func addAccount(id: String?, arn: String?) {
        if let id, AccountID(id).isNumeric { inventory.accounts.insert(AccountID(id)) }
        if let arn, let org = arn.split(separator: "/").first(where: { $0.hasPrefix("o-") }) { inventory.organizationID = String(org) }
    }
}
