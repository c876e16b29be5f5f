import AWSModel
import IAMPolicy
import JSONTape

/// The AWS CLI's own output, JSON and (where its columns can be told apart) text.
extension InventoryReading {
    /// `ec2 describe-vpc-endpoints`.
    mutating func readEndpoints(_ endpoints: [JSONValue], path: String) {
        let file = String(path.split(separator: "/").last ?? Substring(path))
        for e in endpoints {
            guard let id = endpointID(e["VpcEndpointId"]?.string, path) else { continue }
            update(id) { endpoint in
                endpoint.type = e["VpcEndpointType"]?.string
                endpoint.serviceName = e["ServiceName"]?.string
                endpoint.vpcID = e["VpcId"]?.string
                endpoint.owner = e["OwnerId"]?.string.map { AccountID($0) }
                endpoint.name = Self.nameTag(e["Tags"]) ?? endpoint.name
            }
            if let policy = policy(e["PolicyDocument"], what: id.rawValue, path) {
                setPolicy(policy, endpoint: id, source: file, path)
            }
        }
    }

    /// The `Name` tag of an AWS API `Tags` list (`[{"Key": "Name", "Value": …}]`) or of a Terraform `tags` map.
    static func nameTag(_ tags: JSONValue?) -> String? {
        if let list = tags?.elements { return list.first { $0["Key"]?.string == "Name" }?["Value"]?.string }
        return tags?["Name"]?.string
    }

    /// `ec2 describe-network-interfaces`: the addresses of interface endpoints' network interfaces.
    mutating func readInterfaces(_ interfaces: [JSONValue]) {
        for i in interfaces {
            guard let description = i["Description"]?.string, description.hasPrefix("VPC Endpoint Interface "),
                  let ip = i["PrivateIpAddress"]?.string else { continue }
            interfaceAddresses[String(description.dropFirst("VPC Endpoint Interface ".count)), default: []].append(ip)
        }
    }

    /// `s3api list-buckets`: the owner is the listing's `Owner.ID` when it is an account id; a canonical
    /// user id is decided at the end (see ``assignBucketOwners()``).
    mutating func readBuckets(_ names: [String], ownerID: String?, path: String) {
        if let ownerID, AccountID(ownerID).isNumeric {
            for name in names { inventory.buckets[name] = AccountID(ownerID) }
        } else {
            bucketsWithoutOwner.append((path, names, "the listing names its owner by canonical user id"))
        }
    }

    /// Owners for listings that name none: the account in the file name (`s3api-list-buckets-111122223333.json`),
    /// else the only trusted account, else the organization's only account; the report says which.
    mutating func assignBucketOwners() {
        let accounts = inventory.accounts.sorted()
        for (path, names, reason) in bucketsWithoutOwner where !names.isEmpty {
            let stem = String(path.split(separator: "/").last ?? Substring(path))
            let owner: AccountID?
            let why: String
            if let named = Self.accountInName(stem) {
                owner = named; why = "the file name"
            } else if trustedAccounts.count == 1 {
                owner = trustedAccounts[0]; why = "--trusted-account"
            } else if accounts.count == 1 {
                owner = accounts[0]; why = "the organization's only account"
            } else {
                owner = nil; why = ""
            }
            for name in names { inventory.buckets[name] = owner ?? AccountID("") }
            if let owner {
                note(.bucketOwnerInferred, """
                    \(reason); the \(names.count) bucket\(names.count == 1 ? " is" : "s are") taken as account \
                    \(value: owner.rawValue)'s, from \(why)
                    """, path, severity: .note)
            } else {
                note(.bucketOwnerUnknown, """
                    \(reason), and neither the file name (`s3api-list-buckets-ACCOUNT.json`), one --trusted-account nor a one-account \
                    organization says which account it is: \(names.count) bucket\(names.count == 1 ? " has" : "s have") no known owner
                    """, path)
            }
        }
    }

