import Testing
import AWSModel
@testable import IAMPolicy

/// An account's root ARN names the account in the request's partition (issue 26, every partition).
struct PartitionPrincipalTests {
    /// Before: only `arn:aws:iam::ACCOUNT:root` named an account, so a China policy's
    /// `arn:aws-cn:iam::ACCOUNT:root` matched none of its principals.
    @Test(arguments: [
        ("arn:aws-cn:sts::111122223333:assumed-role/app/s", "arn:aws-cn:iam::111122223333:root", Decision.explicitDeny),
        ("arn:aws-us-gov:sts::111122223333:assumed-role/app/s", "arn:aws-us-gov:iam::111122223333:root", .explicitDeny),
        ("arn:aws:sts::111122223333:assumed-role/app/s", "arn:aws:iam::111122223333:root", .explicitDeny),
        ("arn:aws-cn:sts::111122223333:assumed-role/app/s", "arn:aws:iam::111122223333:root", .allow),
    ])
    func anAwsCnRootARNNamesTheAccountsPrincipalsNotOnlyArnAws(session: String, root: String, decision: Decision) throws {
        let policy = """
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},
            {"Effect":"Deny","Principal":{"AWS":"\(root)"},"Action":"s3:PutObject","Resource":"*"}]}
            """
        let context = RequestContext(action: "s3:PutObject", resource: "x", principal: RequestPrincipal.from(session))
        #expect(CompiledPolicy(try PolicyReader.read(policy)).evaluate(context).decision == decision)
    }
}
