#if Fast
import CMalloc
#else
import CHeap
#endif

/// The process allocator's settings between ingest and synthesis: jemalloc in the Fast build, glibc's otherwise.
enum Allocator {
    /// Before ingest. Ingest allocates and frees megabyte-sized buffers per log file on every thread: glibc
    /// by default maps each afresh and hands freed heap tops back to the kernel, so every file pays its page
    /// faults again; keeping them cut ingest's system time by about a third (BENCHMARKS.md, 2026-12-01, when the
    /// entry point made them; from 2026-12-07 to 2026-12-08 the default build made none: see CHeap). jemalloc keeps
    /// freed pages for about ten seconds by itself. Returns whether the settings were taken (false in the Fast build).
    @discardableResult
    static func prepareForIngest() -> Bool { thresholds(mapAbove: 64 << 20, trimAbove: 256 << 20) }

    /// Before synthesis. Its large blocks (tables and lists grown by doubling, on several threads at once) are
    /// each mapped on their own and handed back when freed: left to glibc, which raises its mapping threshold to
    /// the largest block freed so far, they came from the heap and the space between them stayed, so the peak
    /// moved with the threads' timing (1M records: 139-160 MB on one store; mapped: 121-127 MB, for about 0.2 s
    /// more system time; BENCHMARKS.md).
    @discardableResult
    static func prepareForSynthesis() -> Bool { thresholds(mapAbove: 1 << 20, trimAbove: 128 << 10) }

    /// glibc's mapping and trim thresholds (`cheap_thresholds`); nothing in the Fast build.
    private static func thresholds(mapAbove: Int32, trimAbove: Int32) -> Bool {
        #if Fast
        false
        #else
        cheap_thresholds(mapAbove, trimAbove) == 1
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
