import AWSModel

/// The SampleLogs scenario: one organization with two accounts, S3 and DynamoDB gateway endpoints
/// and an SQS interface endpoint, and a week of the traffic teams see (application, pipeline,
/// Lambda, ECS and SSM-managed roles, AWS-owned buckets, a denied exfiltration attempt, console use
/// from outside the VPC, CloudTrail log delivery, a cross-region bucket reached without the
/// endpoint, a host whose S3 traffic CloudTrail never shows), plus the inventory as AWS CLI output.
///
/// Deterministic: the same seed gives the same bytes.
public struct SampleScenario: Sendable {
    /// The production account.
    public static let prod = "111122223333"
    /// The shared-services account (CI, log archive).
    public static let shared = "444455556666"
    /// A vendor outside the organization whose bucket the CI role reads.
    public static let vendor = "222233334444"
    /// The account of the exfiltration attempt's bucket.
    public static let attacker = "999988887777"
    /// The organization id.
    public static let org = "o-acme1234ab"
    /// The VPC of the three endpoints.
    public static let vpc = "vpc-0a1b2c3d4e5f60718"
    /// The S3 gateway endpoint.
    public static let s3Endpoint = "vpce-01a2b3c4d5e6f7a80"
    /// The DynamoDB gateway endpoint.
    public static let dynamoDBEndpoint = "vpce-02b3c4d5e6f7a8b91"
    /// The SQS interface endpoint.
    public static let sqsEndpoint = "vpce-03c4d5e6f7a8b9c02"
    /// The private addresses of the SQS endpoint's network interfaces.
    public static let sqsEndpointIPs = ["10.0.8.10", "10.0.9.10"]
    /// 2026-11-01T00:00:00Z.
    public static let start: Int64 = 1_793_491_200
    /// Days of traffic.
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

    /// The scenario drawn from `seed`.
    public init(seed: UInt64 = 20261101) { self.seed = seed }

    /// Every file of the scenario: relative path → bytes.
    public func files() -> [String: [UInt8]] {
        let (calls, flows, rng) = draw()
        var trail: [String: [String]] = [:]   // account/day → records
        var export: [String] = []
        for (day, record) in calls { trail["\(record.account)/\(day)", default: []].append(record.json) }
        // A CloudWatch Logs export of the last day's console events, one event per line, with a line cut short.
        var cw = rng
        for record in events(day: 6, dayStart: Self.start + 6 * 86_400, rng: &cw) where record.builder.sourceIP == "198.51.100.23" {
            export.append(record.json)
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
            let header = """
                version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status vpc-id \
                subnet-id instance-id pkt-srcaddr pkt-dstaddr region pkt-dst-aws-service flow-direction traffic-path
                """
            let lines = flows.filter { $0.hasPrefix("#\(day) ") }.map { String($0.split(separator: " ", maxSplits: 1)[1]) }
            let id = Self.uniqueString("flow\(day)")
            let file = "\(Self.prod)_vpcflowlogs_us-east-1_fl-0123456789abcdef0_\(date.replacingDashes)T2355Z_\(id)"
            let path = "AWSLogs/\(Self.org)/\(Self.prod)/vpcflowlogs/us-east-1/\(ymd)/\(file).log.gz"
            result[path] = GzipEncoder.compress(Array((([header] + lines).joined(separator: "\n") + "\n").utf8))
        }
        result["exports/cloudwatch-logs-export-2026-11-07.jsonl"] = Array((export.joined(separator: "\n") + "\n").utf8)
        return result
    }

    /// The window's calls (with their day) and flow lines, as drawn from the seed, and the generator after them.
    func draw() -> (calls: [(day: Int, event: Event)], flows: [String], rng: SampleRandom) {
        var rng = SampleRandom(seed: seed)
        var calls: [(day: Int, event: Event)] = [], flows: [String] = []
        for day in 0..<Self.days {
            let dayStart = Self.start + Int64(day) * 86_400
            calls += events(day: day, dayStart: dayStart, rng: &rng).map { (day, $0) }
            flows += flowLines(day: day, dayStart: dayStart, rng: &rng)
        }
        return (calls, flows, rng)
    }

