import AWSModel
import IAMPolicy
import JSONTape

/// Recognizes inventory files by content: `ec2 describe-vpc-endpoints`, `ec2 describe-network-interfaces`,
/// `s3api get-bucket-policy` output or a plain bucket policy in `<bucket>.json`, a plain endpoint policy in
/// `<vpce-id>.json`, `organizations list-accounts`, `s3api list-buckets`.
public enum InventoryReader {
    /// Reads every (path, text) pair into one inventory; a file that is none of the shapes is a diagnostic.
    public static func read(_ files: [(path: String, text: String)]) -> Inventory {
        var inventory = Inventory()
        var interfaceAddresses: [String: [String]] = [:]
        for (path, text) in files.sorted(by: { $0.path < $1.path }) {
            let name = String(path.split(separator: "/").last ?? Substring(path))
            let stem = name.hasSuffix(".json") ? String(name.dropLast(5)) : name
            guard let root = try? JSONParser.parse(Array(text.utf8)).values[0] else {
                inventory.diagnostics.append(Diagnostic("inventory-not-json", .warning, "not JSON", at: .init(file: path)))
                continue
            }
            if let endpoints = root["VpcEndpoints"]?.elements {
                for e in endpoints {
                    guard let id = e["VpcEndpointId"]?.string else { continue }
                    guard VPCEndpointID.isWellFormed(id) else {
                        inventory.diagnostics.append(Diagnostic("inventory-bad-endpoint-id", .warning, "\(value: id) is not a VPC endpoint id: ignored", at: .init(file: path)))
                        continue
                    }
                    var endpoint = inventory.endpoints[VPCEndpointID(id)] ?? Inventory.Endpoint(id: VPCEndpointID(id))
                    endpoint.type = e["VpcEndpointType"]?.string
                    endpoint.serviceName = e["ServiceName"]?.string
                    endpoint.vpcID = e["VpcId"]?.string
                    endpoint.owner = e["OwnerId"]?.string.map { AccountID($0) }
                    if let document = e["PolicyDocument"]?.string {
                        do { endpoint.policy = try PolicyReader.read(document) } catch {
                            inventory.diagnostics.append(Diagnostic("inventory-policy-unreadable", .warning, "\(value: id): policy does not read: \(error)", at: .init(file: path)))
                        }
                    }
                    inventory.endpoints[endpoint.id] = endpoint
                }
            } else if let interfaces = root["NetworkInterfaces"]?.elements {
                for i in interfaces {
                    guard let description = i["Description"]?.string, description.hasPrefix("VPC Endpoint Interface "),
                          let ip = i["PrivateIpAddress"]?.string else { continue }
                    interfaceAddresses[String(description.dropFirst("VPC Endpoint Interface ".count)), default: []].append(ip)
                }
            } else if let accounts = root["Accounts"]?.elements {
                for a in accounts {
                    if let id = a["Id"]?.string { inventory.accounts.insert(AccountID(id)) }
                    if let arn = a["Arn"]?.string, let org = arn.split(separator: "/").first(where: { $0.hasPrefix("o-") }) {
                        inventory.organizationID = String(org)
                    }
                }
            } else if let buckets = root["Buckets"]?.elements {
                let owner = root["Owner"]?["ID"]?.string.flatMap { AccountID($0).isNumeric ? AccountID($0) : nil }
                    ?? Self.accountInName(stem)
                for b in buckets {
                    guard let bucket = b["Name"]?.string else { continue }
                    inventory.buckets[bucket] = owner ?? AccountID("")
                }
            } else if root["Policy"] != nil || root["Statement"] != nil || root["PolicyDocument"] != nil {
                do {
                    let policy = try PolicyReader.read(text)
                    if VPCEndpointID.isWellFormed(stem) {
                        var endpoint = inventory.endpoints[VPCEndpointID(stem)] ?? Inventory.Endpoint(id: VPCEndpointID(stem))
                        endpoint.policy = policy
                        inventory.endpoints[endpoint.id] = endpoint
                    } else {
                        inventory.bucketPolicies[stem] = policy
                    }
                } catch {
                    inventory.diagnostics.append(Diagnostic("inventory-policy-unreadable", .warning, "policy does not read: \(error)", at: .init(file: path)))
                }
            } else {
                inventory.diagnostics.append(Diagnostic("inventory-unrecognized", .warning, "not an inventory file Perimeter knows", at: .init(file: path)))
            }
        }
        for (id, addresses) in interfaceAddresses where VPCEndpointID.isWellFormed(id) {
            var endpoint = inventory.endpoints[VPCEndpointID(id)] ?? Inventory.Endpoint(id: VPCEndpointID(id))
            endpoint.addresses = addresses.sorted()
            inventory.endpoints[endpoint.id] = endpoint
        }
        return inventory
    }

    /// A twelve-digit account id in a file name (`s3api-list-buckets-111122223333`).
    static func accountInName(_ name: String) -> AccountID? {
        name.split(whereSeparator: { !$0.isASCIIDigit }).map(String.init).first { $0.count == 12 }.map { AccountID($0) }
    }
}
