import Foundation

/// Finds the log files under the paths a user names.
public enum LogFileDiscovery {
    /// Regular files under `paths` (directories searched recursively, hidden entries and Markdown
    /// notes skipped, nothing under `excluding`), sorted, without duplicates; throws naming a path
    /// that does not exist.
    public static func files(under paths: [String], excluding: [String] = []) throws(LogReadError) -> [String] {
        let excluded = excluding.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        var result = Set<String>()
        let fm = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw LogReadError.io(path: path, message: "no such file or directory")
            }
            guard isDirectory.boolValue else {
                result.insert(path)
                continue
            }
            guard let enumerator = fm.enumerator(at: URL(fileURLWithPath: path), includingPropertiesForKeys: [.isRegularFileKey],
                                                 options: [.skipsHiddenFiles]) else { continue }
            for case let url as URL in enumerator {
                if (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
                    result.insert(url.path)
                }
            }
        }
        return result.filter { path in
            let full = URL(fileURLWithPath: path).standardizedFileURL.path
            return !path.hasSuffix(".md") && !excluded.contains { full == $0 || full.hasPrefix($0 + "/") }
        }.sorted()
    }
}
