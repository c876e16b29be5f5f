import Testing
@testable import AWSLogs
import AWSModel
import Foundation
import JSONTape

/// Parser differentials: a record whose fields read differently in another JSON reader is rejected (issue 26).
struct DuplicateKeyTests {
    static let base = HostileRecordTests.record(parameters: #"{"bucketName":"app-data","key":"k"}"#)

    /// Duplicate names resolved to the first value: `"errorCode": null, "errorCode": "AccessDenied"` read as a success.
    @Test(arguments: [
        (#""errorCode":null,"errorCode":"AccessDenied""#, "errorCode"),
        (#""errorCode":null,"error\u0043ode":"AccessDenied""#, "errorCode"),
        (#""eventName":"ListObjects","eventName":"PutObject""#, "eventName"),
        (#""vpcEndpointId":"vpce-1","vpcEndpointId":"vpce-2""#, "vpcEndpointId"),
        (#""x":{"userIdentity":1}"#, nil),
    ])
    func duplicateKeysReadAsTheFirstValue(extra: String, field: String?) throws {
        let text = String(Self.base.dropLast()) + "," + extra + "}"
        let result = try HostileRecordTests.normalize(text)
        if let field {
            guard case .rejected(let code, let reason) = result else { Issue.record("not rejected: \(result)"); return }
            #expect(code == .duplicateKey)
            #expect(reason.contains(field))
        } else {
            guard case .event = result else { Issue.record("a record without duplicates was not read: \(result)"); return }
        }
    }

    /// Nested objects Perimeter reads: the principal and the request's parameters.
    @Test(arguments: [
        HostileRecordTests.record(parameters: #"{"bucketName":"app-data","bucketName":"other","key":"k"}"#),
        HostileRecordTests.record(parameters: #"{"bucketName":"app-data","key":"k"}"#)
            .replacingOccurrences(of: #""type":"AssumedRole""#, with: #""type":"AssumedRole","arn":"arn:aws:iam::111122223333:root""#),
        HostileRecordTests.record(parameters: #"{"bucketName":"app-data","key":"k"}"#,
                                  resources: #"[{"ARN":"arn:aws:s3:::a","ARN":"arn:aws:s3:::b"}]"#),
    ])
    func duplicateKeysInNestedFieldsReadAsTheFirstValue(text: String) throws {
        guard case .rejected(let code, _) = try HostileRecordTests.normalize(text) else { Issue.record("not rejected"); return }
        #expect(code == .duplicateKey)
    }

    @Test func firstDuplicateKeyComparesDecodedNames() throws {
        let value = try JSONParser.parse(Array(#"{"a":{"b":1,"\u0062":2}}"#.utf8)).values[0]
        #expect(value.firstDuplicateKey()?.key == "b")
        #expect(try JSONParser.parse(Array(#"{"a":{"b":1,"c":{"b":2}}}"#.utf8)).values[0].firstDuplicateKey() == nil)
        // Past 32 members the names are compared through a set.
        let wide = (0..<40).map { "\"k\($0)\":\($0)" }
        let many = try JSONParser.parse(Array(("{" + (wide + [#""k\u0033\u0037":1"#]).joined(separator: ",") + "}").utf8)).values[0]
        #expect(many.firstDuplicateKey()?.key == "k37")
        #expect(try JSONParser.parse(Array(("{" + wide.joined(separator: ",") + "}").utf8)).values[0].firstDuplicateKey() == nil)
    }
}
