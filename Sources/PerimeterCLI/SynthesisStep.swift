import ArgumentParser
import AWSLogs
import AWSModel
import Foundation
import IAMPolicy
import PolicySynthesis
import UsageStore

/// The synthesis step shared by `synthesize` and `run`.
enum SynthesisStep {
    static let exitCodes = """
        Each draft gets a verdict from the evidence its kind needs: ready (every item proven), review (an item missing: \
        the report says how to get it) or unsafe (an item contradicted: the replay or the grant check failed, flow logs \
        show traffic the draft would refuse, or a lock met an endpoint that is not yours). \
        Exit 0 when every draft is ready, 4 when some need review and none is unsafe, 3 when any is unsafe \
        (--fail-on sets which verdicts make the exit non-zero), 1 when a log file could not be read, the store failed or the logs hold no record, 64 for usage errors.
        """

    static func run(store: UsageStore, _ group: SynthesisOptionGroup) throws -> SynthesisResult {
        let inventory = InventoryReader.read(try readInventory(group.inventory), trustedAccounts: group.options.trustedAccounts)
        var window = DayWindow(since: group.since, until: group.until)
        var heldOut: (window: DayWindow, from: String, through: String)?
        if let days = group.holdoutDays, let logged = try store.loggedDays(window: window) {
            // Learn on the window minus its last `days` logged days; those days are the test.
            let last = Timestamp.parseISO8601(logged.last + "T00:00:00Z")!
            let from = Timestamp.day(last - Int64(days - 1) * 86_400)
            guard from > logged.first else {
                throw Terminal.fail("--holdout-days \(days) leaves nothing to learn from: the window's logged days are \(logged.first) to \(logged.last)", code: 64)
            }
            heldOut = (DayWindow(since: from, until: logged.last), from, logged.last)
            window = DayWindow(since: group.since, until: Timestamp.day(last - Int64(days) * 86_400))
        }
        // Object keys folded into the drafts' patterns as the store sums them: memory follows the workload, not the window.
        let folding = AccessFolding(granularity: group.options.granularity, inventory: inventory, allowedResources: group.options.allowedResources)
        @Sendable func read(_ window: DayWindow) throws -> (AccessFolding.Collected, AccessDays) {
            var days: AccessDays?
            let collected = try folding.collect { fold, each throws(StoreError) in days = try store.observedAccess(window: window, fold: fold, each) }
            return (collected, days!)
        }
        Terminal.status("synthesis: reading the store")
        let shown = DayWindow(since: group.since, until: group.until), learned = window
        // The only destinations synthesis matches flows by: the interface endpoints' addresses (others are summed together).
        let endpointAddresses = Set(inventory.endpoints.values.flatMap(\.addresses))
        // The requests (and the days they fall on) on another core while the sources, flows and counts are
        // read here: about even on 1M records (1.4 s each).
        let ((collected, days), (sources, flows, totals, categories)) = try concurrently({ try read(learned) }) {
            (try store.sources(window: window, sums: false), try store.flows(window: window, keeping: endpointAddresses), try store.totals(),
             try store.eventCategories())
        }
        // The chart and the logged days are of the window shown: the one learned from, unless days are held out.
        let (daily, logged) = heldOut == nil ? (days.daily, days.logged)
            : (try store.dailyRequests(window: shown), try store.loggedDays(window: shown))
        let observed = ObservedAccess.withSourceIPs(collected.accesses, from: sources)
        if group.since != nil || group.until != nil, observed.isEmpty, flows.isEmpty, totals.events + totals.flowRecords > 0 {
            // A window beside the data would draft deny-everything policies from nothing.
            throw Terminal.fail("the window \(group.since ?? "…") to \(group.until ?? "…") holds none of the store's records; widen it or omit --since/--until", code: 64)
        }
        var input = SynthesisInput(observed: observed, flows: flows, sources: sources, eventCategories: categories, inventory: inventory,
                                   options: group.options, rejectedRecords: totals.rejects)
        input.foldedExact = collected.foldedExact
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
            let held = ObservedAccess.withSourceIPs(try read(heldOut.window).0.accesses, from: try store.sources(window: heldOut.window, sums: false))
            Synthesizer.backtest(&result, heldOut: held, from: heldOut.from, through: heldOut.through,
                                 inventory: inventory)
        }
        return result
    }

    /// Runs `other` on another thread while `here` runs on this one, and returns both results (or the
    /// first error, `other`'s before `here`'s).
    static func concurrently<A: Sendable, B>(_ other: @Sendable () throws -> A, _ here: () throws -> B) throws -> (A, B) {
        var mine: Result<B, any Error>?
        let theirs = Synthesizer.concurrently(1, alongside: { mine = Result { try here() } }) { _ in Result { try other() } }
        return (try theirs[0].get(), try mine!.get())
    }

    /// The inventory files under `paths` (folders searched recursively; hidden files and `*.md` notes
    /// skipped), decoded (gzip, byte-order marks, UTF-16) and recognized by content.
    static func readInventory(_ paths: [String]) throws -> [(path: String, text: String)] {
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
        return try files.sorted().map { file in
            // Not read whole when it could not be an inventory file (a log or an image put there by mistake).
            if let size = try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int, size > TextDecoding.limit {
                throw Terminal.fail("inventory `\(file)` is \(size) bytes, larger than \(TextDecoding.limit >> 20) MiB: not read", code: 1)
            }
            do {
                let bytes = try TextDecoding.utf8([UInt8](try Data(contentsOf: URL(fileURLWithPath: file))))
                return (file, String(decoding: bytes, as: UTF8.self))
            } catch let error as LogReadError {
                throw Terminal.fail("cannot read inventory `\(file)`: \(error)", code: 1)
            } catch {
                throw Terminal.fail("cannot read inventory `\(file)`: \(error.localizedDescription)", code: 1)
            }
        }
    }

    /// The console's lines on evidence: files not read, each held-out principal–action group a draft
    /// refuses (with its share), and each item of evidence not proven in some draft.
    static func evidenceLines(_ result: SynthesisResult) {
        for file in result.failedFiles {
            Terminal.out("not read: \(file.path.visible(keepingNewlines: false)): \(file.reason.visible(keepingNewlines: false))")
        }
        for e in result.endpoints {
            guard let test = e.backtest, test.refused > 0 else { continue }
            for f in test.refusedRequests {
                let share = Double(Int((Double(f.requests) / Double(max(test.requests, 1)) * 1000).rounded())) / 10
                let group = "\(f.principal) \(f.action)".visible(keepingNewlines: false)
                let count = "\(f.requests) of \(test.requests) held-out requests (\(share)%)"
                Terminal.out("backtest: \(e.endpoint.id.rawValue) refuses \(group): \(count)")
            }
        }
        for item in result.missingEvidence {
            let how = (item.remedy ?? item.detail).description.visible(keepingNewlines: false)
            Terminal.out("evidence \(item.status.rawValue): \(item.code) — \(how)")
        }
    }

    /// Writes the files (replacing the ones Perimeter wrote before, see ``OutputWriter``) and maps the result to an exit code.
    static func finish(_ result: SynthesisResult, _ group: SynthesisOptionGroup, ingestFailed: Bool = false) throws {
        let out = group.out, failOn = group.failOn, json = group.json
        do { try OutputWriter(folder: out).write(ReportRenderer.files(result)) } catch let error as OutputError {
            throw Terminal.fail(error.description, code: 1)
        }
        if let sarif = group.sarif {
            do { try Data(SARIF.log(result, out: out, toolVersion: PerimeterCommand.version).utf8).write(to: URL(fileURLWithPath: sarif)) } catch {
                throw Terminal.fail("cannot write `\(sarif)`: \(error.localizedDescription)", code: 1)
            }
        }
        for warning in result.assumptions where warning.severity != .note { Terminal.err("warning: \(warning)") }
        if json {
            Terminal.out(ReportRenderer.statusJSON(result))
            if ingestFailed { throw ExitCode(1) }
            if let code = failOn.exitCode(for: result.verdict) { throw ExitCode(code) }
            return
        }
        let total = result.endpoints.reduce(Int64(0)) { $0 + $1.replay.requests }
        let allowed = result.endpoints.reduce(Int64(0)) { $0 + $1.replay.allowed }
        Terminal.out("drafts: \(result.endpoints.count) endpoint policies, \(result.buckets.count) bucket policies in \(out)")
        Terminal.out("replay: \(allowed) of \(total) requests allowed\(result.replayPassed ? "" : " — FAILED, see \(out)/report.md")")
        if !result.review.isEmpty {
            let n = result.review.count
            Terminal.out("held for review: \(n) request group\(n == 1 ? "" : "s") (outside the trusted accounts, resource not logged, or not an IAM action) \(n == 1 ? "is" : "are") not allowed; see \(out)/report.md")
        }
        if !result.flows.coverageGaps.isEmpty {
            let n = result.flows.coverageGaps.count
            Terminal.out("coverage gaps: \(n) source\(n == 1 ? " sends" : "s send") endpoint traffic CloudTrail does not show\(result.options.acceptCoverageGaps ? " (accepted)" : ": the drafts would break it")")
        }
        let drafts = result.endpoints.map { ($0.verdict, $0.endpoint.id.rawValue, $0.reasons) } + result.buckets.map { ($0.verdict, $0.bucket, $0.reasons) }
        for (verdict, name, reasons) in drafts.filter({ $0.0 != .ready }).sorted(by: { ($1.0, $0.1) < ($0.0, $1.1) }) {
            Terminal.out("\(verdict.rawValue): \(name): \(reasons.map { "\($0.code)" }.joined(separator: ", "))")
        }
        evidenceLines(result)
        Terminal.out("verdict: \(result.verdict.rawValue) (\(drafts.filter { $0.0 == .ready }.count) of \(drafts.count) drafts ready; reasons in \(out)/report.md)")
        if ingestFailed { throw ExitCode(1) }
        if let code = failOn.exitCode(for: result.verdict) { throw ExitCode(code) }
    }
}
