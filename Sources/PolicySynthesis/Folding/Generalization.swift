import AWSModel
import IAMPolicy

/// The synthesis rule for object keys, written once for the store's fold and the builder: what a key
/// generalizes to, how many patterns a principal may have in one bucket, and what today's policy allows.
enum Generalization {
    /// The generalized policy text of an S3 object ARN under `granularity`, or nil when nothing changes:
    /// `arn:aws:s3:::b/uploads/x.json` → `arn:aws:s3:::b/uploads/*` (`prefix`), `arn:aws:s3:::b/*`
    /// (`bucket`). The text before the key is kept as it is (partition included).
    static func pattern(of text: String, _ granularity: Granularity) -> String? {
        guard let parts = ObjectParts(text) else { return nil }
        switch granularity {
        case .exact: return nil
        case .bucket: return parts.bucketPattern
        case .prefix, .org: return parts.prefixPattern
        }
    }

    /// The generalized form of a resource under `granularity` (only S3 object keys change; the key's
    /// escapes hold no `/`, so its first segment is the escaped first segment).
    static func generalize(_ resource: Resource, _ granularity: Granularity) -> Resource {
        pattern(of: resource.text, granularity).map { Resource(policyText: $0) } ?? resource
    }
}

/// Where an S3 object ARN's bucket and first key segment end, found once in its bytes; nil for anything
/// else and for a key of `*` (a batch delete's).
struct ObjectParts {
    let text: String
    /// The `/` after the bucket name.
    let slash: String.Index
    /// The `/` after the key's first segment, if the key has one.
    let second: String.Index?

    init?(_ text: String) {
        guard let (slash, second) = Self.slashes(text.utf8) else { return nil }
        self.text = text
        self.slash = slash
        self.second = second
    }

    /// Where an S3 object ARN's text (`arn:PARTITION:s3:::BUCKET/KEY`: no Region, no account) has the `/` after
    /// the bucket name and the one after the key's first segment (nil when the key has none); nil when it is not
    /// an object ARN (an object through an access point is `…:accesspoint/NAME/object/KEY`) or its key is `*`.
    static func slashes(_ utf8: String.UTF8View) -> (slash: String.Index, second: String.Index?)? {
        guard utf8.starts(with: "arn:".utf8) else { return nil }
        var colons = 0, i = utf8.startIndex, serviceStart = i
        while i < utf8.endIndex, colons < 5 {
            if utf8[i] == UInt8(ascii: ":") {
                colons += 1
                if colons == 2 { serviceStart = utf8.index(after: i) }
                if colons == 3, !utf8[serviceStart..<i].elementsEqual("s3".utf8) { return nil }
                if colons > 3, utf8[utf8.index(before: i)] != UInt8(ascii: ":") { return nil }
            }
            i = utf8.index(after: i)
        }
        guard colons == 5, let slash = utf8[i...].firstIndex(of: UInt8(ascii: "/")), slash != i else { return nil }
        let key = utf8.index(after: slash)
        guard !utf8[key...].elementsEqual("*".utf8) else { return nil }
        return (slash, utf8[key...].firstIndex(of: UInt8(ascii: "/")))
    }

    /// `…:::bucket/*`.
    var bucketPattern: String { PolicyText.allObjects(inBucketARN: String(Substring(text.utf8[..<slash]))) }
    /// `…:::bucket/first/*`, nil when the key has no `/`.
    var prefixPattern: String? { second.map { PolicyText.allObjects(inBucketARN: String(Substring(text.utf8[..<$0]))) } }
    /// `…:::bucket/`, what names the bucket.
    var bucketARN: Substring { text[...slash] }
}

/// The generalized patterns each place (an audience's bucket) holds, up to one past
/// ``SynthesisOptions/prefixLimit``: past it, the builder widens the place's keys to the bucket's `*`.
/// Patterns are told apart by their bytes.
struct PrefixBudget<Place: Hashable> {
    private var patterns: [Place: Set<Resource>] = [:]

    /// Counts `pattern` at `place`: true when the place holds it or had room for it, false once the place
    /// is over the limit and the pattern new.
    mutating func admit(_ pattern: Resource, at place: Place) -> Bool {
        patterns[place, default: []].admitting(pattern)
    }

    /// Whether `place` has more patterns than the limit.
    func isOver(_ place: Place) -> Bool { (patterns[place]?.count ?? 0) > SynthesisOptions.prefixLimit }
}

extension Set<Resource> {
    /// One lookup, changed in place: a pattern seen, or room for one more.
    fileprivate mutating func admitting(_ pattern: Resource) -> Bool {
        guard count <= SynthesisOptions.prefixLimit else { return contains(pattern) }
        insert(pattern)
        return true
    }
}

/// Answers to "does today's policy of this endpoint allow this audience this action on this resource
/// pattern?", each asked once: the store's fold and the builder ask the same questions.
public final class PolicyAnswers: Sendable {
    struct Question: Hashable {
        var endpoint: VPCEndpointID
        var audience: Audience
        var action: IAMAction
        var resource: Resource
    }

    private let answers = Cache<Question, Bool>()

    /// An empty memo.
    public init() {}

    /// Whether `current`, the policy of `endpoint`, allows `action` on `resource` (a pattern: wildcards
    /// sampled) for the audience; an unevaluable answer counts as allowed (the grant check decides).
    func allows(_ current: CompiledPolicy, endpoint: VPCEndpointID, _ audience: Audience, _ action: IAMAction,
                _ resource: Resource) -> Bool {
        answers.value(Question(endpoint: endpoint, audience: audience, action: action, resource: resource)) {
            let sample = PolicyText.sample(of: resource.text)
            let principal = audience.principal.map(RequestPrincipal.init) ?? RequestPrincipal(kind: .anonymous, arn: Principal.anonymousARN)
            var context = RequestContext(action: action.description, resource: sample, principal: principal,
                                         keys: ["aws:SourceVpce": [endpoint.rawValue]])
            context.unsetKeys = Replay.unsetKeys(principal, throughEndpoint: true)
            let decision = current.evaluate(context).decision
            return decision == .allow || decision == .unevaluable
        }
    }
}
