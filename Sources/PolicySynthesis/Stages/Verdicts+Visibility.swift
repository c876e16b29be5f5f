public import AWSModel

/// Days of logged use a draft of each kind needs before its window can be taken as long enough.
public struct MinimumDays: Sendable, Hashable {
    /// Endpoint policies: a week, so that a weekly job has had a chance to run (`--minimum-days`).
    public var endpoint = 7
    /// Bucket locks: two weeks, since a lock's explicit deny overrides every other grant (`--minimum-lock-days`).
    public var lock = 14

    /// The defaults.
    public init() {}
}

/// A log file the store could not read, kept with its reason.
public struct FailedFile: Sendable, Hashable, Codable {
    /// The file, as it was named.
    public var path: String
    /// Why it could not be read.
    public var reason: String
    /// The account and Region its name says (CloudTrail and flow-log delivery names carry both); nil when it does not.
    public var account: AccountID?
    /// The Region its name says.
    public var region: String?

    /// A failed file.
    public init(path: String, reason: String, account: AccountID?, region: String?) {
        self.path = path
        self.reason = reason
        self.account = account
        self.region = region
    }

    /// A failed file whose account and Region are read from its delivery name, as CloudTrail and VPC
    /// flow logs name their files (`ACCOUNT_CloudTrail_REGION_…`, `ACCOUNT_vpcflowlogs_REGION_…`); a
    /// name of another shape says neither, and the file then counts against every draft.
    public init(path: String, reason: String) {
        let delivery = DeliveryName(path: path)
        self.init(path: path, reason: reason, account: delivery?.account, region: delivery?.region)
    }

    /// Whether the file may hold records of a draft of `account` and `region` (nil: any): a file whose
    /// name says neither may hold anyone's.
    func affects(account draftAccount: AccountID?, region draftRegion: String?) -> Bool {
        let sameAccount = account == nil || draftAccount == nil || account == draftAccount
        let sameRegion = region == nil || draftRegion == nil || region == draftRegion
        return sameAccount && sameRegion
    }
}

/// Whether flow logs can be tied to an endpoint or its service.
enum FlowTie: Equatable {
    case tied
    /// Why they cannot, and what would tie them.
    case untied(Message, remedy: Message)
}

extension Verdicts {
    /// Services whose requests through an endpoint CloudTrail logs only as data events, with the resource
    /// type an advanced event selector names. Every other service's API calls are management events.
    static let dataEventResourceTypes = [
        "s3": "AWS::S3::Object", "dynamodb": "AWS::DynamoDB::Table", "sqs": "AWS::SQS::Queue", "sns": "AWS::SNS::Topic",
        "lambda": "AWS::Lambda::Function", "kinesis": "AWS::Kinesis::Stream",
    ]

    /// The data plane of `service` is visible when the window holds its data events (or network activity
    /// events) and every resource in scope shows data-plane requests (`blind`: the S3 buckets and
    /// DynamoDB tables reached with none), or, for a service whose calls are management events, its
    /// management events.
    ///
    /// Requests seen only in network activity events (`networkOnly`, their actions) prove use, not the
    /// resource: the item is missing until the service's data (or management) events show it.
    static func dataPlane(service: String, blind: [String], networkOnly: [String] = [], _ seen: Visibility) -> EvidenceItem {
        let type = dataEventResourceTypes[service]
        let (category, words) = type == nil ? ("Management", "management") : ("Data", "data")
        let network = seen.categories.contains("\(service) NetworkActivity")
        if !networkOnly.isEmpty {
            let names = networkOnly.prefix(5).joined(separator: ", ") + (networkOnly.count > 5 ? ", …" : "")
            return .missing(.dataPlane, .resourceNotVisible,
                            "\(n(networkOnly.count, "request group")) seen only in network activity events (\(value: names)): resource "
                                + "not visible, the draft keeps them with the resources other requests show or today's policy allows",
                            remedy: NetworkOnlyGrants.remedy(service: service))
        }
        if !network, !blind.isEmpty, seen.categories.contains("\(service) \(category)") {
            let names = blind.prefix(5).joined(separator: ", ") + (blind.count > 5 ? ", …" : "")
            let (verb, them) = blind.count == 1 ? ("shows", "it") : ("show", "them")
            return .missing(.dataPlane, .dataEventsMissing,
                            "\(n(blind.count, "resource")) reached through the endpoint \(verb) no data-plane request "
                                + "(\(value: names)): what the workloads do with \(them) cannot be seen",
                            remedy: "add \(them) to the trail's data event selector (\(value: type ?? service))")
        }
        if network || seen.categories.contains("\(service) \(category)") {
            let scope = ["s3", "dynamodb"].contains(service) ? ", with data-plane requests for every bucket or table it reached" : ""
            return .proven(.dataPlane, "the window holds \(value: service) \(words) events\(scope)")
        }
        // A network activity selector is named only for a service CloudTrail logs network activity events for.
        let selector: Message? = if NetworkActivitySources.shared.lists("\(service).amazonaws.com") {
            "network activity events for the endpoint (an advanced event selector with "
                + "\(value: "eventCategory = NetworkActivity, eventSource = \(service).amazonaws.com"))"
        } else {
            nil
        }
        let unavailable: Message = " (network activity events are not available for \(value: service): CloudTrail logs none for it)"
        let remedy: Message = if let type {
            "enable CloudTrail data events (an advanced event selector on \(value: type))" + (selector.map { " or " + $0 } ?? unavailable)
        } else {
            "ingest the trail's management events of \(value: service)" + (selector.map { ", or " + $0 } ?? unavailable)
        }
        return .missing(.dataPlane, .dataEventsMissing,
                        "the window holds no \(value: service) \(words) events: use through the endpoint cannot be seen", remedy: remedy)
    }

