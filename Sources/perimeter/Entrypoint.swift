import PerimeterCLI
import ArgumentParser
import CMalloc

@main
struct Entrypoint {
    static func main() async {
        // Ingest allocates and frees megabyte-sized buffers per log file on every thread. By default glibc
        // maps each afresh and hands freed heap tops back to the kernel, so every file pays its page
        // faults again; keeping them cut ingest's system time by about a third (BENCHMARKS.md).
        cmalloc_keep_heap(64 << 20, 256 << 20)
        await PerimeterCommand.main()
    }
}
