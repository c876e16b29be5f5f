import Testing
@testable import PolicySynthesis
import AWSModel
import Foundation
import IAMPolicy
@testable import Inventory
@testable import Reporting

/// A verdict is earned by the evidence each draft's kind needs: nothing starts proven.
struct RequiredEvidenceTests {
    static func item(_ code: EvidenceItem.Code, _ status: EvidenceItem.Status) -> EvidenceItem {
        let finding = status == .proven ? nil : Diagnostic.Code(rawValue: code.rawValue)
        return EvidenceItem(code: code, status: status, finding: finding, detail: "x", remedy: nil)
    }

    @Test(arguments: DraftKind.allCases)
    func readyOnlyWhenEveryRequiredItemIsProven(kind: DraftKind) {
        #expect(EvidenceTable(kind, []).verdict == .review)
        #expect(EvidenceTable(kind, []).items.map(\.code) == kind.required)
        let all = kind.required.map { Self.item($0, .proven) }
        #expect(EvidenceTable(kind, all).verdict == .ready)
        // One item left unassessed is missing, never proven by default.
        #expect(EvidenceTable(kind, Array(all.dropLast())).verdict == .review)
        #expect(EvidenceTable(kind, Array(all.dropLast())).items.last?.status == .missing)
        #expect(EvidenceTable(kind, all + [Self.item(kind.required[0], .contradicted)]).verdict == .unsafe)
    }

    @Test func theCodesAreCarriedIntoSummaryJSONJSONAndSARIF() throws {
        let r = VerdictTests.run(categories: [])
        #expect(r.endpoints[0].evidenceTable.items(.missing).map(\.code) == [.dataPlane])
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(ReportRenderer.summaryJSON(r).utf8)) as? [String: Any])
        let endpoint = try #require((summary["endpoints"] as? [[String: Any]])?.first)
        let items = try #require((endpoint["evidence"] as? [String: Any])?["items"] as? [[String: Any]])
        #expect(items.contains { $0["code"] as? String == "data-plane" && $0["status"] as? String == "missing" })
        #expect((summary["status"] as? [String: Any])?["missingEvidence"] as? [String] == ["data-plane"])
        #expect(ReportRenderer.statusJSON(r).contains(#""code" : "data-plane""#))
        #expect(SARIF.log(r, out: "out", toolVersion: "t").contains("data-plane: missing"))
    }

    @Test func theReportOpensWithTheEvidenceNotProvenAndEachDraftsTable() throws {
        let markdown = ReportRenderer.markdown(VerdictTests.run(categories: []))
        let firstLines = try #require(markdown.components(separatedBy: "## Risks").first)
        #expect(firstLines.contains("Evidence not proven"))
        #expect(firstLines.contains("`data-plane` missing"))
        #expect(markdown.contains("Evidence (`gateway-endpoint-policy`)"))
        #expect(markdown.contains("Evidence (`bucket-lock`)"))
    }

    @Test func aFullyEvidencedWindowSaysSoFirst() throws {
        let markdown = ReportRenderer.markdown(VerdictTests.run())
        #expect(try #require(markdown.components(separatedBy: "## Risks").first).contains("every item each draft needs is proven"))
    }
}

/// The cases of issue 25, each a window that used to give *ready*.
struct EvidenceRegressionTests {
    static let gapHost = "10.0.3.77"

