import AWSModel
import JSONTape

/// The organization's inventory as the AWS CLI prints it: the organization, its root and OU tree (each
/// `…-for-parent` listing saved under its parent's id), its accounts, each account's endpoints (per Region)
/// and buckets, and the endpoint services of a Region.
extension OrganizationSample {
    static let root = "r-ex12"
    /// The OU tree: Workloads under the root, Production and Data under Workloads; the management account
    /// stays in the root. Each OU's parent, id and name.
    static let units = [(root, "ou-ex12-wkld0003", "Workloads"), ("ou-ex12-wkld0003", "ou-ex12-prod0001", "Production"),
                        ("ou-ex12-wkld0003", "ou-ex12-data0002", "Data")]
    /// Each account's parent.
    static let parents = [(management, root), (prod, "ou-ex12-prod0001"), (data, "ou-ex12-data0002")]

    /// Every inventory file: relative path → bytes.
    public func inventory() -> [String: [UInt8]] {
        let M = Self.management, org = Self.org
        func account(_ id: String, _ name: String) -> String {
            #"{"Id": "\#(id)", "Arn": "arn:aws:organizations::\#(M):account/\#(org)/\#(id)", "Name": "\#(name)", "Status": "ACTIVE"}"#
        }
        let names = [Self.prod: "acme-prod", Self.data: "acme-data", M: "acme-management"]
        let accounts = [Self.prod, Self.data, M].map { account($0, names[$0]!) }
        var files: [String: String] = [
            "inventory/organizations-describe-organization.json": #"""
                {"Organization": {"Id": "\#(org)", "Arn": "arn:aws:organizations::\#(M):organization/\#(org)", "FeatureSet": "ALL",
                 "MasterAccountArn": "arn:aws:organizations::\#(M):account/\#(org)/\#(M)", "MasterAccountId": "\#(M)"}}

                """#,
            "inventory/organizations-list-roots.json":
                #"{"Roots": [{"Id": "\#(Self.root)", "Arn": "arn:aws:organizations::\#(M):root/\#(org)/\#(Self.root)", "#
                    + #""Name": "Root"}]}"# + "\n",
            "inventory/organizations-list-accounts.json": "{\"Accounts\": [\n  " + accounts.joined(separator: ",\n  ") + "\n]}\n",
            "inventory/ec2-describe-vpc-endpoint-services-us-east-1.json": endpointServices(),
        ]
        for group in Dictionary(grouping: Self.units, by: \.0) {
            let units = group.value.map { _, id, name in
                #"{"Id": "\#(id)", "Arn": "arn:aws:organizations::\#(M):ou/\#(org)/\#(id)", "Name": "\#(name)"}"#
            }
            files["inventory/organizations-list-organizational-units-for-parent-\(group.key).json"] =
                "{\"OrganizationalUnits\": [\n  " + units.sorted().joined(separator: ",\n  ") + "\n]}\n"
        }
        for (id, parent) in Self.parents {
            files["inventory/organizations-list-accounts-for-parent-\(parent).json"] =
                "{\"Accounts\": [\n  " + account(id, names[id]!) + "\n]}\n"
        }
        let buckets = [(Self.prod, "acme-prod-orders"), (Self.data, "acme-data-lake-eu"), (M, "acme-artifacts")]
        for (owner, bucket) in buckets {
            files["inventory/s3api-list-buckets-\(owner).json"] =
                #"{"Buckets": [{"Name": "\#(bucket)", "CreationDate": "2024-02-01T10:00:00+00:00"}], "Owner": {"ID": "\#(owner)"}}"# + "\n"
        }
        for group in Dictionary(grouping: Self.endpoints, by: { "\($0.owner)-\($0.region)" }) {
            files["inventory/ec2-describe-vpc-endpoints-\(group.key).json"] = describeVpcEndpoints(group.value)
        }
        return files.mapValues { Array($0.utf8) }
    }

    /// `aws ec2 describe-vpc-endpoints` in one account and Region, with the allow-all policy each endpoint
    /// that takes one has today.
    func describeVpcEndpoints(_ endpoints: [Endpoint]) -> String {
        let allowAll = #"{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#
        let items = endpoints.sorted { $0.id < $1.id }.map { e in
            let policy = e.service == "email-smtp" ? "" : #", "PolicyDocument": \#(JSONString.quote(allowAll))"#
            return #"{"VpcEndpointId": "\#(e.id)", "VpcEndpointType": "\#(e.type)", "#
                + #""VpcId": "vpc-0\#(e.owner.suffix(4))\#(e.region.count)", "#
                + #""ServiceName": "\#(e.serviceName)", "State": "available", "OwnerId": "\#(e.owner)"\#(policy), "#
                + #""Tags": [{"Key": "Name", "Value": "\#(e.service)-\#(e.region)"}]}"#
        }
        return "{\"VpcEndpoints\": [\n  " + items.joined(separator: ",\n  ") + "\n]}\n"
    }

    /// `aws ec2 describe-vpc-endpoint-services` (us-east-1), trimmed to the services the sample uses.
    func endpointServices() -> String {
        let services = ["dynamodb", "email-smtp", "kms", "logs", "s3", "sqs", "sts"].map { s in
            #"{"ServiceName": "com.amazonaws.us-east-1.\#(s)", "VpcEndpointPolicySupported": \#(s == "email-smtp" ? "false" : "true")}"#
        }
        return "{\"ServiceDetails\": [\n  " + services.joined(separator: ",\n  ") + "\n]}\n"
    }
}
