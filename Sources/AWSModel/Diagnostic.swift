/// A finding Perimeter reports rather than throws: a stable code, a severity, a message whose values
/// are kept apart from its words, and where it was found. The console, the report and summary.json
/// show the same code.
///
/// ```swift
/// let note = Diagnostic(.keptExact, .note,
///                       "kept \(value: resource) exact for \(action): the current policy does not grant \(value: wider)")
/// note.description   // "kept-exact: kept `arn:aws:s3:::b/k` exact for s3:GetObject: …"
/// ```
public struct Diagnostic: Sendable, Hashable, Codable, CustomStringConvertible {
    /// What kind of finding it is; the raw value is the code shown everywhere.
    /// The codes are listed in one catalog (`Diagnostic+Codes.swift`): write `.keptExact`, never a string.
    public struct Code: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }
    }

    /// How much a finding matters.
    public enum Severity: String, Sendable, Hashable, Codable {
        /// Said for the record: an assumption, a generalization.
        case note
        /// Something the user should act on or know before applying a draft.
        case warning
        /// A check failed.
        case error
    }

    /// Where a diagnostic was found: a file, with a line or byte offset, or a JSON path in it.
    public struct Location: Sendable, Hashable, Codable, CustomStringConvertible {
        /// The file, as the user named or discovery found it.
        public var file: String?
        /// 1-based line in the (decompressed) file.
        public var line: Int?
        /// Byte offset in the (decompressed) file.
        public var byteOffset: Int64?
        /// A JSON path such as `VpcEndpoints[2].PolicyDocument`.
        public var path: String?

        /// A location; every part is optional.
        public init(file: String? = nil, line: Int? = nil, byteOffset: Int64? = nil, path: String? = nil) {
            self.file = file
            self.line = line
            self.byteOffset = byteOffset
            self.path = path
        }

        public var description: String {
            [file, line.map { "line \($0)" }, byteOffset.map { "byte \($0)" }, path].compactMap { $0 }.joined(separator: ": ")
        }
    }

    /// The stable code (`malformed-json`, `coverage-gap`, …).
    public var code: Code
    /// How much it matters.
    public var severity: Severity
    /// What was found, values kept apart from words.
    public var message: Message
    /// Where it was found, when it has a place.
    public var location: Location?

    /// A diagnostic with `code`, `severity` and `message`, found `at` a location.
    public init(_ code: Code, _ severity: Severity, _ message: Message, at location: Location? = nil) {
        self.code = code
        self.severity = severity
        self.message = message
        self.location = location
    }

    /// `code: location: message`, values in backticks.
    public var description: String {
        ([code.rawValue] + [location?.description].compactMap { $0 }.filter { !$0.isEmpty } + [message.description]).joined(separator: ": ")
    }
}

/// A diagnostic's message: Perimeter's words, and values (from logs, the inventory or a policy) kept
/// as such, so that every renderer can show a value as a value and never read it as markup.
public struct Message: Sendable, Hashable, ExpressibleByStringInterpolation, CustomStringConvertible, Codable {
    /// A stretch of a message: Perimeter's words, or a value shown as code.
    public enum Piece: Sendable, Hashable {
        case text(String)
        case value(String)
    }

    /// The message's pieces in order.
    public var pieces: [Piece]

    /// A message from its pieces.
    public init(pieces: [Piece]) { self.pieces = pieces }
    public init(stringLiteral value: String) { pieces = [.text(value)] }
    public init(stringInterpolation: Interpolation) { pieces = stringInterpolation.pieces }

    /// Builds a message from a string literal: literal text and `\(x)` are words, `\(value: x)` is a value.
    public struct Interpolation: StringInterpolationProtocol {
        var pieces: [Piece] = []
        public init(literalCapacity: Int, interpolationCount: Int) {}
        public mutating func appendLiteral(_ literal: String) { if !literal.isEmpty { pieces.append(.text(literal)) } }
        /// Perimeter's own words or numbers.
        public mutating func appendInterpolation(_ text: some CustomStringConvertible) { pieces.append(.text(text.description)) }
        /// A value, shown as code.
        public mutating func appendInterpolation(value: some CustomStringConvertible) { pieces.append(.value(value.description)) }
    }

    /// The message as plain text, values in backticks, shown as ``Swift/String/visible(keepingNewlines:)`` does.
    public var description: String {
        pieces.map { piece in
            switch piece {
            case .text(let t): t.visible()
            case .value(let v): "`\(v.visible())`"
            }
        }.joined()
    }

    /// Two messages one after the other (a long one written on several lines).
    public static func + (a: Message, b: Message) -> Message { Message(pieces: a.pieces + b.pieces) }

    public init(from decoder: any Decoder) throws {
        pieces = [.text(try decoder.singleValueContainer().decode(String.self))]
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
