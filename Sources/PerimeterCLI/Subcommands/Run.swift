import ArgumentParser

extension PerimeterCommand {
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "not yet available")
        func run() async throws { throw ValidationError("`run` is not available in this build") }
    }
}
