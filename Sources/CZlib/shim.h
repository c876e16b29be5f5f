#include <zlib.h>

/// inflateInit2 is a macro Swift cannot call; this wrapper makes it a function.
static inline int czlib_inflateInit2(z_streamp stream, int windowBits) {
    return inflateInit2(stream, windowBits);
}
