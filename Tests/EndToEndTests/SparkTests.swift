import Foundation
import PerimeterTestSupport
import Testing

/// The Spark job in local mode gives a store from which `synthesize` writes what the SQLite path
/// writes, byte for byte. `.ci/run` installs pyspark (PyPI) and Java 17 (Debian).
@Suite(.serialized)
struct SparkTests {
    static var sparkSubmit: String? {
        let java = TestSupport.executable(named: "java") != nil || ProcessInfo.processInfo.environment["JAVA_HOME"] != nil
        return java ? TestSupport.executable(named: "spark-submit") : nil
    }

    static let root = TestSupport.repositoryRoot.path

    /// Runs the job (`job`: its own options) over `logs`.
    static func aggregate(_ logs: String, out: String, exclude: [String] = [], memory: [String] = [], job: [String] = [],
                          in folder: String? = nil) throws -> Int32 {
        let process = Process()
        process.currentDirectoryURL = folder.map { URL(fileURLWithPath: $0) }
        process.executableURL = URL(fileURLWithPath: try #require(sparkSubmit))
        process.arguments = ["--master", "local[2]", "--conf", "spark.ui.enabled=false"] + memory + [root + "/Spark/perimeter_aggregate.py",
                             "--perimeter", Binary.path, "--out", out] + exclude.flatMap { ["--exclude", $0] } + job + [logs]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// What `synthesize` writes, without the manifest.
    static func outputs(_ dir: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.subpathsOfDirectory(atPath: dir) where !name.hasPrefix(".") {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: dir + "/" + name, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[name] = try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name))
            }
        }
        return files
    }

    /// Both paths over `logs`: native ingest, and Spark then `ingest --aggregates` (twice: the second adds nothing).
    /// Returns what `synthesize` wrote from the native store.
    @discardableResult
    static func compare(_ logs: String, inventory: [String] = [], exclude: [String] = [], memory: [String] = [],
                        job: [String] = []) throws -> [String: Data] {
        let dir = TestSupport.temporaryDirectory("spark")
        let inventoryArgs = inventory.isEmpty ? [] : ["--inventory"] + inventory
        #expect(try Binary.run(["ingest", logs, "--db", dir + "/native.sqlite"]).status == 0)
        _ = try Binary.run(["synthesize", "--db", dir + "/native.sqlite", "--out", dir + "/native"] + inventoryArgs)
        #expect(try aggregate(logs, out: dir + "/agg", exclude: exclude, memory: memory, job: job) == 0)
        let load = try Binary.run(["ingest", "--aggregates", dir + "/agg", "--db", dir + "/spark.sqlite"])
        #expect(load.status == 0, "\(load.output)")
        #expect(try Binary.run(["ingest", "--aggregates", dir + "/agg", "--db", dir + "/spark.sqlite"]).output.contains("nothing new"))
        _ = try Binary.run(["synthesize", "--db", dir + "/spark.sqlite", "--out", dir + "/spark"] + inventoryArgs)
        let native = try outputs(dir + "/native"), spark = try outputs(dir + "/spark")
        #expect(native.keys.sorted() == spark.keys.sorted())
        for (name, data) in native { #expect(spark[name] == data, "\(name) differs between the SQLite and the Spark paths") }
        #expect(native["summary.json"] != nil)
        return native
    }

    @Test(.enabled(if: sparkSubmit != nil, "pyspark (spark-submit) or Java is not installed: the Spark job is not run"))
    func theSparkPathWritesWhatTheSQLitePathWritesForTheSample() throws {
        // The sample's inventory sits under its logs: the native ingest of the folder reads it as unrecognized files; so does Spark.
        try Self.compare(Self.root + "/SampleLogs", inventory: [Self.root + "/SampleLogs/inventory"])
    }

    /// Before: the Spark path counted a network activity event as a request of its own, beside the data
    /// event of the same call (the sample's SQS calls of its last two days counted twice). Now a network event
    /// adds no request to the grouped tables: its rows (`network`) and each event's request digest (`events`)
    /// go to the store, which joins them when it is read.
    @Test func theSparkPathCountedNetworkActivityEventsTwice() throws {
        let dir = TestSupport.temporaryDirectory("normalize")
        let logs = Self.root + "/SampleLogs"
        let files = try FileManager.default.subpathsOfDirectory(atPath: logs)
            .filter { $0.contains("CloudTrail") && $0.hasSuffix(".json.gz") }.sorted().map { logs + "/" + $0 }
        #expect(try Binary.run(["normalize", "--out", dir] + files).status == 0)
        let access = try String(contentsOfFile: dir + "/access.jsonl", encoding: .utf8)
        #expect(!access.contains("ChangeMessageVisibility"), "the order worker's network-only calls counted as requests")
        let network = try String(contentsOfFile: dir + "/network.jsonl", encoding: .utf8)
        #expect(network.contains("sqs:ChangeMessageVisibility"))
        let events = try String(contentsOfFile: dir + "/events.jsonl", encoding: .utf8)
        #expect(events.split(separator: "\n").allSatisfy { $0.contains(#""request":"#) })
    }

    @Test(.enabled(if: sparkSubmit != nil, "pyspark (spark-submit) or Java is not installed: the Spark job is not run"))
    func theSparkPathWritesWhatTheSQLitePathWritesForAGeneratedCorpus() throws {
        let dir = TestSupport.temporaryDirectory("spark-corpus")
        #expect(try Binary.run(["sample", "--out", dir, "--records", "20000"]).status == 0)
        // The same content twice, under two names: counted once on both paths. Tasks of 20 files: a call's
        // network and data events may land in different tasks.
        let trail = try #require(try FileManager.default.subpathsOfDirectory(atPath: dir).first { $0.hasSuffix(".json.gz") })
        try FileManager.default.copyItem(atPath: dir + "/" + trail, toPath: dir + "/copy-of-a-delivery-file.json.gz")
        let native = try Self.compare(dir, job: ["--task-files", "20"])
        // Its network events' denials are in the report (no inventory: no draft).
        #expect(String(decoding: try #require(native["report.md"]), as: UTF8.self).contains("VpceAccessDenied"))
    }

    /// The job kept the first record of each (time, event id) and dropped the other: where one id comes with two
    /// contents the native ingest keeps and counts both and lists the conflict (a reject). Here, besides, one event
    /// is delivered in two files of different content and twice in one file: a copy, counted once on both paths.
    /// A file whose path holds a tab or a line break is handed to the binary through a link in a temporary folder
    /// (the listing is one path per line); the link pointed at the logs' relative path, from that folder: the job
    /// failed ("cannot read"), and left its tasks' tables behind.
    @Test(.enabled(if: sparkSubmit != nil, "pyspark (spark-submit) or Java is not installed: the Spark job is not run"))
    func theJobCouldNotReadARelativePathWithATabInAName() throws {
        let dir = TestSupport.temporaryDirectory("spark-names")
        try FileManager.default.createDirectory(atPath: dir + "/logs/t\tab", withIntermediateDirectories: true)
        let record = #"{"Records":[{"eventVersion":"1.08","eventTime":"2026-11-02T10:10:00Z","eventSource":"s3.amazonaws.com","#
            + #""eventName":"GetObject","awsRegion":"us-east-1","sourceIPAddress":"10.0.0.5","userAgent":"aws-cli/2.15","#
            + #""userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::111122223333:assumed-role/app/s","accountId":"111122223333"},"#
            + #""requestParameters":{"bucketName":"app-data","key":"k"},"eventID":"e1","eventType":"AwsApiCall","#
            + #""recipientAccountId":"111122223333","vpcEndpointId":"vpce-0a1b2c3d4e5f60718","eventCategory":"Data"}]}"#
        try Data(record.utf8).write(to: URL(fileURLWithPath: dir + "/logs/t\tab/a\nb.json"))
        #expect(try Self.aggregate("logs", out: dir + "/agg", in: dir) == 0)
        #expect(!FileManager.default.fileExists(atPath: dir + "/agg.partials"), "the tasks' tables are removed")
        let load = try Binary.run(["ingest", "--aggregates", dir + "/agg", "--db", dir + "/spark.sqlite"])
        #expect(load.status == 0 && load.output.contains("1 CloudTrail events"), "\(load.output)")
    }

    /// Run twice: with the repeated events sent to every executor (Spark's default), and joined by a shuffle.
    @Test(.enabled(if: sparkSubmit != nil, "pyspark (spark-submit) or Java is not installed: the Spark job is not run"),
          arguments: [[], ["--conf", "spark.sql.autoBroadcastJoinThreshold=-1"]])
    func theSparkPathDroppedOneRecordOfAConflictingEventID(spark: [String]) throws {
        let dir = TestSupport.temporaryDirectory("spark-conflicts")
        func record(_ id: String, _ name: String, key: String, minute: Int = 0) -> String {
            let user = #"""
                {"type":"AssumedRole","principalId":"AROAX:s","arn":"arn:aws:sts::111122223333:assumed-role/app/s",\#
                "accountId":"111122223333"}
                """#
            return #"""
                {"eventVersion":"1.08","eventTime":"2026-11-02T10:\#(10 + minute):00Z","eventSource":"s3.amazonaws.com",\#
                "eventName":"\#(name)",
                """#
                + #""awsRegion":"us-east-1","sourceIPAddress":"10.0.0.5","userAgent":"aws-cli/2.15","userIdentity":\#(user),"#
                + #""requestParameters":{"bucketName":"app-data","key":"\#(key)"},"eventID":"\#(id)","eventType":"AwsApiCall","#
                + #""recipientAccountId":"111122223333","vpcEndpointId":"vpce-0a1b2c3d4e5f60718","vpcEndpointAccountId":"111122223333","#
                + #""eventCategory":"Data","managementEvent":false}"#
        }
        let files = [
            "a.json": [record("e1", "GetObject", key: "k1"), record("e2", "GetObject", key: "k2", minute: 1),
                record("e3", "PutObject", key: "k3")],
            "b.json": [record("e1", "GetObject", key: "k1"), record("e1", "GetObject", key: "k1"),
                       record("e2", "DeleteObject", key: "k2", minute: 1), record("e4", "GetObject", key: "k4")],
            // Dated after the run: a forgery the native ingest rejects; `normalize` read it with no clock and counted it.
            "c.json": [record("e5", "GetObject", key: "k5").replacingOccurrences(of: "2026-11-02", with: "2099-11-02")],
        ]
        for (name, records) in files {
            try Data(#"{"Records":[\#(records.joined(separator: ","))]}"#.utf8).write(to: URL(fileURLWithPath: dir + "/" + name))
        }
        try Self.compare(dir)
    }

    /// The job held a third of the window in one task (binaryFiles packs files by bytes alone, and each file's
    /// stream carried its task's whole file list) and cached every row in the heap: with spark-submit's default
    /// heap it failed on 1M records (OutOfMemoryError in the cached rows' unroll). With 512 MB it runs on 3,800
    /// small delivery files in tasks of at most 400 files, and its drafts are the SQLite path's.
    @Test(.enabled(if: sparkSubmit != nil, "pyspark (spark-submit) or Java is not installed: the Spark job is not run"))
    func theJobRanOutOfHeapOnAWindowOfSmallDeliveryFiles() throws {
        let dir = TestSupport.temporaryDirectory("spark-heap")
        #expect(try Binary.run(["sample", "--out", dir, "--records", "60000", "--layout", "small"]).status == 0)
        try Self.compare(dir, memory: ["--driver-memory", "512m"], job: ["--task-files", "400"])
    }

    /// The Spark path left network activity events out (skipped records): a role seen only through network events
    /// was missing from the draft its native store wrote, a denial from the report, and the calls of the data
    /// events were not joined. Each file is a task of its own here: a data event and the network event of its call
    /// in two files (two tasks), a network-only call, a denied one, a network event delivered again in a file of
    /// other content and twice in one file, and a whole file copied.
    @Test(.enabled(if: sparkSubmit != nil, "pyspark (spark-submit) or Java is not installed: the Spark job is not run"))
    func theSparkPathDroppedNetworkActivityEvents() throws {
        let dir = TestSupport.temporaryDirectory("spark-network")
        let endpoint = #""vpcEndpointId":"vpce-0a1b2c3d4e5f60718","vpcEndpointAccountId":"111122223333""#
        func head(_ id: String, _ name: String, role: String, second: Int) -> String {
            let user = #"{"type":"AssumedRole","principalId":"AROAX:s","arn":"arn:aws:sts::111122223333:assumed-role/\#(role)/s","#
                + #""accountId":"111122223333"}"#
            return #"{"eventVersion":"1.09","eventTime":"2026-11-02T10:10:\#(10 + second)Z","eventSource":"s3.amazonaws.com","#
                + #""eventName":"\#(name)","awsRegion":"us-east-1","sourceIPAddress":"10.0.0.5","userIdentity":\#(user),"#
                + #""eventID":"\#(id)","requestID":"R-\#(id.dropFirst())","recipientAccountId":"111122223333",\#(endpoint)"#
        }
        func data(_ id: String, _ name: String, role: String = "app", second: Int) -> String {
            head(id, name, role: role, second: second) + #","userAgent":"aws-cli/2.15","eventType":"AwsApiCall","#
                + #""requestParameters":{"bucketName":"app-data","key":"k\#(id)"},"eventCategory":"Data","managementEvent":false}"#
        }
        // The network event of data event `d…` is `n…`: same request id, source, name and second.
        func network(_ id: String, _ name: String, role: String = "app", second: Int, denied: Bool = false) -> String {
            let error = denied ? #","errorCode":"VpceAccessDenied","errorMessage":"no VPC endpoint policy allows the action""# : ""
            return head(id, name, role: role, second: second) + error + #","eventType":"AwsVpceEvent","eventCategory":"NetworkActivity"}"#
        }
        let files = [
            "a.json": [data("d1", "GetObject", second: 0), data("d2", "PutObject", second: 1)],
            "b.json": [network("n1", "GetObject", second: 0), network("n2", "PutObject", second: 1), network("n2", "PutObject", second: 1),
                       network("n3", "GetObject", role: "batch", second: 2),
                       network("n4", "DeleteObject", role: "batch", second: 3, denied: true)],
            "d.json": [network("n3", "GetObject", role: "batch", second: 2), data("d5", "GetObject", second: 4)],
        ]
        for (name, records) in files {
            try Data(#"{"Records":[\#(records.joined(separator: ","))]}"#.utf8).write(to: URL(fileURLWithPath: dir + "/" + name))
        }
        try FileManager.default.copyItem(atPath: dir + "/b.json", toPath: dir + "/c.json")
        // The endpoint, with today's policy (allow all): a draft is written for it.
        let inventory = TestSupport.temporaryDirectory("spark-network-inventory")
        let policy = #"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\","#
            + #"\"Action\":\"*\",\"Resource\":\"*\"}]}"#
        let endpoints = #"{"VpcEndpoints":[{"VpcEndpointId":"vpce-0a1b2c3d4e5f60718","VpcEndpointType":"Gateway","VpcId":"vpc-0a1b2c3d","#
            + #""ServiceName":"com.amazonaws.us-east-1.s3","State":"available","OwnerId":"111122223333","PolicyDocument":"\#(policy)"}]}"#
        try Data(endpoints.utf8).write(to: URL(fileURLWithPath: inventory + "/ec2-describe-vpc-endpoints.json"))
        let native = try Self.compare(dir, inventory: [inventory], job: ["--task-files", "1"])
        let draft = String(decoding: try #require(native["endpoints/vpce-0a1b2c3d4e5f60718.json"]), as: UTF8.self)
        #expect(draft.contains("arn:aws:iam::111122223333:role/batch"), "the network-only caller is in the draft")
        let report = String(decoding: try #require(native["report.md"]), as: UTF8.self)
        #expect(report.contains("network activity only") && report.contains("VpceAccessDenied"))
    }
}
