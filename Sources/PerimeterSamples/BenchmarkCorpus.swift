import AWSModel

/// A deterministic corpus of realistic records in the S3 delivery layout, for benchmarks, half the
/// records each CloudTrail and flow records: in large files (1,000 records per delivery file, 5,000
/// lines per flow file), or in the small files real trails deliver (23 records per delivery file and
/// 12 lines per flow file: a 200k corpus is 4,348 CloudTrail and 8,334 flow files).
public struct BenchmarkCorpus: Sendable {
    /// How records are spread over files.
    public enum Layout: String, Sendable, CaseIterable {
        case large, small
    }

    /// What the S3 requests do with object keys.
    public enum Workload: String, Sendable, CaseIterable {
        /// Most keys repeat: 70% of S3 requests read one of 100 config files, the rest an upload of its own.
        case repeating
        /// Upload, log and backup traffic: most `PutObject` keys are new (a few hot prefixes, then a dated path
        /// and an id), reads and deletes are of keys written recently, a few config files are read over and over.
        case uploads
    }

    /// Records in the corpus, half CloudTrail and half flow records.
    public let records: Int
    /// What the S3 requests do with object keys.
    public let workload: Workload
    /// CloudTrail records per delivery file.
    public let recordsPerTrailFile: Int
    /// Flow records per flow log file.
    public let linesPerFlowFile: Int

    /// A corpus of `records` records in `layout`.
    public init(records: Int, layout: Layout = .large, workload: Workload = .repeating) {
        self.records = records
        self.workload = workload
        (recordsPerTrailFile, linesPerFlowFile) = layout == .large ? (1000, 5000) : (23, 12)
    }

    /// CloudTrail delivery files written.
    public var trailFiles: Int { (records / 2 + recordsPerTrailFile - 1) / recordsPerTrailFile }
    /// Flow log files written.
    public var flowFiles: Int { (records - records / 2 + linesPerFlowFile - 1) / linesPerFlowFile }
    /// Every file written.
    public var fileCount: Int { trailFiles + flowFiles }

    /// The start of file `index`'s five minutes: files follow each other from the sample's start and wrap
    /// around after 30 days (several files then share five minutes, as a busy trail's do), so that a corpus
    /// of any size is dated in the past. Unwrapped, 1M records in small files ran 75 days past the start and
    /// half their CloudTrail records were rejected as dated after the run.
    static func slot(_ index: Int) -> Int64 {
        SampleScenario.start + Int64(index % (30 * 288)) * 300
    }

    /// The day and `HHMM` a file of records from `base` to five minutes later is delivered at, as CloudTrail and flow
    /// logs name their files: ten minutes after `base` (a record is never dated after its file's delivery).
    static func deliveryStamp(after base: Int64) -> (day: String, time: String) {
        let stamp = Timestamp.iso8601(base + 600)
        let time = String(stamp.dropFirst(11).prefix(5).filter { $0 != ":" })
        return (Timestamp.day(base + 600), time)
    }

