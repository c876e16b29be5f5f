import AWSModel

/// The organization's CloudTrail events of one day, one function per workload.
extension OrganizationSample {
    /// The records of a day, with where each is delivered (the recipient account and Region).
    final class Day {
        let dayStart: Int64
        var rng: SampleRandom
        var out: [(account: String, region: String, record: TrailRecordBuilder)] = []

        init(dayStart: Int64, rng: SampleRandom) {
            self.dayStart = dayStart
            self.rng = rng
        }

        func add(_ recipient: String, _ region: String, _ source: String, _ name: String, _ identity: TrailRecordBuilder.Identity,
                 ip: String, via endpoint: (id: String, account: String)?, resources: [(String, String, String?)],
                 parameters: String = "null", count: Int = 1) {
            for _ in 0..<count {
                let time = dayStart + Int64(rng.int(0..<86_400))
                var b = TrailRecordBuilder(time: time, source: source, name: name, identity: identity, sourceIP: ip, recipient: recipient,
                                           eventID: rng.uuid())
                b.region = region
                b.endpoint = endpoint
                b.resources = resources.map { (type: $0.0, arn: $0.1, account: $0.2) }
                b.parameters = parameters
                b.readOnly = name.hasPrefix("Get") || name.hasPrefix("List") || name == "Decrypt"
                b.category = source == "s3.amazonaws.com" ? "Data" : "Management"
                out.append((recipient, region, b))
            }
        }
    }

    static func endpoint(_ owner: String, _ region: String, _ service: String, type: String? = nil) -> (id: String, account: String) {
        let e = endpoints.first { $0.owner == owner && $0.region == region && $0.service == service && (type == nil || $0.type == type) }!
        return (e.id, e.owner)
    }

    static func object(_ bucket: String, _ key: String, owner: String) -> [(String, String, String?)] {
        [("AWS::S3::Object", "arn:aws:s3:::\(bucket)/\(key)", nil), ("AWS::S3::Bucket", "arn:aws:s3:::\(bucket)", owner)]
    }

    static func s3(_ bucket: String, _ key: String, _ region: String) -> String {
        #"{"bucketName":"\#(bucket)","Host":"\#(bucket).s3.\#(region).amazonaws.com","key":"\#(key)"}"#
    }

    func events(dayStart: Int64, rng: inout SampleRandom) -> [(String, String, TrailRecordBuilder)] {
        let day = Day(dayStart: dayStart, rng: rng)
        production(day)
        dataAccount(day)
        sharedServices(day)
        rng = day.rng
        return day.out.map { ($0.account, $0.region, $0.record) }
    }