    @Test func anUnauthenticatedRequestFromAGapHostClosesTheGap() {
        let flows = [FlowEvidenceTests.flow("10.0.1.21"), FlowEvidenceTests.flow(Self.gapHost, instance: "i-batch", bytes: 900_000_000)]
        let anonymous = Principal(kind: .anonymous, arn: Principal.anonymousARN, account: nil)
        let probe = Fixture.access(anonymous, "s3:GetObject", "arn:aws:s3:::app-data/k", outcome: .unauthenticated, count: 1,
                                   ip: Self.gapHost)
        var sources = [FlowEvidenceTests.source("10.0.1.21")]
        sources.append(ObservedSource(endpoint: Fixture.s3Endpoint, principalARN: Principal.anonymousARN, sessionName: "",
                                      sourceIP: Self.gapHost,
                                      userAgent: "curl", count: 1, firstSeen: 1_793_491_200, lastSeen: 1_793_491_200))
        var inventory = Fixture.inventory(policy: VerdictTests.current)
        inventory.bucketPolicies["app-data"] = PolicyDocument(statements: [])
        let r = Fixture.run(VerdictTests.observed + [probe], inventory: inventory, options: VerdictTests.options, flows: flows,
                            sources: sources)
        #expect(r.flows.coverageGaps.map(\.sourceAddress) == [Self.gapHost])
        #expect(r.endpoints[0].verdict == .unsafe)
        #expect(r.endpoints[0].evidenceTable.items(.contradicted).map(\.code) == [.flowCoverage])
    }

    /// A trusted role reads our bucket through an endpoint another account owns.
    static let otherEndpoint = VPCEndpointID("vpce-0otheraccount")

    @Test func aLockAdmitsAnotherAccountsEndpoint() throws {
        var stolen = Fixture.access("s3:GetObject", "arn:aws:s3:::app-data/k", endpoint: Self.otherEndpoint)
        stolen.endpointAccount = AccountID("999988887777")
        let r = VerdictTests.run(VerdictTests.observed + [stolen])
        #expect(!r.endpoints.map(\.endpoint.id).contains(Self.otherEndpoint))
        #expect(r.assumptions.contains { $0.code == .endpointNotShownYours })
        let bucket = try #require(r.buckets.first)
        let sourceVpce = try #require(bucket.draft.statements.first?.conditions.first { $0.key == "aws:SourceVpce" })
        #expect(sourceVpce.values.map(\.text) == [Fixture.s3Endpoint.rawValue])
        #expect(bucket.verdict == .unsafe)
        #expect(bucket.evidenceTable.items(.contradicted).map(\.code) == [.lockEndpointsOwned])
        // Its requests never make the role an exception that would work from anywhere.
        let lock = try #require(bucket.draft.statements.first { $0.sid == BucketLockBuilder.lockSid })
        #expect(!lock.conditions.contains { $0.key == "aws:PrincipalArn" })
    }

    static let foreignReader = Principal(kind: .assumedRole, arn: "arn:aws:iam::222233334444:role/partner-reader", account: Fixture.vendor)

    @Test func aForeignReaderBecomesASilentLockException() throws {
        let read = Fixture.access(Self.foreignReader, "s3:GetObject", "arn:aws:s3:::app-data/shared/report.csv", endpoint: nil)
        let r = VerdictTests.run(VerdictTests.observed + [read])
        let bucket = try #require(r.buckets.first)
        #expect(!PolicyWriter.write(bucket.draft).contains("partner-reader"))
        #expect(bucket.verdict == .review)
        #expect(bucket.evidenceTable.items(.missing).map(\.code) == [.lockExceptions])
        #expect(bucket.held.count == 1)
        #expect(bucket.replay.heldForReview == read.count)
    }

    @Test func anAWSAccountCallerBecomesARootException() throws {
        // The account is even trusted: what is missing is the caller's own ARN, which the log redacted.
        let caller = Principal(kind: .awsAccount, arn: "arn:aws:iam::222233334444:root", account: Fixture.vendor)
        var options = VerdictTests.options
        options.trustedAccounts = [Fixture.prod, Fixture.vendor]
        let r = VerdictTests.run(VerdictTests.observed + [Fixture.access(caller, "s3:GetObject", "arn:aws:s3:::app-data/k", endpoint: nil)],
                                 options: options)
        let bucket = try #require(r.buckets.first)
        #expect(!PolicyWriter.write(bucket.draft).contains(":root"))
        #expect(bucket.verdict == .review)
        #expect(bucket.held.first?.description.contains("AWSAccount") == true)
    }

