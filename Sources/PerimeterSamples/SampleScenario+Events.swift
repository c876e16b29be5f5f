import AWSModel

/// The scenario's CloudTrail events, one function per workload.
extension SampleScenario {
    struct Event {
        var account: String
        var builder: TrailRecordBuilder
        /// Written as the call's network activity event (``TrailRecordBuilder/networkJSON``).
        var network = false

        /// The record as the trail holds it.
        var json: String { network ? builder.networkJSON ?? builder.json : builder.json }
    }

    /// The events of one day as they are written, with the random source they draw from.
    final class DayLog {
        let day: Int
        let dayStart: Int64
        let date: String
        var rng: SampleRandom
        var out: [Event] = []

        init(day: Int, dayStart: Int64, rng: SampleRandom) {
            self.day = day
            self.dayStart = dayStart
            self.date = Timestamp.day(dayStart)
            self.rng = rng
        }

        /// A time in `hour` of the day, at a random second.
        func at(_ hour: Int) -> Int64 { dayStart + Int64(hour) * 3600 + Int64(rng.int(0..<3600)) }

        func add(_ account: String, _ time: Int64, _ source: String, _ name: String, _ identity: TrailRecordBuilder.Identity,
                 ip: String, endpoint: (String, String)? = nil, parameters: String = "null", resources: [(String, String, String?)] = [],
                 error: (String, String)? = nil, category: String = "Data", readOnly: Bool = true, region: String = "us-east-1",
                 agent: String? = nil) {
            var b = TrailRecordBuilder(time: time, source: source, name: name, identity: identity, sourceIP: ip, recipient: account,
                eventID: rng.uuid())
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
    }

    /// An application server (EC2 instance role; sessions are named after the instance): S3, DynamoDB, ECR and SSM.
    func appServer(_ host: Host, _ log: DayLog) {
        appServerS3(host, log)
        appServerDynamoDB(host, log)
        appServerAgents(host, log)
    }

