import ArgumentParser
import AWSLogs
import AWSModel
import Foundation
import IAMPolicy
import PolicySynthesis
import UsageStore
import Inventory
import Reporting

/// The synthesis step shared by `synthesize` and `run`.
enum SynthesisStep {
    /// The exit codes, as `--help` says them; `readsLogs` for `run`, which can fail on a log file (`synthesize` reads a store).
    static func exitCodes(readsLogs: Bool) -> String {
        let one = readsLogs ? "a log file could not be read, the store failed or the logs hold no record" : "the store or --out failed"
        return """
            Each draft gets a verdict from the evidence its kind needs: ready (every item proven), review (an item missing: \
            the report says how to get it) or unsafe (an item contradicted: the replay or the grant check failed, flow logs \
            show traffic the draft would refuse, or a lock met an endpoint that is not yours). \
            Exit 0 when every draft is ready, 4 when some need review and none is unsafe, 3 when any is unsafe \
            (--fail-on sets which verdicts make the exit non-zero), 1 when \(one), 64 for usage errors. \
            Days (--since, --until) are UTC calendar days.
            """
    }

    static func run(store: UsageStore, _ group: SynthesisOptionGroup) throws -> SynthesisResult {
        let inventory = try readInventory(group.inventory, trustedAccounts: group.options.trustedAccounts)
        let ranges = try group.serviceRanges()
        let (window, heldOut) = try windows(store: store, group)
        // Object keys folded into the drafts' patterns as the store's rows come: memory follows the workload, not the window.
        let folding = AccessFolding(granularity: group.options.granularity, inventory: inventory,
            allowedResources: group.options.allowedResources)
        @Sendable func read(_ window: DayWindow) throws -> AccessFolding.Collected {
            try folding.collect { each throws(StoreError) in try store.accessRows(window: window, each) }
        }
        Terminal.status("synthesis: reading the store")
        let shown = DayWindow(since: group.since, until: group.until), learned = window
        // The only destinations synthesis matches flows by: the interface endpoints' addresses (others are summed together).
        let endpointAddresses = Set(inventory.endpoints.values.flatMap(\.addresses))
        // The requests on another core while the sources, flows, counts and days are read here.
        // The chart and the logged days are of the window shown: the one learned from, unless days are held out.
        let (collected, (sourced, flows, totals, categories, daily, logged)) = try concurrently({ try read(learned) }) {
            (try store.sourceEvidence(window: window),
             try store.flows(window: window, keeping: endpointAddresses, placing: ranges.placeNumber),
             try store.totals(),
             try store.eventCategories(), try store.dailyRequests(window: shown), try store.loggedDays(window: shown))
        }
        let sources = sourced.sources, observed = ObservedAccess.withSourceIPs(collected.accesses, from: sources)
        if group.since != nil || group.until != nil, observed.isEmpty, flows.isEmpty, totals.events + totals.flowRecords > 0 {
            // A window beside the data would draft deny-everything policies from nothing.
            throw Terminal.fail("""
                the window \(group.since ?? "…") to \(group.until ?? "…") holds none of the store's records; widen it or omit \
                --since/--until
                """, code: 64)
        }
        var input = SynthesisInput(observed: observed, flows: flows, sources: sources, eventCategories: categories, inventory: inventory,
                                   options: group.options, rejectedRecords: totals.rejects)
        input.foldedExact = collected.foldedExact
        input.policyAnswers = folding.answers
        input.sourceVolumes = sourced.volumes
        input.ipRanges = ranges
        // Failed files stay in the store with their reason until a later ingest reads them: every run knows.
        input.failedFiles = totals.failedFiles.map { FailedFile(path: $0.path, reason: $0.reason) }
        // For the report: the days learned from and any held-out ones.
        input.dailyRequests = daily
        input.loggedDays = logged.map { LoggedDays(first: $0.first, last: $0.last) }
        var result = Synthesizer.synthesize(input) { done, total, endpoint in
            Terminal.status("synthesis: endpoint \(done + 1)/\(total) \(endpoint.rawValue)")
        }
        Terminal.endStatus()
        if let heldOut {
            let held = ObservedAccess.withSourceIPs(try read(heldOut.window).accesses,
                                                    from: try store.sources(window: heldOut.window, sums: false))
            Synthesizer.backtest(&result, heldOut: held, from: heldOut.from, through: heldOut.through,
                                 inventory: inventory)
        }
        return result
    }

    /// The window learned from, and with `--holdout-days` the held-out one: the window minus its last logged days
    /// is learned from, those days are the test.
    static func windows(store: UsageStore, _ group: SynthesisOptionGroup) throws
        -> (learned: DayWindow, heldOut: (window: DayWindow, from: String, through: String)?) {
        let window = DayWindow(since: group.since, until: group.until)
        guard let days = group.holdoutDays, let logged = try store.loggedDays(window: window) else { return (window, nil) }
        let last = Timestamp.parseISO8601(logged.last + "T00:00:00Z")!
        let from = Timestamp.day(last - Int64(days - 1) * 86_400)
        guard from > logged.first else {
            throw Terminal.fail("""
                --holdout-days \(days) leaves nothing to learn from: the window's logged days are \(logged.first) to \(logged.last)
                """, code: 64)
        }
        return (DayWindow(since: group.since, until: Timestamp.day(last - Int64(days) * 86_400)),
                (DayWindow(since: from, until: logged.last), from, logged.last))
    }

