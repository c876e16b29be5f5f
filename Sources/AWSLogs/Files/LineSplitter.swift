/// Splits a byte stream arriving in chunks of any size into lines (without the `\n`, with a trailing
/// `\r` removed), numbering them from 1.
///
/// A line longer than ``lengthLimit`` is not held whole: its first `lengthLimit + 1` bytes are passed
/// on (so the consumer sees that it is over the limit and rejects it) and the rest is skipped.
public struct LineSplitter {
    private var pending: [UInt8] = []
    public private(set) var lineNumber = 0
    public let lengthLimit: Int

    public init(lengthLimit: Int = 4 << 20) { self.lengthLimit = lengthLimit }

    /// Calls `line` for every complete line in `chunk` (joined with what earlier chunks left over).
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
