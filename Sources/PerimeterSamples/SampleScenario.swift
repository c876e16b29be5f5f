import AWSModel

/// The SampleLogs scenario: one organization with two accounts, S3 and DynamoDB gateway endpoints
/// and an SQS interface endpoint, and a week of the traffic teams see (application, pipeline,
/// Lambda, ECS and SSM-managed roles, AWS-owned buckets, a denied exfiltration attempt, console use
/// from outside the VPC, CloudTrail log delivery, a cross-region bucket reached without the
/// endpoint, a host whose S3 traffic CloudTrail never shows), plus the inventory as AWS CLI output.
///
/// Deterministic: the same seed gives the same bytes.
public struct SampleScenario: Sendable {
    public static let prod = "111122223333"
    public static let shared = "444455556666"
    public static let vendor = "222233334444"
    public static let attacker = "999988887777"
    public static let org = "o-acme1234ab"
    public static let vpc = "vpc-0a1b2c3d4e5f60718"
    public static let s3Endpoint = "vpce-01a2b3c4d5e6f7a80"
    public static let dynamoDBEndpoint = "vpce-02b3c4d5e6f7a8b91"
    public static let sqsEndpoint = "vpce-03c4d5e6f7a8b9c02"
    public static let sqsEndpointIPs = ["10.0.8.10", "10.0.9.10"]
    /// 2026-11-01T00:00:00Z.
    public static let start: Int64 = 1_793_491_200
    public static let days = 7

    struct Host {
        var instance: String
        var ip: String
        var eni: String
        var subnet: String
    }

    static let app1 = Host(instance: "i-0a11c0ffee0000001", ip: "10.0.1.21", eni: "eni-0a1000000000000a1", subnet: "subnet-0aa1")
    static let app2 = Host(instance: "i-0a11c0ffee0000002", ip: "10.0.2.22", eni: "eni-0a1000000000000a2", subnet: "subnet-0aa2")
    static let batch = Host(instance: "i-0b47c4000000000b1", ip: "10.0.3.77", eni: "eni-0b1000000000000b1", subnet: "subnet-0aa3")
    static let legacy = Host(instance: "i-0e9acy00000000001", ip: "10.0.4.40", eni: "eni-0c1000000000000c1", subnet: "subnet-0pub1")
    static let ecs = Host(instance: "-", ip: "10.0.5.50", eni: "eni-0d1000000000000d1", subnet: "subnet-0aa1")
    static let lambda = Host(instance: "-", ip: "10.0.6.60", eni: "eni-0e1000000000000e1", subnet: "subnet-0aa2")
    static let runner = Host(instance: "i-0c1c1c1c1c1c1c1c1", ip: "10.0.7.70", eni: "eni-0f1000000000000f1", subnet: "subnet-0aa3")
    static let logs = Host(instance: "i-0106510000000ab01", ip: "10.0.1.99", eni: "eni-0a9000000000000a9", subnet: "subnet-0aa1")

    let seed: UInt64

    public init(seed: UInt64 = 20261101) { self.seed = seed }