    /// The backtest (`--holdout-days`) on the console: each endpoint's refused share of the held-out requests, and the
    /// refused principal–action groups (five per endpoint; report.md has them all); each line is escaped whole.
    static func backtestLines(_ result: SynthesisResult) -> [String] {
        var lines: [String] = []
        for e in result.endpoints.sorted(by: { $0.endpoint.id < $1.endpoint.id }) {
            guard let t = e.backtest else { continue }
            if lines.isEmpty { lines.append("backtest: drafts learned without \(t.from) to \(t.through), replayed on those days") }
            let share = String(format: "%.1f", t.refusedShare * 100)
            lines.append("  \(e.endpoint.id): \(t.refused) of \(t.requests) held-out requests refused (\(share)%)")
            for m in t.refusedRequests.prefix(5) {
                let resource = m.resource.isEmpty ? "(resource not logged)" : m.resource
                lines.append("    refused: \(m.principal) \(m.action) \(resource)")
            }
            if t.refusedRequests.count > 5 { lines.append("    … and \(t.refusedRequests.count - 5) more (report.md lists them)") }
        }
        return lines
    }

    /// Runs `other` on another thread while `here` runs on this one, and returns both results (or the
    /// first error, `other`'s before `here`'s).
    static func concurrently<A: Sendable, B>(_ other: @Sendable () throws -> A, _ here: () throws -> B) throws -> (A, B) {
        var mine: Result<B, any Error>?
        let theirs = Synthesizer.concurrently(1, alongside: { mine = Result { try here() } }) { _ in Result { try other() } }
        return (try theirs[0].get(), try mine!.get())
    }

    /// The inventory read from the files under `paths` (folders searched recursively; hidden files and
    /// `*.md` notes skipped), each decoded (gzip, byte-order marks, UTF-16) and recognized by content,
    /// one at a time: at most `limit` bytes of text (``TextDecoding/limit``) for all the files together.
    static func readInventory(_ paths: [String], trustedAccounts: [AccountID], limit: Int = TextDecoding.limit) throws -> Inventory {
        let files = try inventoryFiles(paths)
        var left = limit
        do {
            return try InventoryReader.read(paths: files, trustedAccounts: trustedAccounts) { file in
                let text = try inventoryText(file, left: left, limit: limit)
                left -= text.utf8.count
                return text
            }
        } catch let error as InventoryFileError {
            throw Terminal.fail(error.description, code: 1)
        }
    }

