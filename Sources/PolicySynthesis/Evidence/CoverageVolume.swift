import AWSModel

/// Whether an address's flow bytes toward an endpoint are explained by the authorized requests it made
/// through it: by volume, never by one request. Flow logs count whole IP packets one way (the address's
/// egress: what it sends, and the acknowledgements of what it receives); CloudTrail logs the payload
/// (`bytesTransferredIn` sent to the service, `bytesTransferredOut` sent back; S3 data events carry
/// them, other events are credited per request only). The requests are credited with:
///
/// - what they sent, plus 4% (TCP/IP headers: 52 of 1,500 bytes a packet; TLS records add 0.2%);
/// - 4% of what came back (one 52–66-byte acknowledgement per one or two 1,448-byte segments: 1.8–4.5%);
/// - 2 KiB a request (request line, SigV4 headers, TLS framing, a share of a handshake);
/// - where the service's events log no byte count, the most one request can carry
///   (``unloggedPayload``): a bound, since what it did carry is not logged.
///
/// The address is explained when the credit reaches 90% of its flow bytes (flows and events are cut
/// at different times at the window's edges; retransmissions), or falls short by at most 64 KiB
/// (keepalives and handshakes of a host with few requests). More left over is unexplained volume.
enum CoverageVolume {
    static let overhead = 0.04
    static let acknowledgements = 0.04
    static let perRequest = 2048.0
    static let share = 0.9
    static let slack: Int64 = 64 * 1024
    /// The most one request carries, for services whose events log no byte count: a DynamoDB item is at
    /// most 400 KB, an SQS message 256 KiB (the limit AWS documented until 2025; the lower one), a KMS
    /// plaintext 4 KiB. Other services' requests (and S3's, whose data events log their bytes) get
    /// ``perRequest`` only.
    static let unloggedPayload: [String: Double] = ["dynamodb": 400 * 1024, "sqs": 256 * 1024, "kms": 4096]

    /// The bytes of flow `volume`'s requests account for (0 when there are none), held at 2^62 as the
    /// store holds its sums.
    static func credit(_ volume: SourceVolume?, service: String?) -> Int64 {
        guard let v = volume else { return 0 }
        let each = perRequest + (service.flatMap { unloggedPayload[$0] } ?? 0)
        let credit = Double(v.bytesIn) * (1 + overhead) + Double(v.bytesOut) * acknowledgements + Double(v.requests) * each
        return credit >= 0x1p62 ? Int64(1) << 62 : Int64(credit)
    }

    /// Whether `credit` explains `flowBytes`.
    static func explains(credit: Int64, flowBytes: Int64) -> Bool {
        Double(credit) >= Double(flowBytes) * share || flowBytes - min(flowBytes, credit) <= slack
    }
}
