import AWSModel
internal import GRDB

struct AccessKey: Hashable {
    var day: String
    var endpoint: String
    var endpointAccount: String
    var principalARN: String
    var principalKind: String
    var principalAccount: String
    var action: String
    var resource: String
    var resourceAccount: String
    var outcome: String
    var errorCode: String
    var eventSource: String
    var region: String
    var recipientAccount: String

    init(day: String, event: NormalizedEvent, access: ResourceAccess) {
        self.day = day
        endpoint = event.vpcEndpointID?.rawValue ?? ""
        endpointAccount = event.vpcEndpointAccount?.rawValue ?? ""
        principalARN = event.principal.arn
        principalKind = event.principal.kind.rawValue
        principalAccount = event.principal.account?.rawValue ?? ""
        action = access.action.description
        resource = access.resource
        resourceAccount = access.resourceAccount?.rawValue ?? ""
        outcome = event.outcome.rawValue
        errorCode = event.errorCode ?? ""
        eventSource = event.eventSource
        region = event.region
        recipientAccount = event.recipientAccount?.rawValue ?? ""
    }
}

struct SourceKey: Hashable {
    var day: String
    var endpoint: String
    var principal: String
    var session: String
    var sourceIP: String
    var userAgent: String
}

struct AccessCounts {
    var count: Int64 = 0
    var first = Int64.max
    var last = Int64.min
    var sample: String?

    mutating func add(_ event: NormalizedEvent) {
        count += 1
        first = min(first, event.eventTime)
        last = max(last, event.eventTime)
        if let id = event.eventID, sample.map({ id < $0 }) ?? true { sample = id }
    }
}

extension UsageStore {
    func upsertAccess(_ db: Database, _ aggregates: [AccessKey: AccessCounts]) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO access(day, endpoint, endpoint_account, principal_arn, principal_kind, principal_account, action, resource,
                               resource_account, outcome, error_code, event_source, region, recipient_account, count, first_seen,
                               last_seen, sample_event_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT DO UPDATE SET count = count + excluded.count,
                first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen),
                sample_event_id = CASE WHEN sample_event_id = '' OR (excluded.sample_event_id != '' AND excluded.sample_event_id < sample_event_id)
                                       THEN excluded.sample_event_id ELSE sample_event_id END
            """)
        for (k, c) in aggregates {
            try statement.execute(arguments: [k.day, k.endpoint, k.endpointAccount, k.principalARN, k.principalKind, k.principalAccount,
                                              k.action, k.resource, k.resourceAccount, k.outcome, k.errorCode, k.eventSource, k.region,
                                              k.recipientAccount, c.count, c.first, c.last, c.sample ?? ""])
        }
    }

    func upsertSources(_ db: Database, _ sources: [SourceKey: AccessCounts]) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO source(day, endpoint, principal_arn, session_name, source_ip, user_agent, count, first_seen, last_seen)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT DO UPDATE SET count = count + excluded.count,
                first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen)
            """)
        for (k, c) in sources {
            try statement.execute(arguments: [k.day, k.endpoint, k.principal, k.session, k.sourceIP, k.userAgent, c.count, c.first, c.last])
        }
    }

    func upsertFlows(_ db: Database, _ flows: [ObservedFlow]) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO flow(day, interface_id, instance_id, vpc_id, srcaddr, dstaddr, dstport, protocol, action, traffic_path,
                             dst_service, flow_direction, records, packets, bytes, first_seen, last_seen)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT DO UPDATE SET records = records + excluded.records, packets = packets + excluded.packets,
                bytes = bytes + excluded.bytes, first_seen = min(first_seen, excluded.first_seen),
                last_seen = max(last_seen, excluded.last_seen)
            """)
        for f in flows {
            try statement.execute(arguments: [f.day, f.interfaceID, f.instanceID, f.vpcID, f.sourceAddress, f.destinationAddress,
                                              f.destinationPort, f.proto, f.action, f.trafficPath, f.destinationService, f.flowDirection,
                                              f.records, f.packets, f.bytes, f.firstSeen, f.lastSeen])
        }
    }
}
