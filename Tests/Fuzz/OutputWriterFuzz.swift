import Foundation
import AWSModel
import PolicySynthesis
import Reporting

/// The output writer on a folder someone else could write between runs: the input plants a tree of
/// folders, files, links (to a sibling `outside` folder, to its files, inside `--out`, dangling) and a
/// manifest under `out`, then a run's files are written there. Nothing outside `out` may change, and
/// no link under `out` is written, read or removed through.
extension FuzzTarget {
    static let names = ["endpoints", "buckets", "current", "apply.sh", "rollback.sh", "report.md", "vpce-1.json", "b.json", "src", ".git",
                        OutputWriter.manifestName, ".perimeter-commit", ".perimeter-staging.x", "..", "victim", "sub",
                        ".apply.sh.perimeter-tmp"]   // the temporary name of the writer before issue 26
    static let outsideFiles = ["victim": "sentinel", "sub/victim": "sentinel", "sub/b.json": "{}\n"]
    static let runFiles = ["apply.sh": "#!/bin/sh\n", "report.md": "r", "endpoints/vpce-1.json": "{}\n",
                           "current/endpoints/vpce-1.json": "{}\n", "buckets/b.json": "{}\n"]

    static func outputWriter(_ bytes: [UInt8]) {
        let dir = NSTemporaryDirectory() + "perimeter-fuzz-out-\(getpid())"
        try? FileManager.default.removeItem(atPath: dir)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = dir + "/out", outside = dir + "/outside"
        for (path, text) in outsideFiles {
            try? FileManager.default.createDirectory(atPath: outside + "/sub", withIntermediateDirectories: true)
            try? Data(text.utf8).write(to: URL(fileURLWithPath: outside + "/" + path))
        }
        try? FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        plant(bytes, out: out, outside: outside)
        let before = snapshot(dir, skipping: "out")
        let links = snapshot(out).filter { $0.value.hasPrefix("link ") }
        let written = try? OutputWriter(folder: out).write(runFiles)
        invariant(snapshot(dir, skipping: "out") == before, "a file outside --out changed")
        let after = snapshot(out)
        for (path, link) in links where !path.hasPrefix(".perimeter-") {
            // A link may be replaced by a file of the run (a rename replaces the link), never written through.
            let replaced = runFiles[path].map { after[path]?.hasSuffix(" " + $0) == true } ?? false
            invariant(after[path] == link || replaced, "link `\(path)` followed")
        }
        if written != nil {
            // `snapshot` descends no link: each file was written through folders.
            for (path, text) in runFiles { invariant(after[path]?.hasSuffix(" " + text) == true, "`\(path)` not written") }
            invariant(!after.keys.contains { $0.hasPrefix(".perimeter-staging") || $0.hasPrefix(".perimeter-commit") }, "staging left")
        }
    }

    /// Two bytes an entry: what (folder, file, link, manifest line) and where (a path of one or two names).
    static func plant(_ bytes: [UInt8], out: String, outside: String) {
        var manifest = ""
        for i in stride(from: 0, to: bytes.count - 1, by: 2) {
            let what = bytes[i] % 8, first = names[Int(bytes[i] >> 3) % names.count], second = names[Int(bytes[i + 1]) % names.count]
            let path = bytes[i + 1] & 0x80 == 0 ? first : first + "/" + second
            let at = out + "/" + path
            switch what {
            case 0: try? FileManager.default.createDirectory(atPath: at, withIntermediateDirectories: true)
            case 1: try? Data("user".utf8).write(to: URL(fileURLWithPath: at))
            case 2: try? FileManager.default.createSymbolicLink(atPath: at, withDestinationPath: outside)
            case 3: try? FileManager.default.createSymbolicLink(atPath: at, withDestinationPath: outside + "/" + second)
            case 4: try? FileManager.default.createSymbolicLink(atPath: at, withDestinationPath: "../outside/sub")
            case 5: try? FileManager.default.createSymbolicLink(atPath: at, withDestinationPath: second)
            case 6: manifest += SHA256.hex(Array("sentinel".utf8)) + "  " + path + "\n"
            default:
                let digest = ["", SHA256.hex(Array("{}\n".utf8)) + "  ", SHA256.hex(Array("user".utf8)) + "  "][Int(bytes[i + 1]) % 3]
                manifest += digest + path + "\n"
            }
        }
        if !manifest.isEmpty { try? Data(manifest.utf8).write(to: URL(fileURLWithPath: out + "/" + OutputWriter.manifestName)) }
    }

    /// Each entry under `root` (relative path → kind, mode and content or link target), read without following a link.
    static func snapshot(_ root: String, skipping: String? = nil) -> [String: String] {
        var entries: [String: String] = [:]
        var pending = [""]
        while let relative = pending.popLast() {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: root + "/" + relative)) ?? []
            for name in names where !(relative.isEmpty && name == skipping) {
                let path = relative.isEmpty ? name : relative + "/" + name
                var info = stat()
                guard lstat(root + "/" + path, &info) == 0 else { continue }
                let mode = String(info.st_mode & 0o777, radix: 8)
                switch info.st_mode & S_IFMT {
                case S_IFLNK:
                    entries[path] = "link " + ((try? FileManager.default.destinationOfSymbolicLink(atPath: root + "/" + path)) ?? "?")
                case S_IFDIR: entries[path] = "folder " + mode; pending.append(path)
                default: entries[path] = "file \(mode) " + ((try? String(contentsOfFile: root + "/" + path, encoding: .utf8)) ?? "?")
                }
            }
        }
        return entries
    }
}
