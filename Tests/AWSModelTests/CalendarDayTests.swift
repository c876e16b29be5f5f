import AWSModel
import Testing

/// `--since`/`--until` take UTC calendar days only: `2026-11-20T12:00:00Z` silently started the window on the 21st
/// and `2026-11-31` was accepted.
struct CalendarDayTests {
    @Test(arguments: [("2026-11-20", Int64?(1_795_132_800)), ("2024-02-29", 1_709_164_800), ("1970-01-01", 0),
                      ("2026-11-31", nil), ("2025-02-29", nil), ("2026-13-01", nil), ("2026-00-10", nil), ("2026-11-20T12:00:00Z", nil),
                      ("2026-11-20T23:59:59+05:00", nil), ("2026-11-2", nil), ("26-11-20", nil), ("2026/11/20", nil), ("", nil),
                      ("２０２６-11-20", nil), ("2026-11-20 ", nil)])
    func aDayIsExactlyYYYYMMDDOfARealDate(text: String, midnight: Int64?) {
        #expect(Timestamp.parseDay(text) == midnight, "\(text)")
    }

    @Test(arguments: [("vpce-0a1b2c3d4e5f60718", true), ("vpce-1a2b3c4d", true), ("vpce-EXAMPLE08c1b6b9b7", false),
                      ("vpce-0A1B2C3D4E5F60718", false), ("vpce-", false), ("vpce-0a1b-2c3d", false),
                      ("vpce-" + String(repeating: "a", count: 33), false)])
    func anEndpointIDOfTheFormAWSIssues(id: String, issued: Bool) {
        #expect(VPCEndpointID.isIssuedForm(id) == issued, "\(id)")
    }
}
