public import AWSModel

/// `--profile-map FILE`: the AWS CLI profile `apply.sh` and `rollback.sh` use for each account, one line
/// each, `ACCOUNT PROFILE` (or `ACCOUNT=PROFILE`); blank lines and lines starting with `#` are skipped.
/// A profile name ends up in a shell script and in `perimeter.tf`, so only a strict form is taken:
/// 1 to 64 ASCII letters, digits, `.`, `_`, `-`, `+` and `@`, beginning with a letter or digit.
public enum ProfileMap {
    /// Why a profile map is refused: the line number and what is wrong with it (never the line's text).
    public struct Refusal: Error, Sendable, Equatable, CustomStringConvertible {
        public var line: Int
        public var reason: String
        public var description: String { "line \(line): \(reason)" }
    }

    /// The profile per account.
    /// - Throws: ``Refusal`` for the first line that is not an account id and a well-formed profile name,
    ///   or an account named twice.
    public static func parse(_ text: String) throws(Refusal) -> [AccountID: String] {
        var profiles: [AccountID: String] = [:]
        for (index, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let parts = trimmed.split(maxSplits: 1, whereSeparator: { $0 == " " || $0 == "\t" || $0 == "=" })
            let account = AccountID(String(parts[0]))
            guard account.isNumeric else { throw Refusal(line: index + 1, reason: "not a twelve-digit account id first") }
            let profile = parts.count > 1 ? String(parts[1].drop(while: { $0 == " " || $0 == "\t" || $0 == "=" })) : ""
            let name = String(profile.reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
            guard isWellFormed(name) else {
                throw Refusal(line: index + 1, reason: "the profile name is not 1 to 64 ASCII letters, digits, `.`, `_`, `-`, `+` or `@` "
                                  + "beginning with a letter or digit")
            }
            guard profiles[account] == nil else { throw Refusal(line: index + 1, reason: "account \(account) is named twice") }
            profiles[account] = name
        }
        return profiles
    }

    /// A profile name as it may stand in a script: see ``ProfileMap``.
    public static func isWellFormed(_ name: String) -> Bool {
        let u = Array(name.utf8)
        func alnum(_ b: UInt8) -> Bool { (48...57).contains(b) || (65...90).contains(b) || (97...122).contains(b) }
        guard (1...64).contains(u.count), alnum(u[0]) else { return false }
        return u.allSatisfy { alnum($0) || $0 == 46 || $0 == 95 || $0 == 45 || $0 == 43 || $0 == 64 }
    }
}
