import AWSModel
import IAMPolicy

extension AppliedCheck {
    /// An applied draft compiled twice: as written, and with its resources taken out for requests that
    /// name none.
    struct Policies {
        let applied: CompiledPolicy
        /// Allows whatever the draft allows on some resource, and denies what it denies on every resource:
        /// its implicit or explicit deny, for a request whose resource is `*`, holds on every resource;
        /// allow or unevaluable means the answer depends on the resource, or is not known.
        let anyResource: CompiledPolicy

        init(_ document: PolicyDocument, kind: PolicyKind) {
            applied = CompiledPolicy(document, kind: kind)
            var loose = document
            loose.statements = document.statements.compactMap(Self.onAnyResource)
            anyResource = CompiledPolicy(loose, kind: kind)
        }

        /// An Allow without its `Resource` or `NotResource` (it matches any resource); a Deny only when it
        /// covers every resource (no `Resource`, or one that lists `*`), else nil.
        static func onAnyResource(_ statement: Statement) -> Statement? {
            var s = statement
            switch (s.effect, s.resource) {
            case (.allow, _): s.resource = nil
            case (.deny, nil): break
            case (.deny, .resources(let patterns)?) where patterns.contains(PolicyText.anyResource):
                s.resource = .resources([PolicyText.anyResource])
            default: return nil
            }
            return s
        }
    }
}
