import AWSModel
import Foundation

/// Which service takes which network condition key (`Resources/network-condition-keys.tsv`), and which
/// endpoint services take no policy (`Resources/endpoint-services-without-policy.tsv`): data, not code,
/// each row with its source and the day it was read. No draft uses a key for a service the table does
/// not list: AWS warns that the endpoint-owner keys used with an unsupported service "can lead to
/// unintended authorization results".
public struct NetworkKeyTable: Sendable {
    /// One row: `service` takes `key` (except for `exception`, an action the key does not cover).
    public struct Row: Sendable, Hashable {
        /// The service prefix (`s3`), or `*` for a key every request through an endpoint carries.
        public var service: String
        /// The condition key as AWS spells it (`aws:VpceOrgID`).
        public var key: String
        /// An action of the service the key does not cover (`iam:PassRole`), or nil.
        public var exception: String?
        /// The AWS documentation page the row was read from.
        public var source: String
        /// The day it was read (`YYYY-MM-DD`).
        public var read: String
    }

    /// An endpoint service that takes no endpoint policy.
    public struct NoPolicyService: Sendable, Hashable {
        /// The service name after `com.amazonaws.<region>.` (`email-smtp`).
        public var suffix: String
        /// What it is, for the report.
        public var what: String
        /// Where that is documented.
        public var source: String
    }

    /// The rows, in the table's order.
    public let rows: [Row]
    /// The endpoint services known to take no policy.
    public let noPolicy: [NoPolicyService]

    /// The tables shipped with Perimeter.
    public static let shared = NetworkKeyTable(keys: resource("network-condition-keys"),
                                               noPolicy: resource("endpoint-services-without-policy"))

    static func resource(_ name: String) -> String {
        guard let url = Bundle.module.url(forResource: name, withExtension: "tsv"),
              let text = try? String(contentsOf: url, encoding: .utf8) else {
            preconditionFailure("\(name).tsv is missing from the PolicySynthesis bundle")
        }
        return text
    }

    /// Tables from their TSV text; lines that are comments or do not have their columns are skipped.
    public init(keys: String, noPolicy: String = "") {
        func fields(_ text: String, _ count: Int) -> [[String]] {
            text.split(separator: "\n").filter { !$0.hasPrefix("#") }
                .map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
                .filter { $0.count == count }
        }
        rows = fields(keys, 5).map { Row(service: $0[0], key: $0[1], exception: $0[2] == "-" ? nil : $0[2], source: $0[3], read: $0[4]) }
        self.noPolicy = fields(noPolicy, 4).map { NoPolicyService(suffix: $0[0], what: $0[1], source: $0[2]) }
    }

    /// The row saying `service` (a prefix, any case) takes `key`, or nil when the table does not list it.
    public func row(service: String, key: String) -> Row? {
        let service = service.lowercased(), key = key.lowercased()
        return rows.first { $0.key.lowercased() == key && ($0.service == service || $0.service == "*") }
    }

    /// True when the table lists `key` for `service`.
    public func supports(service: String, key: String) -> Bool { row(service: service, key: key) != nil }

    /// The known no-policy service an endpoint service name (`com.amazonaws.us-east-1.email-smtp`) is, or nil.
    public func noPolicyService(serviceName: String) -> NoPolicyService? {
        let parts = serviceName.split(separator: ".").map(String.init)
        guard let region = parts.firstIndex(where: RegionName.isRegionShaped) else { return nil }
        let suffix = parts[(region + 1)...].joined(separator: ".")
        return noPolicy.first { $0.suffix == suffix }
    }
}
