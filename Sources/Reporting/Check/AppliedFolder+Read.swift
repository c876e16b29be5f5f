import AWSModel
import Foundation
import IAMPolicy
import Inventory
public import PolicySynthesis

extension AppliedFolder {
    /// Reads the folder at `path`.
    /// - Throws: ``AppliedFolderError`` naming the file: not Perimeter's folder, a link, changed, malformed.
    public static func read(_ path: String) throws(AppliedFolderError) -> AppliedFolder {
        let root: OutputFolder
        do { root = try OutputFolder(root: path) } catch { throw AppliedFolderError(path, "\(error)") }
        guard root.kind(OutputWriter.commitName) == nil else {
            throw AppliedFolderError(path, "an unfinished write (`\(OutputWriter.commitName)`) is in it: not the set that was applied")
        }
        let manifestBytes = try file(root, OutputWriter.manifestName, parts: [OutputWriter.manifestName], base: path)
        let manifest = Manifest(manifestBytes)
        let listed = Dictionary(manifest.entries.map { ($0.path, $0.digest) }, uniquingKeysWith: { a, _ in a })
        let summaryBytes = try unchanged(root, "summary.json", listed, base: path)
        let read = try summary(summaryBytes, base: path)
        var folder = read.folder
        let described = read.endpoints
        for entry in manifest.entries.sorted(by: { $0.path < $1.path }) {
            let parts = entry.path.split(separator: "/").map(String.init)
            // `endpoints/<id>.json`, or `<account>/<region>/endpoints/<id>.json` in an output grouped by account and Region.
            guard parts.count == 2 || (parts.count == 4 && ChangeFiles.folder(account: AccountID(parts[0]), region: parts[1])
                                        == parts[0] + "/" + parts[1] + "/"),
                  parts[parts.count - 2] == "endpoints", parts[parts.count - 1].hasSuffix(".json") else { continue }
            let id = String(parts[parts.count - 1].dropLast(5)), place = parts.dropLast(2).map { $0 + "/" }.joined()
            guard VPCEndpointID.isIssuedForm(id) else {
                throw AppliedFolderError(path, "`\(entry.path.visible())` is not named after an endpoint id")
            }
            let bytes = try file(root, entry.path, parts: parts, base: path)
            if entry.digest != SHA256.hex(bytes) {
                folder.notes.append("\(entry.path) was changed after Perimeter wrote it: read as it is now (the policy applied)")
            }
            let applied = try policy(bytes, "\(path)/\(entry.path)")
            let currentPath = place + "current/endpoints/\(id).json"
            if listed[currentPath] == nil, read.knownBefore.contains(id) {
                throw AppliedFolderError(path, "`summary.json` says the policy before the apply was known, but `\(currentPath)` is "
                                         + "not in the manifest: the folder was changed after Perimeter wrote it")
            }
            let before = listed[currentPath] == nil ? nil
                : try policy(try unchanged(root, currentPath, listed, base: path), "\(path)/\(currentPath)")
            var endpoint = described[id] ?? Inventory.Endpoint(id: VPCEndpointID(id))
            endpoint.policy = before
            folder.endpoints.append(AppliedEndpoint(id: VPCEndpointID(id), applied: applied, before: before ?? .allowAll,
                                                    beforeKnown: before != nil, endpoint: endpoint))
        }
        guard !folder.endpoints.isEmpty else {
            throw AppliedFolderError(path, "its manifest lists no endpoint draft (endpoints/vpce-….json)")
        }
        return folder
    }

