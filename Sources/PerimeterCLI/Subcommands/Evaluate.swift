import ArgumentParser

extension PerimeterCommand {
    struct Evaluate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "not yet available")
        func run() async throws { throw ValidationError("`evaluate` is not available in this build") }
    }
}
