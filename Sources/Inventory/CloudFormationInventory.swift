import AWSModel
import Foundation
import IAMPolicy
import JSONTape

/// What `cloudformation describe-stack-resources` (or `list-stack-resources`) says: the deployed id of
/// each logical id, and the partition, Region and account of the stack.
struct CloudFormationStack {
    /// Physical ids by logical id; nil where two stacks use the same logical id for different resources.
    private(set) var physicalIDs: [String: String?] = [:]
    private(set) var pseudo: [String: String] = [:]

    mutating func add(_ resources: [JSONValue]) {
        for r in resources {
            guard let logical = r["LogicalResourceId"]?.string, let physical = r["PhysicalResourceId"]?.string else { continue }
            if let known = physicalIDs[logical], known != physical {
                physicalIDs[logical] = .some(nil) } else { physicalIDs[logical] = physical
            }
            // arn:aws:cloudformation:us-east-1:111122223333:stack/name/guid
            if let stackID = r["StackId"]?.string, let arn = ARN(stackID) {
                pseudo["AWS::Partition"] = arn.partition
                pseudo["AWS::Region"] = arn.region
                pseudo["AWS::AccountId"] = arn.account
            }
        }
    }

    /// The value of `Ref name`: a pseudo parameter the stack ARN gives, or a resource's deployed id.
    func ref(_ name: String) -> String? { pseudo[name] ?? physicalIDs[name] ?? nil }
}

/// A CloudFormation value that cannot be resolved from the files given: the intrinsic and why.
struct UnresolvedIntrinsic: Error, CustomStringConvertible {
    var description: String
}

/// CloudFormation templates: `AWS::EC2::VPCEndpoint` and `AWS::S3::BucketPolicy` resources. `Ref` to a
/// pseudo parameter or to a resource, and `Fn::Sub` and `Fn::Join` over those, are resolved from the
/// stack's resources; any other intrinsic (a parameter, `Fn::GetAtt`, `Fn::ImportValue`, …) makes the
/// value unresolved, reported and not used.
extension InventoryReading {
    mutating func readTemplate(_ root: JSONValue, path: String) {
        let file = String(path.split(separator: "/").last ?? Substring(path))
        for (logical, resource) in root["Resources"]?.members ?? [] {
            let properties = resource["Properties"]
            let source = "CloudFormation \(logical) in \(file)"
            switch resource["Type"]?.string {
            case "AWS::EC2::VPCEndpoint":
                guard let physical = stack.ref(logical) else {
                    note(.cloudformationNotDeployed, """
                        \(value: logical) (AWS::EC2::VPCEndpoint): its endpoint id is known only once deployed; give `aws cloudformation \
                        describe-stack-resources` output beside the template
                        """, path)
                    continue
                }
                guard let id = endpointID(physical, path) else { continue }
                // CloudFormation's default type is Gateway.
                let type = resolvedString(properties?["VpcEndpointType"]), service = resolvedString(properties?["ServiceName"])
                let vpc = resolvedString(properties?["VpcId"])
                let name = (properties?["Tags"]?.elements ?? []).first { resolvedString($0["Key"]) == "Name" }
                    .flatMap { resolvedString($0["Value"]) }
                update(id) { endpoint in
                    endpoint.name = name ?? endpoint.name
                    endpoint.type = type ?? endpoint.type ?? "Gateway"
                    endpoint.serviceName = service ?? endpoint.serviceName
                    endpoint.vpcID = vpc ?? endpoint.vpcID
                }
                if let policy = resolvedPolicy(properties?["PolicyDocument"], what: logical, path) {
                    setPolicy(policy, endpoint: id, source: source, path)
                }
            case "AWS::S3::BucketPolicy":
                guard let bucketValue = properties?["Bucket"] else { continue }
                let bucket: String
                do { bucket = try resolve(bucketValue).string ?? "" } catch {
                    note(.cloudformationUnresolved, "\(value: logical): the bucket is \(error); the policy is not used", path)
                    continue
                }
                if let policy = resolvedPolicy(properties?["PolicyDocument"], what: logical, path) {
                    setBucketPolicy(policy, bucket: bucket, source: source, path)
                }
            default:
                continue
            }
        }
    }

