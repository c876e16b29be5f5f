import AWSModel
import Foundation

/// Writes Perimeter's files under `--out`: only inside it, each file whole or not at all, and on
/// re-runs removes only what Perimeter itself wrote there before.
///
/// The files written are listed in `.perimeter-manifest` in the folder; a file of the user's that is
/// not in the manifest is never touched. Each file is written to a temporary file beside it and
/// renamed over the old one, so an interrupted run leaves the old file or the new, never a part.
struct OutputWriter {
    static let manifestName = ".perimeter-manifest"

    /// The folder, standardized, with symbolic links resolved.
    let root: URL

    init(folder: String) throws {
        let url = URL(fileURLWithPath: folder).standardizedFileURL
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        root = url.resolvingSymlinksInPath()
    }

    /// Writes `files` (relative path → content), then removes the files of the previous manifest that
    /// are not written again.
    /// - Throws: ``OutputError`` naming a path that would leave the folder, or the write that failed.
    func write(_ files: [String: String]) throws {
        let previous = Set(readManifest())
        var written: [String] = []
        for (relative, content) in files.sorted(by: { $0.key < $1.key }) {
            let target = try resolve(relative)
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            // The folder may hold a link placed after `resolve`: check the real parent again.
            guard isInside(target.deletingLastPathComponent().resolvingSymlinksInPath()) else { throw OutputError.outside(relative) }
            try replace(target, with: Data(content.utf8))
            written.append(relative)
        }
        for stale in previous.subtracting(written).sorted() {
            guard let target = try? resolve(stale) else { continue }
            try? FileManager.default.removeItem(at: target)
            removeEmptyParents(of: target)
        }
        try replace(root.appendingPathComponent(Self.manifestName), with: Data((written.joined(separator: "\n") + "\n").utf8))
    }

    /// The URL of a relative path, when it stays inside the folder.
    func resolve(_ relative: String) throws -> URL {
        let parts = relative.split(separator: "/", omittingEmptySubsequences: false)
        guard !relative.hasPrefix("/"), !parts.isEmpty,
              parts.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." && !$0.contains("\0") }) else {
            throw OutputError.outside(relative)
        }
        let url = root.appendingPathComponent(relative).standardizedFileURL
        guard isInside(url) else { throw OutputError.outside(relative) }
        return url
    }

    func isInside(_ url: URL) -> Bool {
        url.path == root.path || url.path.hasPrefix(root.path.hasSuffix("/") ? root.path : root.path + "/")
    }

    func readManifest() -> [String] {
        guard let text = try? String(contentsOf: root.appendingPathComponent(Self.manifestName), encoding: .utf8) else { return [] }
        return text.split(separator: "\n").map(String.init)
    }

    /// Writes `data` beside `target`, then renames it over `target` (atomic on one file system).
    func replace(_ target: URL, with data: Data) throws {
        let temporary = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).perimeter-tmp")
        do {
            try data.write(to: temporary)
            // Scripts (apply.sh, rollback.sh) are run as they are: executable, like a checked-out script.
            if target.pathExtension == "sh" { chmod(temporary.path, 0o755) }
            if rename(temporary.path, target.path) != 0 { throw OutputError.write(target.path, String(cString: strerror(errno))) }
        } catch let error as OutputError {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw OutputError.write(target.path, error.localizedDescription)
        }
    }

    func removeEmptyParents(of url: URL) {
        var parent = url.deletingLastPathComponent()
        while parent.path != root.path, isInside(parent),
              (try? FileManager.default.contentsOfDirectory(atPath: parent.path))?.isEmpty == true {
            try? FileManager.default.removeItem(at: parent)
            parent = parent.deletingLastPathComponent()
        }
    }
}

/// Why an output file was not written.
enum OutputError: Error, CustomStringConvertible {
    case outside(String)
    case write(String, String)

    var description: String {
        switch self {
        case .outside(let path): "refusing to write `\(path.visible())`: it is not inside the output folder"
        case .write(let path, let why): "cannot write `\(path.visible())`: \(why)"
        }
    }
}
