import AWSModel

/// The scenario's network activity events: the trail logs them for the SQS interface endpoint.
extension SampleScenario {
    /// On the last two days every call through the SQS endpoint is logged twice, as its data or
    /// management event and as its network event (one request each); every day the order worker's
    /// `ChangeMessageVisibility` calls are logged only as network events (the data event selector leaves
    /// them out: resource not visible); on day 4 a vendor account's `SendMessage` through the endpoint is
    /// refused by its policy (`VpceAccessDenied`, the caller redacted to its account). Draws nothing
    /// from the day's random source: the other events stay as they were.
    func networkEvents(_ log: DayLog) {
        let P = Self.prod
        if log.day >= 5 {
            for event in log.out where event.builder.endpoint?.id == Self.sqsEndpoint {
                log.out.append(Event(account: event.account, builder: event.builder, network: true))
            }
        }
        let task = TrailRecordBuilder.Identity.role(account: P, name: "order-worker-task", session: "a1b2c3d4e5f6a7b8c9d0")
        for i in 0..<4 {
            let time = log.dayStart + Int64(i) * 21_600 + 1_234
            log.out.append(networkCall(log, "ChangeMessageVisibility", task, Self.ecs.ip, time: time, key: "visibility/\(i)"))
        }
        if log.day == 4 {
            var refused = networkCall(log, "SendMessage", .account(Self.vendor), "10.0.7.71", time: log.dayStart + 50_000, key: "vendor")
            refused.builder.error = (code: "VpceAccessDenied", message: Self.endpointPolicyDenial)
            log.out.append(refused)
        }
    }

    /// The `errorMessage` of a network event the endpoint policy refused (CloudTrail User Guide).
    static let endpointPolicyDenial = "The request was denied due to a VPC endpoint policy"

    /// A call through the SQS endpoint logged only as its network event, its event id drawn from `key`.
    func networkCall(_ log: DayLog, _ name: String, _ identity: TrailRecordBuilder.Identity, _ ip: String, time: Int64,
                     key: String) -> Event {
        let id = Self.uniqueString("network/\(log.day)/\(key)")
        let eventID = "\(id.prefix(8))-\(id.dropFirst(8).prefix(4))-4e7a-8c1d-\(id.suffix(4))0a1b2c3d"
        var b = TrailRecordBuilder(time: time, source: "sqs.amazonaws.com", name: name, identity: identity, sourceIP: ip,
                                   recipient: Self.prod, eventID: eventID)
        b.endpoint = (id: Self.sqsEndpoint, account: Self.prod)
        return Event(account: Self.prod, builder: b, network: true)
    }
}
