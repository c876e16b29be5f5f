/// Private network addresses, read from their text: RFC 1918 (10/8, 172.16/12, 192.168/16), shared
/// address space (100.64/10) and IPv6 unique local addresses (fc00::/7). A service name, a public
/// address or text that is no address is not private.
enum PrivateAddress {
    static func isPrivate(_ text: String) -> Bool {
        if text.contains(":") { return isUniqueLocal(text) }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        let octets = parts.compactMap { $0.count <= 3 && $0.allSatisfy(\.isASCII) ? UInt8($0) : nil }
        guard octets.count == 4 else { return false }
        switch (octets[0], octets[1]) {
        case (10, _): return true
        case (172, 16...31): return true
        case (192, 168): return true
        case (100, 64...127): return true
        default: return false
        }
    }

    /// fc00::/7: the first hextet's top seven bits are 1111110.
    static func isUniqueLocal(_ text: String) -> Bool {
        guard let first = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first,
              (1...4).contains(first.count), let hextet = UInt16(first, radix: 16) else { return false }
        return hextet & 0xFE00 == 0xFC00
    }
}
