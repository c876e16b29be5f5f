public import AWSModel
import Foundation
import JSONTape
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The address ranges AWS publishes for the services whose gateway endpoints Perimeter drafts for (S3,
/// DynamoDB), by Region, from an `ip-ranges.json` (https://ip-ranges.amazonaws.com/ip-ranges.json): what
/// places a default-format (v2) flow record, which names no service, on a service of a Region. Perimeter
/// ships a dated snapshot of those services' prefixes (`Resources/ip-ranges.json`); `--ip-ranges FILE`
/// replaces it.
public struct ServiceRanges: Sendable {
    /// A service (as flow logs name it: `S3`, `DYNAMODB`) in a Region.
    public struct Place: Sendable, Hashable {
        public var service: String
        public var region: String
    }

    /// Why a file is not an `ip-ranges.json`.
    public struct Malformed: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// The file's `createDate` (`2026-08-22-15-17-05`) and `syncToken`.
    public let createDate: String
    public let syncToken: String
    /// The places, in the file's order; a place's number is its index plus one.
    public let places: [Place]
    /// Prefixes by length, longest first: each prefix (as a 128-bit address, IPv4 mapped into IPv6) → place number.
    private let tables: [(length: Int, prefixes: [Address: Int])]

    struct Address: Hashable { var high: UInt64, low: UInt64 }

    /// The ranges of the services Perimeter reads (``FlowEvidence/flowService``) in an `ip-ranges.json`.
    /// - Throws: ``Malformed`` when the text is not JSON, lacks `createDate`, `syncToken` or `prefixes`, a
    ///   prefix of those services is not an address and length, or none of them is there.
    public init(json bytes: [UInt8]) throws(Malformed) {
        let document: JSONDocument
        do { document = try JSONParser.parse(bytes) } catch { throw Malformed(description: "not JSON (\(error))") }
        guard let root = document.values.first, root.isObject, let date = root["createDate"]?.string,
              let token = root["syncToken"]?.string, let v4 = root["prefixes"], v4.isArray else {
            throw Malformed(description: "not an ip-ranges.json: no `createDate`, `syncToken` or `prefixes`")
        }
        let wanted = Set(FlowEvidence.flowService.values)
        var places: [Place] = [], numbers: [Place: Int] = [:], byLength: [Int: [Address: Int]] = [:]
        let entries = v4.elements.map { ($0, "ip_prefix") } + (root["ipv6_prefixes"]?.elements ?? []).map { ($0, "ipv6_prefix") }
        for (index, (entry, key)) in entries.enumerated() {
            guard let service = entry["service"]?.string, wanted.contains(service) else { continue }
            guard let region = entry["region"]?.string, let text = entry[key]?.string, let (address, length) = Self.prefix(text) else {
                throw Malformed(description: "prefix \(index + 1) (\(service)) has no Region or no valid `\(key)`")
            }
            let place = Place(service: service, region: region)
            let number = numbers[place] ?? { places.append(place); numbers[place] = places.count; return places.count }()
            if byLength[length]?[address] == nil { byLength[length, default: [:]][address] = number }
        }
        guard !places.isEmpty else { throw Malformed(description: "holds no S3 or DynamoDB prefix") }
        (createDate, syncToken, self.places) = (date, token, places)
        tables = byLength.sorted { $0.key > $1.key }.map { ($0.key, $0.value) }
    }

    /// The snapshot shipped with Perimeter.
    public static let shipped: ServiceRanges = {
        guard let url = Bundle.module.url(forResource: "ip-ranges", withExtension: "json"), let data = try? Data(contentsOf: url),
              let ranges = try? ServiceRanges(json: [UInt8](data)) else {
            preconditionFailure("ip-ranges.json is missing from the PolicySynthesis bundle, or does not read")
        }
        return ranges
    }()

    /// What the ranges are, for the report.
    public var label: String { "AWS ip-ranges.json of \(createDate) (syncToken \(syncToken))" }

    /// The number of the place whose longest prefix holds `address` (text as flow logs write it); 0 for none.
    public func placeNumber(_ address: String) -> Int {
        guard let a = Self.address(address) else { return 0 }
        for (length, prefixes) in tables {
            if let number = prefixes[Self.masked(a, length)] { return number }
        }
        return 0
    }

    /// The place that holds `address`, if any.
    public func place(_ address: String) -> Place? {
        let number = placeNumber(address)
        return number == 0 ? nil : places[number - 1]
    }

    /// `flows` with each record that names no service (`-` or empty) and whose destination the ranges hold
    /// given that service and ``ObservedFlow/placedRegion``.
    public func place(_ flows: [ObservedFlow]) -> [ObservedFlow] {
        flows.map { flow in
            guard flow.destinationService.isEmpty || flow.destinationService == "-",
                  let p = place(flow.destinationAddress) else { return flow }
            var placed = flow
            (placed.destinationService, placed.placedRegion) = (p.service, p.region)
            return placed
        }
    }

    /// `a.b.c.d/n` or an IPv6 prefix: the address and its length counted in 128 bits.
    static func prefix(_ text: String) -> (Address, Int)? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[1].count <= 3, parts[1].allSatisfy(\.isASCII), let n = Int(parts[1]),
              let a = address(String(parts[0])) else { return nil }
        let length = parts[0].contains(":") ? n : n + 96
        guard (0...128).contains(length), length >= 96 || parts[0].contains(":") else { return nil }
        return (masked(a, length), length)
    }

    /// An IPv4 (mapped into IPv6) or IPv6 address as `inet_pton` reads it; nil for anything else.
    static func address(_ text: String) -> Address? {
        var bytes = [UInt8](repeating: 0, count: 16)
        let v6 = text.contains(":")
        guard text.utf8.count < 46, !text.utf8.contains(0) else { return nil }
        let ok = bytes.withUnsafeMutableBytes { out in
            v6 ? inet_pton(AF_INET6, text, out.baseAddress) : inet_pton(AF_INET, text, out.baseAddress! + 12)
        }
        guard ok == 1 else { return nil }
        if !v6 { (bytes[10], bytes[11]) = (0xFF, 0xFF) }
        return Address(high: bytes[0..<8].reduce(0) { $0 << 8 | UInt64($1) }, low: bytes[8..<16].reduce(0) { $0 << 8 | UInt64($1) })
    }

    static func masked(_ a: Address, _ length: Int) -> Address {
        func mask(_ bits: Int) -> UInt64 { bits <= 0 ? 0 : bits >= 64 ? .max : ~(UInt64.max >> UInt64(bits)) }
        return Address(high: a.high & mask(length), low: a.low & mask(length - 64))
    }
}
