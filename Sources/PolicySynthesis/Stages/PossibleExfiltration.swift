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
            guard access.outcome != .unauthenticated, access.outcome != .unclassifiedError,
                  access.access.action.service == "s3", access.access.resource.s3BucketName != nil,
                  actions.entry(access.access.action)?.accessLevel == "Write" else { return false }
            return denial.owner.map { !trusted.contains($0) } ?? true
        }.map(\.1).sorted { ($0.firstSeen, $0.resource) < ($1.firstSeen, $1.resource) }
    }
}
