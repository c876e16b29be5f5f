// libdeflate: whole-buffer gunzip (about twice zlib's speed) and CRC-32/Adler-32 with SIMD.
// Linked from its static archive (module.modulemap): no libdeflate is needed where the binary runs.
#include <libdeflate.h>
