// libdeflate: whole-buffer gunzip (about twice zlib's speed) and CRC-32/Adler-32 with SIMD.
// Linked statically (Package.swift), so the binary needs no libdeflate on the machine it runs on.
#include <libdeflate.h>
