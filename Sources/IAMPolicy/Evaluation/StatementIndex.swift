/// A policy's statements by the actions they name, so that a request is matched only against the
/// statements its action can reach: a statement whose actions are all literal (`s3:GetObject`) is
/// found by its actions; one with a wildcard action or `NotAction` is a candidate for every request.
/// The decision is the same as matching every statement (a statement that cannot match the action
/// returns no match before anything else).
struct ActionIndex: Sendable {
    private let byAction: [[UInt8]: [Int]]
    private let everyRequest: [Int]

    init(_ statements: [CompiledStatement]) {
        var byAction: [[UInt8]: [Int]] = [:], everyRequest: [Int] = []
        for (i, statement) in statements.enumerated() {
            guard !statement.actionsNegated, statement.actions.allSatisfy(\.isLiteral) else { everyRequest.append(i); continue }
            for action in statement.actions where byAction[action.literalBytes]?.last != i {
                byAction[action.literalBytes, default: []].append(i)
            }
        }
        self.byAction = byAction
        self.everyRequest = everyRequest
    }

    /// Calls `body` with the index of each statement `action` (lowercased bytes) can reach, in policy order.
    func forEachCandidate(_ action: [UInt8], _ body: (Int) -> Void) {
        let named = byAction[action] ?? []
        var i = 0, j = 0
        while i < named.count || j < everyRequest.count {
            if j == everyRequest.count || (i < named.count && named[i] < everyRequest[j]) {
                body(named[i]); i += 1
            } else {
                body(everyRequest[j]); j += 1
            }
        }
    }
}

/// A statement's resource patterns by their literal start (the text before the first wildcard or
/// variable), so that a resource is compared only with the patterns whose start it begins with: one
/// pass over the resource's bytes, hashing each of its prefixes as it goes (FNV-1a) and looking up the
/// lengths some pattern's start has. The answer is the same as trying every pattern: a pattern whose
/// start the resource does not begin with cannot match it, and each candidate is still matched whole.
struct ResourceIndex: Sendable {
    private let byStart: [UInt64: [Int]]
    /// `startLengths[n]` is true when some pattern's start is `n` bytes long.
    private let startLengths: [Bool]
    /// Patterns with no literal start (`*`, `${aws:username}/*`): candidates for every resource.
    private let unstarted: [Int]

    static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    static func hash(_ h: UInt64, _ byte: UInt8) -> UInt64 { (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }

    init(_ patterns: [ResourcePattern]) {
        var byStart: [UInt64: [Int]] = [:], unstarted: [Int] = [], longest = 0
        for (i, pattern) in patterns.enumerated() {
            guard !pattern.prefix.isEmpty else { unstarted.append(i); continue }
            byStart[pattern.prefix.reduce(Self.offsetBasis, Self.hash), default: []].append(i)
            longest = max(longest, pattern.prefix.count)
        }
        var startLengths = [Bool](repeating: false, count: longest + 1)
        for pattern in patterns { startLengths[pattern.prefix.count] = true }
        self.byStart = byStart
        self.startLengths = startLengths
        self.unstarted = unstarted
    }

    /// True when `matches` holds for a pattern `resource` could match, tried in no particular order.
    func contains(_ resource: PreparedResource, where matches: (Int) -> Bool) -> Bool {
        if unstarted.contains(where: matches) { return true }
        return resource.bytes.withUnsafeBufferPointer { bytes in
            var h = Self.offsetBasis, n = 0
            let end = min(bytes.count, startLengths.count - 1)
            while n < end {
                h = Self.hash(h, bytes[n])
                n += 1
                if startLengths[n], let candidates = byStart[h], candidates.contains(where: matches) { return true }
            }
            return false
        }
    }
}
