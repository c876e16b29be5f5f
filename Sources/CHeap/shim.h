// glibc's heap settings, for the default build (the Fast build's allocator is jemalloc: see CMalloc).
#if defined(__GLIBC__)
#include <malloc.h>

/// Keeps freed memory in the process instead of returning it to the kernel at once: buffers of up to
/// `mmapThreshold` bytes come from the heap, and the heap top is trimmed only past `trimThreshold`.
static inline void cheap_keep_heap(int mmapThreshold, int trimThreshold) {
    mallopt(M_MMAP_THRESHOLD, mmapThreshold);
    mallopt(M_TRIM_THRESHOLD, trimThreshold);
}

/// Returns the memory freed so far to the kernel (every arena's free pages, not only the heap tops).
static inline void cheap_release_free(void) { malloc_trim(0); }
#else
static inline void cheap_keep_heap(int mmapThreshold, int trimThreshold) {}
static inline void cheap_release_free(void) {}
#endif
