import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Threads of their own, at a lower scheduling priority, for the reading side of ingest.
///
/// Ingest has one SQLite writer and as many readers as cores, all CPU-bound: at equal priority the
/// readers take the writer's core, the writer falls behind, and the run ends with the writer alone
/// working off its backlog. With the readers niced below it the writer runs whenever it has work and
/// the readers use what is left (200k records: 0.85 s → 0.74 s, BENCHMARKS.md). The threads are this
/// pool's own because a thread's priority cannot be raised back without privileges: lowering the
/// shared concurrency pool's threads would slow whatever runs on them after ingest.
final class ReaderThreads: @unchecked Sendable {
    // INVARIANT: `jobs` and `closed` are read and written with `condition` locked.
    private let condition = NSCondition()
    private var jobs: [@Sendable () -> Void] = []
    private var closed = false
    /// How much nicer than the rest of the process the readers are (Linux; elsewhere they run at the
    /// default priority).
    static let niceness: Int32 = 10

    init(count: Int) {
        for _ in 0..<max(1, count) {
            let thread = Thread { [self] in
                #if os(Linux)
                // On Linux the nice value is per thread: `who` 0 is the calling thread.
                _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, Self.niceness)
                #endif
                work()
            }
            thread.start()
        }
    }

    /// Runs `body` on one of the threads and returns its result.
    func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            condition.lock()
            precondition(!closed, "a job submitted after close() would never run")
            jobs.append { continuation.resume(returning: body()) }
            condition.signal()
            condition.unlock()
        }
    }

    /// Lets the threads end once the jobs already submitted are done.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    private func work() {
        while true {
            condition.lock()
            while jobs.isEmpty && !closed { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
        }
    }
}
