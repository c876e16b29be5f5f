import AWSModel
import Foundation

/// Writes Perimeter's files under `--out`: only inside it, never through a symbolic link, as one set,
/// and on re-runs removes only files Perimeter can show it wrote there.
///
/// A run writes its whole set into a fresh private folder `.perimeter-staging.XXXXXX` (`mkdtemp`) in
/// `--out`, files created with `O_EXCL | O_NOFOLLOW`, then renames that folder to `.perimeter-commit`:
/// the switch point. Before it, a killed run leaves the old set as it was; after it, the new set is
/// whole in `.perimeter-commit`, and its files are renamed into place (`rollback.sh` and `apply.sh`
/// last, then the manifest). A run that finds `.perimeter-commit` finishes that switch first.
/// `.perimeter-manifest` lists each file written with its SHA-256 (`sha256sum`'s format); a file of
/// the last manifest that is not written again is removed only when it is a regular file whose digest
/// is still the manifest's, at a plain relative path reached through folders, not links. A file of the
/// user's is never removed. The folder is locked (`flock`) for the run.
public struct OutputWriter {
    public static let manifestName = ".perimeter-manifest"
    static let commitName = ".perimeter-commit"
    static let stagingPrefix = ".perimeter-staging."
    /// Renamed into place after every other file: they name the others.
    static let lastNames = ["rollback.sh", "apply.sh"]

    /// `--out`, as given.
    public let folder: String

