import ArgumentParser
import AWSModel
import Foundation
import Synchronization

/// Writing to the terminal: the only place Perimeter prints.
enum Terminal {
    static let isInteractive = isatty(STDERR_FILENO) == 1

    /// Prints `text`, Perimeter's own line(s) with the values in it shown escaped (see ``TerminalText``).
    static func out(_ text: TerminalText) {
        FileHandle.standardOutput.write(Data((text.text + "\n").utf8))
    }

    static func err(_ text: TerminalText) {
        FileHandle.standardError.write(Data((text.text + "\n").utf8))
    }

    /// Prints each of `lines` as one line: a line break inside one is shown escaped, never printed.
    static func out(lines: [String]) { out(TerminalText(lines: lines)) }

    static func err(lines: [String]) { err(TerminalText(lines: lines)) }

    /// The lines of text Perimeter made whole (pretty-printed JSON, whose values hold no raw line break).
    static func lines(_ text: String) -> [String] { text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }

    /// Set by a command run with `--json`: its failures are also a JSON object on stdout, so that `| jq` gets one.
    private static let jsonFailures = Mutex(false)
    static func reportFailuresAsJSON() { jsonFailures.withLock { $0 = true } }

    /// Prints `Error: message` and returns the exit code to throw (no usage text: the usage was fine). Under
    /// `--json` (``jsonFailures``) standard output gets `{"error": message, "exitCode": code, "status": "error"}`.
    static func fail(_ message: String, code: Int32) -> ExitCode {
        err("Error: \(message)")   // ArgumentParser's spelling, so one binary has one
        struct Failure: Encodable { var status = "error", error: String, exitCode: Int32 }
        if jsonFailures.withLock({ $0 }), let object = try? json(Failure(error: message, exitCode: code)) { out(lines: lines(object)) }
        return ExitCode(code)
    }

    /// Rewrites the status line on an interactive terminal; silent otherwise.
    /// `text` is made only when standard error is a terminal (ingest reports after every file).
    static func status(_ text: @autoclosure () -> String) {
        guard isInteractive else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K\(text().visible())".utf8))
    }

    static func endStatus() {
        guard isInteractive else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    /// A JSON value with sorted keys, pretty-printed.
    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func megabytes(_ bytes: Int64) -> String { String(format: "%.1f MB", Double(bytes) / 1_000_000) }
}

/// Text for the terminal: its literals are Perimeter's own words and line breaks; every interpolated
/// value (a file name, an S3 key, a reason read from a log) is shown with `visible()`, so that no value
/// can print a line of its own (a fake `verdict: ready`), move the cursor, or hide or reorder text.
struct TerminalText: ExpressibleByStringInterpolation {
    let text: String

    init(stringLiteral value: String) { text = value }

    init(stringInterpolation: Interpolation) { text = stringInterpolation.text }

    /// Lines made from values: each shown as one line, whatever it holds.
    init(lines: [String]) { text = lines.map { $0.visible() }.joined(separator: "\n") }

    struct Interpolation: StringInterpolationProtocol {
        var text = ""
        init(literalCapacity: Int, interpolationCount: Int) {}
        mutating func appendLiteral(_ literal: String) { text += literal }
        mutating func appendInterpolation(_ value: some CustomStringConvertible) { text += value.description.visible() }
    }
}
