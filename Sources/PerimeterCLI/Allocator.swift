#if Fast
import CMalloc
#else
import CHeap
#endif

/// The process allocator's settings between ingest and synthesis: jemalloc in the Fast build, glibc's otherwise.
enum Allocator {
    /// Before ingest. Ingest allocates and frees megabyte-sized buffers per log file on every thread: glibc
    /// by default maps each afresh and hands freed heap tops back to the kernel, so every file pays its page
    /// faults again; keeping them cut ingest's system time by about a third (BENCHMARKS.md). jemalloc keeps
    /// freed pages for about ten seconds by itself.
    static func prepareForIngest() {
        #if !Fast
        cheap_keep_heap(64 << 20, 256 << 20)
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
