/// A policy document that cannot be read, located by its JSON path.
public struct PolicyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem it is.
    public enum Code: String, Sendable {
        case malformedJSON, malformedDocument, invalidValue, missingElement, conflictingElements
    }

    /// What kind of problem it is.
    public var code: Code
    /// Where in the document, e.g. `Statement[2].Effect`; empty for the whole document.
    public var path: String
    /// What is wrong, in words.
    public var message: String
    /// The file the policy came from, when known (set by the caller).
    public var file: String?

    /// An error of kind `code` at JSON `path`.
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
