public import ArgumentParser
import AWSModel
import Foundation
import Logging
public import PolicySynthesis
import UsageStore
import Inventory
import Reporting

/// Options of `synthesize` and `run`.
struct SynthesisOptionGroup: ParsableArguments {
    @Option(name: .customLong("inventory"), parsing: .upToNextOption,
            help: """
                Inventory files or folders, recognized by content: AWS CLI output (describe-vpc-endpoints, describe-network-interfaces, \
                get-bucket-policy or <bucket>.json / <vpce-id>.json, organizations list-accounts, s3api list-buckets), Terraform state or \
                plan JSON, CloudFormation templates (JSON or YAML) with describe-stack-resources, AWS Config items. Several may follow \
                one --inventory.
                """)
    var inventory: [String] = []

    @Option(help: "Where to write the drafts and the report.")
    var out: String = "Output"

    @Option(name: .customLong("trusted-account"), help: """
        An account whose principals and resources are ours (repeat for several). Default: the organization from the inventory, else \
        learned from the logs.
        """)
    var trustedAccounts: [String] = []

    @Option(help: "First day of the window, YYYY-MM-DD (a UTC day, inclusive; no time or offset).")
    var since: String?

    @Option(help: "Last day of the window, YYYY-MM-DD (a UTC day, inclusive; no time or offset).")
    var until: String?

    @Option(help: ArgumentHelp("How object keys are generalized: exact, prefix (first path segment) or bucket; or org: the "
                               + "organization's resources by aws:ResourceOrgID, the rest by name."))
    var granularity: Granularity = .prefix

    @Option(name: .customLong("allow-resource"), help: """
        A resource ARN pattern outside the trusted accounts that you reviewed and accept (repeat for several).
        """)
    var allowedResources: [String] = []

    @Flag(help: "Count coverage gaps (flow logs show endpoint traffic CloudTrail does not explain) as needing review instead of unsafe.")
    var acceptCoverageGaps = false

    @Flag(help: "Print the verdicts as JSON on stdout (summary.json's status and each draft's verdict) instead of the summary lines.")
    var json = false

    @Option(help: "Also write the drafts that are not ready as SARIF 2.1.0 to FILE (one result per draft), for GitHub code scanning.")
    var sarif: String?

    @Option(name: .customLong("holdout-days"),
        help: "Backtest: learn the drafts without the window's last N days, then replay those days against them.")
    var holdoutDays: Int?

    @Option(name: .customLong("minimum-days"), help: "Days of logged use an endpoint policy needs before it can be ready (default 7).")
    var minimumDays: Int = MinimumDays().endpoint

    @Option(name: .customLong("minimum-lock-days"), help: "Days of logged use a bucket lock needs before it can be ready (default 14).")
    var minimumLockDays: Int = MinimumDays().lock

    @Option(name: .customLong("admin-principal"),
            help: ArgumentHelp("A principal ARN (the role that runs apply.sh and rollback.sh) bucket locks exempt for the "
                               + "bucket-policy actions (repeat for several)."))
    var adminPrincipals: [String] = []

    @Option(name: .customLong("profile-map"),
            help: ArgumentHelp("A file of `ACCOUNT PROFILE` lines: the AWS CLI profile apply.sh and rollback.sh use for each account "
                               + "(default: the default credentials, checked against each account's id)."))
    var profileMap: String?

    @Option(name: .customLong("lock-scope"),
            help: ArgumentHelp("What bucket locks name as the expected network: endpoint (aws:SourceVpce, the default), account "
                               + "(aws:VpceAccount) or org (aws:VpceOrgID), each where the inventory proves it (else the next narrower)."))
    var lockScope: LockScope = .endpoint

    @Option(name: .customLong("ip-ranges"),
            help: ArgumentHelp("An ip-ranges.json (https://ip-ranges.amazonaws.com/ip-ranges.json) that places default-format flow "
                               + "records on S3 and DynamoDB, instead of the snapshot Perimeter ships."))
    var ipRanges: String?

    @Option(name: .customLong("fail-on"),
        help: "Which verdicts make the exit non-zero: unsafe (3), review (4 for review, 3 for unsafe), or never.")
    var failOn: FailOn = .review

