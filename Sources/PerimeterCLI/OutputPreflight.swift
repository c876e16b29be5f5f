import AWSModel
import Foundation
import PolicySynthesis
import Reporting

extension OutputWriter {
    /// Why `folder` cannot take Perimeter's files, or nil when it can: asked before any work, so that a
    /// read-only `--out` is said in one line at once, not after the whole ingest. The folder (or, when it does
    /// not exist yet, its nearest existing parent) must be a folder where a new entry can be made: a probe
    /// folder is made there and removed, which answers for permissions, read-only mounts and full quotas alike.
    static func unwritable(_ folder: String) -> String? {
        var existing = URL(fileURLWithPath: folder).standardizedFileURL
        while !FileManager.default.fileExists(atPath: existing.path), existing.path != "/" {
            existing = existing.deletingLastPathComponent()
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: existing.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            return "--out `\(folder.visible())` cannot be made: `\(existing.path.visible())` is not a folder"
        }
        let folder = existing.path == "/" ? "/" : existing.path + "/"
        var template = Array(folder.utf8CString.dropLast()) + Array(".perimeter-probe-XXXXXX".utf8CString)
        guard let probe = mkdtemp(&template) else {
            let reason = String(cString: strerror(errno))
            let place = existing.path == URL(fileURLWithPath: folder).standardizedFileURL.path ? "" : " (in `\(existing.path.visible())`)"
            return "--out `\(folder.visible())` is not writable\(place): \(reason)"
        }
        rmdir(probe)
        return nil
    }
}
