#include <zlib.h>

/// inflateInit2 is a macro Swift cannot call; this wrapper makes it a function.
static inline int czlib_inflateInit2(z_streamp stream, int windowBits) {
    return inflateInit2(stream, windowBits);
}

/// deflateInit2 is a macro too; gzip output (windowBits 16 + 15), default memory level and strategy.
static inline int czlib_deflateInit2(z_streamp stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
}