    func validate() throws {
        for path in inventory where !FileManager.default.fileExists(atPath: path) {
            throw ValidationError("--inventory `\(path)` does not exist")
        }
        for account in trustedAccounts where !AccountID(account).isNumeric {
            throw ValidationError("--trusted-account `\(account)` is not a twelve-digit account id")
        }
        for day in [since, until].compactMap({ $0 }) where Timestamp.parseDay(day) == nil {
            throw ValidationError("`\(day.visible())` is not a calendar day of the form YYYY-MM-DD (days are UTC; no time or offset)")
        }
        for pattern in allowedResources {
            guard let arn = ARN(pattern), !arn.partition.isEmpty, !arn.service.isEmpty, !arn.resource.isEmpty else {
                throw ValidationError("""
                    --allow-resource `\(pattern.visible())` is not an ARN pattern (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE, 
                    """
                                      + "e.g. arn:aws:s3:::vendor-bucket/*)")
            }
        }
        if let holdoutDays, holdoutDays < 1 { throw ValidationError("--holdout-days must be at least 1") }
        if minimumDays < 1 || minimumLockDays < 1 {
            throw ValidationError("--minimum-days and --minimum-lock-days must be at least 1")
        }
        for arn in adminPrincipals where ARN(arn)?.service != "iam" || arn.contains("*") || arn.contains("?") {
            throw ValidationError("--admin-principal `\(arn)` is not an IAM principal ARN (arn:aws:iam::ACCOUNT:role/NAME)")
        }
        if profileMap != nil { _ = try profiles() }
        _ = try serviceRanges()
        if let since, let until, since > until {
            throw ValidationError("--since `\(since)` is after --until `\(until)`: the window is empty")
        }
    }

    /// The ranges that place default-format flow records: `--ip-ranges`, else the shipped snapshot.
    /// - Throws: `ValidationError` (a usage error) naming a file that cannot be read or is not an ip-ranges.json.
    func serviceRanges() throws -> ServiceRanges {
        guard let ipRanges else { return .shipped }
        guard let data = FileManager.default.contents(atPath: ipRanges) else {
            throw ValidationError("--ip-ranges `\(ipRanges.visible())` cannot be read")
        }
        do { return try ServiceRanges(json: [UInt8](data)) } catch {
            throw ValidationError("--ip-ranges `\(ipRanges.visible())` is not an AWS ip-ranges.json: \(error)")
        }
    }

    /// Before any work: failures under `--json` go to stdout as JSON too, and `--out` must be writable
    /// (a read-only folder would otherwise fail only after the whole ingest).
    func prepare() throws {
        if json { Terminal.reportFailuresAsJSON() }
        if let problem = OutputWriter.unwritable(out) { throw Terminal.fail(problem, code: 1) }
    }

    var options: SynthesisOptions {
        var o = SynthesisOptions()
        o.trustedAccounts = trustedAccounts.map { AccountID($0) }
        o.granularity = granularity
        o.allowedResources = allowedResources
        o.acceptCoverageGaps = acceptCoverageGaps
        o.since = since
        o.until = until
        o.minimumDays.endpoint = minimumDays
        o.minimumDays.lock = minimumLockDays
        o.adminPrincipals = adminPrincipals
        o.profiles = (try? profiles()) ?? [:]
        o.lockScope = lockScope
        return o
    }

    /// `--profile-map`'s accounts and profiles (none without it).
    /// - Throws: a ``ValidationError`` naming the file and the line that is refused.
    func profiles() throws -> [AccountID: String] {
        guard let profileMap else { return [:] }
        guard let text = try? String(contentsOfFile: profileMap, encoding: .utf8) else {
            throw ValidationError("--profile-map `\(profileMap.visible())` cannot be read as UTF-8 text")
        }
        do { return try ProfileMap.parse(text) } catch {
            throw ValidationError("--profile-map `\(profileMap.visible())`: \(error)")
        }
    }
}

extension Granularity: ExpressibleByArgument {}
extension LockScope: ExpressibleByArgument {}

/// Which verdicts make `run` and `synthesize` exit non-zero.
enum FailOn: String, ExpressibleByArgument, CaseIterable {
    case unsafe, review, never

    /// 3 for unsafe, 4 for review, as far as this setting fails on them; nil for a zero exit.
    func exitCode(for verdict: Verdict) -> Int32? {
        switch (self, verdict) {
        case (_, .ready), (.never, _): nil
        case (_, .unsafe): 3
        case (.review, .review): 4
        case (.unsafe, .review): nil
        }
    }
}

extension PerimeterCommand {
    struct Synthesize: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write draft endpoint and bucket policies, diffs and the report from an existing store.",
            discussion: SynthesisStep.exitCodes(readsLogs: false))

        @OptionGroup var store: StoreOptions
        @OptionGroup var synthesis: SynthesisOptionGroup

        func validate() throws {
            // Synthesis reads an existing store: a misspelt --db must not become a new, empty one.
            guard FileManager.default.fileExists(atPath: store.db) else {
                throw ValidationError("no store at `\(store.db)`: run `perimeter ingest LOGS --db \(store.db)` first, or `perimeter run`")
            }
        }

        func run() async throws {
            try synthesis.prepare()
            // Synthesis only reads: a store without write permission (a CI artifact) is read as it is.
            let usage = try UsageStore(path: store.db, logger: Logger(label: "perimeter.store"), readOnly: true)
            Allocator.prepareForSynthesis()
            let result = try SynthesisStep.run(store: usage, synthesis)
            try SynthesisStep.finish(result, synthesis)
        }
    }
}
