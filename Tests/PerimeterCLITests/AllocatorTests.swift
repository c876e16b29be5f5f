// jemalloc is linked in the Fast build only (Package.swift's traits).
#if Fast
import CMalloc
import Testing

/// jemalloc replaces glibc's allocator where PerimeterCLI is linked (the executable, these tests): its
/// library is loaded before glibc, so its malloc is the one every caller finds.
@Suite struct AllocatorTests {
    @Test func theSwiftRuntimeAllocatesThroughJemalloc() {
        let size = 16 << 20
        let before = cmalloc_thread_allocated()
        // The runtime's allocation (swift_slowAlloc in libswiftCore) calls malloc: jemalloc's counts it.
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        defer { buffer.deallocate() }
        let after = cmalloc_thread_allocated()
        #expect(after >= before + UInt64(size))
    }
}
#endif
