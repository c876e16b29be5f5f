/// Splits a byte stream arriving in chunks of any size into lines (without the `\n`, with a trailing
/// `\r` removed), numbering them from 1.
///
/// A line longer than ``lengthLimit`` is not held whole: its first `lengthLimit + 1` bytes are passed
/// on (so the consumer sees that it is over the limit and rejects it) and the rest is skipped.
public struct LineSplitter {
    private var pending: [UInt8] = []
    /// The 1-based number of the last line handed out.
    public private(set) var lineNumber = 0
    /// The longest line kept; a longer one is handed out empty, with its number, so the reader can reject it.
    public let lengthLimit: Int

    /// A splitter that keeps lines of up to `lengthLimit` bytes (4 MiB by default).
    public init(lengthLimit: Int = 4 << 20) { self.lengthLimit = lengthLimit }

    /// Calls `line` for every complete line in `chunk` (joined with what earlier chunks left over).
    ///
    /// - Throws: What `line` throws; the splitter keeps its state up to the line that threw.
    public mutating func feed(_ chunk: UnsafeRawBufferPointer, line: (UnsafeRawBufferPointer, Int) throws -> Void) rethrows {
        var start = 0
        let count = chunk.count
        while start < count {
            guard let nl = memchrIndex(chunk, from: start) else {
                pending.append(contentsOf: chunk[start..<min(count, start + max(0, lengthLimit + 1 - pending.count))])
                return
            }
            lineNumber += 1
            if pending.isEmpty {
                try emit(UnsafeRawBufferPointer(rebasing: chunk[start..<min(nl, start + lengthLimit + 1)]), line)
            } else {
                pending.append(contentsOf: chunk[start..<min(nl, start + max(0, lengthLimit + 1 - pending.count))])
                try pending.withUnsafeBytes { try emit($0, line) }
                pending.removeAll(keepingCapacity: true)
            }
            start = nl + 1
        }
    }

    /// Emits the last line when the input did not end with a newline.
    ///
    /// - Throws: What `line` throws.
    public mutating func finish(line: (UnsafeRawBufferPointer, Int) throws -> Void) rethrows {
        guard !pending.isEmpty else { return }
        lineNumber += 1
        try pending.withUnsafeBytes { try emit($0, line) }
        pending.removeAll()
    }

    private func emit(_ bytes: UnsafeRawBufferPointer, _ line: (UnsafeRawBufferPointer, Int) throws -> Void) rethrows {
        if let last = bytes.last, last == 13 {
            try line(UnsafeRawBufferPointer(rebasing: bytes[0..<(bytes.count - 1)]), lineNumber)
        } else {
            try line(bytes, lineNumber)
        }
    }

    private func memchrIndex(_ buffer: UnsafeRawBufferPointer, from: Int) -> Int? {
        var i = from
        let n = buffer.count
        while i < n {
            if buffer[i] == 10 { return i }
            i += 1
        }
        return nil
    }
}
