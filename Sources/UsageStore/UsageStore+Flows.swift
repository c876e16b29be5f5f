public import AWSModel
import AWSLogs
internal import GRDB
internal import GRDBSQLite

extension UsageStore {
    /// Flows folded over `window` (the day column keeps the first day of each group), sorted.
    ///
    /// With `keeping`, destination addresses outside it are summed together: a group then holds every
    /// destination of its source, port and path that is not kept, and `destinationAddress` is the
    /// smallest of them. Synthesis keeps the endpoints' own addresses (the
    /// only destinations it matches); the service addresses flows reach vary without end over a long
    /// window (1M records: 110k flow groups, 5M: 342k).
    ///
    /// With `placing`, the destinations summed together are summed apart by the number it gives a row
    /// that names no service (`dst_service` `-` or empty; other rows 0): synthesis places such rows in
    /// a service's published address ranges by their destination, which summing must then not mix.
    ///
    /// The rows are summed in one pass by their values' bytes, as SQL's `GROUP BY srcaddr, interface_id,
    /// instance_id, vpc_id, destination, dstport, protocol, action, traffic_path, dst_service,
    /// flow_direction` would sum them (`MIN(day)`, bounded sums, `MIN(first_seen)`, `MAX(last_seen)`,
    /// `MIN(dstaddr)`), and the groups taken in the order it gives them: its sort of every row took 0.8 s
    /// of 1M records' 200k rows into 1.3k groups. Memory follows the groups, not the rows.
    ///
    /// - Throws: ``StoreError`` when the store cannot be read.
    public func flows(window: DayWindow = DayWindow(), keeping addresses: Set<String>? = nil,
                      placing: ((String) -> Int)? = nil) throws(StoreError) -> [ObservedFlow] {
        let (condition, arguments) = window.sql
        return try read { db in
            let statement = try db.makeStatement(sql: """
                SELECT srcaddr, interface_id, instance_id, vpc_id, dstaddr, dstport, protocol, action, traffic_path, dst_service,
                       flow_direction, day, records, packets, bytes, first_seen, last_seen
                FROM flow WHERE \(condition)
                """)
            var groups = FlowGroups(keeping: addresses, placing: placing)
            let rows = try Row.fetchCursor(statement, arguments: arguments)
            while let row = try rows.next() { groups.add(row, statement.sqliteStatement) }
            return groups.flows()
        }
    }

    /// The rows of ``flows(window:keeping:placing:)``'s SELECT summed as its `GROUP BY` would sum them, each
    /// row's key read from the statement into buffers reused from row to row.
    struct FlowGroups {
        struct Group {
            /// The flow, with the columns of the group's first row, its least day and destination and its times.
            var flow: ObservedFlow
            /// The smallest day and destination so far, as ``RowBytes/append(values:of:)`` holds them.
            var day: [UInt8], destination: [UInt8]
            var records = 0.0, packets = 0.0, bytes = 0.0
        }

        /// The destination addresses kept apart (all of them when nil).
        let kept: ByteStringTable?
        let placing: ((String) -> Int)?
        /// The groups, by their key's number.
        var groups: [Group] = [], numbers = ByteStringTable()
        /// The current row's key, day and destination.
        var key = RowBytes(), day = RowBytes(), destination = RowBytes()

        init(keeping addresses: Set<String>?, placing: ((String) -> Int)?) {
            self.placing = placing
            kept = addresses.map { addresses in
                var table = ByteStringTable()
                for address in addresses { _ = table.insert(Array(address.utf8)) }
                return table
            }
        }

        /// Adds the current row to its group.
        mutating func add(_ row: Row, _ sqlite: SQLiteStatement) {
            readKey(row, sqlite)
            let (number, new) = numbers.insert(key.bytes)
            let firstSeen = sqlite3_column_int64(sqlite, 15), lastSeen = sqlite3_column_int64(sqlite, 16)
            if new {
                // Columns by position, in the SELECT's order.
                let flow = ObservedFlow(day: row[11], interfaceID: row[1], instanceID: row[2], vpcID: row[3], sourceAddress: row[0],
                                        destinationAddress: row[4], destinationPort: row[5], proto: row[6], action: row[7],
                                        trafficPath: row[8],
                                        destinationService: row[9], flowDirection: row[10], records: 0, packets: 0, bytes: 0,
                                        firstSeen: firstSeen, lastSeen: lastSeen)
                groups.append(Group(flow: flow, day: day.bytes, destination: destination.bytes))
            } else {
                merge(row, into: number, firstSeen: firstSeen, lastSeen: lastSeen)
            }
            // TOTAL(): a float sum, whatever the values.
            groups[number].records += sqlite3_column_double(sqlite, 12)
            groups[number].packets += sqlite3_column_double(sqlite, 13)
            groups[number].bytes += sqlite3_column_double(sqlite, 14)
        }