    /// File `index` (0 ..< fileCount): its relative path and gzipped bytes.
    public func file(_ index: Int) -> (path: String, bytes: [UInt8]) {
        var rng = SampleRandom(seed: 0xBE7C_4000 &+ UInt64(index))
        let P = SampleScenario.prod
        if index < trailFiles {
            let count = min(recordsPerTrailFile, records / 2 - index * recordsPerTrailFile)
            let base = Self.slot(index)
            var lines: [String] = [], recent = RecentKeys()
            lines.reserveCapacity(count)
            var last: TrailRecordBuilder?
            for _ in 0..<count { lines.append(trailRecord(&rng, base: base, last: &last, recent: &recent)) }
            let (date, time) = Self.deliveryStamp(after: base)
            let path = "AWSLogs/\(SampleScenario.org)/\(P)/CloudTrail/us-east-1/\(date.replacingDashesWithSlashes)/"
                + "\(P)_CloudTrail_us-east-1_\(date.replacingDashes)T\(time)Z_\(SampleScenario.uniqueString("t\(index)")).json.gz"
            return (path, GzipEncoder.compress(Array(("{\"Records\":[" + lines.joined(separator: ",") + "]}").utf8)))
        }
        let flowIndex = index - trailFiles
        let count = min(linesPerFlowFile, records - records / 2 - flowIndex * linesPerFlowFile)
        let base = Self.slot(flowIndex)
        var lines = ["""
            version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status vpc-id \
            subnet-id instance-id pkt-srcaddr pkt-dstaddr region pkt-dst-aws-service flow-direction traffic-path
            """]
        for _ in 0..<count {
            let host = rng.int(1..<200)
            let start = base + Int64(rng.int(0..<300))
            let (dst, service,
                path) = rng.pick([("52.216.58.\(rng.int(1..<255))", "S3", 7), ("3.218.182.\(rng.int(1..<255))", "DYNAMODB", 7),
                                                 ("10.0.8.10", "-", 1), ("10.0.\(rng.int(1..<9)).\(rng.int(1..<255))", "-", 1)])
            lines.append("""
                5 \(P) eni-0\(host)bench 10.0.\(host % 8).\(host) \(dst) \(rng.int(32768..<60999)) 443 6 \
                \(rng.int(1..<500)) \(rng.int(100..<500_000)) \(start) \(start + 60) \(rng.int(0..<20) == 0 ? "REJECT" : "ACCEPT") OK \
                \(SampleScenario.vpc) subnet-0aa\(host % 3) i-0bench\(host) 10.0.\(host % 8).\(host) \(dst) us-east-1 \
                \(service) egress \(path)
                """)
        }
        let (date, time) = Self.deliveryStamp(after: base)
        let path = "AWSLogs/\(P)/vpcflowlogs/us-east-1/\(date.replacingDashesWithSlashes)/\(P)_vpcflowlogs_us-east-1_fl-0bench_"
            + "\(date.replacingDashes)T\(time)Z_\(SampleScenario.uniqueString("f\(flowIndex)")).log.gz"
        return (path, GzipEncoder.compress(Array((lines.joined(separator: "\n") + "\n").utf8)))
    }

    static let roles = (0..<50).map { "role-\($0)" }
    static let buckets = (0..<20).map { "acme-bench-\($0)" }
    static let tables = (0..<10).map { "table-\($0)" }

    /// One record: a call's data or management event; or, one in 20 each, the network activity event of
    /// the previous call through an endpoint (joined), of a call logged by no other event (network-only), or
    /// of a call the endpoint policy refused (`VpceAccessDenied`). `last` is the previous call.
    func trailRecord(_ rng: inout SampleRandom, base: Int64, last: inout TrailRecordBuilder?, recent: inout RecentKeys) -> String {
        let network = rng.int(0..<20)
        if network == 0, let joined = last?.networkJSON {
            last = nil
            return joined
        }
        var b = call(&rng, base: base, recent: &recent)
        if network == 2, b.endpoint != nil { b.error = (code: "VpceAccessDenied", message: SampleScenario.endpointPolicyDenial) }
        if network == 1 || network == 2, let alone = b.networkJSON {
            last = nil
            return alone
        }
        last = b
        return b.json
    }

