/// An IPv4 or IPv6 address as 16 bytes (IPv4 mapped into `::ffff:0:0/96`).
struct IPAddress: Sendable, Hashable {
    var bytes: [UInt8]
    var isV4: Bool

    init?(_ text: String) {
        if text.contains(":") {
            guard let b = Self.parseV6(text) else { return nil }
            bytes = b
            isV4 = false
        } else {
            let parts = text.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 4 else { return nil }
            var b: [UInt8] = Array(repeating: 0, count: 10) + [0xff, 0xff]
            for p in parts {
                guard let v = UInt8(p), p.count <= 3 else { return nil }
                b.append(v)
            }
            bytes = b
            isV4 = true
        }
    }

    static func parseV6(_ text: String) -> [UInt8]? {
        let halves = text.splitDoubleColon()
        guard halves.count <= 2 else { return nil }
        func groups(_ s: Substring) -> [UInt16]? {
            if s.isEmpty { return [] }
            var result: [UInt16] = []
            for g in s.split(separator: ":", omittingEmptySubsequences: false) {
                guard g.count <= 4, let v = UInt16(g, radix: 16) else { return nil }
                result.append(v)
            }
            return result
        }
        guard let head = groups(halves[0]) else { return nil }
        var all: [UInt16]
        if halves.count == 2 {
            guard let tail = groups(halves[1]), head.count + tail.count < 8 else { return nil }
            all = head + Array(repeating: 0, count: 8 - head.count - tail.count) + tail
        } else {
            guard head.count == 8 else { return nil }
            all = head
        }
        return all.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xff)] }
    }
}

/// A network in CIDR notation (a bare address is a /32 or /128).
struct CIDR: Sendable, Hashable {
    var address: IPAddress
    var prefix: Int

    init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1)
        guard let first = parts.first, let address = IPAddress(String(first)) else { return nil }
        let maxPrefix = address.isV4 ? 32 : 128
        if parts.count == 2 {
            guard let p = Int(parts[1]), (0...maxPrefix).contains(p) else { return nil }
            prefix = address.isV4 ? p + 96 : p
        } else {
            prefix = 128
        }
        self.address = address
    }

    func contains(_ other: IPAddress) -> Bool {
        var bits = prefix
        for i in 0..<16 {
            guard bits > 0 else { return true }
            let mask: UInt8 = bits >= 8 ? 0xff : ~(0xff >> UInt8(bits))
            if address.bytes[i] & mask != other.bytes[i] & mask { return false }
            bits -= 8
        }
        return true
    }
}

extension String {
    /// Splits at the first `::` (IPv6 zero compression); a second `::` yields a third part, which is invalid.
    func splitDoubleColon() -> [Substring] {
        guard let r = range(of: "::") else { return [Substring(self)] }
        let tail = self[r.upperBound...]
        return tail.contains("::") ? [self[..<r.lowerBound], tail, ""] : [self[..<r.lowerBound], tail]
    }
}

import Foundation
