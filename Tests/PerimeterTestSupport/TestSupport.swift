public import Foundation

/// Paths and temporary folders for tests.
public enum TestSupport {
    /// The repository root (two levels above this file's folder).
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `Tests/Fixtures/<relative>`.
    public static func fixture(_ relative: String) -> String {
        repositoryRoot.appendingPathComponent("Tests/Fixtures").appendingPathComponent(relative).path
    }

    /// The shared real-data set beside the repository (`../shared/data/real`), or nil where it is absent
    /// (it exists only on the project's own machines; tests over it skip elsewhere).
    public static var sharedRealData: String? {
        let path = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/data/real").path
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// The endpoint id of the panther-analysis fixtures (`vpce-EXAMPLE08c1b6b9b7`) is the documentation's
    /// placeholder, which Perimeter rejects (no endpoint has it); tests that need the record as an event read it
    /// with this id in its place.
    public static let issuedEndpointID = "vpce-08c1b6b9b7"

    /// The text of a fixture with its placeholder endpoint id replaced by ``issuedEndpointID``.
    public static func fixtureWithIssuedEndpointID(_ relative: String) throws -> String {
        try String(contentsOfFile: fixture(relative), encoding: .utf8)
            .replacingOccurrences(of: "vpce-EXAMPLE08c1b6b9b7", with: issuedEndpointID)
    }

    /// A new empty temporary folder, under this test process's own folder.
    public static func temporaryDirectory(_ name: String = "perimeter-test") -> String {
        let url = temporaryRoot.appendingPathComponent("\(name)-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    /// `$TMPDIR/perimeter-tests/<pid>`. Swift Testing has no hook after the last test, so the folders of
    /// earlier runs (processes no longer alive) are removed when a run makes its first: a machine keeps
    /// at most the last run's, not every run's (a day of runs had left 6,000 folders).
    static let temporaryRoot: URL = {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("perimeter-tests")
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: base.path)) ?? [] {
            guard let pid = Int32(entry), pid != getpid(), kill(pid, 0) != 0, errno == ESRCH else { continue }
            try? FileManager.default.removeItem(at: base.appendingPathComponent(entry))
        }
        return base.appendingPathComponent(String(getpid()))
    }()

    /// The executable `name` found on PATH (pip installs commands there), or nil.
    public static func executable(named name: String) -> String? {
        (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { String($0) + "/" + name }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The bytes of a file.
    public static func bytes(_ path: String) -> [UInt8] {
        (try? [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))) ?? []
    }

    /// Compresses `data` with the system `gzip` (tests only).
    public static func gzip(_ data: [UInt8]) throws -> [UInt8] {
        let dir = temporaryDirectory("gzip")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let input = URL(fileURLWithPath: dir).appendingPathComponent("data")
        try Data(data).write(to: input)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-n", "-f", input.path]
        try process.run()
        process.waitUntilExit()
        return bytes(input.path + ".gz")
    }
}
