import Testing
@testable import AWSLogs
import AWSModel
import Foundation
import JSONTape

/// Logged text chosen by an attacker: it never widens what a record asks for.
struct HostileRecordTests {
    static func record(eventSource: String = "s3.amazonaws.com", eventName: String = "GetObject", parameters: String,
                       errorCode: String? = nil, errorMessage: String? = nil, resources: String? = nil) -> String {
        var fields = [
            #""eventVersion":"1.09""#, #""eventTime":"2026-11-02T10:00:00Z""#, #""awsRegion":"us-east-1""#,
            "\"eventSource\":\(JSONString.quote(eventSource))", "\"eventName\":\(JSONString.quote(eventName))",
            #"""
                "userIdentity":{"type":"AssumedRole","accountId":"111122223333","arn":"arn:aws:sts::111122223333:assumed-role/app/i-1",\#
                "sessionContext":{"sessionIssuer":{"arn":"arn:aws:iam::111122223333:role/app"}}}
                """#,
            "\"requestParameters\":\(parameters)", #""recipientAccountId":"111122223333""#, #""eventID":"e1""#,
        ]
        if let errorCode { fields.append("\"errorCode\":\(JSONString.quote(errorCode))") }
        if let errorMessage { fields.append("\"errorMessage\":\(JSONString.quote(errorMessage))") }
        if let resources { fields.append("\"resources\":\(resources)") }
        return "{" + fields.joined(separator: ",") + "}"
    }

    static func normalize(_ text: String) throws -> EventNormalizer.Result {
        EventNormalizer().normalize(try JSONParser.parse(Array(text.utf8)).values[0])
    }

    static func event(_ text: String) throws -> NormalizedEvent {
        guard case .event(let event) = try normalize(text) else { throw Failure.notAnEvent }
        return event
    }

    enum Failure: Error { case notAnEvent }

    @Test(arguments: [
        ("*", "arn:aws:s3:::app-data/${*}"),
        ("secret*", "arn:aws:s3:::app-data/secret${*}"),
        ("?", "arn:aws:s3:::app-data/${?}"),
        ("*/x", "arn:aws:s3:::app-data/${*}/x"),
        ("${aws:username}", "arn:aws:s3:::app-data/${$}{aws:username}"),
        ("plain/key.txt", "arn:aws:s3:::app-data/plain/key.txt"),
    ])
    func anObjectKeyIsALiteralNotAWildcard(key: String, resource: String) throws {
        let event = try Self.event(
            Self.record(eventName: "DeleteObject", parameters: "{\"bucketName\":\"app-data\",\"key\":\(JSONString.quote(key))}"))
        #expect(event.accesses.map(\.resource.text) == [resource])
        #expect(PolicyText.literalValue(of: resource) == "arn:aws:s3:::app-data/\(key)")
    }

    @Test func aBucketNamedStarIsALiteral() throws {
        let event = try Self.event(Self.record(eventName: "ListObjects", parameters: #"{"bucketName":"*"}"#))
        #expect(event.accesses.map(\.resource) == ["arn:aws:s3:::${*}"])
    }

    @Test func aTableNameWithWildcardsIsALiteral() throws {
        let event = try Self.event(
            Self.record(eventSource: "dynamodb.amazonaws.com", eventName: "GetItem", parameters: #"{"tableName":"orders*"}"#))
        #expect(event.accesses.map(\.resource) == ["arn:aws:dynamodb:us-east-1:111122223333:table/orders${*}"])
    }

    @Test func aLoggedResourceARNWithAStarIsALiteral() throws {
        let event = try Self.event(Self.record(eventSource: "kms.amazonaws.com", eventName: "Decrypt", parameters: "{}",
                                               resources: #"""
                                                   [{"ARN":"arn:aws:kms:us-east-1:111122223333:key/*","accountId":"111122223333"}]
                                                   """#))
        #expect(event.accesses.map(\.resource) == ["arn:aws:kms:us-east-1:111122223333:key/${*}"])
    }

    @Test(arguments: [
        ("GetObject", #"{"bucketName":"app-data"}"#),
        ("CopyObject", #"{"bucketName":"app-data","x-amz-copy-source":"src/k"}"#),
        ("PutObject", "{}"),
    ])
    func anObjectCallWithoutAKeyHasNoResource(eventName: String, parameters: String) throws {
        let event = try Self.event(Self.record(eventName: eventName, parameters: parameters))
        #expect(event.accesses.first?.resource == .notLogged)
        #expect(!event.accesses.contains { $0.resource.text.hasSuffix("*") })
    }

    @Test func aDynamoDBItemCallWithoutATableHasNoResource() throws {
        let event = try Self.event(Self.record(eventSource: "dynamodb.amazonaws.com", eventName: "GetItem", parameters: "{}"))
        #expect(event.accesses.map(\.resource) == [.notLogged])
    }

    @Test func onlyTheDocumentedCasesGetAWildcard() throws {
        let deleteObjects = try Self.event(Self.record(eventName: "DeleteObjects", parameters: #"{"bucketName":"app-data","delete":""}"#))
        #expect(deleteObjects.accesses.map(\.resource).contains("arn:aws:s3:::app-data/*"))
        let listBuckets = try Self.event(Self.record(eventName: "ListBuckets", parameters: "{}"))
        #expect(listBuckets.accesses.map(\.resource) == ["*"])
    }

    /// `vpce-EXAMPLE08c1b6b9b7`, the documentation's placeholder in a shared real sample, got a draft.
    @Test(arguments: ["vpce-../../../tmp/x", "vpce-", "vpce-0abc/..", "vpce-0a b", "vpce-EXAMPLE08c1b6b9b7", "vpce-0A1B2C3D"])
    func aVPCEndpointIDThatCouldNameAPathIsAReject(id: String) throws {
        let text = Self.record(parameters: #"{"bucketName":"b","key":"k"}"#)
            .replacingOccurrences(of: #""eventID":"e1""#, with: #""eventID":"e1","vpcEndpointId":"# + JSONString.quote(id))
        guard case .rejected(let code, _) = try Self.normalize(text) else {
            Issue.record("`\(id)` was not rejected")
            return
        }
        #expect(code == .badEndpointID)
    }

    @Test(arguments: ["Get*", "GetObject ", "Get?bject", "*", "Get/Object", "GetObject\u{1B}[2J"])
    func anEventNameThatCouldWidenIsARejectNotAnAction(name: String) throws {
        guard case .rejected(let code, _) = try Self.normalize(Self.record(eventName: name, parameters: #"{"bucketName":"b","key":"k"}"#))
            else {
            Issue.record("`\(name)` was not rejected")
            return
        }
        #expect(code == .eventNameCharacters)
    }

    /// A NUL in a bucket name cut it short: `acme-app-data\0.evil-bkt`, a denied write to an outside bucket, showed
    /// as one to the trusted `acme-app-data` and was no possible exfiltration; any control character is a reject.
    @Test(arguments: [#"acme-app-data\u0000.evil-bkt"#, #"acme\n-app"#, #"acme\u007F"#, #"acme\u001B[2J"#])
    func aNULInABucketNameHidAWriteToAnOutsideBucket(bucket: String) throws {
        let record = Self.record(eventName: "PutObject", parameters: #"{"bucketName":"\#(bucket)","key":"k"}"#,
                                 errorCode: "AccessDenied", errorMessage: "Access Denied")
        guard case .rejected(let code, _) = try Self.normalize(record) else {
            Issue.record("`\(bucket)` was not rejected")
            return
        }
        #expect(code == .bucketNameCharacters)
    }

    /// `S3.amazonaws.com` and `s3.Amazonaws.com`: AWS logs host names in lowercase; an uppercase one made the action
    /// `S3:PutObject`, which hid a denied write to an outside bucket from the possible-exfiltration finding.
    @Test(arguments: ["s3.amazonaws.com*", "*", "s3 amazonaws com", "s3.amazonaws.com/..", "S3.amazonaws.com", "s3.Amazonaws.com"])
    func anEventSourceThatCouldWidenIsARejectNotAnAction(source: String) throws {
        guard case .rejected(let code, _) = try Self.normalize(Self.record(eventSource: source, parameters: "{}")) else {
            Issue.record("`\(source)` was not rejected")
            return
        }
        #expect(code == .eventSourceCharacters)
    }
}

/// The error code → authorization table: only what AWS documents as after authorization is authorized.
struct AuthorizationTableTests {
    @Test(arguments: [
        (nil, nil, Outcome.success),
        ("NoSuchKey", "The specified key does not exist.", .failedAfterAuthorization),
        ("ConditionalCheckFailedException", "The conditional request failed", .failedAfterAuthorization),
        ("SignatureDoesNotMatch", "The request signature we calculated does not match", .unauthenticated),
        ("InvalidAccessKeyId", nil, .unauthenticated),
        ("ExpiredToken", "The provided token has expired.", .unauthenticated),
        ("InvalidToken", nil, .unauthenticated),
        ("AllAccessDisabled", "All access to this object has been disabled", .unauthenticated),
        ("Client.AuthFailure", nil, .unauthenticated),
        ("NoSuchBucket", "The specified bucket does not exist", .denied),
        ("SomethingNewException", "a failure Perimeter has never seen", .unclassifiedError),
        ("InternalError", nil, .unclassifiedError),
        (nil, "User: arn:aws:iam::1:user/u is not authorized to perform: s3:GetObject", .denied),
        (nil, "Failed authentication", .unauthenticated),
        (nil, "something went wrong", .unclassifiedError),
        ("", "Access Denied", .denied),
    ] as [(String?, String?, Outcome)])
    func authenticationFailuresAndUnknownCodesAreNotAuthorized(code: String?, message: String?, expected: Outcome) {
        let outcome = EventNormalizer.outcome(errorCode: code, errorMessage: message)
        #expect(outcome == expected)
        #expect(outcome.wasAuthorized == (expected == .success || expected == .failedAfterAuthorization))
    }

    @Test func theShippedTableReads() {
        #expect(ErrorCodeTable.shared.classify("NoSuchKey") == .authorized)
        #expect(ErrorCodeTable.shared.classify("Server.NoSuchKey") == .authorized)
        #expect(throws: (any Error).self) { try ErrorCodeTable(tsv: "NoSuchKey\tmaybe\tS3\n") }
    }
}

/// Calls authorized together with a companion action draft it too (tag-on-create, iam:PassRole).
struct CompanionActionTests {
    @Test(arguments: [
        ("ec2.amazonaws.com", "RunInstances", #"{"instanceType":"t3.micro","tagSpecificationSet":{"items":[{"resourceType":"instance"}]}}"#,
            "ec2:CreateTags"),
        ("iam.amazonaws.com", "CreateRole", #"{"roleName":"r","tags":[{"key":"team","value":"a"}]}"#, "iam:TagRole"),
        ("ssm.amazonaws.com", "PutParameter", #"{"name":"/p","tags":[{"key":"k","value":"v"}]}"#, "ssm:AddTagsToResource"),
        ("lambda.amazonaws.com", "CreateFunction20150331",
            #"{"functionName":"f","tags":{"team":"a"},"role":"arn:aws:iam::111122223333:role/fn"}"#, "lambda:TagResource"),
    ])
    func tagOnCreateNeedsTheTaggingAction(source: String, name: String, parameters: String, companion: String) throws {
        let event = try HostileRecordTests.event(HostileRecordTests.record(eventSource: source, eventName: name, parameters: parameters))
        #expect(event.accesses.map(\.action.description).contains(companion))
    }

    @Test func passingARoleNeedsPassRoleOnThatRole() throws {
        let event = try HostileRecordTests.event(HostileRecordTests.record(
            eventSource: "lambda.amazonaws.com", eventName: "CreateFunction20150331",
            parameters: #"{"functionName":"f","role":"arn:aws:iam::111122223333:role/fn*"}"#))
        let pass = try #require(event.accesses.first { $0.action == IAMAction("iam:PassRole") })
        #expect(pass.resource.text == "arn:aws:iam::111122223333:role/fn${*}")
    }

    @Test func withoutTheParameterNoCompanion() throws {
        let event = try HostileRecordTests.event(HostileRecordTests.record(eventSource: "ec2.amazonaws.com", eventName: "RunInstances",
                                                                           parameters: #"{"instanceType":"t3.micro"}"#))
        #expect(!event.accesses.map(\.action.description).contains("ec2:CreateTags"))
    }

    @Test func theShippedTableReads() throws {
        var map = try EventActionMap(tsv: "")
        #expect(throws: (any Error).self) { try map.readCompanions("ec2.amazonaws.com\tRunInstances\tx\tec2:CreateTags\tsomewhere\tS\n") }
        #expect(EventActionMap.shared.rule(eventSource: "lambda.amazonaws.com", eventName: "CreateFunction20150331").companions.count == 2)
    }
}

/// Fields that reach a policy through a condition or a catalog name are refused when they could widen it.
struct HostileIdentityTests {
    /// A principal ARN with `*` became an `ArnEquals aws:PrincipalArn` value, where `*` is a wildcard:
    /// one forged record granted every role of the account.
    @Test(arguments: ["arn:aws:iam::111122223333:role/*", "arn:aws:iam::111122223333:role/a?", "arn:aws:iam::1:role/${aws:username}",
                      "arn:aws:iam::1:role/a\u{1B}[2J"])
    func aPrincipalThatCouldBeAWildcardIsAReject(arn: String) throws {
        let text = HostileRecordTests.record(parameters: #"{"bucketName":"b","key":"k"}"#)
            .replacingOccurrences(of: #""arn":"arn:aws:iam::111122223333:role/app""#, with: "\"arn\":\(JSONString.quote(arn))")
        guard case .rejected(let code, _) = try HostileRecordTests.normalize(text) else {
            Issue.record("`\(arn)` was not rejected")
            return
        }
        #expect(code == .principalCharacters)
    }

    /// A Region named AWS-owned catalog buckets (`al2023-repos-REGION-…`): `*` made one a wildcard.
    @Test(arguments: ["*", "us-east-1*", "../x", "US EAST"])
    func aRegionThatCouldWidenACatalogBucketIsAReject(region: String) throws {
        let text = HostileRecordTests.record(parameters: #"{"bucketName":"b","key":"k"}"#)
            .replacingOccurrences(of: #""awsRegion":"us-east-1""#, with: "\"awsRegion\":\(JSONString.quote(region))")
        guard case .rejected(let code, _) = try HostileRecordTests.normalize(text) else {
            Issue.record("`\(region)` was not rejected")
            return
        }
        #expect(code == .awsRegionCharacters)
    }

    @Test func AWSInternalServicePrincipalsAreRead() throws {
        let text = HostileRecordTests.record(parameters: #"{"bucketName":"b","key":"k"}"#)
            .replacingOccurrences(of: #""type":"AssumedRole""#, with: #""type":"AWSService","invokedBy":"AWS Internal""#)
        guard case .event(let event) = try HostileRecordTests.normalize(text) else { Issue.record("not read"); return }
        #expect(event.principal.arn == "AWS Internal")
    }
}
