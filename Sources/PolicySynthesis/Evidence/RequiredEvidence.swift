public import AWSModel

/// The kinds of draft Perimeter writes, each with the evidence it needs before it may be applied.
public enum DraftKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// A gateway endpoint's policy (S3, DynamoDB).
    case gatewayEndpoint = "gateway-endpoint-policy"
    /// An interface endpoint's policy (SQS, KMS, …).
    case interfaceEndpoint = "interface-endpoint-policy"
    /// A bucket's lock: deny what does not come through the expected endpoints.
    case bucketLock = "bucket-lock"

    /// The items a draft of this kind needs, in the order the report shows them. A draft is *ready*
    /// only when each of them is proven; one not assessed counts as missing.
    public var required: [EvidenceItem.Code] {
        switch self {
        case .gatewayEndpoint, .interfaceEndpoint:
            [.filesRead, .trustedAccounts, .endpointOwned, .loggedUse, .windowLength, .dataPlane, .flowCoverage, .replay,
             .withinCurrentPolicy, .currentPolicy, .reviewClear, .fitsSize]
        case .bucketLock:
            [.filesRead, .trustedAccounts, .lockEndpointsOwned, .windowLength, .dataPlane, .replay, .currentPolicy,
             .lockExceptions, .adminPath, .withinCurrentPolicy, .fitsSize]
        }
    }
}

/// One piece of evidence a draft needs: **proven**, **missing** (with what to enable or provide to
/// get it) or **contradicted** (with what). The codes are stable: summary.json, `--json`, SARIF and
/// the report show the same.
public struct EvidenceItem: Sendable, Hashable, Codable {
    /// An item's stable code.
    public struct Code: RawRepresentable, Sendable, Hashable, Codable, ExpressibleByStringLiteral, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { rawValue = value }
        public var description: String { rawValue }

        /// Every log file of the draft's account and Region was read.
        public static let filesRead: Code = "files-read"
        /// The trusted accounts were given (`--trusted-account`, an organization file), not learned from the logs.
        public static let trustedAccounts: Code = "trusted-accounts"
        /// The endpoint is the user's (inventory, a trusted `vpcEndpointAccountId`).
        public static let endpointOwned: Code = "endpoint-owned"
        /// Every endpoint a lock answers is the user's.
        public static let lockEndpointsOwned: Code = "lock-endpoints-owned"
        /// Authorized requests went through the endpoint in the window.
        public static let loggedUse: Code = "logged-use"
        /// The logged use spans the kind's minimum number of days.
        public static let windowLength: Code = "window-length"
        /// The events that show the service's data plane are in the window.
        public static let dataPlane: Code = "data-plane"
        /// Flow logs tied to the endpoint show no traffic CloudTrail does not explain.
        public static let flowCoverage: Code = "flow-coverage"
        /// The draft keeps every authorized request of the window.
        public static let replay: Code = "replay"
        /// The draft grants nothing the current policy refuses.
        public static let withinCurrentPolicy: Code = "within-current-policy"
        /// The policy in force is known (a declared absence counts).
        public static let currentPolicy: Code = "current-policy"
        /// No request group is held for a human's decision.
        public static let reviewClear: Code = "review-clear"
        /// The draft fits the policy size limit.
        public static let fitsSize: Code = "fits-size"
        /// Every principal a lock exempts is a trusted account's, named by its ARN.
        public static let lockExceptions: Code = "lock-exceptions"
        /// Someone besides the root user can still change the bucket policy once the lock is applied.
        public static let adminPath: Code = "admin-path"
        /// The draft learned without the held-out days refuses none of their principal–action groups.
        public static let backtest: Code = "backtest"
    }

    /// Whether the evidence is there.
    public enum Status: String, Sendable, Hashable, Codable, Comparable {
        case proven, missing, contradicted

        var rank: Int { switch self { case .proven: 0; case .missing: 1; case .contradicted: 2 } }
        public static func < (a: Status, b: Status) -> Bool { a.rank < b.rank }
    }

    /// The item.
    public var code: Code
    /// Proven, missing or contradicted.
    public var status: Status
    /// Why it is not proven, as the draft's reason code (`coverage-gap`, `short-history`, …); nil when proven.
    public var finding: Diagnostic.Code?
    /// What was found.
    public var detail: Message
    /// What to enable or provide to prove it (missing), or what would resolve it (contradicted).
    public var remedy: Message?

    /// A proven item.
    static func proven(_ code: Code, _ detail: Message) -> EvidenceItem {
        EvidenceItem(code: code, status: .proven, finding: nil, detail: detail, remedy: nil)
    }

    /// A missing item: `finding` is the reason code, `remedy` how to get the evidence.
    static func missing(_ code: Code, _ finding: Diagnostic.Code, _ detail: Message, remedy: Message) -> EvidenceItem {
        EvidenceItem(code: code, status: .missing, finding: finding, detail: detail, remedy: remedy)
    }

    /// A contradicted item: `finding` is the reason code.
    static func contradicted(_ code: Code, _ finding: Diagnostic.Code, _ detail: Message, remedy: Message? = nil) -> EvidenceItem {
        EvidenceItem(code: code, status: .contradicted, finding: finding, detail: detail, remedy: remedy)
    }

    /// The item as a verdict's reason: an error when contradicted, a warning when missing.
    var reason: Diagnostic? {
        guard status != .proven else { return nil }
        let message: Message = remedy.map { Message(pieces: detail.pieces + [.text("; ")] + $0.pieces) } ?? detail
        return Diagnostic(finding ?? Diagnostic.Code(rawValue: code.rawValue), status == .contradicted ? .error : .warning, message)
    }
}

/// A draft's evidence table: the kind's required items, each assessed, and any the run added (a backtest).
public struct EvidenceTable: Sendable, Hashable, Codable {
    /// The kind of draft.
    public var kind: DraftKind
    /// The items, required ones first in the kind's order.
    public var items: [EvidenceItem]

    /// The table for `kind` from the items assessed: a required item not among them is missing
    /// (never proven by default).
    init(_ kind: DraftKind, _ assessed: [EvidenceItem]) {
        self.kind = kind
        let byCode = Dictionary(assessed.map { ($0.code, $0) }, uniquingKeysWith: { $0.status >= $1.status ? $0 : $1 })
        let required = kind.required.map { code in
            byCode[code] ?? .missing(code, Diagnostic.Code(rawValue: code.rawValue), "not assessed",
                                     remedy: "this run could not assess it")
        }
        items = required + assessed.filter { !kind.required.contains($0.code) }
    }

    /// Adds or replaces an item (the backtest's, after the run).
    mutating func set(_ item: EvidenceItem) {
        if let i = items.firstIndex(where: { $0.code == item.code }) { items[i] = item } else { items.append(item) }
    }

    /// Ready only when every item is proven; unsafe when any is contradicted; review otherwise.
    public var verdict: Verdict {
        let worst = items.map(\.status).max() ?? .missing
        return switch worst { case .proven: .ready; case .missing: .review; case .contradicted: .unsafe }
    }

    /// The items not proven, as the verdict's reasons.
    public var reasons: [Diagnostic] { items.compactMap(\.reason) }

    /// Items of `status`.
    public func items(_ status: EvidenceItem.Status) -> [EvidenceItem] { items.filter { $0.status == status } }
}