    /// What the run's summary says: the trusted accounts, the bucket owners, the last day learned from, and
    /// each endpoint's type, VPC and service. Values that are not what Perimeter writes there are refused.
    static func summary(_ bytes: [UInt8],
                        base: String) throws(AppliedFolderError)
        -> (folder: AppliedFolder, endpoints: [String: Inventory.Endpoint], knownBefore: Set<String>) {
        let bad = AppliedFolderError(base, "`summary.json` is not the summary Perimeter writes")
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else { throw bad }
        let accounts = (object["trustedAccounts"] as? [Any] ?? []).compactMap { ($0 as? String).map { AccountID($0) } }
        guard accounts.allSatisfy(\.isNumeric) else { throw bad }
        var owners: [String: AccountID] = [:]
        for case let bucket as [String: Any] in object["buckets"] as? [Any] ?? [] {
            guard let name = bucket["bucket"] as? String, let owner = (bucket["owner"] as? String).map({ AccountID($0) }) else { continue }
            guard BucketName.isWellFormed(name), owner.isNumeric else { throw bad }
            owners[name] = owner
        }
        let window = object["window"] as? [String: Any]
        let last = window?["lastLoggedDay"] as? String
        guard last.map({ Timestamp.parseISO8601($0 + "T00:00:00Z") != nil }) ?? true else { throw bad }
        var described: [String: Inventory.Endpoint] = [:], knownBefore = Set<String>()
        for case let e as [String: Any] in object["endpoints"] as? [Any] ?? [] {
            guard let id = e["id"] as? String, VPCEndpointID.isIssuedForm(id) else { throw bad }
            if e["currentPolicyKnown"] as? Bool != false { knownBefore.insert(id) }
            var endpoint = Inventory.Endpoint(id: VPCEndpointID(id), type: e["type"] as? String, vpcID: e["vpc"] as? String)
            if let service = e["service"] as? String, let region = e["region"] as? String, RegionName.isWellFormed(region),
               service.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) {
                endpoint.serviceName = "com.amazonaws.\(region).\(service)"
            }
            described[id] = endpoint
        }
        let folder = AppliedFolder(endpoints: [], trustedAccounts: Set(accounts), bucketOwners: owners, lastLoggedDay: last, notes: [])
        return (folder, described, knownBefore)
    }

    /// The bytes of the regular file at `parts` under `root`, reached through folders, never links.
    static func file(_ root: OutputFolder, _ relative: String, parts: [String], base: String) throws(AppliedFolderError) -> [UInt8] {
        guard OutputWriter.components(relative) != nil || relative == OutputWriter.manifestName else {
            throw AppliedFolderError(base, "its manifest lists `\(relative.visible())`, not a plain relative path")
        }
        let place: OutputFolder
        do {
            guard let chain = try root.chain(parts.dropLast(), create: false) else {
                throw AppliedFolderError(base, "`\(relative.visible())` is missing")
            }
            place = chain[chain.count - 1]
        } catch let error as AppliedFolderError { throw error } catch OutputError.link(let folder) {
            throw AppliedFolderError(base, "`\(folder.visible())` is a symbolic link: Perimeter follows none there")
        } catch { throw AppliedFolderError(base, "\(error)") }
        switch place.kind(parts[parts.count - 1]) {
        case nil: throw AppliedFolderError(base, "`\(relative.visible())` is missing")
        case S_IFLNK: throw AppliedFolderError(base, "`\(relative.visible())` is a symbolic link: Perimeter follows none there")
        case S_IFREG: break
        default: throw AppliedFolderError(base, "`\(relative.visible())` is not a regular file")
        }
        guard let bytes = place.read(parts[parts.count - 1]) else { throw AppliedFolderError(base, "cannot read `\(relative.visible())`") }
        return bytes
    }

    /// A listed file that must still have the manifest's digest.
    static func unchanged(_ root: OutputFolder, _ relative: String, _ listed: [String: String?],
                          base: String) throws(AppliedFolderError) -> [UInt8] {
        guard let digest = listed[relative] else { throw AppliedFolderError(base, "its manifest does not list `\(relative)`") }
        let bytes = try file(root, relative, parts: relative.split(separator: "/").map(String.init), base: base)
        guard let digest, digest == SHA256.hex(bytes) else {
            throw AppliedFolderError(base, "`\(relative)` is not as Perimeter wrote it (its SHA-256 is not the manifest's): "
                                         + "it bounds what an amendment may grant, so it is not read")
        }
        return bytes
    }

    static func policy(_ bytes: [UInt8], _ file: String) throws(AppliedFolderError) -> PolicyDocument {
        do { return try PolicyReader.read(String(decoding: bytes, as: UTF8.self)) } catch {
            var located = error
            located.file = file
            throw AppliedFolderError(file, "not a policy Perimeter can read: \(located.description)")
        }
    }
}

/// Why an applied folder was not read.
public struct AppliedFolderError: Error, CustomStringConvertible {
    public var description: String
    init(_ path: String, _ why: String) { description = "--applied `\(path.visible())`: \(why)" }
}
