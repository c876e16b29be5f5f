import AWSModel
import Foundation
import Testing
@testable import PolicySynthesis

/// The output rows hold typed ids (issue 28) and write them as they wrote their text before: summary.json,
/// `findings.json` and `--json` keep their shape.
struct TypedRowIdsTests {
    static let endpoint = VPCEndpointID("vpce-0a1b2c3d4e5f60718"), owner = AccountID("222233334444")

    static func encoded(_ row: some Encodable) throws -> [String: Any] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try #require(try JSONSerialization.jsonObject(with: encoder.encode(row)) as? [String: Any])
    }

    @Test func everyRowWritesItsEndpointAndOwnerAsText() throws {
        let e = Self.endpoint, rows: [(any Encodable, owner: Bool)] = [
            (ReviewItem(endpoint: e, principal: "p", action: "s3:GetObject", resource: "r", owner: Self.owner, reason: "x",
                        requests: 1, firstSeen: 0, lastSeen: 0), true),
            (AWSOwnedUse(endpoint: e, service: "s", feature: "f", bucket: "b", access: "read", source: "u", evidence: "e",
                         inferred: false), false),
            (Denial(endpoint: e, principal: "p", action: "s3:PutObject", resource: "r", errorCode: nil, owner: Self.owner,
                    byEndpointPolicy: false, outcome: .denied, requests: 1, firstSeen: 0, lastSeen: 0), true),
            (EndpointSource(endpoint: e, sourceAddress: "10.0.0.1", interfaces: [], instances: [], principals: [], bytes: 1, flows: 1,
                            firstSeen: 0, lastSeen: 0), false),
            (CoverageGap(endpoint: e, sourceAddress: "10.0.0.1", instances: [], bytes: 1, firstSeen: 0, lastSeen: 0, reason: "x"), false),
            (InferredAWSOwned(endpoint: e, service: "s", feature: "f", bucket: "b", evidence: "e"), false),
            (CheckFinding(kind: "refused", endpoint: e, principal: "p", action: "a", resources: [], requests: 1, logged: [],
                          readmitted: false, reason: nil, firstSeen: 0, lastSeen: 0), false),
        ]
        for (row, owner) in rows {
            let object = try Self.encoded(row)
            #expect(object["endpoint"] as? String == e.rawValue, "\(type(of: row))")
            if owner { #expect(object["owner"] as? String == Self.owner.rawValue, "\(type(of: row))") }
        }
    }
}
