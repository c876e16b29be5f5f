import AWSModel
import Foundation
import IAMPolicy
@testable import PolicySynthesis
import Testing
@testable import Inventory
@testable import Reporting

/// perimeter.tf fits the Terraform state the inventory read: a policy the state sets is changed on that
/// resource, never by a second one (two resources overwrite each other on every apply).
struct TerraformChangeTests {
    static let endpoint = "vpce-0a1b2c3d4e5f60718", other = "vpce-0b1c2d3e4f5a60729"
    static let policy = #"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\","#
        + #"\"Action\":\"*\",\"Resource\":\"*\"}]}"#

    static func resource(_ module: String?, _ type: String, _ name: String, _ attributes: String) -> String {
        #"{"mode":"managed",\#(module.map { "\"module\":\"\($0)\"," } ?? "")"type":"\#(type)","name":"\#(name)","#
            + #""instances":[{"attributes":{\#(attributes)}}]}"#
    }

    static let endpointResource = resource("module.network", "aws_vpc_endpoint", "s3",
        #""id":"\#(endpoint)","vpc_endpoint_type":"Gateway","service_name":"com.amazonaws.us-east-1.s3","owner_id":"111122223333","#
            + #""policy":"\#(policy)""#)
    static let policyResource = resource(nil, "aws_vpc_endpoint_policy", "s3",
                                         #""id":"\#(endpoint)","vpc_endpoint_id":"\#(endpoint)","policy":"\#(policy)""#)
    static let bucketResource = resource(nil, "aws_s3_bucket", "data", #""id":"app-data","bucket":"app-data","policy":"\#(policy)""#)

    static func state(_ resources: [String]) -> Inventory {
        let text = #"{"version":4,"terraform_version":"1.9.0","resources":[\#(resources.joined(separator: ","))]}"#
        return InventoryReader.read([("inventory/terraform.tfstate", text)])
    }

    static func draft(_ kind: ChangeFiles.Draft.Kind, _ id: String, account: String, terraform: TerraformResource?) -> ChangeFiles.Draft {
        let policy = PolicyDocument(statements: [Statement(sid: "S", effect: .allow, principal: .any, action: .actions(["s3:GetObject"]),
                                                           resource: .resources(["arn:aws:s3:::app-data/*"]))])
        return ChangeFiles.Draft(kind: kind, id: id, verdict: .ready, reasons: [], currentSaved: true, draft: policy,
                                 account: AccountID(account), terraform: terraform)
    }

    @Test func theStatesResourceSettingAPolicyIsRead() {
        let inventory = Self.state([Self.endpointResource, Self.bucketResource])
        #expect(inventory.endpoints[VPCEndpointID(Self.endpoint)]?.terraform
                == TerraformResource(address: "module.network.aws_vpc_endpoint.s3", type: "aws_vpc_endpoint"))
        #expect(inventory.terraformBucketPolicies["app-data"] == TerraformResource(address: "aws_s3_bucket.data", type: "aws_s3_bucket"))
        // An aws_vpc_endpoint_policy is what Terraform applies last: it is the one to change, in either order.
        for order in [[Self.endpointResource, Self.policyResource], [Self.policyResource, Self.endpointResource]] {
            #expect(Self.state(order).endpoints[VPCEndpointID(Self.endpoint)]?.terraform?.address == "aws_vpc_endpoint_policy.s3")
        }
    }

    /// perimeter.tf added an aws_vpc_endpoint_policy for an endpoint whose policy module.network's
    /// aws_vpc_endpoint already set: the two overwrote each other on every apply.
    @Test func perimeterTfDuplicatesTheStatesOwnResource() throws {
        let inventory = Self.state([Self.endpointResource, Self.bucketResource])
        let managed = Self.draft(.endpoint(region: "us-east-1"), Self.endpoint, account: "111122223333",
                                 terraform: inventory.endpoints[VPCEndpointID(Self.endpoint)]?.terraform)
        let bucket = Self.draft(.bucket, "app-data", account: "111122223333", terraform: inventory.terraformBucketPolicies["app-data"])
        let tf = ChangeFiles.terraform([managed, bucket])
        #expect(!tf.contains("resource \""), "\(tf)")
        #expect(tf.contains("Terraform sets this policy as module.network.aws_vpc_endpoint.s3 (its `policy` argument)"))
        #expect(tf.contains("locals {\n  perimeter_vpce_0a1b2c3d4e5f60718 = <<-EOT\n"))
        // The bucket's own deprecated argument: changed there, with how to move it to its own resource.
        #expect(tf.contains("Terraform sets this policy as aws_s3_bucket.data"))
        #expect(tf.contains("#   import {\n#     to = aws_s3_bucket_policy.app_data\n#     id = \"app-data\"\n#   }"))
    }

    @Test func perimeterTfHasAProviderAliasPerAccountAndRegion() {
        let drafts = [Self.draft(.endpoint(region: "us-east-1"), Self.endpoint, account: "111122223333", terraform: nil),
                      Self.draft(.endpoint(region: "eu-west-1"), Self.other, account: "444455556666", terraform: nil),
                      Self.draft(.endpoint(region: "us-east-1"), "vpce-0c", account: "111122223333", terraform: nil)]
        let tf = ChangeFiles.terraform(drafts, profiles: [AccountID("444455556666"): "audit"])
        #expect(tf.components(separatedBy: "provider \"aws\" {").count == 3)
        #expect(tf.contains("""
            provider "aws" {
              alias               = "perimeter_444455556666_eu_west_1"
              region              = "eu-west-1"
              allowed_account_ids = ["444455556666"]
              profile             = "audit"
            }
            """))
        #expect(tf.contains("resource \"aws_vpc_endpoint_policy\" \"\(ChangeFiles.resourceName(Self.other))\" {\n"
                            + "  provider        = aws.perimeter_444455556666_eu_west_1\n  vpc_endpoint_id = \"\(Self.other)\"\n"))
        #expect(tf.components(separatedBy: "provider        = aws.perimeter_111122223333_us_east_1\n").count == 3)
    }

    /// A state address is the user's text: it never leaves its comment line.
    @Test func aStateAddressStaysInItsComment() {
        let d = Self.draft(.endpoint(region: "us-east-1"), Self.endpoint, account: "111122223333",
                           terraform: TerraformResource(address: "aws_vpc_endpoint.x\nresource \"null_resource\" \"y\" {}",
                                                        type: "aws_vpc_endpoint"))
        let tf = ChangeFiles.terraform([d])
        #expect(!tf.split(separator: "\n").contains { $0.hasPrefix("resource") })
    }
}
