import ArgumentParser
import AWSModel
import Foundation
import Synchronization

/// Writing to the terminal: the only place Perimeter prints.
enum Terminal {
    static let isInteractive = isatty(STDERR_FILENO) == 1

    /// Prints `text`: control characters other than line breaks are shown escaped (see `String.visible(keepingNewlines:)`).
    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data((text.visible(keepingNewlines: true) + "\n").utf8))
    }

    static func err(_ text: String) {
        FileHandle.standardError.write(Data((text.visible(keepingNewlines: true) + "\n").utf8))
    }


    /// Set by a command run with `--json`: its failures are also a JSON object on stdout, so that `| jq` gets one.
    private static let jsonFailures = Mutex(false)
    static func reportFailuresAsJSON() { jsonFailures.withLock { $0 = true } }

    /// Prints `Error: message` and returns the exit code to throw (no usage text: the usage was fine). Under
    /// `--json` (``jsonFailures``) standard output gets `{"error": message, "exitCode": code, "status": "error"}`.
    static func fail(_ message: String, code: Int32) -> ExitCode {
        err("Error: \(message)")   // ArgumentParser's spelling, so one binary has one
        struct Failure: Encodable { var status = "error", error: String, exitCode: Int32 }
        if jsonFailures.withLock({ $0 }), let object = try? json(Failure(error: message.visible(), exitCode: code)) { out(object) }
        return ExitCode(code)
    }

    /// Rewrites the status line on an interactive terminal; silent otherwise.
    /// `text` is made only when standard error is a terminal (ingest reports after every file).
    static func status(_ text: @autoclosure () -> String) {
        guard isInteractive else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K\(text())".utf8))
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
