import AWSModel

/// Reads the CloudTrail export shapes users have: delivery objects `{"Records":[…]}`, one event per
/// line (with or without a timestamp prefix), single events, arrays of events, CloudWatch Logs
/// subscription payloads and `LookupEvents` output.
///
/// Streams: bytes arrive in chunks (``CloudTrailStream``) and are cut into records by
/// ``RecordSplitter``, so a file is never held whole, and a record that does not parse is one reject
/// at its own offset while the records around it are read.
public struct CloudTrailReader: Sendable {
    public let normalizer: EventNormalizer

    public init(normalizer: EventNormalizer = EventNormalizer()) { self.normalizer = normalizer }

    /// True when the bytes look like a CloudTrail digest file (skipped, never rejected).
    static func isDigest(_ value: JSONValue) -> Bool {
        value["digestStartTime"] != nil || value["digestS3Bucket"] != nil
    }

    /// Reads a whole text already in memory (see ``CloudTrailStream`` for files).
    public func read(_ bytes: [UInt8], into file: inout ParsedFile) {
        var stream = CloudTrailStream(reader: self)
        bytes.withUnsafeBytes { stream.feed($0, into: &file) }
        stream.finish(into: &file)
    }

    /// One unit the splitter cut: parse it, then read what it holds.
    func read(_ unit: RecordSplitter.Unit, into file: inout ParsedFile) {
        if let size = unit.oversize {
            file.rejects.append(Reject(line: unit.line, byteOffset: unit.offset,
                                       reason: "record larger than \(RecordSplitter.recordLimit >> 20) MiB (\(size) bytes): not read", excerpt: ""))
            return
        }
        let place = Place(unit: unit)
        let document: JSONDocument
        do { document = try JSONParser.parse(unit.bytes) } catch {
            file.rejects.append(place.reject(at: error.offset, reason: "malformed JSON: \(error.message)"))
            return
        }
        let value = document.values[0]
        switch unit.kind {
        case .root, .element: readContainer(value, place, into: &file)
        case .lookupEvent: readEmbedded(value["CloudTrailEvent"], container: value, place, into: &file)
        }
    }

    /// Where a unit sits in the file, to locate rejects by line and byte offset.
    struct Place {
        var unit: RecordSplitter.Unit

        func line(at offset: Int) -> Int {
            unit.line + unit.bytes.prefix(max(0, min(offset, unit.bytes.count))).reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
        }

        func reject(at offset: Int, reason: String) -> Reject {
            Reject(line: line(at: offset), byteOffset: unit.offset + Int64(offset), reason: reason,
                   excerpt: Reject.excerpt(unit.bytes, at: offset))
        }
    }

    /// One value: a wrapper holding records, or a record.
    private func readContainer(_ value: JSONValue, _ place: Place, into file: inout ParsedFile) {
        if Self.isDigest(value) {
            file.kind = .skipped
            file.note = "CloudTrail digest file"
        } else if value.isArray {
            for element in value.elements { readContainer(element, place, into: &file) }
        } else if let records = value["Records"], records.isArray {
            for record in records.elements { readRecord(record, place, into: &file) }
        } else if let type = value["messageType"]?.string {
            guard type == "DATA_MESSAGE" else {
                file.skippedRecords["CloudWatch Logs control message", default: 0] += 1
                return
            }
            for logEvent in value["logEvents"]?.elements ?? [] {
                readEmbedded(logEvent["message"], container: logEvent, place, into: &file)
            }
        } else if let events = value["Events"], events.isArray {
            for event in events.elements { readEmbedded(event["CloudTrailEvent"], container: event, place, into: &file) }
        } else {
            readRecord(value, place, into: &file)
        }
    }

    /// A record held as a JSON string inside another document.
    private func readEmbedded(_ message: JSONValue?, container: JSONValue, _ place: Place, into file: inout ParsedFile) {
        guard let text = message?.string else {
            file.rejects.append(place.reject(at: container.offset, reason: "log event without a message string"))
            return
        }
        do {
            let document = try JSONParser.parse(Array(text.utf8))
            readRecord(document.values[0], place, at: container.offset, into: &file)
        } catch {
            file.rejects.append(place.reject(at: container.offset, reason: "malformed JSON in embedded event: \(error.message) at byte \(error.offset) of the event"))
        }
    }

    /// Normalizes one record found at `offset` of the unit (by default, where the value is).
    private func readRecord(_ value: JSONValue, _ place: Place, at offset: Int? = nil, into file: inout ParsedFile) {
        switch normalizer.normalize(value) {
        case .event(let event): file.events.append(event)
        case .skipped(let reason): file.skippedRecords[reason, default: 0] += 1
        case .rejected(let reason): file.rejects.append(place.reject(at: offset ?? value.offset, reason: reason))
        }
    }
}

/// A CloudTrail file read as it arrives: records are cut, parsed and normalized chunk by chunk, so
/// memory holds one record's bytes at a time (at most ``RecordSplitter/recordLimit``), not the file.
public struct CloudTrailStream {
    let reader: CloudTrailReader
    private var splitter = RecordSplitter()
    /// Lines of `PREFIX {json}` (CloudWatch Logs exports to S3 put a timestamp before each event),
    /// decided from the first line.
    private var prefixedLines: LineSplitter?
    private var decided = false
    private var lineOffset: Int64 = 0

    public init(reader: CloudTrailReader) { self.reader = reader }

    public mutating func feed(_ chunk: UnsafeRawBufferPointer, into file: inout ParsedFile) {
        if !decided {
            decided = true
            let firstLine = chunk.prefix { $0 != 10 }
            if let first = firstLine.first(where: { $0 != 32 && $0 != 9 && $0 != 13 }), first != 123, first != 91, first != 34,
               firstLine.contains(123) {
                prefixedLines = LineSplitter(lengthLimit: RecordSplitter.recordLimit)
            }
        }
        if var lines = prefixedLines {
            lines.feed(chunk) { line, number in readPrefixed(line, number: number, into: &file) }
            prefixedLines = lines
        } else {
            splitter.feed(chunk) { unit in reader.read(unit, into: &file) }
        }
    }

    public mutating func finish(into file: inout ParsedFile) {
        if var lines = prefixedLines {
            lines.finish { line, number in readPrefixed(line, number: number, into: &file) }
            prefixedLines = lines
        } else {
            splitter.finish { unit in reader.read(unit, into: &file) }
        }
    }

    private mutating func readPrefixed(_ line: UnsafeRawBufferPointer, number: Int, into file: inout ParsedFile) {
        let offset = lineOffset
        lineOffset += Int64(line.count) + 1
        guard line.contains(where: { $0 != 32 && $0 != 13 && $0 != 9 }) else { return }
        guard line.count <= RecordSplitter.recordLimit else {
            file.rejects.append(Reject(line: number, byteOffset: offset, reason: "record larger than \(RecordSplitter.recordLimit >> 20) MiB: not read", excerpt: ""))
            return
        }
        guard let brace = line.firstIndex(of: 123) else {
            file.rejects.append(Reject(line: number, byteOffset: offset, reason: "line holds no JSON event", excerpt: Reject.excerpt(line)))
            return
        }
        let unit = RecordSplitter.Unit(kind: .root, bytes: Array(line[brace...]), offset: offset + Int64(brace), line: number, oversize: nil)
        reader.read(unit, into: &file)
    }
}
