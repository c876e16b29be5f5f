/// A policy document that cannot be read, located by its JSON path.
public struct PolicyError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case malformedJSON, malformedDocument, invalidValue, missingElement, conflictingElements
    }

    public var code: Code
    /// Where in the document, e.g. `Statement[2].Effect`; empty for the whole document.
    public var path: String
    public var message: String
    public var file: String?

    public init(code: Code, path: String, message: String, file: String? = nil) {
        self.code = code
        self.path = path
        self.message = message
        self.file = file
    }

    public var description: String {
        [file, path.isEmpty ? nil : path, message].compactMap { $0 }.joined(separator: ": ")
    }
}