        /// Reads the current row's day, destination and group key: the source, interface, instance and VPC, the
        /// destination (or, outside the kept addresses, none and the number `placing` gives it), then the port,
        /// protocol, action, path, service and direction.
        mutating func readKey(_ row: Row, _ sqlite: SQLiteStatement) {
            day.bytes.removeAll(keepingCapacity: true)
            destination.bytes.removeAll(keepingCapacity: true)
            day.append(values: sqlite, of: 11...11)
            destination.append(values: sqlite, of: 4...4)
            key.bytes.removeAll(keepingCapacity: true)
            key.append(values: sqlite, of: 0..<4)
            if let kept {
                // `CASE WHEN dstaddr IN (the kept addresses) THEN dstaddr ELSE '' END`: its storage class as
                // read above (a text read may convert the value), its text after the class and length.
                let keeps = destination.bytes.first == UInt8(SQLITE_TEXT)
                    && destination.bytes.withUnsafeBytes { kept.number(of: UnsafeRawBufferPointer(rebasing: $0[5...])) != nil }
                key.bytes.append(contentsOf: keeps ? destination.bytes : [UInt8(SQLITE_TEXT), 0, 0, 0, 0])
                if !keeps, let placing, UsageStore.namesNoService(sqlite) {
                    // An integer value after the destination: the key stays a row of values `sqlOrder` reads.
                    key.bytes.append(UInt8(SQLITE_INTEGER))
                    withUnsafeBytes(of: UInt64(placing(row[4])).littleEndian) { key.bytes.append(contentsOf: $0) }
                }
            } else {
                key.bytes.append(contentsOf: destination.bytes)
            }
            key.append(values: sqlite, of: 5...10)
        }

        /// Folds the current row into group `number`: `MIN(day)`, `MIN(dstaddr)`, `MIN(first_seen)`, `MAX(last_seen)`.
        mutating func merge(_ row: Row, into number: Int, firstSeen: Int64, lastSeen: Int64) {
            if day.bytes.withUnsafeBytes({ new in groups[number].day.withUnsafeBytes { RowBytes.sqlOrder(new, $0) } }) {
                (groups[number].day, groups[number].flow.day) = (day.bytes, row[11])
            }
            if destination.bytes.withUnsafeBytes(
                { new in groups[number].destination.withUnsafeBytes { RowBytes.sqlOrder(new, $0) } }) {
                (groups[number].destination, groups[number].flow.destinationAddress) = (destination.bytes, row[4])
            }
            groups[number].flow.firstSeen = min(groups[number].flow.firstSeen, firstSeen)
            groups[number].flow.lastSeen = max(groups[number].flow.lastSeen, lastSeen)
        }

        /// The groups' flows with their bounded sums, sorted. Taken in the order of the groups' keys, as GROUP BY's
        /// sort gives them: the order equal flows keep.
        func flows() -> [ObservedFlow] {
            numbers.sqlOrder().map { number in
                var flow = groups[number].flow
                (flow.records, flow.packets, flow.bytes) = (UsageStore.bounded(groups[number].records),
                                                            UsageStore.bounded(groups[number].packets),
                                                            UsageStore.bounded(groups[number].bytes))
                return flow
            }.sorted()
        }
    }

    /// Whether the current row's `dst_service` (column 9) is `-` or empty.
    static func namesNoService(_ statement: SQLiteStatement) -> Bool {
        let text = RowBytes.text(statement, 9)
        return text.isEmpty || (text.count == 1 && text[0] == UInt8(ascii: "-"))
    }

    /// A float sum as ``boundedSum(_:)`` reads it back: held at ``countLimit``, truncated to an integer
    /// (the most negative one below it; NaN is 0), never a trap.
    static func bounded(_ sum: Double) -> Int64 {
        let held = min(sum, Double(countLimit))
        guard !held.isNaN else { return 0 }
        return held <= -0x1p63 ? .min : Int64(held)
    }
}
