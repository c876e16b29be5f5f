import AWSModel
import Foundation
import IAMPolicy
import Inventory
import PolicySynthesis

/// `perimeter.tf`: the ready drafts as Terraform that fits the state the inventory read. A policy the
/// state already sets (an endpoint's or bucket's own `policy` argument, an `aws_vpc_endpoint_policy`, an
/// `aws_s3_bucket_policy`) is changed on that resource: its address and the new value of its `policy`
/// argument, as a local value, never a second resource (two resources overwrite each other on every
/// apply). Any other draft is a resource on the provider alias of its account and Region, one alias per
/// pair, each with `allowed_account_ids` so that Terraform refuses another account's credentials.
/// Each policy sits in a heredoc with Terraform's template sequences (`${`, `%{`) escaped, so a policy
/// variable or a literal `${*}` stays text. `terraform fmt` leaves the file as it is.
extension ChangeFiles {
    static func terraform(_ drafts: [Draft], profiles: [AccountID: String] = [:]) -> String {
        var out = """
            # Written by Perimeter: the drafts whose verdict is ready, as Terraform.
            # Read report.md and each .diff first. A policy the given Terraform state sets is changed on that resource (its
            # address and the new value of its `policy` argument, below), never by a second resource: two would overwrite each
            # other on every apply. Any other draft is a resource on the provider alias of its account and Region.

            """
        let left = drafts.filter { $0.verdict != .ready }
        if !left.isEmpty {
            out += "#\n# Left out:\n" + left.map { "#   \($0.label)\n" }.joined()
        }
        let ready = drafts.filter { $0.verdict == .ready }
        out += providers(ready.filter { $0.terraform == nil }, profiles: profiles)
        var used: Set<String> = []
        for d in ready {
            var name = resourceName(d.id)
            while used.contains(name) { name += "_" }
            used.insert(name)
            out += d.terraform.map { managed(d, $0, name: name) } ?? resource(d, name: name)
        }
        return out
    }

    /// The provider alias of a draft's account and Region; nil when either is not known.
    static func providerAlias(_ d: Draft) -> String? {
        guard let account = d.account, account.isNumeric, let region = d.region else { return nil }
        return "perimeter_\(account)_" + region.replacingOccurrences(of: "-", with: "_")
    }

    /// One `provider "aws"` block per account and Region the drafts are in, by alias.
    static func providers(_ drafts: [Draft], profiles: [AccountID: String]) -> String {
        var blocks: [String: String] = [:]
        for d in drafts {
            guard let alias = providerAlias(d), blocks[alias] == nil, let account = d.account, let region = d.region else { continue }
            var block = "\nprovider \"aws\" {\n  alias               = \"\(alias)\"\n  region              = \"\(region)\"\n"
            block += "  allowed_account_ids = [\"\(account)\"]\n"
            if let profile = profiles[account], ProfileMap.isWellFormed(profile) { block += "  profile             = \"\(profile)\"\n" }
            blocks[alias] = block + "}\n"
        }
        return blocks.sorted { $0.key < $1.key }.map(\.value).joined()
    }

    /// A draft no resource of the state sets, as its own resource.
    static func resource(_ d: Draft, name: String) -> String {
        let provider = providerAlias(d)
        var out = "\n"
        if provider == nil {
            out += "# \(d.kind.isEndpoint ? "endpoint" : "bucket") \(d.id): its account or Region is not known: the default provider\n"
        }
        switch d.kind {
        case .endpoint:
            out += "resource \"aws_vpc_endpoint_policy\" \"\(name)\" {\n"
            if let provider { out += "  provider        = aws.\(provider)\n" }
            out += "  vpc_endpoint_id = \"\(d.id)\"\n  policy          = <<-EOT\n"
        case .bucket:
            let pad = provider == nil ? "" : "  "
            out += "resource \"aws_s3_bucket_policy\" \"\(name)\" {\n"
            if let provider { out += "  provider = aws.\(provider)\n" }
            out += "  bucket \(pad)= \"\(d.id)\"\n  policy \(pad)= <<-EOT\n"
        }
        return out + heredoc(d.draft) + "  EOT\n}\n"
    }

    /// A draft whose policy the state's resource `t` sets: the address, and the new value as a local.
    static func managed(_ d: Draft, _ t: TerraformResource, name: String) -> String {
        let local = "perimeter_" + name.drop(while: { $0 == "_" })
        let address = shown(t.address)
        var out = "\n# \(d.label): Terraform sets this policy as \(address) (its `policy` argument).\n"
        out += "# Set that argument, in the block that declares \(address), to local.\(local) below (or its value);\n"
        out += "# declare no second resource for this \(d.kind.isEndpoint ? "endpoint" : "bucket").\n"
        if t.type == "aws_s3_bucket" {
            out += """
                # The `policy` argument of aws_s3_bucket is deprecated (AWS provider 4 and later). To move the policy to its own
                # resource instead, remove the argument from \(address), declare aws_s3_bucket_policy.\(name) with
                # bucket = "\(d.id)" and this value, and adopt the live policy with:
                #   import {
                #     to = aws_s3_bucket_policy.\(name)
                #     id = "\(d.id)"
                #   }

                """
        }
        return out + "locals {\n  \(local) = <<-EOT\n" + heredoc(d.draft) + "  EOT\n}\n"
    }

    /// The policy's lines, indented for a heredoc, with template sequences escaped.
    static func heredoc(_ policy: PolicyDocument) -> String {
        let text = PolicyWriter.write(policy).split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.isEmpty ? "" : "    " + escapeTemplate(String($0)) }.joined(separator: "\n")
        return text.hasSuffix("\n") ? text : text + "\n"
    }

    /// A state's address as it may stand in a comment: printable ASCII, anything else as `?`.
    static func shown(_ address: String) -> String {
        String(String.UnicodeScalarView(address.unicodeScalars.map { (32...126).contains($0.value) ? $0 : "?" }))
    }
}
