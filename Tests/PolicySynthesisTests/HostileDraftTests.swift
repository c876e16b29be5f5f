import Testing
@testable import PolicySynthesis
import AWSModel
import IAMPolicy

/// A draft grants what was logged, literally: logged text can never widen it.
struct HostileDraftTests {
    @Test(arguments: [Granularity.exact, .prefix])
    func aDeleteOfKeyStarNeverGrantsTheWholeBucket(granularity: Granularity) throws {
        var options = SynthesisOptions()
        options.granularity = granularity
        let result = Fixture.run([Fixture.access("s3:DeleteObject", PolicyText.literal("arn:aws:s3:::app-data/*"))], options: options)
        let draft = try #require(result.endpoints.first).draft
        #expect(PolicyWriter.write(draft).contains("arn:aws:s3:::app-data/${*}"))
        #expect(Fixture.allows(draft, "s3:DeleteObject", "arn:aws:s3:::app-data/*"))
        #expect(!Fixture.allows(draft, "s3:DeleteObject", "arn:aws:s3:::app-data/payroll.csv"))
        #expect(result.endpoints[0].replay.passed)
    }

    @Test func aKeyLikeAPolicyVariableStaysText() throws {
        let key = "${aws:username}/x"
        let result = Fixture.run([Fixture.access("s3:GetObject", PolicyText.literal("arn:aws:s3:::app-data/\(key)"))],
                                 options: { var o = SynthesisOptions(); o.granularity = .exact; return o }())
        let draft = try #require(result.endpoints.first).draft
        #expect(Fixture.allows(draft, "s3:GetObject", "arn:aws:s3:::app-data/\(key)"))
        #expect(!Fixture.allows(draft, "s3:GetObject", "arn:aws:s3:::app-data/app/x"))
        #expect(result.endpoints[0].replay.passed)
    }

    @Test func aPrefixOfALiteralKeyKeepsItsEscapes() throws {
        let result = Fixture.run([Fixture.access("s3:GetObject", PolicyText.literal("arn:aws:s3:::app-data/a*b/c.txt"))])
        let draft = try #require(result.endpoints.first).draft
        #expect(PolicyWriter.write(draft).contains("arn:aws:s3:::app-data/a${*}b/*"))
        #expect(!Fixture.allows(draft, "s3:GetObject", "arn:aws:s3:::app-data/aXb/c.txt"))
        #expect(result.endpoints[0].replay.passed)
    }

    @Test func aRequestWhoseResourceWasNotLoggedIsHeldForReview() throws {
        let result = Fixture.run(
            [Fixture.access("s3:GetObject", "arn:aws:s3:::app-data/k"), Fixture.access("s3:PutObject", PolicyText.notLogged)])
        #expect(result.review.map(\.reason).contains { $0.hasPrefix("resource not logged") })
        #expect(!PolicyWriter.write(result.endpoints[0].draft).contains("s3:PutObject"))
        #expect(result.endpoints[0].replay.passed)
    }

    @Test func anActionMissingFromTheCatalogIsHeldForReview() throws {
        let result = Fixture.run([Fixture.access("s3:GetObject", "arn:aws:s3:::app-data/k"),
                                  Fixture.access("s3:GetStorageLensDashboardDataInternal", "*")])
        #expect(result.review.map(\.reason).contains { $0.hasPrefix("not an IAM action") })
        #expect(!PolicyWriter.write(result.endpoints[0].draft).contains("Internal"))
    }

    @Test func aReviewedResourcePatternMatchesTheLiteralResource() throws {
        var options = SynthesisOptions()
        options.allowedResources = ["arn:aws:s3:::vendor-releases/*"]
        let logged = PolicyText.literal("arn:aws:s3:::vendor-releases/v*.tgz")
        let result = Fixture.run([Fixture.access("s3:GetObject", logged, owner: Fixture.vendor)], options: options)
        #expect(result.review.isEmpty)
        #expect(PolicyWriter.write(result.endpoints[0].draft).contains("vendor-releases/v${*}.tgz"))
    }
}