    /// The network activity events of every call through an endpoint in the window (each sharing its
    /// call's `requestID`), in delivery files of their own, one per endpoint owner and day: what a trail
    /// that also logs network activity adds to ``files()``.
    public func networkActivity() -> [String: [UInt8]] {
        var trail: [String: [String]] = [:]   // account/day → records
        for (day, call) in draw().calls where !call.network {
            guard let record = call.builder.networkJSON, let owner = call.builder.endpoint?.account else { continue }
            trail["\(owner)/\(day)", default: []].append(record)
        }
        var result: [String: [UInt8]] = [:]
        for (key, records) in trail {
            let parts = key.split(separator: "/")
            let account = String(parts[0]), date = Timestamp.day(Self.start + Int64(parts[1])! * 86_400)
            let name = "\(account)_CloudTrail_us-east-1_\(date.replacingDashes)T2356Z_\(Self.uniqueString("network/" + key)).json.gz"
            let path = "AWSLogs/\(Self.org)/\(account)/CloudTrail/us-east-1/\(date.split(separator: "-").joined(separator: "/"))/\(name)"
            result[path] = GzipEncoder.compress(Array(("{\"Records\":[" + records.joined(separator: ",") + "]}").utf8))
        }
        return result
    }

    static func uniqueString(_ key: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in key.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<16).map { i in alphabet[Int((h >> UInt64(i * 4)) % UInt64(alphabet.count))] })
    }

    func events(day: Int, dayStart: Int64, rng: inout SampleRandom) -> [Event] {
        let log = DayLog(day: day, dayStart: dayStart, rng: rng)
        for host in [Self.app1, Self.app2] { appServer(host, log) }
        if day == 4 { exfiltrationAttempt(log) }
        invoiceFunction(log)
        orderWorker(log)
        pipelines(log)
        if day == 1 || day == 6 { consoleAdministrator(log) }
        crossRegionReporting(log)
        rng = log.rng
        networkEvents(log)
        return log.out
    }

    // MARK: flows

    func flowLines(day: Int, dayStart: Int64, rng: inout SampleRandom) -> [String] {
        var out: [String] = []
        func flow(_ host: Host, _ dst: String, _ port: Int, service: String, path: Int, hour: Int, packets: Int, bytes: Int) {
            let start = dayStart + Int64(hour) * 3600 + Int64(rng.int(0..<3000))
            out.append("""
                #\(day) 5 \(Self.prod) \(host.eni) \(host.ip) \(dst) \(rng.int(32768..<60999)) \(port) 6 \
                \(packets) \(bytes) \(start) \(start + 60) ACCEPT OK \
                \(Self.vpc) \(host.subnet) \(host.instance) \(host.ip) \(dst) us-east-1 \(service) egress \(path)
                """)
        }
        let s3IPs = ["52.216.58.10", "52.217.40.66", "3.5.29.130", "54.231.201.17"]
        let ddbIPs = ["3.218.182.14", "52.94.24.33"]
        for hour in stride(from: 0, to: 24, by: 2) {
            for host in [Self.app1, Self.app2] {
                flow(host, rng.pick(s3IPs), 443, service: "S3", path: 7, hour: hour, packets: rng.int(20..<80),
                    bytes: rng.int(20_000..<90_000))
                flow(host, rng.pick(ddbIPs), 443, service: "DYNAMODB", path: 7, hour: hour, packets: rng.int(10..<40),
                    bytes: rng.int(4_000..<20_000))
            }
            flow(Self.lambda, rng.pick(s3IPs), 443, service: "S3", path: 7, hour: hour, packets: rng.int(10..<30),
                bytes: rng.int(10_000..<40_000))
            flow(Self.ecs, rng.pick(Self.sqsEndpointIPs), 443, service: "-", path: 1, hour: hour, packets: rng.int(10..<50),
                bytes: rng.int(3_000..<15_000))
            // The batch host: heavy S3 traffic through the endpoint, and no CloudTrail request at all.
            flow(Self.batch, rng.pick(s3IPs), 443, service: "S3", path: 7, hour: hour, packets: rng.int(2_000..<6_000),
                bytes: rng.int(2_000_000..<8_000_000))
        }
        // Amazon Linux package updates at 03:00 (anonymous reads of the AL2023 repository bucket).
        for host in [Self.app1, Self.app2] {
            flow(host, rng.pick(s3IPs), 443, service: "S3", path: 7, hour: 3, packets: rng.int(500..<900),
                bytes: rng.int(600_000..<1_500_000))
        }
        flow(Self.runner, rng.pick(s3IPs), 443, service: "S3", path: 7, hour: 10, packets: rng.int(200..<600),
            bytes: rng.int(300_000..<900_000))
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
