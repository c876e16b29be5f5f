public import ArgumentParser

/// The `perimeter` command: ingest logs, evaluate policies, synthesize drafts.
public struct PerimeterCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "perimeter",
        abstract: "Least-privilege VPC endpoint and S3 bucket policies from the AWS logs you already export.",
        version: PerimeterCommand.version,
        subcommands: [Ingest.self, Run.self, Synthesize.self, Check.self, Selectors.self, Rejects.self, Evaluate.self, Sample.self,
            Benchmark.self,
                      Normalize.self])

    public init() {}

    /// The release, shown by `perimeter --version`.
    static let version = "0.5.0"
}

/// Options every store-backed subcommand takes.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: "The SQLite usage store.")
    var db: String = "perimeter.sqlite"
}
