import AWSModel
import JSONTape

/// The scenario's inventory as the AWS CLI prints it: endpoints with their current policies,
/// the network interfaces of the interface endpoint, the organization's accounts, the buckets of
/// each account, and current bucket policies.
extension SampleScenario {
    /// Every inventory file: relative path → bytes.
    public func inventory() -> [String: [UInt8]] {
        let P = Self.prod, S = Self.shared
        let endpoints = describeVpcEndpoints(), interfaces = describeNetworkInterfaces()
        let accounts = """
            {
                "Accounts": [
                    {"Id": "\(P)", "Arn": "arn:aws:organizations::\(S):account/\(Self.org)/\(P)", "Email": "prod@acme.example", "Name": \
            "acme-prod", "Status": "ACTIVE"},
                    {"Id": "\(S)", "Arn": "arn:aws:organizations::\(S):account/\(Self.org)/\(S)", "Email": "shared@acme.example", "Name": \
            "acme-shared-services", "Status": "ACTIVE"}
                ]
            }

            """
        func buckets(_ names: [String], owner: String) -> String {
            "{\n    \"Buckets\": [\n" + names.map { "        {\"Name\": \"\($0)\", \"CreationDate\": \"2024-02-01T10:00:00+00:00\"}" }
                .joined(separator: ",\n")
                + "\n    ],\n    \"Owner\": {\"DisplayName\": \"acme-\(owner)\", \"ID\": \"\(owner)\"}\n}\n"
        }
        let appDataPolicy = #"""
            {"Version":"2012-10-17","Statement":[{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*",\#
            "Resource":["arn:aws:s3:::acme-app-data","arn:aws:s3:::acme-app-data/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}
            """#
        let trailPolicy = #"""
            {"Version":"2012-10-17","Statement":[{"Sid":"AWSCloudTrailAclCheck","Effect":"Allow",\#
            "Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:GetBucketAcl","Resource":"arn:aws:s3:::acme-cloudtrail-logs"},\#
            {"Sid":"AWSCloudTrailWrite","Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject",\#
            "Resource":"arn:aws:s3:::acme-cloudtrail-logs/AWSLogs/*",\#
            "Condition":{"StringEquals":{"s3:x-amz-acl":"bucket-owner-full-control"}}},{"Sid":"LogReaders","Effect":"Allow",\#
            "Principal":{"AWS":"arn:aws:iam::\#(S):role/log-analytics"},"Action":["s3:GetObject","s3:ListBucket"],\#
            "Resource":["arn:aws:s3:::acme-cloudtrail-logs","arn:aws:s3:::acme-cloudtrail-logs/*"]}]}
            """#
        return [
            "inventory/ec2-describe-vpc-endpoints.json": Array(endpoints.utf8),
            "inventory/ec2-describe-network-interfaces.json": Array(interfaces.utf8),
            "inventory/organizations-list-accounts.json": Array(accounts.utf8),
            "inventory/s3api-list-buckets-\(P).json": Array(buckets(["acme-app-data", "acme-batch-scratch", "acme-reports-eu"], owner: P)
                .utf8),
            "inventory/s3api-list-buckets-\(S).json": Array(buckets(["acme-artifacts", "acme-cloudtrail-logs"], owner: S).utf8),
            "inventory/bucket-policies/acme-app-data.json": Array(("{\n    \"Policy\": " + JSONString.quote(appDataPolicy) + "\n}\n").utf8),
            "inventory/bucket-policies/acme-cloudtrail-logs.json": Array(("{\n    \"Policy\": " + JSONString.quote(trailPolicy) + "\n}\n")
                .utf8),
        ]
    }

    /// `aws ec2 describe-vpc-endpoints`: the three endpoints with their current policies.
    func describeVpcEndpoints() -> String {
        let P = Self.prod
        let allowAll = #"{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#
        let sqsPolicy = #"""
            {"Version":"2012-10-17","Statement":[{"Sid":"AllowQueueUse","Effect":"Allow","Principal":"*","Action":"sqs:*","Resource":"*"},\#
            {"Sid":"NoPurge","Effect":"Deny","Principal":"*","Action":"sqs:PurgeQueue","Resource":"*"}]}
            """#
        func endpoint(_ id: String, _ type: String, _ service: String, _ policy: String, extra: String) -> String {
            let name = "acme-" + (service.split(separator: ".").last.map(String.init) ?? service)
            return """
                    {
                        "VpcEndpointId": "\(id)",
                        "VpcEndpointType": "\(type)",
                        "VpcId": "\(Self.vpc)",
                        "ServiceName": "\(service)",
                        "State": "available",
                        "PolicyDocument": \(JSONString.quote(policy)),
            \(extra)
                        "PrivateDnsEnabled": \(type == "Interface" ? "true" : "false"),
                        "RequesterManaged": false,
                        "CreationTimestamp": "2025-03-14T09:26:53+00:00",
                        "OwnerId": "\(P)",
                        "Tags": [{"Key": "Name", "Value": "\(name)"}]
                    }
            """
        }
        let pad = String(repeating: " ", count: 12)
        let s3 = endpoint(Self.s3Endpoint, "Gateway", "com.amazonaws.us-east-1.s3", allowAll,
                          extra: pad + #""RouteTableIds": ["rtb-0a1b2c3d4e5f60001", "rtb-0a1b2c3d4e5f60002"],"#)
        let dynamoDB = endpoint(Self.dynamoDBEndpoint, "Gateway", "com.amazonaws.us-east-1.dynamodb", allowAll,
                                extra: pad + #""RouteTableIds": ["rtb-0a1b2c3d4e5f60001"],"#)
        let sqs = endpoint(Self.sqsEndpoint, "Interface", "com.amazonaws.us-east-1.sqs", sqsPolicy,
                           extra: pad + #""SubnetIds": ["subnet-0aa1", "subnet-0aa2"],"# + "\n"
                               + pad + #""NetworkInterfaceIds": ["eni-0sqs0000000000001", "eni-0sqs0000000000002"],"#)
        return """
            {
                "VpcEndpoints": [
            \(s3),
            \(dynamoDB),
            \(sqs)
                ]
            }

            """
    }

    /// `aws ec2 describe-network-interfaces`: the interface endpoint's network interfaces.
    func describeNetworkInterfaces() -> String {
        let P = Self.prod
        let interfaces = zip(["eni-0sqs0000000000001", "eni-0sqs0000000000002"], Self.sqsEndpointIPs).map { eni, ip in
            """
                    {
                        "NetworkInterfaceId": "\(eni)",
                        "Description": "VPC Endpoint Interface \(Self.sqsEndpoint)",
                        "InterfaceType": "vpc_endpoint",
                        "PrivateIpAddress": "\(ip)",
                        "VpcId": "\(Self.vpc)",
                        "OwnerId": "\(P)"
                    }
            """
        }
        return """
            {
                "NetworkInterfaces": [
            \(interfaces.joined(separator: ",\n"))
                ]
            }

            """
    }
}
