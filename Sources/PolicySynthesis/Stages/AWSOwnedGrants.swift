import AWSModel
import Inventory

/// Stage 4: the AWS-owned buckets one endpoint's draft allows: those its requests reached, and those
/// the flow evidence shows a host needs (inferred from catalog entries, with no logged request).
struct AWSOwnedGrants {
    /// Grants for inferred buckets, as the builder takes them (no request behind them: count 0).
    var inferred: [(ObservedAccess, Ownership)] = []
    /// Every AWS-owned bucket the draft allows, with the evidence, for the report.
    var uses: [AWSOwnedUse] = []

    static func make(endpoint: Inventory.Endpoint, region: String, draftable: [(ObservedAccess, Ownership)],
                     flows: FlowFindings, catalog: AWSOwnedCatalog) -> AWSOwnedGrants {
        var grants = AWSOwnedGrants()
        let partition = Partition.of(region: region) ?? Partition.standard, entries = catalog.entries(region: region)
        for found in flows.inferred where found.endpoint == endpoint.id {
            guard let entry = entries.first(where: { $0.service == found.service && $0.bucketName(region: region) == found.bucket })
            else { continue }
            let bucket = ARN.s3Bucket(found.bucket, partition: partition).description
            for action in entry.actions {
                let grant = ObservedAccess(endpoint: endpoint.id, endpointAccount: endpoint.owner,
                                           principal: Principal(kind: .anonymous, arn: Principal.anonymousARN, account: nil),
                                           access: ResourceAccess(action: action, resource: PolicyText.allObjects(inBucketARN: bucket)),
                                           outcome: .success, errorCode: nil, eventSource: "s3.amazonaws.com", region: region,
                                           recipientAccount: nil, count: 0, firstSeen: 0, lastSeen: 0, sampleEventID: nil, sourceIPs: [])
                grants.inferred.append((grant, .awsOwned(entry)))
            }
            grants.uses.append(
                AWSOwnedUse(endpoint: endpoint.id, service: entry.service, feature: entry.feature, bucket: found.bucket,
                                           access: entry.access, source: entry.source, evidence: found.evidence, inferred: true))
        }
        for (access, ownership) in draftable {
            guard case .awsOwned(let entry) = ownership else { continue }
            grants.uses.append(AWSOwnedUse(endpoint: endpoint.id, service: entry.service, feature: entry.feature,
                                           bucket: access.access.resource.s3BucketName ?? access.access.resource.text, access: entry.access,
                                           source: entry.source,
                                           evidence: "\(access.count) logged \(access.access.action) by \(access.principal.arn)",
                                           inferred: false))
        }
        return grants
    }
}
