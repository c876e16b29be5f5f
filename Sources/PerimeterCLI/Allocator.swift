#if Fast
import CMalloc
#else
import CHeap
#endif

/// The process allocator's settings between ingest and synthesis: jemalloc in the Fast build, glibc's otherwise.
enum Allocator {
    /// Before ingest. Ingest allocates and frees megabyte-sized buffers per log file on every thread: glibc
    /// by default maps each afresh and hands freed heap tops back to the kernel, so every file pays its page
    /// faults again; keeping them cut ingest's system time by about a third when set by hand (BENCHMARKS.md;
    /// the default build itself never made them before 2026-12-08: see CHeap). jemalloc keeps freed pages for
    /// about ten seconds by itself. Returns whether the settings were taken (false in the Fast build).
    @discardableResult
    static func prepareForIngest() -> Bool {
        #if Fast
        false
        #else
        cheap_thresholds(64 << 20, 256 << 20) == 1
        #endif
    }

    /// Before synthesis. Its large blocks (tables and lists grown by doubling, on several threads at once) are
    /// each mapped on their own and handed back when freed: left to glibc, which raises its mapping threshold to
    /// the largest block freed so far, they came from the heap and the space between them stayed, so the peak
    /// moved with the threads' timing (1M records: 139-160 MB on one store; mapped: 121-127 MB, for about 0.2 s
    /// more system time; BENCHMARKS.md).
    @discardableResult
    static func prepareForSynthesis() -> Bool {
        #if Fast
        false
        #else
        cheap_thresholds(1 << 20, 128 << 10) == 1
        #endif
    }

    /// Between ingest and synthesis. Ingest's memory, freed, would stay in the process under synthesis's:
    /// handed back, the run peaks at the larger of the two phases, not at their sum (5M records, with glibc's
    /// allocator: 202 -> 136 MB; jemalloc's purge saves 3-7 MB on 1M records; BENCHMARKS.md).
    static func releaseFree() {
        #if Fast
        cmalloc_release_free()
        #else
        cheap_release_free()
        #endif
    }
}
