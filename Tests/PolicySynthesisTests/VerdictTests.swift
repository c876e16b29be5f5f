import Testing
@testable import PolicySynthesis
import AWSModel
import IAMPolicy
@testable import Inventory

/// Verdicts follow the evidence: ready only when every check passed and the logs could see.
struct VerdictTests {
    /// Two weeks of logged use: long enough for an endpoint policy and a lock.
    static let observed: [ObservedAccess] = {
        var a = Fixture.access("s3:GetObject", "arn:aws:s3:::app-data/k")
        a.lastSeen = a.firstSeen + 14 * 86_400
        return [a]
    }()
    static let admin = "arn:aws:iam::111122223333:role/PolicyAdmin"
    /// What a careful user passes: an administration path for the locks.
    static let options: SynthesisOptions = {
        var options = SynthesisOptions()
        options.adminPrincipals = [admin]
        return options
    }()
    static let current = PolicyDocument.allowAll

    /// A window that can vouch for the endpoint: its policy known, flow logs and data events present.
    static func run(_ observed: [ObservedAccess] = observed, flows: [ObservedFlow] = [FlowEvidenceTests.flow("10.0.1.21")],
                    categories: [EventCategoryCount] = [
                        EventCategoryCount(eventSource: "s3.amazonaws.com", service: "s3", category: "Data", count: 1)],
                    options: SynthesisOptions = options, bucketPolicy: Bool = true) -> SynthesisResult {
        var inventory = Fixture.inventory(policy: current)
        if bucketPolicy { inventory.bucketPolicies["app-data"] = PolicyDocument(statements: []) }
        return Fixture.run(observed, inventory: inventory, options: options, flows: flows, sources: [FlowEvidenceTests.source("10.0.1.21")],
                           categories: categories)
    }

    static func reasons(_ r: SynthesisResult) -> [String] { r.endpoints[0].reasons.map(\.code.rawValue) }

    @Test func aWindowThatSeesEverythingIsReady() {
        let r = Self.run()
        #expect(r.endpoints[0].verdict == .ready, "\(Self.reasons(r))")
        #expect(r.buckets.map(\.verdict) == [.ready])
        #expect(r.verdict == .ready)
    }

    @Test func aCoverageGapIsUnsafeAndAcceptingItMakesItReview() {
        let gap = [FlowEvidenceTests.flow("10.0.1.21"), FlowEvidenceTests.flow("10.0.3.77", instance: "i-batch")]
        #expect(Self.run(flows: gap).endpoints[0].verdict == .unsafe)
        var options = Self.options
        options.acceptCoverageGaps = true
        let accepted = Self.run(flows: gap, options: options)
        #expect(accepted.endpoints[0].verdict == .review)
        #expect(Self.reasons(accepted).contains("coverage-gap"))
    }

    @Test(arguments: [
        ("no-logged-use", true), ("data-events-missing", true), ("coverage-not-checked", true), ("review-items", true),
            ("short-history", true),
    ])
    func missingEvidenceNeedsReviewNeverReady(code: String, _: Bool) {
        let r: SynthesisResult = switch code {
        case "no-logged-use": Self.run([], flows: [])
        case "data-events-missing": Self.run(categories: [])
        case "coverage-not-checked": Self.run(flows: [])
        case "short-history": Self.run([Fixture.access("s3:GetObject", "arn:aws:s3:::app-data/k")])
        default: Self.run(Self.observed + [Fixture.access("s3:GetObject", "arn:aws:s3:::vendor/x", owner: Fixture.vendor)])
        }
        #expect(r.endpoints[0].verdict == .review)
        #expect(Self.reasons(r).contains(code), "\(Self.reasons(r))")
    }

    @Test func aBucketWithoutItsCurrentPolicyOrDataEventsNeedsReview() {
        let unknown = Self.run(bucketPolicy: false)
        #expect(unknown.buckets[0].verdict == .review)
        #expect(unknown.buckets[0].reasons.map(\.code.rawValue) == ["current-policy-unknown"])
        #expect(unknown.buckets[0].evidenceTable.items(.missing).map(\.code) == [.currentPolicy])
        #expect(Self.run(categories: []).buckets[0].reasons.map(\.code.rawValue).contains("object-access-not-observable"))
    }

    @Test func theWorstVerdictIsTheResultsAndNoDraftIsNeverReady() {
        #expect([Verdict.ready, .unsafe, .review].max() == .unsafe)
        #expect(Self.run([], flows: []).verdict == .review)
        #expect(Fixture.run([], inventory: Inventory()).verdict == .review)
    }
}

struct BacktestTests {
    @Test func aDraftLearnedWithoutTheLastDaysIsReplayedOnThem() throws {
        var result = VerdictTests.run()
        let learned = try #require(result.endpoints.first)
        #expect(learned.verdict == .ready)
        // The held-out days bring a use the learning window never saw.
        let new = Fixture.access("s3:PutObject", "arn:aws:s3:::app-data/exports/2026/x.csv")
        let vendor = Fixture.access("s3:GetObject", "arn:aws:s3:::vendor/x", owner: Fixture.vendor)
        Synthesizer.backtest(&result, heldOut: VerdictTests.observed + [new, vendor], from: "2026-11-06", through: "2026-11-07",
                             inventory: Fixture.inventory())
        let test = try #require(result.endpoints[0].backtest)
        #expect(test.requests == 6)   // the vendor request would be held for review: not counted
        #expect(test.refused == 3)
        #expect(test.refusedRequests.map(\.action) == ["s3:PutObject"])
        #expect(result.endpoints[0].verdict == .review)
        #expect(result.endpoints[0].reasons.contains { $0.code == .backtestRefused })
    }

    @Test func aDraftThatCoversTheHeldOutDaysKeepsItsVerdict() {
        var result = VerdictTests.run()
        Synthesizer.backtest(&result, heldOut: VerdictTests.observed, from: "2026-11-06", through: "2026-11-07",
            inventory: Fixture.inventory())
        #expect(result.endpoints[0].backtest?.refused == 0)
        #expect(result.endpoints[0].verdict == .ready)
    }
}
