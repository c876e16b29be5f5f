// swift-tools-version:6.1
import PackageDescription

/// A C library linked only in the `Fast` build.
func fast(_ name: String) -> Target.Dependency { .target(name: name, condition: .when(traits: ["Fast"])) }

let package = Package(
    name: "perimeter",
    products: [.executable(name: "perimeter", targets: ["perimeter"])],
    // The default build needs zlib and SQLite only. `--traits Fast` adds libdeflate (whole-file gunzip, checksums)
    // and jemalloc (the process allocator): 4-15% off ingest on small files (BENCHMARKS.md), same output.
    traits: [
        .trait(name: "Fast", description: "libdeflate and jemalloc (apt-get install libdeflate-dev libjemalloc-dev)"),
        .default(enabledTraits: []),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // MARK: C shims
        .systemLibrary(
            /** System zlib, for streaming gunzip */
            name: "CZlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(
            /** libdeflate, for gunzip of files held whole and the ledger's checksums (its static archive: see its module map) */
            name: "CDeflate", providers: [.apt(["libdeflate-dev"])]),
        .systemLibrary(
            /** jemalloc, the allocator of the executable and the tests (its shared library: see its module map) */
            name: "CMalloc", providers: [.apt(["libjemalloc-dev"])]),
        .systemLibrary(
            /** glibc's heap settings, for the default build's allocator (header only) */
            name: "CHeap"),
        .systemLibrary(
            /** SSE2 byte scanning for the JSON parser's strings (header only) */
            name: "CByteScan"),
        .systemLibrary(
            /** sqlite3_config, which Swift cannot call (it is variadic) */
            name: "CSQLiteConfig", providers: [.apt(["libsqlite3-dev"])]),

        // MARK: Model
        .target(
            /** A JSON tape parser: bytes plus a flat node list, strings decoded only when asked for */
            name: "JSONTape", dependencies: ["CByteScan"]),
        .target(
            /** AWS vocabulary shared by every layer: ARNs, actions, typed ids, observed usage */
            name: "AWSModel"),
        .target(
            /** IAM policy language: reading, canonical writing, matching, evaluation, action catalog */
            name: "IAMPolicy", dependencies: ["AWSModel", "JSONTape"], exclude: ["Resources/generate-iam-actions.py"],
            resources: [.copy("Resources/iam-actions.tsv")]),

        // MARK: Input
        .target(
            /** Streaming gunzip, format detection, CloudTrail and VPC flow log decoding, event to action mapping */
            name: "AWSLogs",
            dependencies: ["AWSModel", "JSONTape", "CZlib", fast("CDeflate")],
            resources: [.copy("Resources/event-actions.tsv"), .copy("Resources/error-codes.tsv"),
                        .copy("Resources/companion-actions.tsv")]),
        .target(
            /** SQLite usage store: file ledger, aggregated events and flows, rejects, queries */
            name: "UsageStore",
            dependencies: ["AWSModel", "AWSLogs", "JSONTape", "CSQLiteConfig", .product(name: "GRDB", package: "GRDB.swift"),
                           .product(name: "GRDBSQLite", package: "GRDB.swift"),
                           .product(name: "Logging", package: "swift-log")]),

        .target(
            /** Readers of current policies: AWS CLI output, Terraform state and plans, CloudFormation (Yams), AWS Config */
            name: "Inventory",
            dependencies: ["AWSModel", "IAMPolicy", "JSONTape", .product(name: "Yams", package: "Yams")]),

        .target(
            /** Writers of sample logs, inventory and benchmark corpora (the `sample` and `benchmark` commands) */
            name: "PerimeterSamples", dependencies: ["AWSModel", "JSONTape", "CZlib"]),

        // MARK: Synthesis
        .target(
            /** Least-privilege endpoint and bucket policies, policy diff, unused permissions, replay, verdicts, findings */
            name: "PolicySynthesis",
            dependencies: ["AWSModel", "IAMPolicy", "JSONTape", "Inventory"],
            resources: [.copy("Resources/aws-owned-buckets.tsv"), .copy("Resources/network-condition-keys.tsv"),
                        .copy("Resources/endpoint-services-without-policy.tsv"), .copy("Resources/network-activity-sources.tsv"),
                        .copy("Resources/ip-ranges.json")]),

        // MARK: Output
        .target(
            /** What is written: report (Markdown, HTML, SVG), summary.json, SARIF, diffs, apply.sh, perimeter.tf, the --out writer */
            name: "Reporting",
            dependencies: ["AWSModel", "IAMPolicy", "JSONTape", "Inventory", "PolicySynthesis"]),

        // MARK: Commands
        .target(
            /** Subcommands, progress, files written, exit codes */
            name: "PerimeterCLI",
            dependencies: ["AWSModel", "AWSLogs", "UsageStore", "IAMPolicy", "Inventory", "PolicySynthesis", "Reporting",
                           "PerimeterSamples", "CHeap", fast("CMalloc"),
                           .product(name: "ArgumentParser", package: "swift-argument-parser"),
                           .product(name: "Logging", package: "swift-log")]),
        .executableTarget(
            name: "perimeter",
            dependencies: ["PerimeterCLI", .product(name: "ArgumentParser", package: "swift-argument-parser")]),

        // MARK: Tests
        .target(
            /** Fixture paths, temporary folders, golden-file comparison */
            name: "PerimeterTestSupport", dependencies: ["AWSModel"], path: "Tests/PerimeterTestSupport"),
        .target(
            /** libFuzzer targets for the parsers (Tests/Fuzz/run.sh builds them with -sanitize=fuzzer,address) */
            name: "PerimeterFuzz", dependencies: ["AWSModel", "JSONTape", "AWSLogs", "IAMPolicy", "Inventory", "PolicySynthesis",
                                                  "Reporting", "UsageStore",
                                                  .product(name: "Logging", package: "swift-log")], path: "Tests/Fuzz",
            exclude: ["run.sh"]),
        .testTarget(name: "AWSModelTests", dependencies: ["AWSModel", "JSONTape"]),
        .testTarget(name: "IAMPolicyTests", dependencies: ["IAMPolicy", "AWSModel", "PerimeterTestSupport"]),
        .testTarget(name: "AWSLogsTests", dependencies: ["AWSLogs", "JSONTape", "PerimeterTestSupport"]),
        .testTarget(name: "UsageStoreTests", dependencies: ["UsageStore", "AWSLogs", "PerimeterTestSupport",
                                                         .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "InventoryTests", dependencies: ["Inventory", "IAMPolicy", "AWSModel", "JSONTape", "PerimeterTestSupport"]),
        .testTarget(name: "PolicySynthesisTests",
                    dependencies: ["PolicySynthesis", "Inventory", "Reporting", "IAMPolicy", "AWSLogs", "JSONTape",
                                   "PerimeterTestSupport"]),
        .testTarget(name: "PerimeterCLITests",
                    dependencies: ["PerimeterCLI", fast("CMalloc"), "Inventory", "PolicySynthesis", "Reporting", "UsageStore",
                                   "PerimeterSamples", "IAMPolicy",
                                   "JSONTape", "PerimeterTestSupport", .product(name: "Logging", package: "swift-log")]),
        .testTarget(name: "EndToEndTests", dependencies: ["PerimeterTestSupport", "UsageStore"]),
    ]
)

for target in package.targets where target.type != .system {
    target.swiftSettings = (target.swiftSettings ?? []) + [
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("InternalImportsByDefault"),
        .enableUpcomingFeature("MemberImportVisibility"),
    ]
}
