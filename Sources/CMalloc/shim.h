// jemalloc replaces glibc's allocator in the whole process (module.modulemap). Ingest allocates and frees
// millions of small values (strings, arrays, dictionaries) across three threads: glibc's malloc and free
// took 6% of its samples on thousands of small files; jemalloc cut ingest's time by 5-11% (BENCHMARKS.md).
#include <stddef.h>
#include <stdint.h>

/// jemalloc's control interface (declared here rather than by including <jemalloc/jemalloc.h>, which
/// redeclares the whole malloc family).
int mallctl(const char *name, void *oldp, size_t *oldlenp, void *newp, size_t newlen);

/// Returns the memory freed so far to the kernel (every arena's unused pages): between two phases of one
/// process, so that the second does not stand on what the first kept.
static inline void cmalloc_release_free(void) {
    // "arena.<MALLCTL_ARENAS_ALL>.purge": every arena at once.
    mallctl("arena.4096.purge", NULL, NULL, NULL, 0);
}

/// Bytes the calling thread has allocated through jemalloc so far ("thread.allocated"): 0 when the
/// counter cannot be read.
static inline uint64_t cmalloc_thread_allocated(void) {
    uint64_t value = 0;
    size_t size = sizeof(value);
    if (mallctl("thread.allocated", &value, &size, NULL, 0) != 0) return 0;
    return value;
}