    /// DynamoDB actions CloudTrail logs as data events (item-level).
    static let dynamoDBItemActions: Set<String> = [
        "GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan", "BatchGetItem", "BatchWriteItem",
        "TransactGetItems", "TransactWriteItems", "ExecuteStatement", "BatchExecuteStatement", "ExecuteTransaction",
    ]

    /// The S3 buckets and DynamoDB tables `accesses` reached with no data-plane request in the window: a
    /// bucket with no object-level or listing request, a table with no item-level request. Their use
    /// beyond what the management events show cannot be seen, whatever other resources' data events say.
    static func blindResources(_ accesses: [ObservedAccess]) -> [String] {
        var dataSeen: [String: Bool] = [:]
        for a in accesses where a.outcome.wasAuthorized {
            let resource = a.access.resource, action = a.access.action.name
            switch a.access.action.service.lowercased() {
            case "s3":
                guard let bucket = resource.s3BucketName else { continue }
                let listing = ["ListBucket", "ListBucketVersions", "ListBucketMultipartUploads"].contains(action)
                let data = resource.s3ObjectKey != nil || listing
                dataSeen[bucket] = (dataSeen[bucket] ?? false) || data
            case "dynamodb":
                guard let arn = ARN(resource.text), arn.resource.hasPrefix("table/") else { continue }
                let table = String(arn.resource.dropFirst("table/".count).prefix { $0 != "/" })
                dataSeen[table] = (dataSeen[table] ?? false) || dynamoDBItemActions.contains(action)
            default: continue
            }
        }
        return dataSeen.filter { !$0.value }.keys.sorted()
    }

    static func lockDataPlane(_ b: BucketResult, _ seen: Visibility) -> EvidenceItem {
        guard seen.categories.contains("s3 Data") && b.objectAccessObserved else {
            let scope = b.objectAccessObserved ? "" : ": the lock covers bucket-level actions only"
            return .missing(.dataPlane, .objectAccessNotObservable,
                            "no logged request touched the bucket's objects (S3 data events off, or none in the window)\(scope)",
                            remedy: "enable S3 data events (\(value: "AWS::S3::Object")) for this bucket, or supply them")
        }
        return .proven(.dataPlane, "object-level requests to the bucket are in the window")
    }

    static func flowCoverage(_ e: EndpointResult, kind: DraftKind, gaps: [CoverageGap], unexplained: [CoverageGap], tie: FlowTie,
                             _ seen: Visibility) -> EvidenceItem {
        guard seen.flowLogs else {
            let remedy: Message = kind == .gatewayEndpoint ? gatewayFields
                : "enable VPC flow logs for the endpoint's VPC and add \(value: "aws ec2 describe-network-interfaces") to the inventory"
            return .missing(.flowCoverage, .coverageNotChecked,
                            "no flow logs in the store: traffic CloudTrail does not show cannot be seen", remedy: remedy)
        }
        if case .untied(let why, let remedy) = tie {
            return .missing(.flowCoverage, .coverageNotChecked, why, remedy: remedy)
        }
        guard gaps.isEmpty else {
            let said: Message = "\(n(gaps.count, "source sends", "sources send")) traffic through the endpoint "
                + "that authorized CloudTrail requests do not explain; the draft would refuse it"
            let remedy: Message = "enable data events for what those sources reach"
            return seen.acceptCoverageGaps
                ? .missing(.flowCoverage, .coverageGap, said + " (accepted with --accept-coverage-gaps)", remedy: remedy)
                : .contradicted(.flowCoverage, .coverageGap, said, remedy: remedy + ", or --accept-coverage-gaps")
        }
        if let volume = unexplainedVolume(unexplained) { return volume }
        return .proven(.flowCoverage, "flow logs tied to the endpoint show no source whose bytes its authorized CloudTrail requests "
                           + "(or the AWS-owned needs they imply) do not explain")
    }

    /// Sources whose authorized requests explain too few of their bytes (``CoverageVolume``): missing, the
    /// largest named with its unexplained bytes; nil when there are none.
    static func unexplainedVolume(_ unexplained: [CoverageGap]) -> EvidenceItem? {
        guard let largest = unexplained.max(by: { ($0.bytes - $0.creditedBytes) < ($1.bytes - $1.creditedBytes) }) else { return nil }
        let more = unexplained.count > 1 ? " (and \(n(unexplained.count - 1, "other source")))" : ""
        return .missing(.flowCoverage, .unexplainedVolume,
                        "\(value: largest.sourceAddress) sent \(largest.bytes) bytes through the endpoint; its "
                            + "\(n(largest.requests, "authorized request")) through it account for \(largest.creditedBytes): "
                            + "\(largest.bytes - largest.creditedBytes) bytes unexplained\(more)",
                        remedy: "enable data events for what those sources reach (S3's log \(value: "bytesTransferredIn") and "
                            + "\(value: "bytesTransferredOut")), or find what they send")
    }

    static let gatewayFields: Message = "enable VPC flow logs for the endpoint's VPC with the fields \(value: "vpc-id"), "
        + "\(value: "pkt-dst-aws-service") and \(value: "traffic-path") (version 5)"

    static func adminPath(_ b: BucketResult, _ seen: Visibility) -> EvidenceItem {
        if !seen.adminPrincipals.isEmpty {
            let admins = seen.adminPrincipals.joined(separator: ", ")
            return .proven(.adminPath, "exempted for the bucket-policy actions (--admin-principal): \(value: admins)")
        }
        return .missing(.adminPath, .noAdminPath, "once applied, only the account's root user and callers through "
                            + "\(value: b.endpoints.joined(separator: ", ")) can change or delete the bucket policy",
                        remedy: "pass --admin-principal ARN (the role that runs apply.sh and rollback.sh)")
    }
}
