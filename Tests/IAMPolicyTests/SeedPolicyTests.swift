import Testing
@testable import IAMPolicy
import AWSModel

/// The endpoint and bucket policies teams actually write, with requests that must and must not pass.
struct SeedPolicyTests {
    static let app = "arn:aws:iam::111122223333:role/app"
    static let ci = "arn:aws:iam::111122223333:role/ci"

    static func check(_ policy: String, _ cases: [(String, String, String?, [String: [String]], Decision)]) throws {
        let compiled = CompiledPolicy(try PolicyReader.read(policy))
        #expect(compiled.diagnostics.isEmpty)
        for (action, resource, principal, keys, expected) in cases {
            let context = RequestContext(action: action, resource: resource, principal: principal.map(RequestPrincipal.from), keys: keys)
            #expect(compiled.evaluate(context).decision == expected, "\(action) \(resource) by \(principal ?? "nobody")")
        }
    }

    @Test func defaultAllowAll() throws {
        try Self.check(PolicyWriter.write(.allowAll), [
            ("s3:PutObject", "arn:aws:s3:::anyone-elses-bucket/loot", "anonymous", [:], .allow),
            ("dynamodb:Scan", "arn:aws:dynamodb:us-east-1:999999999999:table/T", Self.app, [:], .allow),
        ])
    }

    @Test func ownBucketsOnly() throws {
        try Self.check("""
            {"Version":"2012-10-17","Statement":[{"Sid":"OwnBuckets","Effect":"Allow","Principal":"*","Action":"s3:*",
              "Resource":["arn:aws:s3:::acme-data","arn:aws:s3:::acme-data/*"]}]}
            """, [
            ("s3:GetObject", "arn:aws:s3:::acme-data/reports/q1.csv", Self.app, [:], .allow),
            ("s3:ListBucket", "arn:aws:s3:::acme-data", Self.app, [:], .allow),
            ("s3:PutObject", "arn:aws:s3:::attacker-bucket/dump.tar", Self.app, [:], .implicitDeny),
            ("s3:GetObject", "arn:aws:s3:::acme-data-other/k", Self.app, [:], .implicitDeny),
        ])
    }

    @Test func specificRolesThroughAGatewayEndpoint() throws {
        try Self.check("""
            {"Version":"2012-10-17","Statement":[{"Sid":"AppRole","Effect":"Allow","Principal":"*","Action":["s3:GetObject","s3:PutObject"],
              "Resource":"arn:aws:s3:::acme-data/*","Condition":{"ArnEquals":{"aws:PrincipalArn":["\(Self.app)"]}}}]}
            """, [
            ("s3:PutObject", "arn:aws:s3:::acme-data/k", Self.app, [:], .allow),
            ("s3:PutObject", "arn:aws:s3:::acme-data/k", Self.ci, [:], .implicitDeny),
            ("s3:DeleteObject", "arn:aws:s3:::acme-data/k", Self.app, [:], .implicitDeny),
        ])
    }

    @Test func dynamoDBTables() throws {
        try Self.check("""
            {"Statement":[{"Effect":"Allow","Principal":"*","Action":["dynamodb:GetItem","dynamodb:Query","dynamodb:PutItem"],
              "Resource":["arn:aws:dynamodb:us-east-1:111122223333:table/orders",\
            "arn:aws:dynamodb:us-east-1:111122223333:table/orders/index/*"]}]}
            """, [
            ("dynamodb:Query", "arn:aws:dynamodb:us-east-1:111122223333:table/orders/index/byCustomer", Self.app, [:], .allow),
            ("dynamodb:PutItem", "arn:aws:dynamodb:us-east-1:111122223333:table/orders", Self.app, [:], .allow),
            ("dynamodb:Scan", "arn:aws:dynamodb:us-east-1:111122223333:table/orders", Self.app, [:], .implicitDeny),
            ("dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:999999999999:table/orders", Self.app, [:], .implicitDeny),
        ])
    }

