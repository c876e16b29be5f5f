public import AWSModel

/// Reads the inventory from the files people keep, recognized by content, never by name alone:
///
/// - AWS CLI JSON output: `ec2 describe-vpc-endpoints`, `ec2 describe-network-interfaces`,
///   `organizations list-accounts`, `s3api list-buckets`, `s3api get-bucket-policy` (or a plain policy in
///   `<bucket>.json` / `<vpce-id>.json`); `list-buckets` and `list-accounts` also as `--output text`.
/// - Terraform: state files (`.tfstate`, format 4), `terraform show -json` of a state or of a plan
///   (the plan's prior state is what is in force): `aws_vpc_endpoint`, `aws_vpc_endpoint_policy`,
///   `aws_s3_bucket`, `aws_s3_bucket_policy`.
/// - CloudFormation templates, JSON or YAML (`AWS::EC2::VPCEndpoint`, `AWS::S3::BucketPolicy`), with
///   `cloudformation describe-stack-resources` output to name the deployed ids.
/// - AWS Config configuration items: snapshots, `get-resource-config-history`, `select-resource-config`.
///
/// What a file cannot tell (a value that needs an intrinsic function, a bucket owner given as a
/// canonical id) is a diagnostic, never a guess.
public enum InventoryReader {
    /// Reads every (path, text) pair into one inventory; a file that is none of the shapes is a
    /// diagnostic. `trustedAccounts` (from `--trusted-account`) names the owner of buckets whose
    /// listing gives only a canonical user id.
    ///
    /// ```swift
    /// let inventory = InventoryReader.read([("inventory/terraform.tfstate", text)])
    /// print(inventory.endpoints.keys.sorted(), inventory.diagnostics)
    /// ```
    public static func read(_ files: [(path: String, text: String)], trustedAccounts: [AccountID] = []) -> Inventory {
        let texts = Dictionary(files.map { ($0.path, $0.text) }, uniquingKeysWith: { first, _ in first })
        return read(paths: files.map(\.path), trustedAccounts: trustedAccounts) { texts[$0]! }
    }

    /// Reads the files at `paths` in path order, one at a time: `load` gives a file's text, which is
    /// dropped once read, so that the inventory never holds more than one file's text at once.
    /// - Throws: what `load` throws, at the first file it fails for.
    public static func read(paths: [String], trustedAccounts: [AccountID] = [], load: (String) throws -> String) rethrows -> Inventory {
        var reading = InventoryReading(trustedAccounts: trustedAccounts)
        for path in paths.sorted() { reading.read(path: path, text: try load(path)) }
        return reading.finish()
    }
}