    /// The files under `paths` that may be inventory files.
    static func inventoryFiles(_ paths: [String]) throws -> [String] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw Terminal.fail("inventory `\(path)` does not exist", code: 64)
            }
            guard isDirectory.boolValue else { files.append(path); continue }
            let found: LogFileDiscovery.Found
            do { found = try LogFileDiscovery.find(under: [path]) } catch { throw Terminal.fail(error.description, code: 1) }
            files += found.files.filter { file in
                let name = file.split(separator: "/").last.map(String.init) ?? file
                return !name.hasPrefix(".") && !name.lowercased().hasSuffix(".md")
            }
        }
        return files
    }

    /// The text of one inventory file, when it fits in the `left` of the inventory's `limit`.
    static func inventoryText(_ file: String, left: Int, limit: Int) throws(InventoryFileError) -> String {
        let over = InventoryFileError(description: "inventory `\(file)` does not fit in what is left (\(left) bytes) of the "
                                          + "\(limit >> 20) MiB all inventory files may hold together, decompressed: not read")
        // Not read whole when it could not fit (a log or an image put there by mistake).
        if let size = try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int, size > left { throw over }
        do {
            let bytes = try TextDecoding.utf8([UInt8](try Data(contentsOf: URL(fileURLWithPath: file))), limit: left)
            guard bytes.count <= left else { throw over }
            return String(decoding: bytes, as: UTF8.self)
        } catch let error as LogReadError {
            if case .gzip(_, let message) = error, message.hasPrefix(GzipDecoder.inflatesPast) { throw over }
            throw InventoryFileError(description: "cannot read inventory `\(file)`: \(error)")
        } catch let error as InventoryFileError {
            throw error
        } catch {
            throw InventoryFileError(description: "cannot read inventory `\(file)`: \(error.localizedDescription)")
        }
    }

    /// One line: the files of the last manifest the writer left in place (the first five named).
    static func keptWarning(_ kept: [String]) -> String {
        let shown = kept.prefix(5).map { "`\($0.visible())`" }.joined(separator: ", ")
            + (kept.count > 5 ? " and \(kept.count - 5) more" : "")
        return "warning: left in place \(kept.count) file\(kept.count == 1 ? "" : "s") the last run listed, not as it wrote them "
            + "(changed, a link, a folder, not a plain path, or listed without a digest): \(shown)"
    }

    /// Why an inventory file was not read, naming it.
    struct InventoryFileError: Error, CustomStringConvertible {
        var description: String
    }

    /// The console's lines on evidence: files not read, and each item of evidence not proven in some draft.
    static func evidenceLines(_ result: SynthesisResult) {
        for file in result.failedFiles {
            Terminal.out("not read: \(file.path): \(file.reason)")
        }
        for item in result.missingEvidence {
            Terminal.out("evidence \(item.status.rawValue): \(item.code) — \(item.remedy ?? item.detail)")
        }
    }

    /// The console's lines for what the drafts leave out: requests held for review, coverage gaps, and denied
    /// writes to buckets outside the trusted accounts.
    static func findingLines(_ result: SynthesisResult, out: String) -> [String] {
        var lines: [String] = []
        if !result.review.isEmpty {
            let n = result.review.count
            lines.append("""
                held for review: \(n) request group\(n == 1 ? "" : "s") (outside the trusted accounts, resource not logged, or not an IAM \
                action) \(n == 1 ? "is" : "are") not allowed; see \(out)/report.md
                """)
        }
        if !result.flows.coverageGaps.isEmpty {
            let n = result.flows.coverageGaps.count
            lines.append("""
                coverage gaps: \(n) source\(n == 1 ? " sends" : "s send") endpoint traffic CloudTrail does not \
                show\(result.options.acceptCoverageGaps ? " (accepted)" : ": the drafts would break it")
                """)
        }
        if !result.possibleExfiltration.isEmpty {
            let groups = result.possibleExfiltration.count
            let requests = result.possibleExfiltration.reduce(Int64(0)) { $0.addingSaturated($1.requests) }
            lines.append("""
                possible exfiltration: \(requests) denied write\(requests == 1 ? "" : "s") (\(groups) request \
                group\(groups == 1 ? "" : "s")) to buckets outside the trusted accounts; see \(out)/report.md
                """)
        }
        return lines
    }

    /// Writes the files (replacing the ones Perimeter wrote before, see ``OutputWriter``) and maps the result to an exit code.
    static func finish(_ result: SynthesisResult, _ group: SynthesisOptionGroup, ingestFailed: Bool = false) throws {
        let out = group.out, failOn = group.failOn, json = group.json
        let kept: [String]
        do { kept = try OutputWriter(folder: out).write(ReportRenderer.files(result)) } catch let error as OutputError {
            throw Terminal.fail(error.description, code: 1)
        }
        if !kept.isEmpty { Terminal.err(lines: [keptWarning(kept)]) }
        if let sarif = group.sarif {
            do { try Data(SARIF.log(result, out: out, toolVersion: PerimeterCommand.version).utf8)
                .write(to: URL(fileURLWithPath: sarif)) } catch {
                throw Terminal.fail("cannot write `\(sarif)`: \(error.localizedDescription)", code: 1)
            }
        }
        let warnings = ListCap.first(result.assumptions.filter { $0.severity != .note })
        for warning in warnings.shown { Terminal.err("warning: \(warning)") }
        if warnings.more > 0 { Terminal.err("warning: … and \(warnings.more) more (report.md)") }
        if json {
            Terminal.out(lines: Terminal.lines(ReportRenderer.statusJSON(result)))
            if ingestFailed { throw ExitCode(1) }
            if let code = failOn.exitCode(for: result.verdict) { throw ExitCode(code) }
            return
        }
        let total = result.endpoints.reduce(Int64(0)) { $0 + $1.replay.requests }
        let allowed = result.endpoints.reduce(Int64(0)) { $0 + $1.replay.allowed }
        Terminal.out("drafts: \(result.endpoints.count) endpoint policies, \(result.buckets.count) bucket policies in \(out)")
        Terminal.out("replay: \(allowed) of \(total) requests allowed\(result.replayPassed ? "" : " — FAILED, see \(out)/report.md")")
        Terminal.out(lines: findingLines(result, out: out))
        Terminal.out(lines: backtestLines(result))
        let drafts = result.endpoints.map { ($0.verdict, $0.endpoint.id.rawValue, $0.reasons) }
            + result.buckets.map { ($0.verdict, $0.bucket, $0.reasons) }
        let notReady = ListCap.first(drafts.filter { $0.0 != .ready }) { ($1.0, $0.1) < ($0.0, $1.1) }
        for (verdict, name, reasons) in notReady.shown {
            Terminal.out("\(verdict.rawValue): \(name): \(reasons.map(\.code.rawValue).joined(separator: ", "))")
        }
        if notReady.more > 0 { Terminal.out("… and \(notReady.more) more drafts not ready (report.md)") }
        evidenceLines(result)
        Terminal.out("""
            verdict: \(result.verdict.rawValue) (\(drafts.filter { $0.0 == .ready }.count) of \(drafts.count) drafts ready; reasons in \
            \(out)/report.md)
            """)
        if ingestFailed { throw ExitCode(1) }
        if let code = failOn.exitCode(for: result.verdict) { throw ExitCode(code) }
    }
}