    /// `s3api get-bucket-policy` output or a plain policy: `<vpce-id>.json` is an endpoint's, any other name a bucket's.
    /// A policy file's name, and its stem: `my-bucket.json`, `my-bucket.JSON.gz`, `vpce-0a1.policy` name
    /// the bucket or endpoint.
    static func policyFileStem(_ path: String) -> (name: String, stem: String) {
        let name = String(path.split(separator: "/").last ?? Substring(path))
        var stem = name
        for suffix in [".gz", ".json", ".policy", ".txt"] where stem.lowercased().hasSuffix(suffix) {
            stem = String(stem.dropLast(suffix.count))
        }
        return (name, stem)
    }

    /// An export that declares its bucket has no policy: `aws s3api get-bucket-policy` prints nothing
    /// then (its error goes to stderr), or the saved error names `NoSuchBucketPolicy`. True when read so.
    mutating func readDeclaredAbsence(_ text: String, path: String) -> Bool {
        let trimmed = String(text.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
        guard trimmed.isEmpty || (trimmed.contains("NoSuchBucketPolicy") && !trimmed.hasPrefix("{")) else { return false }
        let (name, stem) = Self.policyFileStem(path)
        guard BucketName.isWellFormed(stem), !VPCEndpointID.isWellFormed(stem) else { return false }
        if inventory.bucketPolicies[stem] != nil {
            note(.inventoryConflict, "bucket \(value: stem): \(value: name) says it has no policy, but a policy was read; "
                    + "the policy is used", path)
            return true
        }
        inventory.bucketsWithoutPolicy.insert(stem)
        inventory.bucketPolicySources[stem] = name
        return true
    }

    mutating func readPolicyFile(_ text: String, path: String) {
        let (name, stem) = Self.policyFileStem(path)
        do {
            let policy = try PolicyReader.read(text)
            if VPCEndpointID.isWellFormed(stem) {
                setPolicy(policy, endpoint: VPCEndpointID(stem), source: name, path)
            } else {
                setBucketPolicy(policy, bucket: stem, source: name, path)
            }
        } catch {
            note(.inventoryPolicyUnreadable, "policy does not read: \(error)", path)
        }
    }

    /// AWS CLI `--output text`: read where each row's columns can be told apart (`list-buckets`,
    /// `list-accounts`); a clear diagnostic where not. False when the text is no AWS CLI output.
    mutating func readCLIText(_ text: String, path: String) -> Bool {
        let rows = text.split(whereSeparator: \.isNewline)
            .map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        guard let kind = rows.first?.first, !kind.isEmpty, kind.allSatisfy({ $0.isUppercase || $0 == "_" }), rows.first!.count > 1 else {
            return false
        }
        switch kind {
        case "BUCKETS", "OWNER":
            var names: [String] = []
            var owner: String?
            for row in rows {
                if row.first == "BUCKETS", row.count == 3 { names.append(row[2]) }   // CreationDate, Name
                else if row.first == "BUCKETS" {
                    note(.inventoryTextAmbiguous, """
                        `list-buckets --output text` row with \(row.count - 1) columns: which is the name cannot be told; write it with \
                        `--output json`
                        """, path)
                    return true
                } else if row.first == "OWNER", let id = row.last { owner = id }
            }
            readBuckets(names, ownerID: owner, path: path)
        case "ACCOUNTS":
            for row in rows where row.first == "ACCOUNTS" {
                let ids = row.filter { AccountID($0).isNumeric }
                guard ids.count == 1 else {
                    note(.inventoryTextAmbiguous, """
                        `list-accounts --output text` row with \(ids.count) account-like columns: which is the id cannot be told; write \
                        it with `--output json`
                        """, path)
                    return true
                }
                addAccount(id: ids[0], arn: row.first { $0.hasPrefix("arn:") })
            }
        default:
            note(.inventoryTextUnsupported, """
                AWS CLI `--output text` (\(value: kind) rows) names no columns, and a policy in it spans lines: write it \
                with `--output json`
                """, path)
        }
        return true
    }

    /// A twelve-digit account id in a file name (`s3api-list-buckets-111122223333`).
    static func accountInName(_ name: String) -> AccountID? {
        name.split(whereSeparator: { !$0.isASCIIDigit }).map(String.init).first { $0.count == 12 }.map { AccountID($0) }
    }
}
