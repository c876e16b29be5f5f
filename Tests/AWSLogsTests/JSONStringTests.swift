import Foundation
import JSONTape
import Testing

/// `JSONString.quote` writes every table the Spark job reads and every logged text in --json: whatever it is
/// given (quotes, backslashes, control characters, text past ASCII, decomposed accents), JSON reads it back as
/// the same scalars, and text with nothing to escape is written as it is.
struct JSONStringTests {
    @Test(arguments: ["", "plain", "caf\u{E9}", "cafe\u{301}", "quo\"te", "back\\slash", "tab\tnew\nline\r", "nul\u{0}bell\u{7}",
                      "\u{1F}\u{7F}\u{80}", "emoji \u{1F600}", "slash/ok", "\u{2028}separator"])
    func quotedTextReadsBackAsItself(text: String) throws {
        let quoted = JSONString.quote(text)
        let read = try JSONSerialization.jsonObject(with: Data("[\(quoted)]".utf8)) as? [String]
        #expect(read?.first.map { Array($0.unicodeScalars) } == Array(text.unicodeScalars))
        let needsEscape = text.utf8.contains { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }
        #expect((quoted == "\"" + text + "\"") == !needsEscape)
    }
}
