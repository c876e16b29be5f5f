import AWSModel
import IAMPolicy

/// Denied writes to S3 buckets whose owner is not a trusted account (or is not known): what an
/// exfiltration attempt through an endpoint looks like in CloudTrail. The drafts keep refusing them;
/// who tried deserves a look.
enum PossibleExfiltration {
    /// The denials that are such writes, judged on the logged request's typed action and resource with
    /// `actions` (the catalog synthesis was given), first seen first.
    static func find(_ denied: some Sequence<(ObservedAccess, Denial)>, trusted: Set<AccountID>,
                     actions: ActionCatalog) -> [Denial] {
        denied.filter { access, denial in
            // A request that failed to authenticate as its principal never reached a policy; an anonymous one did (as
            // anonymous, and was refused): a write to a bucket that takes anonymous writes needs no credentials at all.
            guard access.outcome != .unauthenticated || access.principal.kind == .anonymous, access.outcome != .unclassifiedError,
                  isWrite(access.access, actions: actions) else { return false }
            // A trusted owner that only the record claims is no evidence: the record is the trail writer's to choose.
            return denial.owner.map { !trusted.contains($0) || denial.ownerClaimed == true } ?? true
        }.map(\.1).sorted { ($0.firstSeen, $0.resource) < ($1.firstSeen, $1.resource) }
    }

    /// Whether `access` writes to S3 storage: a bucket or an object in it, an access point or an object through it, or an
    /// S3 Express One Zone directory bucket (`arn:PARTITION:s3express:REGION:ACCOUNT:bucket/NAME`) or an object in it;
    /// with an action the catalog calls a write. S3 Express logs its zonal calls under S3's API names
    /// (`s3express:PutObject`), which its own actions do not name: each is judged as S3's action of that name. Its
    /// `CreateSession` is the authorization of every later call, ReadWrite unless the caller asks for less (the log
    /// keeps no mode here): a denied one is a write refused.
    static func isWrite(_ access: ResourceAccess, actions: ActionCatalog) -> Bool {
        guard let arn = access.resource.arn, Partition.isWellFormed(arn.partition) else { return false }
        let action = access.action
        switch action.service {
        case "s3":
            guard arn.s3BucketName != nil || arn.s3AccessPoint != nil else { return false }
            return actions.entry(action)?.accessLevel == "Write"
        case "s3express":
            guard arn.service == "s3express", arn.resource.hasPrefix("bucket/"), AccountID(arn.account).isNumeric else { return false }
            return action.name == "CreateSession" || actions.entry(IAMAction(service: "s3", name: action.name))?.accessLevel == "Write"
        default:
            return false
        }
    }
}
