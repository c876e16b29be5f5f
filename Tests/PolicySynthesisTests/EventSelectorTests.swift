import AWSModel
import Foundation
@testable import PolicySynthesis
import Testing

/// `perimeter selectors`: the selectors have the shape the CloudTrail API accepts (API Reference,
/// AdvancedEventSelector and AdvancedFieldSelector: fields per category, operators per field, one
/// value for eventCategory and resources.type, one source per network selector, lengths, 500 values).
struct EventSelectorTests {
    static func access(_ resource: String, source: String = "s3.amazonaws.com", action: String = "s3:GetObject",
                       outcome: Outcome = .success, count: Int64 = 14) -> ObservedAccess {
        var a = Fixture.access(action, resource, outcome: outcome, count: count)
        a.eventSource = source
        return a
    }

    /// Every `resources.ARN` value of the plan's selectors, in order.
    static func arnValues(_ plan: SelectorPlan) -> [String] {
        plan.selectors.flatMap(\.FieldSelectors).filter { $0.Field == "resources.ARN" }.flatMap { $0.operators.flatMap(\.values) }
    }

    static let sample = [
        access("arn:aws:s3:::app-data/a.txt"), access("arn:aws:s3:::app-data/b.txt"), access("arn:aws:s3:::logs-bucket/x"),
        access("arn:aws:dynamodb:us-east-1:111122223333:table/orders", source: "dynamodb.amazonaws.com", action: "dynamodb:GetItem"),
        access("arn:aws:sqs:us-east-1:111122223333:order-events.fifo", source: "sqs.amazonaws.com", action: "sqs:SendMessage",
               outcome: .deniedByEndpointPolicy, count: 7),
    ]

    @Test(arguments: [false, true])
    func selectorsFollowTheAPIFieldRules(denialsOnly: Bool) {
        let plan = SelectorPlanner.plan(Self.sample, days: 7, denialsOnly: denialsOnly)
        #expect(SelectorRules.violations(plan.selectors) == [])
        let network = plan.selectors.filter { $0.equals("eventCategory") == ["NetworkActivity"] }
        #expect(network.map { $0.equals("eventSource")! } == [["dynamodb.amazonaws.com"], ["s3.amazonaws.com"], ["sqs.amazonaws.com"]])
        #expect(network.allSatisfy { ($0.equals("errorCode") != nil) == denialsOnly })
        let data = plan.selectors.filter { $0.equals("eventCategory") == ["Data"] }
        #expect(data.map { $0.equals("resources.type")! } == [["AWS::S3::Object"], ["AWS::DynamoDB::Table"], ["AWS::SQS::Queue"]])
        let s3 = data[0].FieldSelectors.first { $0.Field == "resources.ARN" }
        #expect(s3?.StartsWith == ["arn:aws:s3:::app-data/", "arn:aws:s3:::logs-bucket/"])
        let queue = data[2].FieldSelectors.first { $0.Field == "resources.ARN" }?.Equals
        #expect(queue == ["arn:aws:sqs:us-east-1:111122223333:order-events.fifo"])
        // Estimates: 2 × 14 GetObject over 7 days on S3; the SQS denials (7) in a week.
        let s3Estimate = plan.estimates.first { $0.selector.contains("s3.amazonaws.com") }?.perDay
        #expect(s3Estimate == (denialsOnly ? 0 : 6))
        #expect(plan.estimates.first { $0.selector.contains("sqs.amazonaws.com") }?.perDay == 1)
    }

    /// The rules catch what the API refuses: each row is a selector the API rejects, and the check must say so.
    @Test(arguments: [
        EventSelector(name: "two sources", [FieldSelector("eventCategory", equals: ["NetworkActivity"]),
                                            FieldSelector("eventSource", equals: ["s3.amazonaws.com", "kms.amazonaws.com"])]),
        EventSelector(name: "no source", [FieldSelector("eventCategory", equals: ["NetworkActivity"])]),
        EventSelector(name: "StartsWith source", [FieldSelector("eventCategory", equals: ["NetworkActivity"]),
                                                  FieldSelector("eventSource", startsWith: ["s3"])]),
        EventSelector(name: "other error", [FieldSelector("eventCategory", equals: ["NetworkActivity"]),
                                            FieldSelector("eventSource", equals: ["s3.amazonaws.com"]),
                                            FieldSelector("errorCode", equals: ["AccessDenied"])]),
        EventSelector(name: "data without type", [FieldSelector("eventCategory", equals: ["Data"])]),
        EventSelector(name: "type by prefix", [FieldSelector("eventCategory", equals: ["Data"]),
                                               FieldSelector("resources.type", startsWith: ["AWS::S3"])]),
        EventSelector(name: "ARN on network", [FieldSelector("eventCategory", equals: ["NetworkActivity"]),
                                               FieldSelector("eventSource", equals: ["s3.amazonaws.com"]),
                                               FieldSelector("resources.ARN", equals: ["arn:aws:s3:::b/"])]),
        EventSelector(name: String(repeating: "n", count: 1001), [FieldSelector("eventCategory", equals: ["Management"])]),
        EventSelector(name: "empty value", [FieldSelector("eventCategory", equals: ["Data"]),
                                            FieldSelector("resources.type", equals: ["AWS::S3::Object"]),
                                            FieldSelector("resources.ARN", startsWith: [""])]),
    ])
    func selectorRulesRefuseWhatTheAPIRefuses(selector: EventSelector) {
        #expect(!SelectorRules.violations([selector]).isEmpty, "\(selector.Name.prefix(40))")
    }

