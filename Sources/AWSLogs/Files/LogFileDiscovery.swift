import AWSModel
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds the log files under the paths a user names.
public enum LogFileDiscovery {
    /// What a search found: the files to read, and the entries passed over because they are not regular
    /// files (a FIFO or a device would be read forever), each with its kind.
    public struct Found: Sendable, Equatable {
        /// The regular files found (links followed), sorted, each once.
        public var files: [String] = []
        /// Entries passed over, with their kind.
        public var notRegular: [NotRegular] = []
    }

    /// An entry that is not a regular file, or a link that leads nowhere or back into the search.
    public struct NotRegular: Sendable, Equatable, Codable {
        /// The entry as found under the searched path.
        public var path: String
        /// `FIFO`, `socket`, `device`, `broken link`, `link loop`.
        public var kind: String
    }

    /// Regular files under `paths` (directories searched recursively, symbolic links followed with loop
    /// detection, hidden entries and Markdown notes skipped, nothing under `excluding`), sorted, without
    /// duplicates.
    /// - Throws: ``LogReadError`` naming a path that does not exist.
    public static func find(under paths: [String], excluding: [String] = []) throws(LogReadError) -> Found {
        let excluded = excluding.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        var found = Found()
        // Gathered in the order the search meets them (folder by folder, each sorted), then sorted and made
        // unique: a nearly sorted list sorts in one pass, and no path of a trail's thousands is hashed.
        var files: [String] = []
        var visited = Set<FileID>()
        func isExcluded(_ path: String) -> Bool {
            guard !excluded.isEmpty else { return false }
            let full = URL(fileURLWithPath: path).standardizedFileURL.path
            return excluded.contains { full == $0 || full.hasPrefix($0 + "/") }
        }
        func visit(_ path: String, named: Bool, type: UInt8 = 0) {
            // An entry its folder lists as a regular file (not a link) needs no `stat`: most of a trail's
            // thousands of delivery files.
            if type == UInt8(DT_REG) {
                if !isNote(path) && !isExcluded(path) { files.append(path) }
                return
            }
            var info = stat()
            guard stat(path, &info) == 0 else {
                found.notRegular.append(NotRegular(path: path, kind: "broken link"))
                return
            }
            switch info.st_mode & S_IFMT {
            case S_IFREG:
                if named || (!isNote(path) && !isExcluded(path)) { files.append(path) }
            case S_IFDIR:
                guard !isExcluded(path) else { return }
                // A directory reached twice (a link back up the tree) is searched once.
                guard visited.insert(FileID(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))).inserted else {
                    found.notRegular.append(NotRegular(path: path, kind: "link loop"))
                    return
                }
                let prefix = path.hasSuffix("/") ? path : path + "/"
                for (name, type) in entries(of: path) { visit(prefix + name, named: false, type: type) }
            case S_IFIFO: found.notRegular.append(NotRegular(path: path, kind: "FIFO"))
            case S_IFSOCK: found.notRegular.append(NotRegular(path: path, kind: "socket"))
            default: found.notRegular.append(NotRegular(path: path, kind: "device"))
            }
        }
        for path in paths {
            var info = stat()
            guard lstat(path, &info) == 0 else { throw LogReadError.io(path: path, message: "no such file or directory") }
            visit(path, named: true)
        }
        // By bytes: Swift's String equality is canonical equivalence, so two names differing only in Unicode
        // normalization (two files on disk) would be one, and the second never read.
        found.files = files.filter { file in !isNote(file) || paths.contains { TextBytes.equal($0, file) } }
            .sorted(by: TextBytes.less)
            .reduce(into: [String]()) { kept, file in if !(kept.last.map { TextBytes.equal($0, file) } ?? false) { kept.append(file) } }
        return found
    }

    /// A Markdown note (`README.md` beside the logs), by its name's bytes.
    static func isNote(_ path: String) -> Bool { path.utf8.count >= 3 && path.utf8.suffix(3).elementsEqual(".md".utf8) }

    /// The entries of a folder (hidden ones left out), sorted by name, each with the type the folder
    /// lists for it (`DT_UNKNOWN` where the file system does not say); none when it cannot be read.
    static func entries(of path: String) -> [(name: String, type: UInt8)] {
        guard let folder = opendir(path) else { return [] }
        defer { closedir(folder) }
        var entries: [(name: String, type: UInt8)] = []
        while let entry = readdir(folder) {
            let name = withUnsafePointer(to: &entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if !name.hasPrefix(".") { entries.append((name, entry.pointee.d_type)) }
        }
        return entries.sorted { TextBytes.less($0.name, $1.name) }
    }

    /// The regular files of ``find(under:excluding:)``.
    ///
    /// - Throws: ``LogReadError`` when a named path does not exist or a folder cannot be listed.
    public static func files(under paths: [String], excluding: [String] = []) throws(LogReadError) -> [String] {
        try find(under: paths, excluding: excluding).files
    }

    struct FileID: Hashable {
        var device: UInt64
        var inode: UInt64
    }
}
