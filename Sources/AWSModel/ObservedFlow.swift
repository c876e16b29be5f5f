/// Flow records folded by everything but time and source port: what the store keeps.
public struct ObservedFlow: Sendable, Hashable, Comparable {
    public var day: String
    public var interfaceID: String
    public var instanceID: String
    public var vpcID: String
    public var sourceAddress: String
    public var destinationAddress: String
    public var destinationPort: Int
    public var proto: Int
    public var action: String
    public var trafficPath: Int
    public var destinationService: String
    public var flowDirection: String
    public var records: Int64
    public var packets: Int64
    public var bytes: Int64
    public var firstSeen: Int64
    public var lastSeen: Int64

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

    public static func < (lhs: ObservedFlow, rhs: ObservedFlow) -> Bool {
        (lhs.day, lhs.interfaceID, lhs.sourceAddress, lhs.destinationAddress, lhs.destinationPort)
            < (rhs.day, rhs.interfaceID, rhs.sourceAddress, rhs.destinationAddress, rhs.destinationPort)
    }
}
