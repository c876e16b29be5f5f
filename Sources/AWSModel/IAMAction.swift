/// An IAM action such as `s3:GetObject`: a service prefix and an action name.
///
/// Equality and hashing ignore case, as IAM does ("The prefix and the action name are case
/// insensitive"); `description` keeps the spelling it was made with.
public struct IAMAction: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The service prefix (`s3`).
    public let service: String
    /// The action name (`GetObject`).
    public let name: String
    /// `service:name` as made.
    public let description: String
    /// The prefix and name lowercased, made once: actions are compared and hashed all through
    /// ingest and synthesis, and lowercasing allocates.
    private let folded: (service: String, name: String)

    /// The action `service:name`.
    public init(service: String, name: String) {
        self.service = service
        self.name = name
        description = "\(service):\(name)"
        folded = (service.lowercased(), name.lowercased())
    }

    /// Parses `prefix:Name`; nil when there is no colon or either side is empty.
    public init?(_ text: String) {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let service = text[..<colon], name = text[text.index(after: colon)...]
        guard !service.isEmpty, !name.isEmpty else { return nil }
        self.init(service: String(service), name: String(name))
    }

    public static func == (lhs: IAMAction, rhs: IAMAction) -> Bool {
        lhs.folded.service == rhs.folded.service && lhs.folded.name == rhs.folded.name
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(folded.service)
        hasher.combine(folded.name)
    }

    public static func < (lhs: IAMAction, rhs: IAMAction) -> Bool {
        (lhs.folded.service, lhs.folded.name) < (rhs.folded.service, rhs.folded.name)
    }
}
