import Testing
@testable import UsageStore

/// Values made on the producer's thread come to the consumer in order, and either side's error ends both.
struct BatchHandoffTests {
    struct Failure: Error, Equatable { var side: String }

    /// Every value, in the order made, whatever the batch size and the number of batches that may wait.
    @Test(arguments: [(1, 1), (7, 2), (512, 4), (2000, 1)])
    func valuesComeInOrder(size: Int, limit: Int) throws {
        var taken: [Int] = [], batches = 0
        try BatchHandoff<Int>.run(size: size, limit: limit, produce: { send in for n in 0..<1000 { try send(n) } }) { batch in
            #expect(batch.count <= size)
            taken += batch
            batches += 1
        }
        #expect(taken == Array(0..<1000))
        #expect(batches == (1000 + size - 1) / size)
    }

    /// A consumer that throws stops a producer that would never end by itself, and its error is the one thrown.
    @Test func consumerErrorStopsProducer() {
        #expect(throws: Failure(side: "consumer")) {
            try BatchHandoff<Int>.run(size: 3, limit: 1, produce: { send in
                var n = 0
                while true {
                    try send(n)
                    n += 1
                }
            }) { _ in throw Failure(side: "consumer") }
        }
    }

    /// A producer's error is thrown after the values it sent before it.
    @Test func producerErrorComesAfterItsValues() {
        var taken: [Int] = []
        #expect(throws: Failure(side: "producer")) {
            try BatchHandoff<Int>.run(size: 4, limit: 2, produce: { send in
                for n in 0..<10 { try send(n) }
                throw Failure(side: "producer")
            }) { taken += $0 }
        }
        #expect(taken == Array(0..<10))
    }
}
