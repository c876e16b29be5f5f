import AWSModel
import IAMPolicy

/// What one statement of a current policy grants, in cloudtracker's four groups.
public struct StatementUsage: Sendable, Hashable, Codable {
    /// The statement's Sid, or `#index`.
    public var statement: String
    /// Granted and used by an authorized request.
    public var used: [String]
    /// Granted, requested, and denied (by this or another policy).
    public var usedButDenied: [String]
    /// Granted, observable in these logs, never requested.
    public var unused: [String]
    /// Granted, but the logs could not have shown its use (no data events for the service).
    public var notObservable: [String]
}

/// Data-event actions: CloudTrail logs them only when a data-event selector covers them (DOMAIN.md C.1,
/// C.2; CloudTrail user guide "Logging data events"). Without such events in the logs, their absence
/// proves nothing.
enum DataEventActions {
    static let itemLevel: [String: Set<String>] = [
        "dynamodb": ["getitem", "putitem", "updateitem", "deleteitem", "query", "scan", "batchgetitem", "batchwriteitem",
                     "conditioncheckitem", "partiqlselect", "partiqlinsert", "partiqlupdate", "partiqldelete", "getrecords",
                     "getsharditerator"],
        "sqs": ["sendmessage", "receivemessage", "deletemessage", "changemessagevisibility"],
        "sns": ["publish"],
        "lambda": ["invokefunction", "invokefunctionurl"],
        "kinesis": ["putrecord", "putrecords", "getrecords", "getsharditerator", "subscribetoshard"],
    ]

    /// True when `action` is logged only as a data event.
    static func isDataEvent(_ action: IAMAction, catalog: ActionCatalog) -> Bool {
        let service = action.service.lowercased()
        if service == "s3" {
            return catalog.entry(action)?.resourceTypes.contains { $0 == "object" || $0 == "accesspointobject" } ?? false
                || ["listbucket", "listbucketversions", "listbucketmultipartuploads"].contains(action.name.lowercased())
        }
        return itemLevel[service]?.contains(action.name.lowercased()) ?? false
    }
}

enum UnusedPermissions {
    /// The usage of each Allow statement of `policy` for the endpoint's requests.
    static func report(_ policy: PolicyDocument, services: Set<String>, authorized: [ObservedAccess], denied: [ObservedAccess],
                       dataEventServices: Set<String>, catalog: ActionCatalog) -> [StatementUsage] {
        policy.statements.enumerated().compactMap { index, statement -> StatementUsage? in
            guard statement.effect == .allow else { return nil }
            // The statement's Action and Resource alone (principals and conditions are the replay's business).
            let single = CompiledPolicy(PolicyDocument(version: policy.version, statements: [Statement(
                sid: statement.sid, effect: .allow, action: statement.action, resource: statement.resource)]), kind: .identity)
            let granted = catalog.expand(statement.action).filter { services.isEmpty || services.contains($0.service.lowercased()) }
            func grants(_ a: ObservedAccess) -> Bool {
                single.evaluate(
                    RequestContext(action: a.access.action.description, resource: PolicyText.sample(of: a.access.resource.text),
                    principal: nil)).decision == .allow
            }
            let used = Set(authorized.filter(grants).map(\.access.action))
            let denied = Set(denied.filter(grants).map(\.access.action)).subtracting(used)
            var usage = StatementUsage(statement: statement.sid ?? "#\(index)", used: [], usedButDenied: [], unused: [], notObservable: [])
            for action in granted {
                if used.contains(action) { usage.used.append(action.description) }
                else if denied.contains(action) { usage.usedButDenied.append(action.description) }
                else if DataEventActions.isDataEvent(action, catalog: catalog) && !dataEventServices.contains(action.service.lowercased()) {
                    usage.notObservable.append(action.description)
                } else { usage.unused.append(action.description) }
            }
            // Used actions the catalog does not list (new actions) still count as used.
            for action in used where !granted.contains(action) { usage.used.append(action.description) }
            usage.used.sort()
            return usage
        }
    }
}
