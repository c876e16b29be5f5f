public import ArgumentParser
import AWSModel
import Foundation
import Logging
public import PolicySynthesis
import UsageStore

/// Options of `synthesize` and `run`.
struct SynthesisOptionGroup: ParsableArguments {
    @Option(name: .customLong("inventory"), help: "AWS CLI output: describe-vpc-endpoints, describe-network-interfaces, get-bucket-policy (or <bucket>.json / <vpce-id>.json), organizations list-accounts, s3api list-buckets. Files or folders.")
    var inventory: [String] = []

    @Option(help: "Where to write the drafts and the report.")
    var out: String = "Output"

    @Option(name: .customLong("trusted-account"), help: "An account whose principals and resources are ours (repeat for several). Default: the organization from the inventory, else learned from the logs.")
    var trustedAccounts: [String] = []

    @Option(help: "First day of the window, YYYY-MM-DD (inclusive).")
    var since: String?

    @Option(help: "Last day of the window, YYYY-MM-DD (inclusive).")
    var until: String?

    @Option(help: "How object keys are generalized: exact, prefix (first path segment) or bucket.")
    var granularity: Granularity = .prefix

    @Option(name: .customLong("allow-resource"), help: "A resource ARN pattern outside the trusted accounts that you reviewed and accept (repeat for several).")
    var allowedResources: [String] = []

    @Flag(help: "Write the drafts although flow logs show endpoint traffic CloudTrail does not explain (exit 0 instead of 3).")
    var acceptCoverageGaps = false

    func validate() throws {
        for account in trustedAccounts where !AccountID(account).isNumeric {
            throw ValidationError("--trusted-account `\(account)` is not a twelve-digit account id")
        }
        for day in [since, until].compactMap({ $0 }) where Timestamp.parseISO8601(day + "T00:00:00Z") == nil {
            throw ValidationError("`\(day)` is not a date of the form YYYY-MM-DD")
        }
    }

    var options: SynthesisOptions {
        var o = SynthesisOptions()
        o.trustedAccounts = trustedAccounts.map { AccountID($0) }
        o.granularity = granularity
        o.allowedResources = allowedResources
        o.acceptCoverageGaps = acceptCoverageGaps
        o.since = since
        o.until = until
        return o
    }
}

extension Granularity: ExpressibleByArgument {}

extension PerimeterCommand {
    struct Synthesize: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write draft endpoint and bucket policies, diffs and the report from an existing store.",
            discussion: SynthesisStep.exitCodes)

        @OptionGroup var store: StoreOptions
        @OptionGroup var synthesis: SynthesisOptionGroup

        func run() async throws {
            let result = try SynthesisStep.run(store: try UsageStore(path: store.db, logger: Logger(label: "perimeter.store")), synthesis)
            try SynthesisStep.finish(result, out: synthesis.out)
        }
    }

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The batch job: ingest LOGS, then write the drafts and the report.",
            discussion: SynthesisStep.exitCodes)

        @Argument(help: "Log files or folders (files under an --inventory path are not read as logs).")
        var logs: [String]

        @OptionGroup var store: StoreOptions
        @OptionGroup var synthesis: SynthesisOptionGroup

        @Option(help: "Parallel file readers (default: the number of cores).")
        var workers: Int = ProcessInfo.processInfo.activeProcessorCount

        func run() async throws {
            let usage = try UsageStore(path: store.db, logger: Logger(label: "perimeter.store"))
            let summary = try await IngestStep.run(logs: logs, store: usage, workers: workers, excluding: synthesis.inventory)
            Terminal.out(IngestStep.render(summary))
            let result = try SynthesisStep.run(store: usage, synthesis)
            if !summary.filesFailed.isEmpty { Terminal.err("error: \(summary.filesFailed.count) log file(s) could not be read; the drafts rest on the others") }
            try SynthesisStep.finish(result, out: synthesis.out, ingestFailed: !summary.filesFailed.isEmpty)
        }
    }
}

/// The synthesis step shared by `synthesize` and `run`.
enum SynthesisStep {
    static let exitCodes = """
        Exit 0 when every draft passed the replay, 1 when a replay or the grant check failed, a file could not be read or the store failed, \
        3 when flow logs show endpoint traffic CloudTrail does not explain (coverage gaps) and --accept-coverage-gaps was not given, \
        64 for usage errors.
        """

    static func run(store: UsageStore, _ group: SynthesisOptionGroup) throws -> SynthesisResult {
        let window = DayWindow(since: group.since, until: group.until)
        let inventory = InventoryReader.read(try readInventory(group.inventory))
        let input = SynthesisInput(observed: try store.observedAccess(window: window), flows: try store.flows(window: window),
                                   sources: try store.sources(window: window), eventCategories: try store.eventCategories(),
                                   inventory: inventory, options: group.options, rejectedRecords: try store.totals().rejects)
        return Synthesizer.synthesize(input)
    }

    static func readInventory(_ paths: [String]) throws -> [(path: String, text: String)] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw Terminal.fail("inventory `\(path)` does not exist", code: 64)
            }
            if isDirectory.boolValue {
                let names = FileManager.default.enumerator(atPath: path)?.compactMap { $0 as? String } ?? []
                files += names.filter { $0.hasSuffix(".json") }.map { path + "/" + $0 }
            } else {
                files.append(path)
            }
        }
        return try files.sorted().map { file in
            do { return (file, try String(contentsOfFile: file, encoding: .utf8)) } catch {
                throw Terminal.fail("cannot read inventory `\(file)`: \(error.localizedDescription)", code: 1)
            }
        }
    }

    /// Writes the files (replacing the ones Perimeter wrote before, see ``OutputWriter``) and maps the result to an exit code.
    static func finish(_ result: SynthesisResult, out: String, ingestFailed: Bool = false) throws {
        do { try OutputWriter(folder: out).write(ReportRenderer.files(result)) } catch let error as OutputError {
            throw Terminal.fail(error.description, code: 1)
        }
        let total = result.endpoints.reduce(Int64(0)) { $0 + $1.replay.requests }
        let allowed = result.endpoints.reduce(Int64(0)) { $0 + $1.replay.allowed }
        Terminal.out("drafts: \(result.endpoints.count) endpoint policies, \(result.buckets.count) bucket policies in \(out)")
        Terminal.out("replay: \(allowed) of \(total) requests allowed\(result.replayPassed ? "" : " — FAILED, see \(out)/report.md")")
        if !result.review.isEmpty {
            let n = result.review.count
            Terminal.out("review: \(n) request group\(n == 1 ? "" : "s") outside the trusted accounts \(n == 1 ? "is" : "are") not allowed; see \(out)/report.md")
        }
        if !result.flows.coverageGaps.isEmpty {
            let n = result.flows.coverageGaps.count
            Terminal.out("coverage gaps: \(n) source\(n == 1 ? " sends" : "s send") endpoint traffic CloudTrail does not show\(result.options.acceptCoverageGaps ? " (accepted)" : ": the drafts would break it")")
        }
        if !result.replayPassed || ingestFailed { throw ExitCode(1) }
        if result.unsafeCoverageGaps { throw ExitCode(3) }
    }
}
