// jemalloc is linked in the Fast build only (Package.swift's traits).
#if Fast
import Testing

/// The binary takes jemalloc from its shared library, loaded before glibc, so that every library of the
/// process allocates through it. Linked from jemalloc's static archive, a `--static-swift-stdlib` build hid
/// its malloc (`--exclude-libs ALL`) and crashed on its first file: memory of one allocator freed by the other.
@Suite struct AllocatorLinkTests {
    @Test func staticArchiveMallocHiddenBesideGlibcsIsNotLinked() throws {
        // The dynamic loader lists what it loads, in order, and runs nothing of the binary.
        let libraries = try Binary.run([], environment: ["LD_TRACE_LOADED_OBJECTS": "1"]).output.split(separator: "\n")
            .compactMap { $0.split(whereSeparator: \.isWhitespace).first.map(String.init) }
        let jemalloc = try #require(libraries.firstIndex(of: "libjemalloc.so.2"), "loaded: \(libraries)")
        let libc = try #require(libraries.firstIndex(of: "libc.so.6"), "loaded: \(libraries)")
        #expect(jemalloc < libc)
    }
}
#endif
