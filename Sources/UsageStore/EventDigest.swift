import AWSModel

/// What Perimeter reads from one event, digested: two records with one event id and one digest are the
/// same event delivered twice (de-duplicated silently); with two digests they are a conflict, which
/// the store keeps visible. The first 16 bytes of a SHA-256 of every field of ``NormalizedEvent``, each
/// after its length, so that a forged record cannot pass for a copy of a real one.
struct EventDigest: Hashable, Sendable {
    var high: UInt64
    var low: UInt64

    /// The digest of `event`'s content.
    init(_ event: NormalizedEvent) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(512)
        func add(_ text: String?) {
            guard let text else { return bytes.append(0) }
            bytes.append(1)
            withUnsafeBytes(of: UInt32(truncatingIfNeeded: text.utf8.count).littleEndian) { bytes.append(contentsOf: $0) }
            bytes.append(contentsOf: text.utf8)
        }
        withUnsafeBytes(of: event.eventTime.littleEndian) { bytes.append(contentsOf: $0) }
        let texts = [event.eventID, event.eventSource, event.eventName, event.region, event.principal.kind.rawValue, event.principal.arn,
                     event.principal.account?.rawValue, event.sessionName, event.vpcEndpointID?.rawValue,
                     event.vpcEndpointAccount?.rawValue, event.sourceIP, event.userAgent, event.recipientAccount?.rawValue,
                     event.outcome.rawValue, event.errorCode, event.category]
        for text in texts { add(text) }
        for count in [event.bytesIn, event.bytesOut] { withUnsafeBytes(of: count.littleEndian) { bytes.append(contentsOf: $0) } }
        add(String(event.accesses.count))
        for access in event.accesses {
            add(access.action.description)
            add(access.resource.text)
            add(access.resourceAccount?.rawValue)
        }
        let sum = SHA256.hash(bytes)
        high = sum.prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
        low = sum.dropFirst(8).prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
    }

    /// The 16 bytes, big-endian, as the store keeps them.
    var bytes: [UInt8] { (0..<16).map { UInt8(truncatingIfNeeded: ($0 < 8 ? high : low) >> (56 - 8 * UInt64($0 % 8))) } }
}
