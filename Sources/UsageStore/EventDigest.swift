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

/// SHA-256 (FIPS 180-4) of a message in memory.
enum SHA256 {
    static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
        0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
        0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
        0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
        0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
        0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]

    /// The 32-byte digest of `message`.
    static func hash(_ message: [UInt8]) -> [UInt8] {
        var m = message
        let bits = UInt64(message.count) &* 8
        m.append(0x80)
        while m.count % 64 != 56 { m.append(0) }
        for shift in stride(from: 56, through: 0, by: -8) { m.append(UInt8(truncatingIfNeeded: bits >> UInt64(shift))) }
        var h: [UInt32] = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]
        var w = [UInt32](repeating: 0, count: 64)
        for chunk in stride(from: 0, to: m.count, by: 64) {
            for t in 0..<16 {
                w[t] = m[chunk + 4 * t..<chunk + 4 * t + 4].reduce(0) { $0 << 8 | UInt32($1) }
            }
            for t in 16..<64 {
                let s0 = rotate(w[t - 15], 7) ^ rotate(w[t - 15], 18) ^ (w[t - 15] >> 3)
                let s1 = rotate(w[t - 2], 17) ^ rotate(w[t - 2], 19) ^ (w[t - 2] >> 10)
                w[t] = w[t - 16] &+ s0 &+ w[t - 7] &+ s1
            }
            var (a, b, c, d, e, f, g, x) = (h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7])
            for t in 0..<64 {
                let t1 = x &+ (rotate(e, 6) ^ rotate(e, 11) ^ rotate(e, 25)) &+ ((e & f) ^ (~e & g)) &+ k[t] &+ w[t]
                let t2 = (rotate(a, 2) ^ rotate(a, 13) ^ rotate(a, 22)) &+ ((a & b) ^ (a & c) ^ (b & c))
                (x, g, f, e, d, c, b, a) = (g, f, e, d &+ t1, c, b, a, t1 &+ t2)
            }
            for (i, v) in [a, b, c, d, e, f, g, x].enumerated() { h[i] &+= v }
        }
        return h.flatMap { v in stride(from: 24, through: 0, by: -8).map { UInt8(truncatingIfNeeded: v >> UInt32($0)) } }
    }

    static func rotate(_ v: UInt32, _ n: UInt32) -> UInt32 { v >> n | v << (32 - n) }
}