    @Test func selectorsWidenPastTheAPIsFiveHundredValuesAndSaySo() {
        let buckets = (0..<600).map { Self.access("arn:aws:s3:::bucket-\($0)/k") }
        let plan = SelectorPlanner.plan(buckets + [Self.sample[3]], days: 1, denialsOnly: false)
        #expect(SelectorRules.violations(plan.selectors) == [])
        #expect(plan.selectors.reduce(0) { $0 + $1.valueCount } <= SelectorRules.valueLimit)
        let s3 = plan.selectors.first { $0.equals("resources.type") == ["AWS::S3::Object"] }
        #expect(s3?.FieldSelectors.contains { $0.Field == "resources.ARN" } == false)
        #expect(plan.notes.contains { $0.hasPrefix("widened: AWS::S3::Object") })
        #expect(plan.estimates.first { $0.selector == s3?.Name }?.atLeast == true)
        // The table list was short: kept, by name.
        #expect(Self.arnValues(plan).contains("arn:aws:dynamodb:us-east-1:111122223333:table/orders"))
    }

    /// Before: network selectors were planned first, so ~520 event sources in the store (forged ones will do)
    /// took every value and the S3, DynamoDB and SQS data-event selectors were left out. Now the data events
    /// keep at least their widened selector and the sources with the fewest requests are left out.
    @Test func manyEventSourcesLeftNoRoomForTheDataEvents() {
        let sources = (0..<520).map { Self.access("arn:aws:s3:::b/k", source: "svc\($0).amazonaws.com", action: "s3:GetObject", count: 1) }
        // A table listing them all (the shipped one lists far fewer than the API's 500 values take).
        let listed = NetworkActivitySources((sources.map(\.eventSource) + ["s3.amazonaws.com"]).map { "\($0)\t-\thttps://x\t2026-12-07" }
            .joined(separator: "\n"))
        let plan = SelectorPlanner.plan(sources + [Self.access("arn:aws:s3:::acme-app-data/k", count: 100)], days: 1, denialsOnly: false,
                                        sources: listed)
        #expect(SelectorRules.violations(plan.selectors) == [])
        #expect(plan.selectors.reduce(0) { $0 + $1.valueCount } <= SelectorRules.valueLimit)
        #expect(plan.selectors.contains { $0.equals("resources.type") == ["AWS::S3::Object"] })
        #expect(plan.selectors.contains { $0.equals("eventSource") == ["s3.amazonaws.com"] }, "the busiest source is kept")
        #expect(plan.notes.contains { $0.hasPrefix("left out: network activity of svc") })
    }

