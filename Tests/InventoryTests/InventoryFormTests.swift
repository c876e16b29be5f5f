import AWSModel
import Foundation
import IAMPolicy
import JSONTape
import PerimeterTestSupport
import Testing
@testable import Inventory

/// The forms in which teams keep their endpoints and current policies (issue: every form people keep).
/// Shapes follow Terraform's JSON output format, CloudFormation's template reference (the VPC endpoint
/// example of its user guide, Tests/Fixtures/inventory) and AWS Config's configuration items.
struct InventoryFormTests {
    static let allowGet = #"""
        {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}]}
        """#
    static let allowAll = #"{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#
    static let denyPut = #"""
        {"Version":"2012-10-17","Statement":[{"Sid":"NoPut","Effect":"Deny","Principal":"*","Action":"s3:PutObject",\#
        "Resource":"arn:aws:s3:::logs/*"}]}
        """#

    static func codes(_ inventory: Inventory, _ severity: Diagnostic.Severity? = nil) -> [String] {
        inventory.diagnostics.filter { severity == nil || $0.severity == severity }.map(\.code.rawValue)
    }

    @Test func terraformStateGivesEndpointsBucketsAndWhichAddressTheirPolicyCameFrom() throws {
        let state = #"""
        {"version":4,"terraform_version":"1.9.5","serial":12,"lineage":"3f1c","outputs":{},"resources":[
          {"module":"module.network","mode":"managed","type":"aws_vpc_endpoint","name":"s3",\#
        "provider":"provider[\"registry.terraform.io/hashicorp/aws\"]",
           "instances":[{"index_key":"prod","schema_version":0,"attributes":{"id":"vpce-0a1","vpc_endpoint_type":"Gateway",\#
        "service_name":"com.amazonaws.eu-west-1.s3",
             "vpc_id":"vpc-1","owner_id":"111122223333","policy":\#(JSONString.quote(Self.allowAll))}}]},
          {"module":"module.network","mode":"managed","type":"aws_vpc_endpoint_policy","name":"s3",\#
        "provider":"provider[\"registry.terraform.io/hashicorp/aws\"]",
           "instances":[{"schema_version":0,"attributes":{"id":"vpce-0a1","vpc_endpoint_id":"vpce-0a1",\#
        "policy":\#(JSONString.quote(Self.allowGet))}}]},
          {"mode":"data","type":"aws_iam_policy_document","name":"x","instances":[{"attributes":{"json":"{}"}}]},
          {"mode":"managed","type":"aws_s3_bucket","name":"logs","instances":[{"attributes":{"bucket":"logs","policy":""}}]},
          {"mode":"managed","type":"aws_s3_bucket_policy","name":"logs","instances":[{"attributes":{"bucket":"logs",\#
        "policy":\#(JSONString.quote(Self.denyPut))}}]}
        ]}
        """#
        let inventory = InventoryReader.read([("infra/terraform.tfstate", state)], trustedAccounts: [AccountID("111122223333")])
        let endpoint = try #require(inventory.endpoints[VPCEndpointID("vpce-0a1")])
        #expect(endpoint.isGateway && endpoint.region == "eu-west-1" && endpoint.owner == AccountID("111122223333"))
        // The attached aws_vpc_endpoint_policy is what is in force, and the report names it.
        #expect(endpoint.policy == (try PolicyReader.read(Self.allowGet)))
        #expect(endpoint.policySource == "Terraform module.network.aws_vpc_endpoint_policy.s3")
        #expect(inventory.bucketPolicySources["logs"] == "Terraform aws_s3_bucket_policy.logs")
        #expect(inventory.bucketPolicies["logs"]?.statements.first?.sid == "NoPut")
        #expect(inventory.buckets["logs"] == AccountID("111122223333"))
        #expect(Self.codes(inventory, .warning).isEmpty)
    }

    @Test func terraformShowJSONReadsChildModules() throws {
        let show = #"""
        {"format_version":"1.0","terraform_version":"1.9.5","values":{"root_module":{"resources":[],"child_modules":[
          {"address":"module.vpc","resources":[{"address":"module.vpc.aws_vpc_endpoint.s3","mode":"managed","type":"aws_vpc_endpoint",\#
        "name":"s3",
            "provider_name":"registry.terraform.io/hashicorp/aws","schema_version":0,
            "values":{"id":"vpce-0b2","vpc_endpoint_type":"Gateway","service_name":"com.amazonaws.us-east-1.s3","vpc_id":"vpc-2",\#
        "owner_id":"111122223333",
                      "policy":\#(JSONString.quote(Self.allowGet))},"sensitive_values":{}}]}]}}}
        """#
        let inventory = InventoryReader.read([("show.json", show)])
        #expect(inventory.endpoints[VPCEndpointID("vpce-0b2")]?.policySource == "Terraform module.vpc.aws_vpc_endpoint.s3")
        #expect(inventory.endpoints[VPCEndpointID("vpce-0b2")]?.policy != nil)
    }

    @Test func aTerraformPlanIsReadForWhatIsInForceAndItsChangesAreSaid() throws {
        let plan = #"""
        {"format_version":"1.2","terraform_version":"1.9.5",
         "planned_values":{"root_module":{"resources":[{"address":"aws_vpc_endpoint.s3","mode":"managed","type":"aws_vpc_endpoint",\#
        "name":"s3",
            "values":{"id":"vpce-0c3","policy":\#(JSONString.quote(Self.allowGet))}}]}},
         "resource_changes":[{"address":"aws_vpc_endpoint.s3","mode":"managed","type":"aws_vpc_endpoint","name":"s3",
            "change":{"actions":["update"],"before":{"policy":\#(JSONString.quote(Self.allowAll))},\#
        "after":{"policy":\#(JSONString.quote(Self.allowGet))}}}],
         "prior_state":{"format_version":"1.0","values":{"root_module":{"resources":[{"address":"aws_vpc_endpoint.s3","mode":"managed",
            "type":"aws_vpc_endpoint","name":"s3","values":{"id":"vpce-0c3","vpc_endpoint_type":"Gateway",\#
        "service_name":"com.amazonaws.us-east-1.s3",
            "policy":\#(JSONString.quote(Self.allowAll))}}]}}}}
        """#
        let inventory = InventoryReader.read([("plan.json", plan)])
        #expect(inventory.endpoints[VPCEndpointID("vpce-0c3")]?.policy == (try PolicyReader.read(Self.allowAll)))
        #expect(Self.codes(inventory) == ["terraform-plan-changes-policy"])
        let fresh = InventoryReader.read([("plan.json", #"{"format_version":"1.2","planned_values":{"root_module":{}}}"#)])
        #expect(fresh.endpoints.isEmpty)
        #expect(Self.codes(fresh) == ["terraform-plan-without-state"])
    }

    static let stackResources = #"""
    {"StackResources":[
      {"StackName":"network","StackId":"arn:aws:cloudformation:eu-west-1:111122223333:stack/network/5b2a0d40-0000-11ef-0000-0a1b2c3d4e5f",
       "LogicalResourceId":"S3Endpoint","PhysicalResourceId":"vpce-0d4","ResourceType":"AWS::EC2::VPCEndpoint",\#
    "ResourceStatus":"CREATE_COMPLETE"},
      {"StackName":"network","StackId":"arn:aws:cloudformation:eu-west-1:111122223333:stack/network/5b2a0d40-0000-11ef-0000-0a1b2c3d4e5f",
       "LogicalResourceId":"LogBucket","PhysicalResourceId":"network-logbucket-1x2y3z","ResourceType":"AWS::S3::Bucket",\#
    "ResourceStatus":"CREATE_COMPLETE"}]}
    """#

    @Test(arguments: ["yaml", "json"])
    func aCloudFormationTemplateWithItsStackResourcesGivesTheDeployedEndpoint(form: String) throws {
        let example = String(decoding: TestSupport.bytes(TestSupport.fixture("inventory/aws-resource-ec2-vpcendpoint.example.\(form)")),
            as: UTF8.self)
        // The user guide's example is one resource: here it stands in a template, as it does in a stack.
        let template = form == "yaml"
            ? "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n" + example.split(separator: "\n", omittingEmptySubsequences: false)
                .map { "  " + $0 }.joined(separator: "\n")
            : "{\"AWSTemplateFormatVersion\":\"2010-09-09\",\"Resources\":{" + example + "}}"
        let inventory = InventoryReader.read([("stack/template.\(form)", template), ("stack/resources.json", Self.stackResources)])
        let endpoint = try #require(inventory.endpoints[VPCEndpointID("vpce-0d4")])
        #expect(endpoint.serviceName == "com.amazonaws.eu-west-1.s3")   // Fn::Join over Ref AWS::Region, from the stack ARN
        #expect(endpoint.policy?.statements.first?.resource?.patterns == ["arn:aws:s3:::examplebucket/*"])
        #expect(endpoint.policySource == "CloudFormation S3Endpoint in template.\(form)")
        #expect(endpoint.vpcID == nil)   // `Ref VPCID` is a parameter: not in the files, not guessed
        #expect(Self.codes(inventory, .warning).isEmpty)

        let alone = InventoryReader.read([("stack/template.\(form)", template)])
        #expect(alone.endpoints.isEmpty)
        #expect(Self.codes(alone) == ["cloudformation-not-deployed"])
    }

    @Test func anIntrinsicTheFilesDoNotResolveIsReportedAndThePolicyNotUsed() {
        let template = """
        AWSTemplateFormatVersion: '2010-09-09'
        Resources:
          S3Endpoint:
            Type: AWS::EC2::VPCEndpoint
            Properties:
              ServiceName: !Sub 'com.amazonaws.${AWS::Region}.s3'
              VpcId: !Ref VpcId
              PolicyDocument:
                Statement:
                  - Effect: Allow
                    Principal: '*'
                    Action: 's3:*'
                    Resource: !Sub '${AppBucket.Arn}/*'
          LogBucketPolicy:
            Type: AWS::S3::BucketPolicy
            Properties:
              Bucket: !Ref LogBucket
              PolicyDocument:
                Statement:
                  - Effect: Deny
                    Principal: '*'
                    Action: 's3:*'
                    Resource: !Sub 'arn:${AWS::Partition}:s3:::${LogBucket}/*'
                    Condition:
                      Bool:
                        aws:SecureTransport: false
        """
        let inventory = InventoryReader.read([("t.yaml", template), ("r.json", Self.stackResources)])
        let endpoint = inventory.endpoints[VPCEndpointID("vpce-0d4")]
        #expect(endpoint?.serviceName == "com.amazonaws.eu-west-1.s3")
        #expect(endpoint?.policy == nil)
        #expect(Self.codes(inventory) == ["cloudformation-unresolved"], "\(inventory.diagnostics)")
        #expect(inventory.diagnostics.first?.description.contains("${AppBucket.Arn}") == true)
        // `Ref LogBucket` and `${AWS::Partition}` resolve from the stack's resources.
        let lock = inventory.bucketPolicies["network-logbucket-1x2y3z"]
        #expect(lock?.statements.first?.resource?.patterns == ["arn:aws:s3:::network-logbucket-1x2y3z/*"])
        #expect(lock?.statements.first?.conditions.first?.values.map(\.text) == ["false"])
    }

    @Test func awsConfigItemsInEveryFormTheLatestOfEachResourceCounting() throws {
        let snapshot = #"""
        {"fileVersion":"1.0","configSnapshotId":"e5c2","configurationItems":[
          {"configurationItemVersion":"1.3","configurationItemCaptureTime":"2026-11-01T10:00:00.000Z","configurationItemStatus":"OK",
           "awsAccountId":"111122223333","resourceType":"AWS::EC2::VPCEndpoint","resourceId":"vpce-0e5","awsRegion":"us-east-1",
           "configuration":{"vpcEndpointId":"vpce-0e5","vpcEndpointType":"Gateway","vpcId":"vpc-5",\#
        "serviceName":"com.amazonaws.us-east-1.s3",
             "state":"available","policyDocument":\#(JSONString.quote(Self.allowAll)),"ownerId":"111122223333"},\#
        "supplementaryConfiguration":{}},
          {"configurationItemVersion":"1.3","configurationItemCaptureTime":"2026-11-03T10:00:00.000Z","configurationItemStatus":"OK",
           "awsAccountId":"111122223333","resourceType":"AWS::S3::Bucket","resourceId":"logs","resourceName":"logs","awsRegion":"us-east-1",
           "configuration":{"name":"logs","owner":{"displayName":null,"id":"eadb5178"}},
           "supplementaryConfiguration":{"BucketPolicy":{"policyText":\#(JSONString.quote(Self.denyPut))}}},
          {"configurationItemCaptureTime":"2026-11-03T10:00:00.000Z","configurationItemStatus":"ResourceDeleted",\#
        "awsAccountId":"111122223333",
           "resourceType":"AWS::EC2::VPCEndpoint","resourceId":"vpce-0gone","configuration":null}]}
        """#
        // `get-resource-config-history`: configuration and supplementary configuration as JSON text; the later item wins.
        let later = """
            {\"vpcEndpointId\":\"vpce-0e5\",\"vpcEndpointType\":\"Gateway\",\"serviceName\":\"com.amazonaws.us-east-1.s3\",\
            \"policyDocument\":\(JSONString.quote(Self.allowGet))}
            """
        let history = #"""
        {"configurationItems":[{"version":"1.3","accountId":"111122223333","configurationItemCaptureTime":"2026-11-05T10:00:00.000Z",
          "configurationItemStatus":"OK","resourceType":"AWS::EC2::VPCEndpoint","resourceId":"vpce-0e5",\#
        "configuration":\#(JSONString.quote(later)),
          "supplementaryConfiguration":{}}]}
        """#
        let inventory = InventoryReader.read([("config/snapshot.json", snapshot), ("config/zz-history.json", history)])
        let endpoint = try #require(inventory.endpoints[VPCEndpointID("vpce-0e5")])
        #expect(endpoint.owner == AccountID("111122223333") && endpoint.isGateway)
        #expect(inventory.endpoints[VPCEndpointID("vpce-0gone")] == nil)
        #expect(inventory.buckets["logs"] == AccountID("111122223333"))
        #expect(inventory.bucketPolicies["logs"]?.statements.first?.sid == "NoPut")
        #expect(endpoint.policy == (try PolicyReader.read(Self.allowGet)))
        // Two files disagree about the endpoint's policy: said, with both sources.
        #expect(Self.codes(inventory) == ["inventory-conflict"])

        let bucketPolicy = JSONString.quote(#"{"policyText":"# + JSONString.quote(Self.denyPut) + "}")
        let item = """
            {\"resourceType\":\"AWS::S3::Bucket\",\"resourceId\":\"b2\",\"resourceName\":\"b2\",\"accountId\":\"111122223333\",\
            \"supplementaryConfiguration\":{\"BucketPolicy\":\(bucketPolicy)}}
            """
        let select = InventoryReader.read([("select.json", "{\"Results\":[\(JSONString.quote(item))],\"QueryInfo\":{}}")])
        #expect(select.bucketPolicies["b2"]?.statements.first?.sid == "NoPut")
    }

    @Test func awsCLITextOutputIsReadWhereItsColumnsCanBeToldApart() {
        let buckets = """
            BUCKETS\t2024-02-01T10:00:00+00:00\tacme-app-data\n\
            BUCKETS\t2024-02-01T10:00:00+00:00\tacme-logs\n\
            OWNER\tacme-prod\t111122223333\n
            """
        let accounts = """
            ACCOUNTS\tarn:aws:organizations::444455556666:account/o-acme1234ab/111122223333\tprod@acme.example\t111122223333\t\
            CREATED\t2024-01-01T00:00:00+00:00\tacme-prod\tACTIVE\n
            """
        let endpoints = "VPCENDPOINTS\t2025-03-14T09:26:53+00:00\tFalse\t{\"Version\":\"2008-10-17\",\"Statement\":[...]}\n"
        let inventory = InventoryReader.read([("buckets.txt", buckets), ("accounts.txt", accounts), ("endpoints.txt", endpoints)])
        #expect(inventory.buckets == ["acme-app-data": AccountID("111122223333"), "acme-logs": AccountID("111122223333")])
        #expect(inventory.accounts == [AccountID("111122223333")])
        #expect(inventory.organizationID == "o-acme1234ab")
        #expect(Self.codes(inventory) == ["inventory-text-unsupported"])
        #expect(inventory.diagnostics.first?.location?.file == "endpoints.txt")
    }

    @Test(arguments: ["acme-logs.json.gz", "acme-logs.JSON.GZ", "acme-logs.json", "acme-logs"])
    func aPolicyFileIsNamedByItsStemWhateverItsExtensions(file: String) {
        let inventory = InventoryReader.read([("inventory/bucket-policies/" + file, "{\"Policy\":" + JSONString.quote(Self.denyPut) + "}")])
        #expect(inventory.bucketPolicies.keys.sorted() == ["acme-logs"])
    }

    @Test(arguments: [
        (["111122223333"], "s3api-list-buckets.json", "bucket-owner-inferred", "111122223333"),
        ([], "s3api-list-buckets-444455556666.json", "bucket-owner-inferred", "444455556666"),
        (["111122223333", "444455556666"], "s3api-list-buckets.json", "bucket-owner-unknown", ""),
    ])
    func aListingByCanonicalIdTakesItsOwnerFromWhatSaysItAndSaysWhich(trusted: [String], file: String, code: String, owner: String) {
        let listing = #"""
            {"Buckets":[{"Name":"b1","CreationDate":"2024-02-01T10:00:00+00:00"}],"Owner":{"DisplayName":"acme",\#
            "ID":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}}
            """#
        let inventory = InventoryReader.read([(file, listing)], trustedAccounts: trusted.map { AccountID($0) })
        #expect(inventory.buckets["b1"] == AccountID(owner))
        #expect(Self.codes(inventory) == [code])
    }

    /// `list-buckets` gives each bucket's Region (`BucketRegion`): what tells the bucket's partition, for the owner lookup
    /// by partition and name (a bucket name is unique per partition only). A Region that is not one is not kept.
    @Test func aListingKeepsEachBucketsRegion() {
        let listing = #"""
            {"Buckets":[{"Name":"b1","BucketRegion":"cn-north-1"},{"Name":"b2","BucketRegion":"us-gov-west-1"},{"Name":"b3"},\#
            {"Name":"b4","BucketRegion":"us-east-1*"}],"Owner":{"ID":"210987654321"}}
            """#
        let inventory = InventoryReader.read([("s3api-list-buckets-210987654321.json", listing)])
        #expect(inventory.buckets.count == 4)
        #expect(inventory.bucketRegions == ["b1": "cn-north-1", "b2": "us-gov-west-1"])
    }
}
