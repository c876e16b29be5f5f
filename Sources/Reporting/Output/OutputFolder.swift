import Foundation

/// A folder under `--out`, held open: every call names an entry *of this folder* (`openat`,
/// `renameat`, `unlinkat`), and none follows a symbolic link, so a link planted anywhere under
/// `--out` is never written, read or removed through. Each system call is made inside a method, so
/// the folders it names stay open for the call (the descriptor is closed when the folder is released).
final class OutputFolder {
    let fd: Int32
    /// The folder's path under `--out`, for messages (`""` for `--out` itself).
    let shown: String

    /// `--out` itself, as the user named it (a link given on the command line is the user's choice).
    init(root path: String) throws {
        fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw OutputError.write(path, Self.reason()) }
        shown = ""
    }

    private init(fd: Int32, shown: String) {
        self.fd = fd
        self.shown = shown
    }

    deinit { close(fd) }

    static func reason() -> String { String(cString: strerror(errno)) }

    func path(_ name: String) -> String { shown.isEmpty ? name : shown + "/" + name }

    /// What is at `name`, without following a link: `S_IFREG`, `S_IFDIR`, `S_IFLNK`…, or nil when nothing is.
    func kind(_ name: String) -> mode_t? {
        var info = stat()
        guard fstatat(fd, name, &info, AT_SYMLINK_NOFOLLOW) == 0 else { return nil }
        return info.st_mode & S_IFMT
    }

    /// The folder `name` in this one, made when `create` and missing; nil when it is missing.
    /// - Throws: ``OutputError/link(_:)`` for a link, ``OutputError/notFolder(_:)`` for anything else not a folder.
    func folder(_ name: String, create: Bool) throws -> OutputFolder? {
        if create, mkdirat(fd, name, 0o755) != 0, errno != EEXIST { throw OutputError.write(path(name), Self.reason()) }
        let sub = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        if sub >= 0 { return OutputFolder(fd: sub, shown: path(name)) }
        switch kind(name) {
        case nil: return nil
        case S_IFLNK: throw OutputError.link(path(name))
        case S_IFDIR: throw OutputError.write(path(name), Self.reason())
        default: throw OutputError.notFolder(path(name))
        }
    }

    /// The folders from this one down through `names`, this one first; nil when one is missing.
    func chain(_ names: ArraySlice<String>, create: Bool) throws -> [OutputFolder]? {
        var chain = [self]
        for name in names {
            guard let next = try chain[chain.count - 1].folder(name, create: create) else { return nil }
            chain.append(next)
        }
        return chain
    }

    /// A new file `name` holding `bytes`; never an existing name, never through a link (`O_EXCL | O_NOFOLLOW`).
    func create(_ name: String, _ bytes: [UInt8], executable: Bool) throws {
        let file = openat(fd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o666)
        guard file >= 0 else { throw OutputError.write(path(name), Self.reason()) }
        defer { close(file) }
        var done = 0
        while done < bytes.count {
            let n = bytes[done...].withUnsafeBytes { Foundation.write(file, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { throw OutputError.write(path(name), Self.reason()) }
            done += n
        }
        // Scripts (apply.sh, rollback.sh) are run as they are: executable, like a checked-out script.
        if executable, fchmod(file, 0o755) != 0 { throw OutputError.write(path(name), Self.reason()) }
    }

    /// The bytes of the regular file `name` (never through a link); nil for anything else.
    func read(_ name: String) -> [UInt8]? {
        let file = openat(fd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard file >= 0 else { return nil }
        defer { close(file) }
        var info = stat()
        guard fstat(file, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
        var bytes: [UInt8] = [], buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buffer.withUnsafeMutableBytes { Foundation.read(file, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            guard n >= 0 else { return nil }
            if n == 0 { return bytes }
            bytes += buffer[..<n]
        }
    }

    /// Renames the entry `name` of this folder to `name` in `target`, replacing a file or a link there (not following it).
    /// - Returns: false when this folder has no `name`.
    func move(_ name: String, to target: OutputFolder, as newName: String) throws -> Bool {
        if renameat(fd, name, target.fd, newName) == 0 { return true }
        if errno == ENOENT, kind(name) == nil { return false }
        if errno == EISDIR || errno == ENOTEMPTY || errno == EEXIST { throw OutputError.folderInTheWay(target.path(newName)) }
        throw OutputError.write(target.path(newName), Self.reason())
    }

    /// Unlinks the entry `name`: a file or a link (never what it points to).
    func unlink(_ name: String) -> Bool { unlinkat(fd, name, 0) == 0 }

    /// Removes the folder `name` when it is empty.
    func removeEmptyFolder(_ name: String) -> Bool { unlinkat(fd, name, AT_REMOVEDIR) == 0 }

    /// Removes `name` and, for a folder, everything in it; a link is removed, never followed.
    func removeTree(_ name: String) {
        if kind(name) == S_IFDIR, let sub = try? folder(name, create: false) {
            for entry in sub.entries() { sub.removeTree(entry) }
            _ = removeEmptyFolder(name)
        } else {
            _ = unlink(name)
        }
    }

    /// The names in this folder, without `.` and `..`.
    func entries() -> [String] {
        // Close-on-exec like `fd`: a process started meanwhile by another thread must not inherit the lock.
        let copy = fcntl(fd, F_DUPFD_CLOEXEC, 0)
        guard copy >= 0, let dir = fdopendir(copy) else { return [] }
        defer { closedir(dir) }
        rewinddir(dir)   // the copy shares its position with `fd`
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
            }
            if name != ".", name != ".." { names.append(name) }
        }
        return names
    }

    /// Takes the folder's lock (`flock`), or returns false when another process holds it.
    /// - Throws: when the file system cannot lock it (the reason).
    func lock() throws -> Bool {
        if flock(fd, LOCK_EX | LOCK_NB) == 0 { return true }
        if errno == EWOULDBLOCK { return false }
        throw OutputError.write(shown.isEmpty ? "." : shown, "cannot lock the output folder: " + Self.reason())
    }
}
