import AWSModel
import IAMPolicy

/// Stage 3: one endpoint's requests split into what a draft may allow, what is held for review, and
/// what was not authorized.
struct AccessTriage {
    /// Authorized requests a draft may allow, with who owns what they reached.
    var draftable: [(ObservedAccess, Ownership)] = []
    /// Authorized requests the draft refuses until a human decides.
    var held: [ObservedAccess] = []
    var review: [ReviewItem] = []
    /// Requests that were not authorized (denied, unauthenticated, unclassified).
    var denied: [ObservedAccess] = []

    static func split(_ accesses: [ObservedAccess], endpoint: VPCEndpointID, region: String, classifier: ResourceClassifier,
                      trusted: Set<AccountID>, actions: ActionCatalog) -> AccessTriage {
        var triage = AccessTriage()
        for access in accesses {
            guard access.outcome.wasAuthorized else {
                triage.denied.append(access)
                continue
            }
            if let reason = refusal(access, actions: actions) {
                triage.hold(access, endpoint: endpoint, owner: access.access.resourceAccount, reason: reason)
                continue
            }
            let ownership = classifier.classify(access.access, region: access.region.isEmpty ? region : access.region)
            let principalTrusted = access.principal.account.map(trusted.contains) ?? (access.principal.kind == .awsService)
            switch ownership {
            case .foreign(let owner):
                triage.hold(access, endpoint: endpoint, owner: owner, reason: owner.map { "owned by \($0.rawValue), outside the trusted accounts" }
                    ?? "owner unknown: not in the inventory's buckets and not logged")
            case .awsOwned:
                triage.draftable.append((access, ownership))
            default:
                if principalTrusted {
                    triage.draftable.append((access, ownership))
                } else {
                    triage.hold(access, endpoint: endpoint, owner: access.access.resourceAccount, reason: "principal outside the trusted accounts")
                }
            }
        }
        return triage
    }

    /// Why a request can never be granted as logged: its resource is not named, or its action is not IAM's.
    static func refusal(_ access: ObservedAccess, actions: ActionCatalog) -> String? {
        if access.access.resource == .notLogged {
            return "resource not logged: the record names no resource for this action"
        }
        if actions.entry(access.access.action) == nil {
            return actions.covers(service: access.access.action.service)
                ? "not an IAM action: `\(access.access.action)` is not in the Service Authorization Reference"
                : "not an IAM action Perimeter can check: the action catalog does not cover `\(access.access.action.service)`"
        }
        return nil
    }

    mutating func hold(_ access: ObservedAccess, endpoint: VPCEndpointID, owner: AccountID?, reason: String) {
        held.append(access)
        review.append(ReviewItem(endpoint: endpoint.rawValue, principal: access.principal.arn, action: access.access.action.description,
                                 resource: access.access.resource.text, owner: owner?.rawValue, reason: reason, requests: access.count,
                                 firstSeen: access.firstSeen, lastSeen: access.lastSeen))
    }
}
