public import AWSModel

/// What kind of log a file held, decided from its content.
public enum LogKind: String, Sendable, Codable, CaseIterable {
    case cloudTrail = "cloudtrail"
    case flowLog = "flowlog"
    /// CloudTrail digest or Insight files: valid, not used.
    case skipped
    /// Content that is neither CloudTrail nor a flow log.
    case unrecognized
}

/// A record that could not be used, with where it was and why.
public struct Reject: Sendable, Hashable {
    /// What kind of reject it is (`malformed-json`, `record-too-large`, `flow-bad-value`, …): what the
    /// console, the report and `perimeter rejects` group by.
    public var code: Diagnostic.Code
    /// 1-based line of the rejected record, when the input has lines.
    public var line: Int?
    /// Byte offset of the rejected record in the decompressed stream.
    public var byteOffset: Int64?
    /// Why the record was rejected, in Perimeter's words (logged values quoted, at most 40 bytes each).
    public var reason: String
    /// A short piece of the input (at most 120 characters) for a human to find it.
    public var excerpt: String

    /// A reject of kind `code` at `line` / `byteOffset`, with why and a piece of the input.
    public init(_ code: Diagnostic.Code, line: Int?, byteOffset: Int64?, reason: String, excerpt: String) {
        self.code = code
        self.line = line
        self.byteOffset = byteOffset
        self.reason = reason
        self.excerpt = excerpt
    }

    static func excerpt(_ bytes: UnsafeRawBufferPointer) -> String {
        let cut = bytes.count > 120 ? UnsafeRawBufferPointer(rebasing: bytes[0..<120]) : bytes
        return String(decoding: cut, as: UTF8.self).replacingNewlines
    }

    static func excerpt(_ bytes: [UInt8], at offset: Int) -> String {
        let start = min(max(0, offset), bytes.count)
        let end = min(bytes.count, start + 120)
        return String(decoding: bytes[start..<end], as: UTF8.self).replacingNewlines
    }
}

extension String {
    var replacingNewlines: String {
        String(map { $0 == "\n" || $0 == "\r" || $0 == "\t" ? " " : $0 })
    }
}

/// Everything read from one file, ready for one store transaction.
public struct ParsedFile: Sendable {
    /// The path as discovered.
    public var path: String
    /// Size in bytes on disk.
    public var size: Int64
    /// The content fingerprint (``FileFingerprint/hash``): the file's identity in the ledger.
    public var contentHash: String
    /// What the content was recognized as.
    public var kind: LogKind
    /// Why a skipped or unrecognized file was not read.
    public var note: String?
    /// CloudTrail events read, normalized.
    public var events: [NormalizedEvent] = []
    /// Flow records read, folded by everything but time and source port.
    public var flows: [ObservedFlow] = []
    /// Flow records read (before folding into ``flows``).
    public var flowRecords: Int64 = 0
    /// The first ``rejectDetailLimit`` rejects, with place and excerpt (see ``reject(_:)``).
    public var rejects: [Reject] = []
    /// Rejects past the first ``rejectDetailLimit``: counted, not kept, so a garbage file cannot fill memory.
    public var unstoredRejects: Int64 = 0
    /// Rejects kept in detail per file: 1,000.
    public static let rejectDetailLimit = 1000
    /// Valid records not used, by reason (insight events, NODATA/SKIPDATA flow records, …).
    public var skippedRecords: [String: Int64] = [:]
    /// Bytes after decompression.
    public var decompressedBytes: Int64 = 0

    /// Every reject of the file, stored or only counted.
    public var rejectCount: Int64 { Int64(rejects.count) + unstoredRejects }

    /// Records a reject: kept in detail while fewer than ``rejectDetailLimit`` are, counted after.
    /// The reject is only made (its excerpt cut) when it is kept.
    public mutating func reject(_ reject: @autoclosure () -> Reject) {
        if rejects.count < Self.rejectDetailLimit { rejects.append(reject()) } else { unstoredRejects += 1 }
    }

    /// The delivery stamp its name carries (``DeliveryName``), if any: its events must fall before it.
    public var deliveredAt: Int64?

    /// An empty result for the file at `path`.
    public init(path: String, size: Int64, contentHash: String, kind: LogKind) {
        self.path = path
        deliveredAt = DeliveryName(path: path)?.deliveredAt
        self.size = size
        self.contentHash = contentHash
        self.kind = kind
    }
}
