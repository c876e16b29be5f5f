import Testing
@testable import PolicySynthesis
import AWSLogs
import AWSModel
import JSONTape
@testable import Inventory

/// Endpoints, catalog names and table ARNs in every partition (issue 26, every partition).
struct PartitionTests {
    /// Before: the Region was the service name's third part, so China's `cn.com.amazonaws.cn-north-1.s3`
    /// gave the Region `amazonaws` (and `apply.sh --region amazonaws`).
    @Test(arguments: [
        ("com.amazonaws.us-east-1.s3", "us-east-1"), ("cn.com.amazonaws.cn-north-1.s3", "cn-north-1"),
        ("cn.com.amazonaws.cn-northwest-1.dynamodb", "cn-northwest-1"), ("com.amazonaws.us-gov-west-1.s3", "us-gov-west-1"),
        ("com.amazonaws.us-east-1.ecr.dkr", "us-east-1"), ("aws.sagemaker.eu-west-1.notebook", "eu-west-1"),
        ("com.amazonaws.vpce.us-east-2.vpce-svc-0123456789abcdef0", "us-east-2"), ("com.amazonaws.s3-global.accesspoint", nil),
    ] as [(String, String?)])
    func theChinaServiceNamesRegionIsCnNorth1NotAmazonaws(serviceName: String, region: String?) {
        #expect(Inventory.Endpoint(id: VPCEndpointID("vpce-0a1"), serviceName: serviceName).region == region)
    }

    /// Before: the catalog's names were taken as AWS's in every partition, although its sources document
    /// them in `aws` only; in another partition a bucket of that name may be anyone's.
    @Test func catalogNamesAreAWSOwnedOnlyInThePartitionsTheCatalogDocuments() {
        let catalog = AWSOwnedCatalog.shared
        #expect(catalog.entry(bucket: "aws-ssm-us-east-1", region: "us-east-1")?.service == "Systems Manager")
        #expect(catalog.entry(bucket: "aws-ssm-cn-north-1", region: "cn-north-1") == nil)
        #expect(catalog.entry(bucket: "aws-ssm-us-gov-west-1", region: "us-gov-west-1") == nil)
    }

    /// A request to another account's table named by ARN is a foreign resource, held for review.
    @Test func aTableNamedByAForeignARNGoesToReview() throws {
        let json = """
            {"eventVersion":"1.09","eventTime":"2024-05-01T10:00:00Z","eventSource":"dynamodb.amazonaws.com","eventName":"BatchGetItem",
             "awsRegion":"us-east-1","recipientAccountId":"111122223333","userIdentity":{"type":"IAMUser",
             "arn":"arn:aws:iam::111122223333:user/u","accountId":"111122223333"},
             "requestParameters":{"requestItems":{"arn:aws:dynamodb:us-east-1:444455556666:table/loot":{}}},"eventID":"e1"}
            """
        guard case .event(let event) = EventNormalizer().normalize(try JSONParser.parse(Array(json.utf8)).values[0]),
              let access = event.accesses.first else { Issue.record("not an event"); return }
        let classifier = ResourceClassifier(trusted: [AccountID("111122223333")], ourBuckets: BucketOwners(), catalog: .shared, allowed: [])
        #expect(classifier.classify(access, region: "us-east-1") == .foreign(AccountID("444455556666")))
    }
}
