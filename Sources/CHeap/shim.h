// glibc's heap settings, for the default build (the Fast build's allocator is jemalloc: see CMalloc).
// On Linux, glibc is assumed (a C library without mallopt fails the build here, not silently). The test of
// __GLIBC__ this header made before is false where Swift reads it (no header has defined it yet), so every
// function below was the empty one in every default build.
#if defined(__linux__)
#include <malloc.h>

/// Blocks of at least `mmapThreshold` bytes are each mapped on their own (and unmapped when freed), smaller ones
/// come from the heap, and the heap top is trimmed past `trimThreshold`. Either set fixes both: glibc no longer
/// raises the mapping threshold to the largest block freed so far. Returns 1 when glibc took both.
static inline int cheap_thresholds(int mmapThreshold, int trimThreshold) {
    return mallopt(M_MMAP_THRESHOLD, mmapThreshold) == 1 && mallopt(M_TRIM_THRESHOLD, trimThreshold) == 1;
}

/// Returns the memory freed so far to the kernel (every arena's free pages, not only the heap tops).
static inline void cheap_release_free(void) { malloc_trim(0); }

#else
static inline int cheap_thresholds(int mmapThreshold, int trimThreshold) { return 0; }
static inline void cheap_release_free(void) {}
#endif
