import ArgumentParser
import AWSLogs
import Foundation
import UsageStore

extension PerimeterCommand {
    struct Normalize: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read log files and print the store's rows of each as JSON lines, for an engine that aggregates elsewhere (Spark).",
            discussion: """
                One line per file, event (with its access, source and category keys), folded flow, reject and skipped reason, \
                exactly as `ingest` would store them; nothing is de-duplicated (the engine drops files seen by content hash and \
                events seen by time and id). With --from-stdin, each line of standard input is `PATH<TAB>NAME`: the file to read \
                and the name (its S3 URI, say) its rows carry. See Spark/perimeter_aggregate.py.
                """)

        @Argument(help: "Log files (their rows carry their path).")
        var files: [String] = []

        @Flag(help: "Also read `PATH<TAB>NAME` lines from standard input.")
        var fromStdin = false

        func run() async throws {
            var inputs = files.map { ($0, $0) }
            if fromStdin {
                while let line = readLine(strippingNewline: true) {
                    let parts = line.split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false)
                    inputs.append((String(parts[0]), parts.count > 1 ? String(parts[1]) : String(parts[0])))
                }
            }
            let reader = LogFileReader()
            var failed = false
            for (path, name) in inputs {
                do {
                    let file = try reader.read(path: path, fingerprint: try LogFileReader.fingerprint(path: path))
                    var out = AggregateExchange.lines(file, name: name).joined(separator: "\n")
                    out.append("\n")
                    FileHandle.standardOutput.write(Data(out.utf8))
                } catch {
                    Terminal.err("Error: \(name): \(error)")
                    failed = true
                }
            }
            if failed { throw ExitCode(1) }
        }
    }
}
