import ArgumentParser
import AWSLogs
import AWSModel
import Foundation
import Logging
import PolicySynthesis
import UsageStore

extension PerimeterCommand {
    struct Selectors: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the CloudTrail advanced event selectors that would give the store's endpoints their evidence.",
            discussion: """
                Standard output: JSON for aws cloudtrail put-event-selectors --trail-name TRAIL --advanced-event-selectors \
                file://selectors.json (it replaces the trail's selectors: merge it with what the trail logs today). One network \
                activity selector per event source the endpoints' requests name (--denials-only: their VpceAccessDenied denials \
                only), and data events for the buckets, tables and queues reached through them. Standard error: the events a day \
                each selector would add, estimated from the store, and what was widened to stay within the API's 500 values. \
                --inventory reads get-event-selectors, describe-flow-logs and describe-vpc-endpoints output and says which \
                evidence each endpoint lacks. Exit 0, 1 when the store failed or holds no endpoint request, 64 for usage errors.
                """)

        @OptionGroup var store: StoreOptions

        @Flag(help: "Network activity events only when the endpoint policy denied the call (errorCode VpceAccessDenied).")
        var denialsOnly = false

        @Option(help: "A file or folder of get-event-selectors, describe-flow-logs and describe-vpc-endpoints output (JSON).")
        var inventory: String?

        func run() async throws {
            guard FileManager.default.fileExists(atPath: store.db) else {
                throw Terminal.fail("no store at `\(store.db.visible())`", code: 64)
            }
            let usage = try UsageStore(path: store.db, logger: Logger(label: "perimeter.store"))
            let accesses = try usage.observedAccess()
            guard accesses.contains(where: { $0.endpoint != nil }) else {
                throw Terminal.fail("the store holds no request through a VPC endpoint: no selector to suggest", code: 1)
            }
            let days = try usage.loggedDays().map { Self.days(from: $0.first, to: $0.last) } ?? 0
            let plan = SelectorPlanner.plan(accesses, days: days, denialsOnly: denialsOnly)
            Terminal.out(lines: Terminal.lines(try Terminal.json(plan.selectors)))
            var lines = plan.notes.map { "note: \($0)" }
            for e in plan.estimates {
                lines.append("estimate: \(e.atLeast ? "at least " : "")\(String(format: "%.1f", e.perDay)) events a day: \(e.selector)")
            }
            lines.append("estimates from \(days) logged day\(days == 1 ? "" : "s") of the store; values: "
                         + "\(plan.selectors.reduce(0) { $0 + $1.valueCount }) of \(SelectorRules.valueLimit)")
            if let inventory { lines += try Self.gaps(inventory, accesses) }
            Terminal.err(lines: lines)
        }

        static func days(from first: String, to last: String) -> Int {
            guard let a = Timestamp.parseDay(first), let b = Timestamp.parseDay(last), b >= a else { return 0 }
            return Int((b - a) / 86_400) + 1
        }

        /// The evidence each endpoint lacks, from the inventory files (read as `run --inventory` reads them).
        static func gaps(_ path: String, _ accesses: [ObservedAccess]) throws -> [String] {
            var evidence = EvidenceInventory(), left = TextDecoding.limit, skipped = 0
            for file in try SynthesisStep.inventoryFiles([path]) {
                let text: String
                do { text = try SynthesisStep.inventoryText(file, left: left, limit: TextDecoding.limit) } catch {
                    throw Terminal.fail(error.description, code: 1)
                }
                left -= text.utf8.count
                if !evidence.add(text) { skipped += 1 }
            }
            let note = "note: \(skipped) file(s) under --inventory are not get-event-selectors, describe-flow-logs or "
                + "describe-vpc-endpoints output"
            return (skipped > 0 ? [note] : []) + evidence.gaps(accesses).map { "evidence: \($0)" }
        }
    }
}
