import Testing
@testable import PolicySynthesis
import AWSModel
import IAMPolicy

/// `cv/résumé.pdf` with a precomposed `é` (NFC) and with `e` and a combining accent (NFD) are two S3
/// objects: S3 compares keys by their bytes, Swift's `String` by canonical equivalence.
struct UnicodeKeyTests {
    static let nfc = "arn:aws:s3:::app-data/cv/r\u{E9}sum\u{E9}.pdf"
    static let nfd = "arn:aws:s3:::app-data/cv/re\u{301}sume\u{301}.pdf"

    /// Before: the two resources were one (`String` equality), so the draft held the first and refused the other.
    @Test func theNFDObjectIsGrantedBesideTheNFCOneNotMergedIntoIt() throws {
        #expect(Array(Self.nfc.utf8) != Array(Self.nfd.utf8))
        #expect(Set([Resource(policyText: Self.nfc), Resource(policyText: Self.nfd)]).count == 2)
        var options = SynthesisOptions()
        options.granularity = .exact
        let result = Fixture.run([Fixture.access("s3:GetObject", Self.nfc), Fixture.access("s3:GetObject", Self.nfd)], options: options)
        let draft = try #require(result.endpoints.first).draft
        #expect(Fixture.allows(draft, "s3:GetObject", Self.nfc))
        #expect(Fixture.allows(draft, "s3:GetObject", Self.nfd))
        #expect(result.endpoints[0].replay.passed)
    }
}
