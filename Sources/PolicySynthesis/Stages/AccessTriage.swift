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

    /// `serves`: the service the inventory says the endpoint is for (its `ServiceName`), nil when it says none.
    static func split(_ accesses: [ObservedAccess], endpoint: VPCEndpointID, region: String, classifier: ResourceClassifier,
                      trusted: Set<AccountID>, actions: ActionCatalog, serves: String? = nil) -> AccessTriage {
        var triage = AccessTriage()
        for access in accesses {
            guard access.outcome.wasAuthorized else {
                triage.denied.append(access)
                continue
            }
            if let reason = refusal(access, actions: actions) ?? Self.otherService(access, serves: serves) {
                triage.hold(access, endpoint: endpoint, owner: access.access.resourceAccount, reason: reason)
                continue
            }
            if access.networkOnly {
                triage.networkOnly(access, endpoint: endpoint, trusted: trusted)
                continue
            }
            let ownership = classifier.classify(access.access, region: access.region.isEmpty ? region : access.region)
            let principalTrusted = access.principal.account.map(trusted.contains) ?? (access.principal.kind == .awsService)
            switch ownership {
            case .foreign(let owner):
                triage.hold(access, endpoint: endpoint, owner: owner,
                    reason: owner.map { "owned by \($0.rawValue), outside the trusted accounts" }
                    ?? "owner unknown: not in the inventory's buckets and not logged")
            case .claimed(let owner):
                triage.hold(access, endpoint: endpoint, owner: owner, reason: Self.claimedOwner(owner))
            case .awsOwned:
                triage.draftable.append((access, ownership))
            default:
                if principalTrusted {
                    triage.draftable.append((access, ownership))
                } else {
                    triage.hold(access, endpoint: endpoint, owner: access.access.resourceAccount, reason: foreignCaller(access))
                }
            }
        }
        return triage
    }

    /// Why a call is held that cannot have passed through an S3 or DynamoDB endpoint (another service's, in a record that
    /// names the endpoint: a forged one put S3 grants in a DynamoDB endpoint's draft and that endpoint in bucket locks).
    static func otherService(_ access: ObservedAccess, serves: String?) -> String? {
        guard let serves, ["s3", "dynamodb"].contains(serves), access.access.action.service.lowercased() != serves else { return nil }
        return "a `\(access.access.action.service)` call through an endpoint of `\(serves)` (the inventory's service name): "
            + "no such call passes through it"
    }

    /// Why a bucket owned only on a record's word is held.
    static func claimedOwner(_ owner: AccountID) -> String {
        "owner \(owner.rawValue) only as the record claims (resources[].accountId): not in the inventory's buckets; "
            + "add its account's `s3api list-buckets` output to the inventory to prove it"
    }

    /// A request seen only in network activity events: its principal, action and endpoint are proven, its
    /// resource is not visible. A trusted caller's pair is drafted (with the resources today's policy allows
    /// it, ``NetworkOnlyGrants``); a caller CloudTrail redacts to its account, or one outside the trusted
    /// accounts, is held like any foreign caller: never silently trusted.
    mutating func networkOnly(_ access: ObservedAccess, endpoint: VPCEndpointID, trusted: Set<AccountID>) {
        let principalTrusted = access.principal.account.map(trusted.contains) ?? (access.principal.kind == .awsService)
        guard principalTrusted, access.principal.kind != .awsAccount else {
            let reason = principalTrusted ? Self.redacted + ": a grant would admit the whole account"
                : Self.foreignCaller(access)
            return hold(access, endpoint: endpoint, owner: nil, reason: reason + "; \(Self.networkOnlyNote)")
        }
        draftable.append((access, .accountLevel))
    }

    /// What every network-only request is said with.
    static let networkOnlyNote = "resource not visible: network activity only"

    /// Why a caller outside the trusted accounts is held, saying when CloudTrail logged only its account.
    static func foreignCaller(_ access: ObservedAccess) -> String {
        access.principal.kind == .awsAccount ? Self.redacted + ", outside the trusted accounts" : "principal outside the trusted accounts"
    }

    /// A caller CloudTrail logs only by its account (`userIdentity.type` `AWSAccount`); the account is in
    /// the row's principal column (logged text stays out of the reason).
    static let redacted = "identity redacted: CloudTrail logs only the caller's account (aws:PrincipalAccount)"

    /// Why a request can never be granted as logged: its resource is not named, or its action is not IAM's.
    /// A network-only request's resource is never logged: that alone does not refuse it.
    static func refusal(_ access: ObservedAccess, actions: ActionCatalog) -> String? {
        if access.access.resource == .notLogged, !access.networkOnly {
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
        review.append(ReviewItem(endpoint: endpoint, principal: access.principal.arn, action: access.access.action.description,
                                 resource: access.access.resource.text, owner: owner, reason: reason, requests: access.count,
                                 firstSeen: access.firstSeen, lastSeen: access.lastSeen))
    }
}