    @Test func awsOwnedBucketsForAnonymousRepositoryReads() throws {
        try Self.check("""
            {"Version":"2012-10-17","Statement":[{"Sid":"AmazonLinuxRepositories","Effect":"Allow","Principal":"*",\
            "Action":["s3:GetObject","s3:ListBucket"],
              "Resource":["arn:aws:s3:::al2023-repos-us-east-1-de612dc2/*","arn:aws:s3:::prod-us-east-1-starport-layer-bucket/*"]}]}
            """, [
            ("s3:GetObject", "arn:aws:s3:::al2023-repos-us-east-1-de612dc2/core/mirrors/latest/x86_64/mirror.list", "anonymous", [:],
                .allow),
            ("s3:GetObject", "arn:aws:s3:::prod-us-east-1-starport-layer-bucket/sha256/abc", Self.app, [:], .allow),
            ("s3:PutObject", "arn:aws:s3:::al2023-repos-us-east-1-de612dc2/evil", "anonymous", [:], .implicitDeny),
            ("s3:GetObject", "arn:aws:s3:::al2023-repos-eu-west-1-de612dc2/x", "anonymous", [:], .implicitDeny),
        ])
    }

    @Test func bidirectionalLockBucketPolicy() throws {
        try Self.check("""
            {"Version":"2012-10-17","Statement":[
              {"Sid":"OnlyThroughOurEndpoints","Effect":"Deny","Principal":"*","Action":"s3:*",
               "Resource":["arn:aws:s3:::acme-data","arn:aws:s3:::acme-data/*"],
               "Condition":{"StringNotEquals":{"aws:SourceVpce":["vpce-1111","vpce-2222"]},\
            "BoolIfExists":{"aws:PrincipalIsAWSService":"false"},
                            "ArnNotEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/break-glass"}}},
              {"Sid":"CloudTrailWrites","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject",
               "Resource":"arn:aws:s3:::acme-data/AWSLogs/*"}]}
            """, [
            ("s3:GetObject", "arn:aws:s3:::acme-data/k", Self.app, ["aws:SourceVpce": ["vpce-1111"]], .implicitDeny),
            ("s3:GetObject", "arn:aws:s3:::acme-data/k", Self.app, ["aws:SourceVpce": ["vpce-9999"]], .explicitDeny),
            ("s3:GetObject", "arn:aws:s3:::acme-data/k", Self.app, [:], .explicitDeny),
            ("s3:GetObject", "arn:aws:s3:::acme-data/k", "arn:aws:iam::111122223333:role/break-glass", [:], .implicitDeny),
            ("s3:PutObject", "arn:aws:s3:::acme-data/AWSLogs/111122223333/x.json.gz", "cloudtrail.amazonaws.com", [:], .allow),
        ])
    }
}

struct ActionCatalogTests {
    let catalog = ActionCatalog.shared

    @Test func coversTheEndpointServices() {
        for service in ["s3", "dynamodb", "sqs", "sns", "kms", "ecr", "ssm", "ssmmessages", "ec2messages", "logs", "sts",
                        "secretsmanager", "lambda", "kinesis", "execute-api", "ec2"] {
            #expect(catalog.covers(service: service), "\(service)")
        }
    }

    @Test func expandsWildcards() {
        let gets = catalog.expand("s3:Get*")
        #expect(gets.contains(IAMAction("s3:GetObject")!))
        #expect(!gets.contains(IAMAction("s3:PutObject")!))
        #expect(catalog.expand("*").count == catalog.entries.count)
        #expect(catalog.expand("s3:getobject") == [IAMAction("s3:GetObject")!])
        #expect(catalog.expand(.notActions(["s3:*"])).allSatisfy { $0.service != "s3" })
    }

    @Test func knowsAccessLevels() {
        #expect(catalog.entry(IAMAction("s3:GetObject")!)?.accessLevel == "Read")
        #expect(catalog.entry(IAMAction("s3:ListBucket")!)?.accessLevel == "List")
        #expect(catalog.entry(IAMAction("s3:PutBucketPolicy")!)?.accessLevel == "Permissions management")
    }

    @Test func flagsUnknownActions() {
        #expect(catalog.unknownActions(in: .actions(["s3:HeadObject", "s3:GetObject", "s3:Get*", "foo:Bar"])) == ["s3:HeadObject"])
    }
}

