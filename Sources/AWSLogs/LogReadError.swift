/// Why a log file, or a part of one, could not be read.
public enum LogReadError: Error, Sendable, Equatable, CustomStringConvertible {
    case notGzip
    case gzip(offset: Int64, message: String)
    case truncatedGzip(offset: Int64, bytesOut: Int64)
    case io(path: String, message: String)

    public var description: String {
        switch self {
        case .notGzip: "not gzip data"
        case let .gzip(offset, message): "gzip error at compressed byte \(offset): \(message)"
        case let .truncatedGzip(offset, bytesOut): """
            truncated gzip: input ends inside a member at compressed byte \(offset) after \(bytesOut) decompressed bytes
            """
        case let .io(path, message): "cannot read `\(path)`: \(message)"
        }
    }
}