    func call(_ rng: inout SampleRandom, base: Int64, recent: inout RecentKeys) -> TrailRecordBuilder {
        let P = SampleScenario.prod
        let host = rng.int(1..<200)
        let identity = TrailRecordBuilder.Identity.role(account: P, name: rng.pick(Self.roles), session: "i-0bench\(host)")
        let kind = rng.int(0..<10)
        var b: TrailRecordBuilder
        if kind < 6 {
            let repeating = workload == .repeating ? Self.repeatingRequest(&rng) : nil
            let time = base + Int64(rng.int(0..<300))
            let (bucket, key, name) = repeating ?? recent.request(&rng, time: time)
            b = TrailRecordBuilder(time: time, source: "s3.amazonaws.com", name: name, identity: identity,
                                   sourceIP: "10.0.\(host % 8).\(host)", recipient: P, eventID: rng.uuid())
            b.parameters = #"{"bucketName":"\#(bucket)","Host":"\#(bucket).s3.us-east-1.amazonaws.com","key":"\#(key)"}"#
            b.resources = [(type: "AWS::S3::Object", arn: "arn:aws:s3:::\(bucket)/\(key)", account: nil),
                           (type: "AWS::S3::Bucket", arn: "arn:aws:s3:::\(bucket)", account: P)]
            b.endpoint = (id: SampleScenario.s3Endpoint, account: P)
            if rng.int(0..<50) == 0 { b.error = (code: "AccessDenied", message: "Access Denied") }
        } else if kind < 9 {
            let table = rng.pick(Self.tables)
            b = TrailRecordBuilder(time: base + Int64(rng.int(0..<300)), source: "dynamodb.amazonaws.com",
                                   name: rng.pick(["GetItem", "PutItem", "Query", "UpdateItem"]), identity: identity,
                                   sourceIP: "10.0.\(host % 8).\(host)", recipient: P, eventID: rng.uuid())
            b.parameters = #"{"tableName":"\#(table)","key":{"id":"HIDDEN_DUE_TO_SECURITY_REASONS"}}"#
            b.resources = [(type: "AWS::DynamoDB::Table", arn: "arn:aws:dynamodb:us-east-1:\(P):table/\(table)", account: P)]
            b.endpoint = (id: SampleScenario.dynamoDBEndpoint, account: P)
        } else {
            b = TrailRecordBuilder(time: base + Int64(rng.int(0..<300)), source: "ec2.amazonaws.com", name: "DescribeInstances",
                                   identity: identity, sourceIP: "10.0.\(host % 8).\(host)", recipient: P, eventID: rng.uuid())
            b.parameters = #"{"instancesSet":{},"filterSet":{}}"#
            b.category = "Management"
        }
        return b
    }

    /// A request of the `repeating` workload: bucket, key and event name.
    static func repeatingRequest(_ rng: inout SampleRandom) -> (bucket: String, key: String, name: String) {
        let bucket = rng.pick(buckets)
        let key = rng.int(0..<10) < 7 ? "config/\(rng.int(0..<100)).json" : "uploads/\(rng.uuid()).json"
        return (bucket, key, rng.pick(["GetObject", "GetObject", "PutObject", "HeadObject", "ListObjects", "DeleteObject"]))
    }
}

/// The `uploads` workload's keys: the last ones written in a delivery file, read back and deleted.
struct RecentKeys {
    var keys: [(bucket: String, key: String)] = []
    static let kept = 64
    static let prefixes = ["logs/app", "logs/app", "logs/audit", "uploads", "uploads", "backups/db", "exports"]

    /// Half the requests write a new key (`<hot prefix>/YYYY/MM/DD/HH/<id>.json.gz`), a third read or delete a
    /// recent one, the rest read one of 20 config files.
    mutating func request(_ rng: inout SampleRandom, time: Int64) -> (bucket: String, key: String, name: String) {
        let roll = rng.int(0..<100)
        if roll < 50 || keys.isEmpty {
            let stamp = Timestamp.iso8601(time)
            let hour = String(stamp.prefix(13).map { $0 == "-" || $0 == "T" ? "/" : $0 })
            let written = (bucket: rng.pick(BenchmarkCorpus.buckets), key: "\(rng.pick(Self.prefixes))/\(hour)/\(rng.uuid()).json.gz")
            keys.append(written)
            if keys.count > Self.kept { keys.removeFirst() }
            return (written.bucket, written.key, "PutObject")
        }
        if roll < 83 {
            let read = rng.pick(keys)
            return (read.bucket, read.key, rng.pick(["GetObject", "GetObject", "GetObject", "HeadObject", "DeleteObject"]))
        }
        return (rng.pick(BenchmarkCorpus.buckets), "config/\(rng.int(0..<20)).json", "GetObject")
    }
}
