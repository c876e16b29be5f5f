import AWSModel
import Foundation
import IAMPolicy
import Inventory
import PolicySynthesis

/// What a change needs besides the drafts: `apply.sh` and `rollback.sh` with the AWS CLI commands,
/// and `perimeter.tf` with the drafts as Terraform resources. Only drafts whose verdict is *ready* are
/// applied; a *review* draft's command is written commented out, after its reasons, for a human to
/// uncomment once they have read them; an *unsafe* draft is only named.
enum ChangeFiles {
    /// One draft as the scripts see it.
    struct Draft {
        enum Kind { case endpoint(region: String), bucket }
        var kind: Kind
        /// The endpoint id or bucket name (validated: they name files, and they stand in commands).
        var id: String
        var verdict: Verdict
        var reasons: [Diagnostic]
        /// The policy in force was saved in `current/` (else a rollback cannot restore it).
        var currentSaved: Bool
        /// The inventory declares the bucket has no policy: a rollback deletes the lock's policy.
        var currentAbsent = false
        var draft: PolicyDocument
        /// The account that owns the endpoint or bucket (the inventory's); nil when not known.
        var account: AccountID? = nil
        /// A bucket's Region: its lock's endpoints' Region where they all have one (an endpoint reaches the
        /// buckets of its own Region).
        var bucketRegion: String? = nil
        /// The endpoints a bucket lock answers.
        var lockEndpoints: [String] = []
        /// The Terraform resource that sets the policy in force, when the inventory's state names one.
        var terraform: TerraformResource? = nil

        var file: String { kind.isEndpoint ? "endpoints/\(id).json" : "buckets/\(id).json" }
        var current: String { "current/" + file }
        /// The endpoint's or the bucket's Region, where known and well formed.
        var region: String? {
            let region = if case .endpoint(let r) = kind { r } else { bucketRegion }
            return region.flatMap { ChangeFiles.isRegion($0) ? $0 : nil }
        }
        var label: String { """
            \(kind.isEndpoint ? "endpoint" : "bucket") \(id): \
            \(verdict.rawValue)\(reasons.isEmpty ? "" : " (\(reasons.map(\.code.rawValue).joined(separator: ", ")))")
            """ }
    }

    static func drafts(_ r: SynthesisResult) -> [Draft] {
        let endpoints = r.endpoints.map {
            Draft(kind: .endpoint(region: $0.region), id: $0.endpoint.id.rawValue, verdict: $0.verdict, reasons: $0.reasons,
                  currentSaved: $0.currentKnown, draft: $0.draft, account: $0.endpoint.owner, terraform: $0.endpoint.terraform)
        }
        let regions = Dictionary(r.endpoints.map { ($0.endpoint.id.rawValue, $0.region) }, uniquingKeysWith: { a, _ in a })
        let buckets = r.buckets.map { b in
            let lockRegions = Set(b.endpoints.map { regions[$0] ?? "" })
            return Draft(kind: .bucket, id: b.bucket, verdict: b.verdict, reasons: b.reasons, currentSaved: b.current != nil,
                         currentAbsent: b.currentDeclaredAbsent, draft: b.draft, account: b.owner,
                         bucketRegion: lockRegions.count == 1 ? lockRegions.first : nil, lockEndpoints: b.endpoints,
                         terraform: b.terraform)
        }
        return endpoints + buckets
    }

    /// A Region as it may stand in a command.
    static func isRegion(_ s: String) -> Bool { !s.isEmpty && RegionName.isWellFormed(s) }

    /// A Terraform resource name from an id: letters, digits, `_` and `-`, beginning with a letter or `_`.
    static func resourceName(_ id: String) -> String {
        let name = String(id.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" })
        return name.first?.isLetter == true ? name : "_" + name
    }

    /// `${` and `%{` begin template sequences in a Terraform heredoc: doubled, they are text.
    static func escapeTemplate(_ line: String) -> String {
        line.replacingOccurrences(of: "${", with: "$${").replacingOccurrences(of: "%{", with: "%%{")
    }
}

extension ChangeFiles.Draft.Kind {
    var isEndpoint: Bool { if case .endpoint = self { true } else { false } }
}