    /// Every file of the scenario: relative path → bytes.
    public func files() -> [String: [UInt8]] {
        var rng = SampleRandom(seed: seed)
        var trail: [String: [String]] = [:]   // account/day → records
        var flows: [String] = []
        var export: [String] = []
        for day in 0..<Self.days {
            let dayStart = Self.start + Int64(day) * 86_400
            for record in events(day: day, dayStart: dayStart, rng: &rng) {
                trail["\(record.account)/\(day)", default: []].append(record.builder.json)
            }
            flows += flowLines(day: day, dayStart: dayStart, rng: &rng)
        }
        // A CloudWatch Logs export of the last day's console events, one event per line, with a line cut short.
        var cw = rng
        for record in events(day: 6, dayStart: Self.start + 6 * 86_400, rng: &cw) where record.builder.sourceIP == "198.51.100.23" {
            export.append(record.builder.json)
        }
        if let first = export.first { export.insert(String(first.prefix(180)), at: 1) }

        var result: [String: [UInt8]] = [:]
        for (key, records) in trail {
            let parts = key.split(separator: "/")
            let account = String(parts[0]), day = Int(parts[1])!
            let date = Timestamp.day(Self.start + Int64(day) * 86_400)
            let ymd = date.split(separator: "-").joined(separator: "/")
            let compact = date.replacingDashes
            let name = "\(account)_CloudTrail_us-east-1_\(compact)T2355Z_\(Self.uniqueString(key)).json.gz"
            let path = "AWSLogs/\(Self.org)/\(account)/CloudTrail/us-east-1/\(ymd)/\(name)"
            result[path] = GzipEncoder.compress(Array(("{\"Records\":[" + records.joined(separator: ",") + "]}").utf8))
        }
        for day in 0..<Self.days {
            let date = Timestamp.day(Self.start + Int64(day) * 86_400)
            let ymd = date.split(separator: "-").joined(separator: "/")
            let header = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status vpc-id subnet-id instance-id pkt-srcaddr pkt-dstaddr region pkt-dst-aws-service flow-direction traffic-path"
            let lines = flows.filter { $0.hasPrefix("#\(day) ") }.map { String($0.split(separator: " ", maxSplits: 1)[1]) }
            let path = "AWSLogs/\(Self.org)/\(Self.prod)/vpcflowlogs/us-east-1/\(ymd)/\(Self.prod)_vpcflowlogs_us-east-1_fl-0123456789abcdef0_\(date.replacingDashes)T2355Z_\(Self.uniqueString("flow\(day)")).log.gz"
            result[path] = GzipEncoder.compress(Array((([header] + lines).joined(separator: "\n") + "\n").utf8))
        }
        result["exports/cloudwatch-logs-export-2026-11-07.jsonl"] = Array((export.joined(separator: "\n") + "\n").utf8)
        return result
    }

