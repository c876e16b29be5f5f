import Foundation

/// Values made on a thread of their own and taken in order on the caller's: `produce` runs on a new
/// thread and hands each value to `send`; the caller's `consume` gets them in batches as they come.
/// At most `limit` batches wait, so memory follows the batch size, not the values made. When
/// `consume` throws, `send` throws too (the producer stops) and the error is the caller's once the
/// producer has ended; a producer's error is thrown after the batches it sent.
///
/// Why a thread of its own: the caller may itself run on the concurrency pool (synthesis reads the
/// requests beside the other reads), where a nested task could wait behind the very consumer it feeds.
final class BatchHandoff<Value: Sendable>: @unchecked Sendable {
    // INVARIANT: `batches`, `done`, `stopped` and `failure` are read and written with `condition` locked.
    private let condition = NSCondition()
    private var batches: [[Value]] = [], done = false, stopped = false, failure: (any Error)?
    private let size: Int, limit: Int

    private struct Stopped: Error {}

    private init(size: Int, limit: Int) { (self.size, self.limit) = (size, limit) }

    /// Runs `produce` on a new thread while `consume` takes its values here, `size` at a time.
    static func run(size: Int = 512, limit: Int = 4, produce: @escaping @Sendable (_ send: (Value) throws -> Void) throws -> Void,
                    consume: ([Value]) throws -> Void) throws {
        let handoff = BatchHandoff(size: size, limit: limit)
        let ended = DispatchSemaphore(value: 0)
        Thread {
            handoff.produce(produce)
            ended.signal()
        }.start()
        defer { ended.wait() }
        do {
            while let batch = try handoff.next() { try consume(batch) }
        } catch {
            handoff.stop()
            throw error
        }
    }

    private func produce(_ body: (_ send: (Value) throws -> Void) throws -> Void) {
        var batch: [Value] = []
        batch.reserveCapacity(size)
        do {
            try body { value in
                batch.append(value)
                if batch.count == size {
                    try put(batch)
                    batch.removeAll(keepingCapacity: true)
                }
            }
            if !batch.isEmpty { try put(batch) }
            finish(nil)
        } catch {
            try? put(batch)   // the values sent before the error (none once stopped: `put` throws then)
            finish(error)   // after `stop()` (its own `Stopped`, however wrapped) no one reads it
        }
    }

    private func put(_ batch: [Value]) throws {
        condition.lock()
        defer { condition.unlock() }
        while batches.count >= limit && !stopped { condition.wait() }
        guard !stopped else { throw Stopped() }
        batches.append(batch)
        condition.broadcast()
    }

    private func finish(_ error: (any Error)?) {
        condition.lock()
        (done, failure) = (true, error)
        condition.broadcast()
        condition.unlock()
    }

    /// The next batch, nil once the producer is done and every batch taken; the producer's error then.
    private func next() throws -> [Value]? {
        condition.lock()
        defer { condition.unlock() }
        while batches.isEmpty && !done { condition.wait() }
        if !batches.isEmpty {
            condition.broadcast()
            return batches.removeFirst()
        }
        if let failure { throw failure }
        return nil
    }

    private func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }
}