    /// The application's own bucket, read and written through the S3 gateway endpoint.
    func appServerS3(_ host: Host, _ log: DayLog) {
        let P = Self.prod
        let s3GW = (Self.s3Endpoint, P)
        let me = TrailRecordBuilder.Identity.role(account: P, name: "app-server", session: host.instance)
        for _ in 0..<10 {
            log.add(P, log.at(log.rng.int(0..<24)), "s3.amazonaws.com", "GetObject", me, ip: host.ip, endpoint: s3GW,
                parameters: s3("acme-app-data", "config/app.yaml"), resources: object("acme-app-data", "config/app.yaml", owner: P))
        }
        for _ in 0..<20 {
            let key = "uploads/\(log.date)/\(log.rng.uuid()).json"
            log.add(P, log.at(log.rng.int(6..<22)), "s3.amazonaws.com", "PutObject", me, ip: host.ip, endpoint: s3GW,
                parameters: s3("acme-app-data", key), resources: object("acme-app-data", key, owner: P), readOnly: false)
        }
        for _ in 0..<3 {
            log.add(P, log.at(log.rng.int(0..<24)), "s3.amazonaws.com", "ListObjects", me, ip: host.ip, endpoint: s3GW,
                parameters: #"""
                    {"bucketName":"acme-app-data","Host":"acme-app-data.s3.us-east-1.amazonaws.com","prefix":"uploads/","list-type":"2"}
                    """#,
                resources: bucketOnly("acme-app-data", owner: P))
        }
        for _ in 0..<2 {
            let key = "cache/\(log.rng.uuid())"
            log.add(P, log.at(log.rng.int(0..<24)), "s3.amazonaws.com", "GetObject", me, ip: host.ip, endpoint: s3GW,
                parameters: s3("acme-app-data", key), resources: object("acme-app-data", key, owner: P),
                error: ("NoSuchKey", "The specified key does not exist."))
        }
    }

    /// The orders table, through the DynamoDB gateway endpoint.
    func appServerDynamoDB(_ host: Host, _ log: DayLog) {
        let P = Self.prod
        let ddbGW = (Self.dynamoDBEndpoint, P)
        let me = TrailRecordBuilder.Identity.role(account: P, name: "app-server", session: host.instance)
        let table = "arn:aws:dynamodb:us-east-1:\(P):table/orders"
        for (name, count) in [("GetItem", 15), ("PutItem", 10)] {
            for _ in 0..<count {
                log.add(P, log.at(log.rng.int(0..<24)), "dynamodb.amazonaws.com", name, me, ip: host.ip, endpoint: ddbGW,
                    parameters: #"{"tableName":"orders","key":{"orderId":"HIDDEN_DUE_TO_SECURITY_REASONS"}}"#,
                    resources: [("AWS::DynamoDB::Table", table, P)], readOnly: name == "GetItem")
            }
        }
        for _ in 0..<5 {
            log.add(P, log.at(log.rng.int(0..<24)), "dynamodb.amazonaws.com", "Query", me, ip: host.ip, endpoint: ddbGW,
                parameters: #"{"tableName":"orders","indexName":"byCustomer","keyConditionExpression":"customerId = :c"}"#,
                resources: [("AWS::DynamoDB::Table", table, P)])
        }
        log.add(P, log.at(12), "dynamodb.amazonaws.com", "UpdateItem", me, ip: host.ip, endpoint: ddbGW,
            parameters: ##"{"tableName":"orders","key":{"orderId":"HIDDEN_DUE_TO_SECURITY_REASONS"},"conditionExpression":"#s = :open"}"##,
            resources: [("AWS::DynamoDB::Table", table, P)], error: ("ConditionalCheckFailedException", "The conditional request failed"),
            readOnly: false)
    }

    /// ECR pulls and SSM agent check-ins (through interface endpoints this scenario does not model), and the SSM agent's
    /// download from its AWS-owned bucket.
    func appServerAgents(_ host: Host, _ log: DayLog) {
        let P = Self.prod
        let s3GW = (Self.s3Endpoint, P)
        let me = TrailRecordBuilder.Identity.role(account: P, name: "app-server", session: host.instance)
        log.add(P, log.at(1), "ecr.amazonaws.com", "GetAuthorizationToken", me, ip: host.ip, parameters: "{}", category: "Management")
        for _ in 0..<3 {
            log.add(P, log.at(1), "ecr.amazonaws.com", "GetDownloadUrlForLayer", me, ip: host.ip,
                parameters: #"{"repositoryName":"app","layerDigest":"sha256:4f5e3d2c1b0a"}"#,
                resources: [("AWS::ECR::Repository", "arn:aws:ecr:us-east-1:\(P):repository/app", P)], category: "Management")
        }
        for hour in [0, 6, 12, 18] {
            log.add(P, log.at(hour), "ssm.amazonaws.com", "UpdateInstanceInformation", me, ip: host.ip,
                parameters: #"""
                    {"instanceId":"\#(host.instance)","agentVersion":"3.3.1142.0","agentStatus":"Active","platformType":"Linux",\#
                    "platformName":"Amazon \#
                    Linux","platformVersion":"2023","iPAddress":"\#(host.ip)","computerName":"ip-\#(host.ip.replacingDots).ec2.internal",\#
                    "agentName":"amazon-ssm-agent","availabilityZone":"us-east-1a"}
                    """#,
                category: "Management", readOnly: false, agent: "aws-sdk-go/1.44.260 (go1.22.5; linux; amd64) amazon-ssm-agent/3.3.1142.0")
        }
        if log.day == 2 {
            let key = "amazon-ssm-agent/3.3.1142.0/linux_amd64/amazon-ssm-agent.rpm"
            log.add(P, log.at(3), "s3.amazonaws.com", "GetObject", me, ip: host.ip, endpoint: s3GW,
                parameters: #"{"bucketName":"aws-ssm-us-east-1","Host":"aws-ssm-us-east-1.s3.us-east-1.amazonaws.com","key":"\#(key)"}"#,
                resources: object("aws-ssm-us-east-1", key, owner: nil))
        }
    }

    /// The denied exfiltration attempt (day 4).
    func exfiltrationAttempt(_ log: DayLog) {
        let P = Self.prod
        let s3GW = (Self.s3Endpoint, P)
        let me = TrailRecordBuilder.Identity.role(account: P, name: "app-server", session: Self.app2.instance)
        log.add(P, log.at(3), "s3.amazonaws.com", "PutObject", me, ip: Self.app2.ip, endpoint: s3GW,
            parameters: s3("exfil-drop-7781", "dump.tar.gz"), resources: object("exfil-drop-7781", "dump.tar.gz", owner: Self.attacker),
            error: ("AccessDenied", """
                User: arn:aws:sts::\(P):assumed-role/app-server/\(Self.app2.instance) is not authorized to perform: s3:PutObject on \
                resource: \"arn:aws:s3:::exfil-drop-7781/dump.tar.gz\" because no identity-based policy allows the s3:PutObject action
                """),
            readOnly: false, agent: "aws-cli/2.17.20 md/awscrt#0.20.11 ua/2.0 os/linux#6.1.112-124.190.amzn2023.x86_64 md/arch#x86_64")
    }

    /// A Lambda function writing invoices.
    func invoiceFunction(_ log: DayLog) {
        let P = Self.prod
        let s3GW = (Self.s3Endpoint, P)
        let ddbGW = (Self.dynamoDBEndpoint, P)
        let fn = TrailRecordBuilder.Identity.role(account: P, name: "invoice-fn-role", session: "invoice-fn")
        for _ in 0..<8 {
            let key = "invoices/\(log.date)/\(log.rng.int(10000..<99999)).pdf"
            log.add(P, log.at(log.rng.int(8..<20)), "s3.amazonaws.com", "PutObject", fn, ip: Self.lambda.ip, endpoint: s3GW,
                parameters: s3("acme-app-data", key), resources: object("acme-app-data", key, owner: P), readOnly: false,
                agent: "aws-sdk-nodejs/3.637.0 linux/v20.17.0 exec-env/AWS_Lambda_nodejs20.x")
            log.add(P, log.at(log.rng.int(8..<20)), "dynamodb.amazonaws.com", "UpdateItem", fn, ip: Self.lambda.ip, endpoint: ddbGW,
                parameters: #"{"tableName":"invoices","key":{"invoiceId":"HIDDEN_DUE_TO_SECURITY_REASONS"}}"#,
                resources: [("AWS::DynamoDB::Table", "arn:aws:dynamodb:us-east-1:\(P):table/invoices", P)], readOnly: false)
        }
    }

    /// An ECS task talking to SQS through the interface endpoint.
    func orderWorker(_ log: DayLog) {
        let P = Self.prod
        let sqsIF = (Self.sqsEndpoint, P)
        let task = TrailRecordBuilder.Identity.role(account: P, name: "order-worker-task", session: "a1b2c3d4e5f6a7b8c9d0")
        let queueURL = "https://sqs.us-east-1.amazonaws.com/\(P)/order-events"
        for (name, count) in [("SendMessage", 20), ("ReceiveMessage", 40), ("DeleteMessage", 20)] {
            for _ in 0..<count {
                log.add(P, log.at(log.rng.int(0..<24)), "sqs.amazonaws.com", name, task, ip: Self.ecs.ip, endpoint: sqsIF,
                    parameters: #"{"queueUrl":"\#(queueURL)"}"#, readOnly: name == "ReceiveMessage")
            }
        }
        if log.day == 5 {
            log.add(P, log.at(9), "sqs.amazonaws.com", "PurgeQueue", task, ip: Self.ecs.ip, endpoint: sqsIF,
                parameters: #"{"queueUrl":"\#(queueURL)"}"#,
                error: ("AccessDenied", """
                    User: arn:aws:sts::\(P):assumed-role/order-worker-task/a1b2c3d4e5f6a7b8c9d0 is not authorized to perform: \
                    sqs:PurgeQueue on resource: arn:aws:sqs:us-east-1:\(P):order-events with an explicit deny in a VPC endpoint policy
                    """),
                category: "Management", readOnly: false)
        }
    }

    /// The shared-services account: the CI pipeline role on a runner in this VPC, log analytics reading the
    /// CloudTrail bucket through the endpoint, and CloudTrail delivering logs (no endpoint: the service writes
    /// from its own network).
    func pipelines(_ log: DayLog) {
        let P = Self.prod, S = Self.shared
        let s3GW = (Self.s3Endpoint, P)
        // The CI pipeline role of the shared-services account, running on a runner in this VPC.
        let ci = TrailRecordBuilder.Identity.role(account: S, name: "ci-deploy", session: "gitlab-runner-812")
        for _ in 0..<3 {
            let key = "releases/app-\(log.rng.int(1000..<9999)).tar.gz"
            log.add(S, log.at(log.rng.int(9..<18)), "s3.amazonaws.com", "PutObject", ci, ip: Self.runner.ip, endpoint: s3GW,
                parameters: s3("acme-artifacts", key), resources: object("acme-artifacts", key, owner: S), readOnly: false)
        }
        log.add(S, log.at(10), "s3.amazonaws.com", "GetObject", ci, ip: Self.runner.ip, endpoint: s3GW,
            parameters: s3("vendor-sdk-releases", "sdk/v4.2.1/sdk-linux-x64.tar.gz"),
            resources: object("vendor-sdk-releases", "sdk/v4.2.1/sdk-linux-x64.tar.gz", owner: Self.vendor))
        // Log analytics reading the CloudTrail bucket through the endpoint.
        let analytics = TrailRecordBuilder.Identity.role(account: S, name: "log-analytics", session: Self.logs.instance)
        log.add(S, log.at(2), "s3.amazonaws.com", "ListObjects", analytics, ip: Self.logs.ip, endpoint: s3GW,
            parameters: #"{"bucketName":"acme-cloudtrail-logs","prefix":"AWSLogs/","list-type":"2"}"#,
            resources: bucketOnly("acme-cloudtrail-logs", owner: S))
        for _ in 0..<5 {
            let day = log.date.replacingDashesWithSlashes
            let key = "AWSLogs/\(Self.org)/\(P)/CloudTrail/us-east-1/\(day)/\(P)_CloudTrail_us-east-1_\(log.rng.int(1000..<9999)).json.gz"
            log.add(S, log.at(log.rng.int(2..<5)), "s3.amazonaws.com", "GetObject", analytics, ip: Self.logs.ip, endpoint: s3GW,
                parameters: s3("acme-cloudtrail-logs", key), resources: object("acme-cloudtrail-logs", key, owner: S))
        }
        // CloudTrail delivering logs (no endpoint: the service writes from its own network).
        let cloudtrail = TrailRecordBuilder.Identity.service("cloudtrail.amazonaws.com")
        for _ in 0..<2 {
            log.add(S, log.at(log.rng.int(0..<24)), "s3.amazonaws.com", "GetBucketAcl", cloudtrail, ip: "cloudtrail.amazonaws.com",
                parameters: #"{"bucketName":"acme-cloudtrail-logs","Host":"acme-cloudtrail-logs.s3.us-east-1.amazonaws.com","acl":""}"#,
                resources: bucketOnly("acme-cloudtrail-logs", owner: S), category: "Management", agent: "cloudtrail.amazonaws.com")
            let day = log.date.replacingDashesWithSlashes
            let key = "AWSLogs/\(Self.org)/\(P)/CloudTrail/us-east-1/\(day)/\(P)_CloudTrail_us-east-1_\(log.rng.int(1000..<9999)).json.gz"
            log.add(S, log.at(log.rng.int(0..<24)), "s3.amazonaws.com", "PutObject", cloudtrail, ip: "cloudtrail.amazonaws.com",
                parameters: s3("acme-cloudtrail-logs", key), resources: object("acme-cloudtrail-logs", key, owner: S), readOnly: false,
                agent: "cloudtrail.amazonaws.com")
        }
    }

    /// An administrator in the console, from the office network (no endpoint; days 1 and 6).
    func consoleAdministrator(_ log: DayLog) {
        let P = Self.prod
    if log.day == 1 || log.day == 6 {
        let admin = TrailRecordBuilder.Identity.role(account: P,
            name: "aws-reserved/sso.amazonaws.com/AWSReservedSSO_AdministratorAccess_5f1e2d3c4b5a6978", session: "jane@acme.example")
        log.add(P, log.at(14), "s3.amazonaws.com", "ListObjects", admin, ip: "198.51.100.23",
            parameters: #"{"bucketName":"acme-app-data","prefix":"","delimiter":"/"}"#, resources: bucketOnly("acme-app-data", owner: P),
            agent: "[Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15]")
        log.add(P, log.at(14), "s3.amazonaws.com", "GetBucketPolicy", admin, ip: "198.51.100.23",
            parameters: #"{"bucketName":"acme-app-data","policy":""}"#, resources: bucketOnly("acme-app-data", owner: P),
            category: "Management",
            agent: "[Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15]")
    }
    }

    /// A reporting host writing to a bucket in another Region: no gateway endpoint can carry it.
    func crossRegionReporting(_ log: DayLog) {
        let P = Self.prod
        let reporting = TrailRecordBuilder.Identity.role(account: P, name: "reporting", session: Self.legacy.instance)
        log.add(P, log.at(23), "s3.amazonaws.com", "PutObject", reporting, ip: "203.0.113.40",
            parameters: #"""
                {"bucketName":"acme-reports-eu","Host":"acme-reports-eu.s3.eu-west-1.amazonaws.com","key":"daily/\#(log.date).csv"}
                """#,
            resources: object("acme-reports-eu", "daily/\(log.date).csv", owner: P), readOnly: false, region: "eu-west-1")
    }

}

private func object(_ bucket: String, _ key: String, owner: String?) -> [(String, String, String?)] {
    [("AWS::S3::Object", "arn:aws:s3:::\(bucket)/\(key)", nil), ("AWS::S3::Bucket", "arn:aws:s3:::\(bucket)", owner)]
}

private func bucketOnly(_ bucket: String,
    owner: String?) -> [(String, String, String?)] { [("AWS::S3::Bucket", "arn:aws:s3:::\(bucket)", owner)] }

private func s3(_ bucket: String, _ key: String) -> String {
    #"{"bucketName":"\#(bucket)","Host":"\#(bucket).s3.us-east-1.amazonaws.com","key":"\#(key)"}"#
}
