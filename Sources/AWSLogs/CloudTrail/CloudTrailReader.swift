import AWSModel

/// Reads the CloudTrail export shapes users have from decompressed bytes: delivery objects
/// `{"Records":[…]}`, one event per line (with or without a timestamp prefix), single events,
/// arrays of events, CloudWatch Logs subscription payloads and `LookupEvents` output.
public struct CloudTrailReader: Sendable {
    public let normalizer: EventNormalizer

    public init(normalizer: EventNormalizer = EventNormalizer()) { self.normalizer = normalizer }

    /// True when the bytes look like a CloudTrail digest file (skipped, never rejected).
    static func isDigest(_ value: JSONValue) -> Bool {
        value["digestStartTime"] != nil || value["digestS3Bucket"] != nil
    }

    /// Reads `bytes` into `file`'s events, rejects and skipped counts.
    public func read(_ bytes: [UInt8], into file: inout ParsedFile) {
        let firstLine = bytes.prefix { $0 != 10 }
        if let first = firstLine.first(where: { $0 != 32 && $0 != 9 && $0 != 13 }), first != 123, first != 91, first != 34, firstLine.contains(123) {
            readPrefixedLines(bytes, into: &file)
            return
        }
        let sequence = JSONParser.parseSequence(bytes)
        for error in sequence.errors {
            let (line, _) = JSONDocument.lineAndColumn(of: error.offset, in: bytes)
            file.rejects.append(Reject(line: line, byteOffset: Int64(error.offset), reason: "malformed JSON: \(error.message)",
                                       excerpt: Reject.excerpt(bytes, at: lineStart(bytes, error.offset))))
        }
        for root in sequence.document.values {
            if Self.isDigest(root) {
                file.kind = .skipped
                file.note = "CloudTrail digest file"
                return
            }
            readContainer(root, bytes: bytes, into: &file)
        }
    }

    private func lineStart(_ bytes: [UInt8], _ offset: Int) -> Int {
        var i = min(offset, bytes.count)
        while i > 0, bytes[i - 1] != 10 { i -= 1 }
        return i
    }

    /// One root value: a wrapper holding records, or a record.
    private func readContainer(_ value: JSONValue, bytes: [UInt8], into file: inout ParsedFile) {
        if value.isArray {
            for element in value.elements { readContainer(element, bytes: bytes, into: &file) }
        } else if let records = value["Records"], records.isArray {
            for record in records.elements { readRecord(record, bytes: bytes, into: &file) }
        } else if let type = value["messageType"]?.string {
            guard type == "DATA_MESSAGE" else {
                file.skippedRecords["CloudWatch Logs control message", default: 0] += 1
                return
            }
            for logEvent in value["logEvents"]?.elements ?? [] {
                readEmbedded(logEvent["message"], container: logEvent, bytes: bytes, into: &file)
            }
        } else if let events = value["Events"], events.isArray {
            for event in events.elements { readEmbedded(event["CloudTrailEvent"], container: event, bytes: bytes, into: &file) }
        } else {
            readRecord(value, bytes: bytes, into: &file)
        }
    }

    /// A record held as a JSON string inside another document.
    private func readEmbedded(_ message: JSONValue?, container: JSONValue, bytes: [UInt8], into file: inout ParsedFile) {
        let line = JSONDocument.lineAndColumn(of: container.offset, in: bytes).line
        guard let text = message?.string else {
            file.rejects.append(Reject(line: line, byteOffset: Int64(container.offset), reason: "log event without a message string",
                                       excerpt: Reject.excerpt(bytes, at: container.offset)))
            return
        }
        do {
            let document = try JSONParser.parse(Array(text.utf8))
            record(document.values[0], line: line, offset: container.offset, excerptBytes: bytes, into: &file)
        } catch {
            file.rejects.append(Reject(line: line, byteOffset: Int64(container.offset),
                                       reason: "malformed JSON in embedded event: \(error.message) at character \(error.offset)",
                                       excerpt: String(text.prefix(120)).replacingNewlines))
        }
    }

    private func readRecord(_ value: JSONValue, bytes: [UInt8], into file: inout ParsedFile) {
        record(value, line: nil, offset: value.offset, excerptBytes: bytes, into: &file)
    }

    private func record(_ value: JSONValue, line: Int?, offset: Int, excerptBytes: [UInt8], into file: inout ParsedFile) {
        switch normalizer.normalize(value) {
        case .event(let event): file.events.append(event)
        case .skipped(let reason): file.skippedRecords[reason, default: 0] += 1
        case .rejected(let reason):
            let at = line ?? JSONDocument.lineAndColumn(of: offset, in: excerptBytes).line
            file.rejects.append(Reject(line: at, byteOffset: Int64(offset), reason: reason, excerpt: Reject.excerpt(excerptBytes, at: offset)))
        }
    }

    /// Lines of `PREFIX {json}` (CloudWatch Logs exports to S3 put a timestamp before each event).
    private func readPrefixedLines(_ bytes: [UInt8], into file: inout ParsedFile) {
        var lineNumber = 0
        var start = 0
        while start < bytes.count {
            let end = bytes[start...].firstIndex(of: 10) ?? bytes.count
            lineNumber += 1
            defer { start = end + 1 }
            let line = bytes[start..<end]
            guard line.contains(where: { $0 != 32 && $0 != 13 && $0 != 9 }) else { continue }
            guard let brace = line.firstIndex(of: 123) else {
                file.rejects.append(Reject(line: lineNumber, byteOffset: Int64(start), reason: "line holds no JSON event",
                                           excerpt: Reject.excerpt(bytes, at: start)))
                continue
            }
            do {
                let document = try JSONParser.parse(Array(bytes[brace..<end]))
                record(document.values[0], line: lineNumber, offset: brace, excerptBytes: bytes, into: &file)
            } catch {
                file.rejects.append(Reject(line: lineNumber, byteOffset: Int64(brace + error.offset),
                                           reason: "malformed JSON: \(error.message)", excerpt: Reject.excerpt(bytes, at: start)))
            }
        }
    }
}
