import Testing
@testable import AWSLogs
import JSONTape

/// `additionalEventData.bytesTransferredIn/Out` are logged text like any other: a count never traps.
struct ByteCountTests {
    @Test(arguments: [("500.0", 500), ("12", 12), ("0", 0), ("-5", 0), ("1e999", 0), ("\"900\"", 0), ("true", 0), ("null", 0),
                      ("9007199254740993", 9_007_199_254_740_992), ("1e300", 9_007_199_254_740_992)] as [(String, Int64)])
    func aLoggedByteCountNeverTraps(_ c: (String, Int64)) throws {
        let value = try JSONParser.parse(Array(c.0.utf8)).values[0]
        #expect(EventNormalizer.byteCount(value) == c.1)
    }
}
