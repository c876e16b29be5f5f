import AWSModel
import PolicySynthesis

extension ListCap {
    /// The possible exfiltration attempts an output lists (``SynthesisResult/possibleExfiltration``, first seen
    /// first), at most ``items``: the first through each endpoint, then each principal's first on each endpoint,
    /// then the first of each (endpoint, principal, destination bucket), then the earliest of the rest; and how
    /// many are left out. Denied writes flooded to one bucket, or from one principal, then cannot push an
    /// attempt on another bucket out of every list. Logged text is told apart by its bytes.
    static func exfiltration(_ attempts: [Denial]) -> (shown: [Denial], more: Int) {
        let endpoint = { (d: Denial) in d.endpoint.map { ByteKeyedText($0.rawValue) } }
        let principal = { (d: Denial) in [endpoint(d), ByteKeyedText(d.principal)] }
        return first(attempts, covering: [
            { AnyHashable(endpoint($0)) },
            { AnyHashable(principal($0)) },
            { AnyHashable(principal($0) + [Resource(policyText: $0.resource).s3BucketName.map(ByteKeyedText.init)]) },
        ])
    }
}