    /// The production application: its bucket, table, queue, key and role through the account's endpoints.
    func production(_ d: Day) {
        let P = Self.prod, region = "us-east-1"
        let app = TrailRecordBuilder.Identity.role(account: P, name: "orders-app", session: "i-0a1b2c3d4e5f60001")
        let s3GW = Self.endpoint(P, region, "s3")
        for key in ["orders/2026/11/a.json", "orders/2026/11/b.json"] {
            d.add(P, region, "s3.amazonaws.com", "GetObject", app, ip: "10.1.1.10", via: s3GW,
                  resources: Self.object("acme-prod-orders", key, owner: P), parameters: Self.s3("acme-prod-orders", key, region), count: 4)
        }
        d.add(P, region, "s3.amazonaws.com", "PutObject", app, ip: "10.1.1.10", via: s3GW,
              resources: Self.object("acme-prod-orders", "orders/2026/11/c.json", owner: P),
              parameters: Self.s3("acme-prod-orders", "orders/2026/11/c.json", region), count: 3)
        d.add(P, region, "dynamodb.amazonaws.com", "GetItem", app, ip: "10.1.1.10", via: Self.endpoint(P, region, "dynamodb"),
              resources: [("AWS::DynamoDB::Table", "arn:aws:dynamodb:\(region):\(P):table/orders", P)], count: 5)
        d.add(P, region, "sqs.amazonaws.com", "SendMessage", app, ip: "10.1.1.10", via: Self.endpoint(P, region, "sqs"),
              resources: [("AWS::SQS::Queue", "arn:aws:sqs:\(region):\(P):order-events", P)],
              parameters: #"{"queueUrl":"https://sqs.us-east-1.amazonaws.com/\#(P)/order-events"}"#, count: 4)
        d.add(P, region, "kms.amazonaws.com", "Decrypt", app, ip: "10.1.1.10", via: Self.endpoint(P, region, "kms"),
              resources: [("AWS::KMS::Key", "arn:aws:kms:\(region):\(P):key/0a1b2c3d-0000-4000-8000-000000000001", P)], count: 3)
        d.add(P, region, "sts.amazonaws.com", "AssumeRole", app, ip: "10.1.1.10", via: Self.endpoint(P, region, "sts"),
              resources: [("AWS::IAM::Role", "arn:aws:iam::\(P):role/orders-reporting", P)], count: 2)
        // The partner reads exported orders through its own endpoint (its account only is logged).
        d.add(P, region, "s3.amazonaws.com", "GetObject", .account(Self.partner), ip: "10.77.0.5",
              via: (Self.partnerEndpoint, Self.partner), resources: Self.object("acme-prod-orders", "exports/partner.csv", owner: P),
              parameters: Self.s3("acme-prod-orders", "exports/partner.csv", region), count: 2)
    }

    /// The data account: its eu-west-1 lake, key and secret; and its analysts reading production orders.
    func dataAccount(_ d: Day) {
        let D = Self.data, eu = "eu-west-1"
        let etl = TrailRecordBuilder.Identity.role(account: D, name: "lake-etl", session: "etl-run")
        d.add(D, eu, "s3.amazonaws.com", "GetObject", etl, ip: "10.2.1.20", via: Self.endpoint(D, eu, "s3"),
              resources: Self.object("acme-data-lake-eu", "raw/2026/11/part-0.parquet", owner: D),
              parameters: Self.s3("acme-data-lake-eu", "raw/2026/11/part-0.parquet", eu), count: 5)
        d.add(D, eu, "kms.amazonaws.com", "Decrypt", etl, ip: "10.2.1.20", via: Self.endpoint(D, eu, "kms"),
              resources: [("AWS::KMS::Key", "arn:aws:kms:\(eu):\(D):key/0b1b2c3d-0000-4000-8000-000000000002", D)], count: 2)
        d.add(D, eu, "secretsmanager.amazonaws.com", "GetSecretValue", etl, ip: "10.2.1.20", via: Self.endpoint(D, eu, "secretsmanager"),
              resources: [("AWS::SecretsManager::Secret", "arn:aws:secretsmanager:\(eu):\(D):secret:lake-db-AbCdEf", D)], count: 2)
        let analyst = TrailRecordBuilder.Identity.role(account: D, name: "analytics", session: "notebook")
        d.add(Self.prod, "us-east-1", "s3.amazonaws.com", "GetObject", analyst, ip: "10.2.9.30",
              via: Self.endpoint(D, "us-east-1", "s3"),
              resources: Self.object("acme-prod-orders", "orders/2026/11/a.json", owner: Self.prod),
              parameters: Self.s3("acme-prod-orders", "orders/2026/11/a.json", "us-east-1"), count: 3)
    }

    /// The management account: CI reads artifacts through its endpoint, a deploy user uploads from the
    /// corporate network (outside any endpoint), CloudTrail writes the log archive.
    func sharedServices(_ d: Day) {
        let M = Self.management, region = "us-east-1"
        let ci = TrailRecordBuilder.Identity.role(account: M, name: "ci-runner", session: "build-42")
        d.add(M, region, "s3.amazonaws.com", "GetObject", ci, ip: "10.3.1.40", via: Self.endpoint(M, region, "s3"),
              resources: Self.object("acme-artifacts", "builds/app.zip", owner: M),
              parameters: Self.s3("acme-artifacts", "builds/app.zip", region), count: 4)
        d.add(M, region, "s3.amazonaws.com", "PutObject", .user(account: M, name: "deploy"), ip: "203.0.113.10", via: nil,
              resources: Self.object("acme-artifacts", "builds/app.zip", owner: M),
              parameters: Self.s3("acme-artifacts", "builds/app.zip", region), count: 1)
        d.add(M, region, "s3.amazonaws.com", "PutObject", .service("cloudtrail.amazonaws.com"), ip: "cloudtrail.amazonaws.com", via: nil,
              resources: Self.object("acme-artifacts", "AWSLogs/trail.json.gz", owner: M),
              parameters: Self.s3("acme-artifacts", "AWSLogs/trail.json.gz", region), count: 2)
    }
}
