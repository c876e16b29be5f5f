// jemalloc is linked in the Fast build only (Package.swift's traits); glibc's settings apply to the default build.
#if Fast
import CMalloc
#endif
@testable import PerimeterCLI
import Testing

@Suite struct AllocatorTests {
    #if Fast
    /// jemalloc replaces glibc's allocator where PerimeterCLI is linked (the executable, these tests): its
    /// library is loaded before glibc, so its malloc is the one every caller finds.
    @Test func theSwiftRuntimeAllocatesThroughJemalloc() {
        let size = 16 << 20
        let before = cmalloc_thread_allocated()
        // The runtime's allocation (swift_slowAlloc in libswiftCore) calls malloc: jemalloc's counts it.
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        defer { buffer.deallocate() }
        let after = cmalloc_thread_allocated()
        #expect(after >= before + UInt64(size))
    }
    #else
    /// The default build's heap settings were empty functions: CHeap's header asked whether glibc was there
    /// (`__GLIBC__`) before any header had said so, so neither ingest's nor synthesis's settings were ever made.
    @Test(.enabled(if: cheapIsGlibc, "not glibc: its heap settings do not apply"))
    func glibcHeapSettingsWereNeverApplied() {
        #expect(Allocator.prepareForIngest())
        #expect(Allocator.prepareForSynthesis())
    }
    #endif
}

#if !Fast
#if canImport(Glibc)
private let cheapIsGlibc = true
#else
private let cheapIsGlibc = false
#endif
#endif
