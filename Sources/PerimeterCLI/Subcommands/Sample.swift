public import ArgumentParser
import AWSLogs
public import PerimeterSamples
import Foundation

extension PerimeterCommand {
    struct Sample: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write generated logs: the SampleLogs scenario, or a benchmark corpus of N records.",
            discussion: "Output is deterministic: the same options write the same bytes.")

        @Option(help: "Where to write (created if missing).")
        var out: String

        @Option(help: "Write a benchmark corpus of this many records (half CloudTrail, half flow log) instead of the scenario.")
        var records: Int?

        @Flag(help: ArgumentHelp("Write an organization instead: three accounts, two Regions, a dozen endpoints, a partner's endpoint, "
                                 + "an OU tree and the organization's inventory."))
        var organization = false

        @Option(help: """
            How the benchmark corpus spreads its records: large files (1,000 / 5,000 records) or small ones as trails deliver them \
            (23 / 12).
            """)
        var layout: BenchmarkCorpus.Layout = .large

        @Option(help: """
            What the benchmark corpus's S3 requests do with object keys: repeat them (70% read one of 100 config files) \
            or upload (most PutObject keys new: hot prefixes, dated paths, ids; reads of recent keys).
            """)
        var workload: BenchmarkCorpus.Workload = .repeating

        func validate() throws {
            if let records, records < 1 { throw ValidationError("--records must be positive") }
            if organization && records != nil { throw ValidationError("--organization and --records write different corpora: give one") }
        }

        func run() async throws {
            if organization {
                let files = OrganizationSample().files()
                for (path, bytes) in files.sorted(by: { $0.key < $1.key }) { try SampleWriter.write(bytes, to: out + "/" + path) }
                Terminal.out("wrote \(files.count) files under \(out)")
            } else if let records {
                let corpus = BenchmarkCorpus(records: records, layout: layout, workload: workload)
                let files = corpus.fileCount
                try await withThrowingTaskGroup(of: Void.self) { group in
                    var next = 0
                    func schedule() {
                        guard next < files else { return }
                        let index = next
                        next += 1
                        group.addTask { let f = corpus.file(index); try SampleWriter.write(f.bytes, to: out + "/" + f.path) }
                    }
                    for _ in 0..<ProcessInfo.processInfo.activeProcessorCount { schedule() }
                    while try await group.next() != nil { schedule() }
                }
                Terminal.out("wrote \(files) files (\(records) records) under \(out)")
            } else {
                let scenario = SampleScenario()
                let files = scenario.files().merging(scenario.inventory()) { a, _ in a }
                for (path, bytes) in files.sorted(by: { $0.key < $1.key }) { try SampleWriter.write(bytes, to: out + "/" + path) }
                Terminal.out("wrote \(files.count) files under \(out)")
            }
        }
    }
}

enum SampleWriter {
    static func write(_ bytes: [UInt8], to path: String) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: url)
    }
}

extension BenchmarkCorpus.Layout: ExpressibleByArgument {}
extension BenchmarkCorpus.Workload: ExpressibleByArgument {}