    /// Before: a network activity selector was written for every event source of the endpoints, ECR's too, which
    /// CloudTrail logs no network activity events for (the API's values spent on a selector that logs nothing, and the
    /// user told the endpoint's evidence would come). Now only listed sources get one; the others are said, with
    /// their endpoints, on stderr and in the evidence lines.
    @Test func aSelectorWasWrittenForAServiceWithoutNetworkActivityEvents() {
        var ecr = Self.access("*", source: "ecr.amazonaws.com", action: "ecr:GetAuthorizationToken")
        ecr.endpoint = VPCEndpointID("vpce-0ecr")
        let plan = SelectorPlanner.plan(Self.sample + [ecr], days: 1, denialsOnly: false)
        #expect(!plan.selectors.contains { $0.equals("eventSource") == ["ecr.amazonaws.com"] })
        #expect(plan.selectors.contains { $0.equals("eventSource") == ["s3.amazonaws.com"] })
        #expect(plan.notes.contains { $0.hasPrefix("not available: network activity of ecr.amazonaws.com") && $0.contains("vpce-0ecr") })
        var inventory = EvidenceInventory()
        let added = inventory.add(#"{"AdvancedEventSelectors":[]}"#)
        #expect(added)
        #expect(inventory.gaps([ecr]) == ["vpce-0ecr: network activity of ecr.amazonaws.com: not available (CloudTrail logs none for "
                                          + "this service: its data or management events and flow logs are the evidence)",
                                          "vpce-0ecr: flow logs: unknown (no describe-flow-logs output)"])
    }

    /// A logged name never becomes a prefix wider than itself: a bucket's value ends with `/`, and a name AWS
    /// could not have issued (a wildcard, a forged table name) is not put in a selector.
    @Test func selectorsNeverWidenALoggedName() {
        let forged = [Self.access("arn:aws:s3:::app${*}/k"), Self.access("arn:aws:s3:::abc/k"),
                      Self.access("arn:aws:dynamodb:us-east-1:111122223333:table/o rders", source: "dynamodb.amazonaws.com",
                                  action: "dynamodb:GetItem")]
        let plan = SelectorPlanner.plan(forged, days: 1, denialsOnly: false)
        #expect(Self.arnValues(plan) == ["arn:aws:s3:::abc/"])
    }

    /// Data events are asked only for what a trail of the store's accounts can log: not another account's
    /// bucket (its owner logged), not an AWS-owned bucket.
    @Test func selectorsLeaveOutResourcesNoTrailOfTheStoreCanLog() {
        var vendor = Self.access("arn:aws:s3:::vendor-drop/x")
        vendor.access.resourceAccount = Fixture.vendor
        let accesses = [vendor, Self.access("arn:aws:s3:::amazon-ssm-us-east-1/pkg"), Self.access("arn:aws:s3:::app-data/a")]
        #expect(Self.arnValues(SelectorPlanner.plan(accesses, days: 1, denialsOnly: false)) == ["arn:aws:s3:::app-data/"])
    }

    /// Each resource is named in its own partition (a shape the sample does not have).
    @Test func selectorsNameEachResourceInItsPartition() {
        let plan = SelectorPlanner.plan([Self.access("arn:aws-cn:s3:::cn-data/k"),
                                         Self.access("arn:aws-us-gov:dynamodb:us-gov-west-1:111122223333:table/t01",
                                                     source: "dynamodb.amazonaws.com", action: "dynamodb:GetItem")],
                                        days: 1, denialsOnly: false)
        #expect(Self.arnValues(plan) == ["arn:aws-cn:s3:::cn-data/", "arn:aws-us-gov:dynamodb:us-gov-west-1:111122223333:table/t01"])
        #expect(SelectorRules.violations(plan.selectors) == [])
    }

    @Test func evidenceInventoryNamesWhatEachEndpointLacks() {
        var inventory = EvidenceInventory()
        let selectors = "{\"TrailARN\": \"arn:aws:cloudtrail:us-east-1:111122223333:trail/t\", \"AdvancedEventSelectors\": "
            + "[{\"Name\": \"n\", \"FieldSelectors\": [{\"Field\": \"eventCategory\", \"Equals\": [\"NetworkActivity\"]}, "
            + "{\"Field\": \"eventSource\", \"Equals\": [\"s3.amazonaws.com\"]}]}, {\"Name\": \"d\", \"FieldSelectors\": ["
            + "{\"Field\": \"eventCategory\", \"Equals\": [\"Data\"]}, {\"Field\": \"resources.type\", \"Equals\": [\"AWS::S3::Object\"]}, "
            + "{\"Field\": \"resources.ARN\", \"StartsWith\": [\"arn:aws:s3:::app-data/\"]}]}]}"
        let read = [inventory.add(selectors), inventory.add("{\"FlowLogs\": [{\"ResourceId\": \"vpc-1\", \"FlowLogStatus\": \"ACTIVE\"}]}"),
                    inventory.add("{\"VpcEndpoints\": [{\"VpcEndpointId\": \"vpce-0s3\", \"VpcId\": \"vpc-1\"}]}"),
                    inventory.add("{\"Buckets\": []}")]
        #expect(read == [true, true, true, false])
        let gaps = inventory.gaps(Array(Self.sample.prefix(3)))
        #expect(gaps == ["vpce-0s3: AWS::S3::Object data events: missing for 1 of the 2 resources reached (first: "
                         + "arn:aws:s3:::logs-bucket/): `perimeter selectors`"])
    }
}
