/// Flow records folded by everything but time and source port: what the store keeps.
public struct ObservedFlow: Sendable, Hashable, Comparable {
    /// The UTC day of the flow's start, `YYYY-MM-DD`.
    public var day: String
    /// The network interface the flow was captured on (`eni-…`).
    public var interfaceID: String
    /// The instance behind the interface, `-` when the layout has no `instance-id`.
    public var instanceID: String
    /// The VPC, `-` when the layout has no `vpc-id`.
    public var vpcID: String
    /// The packet's source address (`pkt-srcaddr` when present, else `srcaddr`).
    public var sourceAddress: String
    /// The packet's destination address (`pkt-dstaddr` when present, else `dstaddr`); when the store
    /// summed several, the smallest of them.
    public var destinationAddress: String
    /// Destination port.
    public var destinationPort: Int
    /// IANA protocol number (6 TCP, 17 UDP).
    public var proto: Int
    /// `ACCEPT` or `REJECT`.
    public var action: String
    /// `traffic-path` (1 through 8), 0 when not logged.
    public var trafficPath: Int
    /// `pkt-dst-aws-service` (`S3`, `DYNAMODB`), `-` when not logged.
    public var destinationService: String
    /// `ingress` or `egress`, `-` when not logged.
    public var flowDirection: String
    /// For a record that names no service: the Region whose published address ranges of the service now in
    /// ``destinationService`` hold its destination (AWS's `ip-ranges.json`); empty otherwise. Set by
    /// synthesis, never stored.
    public var placedRegion = ""
    /// Flow records folded into this one.
    public var records: Int64
    /// Packets over the folded records (saturating).
    public var packets: Int64
    /// Bytes over the folded records (saturating).
    public var bytes: Int64
    /// Seconds since 1970 of the earliest `start`.
    public var firstSeen: Int64
    /// Seconds since 1970 of the latest `end`.
    public var lastSeen: Int64

    /// A folded flow with every field given.
    public init(day: String, interfaceID: String, instanceID: String, vpcID: String, sourceAddress: String,
                destinationAddress: String, destinationPort: Int, proto: Int, action: String, trafficPath: Int,
                destinationService: String, flowDirection: String, records: Int64, packets: Int64, bytes: Int64,
                firstSeen: Int64, lastSeen: Int64) {
        self.day = day
        self.interfaceID = interfaceID
        self.instanceID = instanceID
        self.vpcID = vpcID
        self.sourceAddress = sourceAddress
        self.destinationAddress = destinationAddress
        self.destinationPort = destinationPort
        self.proto = proto
        self.action = action
        self.trafficPath = trafficPath
        self.destinationService = destinationService
        self.flowDirection = flowDirection
        self.records = records
        self.packets = packets
        self.bytes = bytes
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
    }

    /// By day, interface, source, destination and port, field by field (a tuple of the fields would copy
    /// them for every comparison).
    public static func < (lhs: ObservedFlow, rhs: ObservedFlow) -> Bool {
        if lhs.day != rhs.day { return lhs.day < rhs.day }
        if lhs.interfaceID != rhs.interfaceID { return lhs.interfaceID < rhs.interfaceID }
        if lhs.sourceAddress != rhs.sourceAddress { return lhs.sourceAddress < rhs.sourceAddress }
        if lhs.destinationAddress != rhs.destinationAddress { return lhs.destinationAddress < rhs.destinationAddress }
        return lhs.destinationPort < rhs.destinationPort
    }
}