    @Test func learnedTrustIsProven() {
        var exfil = Fixture.access("s3:PutObject", "arn:aws:s3:::drop-zone/dump.tar.gz", owner: AccountID("999988887777"))
        exfil.recipientAccount = AccountID("999988887777")
        var inventory = Fixture.inventory(policy: VerdictTests.current)
        inventory.accounts = []
        inventory.bucketPolicies["app-data"] = PolicyDocument(statements: [])
        let r = Fixture.run(VerdictTests.observed + [exfil], inventory: inventory, options: VerdictTests.options,
                            flows: [FlowEvidenceTests.flow("10.0.1.21")], sources: [FlowEvidenceTests.source("10.0.1.21")])
        #expect(r.endpoints[0].verdict == .review)
        // drop-zone is not in the inventory: its owner, a learned account, is only what the record claims (held).
        #expect(r.endpoints[0].evidenceTable.items(.missing).map(\.code) == [.trustedAccounts, .reviewClear])
        #expect(r.buckets.allSatisfy { $0.verdict != .ready })
    }

    /// The same host in the default flow-log format (v2): no `pkt-dst-aws-service`, `traffic-path` or `vpc-id`.
    static func defaultFormat(_ source: String, bytes: Int64) -> ObservedFlow {
        var flow = FlowEvidenceTests.flow(source, "52.216.8.1", service: "", path: 0, instance: "", bytes: bytes)
        flow.vpcID = ""
        return flow
    }

    @Test func defaultFormatFlowLogsProveCoverage() {
        let v2 = VerdictTests.run(flows: [Self.defaultFormat("10.0.1.21", bytes: 1000),
                                          Self.defaultFormat(Self.gapHost, bytes: 450_000_000)])
        let none = VerdictTests.run(flows: [])
        #expect(v2.endpoints[0].verdict == .review)
        #expect(v2.endpoints[0].evidenceTable.items(.missing).map(\.code) == [.flowCoverage])
        // Less evidence never gives a better verdict than more.
        #expect(none.endpoints[0].verdict >= v2.endpoints[0].verdict)
        #expect(ReportRenderer.markdown(v2).contains("default-format flow logs prove nothing here"))
    }

    @Test func aMonthlyJobUnderOnePercentPassesTheBacktest() throws {
        var result = VerdictTests.run()
        var busy = Fixture.access("s3:GetObject", "arn:aws:s3:::app-data/k", count: 998)
        busy.lastSeen = busy.firstSeen
        let job = Principal(kind: .assumedRole, arn: "arn:aws:iam::111122223333:role/monthly-close", account: Fixture.prod)
        let monthly = Fixture.access(job, "s3:PutObject", "arn:aws:s3:::app-data/close/2026-11.csv", count: 2)
        Synthesizer.backtest(&result, heldOut: [busy, monthly], from: "2026-11-28", through: "2026-11-30", inventory: Fixture.inventory())
        let test = try #require(result.endpoints[0].backtest)
        #expect(test.refusedShare < 0.01)
        #expect(result.endpoints[0].verdict == .review)
        #expect(result.endpoints[0].evidenceTable.items(.missing).map(\.code) == [.backtest])
        #expect(ReportRenderer.markdown(result).contains("monthly-close"))
    }

    @Test func aOneDayWindowMakesAReadyLock() throws {
        let r = VerdictTests.run([Fixture.access("s3:GetObject", "arn:aws:s3:::app-data/k")])
        let bucket = try #require(r.buckets.first)
        #expect(bucket.verdict == .review)
        let window = try #require(bucket.evidenceTable.items.first { $0.code == .windowLength })
        #expect(window.status == .missing)
        #expect(window.remedy?.description.contains("--minimum-lock-days") == true)
        #expect(window.detail.description.contains("14"))
    }

