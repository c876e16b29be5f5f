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

    static func aggregate(_ logs: String, out: String, exclude: [String] = [], memory: [String] = []) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(sparkSubmit))
        process.arguments = ["--master", "local[2]", "--conf", "spark.ui.enabled=false"] + memory + [root + "/Spark/perimeter_aggregate.py",
                             "--perimeter", Binary.path, "--out", out] + exclude.flatMap { ["--exclude", $0] } + [logs]
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
    static func compare(_ logs: String, inventory: [String] = [], exclude: [String] = [], memory: [String] = []) throws {
        let dir = TestSupport.temporaryDirectory("spark")
        let inventoryArgs = inventory.isEmpty ? [] : ["--inventory"] + inventory
        #expect(try Binary.run(["ingest", logs, "--db", dir + "/native.sqlite"]).status == 0)
        _ = try Binary.run(["synthesize", "--db", dir + "/native.sqlite", "--out", dir + "/native"] + inventoryArgs)
        #expect(try aggregate(logs, out: dir + "/agg", exclude: exclude, memory: memory) == 0)
        let load = try Binary.run(["ingest", "--aggregates", dir + "/agg", "--db", dir + "/spark.sqlite"])
        #expect(load.status == 0, "\(load.output)")
        #expect(try Binary.run(["ingest", "--aggregates", dir + "/agg", "--db", dir + "/spark.sqlite"]).output.contains("nothing new"))
        _ = try Binary.run(["synthesize", "--db", dir + "/spark.sqlite", "--out", dir + "/spark"] + inventoryArgs)
        let native = try outputs(dir + "/native"), spark = try outputs(dir + "/spark")
        #expect(native.keys.sorted() == spark.keys.sorted())
        for (name, data) in native { #expect(spark[name] == data, "\(name) differs between the SQLite and the Spark paths") }
        #expect(native["summary.json"] != nil)
    }

    /// A copy of `logs` whose CloudTrail files hold no network activity event (the Spark path skips them: it
    /// does not join them to their calls yet), file names kept.
    static func withoutNetworkActivity(_ logs: String) throws -> String {
        let copy = TestSupport.temporaryDirectory("spark-logs") + "/logs"
        let script = """
            import gzip, json, os, shutil, sys
            source, target = sys.argv[1], sys.argv[2]
            shutil.copytree(source, target)
            for folder, _, names in os.walk(target):
                for name in names:
                    path = os.path.join(folder, name)
                    if "CloudTrail" not in path or not name.endswith(".json.gz"):
                        continue
                    with gzip.open(path, "rt") as f:
                        records = json.load(f)["Records"]
                    kept = [r for r in records if r.get("eventCategory") != "NetworkActivity"]
                    with gzip.open(path, "wt") as f:
                        json.dump({"Records": kept}, f)
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(TestSupport.executable(named: "python3")))
        process.arguments = ["-c", script, logs, copy]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return copy
    }

    @Test(.enabled(if: sparkSubmit != nil, "pyspark (spark-submit) or Java is not installed: the Spark job is not run"))
    func theSparkPathWritesWhatTheSQLitePathWritesForTheSample() throws {
        // The sample's inventory sits under its logs: the native ingest of the folder reads it as unrecognized files; so does Spark.
        try Self.compare(try Self.withoutNetworkActivity(Self.root + "/SampleLogs"), inventory: [Self.root + "/SampleLogs/inventory"])
    }

    /// Before: the Spark path counted a network activity event as a request of its own, beside the data
    /// event of the same call (the sample's SQS calls of its last two days counted twice). Now each is a
    /// skipped record with its reason, in the per-file rows the store loads.
    @Test func theSparkPathCountedNetworkActivityEventsTwice() throws {
        let dir = TestSupport.temporaryDirectory("normalize")
        let logs = Self.root + "/SampleLogs"
        let files = try FileManager.default.subpathsOfDirectory(atPath: logs)
            .filter { $0.contains("CloudTrail") && $0.hasSuffix(".json.gz") }.sorted().map { logs + "/" + $0 }
        #expect(try Binary.run(["normalize", "--out", dir] + files).status == 0)
        let skipped = try String(contentsOfFile: dir + "/skipped.jsonl", encoding: .utf8)
        #expect(skipped.contains("network activity event: the Spark path does not join these"))
        let access = try String(contentsOfFile: dir + "/access.jsonl", encoding: .utf8)
        #expect(!access.contains("ChangeMessageVisibility"), "the order worker's network-only calls counted as requests")
    }

    @Test(.enabled(if: sparkSubmit != nil, "pyspark (spark-submit) or Java is not installed: the Spark job is not run"))
    func theSparkPathWritesWhatTheSQLitePathWritesForAGeneratedCorpus() throws {
        let dir = TestSupport.temporaryDirectory("spark-corpus")
        #expect(try Binary.run(["sample", "--out", dir, "--records", "20000"]).status == 0)
        let logs = try Self.withoutNetworkActivity(dir)
        // The same content twice, under two names: counted once on both paths.
        let trail = try #require(try FileManager.default.subpathsOfDirectory(atPath: logs).first { $0.hasSuffix(".json.gz") })
        try FileManager.default.copyItem(atPath: logs + "/" + trail, toPath: logs + "/copy-of-a-delivery-file.json.gz")
        try Self.compare(logs)
    }

    /// The job kept the first record of each (time, event id) and dropped the other: where one id comes with two
    /// contents the native ingest keeps and counts both and lists the conflict (a reject). Here, besides, one event
    /// is delivered in two files of different content and twice in one file: a copy, counted once on both paths.
    @Test(.enabled(if: sparkSubmit != nil, "pyspark (spark-submit) or Java is not installed: the Spark job is not run"))
    func theSparkPathDroppedOneRecordOfAConflictingEventID() throws {
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
    /// small delivery files in tasks of at most 400, and its drafts are the SQLite path's.
    @Test(.enabled(if: sparkSubmit != nil, "pyspark (spark-submit) or Java is not installed: the Spark job is not run"))
    func theJobRanOutOfHeapOnAWindowOfSmallDeliveryFiles() throws {
        let dir = TestSupport.temporaryDirectory("spark-heap")
        #expect(try Binary.run(["sample", "--out", dir, "--records", "60000", "--layout", "small"]).status == 0)
        try Self.compare(try Self.withoutNetworkActivity(dir), memory: ["--driver-memory", "512m"])
    }
}
