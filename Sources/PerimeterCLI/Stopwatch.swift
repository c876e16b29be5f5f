import Foundation

/// Monotonic seconds, for rates on the progress line.
struct Stopwatch {
    let start = DispatchTime.now().uptimeNanoseconds
    var seconds: Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }

    /// When a progress line was last shown, to show one at most every so often.
    final class Mark: @unchecked Sendable {
        // INVARIANT: used by one progress callback, which its caller invokes one call at a time.
        private var last = -Double.infinity

        /// True, and the mark moved to now, when `interval` seconds of `clock` have passed since the last time.
        func passed(_ interval: Double, on clock: Stopwatch) -> Bool {
            let now = clock.seconds
            guard now - last >= interval else { return false }
            last = now
            return true
        }
    }
}