    @Test func aReadyLockLocksOutTheAdministrators() throws {
        let without = try #require(VerdictTests.run(options: SynthesisOptions()).buckets.first)
        #expect(without.verdict == .review)
        #expect(without.evidenceTable.items(.missing).map(\.code) == [.adminPath])
        let report = ReportRenderer.markdown(VerdictTests.run(options: SynthesisOptions()))
        #expect(report.components(separatedBy: "## Risks")[0].contains("root user"))

        let with = try #require(VerdictTests.run().buckets.first)
        #expect(with.verdict == .ready)
        #expect(with.draft.statements.contains { $0.sid?.contains("ExceptAdmins") == true })
        let policy = CompiledPolicy(with.draft)
        func decision(_ action: String, _ principal: String, _ resource: String = "arn:aws:s3:::app-data") -> Decision {
            policy.evaluate(RequestContext(action: action, resource: resource, principal: .from(principal),
                                           keys: ["aws:SourceVpce": ["vpce-elsewhere"], "aws:PrincipalIsAWSService": ["false"]])).decision
        }
        #expect(decision("s3:PutBucketPolicy", VerdictTests.admin) != .explicitDeny)
        #expect(decision("s3:DeleteBucketPolicy", VerdictTests.admin) != .explicitDeny)
        #expect(decision("s3:PutBucketPolicy", "arn:aws:iam::111122223333:role/intruder") == .explicitDeny)
        #expect(decision("s3:GetObject", VerdictTests.admin, "arn:aws:s3:::app-data/k") == .explicitDeny)
    }

    @Test func aFileThatCouldNotBeReadLeavesDraftsReady() {
        let ours = FailedFile(path: "AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/01/x.json.gz", reason: "truncated gzip member",
                              account: Fixture.prod, region: "us-east-1")
        let elsewhere = FailedFile(path: "AWSLogs/111122223333/CloudTrail/eu-west-1/2026/11/01/y.json.gz", reason: "truncated gzip member",
                                   account: Fixture.prod, region: "eu-west-1")
        func run(_ failed: [FailedFile]) -> SynthesisResult {
            var inventory = Fixture.inventory(policy: VerdictTests.current)
            inventory.bucketPolicies["app-data"] = PolicyDocument(statements: [])
            var input = SynthesisInput(observed: VerdictTests.observed, flows: [FlowEvidenceTests.flow("10.0.1.21")],
                                       sources: [FlowEvidenceTests.source("10.0.1.21")],
                                       eventCategories: [EventCategoryCount(eventSource: "s3.amazonaws.com", service: "s3",
                                                                            category: "Data", count: 1)],
                                       inventory: inventory, options: VerdictTests.options)
            input.failedFiles = failed
            input.sourceVolumes = Fixture.volumes(input.sources)
            return Synthesizer.synthesize(input)
        }
        let r = run([ours])
        #expect(r.endpoints[0].evidenceTable.items(.missing).map(\.code) == [.filesRead])
        #expect(r.buckets[0].verdict == .review)
        #expect(ReportRenderer.summaryJSON(r).contains("truncated gzip member"))
        #expect(ReportRenderer.markdown(r).components(separatedBy: "## Risks")[0].contains("Files not read"))
        #expect(run([elsewhere]).endpoints[0].verdict == .ready)
    }
}

/// Whose endpoint it is follows a principle, tried on shapes the samples do not have.
struct EndpointOwnershipTests {
    static let endpoint = VPCEndpointID("vpce-0notinventory")

    static func run(ip: String, principal: Principal = Fixture.app, agent: String = "aws-sdk-go-v2",
                    endpointAccount: AccountID? = nil) -> SynthesisResult {
        var access = Fixture.access(principal, "kms:Decrypt", "arn:aws:kms:us-east-1:111122223333:key/1234", endpoint: endpoint)
        access.endpointAccount = endpointAccount
        let source = ObservedSource(endpoint: endpoint, principalARN: principal.arn, sessionName: "s", sourceIP: ip, userAgent: agent,
                                    count: 1, firstSeen: 1_793_491_200, lastSeen: 1_793_491_200)
        var inventory = Fixture.inventory()
        inventory.endpoints = [:]
        return Fixture.run([access], inventory: inventory, sources: [source])
    }

