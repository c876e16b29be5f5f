import AWSModel
import IAMPolicy
import Testing
@testable import PolicySynthesis

/// Possible exfiltration is a finding of synthesis (the report, summary and SARIF read it), not something
/// the renderer finds by parsing a denial's text again.
struct PossibleExfiltrationTests {
    /// The resources synthesis lists as possible exfiltration when one request group (`action` on `resource`, its owner
    /// and outcome) is logged beside a read of ours.
    static func listed(_ action: String, _ resource: String, owner: AccountID?, outcome: Outcome) -> [String] {
        let denied = Fixture.access(action, resource, owner: owner, outcome: outcome)
        return Fixture.run([Fixture.access("s3:GetObject", "arn:aws:s3:::app-data/k"), denied]).possibleExfiltration.map(\.resource)
    }

    /// A denied write to a bucket of another account, or of no known owner, is a possible attempt; a denied
    /// read, a denied write to a bucket of ours and a request that never authenticated are not.
    @Test(arguments: [
        ("s3:PutObject", "arn:aws:s3:::drop-zone/x", Fixture.vendor, Outcome.denied, true),
        ("s3:PutObject", "arn:aws:s3:::drop-zone/x", nil, .deniedByEndpointPolicy, true),
        ("s3:GetObject", "arn:aws:s3:::drop-zone/x", Fixture.vendor, .denied, false),
        ("s3:PutObject", "arn:aws:s3:::app-data/x", Fixture.prod, .denied, false),
        ("s3:PutObject", "arn:aws:s3:::drop-zone/x", Fixture.vendor, .unauthenticated, false),
    ] as [(String, String, AccountID?, Outcome, Bool)])
    func synthesisFindsDeniedWritesOutsideTheTrustedAccounts(action: String, resource: String, owner: AccountID?,
                                                             outcome: Outcome, found: Bool) {
        #expect(PossibleExfiltrationTests.listed(action, resource, owner: owner, outcome: outcome) == (found ? [resource] : []))
    }

    /// The renderer judged a write with the shipped catalog whatever catalog synthesis was given.
    @Test func writesAreJudgedWithTheCatalogSynthesisWasGiven() {
        let observed = [Fixture.access("s3:GetObject", "arn:aws:s3:::app-data/k"),
                        Fixture.access("s3:PutObject", "arn:aws:s3:::drop-zone/x", owner: Fixture.vendor, outcome: .denied)]
        let input = SynthesisInput(observed: observed, flows: [], sources: [], eventCategories: [], inventory: Fixture.inventory(),
                                   options: SynthesisOptions())
        let readOnly = ActionCatalog(tsv: "action\ts3:PutObject\tRead\tobject\naction\ts3:GetObject\tRead\tobject\n")
        #expect(Synthesizer.synthesize(input, actions: readOnly).possibleExfiltration.isEmpty)
        #expect(Synthesizer.synthesize(input).possibleExfiltration.map(\.action) == ["s3:PutObject"])
    }
}