    /// A policy document with its intrinsics resolved; nil and a diagnostic when one cannot be.
    mutating func resolvedPolicy(_ value: JSONValue?, what: String, _ path: String) -> PolicyDocument? {
        guard let value else { return nil }
        do {
            return policy(try resolve(value), what: what, path)
        } catch {
            note(.cloudformationUnresolved, """
                \(value: what): its policy needs \(error), which the files given do not resolve; it is not used (the current \
                policy is unknown)
                """, path)
            return nil
        }
    }

    func resolvedString(_ value: JSONValue?) -> String? {
        guard let value else { return nil }
        return (try? resolve(value))?.string
    }

    /// The value with `Ref` and `Fn::Sub` replaced, as a new JSON value.
    /// - Throws: ``UnresolvedIntrinsic`` naming the first intrinsic that cannot be resolved.
    func resolve(_ value: JSONValue) throws(UnresolvedIntrinsic) -> JSONValue {
        let text = try resolvedText(value)
        do { return try JSONParser.parse(Array(text.utf8)).values[0] } catch {
            // Built from parsed JSON and quoted strings, the text parses; if it ever did not, nothing is guessed.
            throw UnresolvedIntrinsic(description: "a value Perimeter could not rebuild (\(error.message))")
        }
    }

    private func resolvedText(_ value: JSONValue) throws(UnresolvedIntrinsic) -> String {
        if value.isArray {
            var parts: [String] = []
            for element in value.elements { parts.append(try resolvedText(element)) }
            return "[" + parts.joined(separator: ",") + "]"
        }
        if let string = value.string { return JSONString.quote(string) }
        guard value.isObject else { return value.rawText }
        let members = value.members
        if members.count == 1, let (name, argument) = members.first, name == "Ref" || name.hasPrefix("Fn::") {
            return JSONString.quote(try intrinsic(name, argument))
        }
        var parts: [String] = []
        for (key, member) in members { parts.append(JSONString.quote(key) + ":" + (try resolvedText(member))) }
        return "{" + parts.joined(separator: ",") + "}"
    }

    private func intrinsic(_ name: String, _ argument: JSONValue) throws(UnresolvedIntrinsic) -> String {
        switch name {
        case "Ref":
            guard let target = argument.string else { throw UnresolvedIntrinsic(description: "a `Ref` that is not a name") }
            guard let value = stack.ref(target) else { throw UnresolvedIntrinsic(description: "`Ref \(target)`") }
            return value
        case "Fn::Sub" where argument.string != nil:
            return try substitute(argument.string!)
        case "Fn::Join":
            let parts = argument.elements
            guard parts.count == 2, let delimiter = parts[0].string, parts[1].isArray else {
                throw UnresolvedIntrinsic(description: "a malformed `Fn::Join`")
            }
            var strings: [String] = []
            for item in parts[1].elements {
                guard let text = try resolve(item).string else { throw UnresolvedIntrinsic(description: "a non-string in `Fn::Join`") }
                strings.append(text)
            }
            return strings.joined(separator: delimiter)
        default:
            throw UnresolvedIntrinsic(description: "`\(name)`")
        }
    }

    /// `Fn::Sub` over `${Name}` (a pseudo parameter or a resource) and `${!Literal}`.
    private func substitute(_ template: String) throws(UnresolvedIntrinsic) -> String {
        var out = ""
        var rest = Substring(template)
        while let open = rest.range(of: "${") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else { out += rest[open.lowerBound...]; return out }
            let name = String(rest[open.upperBound..<close])
            if name.hasPrefix("!") {
                out += "${" + name.dropFirst() + "}"
            } else {
                guard let value = stack.ref(name) else { throw UnresolvedIntrinsic(description: "`${\(name)}` in `Fn::Sub`") }
                out += value
            }
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }
}