    @Test func aServiceCallingKMSOnAUsersBehalfGetsADraft() {
        let r = Self.run(ip: "secretsmanager.amazonaws.com", agent: "secretsmanager.amazonaws.com")
        #expect(r.endpoints.isEmpty)
        #expect(r.assumptions.contains { $0.code == .endpointNotShownYours })
    }

    @Test(arguments: ["203.0.113.10", "2600:1f18::1", "172.32.0.5", "100.128.0.1"])
    func aConsoleEndpointReachedFromPublicAddressesGetsADraft(ip: String) {
        #expect(Self.run(ip: ip, agent: "[AWSCloudTrail, aws-internal/3 aws-sdk-java/1.12]").endpoints.isEmpty)
        #expect(Self.run(ip: ip, agent: "Mozilla/5.0").endpoints.isEmpty)
    }

    /// Another partition, IPv6 unique-local and shared address space: a principal's own private request proves it.
    @Test(arguments: ["10.20.30.40", "172.16.0.9", "192.168.1.1", "100.64.0.7", "fd12:3456:789a::1", "fc00::1"])
    func aPrivateRequestByAPrincipalItselfProvesTheEndpoint(ip: String) {
        let gov = Principal(kind: .assumedRole, arn: "arn:aws-us-gov:iam::111122223333:role/app", account: Fixture.prod)
        let r = Self.run(ip: ip, principal: gov)
        #expect(r.endpoints.map(\.endpoint.id) == [Self.endpoint])
        // Drafted, but never in a lock: only the inventory or a trusted owner puts an endpoint there.
        #expect(r.buckets.isEmpty)
    }

    @Test func aTrustedOwnerProvesTheEndpointAndAnUntrustedOneRefutesIt() {
        #expect(Self.run(ip: "203.0.113.10", endpointAccount: Fixture.prod).endpoints.count == 1)
        #expect(Self.run(ip: "10.0.0.1", endpointAccount: AccountID("999988887777")).endpoints.isEmpty)
    }
}

struct FailedFileTests {
    @Test(arguments: [
        ("AWSLogs/o-abc/111122223333/CloudTrail/eu-west-1/2026/11/01/111122223333_CloudTrail_eu-west-1_20261101T0005Z_a1.json.gz",
         "111122223333", "eu-west-1"),
        ("AWSLogs/444455556666/vpcflowlogs/us-gov-west-1/2026/11/01/444455556666_vpcflowlogs_us-gov-west-1_fl-1_20261101T0005Z_b.log.gz",
         "444455556666", "us-gov-west-1"),
        ("exports/broken.json.gz", nil, nil),
        ("x/ACCOUNT_CloudTrail_us-east-1_1.json.gz", nil, nil),
    ] as [(String, String?, String?)])
    func aFailedFileNamesItsAccountAndRegionOnlyByItsDeliveryName(path: String, account: String?, region: String?) {
        let file = FailedFile(path: path, reason: "truncated")
        #expect(file.account?.rawValue == account)
        #expect(file.region == region)
        // A name that says neither counts against every draft.
        let ours = account == nil || (account == Fixture.prod.rawValue && region == "us-east-1")
        #expect(file.affects(account: Fixture.prod, region: "us-east-1") == ours)
    }
}

/// "This bucket has no policy" can be said, and only then does a rollback delete the policy.
struct DeclaredAbsenceTests {
    static func run(_ files: [(path: String, text: String)]) -> SynthesisResult {
        var inventory = InventoryReader.read(files)
        inventory.endpoints = Fixture.inventory(policy: VerdictTests.current).endpoints
        inventory.accounts = [Fixture.prod]
        inventory.buckets = ["app-data": Fixture.prod]
        return Fixture.run(VerdictTests.observed, inventory: inventory, options: VerdictTests.options,
                           flows: [FlowEvidenceTests.flow("10.0.1.21")], sources: [FlowEvidenceTests.source("10.0.1.21")])
    }

