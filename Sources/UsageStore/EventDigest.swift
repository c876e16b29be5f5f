import AWSModel

/// What Perimeter reads from one event, digested: two records with one event id and one digest are the
/// same event delivered twice (de-duplicated silently); with two digests they are a conflict, which
/// the store keeps visible. The first 16 bytes of a SHA-256 of every field of ``NormalizedEvent``, each
/// after its length, so that a forged record cannot pass for a copy of a real one. The fields are fed
/// to the hash one by one (this runs for every event, on the reader threads).
struct EventDigest: Hashable, Sendable {
    var high: UInt64
    var low: UInt64

    /// The digest of `event`'s content.
    init(_ event: NormalizedEvent) {
        var sha = SHA256()
        func add(_ text: String?) {
            guard let text else { return sha.update(0) }
            sha.update(1)
            sha.update(littleEndian: UInt32(truncatingIfNeeded: text.utf8.count))
            sha.update(text)
        }
        sha.update(littleEndian: event.eventTime)
        add(event.eventID); add(event.eventSource); add(event.eventName); add(event.region)
        add(event.principal.kind.rawValue); add(event.principal.arn); add(event.principal.account?.rawValue)
        add(event.sessionName); add(event.vpcEndpointID?.rawValue); add(event.vpcEndpointAccount?.rawValue)
        add(event.sourceIP); add(event.userAgent); add(event.recipientAccount?.rawValue)
        add(event.outcome.rawValue); add(event.errorCode); add(event.category)
        sha.update(littleEndian: event.bytesIn)
        sha.update(littleEndian: event.bytesOut)
        add(String(event.accesses.count))
        for access in event.accesses {
            add(access.action.description)
            add(access.resource.text)
            add(access.resourceAccount?.rawValue)
        }
        let sum = sha.finalize()
        high = sum.prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
        low = sum.dropFirst(8).prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// The 16 bytes, big-endian, as the store keeps them.
    var bytes: [UInt8] { (0..<16).map { UInt8(truncatingIfNeeded: ($0 < 8 ? high : low) >> (56 - 8 * UInt64($0 % 8))) } }
}
