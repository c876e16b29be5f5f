/// How logged text becomes policy text.
///
/// A value read from a log (an object key, a bucket or table name, an ARN) is a literal: in a
/// 2012-10-17 policy `*`, `?` and `$` are written as IAM's escapes `${*}`, `${?}` and `${$}` ("IAM
/// policy elements: Variables and tags", special characters), so that the text matches only
/// itself. Wildcards enter policy text only through Perimeter's own rules (``anyResource``,
/// ``allObjects(inBucketARN:)``, generalization), never from a log.
///
/// ```swift
/// PolicyText.literal("arn:aws:s3:::b/secret*")       // "arn:aws:s3:::b/secret${*}"
/// PolicyText.literalValue(of: "arn:aws:s3:::b/a${*}") // "arn:aws:s3:::b/a*"
/// PolicyText.literalValue(of: "arn:aws:s3:::b/*")     // nil: a wildcard
/// ```
public enum PolicyText {
    /// The pattern that stands for every resource.
    public static let anyResource = "*"

    /// Marks a request whose resource the log does not name: never a pattern, never granted.
    public static let notLogged = ""

    /// `text` as policy text that matches only itself.
    public static func literal(_ text: String) -> String {
        let special = text.utf8.withContiguousStorageIfAvailable { bytes in bytes.contains { $0 == 42 || $0 == 63 || $0 == 36 } }
            ?? text.utf8.contains { $0 == 42 || $0 == 63 || $0 == 36 }
        guard special else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "*": out += "${*}"
            case "?": out += "${?}"
            case "$": out += "${$}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Every object of a bucket: the bucket ARN's policy text followed by `/*`.
    public static func allObjects(inBucketARN bucketPattern: String) -> String { bucketPattern + "/*" }

    /// The one string `pattern` matches when it holds no wildcard and no variable other than the
    /// three escapes; nil otherwise.
    public static func literalValue(of pattern: String) -> String? {
        let u = Array(pattern.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(u.count)
        var i = 0
        while i < u.count {
            switch u[i] {
            case 42, 63: return nil
            case 36 where i + 1 < u.count && u[i + 1] == 123:
                guard i + 3 < u.count, u[i + 3] == 125, [42, 63, 36].contains(u[i + 2]) else { return nil }
                out.append(u[i + 2])
                i += 4
            default:
                out.append(u[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A concrete string `pattern` matches: its literal value when it has no wildcard, else `*` →
    /// `perimeter-sample` and `?` → `x` with the escapes resolved; `*` alone stays `*` (an action
    /// that takes no resource). A sample is evidence, not proof: patterns are compared only where
    /// Perimeter made them.
    public static func sample(of pattern: String) -> String {
        if pattern == anyResource { return anyResource }
        if let literal = literalValue(of: pattern) { return literal }
        let u = Array(pattern.utf8)
        var out: [UInt8] = []
        var i = 0
        while i < u.count {
            switch u[i] {
            case 42: out += Array("perimeter-sample".utf8); i += 1
            case 63: out.append(120); i += 1
            case 36 where i + 3 < u.count && u[i + 1] == 123 && u[i + 3] == 125 && [42, 63, 36].contains(u[i + 2]):
                out.append(u[i + 2]); i += 4
            default: out.append(u[i]); i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// True when `pattern` holds a wildcard or a variable (other than the three escapes).
    public static func isPattern(_ pattern: String) -> Bool { literalValue(of: pattern) == nil }
}