    @Test(arguments: [
        "",
        "\n",
        "\nAn error occurred (NoSuchBucketPolicy) when calling the GetBucketPolicy operation: The bucket policy does not exist\n",
    ])
    func anEmptyBucketPolicyExportCannotSayNoPolicy(text: String) throws {
        let r = Self.run([("inventory/policies/app-data.json", text)])
        let bucket = try #require(r.buckets.first)
        #expect(bucket.currentDeclaredAbsent)
        #expect(bucket.evidenceTable.items.first { $0.code == .currentPolicy }?.status == .proven)
        #expect(bucket.verdict == .ready)
        #expect(ReportRenderer.files(r)["rollback.sh"]?.contains("\nbucket app-data buckets/app-data.json none\n") == true)
    }

    @Test func aPolicyMissingFromTheExportIsNeverDeletedByTheRollback() throws {
        let r = Self.run([])
        #expect(r.buckets.first?.verdict == .review)
        let rollback = try #require(ReportRenderer.files(r)["rollback.sh"])
        #expect(!rollback.contains(" none\n"))
        #expect(rollback.contains("no rollback"))
    }

    @Test func anUnrelatedEmptyFileOrErrorDeclaresNothing() {
        let inventory = InventoryReader.read([("inventory/vpce-0abc.json", ""), ("inventory/app-data.json", "AccessDenied"),
                                              ("inventory/Not A Bucket.json", "")])
        #expect(inventory.bucketsWithoutPolicy.isEmpty)
    }
}

struct ApplyScriptTests {
    @Test func aReadyLockLocksOutTheAdministratorsAndApplyShSaysNothing() throws {
        let without = try #require(ReportRenderer.files(VerdictTests.run(options: SynthesisOptions()))["apply.sh"])
        #expect(without.contains("only the account's root user"))
        let with = try #require(ReportRenderer.files(VerdictTests.run())["apply.sh"])
        #expect(!with.contains("only the account's root user"))
    }
}

/// Image pulls need the AWS-owned layer bucket through the S3 gateway endpoint of the caller's VPC.
struct ImagePullTests {
    static let executionRole = Principal(kind: .assumedRole, arn: "arn:aws:iam::111122223333:role/ecsTaskExecutionRole",
                                         account: Fixture.prod)
    static let repository = "arn:aws:ecr:us-east-1:111122223333:repository/web"
    static let layers = "prod-us-east-1-starport-layer-bucket"

    /// ECS tasks pull through a NAT (no ECR endpoint), by a role that makes no S3 request; the hosts'
    /// other S3 requests go through the endpoint, so no coverage gap is seen.
    @Test func ecsTasksPullingImagesThroughANATBreakOnADraftWithoutTheLayerBucket() throws {
        var pull = Fixture.access(Self.executionRole, "ecr:GetDownloadUrlForLayer", Self.repository, endpoint: nil)
        pull.sourceIPs = ["52.1.2.3"]
        let r = VerdictTests.run(VerdictTests.observed + [pull])
        let endpoint = try #require(r.endpoints.first)
        #expect(PolicyWriter.write(endpoint.draft).contains(Self.layers))
        let use = try #require(r.awsOwned.first { $0.bucket == Self.layers })
        #expect(use.inferred && use.evidence.contains("rule ecr-pull"))
        #expect(use.source.contains("docs.aws.amazon.com"))
        #expect(endpoint.replay.passed && endpoint.grantCheck.exceeding.isEmpty)
    }

    @Test func aDeniedPullOrAnotherAccountsEndpointImpliesNothing() {
        let denied = Fixture.access(Self.executionRole, "ecr:BatchGetImage", Self.repository, endpoint: nil,
                                    outcome: .denied)
        #expect(!VerdictTests.run(VerdictTests.observed + [denied]).awsOwned.contains { $0.bucket == Self.layers })
        let foreign = Principal(kind: .assumedRole, arn: "arn:aws:iam::222233334444:role/puller", account: Fixture.vendor)
        let pull = Fixture.access(foreign, "ecr:BatchGetImage", "arn:aws:ecr:us-east-1:222233334444:repository/x", endpoint: nil)
        #expect(!VerdictTests.run(VerdictTests.observed + [pull]).awsOwned.contains { $0.bucket == Self.layers })
    }
}