    static func uniqueString(_ key: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in key.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<16).map { i in alphabet[Int((h >> UInt64(i * 4)) % UInt64(alphabet.count))] })
    }

    struct Event {
        var account: String
        var builder: TrailRecordBuilder
    }

    // MARK: events

    func events(day: Int, dayStart: Int64, rng: inout SampleRandom) -> [Event] {
        var out: [Event] = []
        let P = Self.prod, S = Self.shared
        let s3GW = (Self.s3Endpoint, P), ddbGW = (Self.dynamoDBEndpoint, P), sqsIF = (Self.sqsEndpoint, P)
        func at(_ hour: Int) -> Int64 { dayStart + Int64(hour) * 3600 + Int64(rng.int(0..<3600)) }
        func add(_ account: String, _ time: Int64, _ source: String, _ name: String, _ identity: TrailRecordBuilder.Identity,
                 ip: String, endpoint: (String, String)? = nil, parameters: String = "null", resources: [(String, String, String?)] = [],
                 error: (String, String)? = nil, category: String = "Data", readOnly: Bool = true, region: String = "us-east-1",
                 agent: String? = nil) {
            var b = TrailRecordBuilder(time: time, source: source, name: name, identity: identity, sourceIP: ip, recipient: account, eventID: rng.uuid())
            b.endpoint = endpoint.map { (id: $0.0, account: $0.1) }
            b.parameters = parameters
            b.resources = resources.map { (type: $0.0, arn: $0.1, account: $0.2) }
            b.error = error.map { (code: $0.0, message: $0.1) }
            b.category = category
            b.readOnly = readOnly
            b.region = region
            if let agent { b.userAgent = agent }
            out.append(Event(account: account, builder: b))
        }
        func object(_ bucket: String, _ key: String, owner: String?) -> [(String, String, String?)] {
            [("AWS::S3::Object", "arn:aws:s3:::\(bucket)/\(key)", nil), ("AWS::S3::Bucket", "arn:aws:s3:::\(bucket)", owner)]
        }
        func bucketOnly(_ bucket: String, owner: String?) -> [(String, String, String?)] { [("AWS::S3::Bucket", "arn:aws:s3:::\(bucket)", owner)] }
        func s3(_ bucket: String, _ key: String) -> String { #"{"bucketName":"\#(bucket)","Host":"\#(bucket).s3.us-east-1.amazonaws.com","key":"\#(key)"}"# }
        let date = Timestamp.day(dayStart)

        // Application servers (EC2 instance role; sessions are named after the instance).
        for host in [Self.app1, Self.app2] {
            let me = TrailRecordBuilder.Identity.role(account: P, name: "app-server", session: host.instance)
            for _ in 0..<10 {
                add(P, at(rng.int(0..<24)), "s3.amazonaws.com", "GetObject", me, ip: host.ip, endpoint: s3GW,
                    parameters: s3("acme-app-data", "config/app.yaml"), resources: object("acme-app-data", "config/app.yaml", owner: P))
            }
            for _ in 0..<20 {
                let key = "uploads/\(date)/\(rng.uuid()).json"
                add(P, at(rng.int(6..<22)), "s3.amazonaws.com", "PutObject", me, ip: host.ip, endpoint: s3GW,
                    parameters: s3("acme-app-data", key), resources: object("acme-app-data", key, owner: P), readOnly: false)
            }
            for _ in 0..<3 {
                add(P, at(rng.int(0..<24)), "s3.amazonaws.com", "ListObjects", me, ip: host.ip, endpoint: s3GW,
                    parameters: #"{"bucketName":"acme-app-data","Host":"acme-app-data.s3.us-east-1.amazonaws.com","prefix":"uploads/","list-type":"2"}"#,
                    resources: bucketOnly("acme-app-data", owner: P))
            }
            for _ in 0..<2 {
                let key = "cache/\(rng.uuid())"
                add(P, at(rng.int(0..<24)), "s3.amazonaws.com", "GetObject", me, ip: host.ip, endpoint: s3GW,
                    parameters: s3("acme-app-data", key), resources: object("acme-app-data", key, owner: P),
                    error: ("NoSuchKey", "The specified key does not exist."))
            }
            let table = "arn:aws:dynamodb:us-east-1:\(P):table/orders"
            for (name, count) in [("GetItem", 15), ("PutItem", 10)] {
                for _ in 0..<count {
                    add(P, at(rng.int(0..<24)), "dynamodb.amazonaws.com", name, me, ip: host.ip, endpoint: ddbGW,
                        parameters: #"{"tableName":"orders","key":{"orderId":"HIDDEN_DUE_TO_SECURITY_REASONS"}}"#,
                        resources: [("AWS::DynamoDB::Table", table, P)], readOnly: name == "GetItem")
                }
            }
            for _ in 0..<5 {
                add(P, at(rng.int(0..<24)), "dynamodb.amazonaws.com", "Query", me, ip: host.ip, endpoint: ddbGW,
                    parameters: #"{"tableName":"orders","indexName":"byCustomer","keyConditionExpression":"customerId = :c"}"#,
                    resources: [("AWS::DynamoDB::Table", table, P)])
            }
            add(P, at(12), "dynamodb.amazonaws.com", "UpdateItem", me, ip: host.ip, endpoint: ddbGW,
                parameters: ##"{"tableName":"orders","key":{"orderId":"HIDDEN_DUE_TO_SECURITY_REASONS"},"conditionExpression":"#s = :open"}"##,
                resources: [("AWS::DynamoDB::Table", table, P)], error: ("ConditionalCheckFailedException", "The conditional request failed"),
                readOnly: false)
            // ECR pulls and SSM agent check-ins (through interface endpoints this scenario does not model).
            add(P, at(1), "ecr.amazonaws.com", "GetAuthorizationToken", me, ip: host.ip, parameters: "{}", category: "Management")
            for _ in 0..<3 {
                add(P, at(1), "ecr.amazonaws.com", "GetDownloadUrlForLayer", me, ip: host.ip,
                    parameters: #"{"repositoryName":"app","layerDigest":"sha256:4f5e3d2c1b0a"}"#,
                    resources: [("AWS::ECR::Repository", "arn:aws:ecr:us-east-1:\(P):repository/app", P)], category: "Management")
            }
            for hour in [0, 6, 12, 18] {
                add(P, at(hour), "ssm.amazonaws.com", "UpdateInstanceInformation", me, ip: host.ip,
                    parameters: #"{"instanceId":"\#(host.instance)","agentVersion":"3.3.1142.0","agentStatus":"Active","platformType":"Linux","platformName":"Amazon Linux","platformVersion":"2023","iPAddress":"\#(host.ip)","computerName":"ip-\#(host.ip.replacingDots).ec2.internal","agentName":"amazon-ssm-agent","availabilityZone":"us-east-1a"}"#,
                    category: "Management", readOnly: false, agent: "aws-sdk-go/1.44.260 (go1.22.5; linux; amd64) amazon-ssm-agent/3.3.1142.0")
            }
            if day == 2 {
                let key = "amazon-ssm-agent/3.3.1142.0/linux_amd64/amazon-ssm-agent.rpm"
                add(P, at(3), "s3.amazonaws.com", "GetObject", me, ip: host.ip, endpoint: s3GW,
                    parameters: #"{"bucketName":"aws-ssm-us-east-1","Host":"aws-ssm-us-east-1.s3.us-east-1.amazonaws.com","key":"\#(key)"}"#,
                    resources: object("aws-ssm-us-east-1", key, owner: nil))
            }
        }
        // The denied exfiltration attempt.
        if day == 4 {
            let me = TrailRecordBuilder.Identity.role(account: P, name: "app-server", session: Self.app2.instance)
            add(P, at(3), "s3.amazonaws.com", "PutObject", me, ip: Self.app2.ip, endpoint: s3GW,
                parameters: s3("exfil-drop-7781", "dump.tar.gz"), resources: object("exfil-drop-7781", "dump.tar.gz", owner: Self.attacker),
                error: ("AccessDenied", "User: arn:aws:sts::\(P):assumed-role/app-server/\(Self.app2.instance) is not authorized to perform: s3:PutObject on resource: \"arn:aws:s3:::exfil-drop-7781/dump.tar.gz\" because no identity-based policy allows the s3:PutObject action"),
                readOnly: false, agent: "aws-cli/2.17.20 md/awscrt#0.20.11 ua/2.0 os/linux#6.1.112-124.190.amzn2023.x86_64 md/arch#x86_64")
        }
        // Lambda function writing invoices.
        let fn = TrailRecordBuilder.Identity.role(account: P, name: "invoice-fn-role", session: "invoice-fn")
        for _ in 0..<8 {
            let key = "invoices/\(date)/\(rng.int(10000..<99999)).pdf"
            add(P, at(rng.int(8..<20)), "s3.amazonaws.com", "PutObject", fn, ip: Self.lambda.ip, endpoint: s3GW,
                parameters: s3("acme-app-data", key), resources: object("acme-app-data", key, owner: P), readOnly: false,
                agent: "aws-sdk-nodejs/3.637.0 linux/v20.17.0 exec-env/AWS_Lambda_nodejs20.x")
            add(P, at(rng.int(8..<20)), "dynamodb.amazonaws.com", "UpdateItem", fn, ip: Self.lambda.ip, endpoint: ddbGW,
                parameters: #"{"tableName":"invoices","key":{"invoiceId":"HIDDEN_DUE_TO_SECURITY_REASONS"}}"#,
                resources: [("AWS::DynamoDB::Table", "arn:aws:dynamodb:us-east-1:\(P):table/invoices", P)], readOnly: false)
        }
        // ECS task talking to SQS through the interface endpoint.
        let task = TrailRecordBuilder.Identity.role(account: P, name: "order-worker-task", session: "a1b2c3d4e5f6a7b8c9d0")
        let queueURL = "https://sqs.us-east-1.amazonaws.com/\(P)/order-events"
        for (name, count) in [("SendMessage", 20), ("ReceiveMessage", 40), ("DeleteMessage", 20)] {
            for _ in 0..<count {
                add(P, at(rng.int(0..<24)), "sqs.amazonaws.com", name, task, ip: Self.ecs.ip, endpoint: sqsIF,
                    parameters: #"{"queueUrl":"\#(queueURL)"}"#, readOnly: name == "ReceiveMessage")
            }
        }
        if day == 5 {
            add(P, at(9), "sqs.amazonaws.com", "PurgeQueue", task, ip: Self.ecs.ip, endpoint: sqsIF, parameters: #"{"queueUrl":"\#(queueURL)"}"#,
                error: ("AccessDenied", "User: arn:aws:sts::\(P):assumed-role/order-worker-task/a1b2c3d4e5f6a7b8c9d0 is not authorized to perform: sqs:PurgeQueue on resource: arn:aws:sqs:us-east-1:\(P):order-events with an explicit deny in a VPC endpoint policy"),
                category: "Management", readOnly: false)
        }
        // The CI pipeline role of the shared-services account, running on a runner in this VPC.
        let ci = TrailRecordBuilder.Identity.role(account: S, name: "ci-deploy", session: "gitlab-runner-812")
        for _ in 0..<3 {
            let key = "releases/app-\(rng.int(1000..<9999)).tar.gz"
            add(S, at(rng.int(9..<18)), "s3.amazonaws.com", "PutObject", ci, ip: Self.runner.ip, endpoint: s3GW,
                parameters: s3("acme-artifacts", key), resources: object("acme-artifacts", key, owner: S), readOnly: false)
        }
        add(S, at(10), "s3.amazonaws.com", "GetObject", ci, ip: Self.runner.ip, endpoint: s3GW,
            parameters: s3("vendor-sdk-releases", "sdk/v4.2.1/sdk-linux-x64.tar.gz"),
            resources: object("vendor-sdk-releases", "sdk/v4.2.1/sdk-linux-x64.tar.gz", owner: Self.vendor))
        // Log analytics reading the CloudTrail bucket through the endpoint.
        let analytics = TrailRecordBuilder.Identity.role(account: S, name: "log-analytics", session: Self.logs.instance)
        add(S, at(2), "s3.amazonaws.com", "ListObjects", analytics, ip: Self.logs.ip, endpoint: s3GW,
            parameters: #"{"bucketName":"acme-cloudtrail-logs","prefix":"AWSLogs/","list-type":"2"}"#, resources: bucketOnly("acme-cloudtrail-logs", owner: S))
        for _ in 0..<5 {
            let key = "AWSLogs/\(Self.org)/\(P)/CloudTrail/us-east-1/\(date.replacingDashesWithSlashes)/\(P)_CloudTrail_us-east-1_\(rng.int(1000..<9999)).json.gz"
            add(S, at(rng.int(2..<5)), "s3.amazonaws.com", "GetObject", analytics, ip: Self.logs.ip, endpoint: s3GW,
                parameters: s3("acme-cloudtrail-logs", key), resources: object("acme-cloudtrail-logs", key, owner: S))
        }
        // CloudTrail delivering logs (no endpoint: the service writes from its own network).
        let cloudtrail = TrailRecordBuilder.Identity.service("cloudtrail.amazonaws.com")
        for _ in 0..<2 {
            add(S, at(rng.int(0..<24)), "s3.amazonaws.com", "GetBucketAcl", cloudtrail, ip: "cloudtrail.amazonaws.com",
                parameters: #"{"bucketName":"acme-cloudtrail-logs","Host":"acme-cloudtrail-logs.s3.us-east-1.amazonaws.com","acl":""}"#,
                resources: bucketOnly("acme-cloudtrail-logs", owner: S), category: "Management", agent: "cloudtrail.amazonaws.com")
            let key = "AWSLogs/\(Self.org)/\(P)/CloudTrail/us-east-1/\(date.replacingDashesWithSlashes)/\(P)_CloudTrail_us-east-1_\(rng.int(1000..<9999)).json.gz"
            add(S, at(rng.int(0..<24)), "s3.amazonaws.com", "PutObject", cloudtrail, ip: "cloudtrail.amazonaws.com",
                parameters: s3("acme-cloudtrail-logs", key), resources: object("acme-cloudtrail-logs", key, owner: S), readOnly: false,
                agent: "cloudtrail.amazonaws.com")
        }
        // An administrator in the console, from the office network (no endpoint).
        if day == 1 || day == 6 {
            let admin = TrailRecordBuilder.Identity.role(account: P, name: "aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_5f1e2d3c4b5a6978", session: "jane@acme.example")
            add(P, at(14), "s3.amazonaws.com", "ListObjects", admin, ip: "198.51.100.23",
                parameters: #"{"bucketName":"acme-app-data","prefix":"","delimiter":"/"}"#, resources: bucketOnly("acme-app-data", owner: P),
                agent: "[Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15]")
            add(P, at(14), "s3.amazonaws.com", "GetBucketPolicy", admin, ip: "198.51.100.23",
                parameters: #"{"bucketName":"acme-app-data","policy":""}"#, resources: bucketOnly("acme-app-data", owner: P), category: "Management",
                agent: "[Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15]")
        }
        // A reporting host writing to a bucket in another Region: no gateway endpoint can carry it.
        let reporting = TrailRecordBuilder.Identity.role(account: P, name: "reporting", session: Self.legacy.instance)
        add(P, at(23), "s3.amazonaws.com", "PutObject", reporting, ip: "203.0.113.40",
            parameters: #"{"bucketName":"acme-reports-eu","Host":"acme-reports-eu.s3.eu-west-1.amazonaws.com","key":"daily/\#(date).csv"}"#,
            resources: object("acme-reports-eu", "daily/\(date).csv", owner: P), readOnly: false, region: "eu-west-1")
        return out
    }

    // MARK: flows

    func flowLines(day: Int, dayStart: Int64, rng: inout SampleRandom) -> [String] {
        var out: [String] = []
        func flow(_ host: Host, _ dst: String, _ port: Int, service: String, path: Int, hour: Int, packets: Int, bytes: Int) {
            let start = dayStart + Int64(hour) * 3600 + Int64(rng.int(0..<3000))
            out.append("#\(day) 5 \(Self.prod) \(host.eni) \(host.ip) \(dst) \(rng.int(32768..<60999)) \(port) 6 \(packets) \(bytes) \(start) \(start + 60) ACCEPT OK \(Self.vpc) \(host.subnet) \(host.instance) \(host.ip) \(dst) us-east-1 \(service) egress \(path)")
        }
        let s3IPs = ["52.216.58.10", "52.217.40.66", "3.5.29.130", "54.231.201.17"]
        let ddbIPs = ["3.218.182.14", "52.94.24.33"]
        for hour in stride(from: 0, to: 24, by: 2) {
            for host in [Self.app1, Self.app2] {
                flow(host, rng.pick(s3IPs), 443, service: "S3", path: 7, hour: hour, packets: rng.int(20..<80), bytes: rng.int(20_000..<90_000))
                flow(host, rng.pick(ddbIPs), 443, service: "DYNAMODB", path: 7, hour: hour, packets: rng.int(10..<40), bytes: rng.int(4_000..<20_000))
            }
            flow(Self.lambda, rng.pick(s3IPs), 443, service: "S3", path: 7, hour: hour, packets: rng.int(10..<30), bytes: rng.int(10_000..<40_000))
            flow(Self.ecs, rng.pick(Self.sqsEndpointIPs), 443, service: "-", path: 1, hour: hour, packets: rng.int(10..<50), bytes: rng.int(3_000..<15_000))
            // The batch host: heavy S3 traffic through the endpoint, and no CloudTrail request at all.
            flow(Self.batch, rng.pick(s3IPs), 443, service: "S3", path: 7, hour: hour, packets: rng.int(2_000..<6_000), bytes: rng.int(2_000_000..<8_000_000))
        }
        // Amazon Linux package updates at 03:00 (anonymous reads of the AL2023 repository bucket).
        for host in [Self.app1, Self.app2] {
            flow(host, rng.pick(s3IPs), 443, service: "S3", path: 7, hour: 3, packets: rng.int(500..<900), bytes: rng.int(600_000..<1_500_000))
        }
        flow(Self.runner, rng.pick(s3IPs), 443, service: "S3", path: 7, hour: 10, packets: rng.int(200..<600), bytes: rng.int(300_000..<900_000))
        flow(Self.logs, rng.pick(s3IPs), 443, service: "S3", path: 7, hour: 2, packets: rng.int(50..<200), bytes: rng.int(50_000..<200_000))
        // The reporting host reaches an eu-west-1 bucket through the internet gateway.
        flow(Self.legacy, "52.218.20.30", 443, service: "S3", path: 8, hour: 23, packets: rng.int(40..<90), bytes: rng.int(40_000..<90_000))
        return out
    }
}

extension String {
    var replacingDashes: String { split(separator: "-").joined() }
    var replacingDashesWithSlashes: String { split(separator: "-").joined(separator: "/") }
    var replacingDots: String { split(separator: ".").joined(separator: "-") }
}