    public init(folder: String) throws {
        do { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) } catch {
            throw OutputError.write(folder, error.localizedDescription)
        }
        self.folder = folder
    }

    /// Writes `files` (relative path → content) as the folder's new set.
    /// - Returns: the files of the last manifest left in place although not written again: changed since,
    ///   a link, a folder, or a path that is not plain (the caller says so).
    /// - Throws: ``OutputError`` naming a path that would leave the folder, a link in the way, the lock
    ///   held by another run, or the write that failed. Before the switch the folder then holds the old
    ///   set; after it, the next run finishes the switch.
    public func write(_ files: [String: String]) throws -> [String] {
        let set = try Self.prepared(files)
        let root = try OutputFolder(root: folder)
        return try withExtendedLifetime(root) {
            guard try root.lock() else { throw OutputError.busy(folder) }
            let kept = try recover(root)
            let staging = try stage(set, in: root)
            _ = try root.move(staging, to: root, as: Self.commitName)
            return kept + (try finish(root))
        }
    }

    /// Each file's path, the parts of its path and its bytes, by path.
    /// - Throws: ``OutputError/outside(_:)`` for a path that is not plain.
    static func prepared(_ files: [String: String]) throws -> [(String, [String], [UInt8])] {
        try files.sorted(by: { $0.key < $1.key }).map { relative, content in
            guard let parts = Self.components(relative) else { throw OutputError.outside(relative) }
            return (relative, parts, Array(content.utf8))
        }
    }

    /// The parts of a plain relative path (no empty, `.` or `..` part, no control character, not one of
    /// Perimeter's own names at the top), else nil.
    static func components(_ relative: String) -> [String]? {
        let parts = relative.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard !relative.hasPrefix("/"), let first = parts.first, !first.hasPrefix(".perimeter-"),
              parts.allSatisfy({ !$0.isEmpty && $0 != "." && $0 != ".." }),
              !relative.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0 == "\\" }) else { return nil }
        return parts
    }

    /// A switch a killed run left unfinished is finished, and staging folders of killed runs are removed.
    func recover(_ root: OutputFolder) throws -> [String] {
        var kept: [String] = []
        switch root.kind(Self.commitName) {
        case nil: break
        case S_IFDIR: kept = try finish(root)
        default: throw OutputError.notFolder(Self.commitName)
        }
        for name in root.entries() where name.hasPrefix(Self.stagingPrefix) { root.removeTree(name) }
        return kept
    }

    /// Writes the set and its manifest into a new staging folder, after making (never through a link)
    /// the folders each file goes to in `--out`.
    /// - Returns: the staging folder's name in `--out`.
    func stage(_ files: [(String, [String], [UInt8])], in root: OutputFolder) throws -> String {
        var template = Array((folder + "/" + Self.stagingPrefix + "XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw OutputError.write(folder, OutputFolder.reason()) }
        let name = String(String(cString: made).split(separator: "/").last!)
        do {
            let staging = try Self.place(name, [], in: root, create: false)
            var manifest = ""
            for (relative, parts, bytes) in files {
                if try Self.place(relative, parts, in: root, create: true).kind(parts.last!) == S_IFDIR {
                    throw OutputError.folderInTheWay(relative)
                }
                let into = try Self.place(relative, parts, in: staging, create: true)
                try into.create(parts.last!, bytes, executable: relative.hasSuffix(".sh"))
                manifest += SHA256.hex(bytes) + "  " + relative + "\n"
            }
            try staging.create(Self.manifestName, Array(manifest.utf8), executable: false)
        } catch {
            root.removeTree(name)
            throw error
        }
        return name
    }

    /// The folder that holds `parts`' last part, under `base` (`base` itself for one part, or for none:
    /// then `relative` names the folder itself).
    static func place(_ relative: String, _ parts: [String], in base: OutputFolder, create: Bool) throws -> OutputFolder {
        let names = parts.isEmpty ? [relative][...] : parts.dropLast()
        guard let chain = try base.chain(names, create: create) else { throw OutputError.write(relative, "a folder on its path is gone") }
        return chain[chain.count - 1]
    }

    /// Renames the files of `.perimeter-commit` into place, removes the stale files of the last
    /// manifest, then puts the new manifest in place and removes `.perimeter-commit`.
    func finish(_ root: OutputFolder) throws -> [String] {
        guard let commit = try root.folder(Self.commitName, create: false) else { return [] }
        // Without its manifest, the switch was done (the manifest goes last) and only the folder is left.
        guard let manifest = commit.read(Self.manifestName) else {
            root.removeTree(Self.commitName)
            return []
        }
        let names = Manifest(manifest).entries.map(\.path)
        let written = Set(names)
        for relative in names.filter({ !Self.lastNames.contains($0) }) + Self.lastNames.filter(written.contains) {
            guard let parts = Self.components(relative) else { throw OutputError.outside(relative) }
            // Gone from the commit folder: moved by the run that was killed.
            guard let from = try commit.chain(parts.dropLast(), create: false)?.last else { continue }
            _ = try from.move(parts.last!, to: try Self.place(relative, parts, in: root, create: true), as: parts.last!)
        }
        let previous = Manifest(root.read(Self.manifestName) ?? [])
        let kept = removeStale(previous.entries.filter { !written.contains($0.path) }, in: root)
        _ = try commit.move(Self.manifestName, to: root, as: Self.manifestName)
        root.removeTree(Self.commitName)
        return kept
    }

    /// Removes each listed file that is still as Perimeter wrote it, and folders this leaves empty.
    /// - Returns: the paths left in place.
    func removeStale(_ entries: [Manifest.Entry], in root: OutputFolder) -> [String] {
        var kept: [String] = []
        for entry in entries {
            guard let parts = Self.components(entry.path) else { kept.append(entry.path); continue }
            let chain: [OutputFolder]
            do {
                guard let found = try root.chain(parts.dropLast(), create: false) else { continue }
                chain = found
            } catch { kept.append(entry.path); continue }
            let name = parts.last!, place = chain.last!
            guard let kind = place.kind(name) else { continue }
            guard kind == S_IFREG, let digest = entry.digest, place.read(name).map(SHA256.hex) == digest, place.unlink(name) else {
                kept.append(entry.path)
                continue
            }
            for level in (1..<chain.count).reversed() where !chain[level - 1].removeEmptyFolder(parts[level - 1]) { break }
        }
        return kept
    }
}

/// `.perimeter-manifest`: a line per file, its SHA-256 in hex, two spaces and its path, as `sha256sum`
/// writes (so `sha256sum -c .perimeter-manifest` checks a set in `--out`). A line of an older manifest
/// (a path alone) has no digest.
struct Manifest {
    struct Entry {
        var digest: String?
        var path: String
    }

    var entries: [Entry]

    init(_ bytes: [UInt8]) {
        entries = String(decoding: bytes, as: UTF8.self).split(separator: "\n").map { line in
            let hex = line.prefix(64)
            if line.dropFirst(64).hasPrefix("  "), hex.count == 64, hex.allSatisfy({ $0.isHexDigit && !$0.isUppercase }) {
                return Entry(digest: String(hex), path: String(line.dropFirst(66)))
            }
            return Entry(digest: nil, path: String(line))
        }
    }
}

/// Why the output files were not written.
public enum OutputError: Error, CustomStringConvertible {
    case outside(String)
    case link(String)
    case notFolder(String)
    case folderInTheWay(String)
    case busy(String)
    case write(String, String)

    public var description: String {
        switch self {
        case .outside(let path): "refusing to write `\(path.visible())`: it is not a plain relative path inside the output folder"
        case .link(let path):
            "refusing to write through `\(path.visible())` in the output folder: it is a symbolic link (Perimeter follows none "
                + "there); remove it"
        case .notFolder(let path): "cannot write under `\(path.visible())` in the output folder: it is not a folder"
        case .folderInTheWay(let path): "cannot write `\(path.visible())` in the output folder: a folder is in its place"
        case .busy(let folder):
            "another perimeter run is writing `\(folder.visible())` (it holds the folder's lock): nothing written; run again when it "
                + "has finished"
        case .write(let path, let why): "cannot write `\(path.visible())`: \(why)"
        }
    }
}