struct BacktestShareTests {
    @Test func summaryJSONGivesTheRefusedShareBesideTheRefusedGroups() throws {
        var result = VerdictTests.run()
        let new = Fixture.access("s3:PutObject", "arn:aws:s3:::app-data/exports/x.csv", count: 1)
        Synthesizer.backtest(&result, heldOut: [new], from: "2026-11-28", through: "2026-11-30", inventory: Fixture.inventory())
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(ReportRenderer.summaryJSON(result).utf8)) as? [String: Any])
        let backtest = try #require((summary["endpoints"] as? [[String: Any]])?.first?["backtest"] as? [String: Any])
        #expect(backtest["refusedShare"] as? Double == 1)
        #expect((backtest["refusedRequests"] as? [[String: Any]])?.first?["action"] as? String == "s3:PutObject")
    }
}

/// Default-format flow logs (or none) used to drop the AWS-owned grants a v5 run had.
struct AWSOwnedWithoutFlowFieldsTests {
    @Test func defaultFormatFlowLogsDropTheAmazonLinuxRepositories() throws {
        let agent = "aws-cli/2 Linux/6.1.112-124.190.amzn2023.x86_64"
        let v2 = [EvidenceRegressionTests.defaultFormat("10.0.1.21", bytes: 1_000_000)]
        for flows in [v2, []] {
            let r = Fixture.run(VerdictTests.observed, inventory: Fixture.inventory(policy: VerdictTests.current), flows: flows,
                                sources: [FlowEvidenceTests.source("10.0.1.21", agent: agent)])
            let draft = PolicyWriter.write(try #require(r.endpoints.first).draft)
            #expect(draft.contains("al2023-repos-us-east-1-de612dc2"), "\(flows.count) flows")
            #expect(r.awsOwned.contains { $0.evidence.contains("made authorized S3 requests through") })
        }
    }

    @Test func aDeniedRequestFromAHostRoutesNothing() {
        let agent = "aws-cli/2 Linux/6.1.112-124.190.amzn2023.x86_64"
        let denied = Fixture.access("s3:GetObject", "arn:aws:s3:::app-data/k", outcome: .denied)
        let r = Fixture.run([denied], sources: [FlowEvidenceTests.source("10.0.1.21", agent: agent)])
        #expect(!r.awsOwned.contains { $0.bucket.hasPrefix("al2023") })
    }
}

/// Data events for one bucket do not show what happens in another the endpoint reaches.
struct DataPlaneScopeTests {
    @Test func dataEventsForOneBucketProvedTheDataPlaneOfAllOfThem() {
        var list = Fixture.access("s3:GetBucketLocation", "arn:aws:s3:::reports-archive", count: 40)
        list.lastSeen = list.firstSeen + 14 * 86_400
        let r = VerdictTests.run(VerdictTests.observed + [list])
        let item = r.endpoints[0].evidenceTable.items.first { $0.code == .dataPlane }
        #expect(item?.status == .missing)
        #expect(item?.detail.description.contains("reports-archive") == true)
        #expect(r.endpoints[0].verdict == .review)
    }

    @Test(arguments: [
        ("s3:ListBucket", "arn:aws:s3:::app-data", [String]()),
        ("s3:GetBucketAcl", "arn:aws:s3:::app-data", ["app-data"]),
        ("dynamodb:DescribeTable", "arn:aws:dynamodb:us-east-1:111122223333:table/orders", ["orders"]),
        ("dynamodb:Query", "arn:aws:dynamodb:us-east-1:111122223333:table/orders/index/by-day", []),
    ])
    func aResourceIsSeenOnlyThroughItsDataPlaneRequests(action: String, resource: String, blind: [String]) {
        #expect(Verdicts.blindResources([Fixture.access(action, resource)]) == blind)
    }
}
