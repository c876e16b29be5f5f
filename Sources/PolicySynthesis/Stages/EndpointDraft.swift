import AWSModel
import IAMPolicy

/// Stage 5: an endpoint's draft, coarsened step by step until it fits the size limit, each step said.
struct EndpointDraft {
    var document: PolicyDocument
    var evidence: [String: StatementEvidence]
    var notes: [Diagnostic]
    var coarsened: [Diagnostic]
    /// Who each statement speaks for, by Sid.
    var principals: [String: [Principal]]
    /// The draft's size in characters, measured once.
    var size: Int

    static func fit(_ builder: EndpointPolicyBuilder, _ items: [(ObservedAccess, Ownership)], granularity: Granularity,
                    limit: Int) -> EndpointDraft {
        var built = builder.build(items)
        var size = PolicyWriter.size(built.document)
        var coarsened: [Diagnostic] = []
        var steps: [(String, Granularity, Bool)] = []
        if granularity == .exact { steps.append(("object keys generalized to prefixes", .prefix, false)) }
        if granularity != .bucket { steps.append(("object keys generalized to whole buckets", .bucket, false)) }
        steps.append(("all principals merged into one statement", .bucket, true))
        for (description, coarser, merge) in steps where size > limit {
            built = builder.build(items, granularity: coarser, mergePrincipals: merge)
            size = PolicyWriter.size(built.document)
            coarsened.append(Diagnostic(.coarsened, .note, "\(description) to fit \(limit) characters (now \(size))"))
        }
        if size > limit {
            coarsened.append(
                Diagnostic(.overSizeLimit, .error,
                "still \(size) characters after every coarsening step: split the workloads across endpoints"))
        }
        var draft = EndpointDraft(document: built.document, evidence: built.evidence, notes: built.notes, coarsened: coarsened,
                                  principals: built.principals, size: size)
        if draft.document.statements.isEmpty {
            // Nothing authorized went through: a policy that allows nothing still needs one statement.
            draft.document = PolicyDocument(
                statements: [Statement(sid: "NoObservedUse", effect: .deny, principal: .any, action: .actions(["*"]),
                                                                   resource: .resources(["*"]))])
            draft.size = PolicyWriter.size(draft.document)
            draft.notes.append(Diagnostic(.noLoggedUse, .warning, """
                no authorized request went through this endpoint in the window: the draft refuses everything; apply it only if the trail \
                covers this endpoint (data events, every account that uses it)
                """))
        }
        return draft
    }
}
