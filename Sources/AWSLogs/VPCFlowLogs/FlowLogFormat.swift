import Foundation

/// A flow log field layout: the field names in order, from a header line or the default v2 format.
public struct FlowLogFormat: Sendable, Equatable {
    /// The field names in order (`version`, `account-id`, …).
    public let fields: [String]
    /// The fields Perimeter reads, by position (nil for the others), decided once per header.
    let codes: [FlowField?]

    /// A layout from field names as a header line gives them.
    public init(fields: [String]) {
        self.fields = fields
        codes = fields.map(FlowField.init(rawValue:))
    }

    /// Every field name of versions 2 to 8 (DOMAIN.md C.6; `reject-reason` for v8).
    public static let knownFields: Set<String> = [
        "version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport", "protocol", "packets",
        "bytes", "start", "end", "action", "log-status", "vpc-id", "subnet-id", "instance-id", "tcp-flags", "type",
        "pkt-srcaddr", "pkt-dstaddr", "region", "az-id", "sublocation-type", "sublocation-id", "pkt-src-aws-service",
        "pkt-dst-aws-service", "flow-direction", "traffic-path", "ecs-cluster-arn", "ecs-cluster-name",
        "ecs-container-instance-arn", "ecs-container-instance-id", "ecs-container-id", "ecs-second-container-id",
        "ecs-service-name", "ecs-task-definition-arn", "ecs-task-arn", "ecs-task-id", "reject-reason",
    ]

    /// The default format: all v2 fields in order.
    public static let defaultV2 = FlowLogFormat(fields: ["version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport",
                                                          "dstport", "protocol", "packets", "bytes", "start", "end", "action",
                                                          "log-status"])

    /// A field name as written in JSON exports (`interface_id`, `interfaceId`) in its header spelling.
    public static func canonicalName(_ name: String) -> String {
        var out: [UInt8] = []
        for c in name.utf8 {
            if c == 95 { out.append(45) }
            else if c >= 65 && c <= 90 { out.append(45); out.append(c + 32) }
            else { out.append(c) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The format a header line declares (tokens separated by spaces or tabs), or nil when the line is
    /// not a header. A flow log repeats one header in each of its thousands of files: the last few
    /// headers seen are remembered with their formats.
    public static func header(line: UnsafeRawBufferPointer) -> FlowLogFormat? {
        if let known = headers.format(of: line) { return known }
        let tokens = line.split(whereSeparator: { $0 == 32 || $0 == 9 }).map { Substring(String(decoding: $0, as: UTF8.self)) }
        guard let format = header(tokens) else { return nil }
        headers.remember(line, format)
        return format
    }

    /// Header lines recently seen, with their formats, shared by the reader threads.
    final class HeaderCache: @unchecked Sendable {
        // INVARIANT: `entries` is read and written with `lock` held.
        private let lock = NSLock()
        private var entries: [(line: [UInt8], format: FlowLogFormat)] = []
        /// Enough for the flow logs of one trail; files with ever new headers only cycle it.
        static let capacity = 16

        func format(of line: UnsafeRawBufferPointer) -> FlowLogFormat? {
            lock.withLock { entries.first { $0.line.elementsEqual(line) }?.format }
        }

        func remember(_ line: UnsafeRawBufferPointer, _ format: FlowLogFormat) {
            lock.withLock {
                if entries.count == Self.capacity { entries.removeFirst() }
                entries.append((Array(line), format))
            }
        }
    }

    static let headers = HeaderCache()

    /// The format a header line declares, or nil when the line is not a header (every token must be
    /// a known field name, `version` or not).
    public static func header(_ tokens: [Substring]) -> FlowLogFormat? {
        guard let first = tokens.first, knownFields.contains(String(first)) || knownFields.contains(canonicalName(String(first))) else {
            return nil
        }
        let names = tokens.map { knownFields.contains(String($0)) ? String($0) : canonicalName(String($0)) }
        guard names.allSatisfy(knownFields.contains) else { return nil }
        return FlowLogFormat(fields: names)
    }
}

/// A flow log value that does not fit its field.
public struct FlowValueError: Error, Sendable {
    /// Why the value does not fit (the field and its range).
    public var reason: String
}

/// The flow log fields Perimeter reads (the others are checked against the known names only).
enum FlowField: String, Sendable {
    case version, interfaceID = "interface-id", srcaddr, dstaddr, srcport, dstport
    case proto = "protocol", packets, bytes, start, end, action, logStatus = "log-status", vpcID = "vpc-id"
    case instanceID = "instance-id", pktSrcaddr = "pkt-srcaddr", pktDstaddr = "pkt-dstaddr"
    case pktDstAWSService = "pkt-dst-aws-service", flowDirection = "flow-direction", trafficPath = "traffic-path"
}
