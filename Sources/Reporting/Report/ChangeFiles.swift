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

        /// `<account>/<region>/` when the run's drafts span accounts or Regions (``ChangeFiles/grouped(_:)``), else empty.
        var folder = ""

        var file: String { folder + (kind.isEndpoint ? "endpoints/\(id).json" : "buckets/\(id).json") }
        var diffFile: String { String(file.dropLast(".json".count)) + ".diff" }
        var current: String { folder + "current/" + (kind.isEndpoint ? "endpoints/\(id).json" : "buckets/\(id).json") }
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
        return grouped(endpoints + buckets)
    }

    /// The drafts, each under `<account>/<region>/` when the endpoints drafted belong to more than one account or the
    /// drafts span more than one Region (each account team gets its folder); else as they are, flat, as one account's
    /// run has always been written (its locks on another account's buckets included).
    static func grouped(_ drafts: [Draft]) -> [Draft] {
        let accounts = Set(drafts.filter(\.kind.isEndpoint).compactMap(\.account).filter(\.isNumeric))
        let regions = Set(drafts.compactMap(\.region))
        guard accounts.count > 1 || regions.count > 1 else { return drafts }
        return drafts.map { d in
            var d = d
            d.folder = folder(account: d.account, region: d.region)
            return d
        }
    }

    /// `<account>/<region>/`, from the typed values only: an account id of twelve digits and a Region-shaped name
    /// become folders; anything else (unknown, or not of that shape) is `account-unknown` / `region-unknown`.
    static func folder(account: AccountID?, region: String?) -> String {
        let account = account.flatMap { $0.isNumeric ? $0.rawValue : nil } ?? "account-unknown"
        let region = region.flatMap { RegionName.isRegionShaped($0) ? $0 : nil } ?? "region-unknown"
        return account + "/" + region + "/"
    }

    /// A draft's diff as written beside it: under a folder, its first line names the saved current policy there.
    static func placedDiff(_ diff: String, _ d: Draft) -> String {
        guard !d.folder.isEmpty, let end = diff.firstIndex(of: "\n") else { return diff }
        return diff[..<end].replacingOccurrences(of: "(current/", with: "(" + d.folder + "current/") + diff[end...]
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
