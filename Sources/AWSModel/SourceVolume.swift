/// What one address's authorized requests through one endpoint moved over a window, as CloudTrail
/// logged it: what its flow bytes toward the endpoint are compared with.
public struct SourceVolume: Sendable, Hashable {
    /// The endpoint the requests went through.
    public var endpoint: VPCEndpointID
    /// `sourceIPAddress` as logged.
    public var sourceIP: String
    /// Authorized requests by a principal that signed them (never anonymous).
    public var requests: Int64
    /// Their `bytesTransferredIn` (sent to the service), summed and held at the store's count limit.
    public var bytesIn: Int64
    /// Their `bytesTransferredOut` (sent back), summed likewise.
    public var bytesOut: Int64

    /// A volume with every field given.
    public init(endpoint: VPCEndpointID, sourceIP: String, requests: Int64, bytesIn: Int64, bytesOut: Int64) {
        self.endpoint = endpoint
        self.sourceIP = sourceIP
        self.requests = requests
        self.bytesIn = bytesIn
        self.bytesOut = bytesOut
    }
}
