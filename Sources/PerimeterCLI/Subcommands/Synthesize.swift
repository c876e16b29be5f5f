import ArgumentParser

extension PerimeterCommand {
    struct Synthesize: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "not yet available")
        func run() async throws { throw ValidationError("`synthesize` is not available in this build") }
    }
}
