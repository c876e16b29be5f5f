import AWSModel

/// The fold of one read at `exact` granularity: the store's groups as they are, except an endpoint whose
/// distinct authorized object ARNs pass ``AccessFolding/exactTextLimit`` characters (no exact draft could
/// hold them), whose groups are folded to prefixes. An endpoint's rows come together: they are held until
/// it ends or passes the limit (then they, and the rest of its rows, go through a prefix fold).
struct ExactFolding {
    let folding: AccessFolding
    /// The groups of the endpoints read so far.
    private(set) var groups: [ObservedAccess] = []
    /// Endpoints folded to prefixes.
    private(set) var foldedExact: Set<VPCEndpointID> = []

    /// The endpoint being read (nil: the requests that used none), and whether any is.
    private var endpoint: VPCEndpointID??
    /// Its groups so far, with their row identities, until it is folded.
    private var held: [(identity: Int, access: ObservedAccess)] = []
    /// Its distinct authorized object ARNs and their characters, until it is folded.
    private var seen: Set<String> = [], characters = 0
    /// Its prefix fold, once it passed the limit.
    private var keys: KeyFolding?

    init(folding: AccessFolding) { self.folding = folding }

    mutating func add(_ row: AccessRow) {
        if endpoint != .some(row.columns.endpoint) {
            finish()
            endpoint = .some(row.columns.endpoint)
        }
        if keys != nil { return keys!.add(row) }
        let access = row.access()
        held.append((row.identity, access))
        let text = access.access.resource.text
        guard access.outcome.wasAuthorized, access.access.resource.s3ObjectKey != nil else { return }
        if seen.insert(text).inserted { characters += text.utf8.count }
        guard characters > AccessFolding.exactTextLimit else { return }
        if let id = row.columns.endpoint { foldedExact.insert(id) }
        var keys = KeyFolding(folding: folding, granularity: .prefix)
        for (identity, access) in held {
            keys.add(AccessRow(identity: identity, columns: access, resource: access.access.resource.text, count: access.count,
                               firstSeen: access.firstSeen, lastSeen: access.lastSeen, sampleEventID: access.sampleEventID))
        }
        (held, seen, characters, self.keys) = ([], [], 0, keys)
    }

    /// Ends the endpoint being read.
    mutating func finish() {
        groups += held.map(\.access)
        if var keys {
            keys.finish()
            groups += keys.groups
        }
        (held, seen, characters, keys) = ([], [], 0, nil)
    }
}
