import ArgumentParser
import AWSLogs
import Foundation
import UsageStore

extension PerimeterCommand {
    struct Normalize: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read log files and write the store's groups summed over them, for an engine that aggregates elsewhere (Spark).",
            discussion: """
                Writes into --out, as JSON lines: the grouped tables (access.jsonl, sources.jsonl, categories.jsonl, flows.jsonl) summed \
                over the files, the per-file tables the engine de-duplicates with (files.jsonl, events.jsonl: each event's time, \
                id, content digest and request digest; network.jsonl: the network activity events' rows; rejects.jsonl, \
                skipped.jsonl), and format.jsonl, the exchange's format and version. With --from-stdin, each line of standard input is \
                `PATH<TAB>NAME`: the file to read and the name (its S3 URI, say) its rows carry. With --subtract, each line is \
                `PATH<TAB>NAME<TAB>WHAT` (WHAT: `*` for the whole file, or the digests of the events to take out, comma-separated) \
                and the grouped tables are written with negated sums. See Spark/perimeter_aggregate.py.
                """)

        @Argument(help: "Log files (their rows carry their path).")
        var files: [String] = []

        @Flag(help: "Also read `PATH<TAB>NAME` lines from standard input.")
        var fromStdin = false

        @Option(help: "The folder the tables are written to (created).")
        var out: String?

        @Flag(help: "Print the log files under the given paths as `ingest` finds them (one JSON line each: path, size) and stop.")
        var list = false

        @Option(help: "With --list: a folder that holds no logs (the inventory).")
        var exclude: [String] = []

        @Flag(help: "Write what the files named on standard input add, negated (the copies an engine found).")
        var subtract = false

        func run() async throws {
            if list { return try printFiles() }
            guard let out else { throw ValidationError("--out is required (or --list)") }
            var inputs = files.map { (path: $0, name: $0, removal: PartialAggregates.Removal.all) }
            if fromStdin || subtract {
                while let line = readLine(strippingNewline: true) {
                    let parts = line.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
                    let what = parts.count > 2 ? parts[2] : "*"
                    let removal = what == "*" ? PartialAggregates.Removal.all : .events(what.split(separator: ",").map(String.init))
                    inputs.append((path: parts[0], name: parts.count > 1 ? parts[1] : parts[0], removal: removal))
                }
            }
            try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
            let perFile = subtract ? [] : ["files", "events", "network", "rejects", "skipped"]
            let tables = try TableFiles(folder: out, names: ["format"] + perFile)
            try tables.write("format", [AggregateExchange.formatRow])
            var sums = PartialAggregates()
            // As `ingest` reads: events dated after the run are forgeries, rejected (the default reader has no clock).
            let reader = LogFileReader(cloudTrail: CloudTrailReader(now: Int64(Date().timeIntervalSince1970)))
            var failed = false
            for input in inputs {
                do {
                    let file = try reader.read(path: input.path, fingerprint: try LogFileReader.fingerprint(path: input.path))
                    if subtract {
                        sums.subtract(file, input.removal)
                        continue
                    }
                    sums.add(file)
                    let rows = PartialAggregates.fileRows(file, name: input.name)
                    try tables.write("files", [rows.file])
                    try tables.write("events", rows.events)
                    try tables.write("network", rows.network)
                    try tables.write("rejects", rows.rejects)
                    try tables.write("skipped", rows.skipped)
                } catch {
                    Terminal.err("Error: \(input.name): \(String(describing: error))")
                    failed = true
                }
            }
            try tables.close()
            for (name, lines) in sums.tables() {
                let grouped = try TableFiles(folder: out, names: [name])
                try grouped.write(name, lines)
                try grouped.close()
            }
            if failed { throw ExitCode(1) }
        }

        private func printFiles() throws {
            for path in try LogFileDiscovery.files(under: files, excluding: exclude) {
                let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
                FileHandle.standardOutput.write(Data((PartialAggregates.listing(path: path, size: size) + "\n").utf8))
            }
        }
    }

    /// JSON-lines files in a folder, appended to line by line through a buffer per file (a task writes
    /// five tables for each of thousands of small files: one write call per megabyte, not per file).
    final class TableFiles {
        private var files: [String: (handle: FileHandle, buffer: [UInt8])] = [:]
        private static let flushAt = 1 << 20

        init(folder: String, names: [String]) throws {
            for name in names {
                let path = folder + "/" + name + ".jsonl"
                guard FileManager.default.createFile(atPath: path, contents: nil) else { throw ValidationError("cannot write `\(path)`") }
                files[name] = (try FileHandle(forWritingTo: URL(fileURLWithPath: path)), [])
            }
        }

        func write(_ name: String, _ lines: [String]) throws {
            guard !lines.isEmpty, files[name] != nil else { return }
            for line in lines {
                files[name]!.buffer.append(contentsOf: line.utf8)
                files[name]!.buffer.append(UInt8(ascii: "\n"))
            }
            if files[name]!.buffer.count >= Self.flushAt { try flush(name) }
        }

        /// Writes what every file's buffer holds.
        func close() throws {
            for name in files.keys { try flush(name) }
        }

        private func flush(_ name: String) throws {
            guard let file = files[name], !file.buffer.isEmpty else { return }
            try file.handle.write(contentsOf: file.buffer)
            files[name]!.buffer.removeAll(keepingCapacity: true)
        }
    }
}
