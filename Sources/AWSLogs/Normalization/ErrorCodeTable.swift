public import AWSModel
import Foundation

/// The CloudTrail `errorCode` → authorization table (`Resources/error-codes.tsv`), parsed once.
///
/// A code the table does not know is never taken as authorized: the request becomes an
/// ``Outcome/unclassifiedError``, which drafts never grant and the report lists.
public struct ErrorCodeTable: Sendable {
    /// What a code says about authorization.
    public enum Class: String, Sendable {
        case authorized, denied, unauthenticated
    }

    let classes: [String: Class]

    /// The table shipped with Perimeter.
    public static let shared: ErrorCodeTable = {
        guard let url = Bundle.module.url(forResource: "error-codes", withExtension: "tsv"),
              let text = try? String(contentsOf: url, encoding: .utf8) else {
            preconditionFailure("error-codes.tsv is missing from the AWSLogs bundle")
        }
        do { return try ErrorCodeTable(tsv: text) } catch { preconditionFailure("error-codes.tsv: \(error)") }
    }()

    /// Parses the table.
    /// - Throws: naming the line of a row that is not `code<TAB>class<TAB>source[<TAB>note]`.
    public init(tsv: String) throws {
        var classes: [String: Class] = [:]
        for (number, line) in tsv.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.isEmpty || line.hasPrefix("#") { continue }
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 3, let c = Class(rawValue: f[1]) else {
                throw EventActionMap.TableError(line: number + 1,
                    message: "rows are code, class (authorized, denied, unauthenticated), source")
            }
            classes[f[0]] = c
        }
        self.classes = classes
    }

    /// The class of `code` (an EC2-style `Client.` or `Server.` prefix dropped); nil when unknown.
    public func classify(_ code: String) -> Class? {
        if let c = classes[code] { return c }
        for prefix in ["Client.", "Server."] where code.hasPrefix(prefix) {
            return classes[String(code.dropFirst(prefix.count))]
        }
        return nil
    }

    /// The outcome of a request from its error code and message.
    ///
    /// No code and no message is a success. A message alone is read for denial or authentication
    /// phrases and is otherwise unclassified: an error with no code is never taken as authorized.
    public func outcome(errorCode: String?, errorMessage: String?) -> Outcome {
        if errorCode == nil && errorMessage == nil { return .success }
        let message = errorMessage?.lowercased() ?? ""
        let byEndpoint = !message.isEmpty && message.contains("vpc endpoint policy")
        guard let code = errorCode, !code.isEmpty else {
            if message.isEmpty { return .success }
            if byEndpoint { return .deniedByEndpointPolicy }
            if Self.saysDenied(message) { return .denied }
            if Self.saysUnauthenticated(message) { return .unauthenticated }
            return .unclassifiedError
        }
        if code == "VpceAccessDenied" || byEndpoint { return .deniedByEndpointPolicy }
        switch classify(code) {
        case .authorized: return .failedAfterAuthorization
        case .denied: return .denied
        case .unauthenticated: return .unauthenticated
        case nil:
            let lowered = code.lowercased()
            if lowered.contains("accessdenied") || lowered.contains("unauthorized") || lowered.contains("forbidden")
                || lowered.contains("notauthorized") || Self.saysDenied(message) {
                return .denied
            }
            return .unclassifiedError
        }
    }

    static func saysDenied(_ message: String) -> Bool {
        message.contains("not authorized to perform") || message.contains("access denied") || message.contains("accessdenied")
            || message.contains("explicit deny") || message.contains("is not authorized")
    }

    static func saysUnauthenticated(_ message: String) -> Bool {
        message.contains("failed authentication") || message.contains("signature") || message.contains("security token")
            || message.contains("expired") || message.contains("credentials")
    }
}
