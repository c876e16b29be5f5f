/// UTC calendar arithmetic without Foundation, so that the pure modules stay clock-free and fast.
public enum Timestamp {
    /// 9999-12-31T23:59:59Z: the last second a timestamp Perimeter reads may name.
    public static let latest: Int64 = 253_402_300_799

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fff]Z` (also `+00:00`) into seconds since 1970; nil when malformed.
    public static func parseISO8601<S: StringProtocol>(_ text: S) -> Int64? {
        if let parsed = text.utf8.withContiguousStorageIfAvailable({ parseISO8601(utf8: UnsafeRawBufferPointer($0)) }) { return parsed }
        return Array(text.utf8).withUnsafeBytes { parseISO8601(utf8: $0) }
    }

    /// ``parseISO8601(_:)`` of text given as its UTF-8 bytes.
    public static func parseISO8601(utf8 u: UnsafeRawBufferPointer) -> Int64? {
        guard u.count >= 19, u[4] == 45, u[7] == 45, u[10] == 84 || u[10] == 32, u[13] == 58, u[16] == 58 else { return nil }
        func num(_ from: Int, _ len: Int) -> Int64? {
            var v: Int64 = 0
            for i in from..<(from + len) {
                let d = u[i] &- 48
                guard d < 10 else { return nil }
                v = v * 10 + Int64(d)
            }
            return v
        }
        guard let y = num(0, 4), let mo = num(5, 2), let d = num(8, 2), let h = num(11, 2), let mi = num(14, 2),
              let s = num(17, 2), (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, s < 61 else { return nil }
        return daysFromCivil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s
    }

    /// Parses a calendar day, exactly `YYYY-MM-DD` (a UTC day), into the seconds of its midnight; nil for anything
    /// else: a time or offset after it, a day the month does not have (`2026-11-31`), other digits or lengths.
    public static func parseDay(_ text: String) -> Int64? {
        guard text.utf8.count == 10, let midnight = parseISO8601(text + "T00:00:00Z"), day(midnight) == text else { return nil }
        return midnight
    }

    /// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
    public static func daysFromCivil(_ year: Int64, _ month: Int64, _ day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// `YYYY-MM-DD` for the UTC day holding `seconds`.
    public static func day(_ seconds: Int64) -> String {
        let (y, m, d) = civil(fromDays: floorDiv(seconds, 86_400))
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }

    /// `YYYY-MM-DDTHH:MM:SSZ` for `seconds`.
    public static func iso8601(_ seconds: Int64) -> String {
        let rem = (seconds % 86_400 + 86_400) % 86_400
        return "\(day(seconds))T\(pad(rem / 3600, 2)):\(pad(rem % 3600 / 60, 2)):\(pad(rem % 60, 2))Z"
    }

    static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// Division rounding toward negative infinity, for every `a` (no negation that could overflow).
    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    static func pad(_ v: Int64, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}

extension Int64 {
    /// `self + other`, held at `Int64.max` or `Int64.min` instead of trapping: sums of logged numbers
    /// never overflow.
    public func addingSaturated(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }
}
