import Testing
@testable import AWSModel
import JSONTape

struct ARNTests {
    @Test(arguments: [
        ("arn:aws:s3:::bucket/key/with:colon", "s3", "", "", "bucket/key/with:colon"),
        ("arn:aws:dynamodb:us-east-1:111122223333:table/Music", "dynamodb", "us-east-1", "111122223333", "table/Music"),
        ("arn:aws:iam::111122223333:role/path/app", "iam", "", "111122223333", "role/path/app"),
    ])
    func parsesSixParts(text: String, service: String, region: String, account: String, resource: String) throws {
        let arn = try #require(ARN(text))
        #expect(arn.service == service && arn.region == region && arn.account == account && arn.resource == resource)
        #expect(arn.description == text)
    }

    @Test func rejectsNonARNs() {
        #expect(ARN("s3://bucket") == nil)
        #expect(ARN("arn:aws:s3") == nil)
    }

    @Test func s3Parts() {
        #expect(ARN("arn:aws:s3:::b/k/x")?.s3BucketName == "b")
        #expect(ARN("arn:aws:s3:::b/k/x")?.s3ObjectKey == "k/x")
        #expect(ARN("arn:aws:s3:::b")?.s3ObjectKey == nil)
    }
}

struct ResourceLiteralTests {
    /// A literal made from an ARN is the resource its escaped text would be: the given ARN is kept only
    /// when the text needed no escape (a logged `*` must stay escaped in the ARN's parts too).
    @Test(arguments: [
        ARN.s3Object(bucket: "acme-data", key: "reports/2026/11.csv", partition: "aws"),
        ARN.s3Object(bucket: "acme-data", key: "a*b?c$d", partition: "aws-cn"),
        ARN.s3Object(bucket: "acme:data", key: "k:with:colons", partition: "aws-us-gov"),
        ARN.s3Bucket("acme-data", partition: "aws"),
        ARN.s3Bucket("*", partition: "aws"),
        ARN.s3Object(bucket: "acme-data", key: "é/ü", partition: "aws"),
    ])
    func literalFromAnARNIsTheResourceOfItsEscapedText(arn: ARN) throws {
        let made = Resource(literal: arn)
        let parsed = Resource(policyText: PolicyText.literal(arn.description))
        #expect(made.text == parsed.text)
        #expect(made.arn == parsed.arn)
        #expect(made.arn?.resource == parsed.arn?.resource)
    }
}

struct IAMActionTests {
    @Test func equalityIgnoresCase() {
        #expect(IAMAction("s3:GetObject") == IAMAction("S3:getobject"))
        #expect(Set([IAMAction("s3:GetObject")!, IAMAction("s3:getObject")!]).count == 1)
        #expect(IAMAction("GetObject") == nil)
    }
}

struct TimestampTests {
    @Test(arguments: [
        ("1970-01-01T00:00:00Z", Int64(0)),
        ("2023-07-19T21:25:09Z", Int64(1_689_801_909)),
        ("2020-09-14T01:19:40.123Z", Int64(1_600_046_380)),
        ("2024-02-29T12:00:00Z", Int64(1_709_208_000)),
    ])
    func parsesISO8601(text: String, seconds: Int64) {
        #expect(Timestamp.parseISO8601(text) == seconds)
        #expect(Timestamp.parseISO8601(Timestamp.iso8601(seconds)) == seconds)
    }

    @Test func rejectsMalformedTimes() {
        #expect(Timestamp.parseISO8601("2023-13-01T00:00:00Z") == nil)
        #expect(Timestamp.parseISO8601("yesterday") == nil)
    }

    @Test func daysAreUTC() {
        #expect(Timestamp.day(1_689_801_909) == "2023-07-19")
        #expect(Timestamp.day(0) == "1970-01-01")
    }
}

struct JSONParserTests {
    @Test(arguments: [
        "{}", "[]", "{\"a\":[1,-2.5e3,true,false,null,\"x\"]}", " \n{\"nested\":{\"deep\":[[[]]]}}\n ",
        "\"\\u00e9\\n\\\"\"", "0", "-0.0",
    ])
    func acceptsValidJSON(text: String) throws {
        _ = try JSONParser.parse(Array(text.utf8))
    }

    @Test(arguments: [
        "{", "{\"a\" 1}", "{\"a\":1,}", "[1,]", "tru", "\"unterminated", "{\"a\":\"\\.\"}", "01x", "{} {}", "\"\u{01}\"", "-", "1.",
    ])
    func rejectsInvalidJSON(text: String) {
        #expect(throws: JSONSyntaxError.self) { _ = try JSONParser.parse(Array(text.utf8)) }
    }

    @Test func decodesEscapesAndSurrogatePairs() throws {
        let doc = try JSONParser.parse(Array(#"{"k":"a\"b\\c\/d\u00e9\ud83d\ude00\n"}"#.utf8))
        #expect(doc.values[0]["k"]?.string == "a\"b\\c/dé😀\n")
    }

    @Test func looksUpMembersAndElements() throws {
        let doc = try JSONParser.parse(Array(#"{"a":{"b":[1,{"c":"d"}]},"TableName":"T"}"#.utf8))
        let root = doc.values[0]
        #expect(root["a"]?["b"]?.elements.count == 2)
        #expect(root["a"]?["b"]?.elements[1]["c"]?.string == "d")
        #expect(root["missing"] == nil)
        #expect(root.member(caseInsensitive: "tableName")?.string == "T")
        #expect(root["a"]?["b"]?.elements[0].int64 == 1)
    }

    @Test func findsManyMembersInOnePassAsTheSubscriptDoes() throws {
        let doc = try JSONParser.parse(Array(#"{"b":1,"a":"x","b":2,"c\u0041":3,"abc":[true],"cA":4}"#.utf8))
        let root = doc.values[0]
        let names = ["a", "b", "abc", "cA", "missing", "z"]
        let fields = root.members(JSONKeys(names))
        for (slot, name) in names.enumerated() {
            #expect(fields[slot]?.offset == root[name]?.offset, "\(name)")
        }
        #expect(fields[1]?.rawText == "1")
        // `c\u0041` is `cA`: the first of the two, and a name given twice, as `b` is.
        #expect(fields[3]?.rawText == "3")
        #expect(fields.duplicate == 1)
        #expect(fields[4] == nil)
        #expect(doc.values[0]["abc"]?.elements.first?.members(JSONKeys(["a"]))[0] == nil)
    }

    /// Strings are skipped eight bytes at a time: a quote, backslash, control or multibyte character at
    /// every offset in and around a word is still seen where it is.
    @Test(arguments: [("\\\"", "\""), ("\\\\", "\\"), ("\\n", "\n"), ("\\u0041", "A"), ("é", "é"), ("\u{7f}", "\u{7f}"), ("~", "~")])
    func findsWhatEndsOrEscapesAStringAtEveryOffset(special: String, decoded: String) throws {
        for before in 0..<20 {
            for after in [0, 1, 7, 8, 9, 17] {
                let head = String(repeating: "a", count: before), tail = String(repeating: "z", count: after)
                let doc = try JSONParser.parse(Array("{\"k\":\"\(head)\(special)\(tail)\",\"n\":1}".utf8))
                #expect(doc.values[0]["k"]?.string == head + decoded + tail, "\(before) before, \(after) after")
                #expect(doc.values[0]["n"]?.int64 == 1)
            }
            let control = Array("[\"\(String(repeating: "a", count: before))\u{1f}bcdefghijklmnop\"]".utf8)
            #expect(throws: JSONSyntaxError.self, "a control character after \(before) bytes") { _ = try JSONParser.parse(control) }
            let open = Array("[\"\(String(repeating: "a", count: before))".utf8)
            #expect(throws: JSONSyntaxError.self, "unterminated after \(before) bytes") { _ = try JSONParser.parse(open) }
        }
    }

    @Test func stringBytesAreTheDecodedTextOfStringsOnly() throws {
        let doc = try JSONParser.parse(Array(#"{"plain":"abc","escaped":"a\u00e9\n","n":12,"o":{}}"#.utf8))
        let root = doc.value(0)
        func bytes(_ key: String) -> [UInt8]? { root[key]?.withStringBytes { Array($0) } }
        #expect(bytes("plain") == Array("abc".utf8))
        #expect(bytes("escaped") == Array("aé\n".utf8))
        #expect(bytes("n") == nil)
        #expect(bytes("o") == nil)
        #expect(root["plain"]?.isString == true && root["n"]?.isString == false)
        #expect(doc.value(0).offset == doc.values[0].offset)
    }

    @Test func sequenceResumesAtTheNextLineAfterAnError() {
        let text = "{\"a\":1}\n{\"b\":\n{\"c\":3}\n{bad}\n{\"d\":4}\n"
        let result = JSONParser.parseSequence(Array(text.utf8))
        #expect(result.document.values.count == 3)
        #expect(result.errors.count == 2)
    }
}

struct AmazonLinuxReleaseTests {
    @Test(arguments: [
        ("aws-sdk-java Linux/6.1.112-124.190.amzn2023.x86_64 OpenJDK_64-Bit_Server_VM", AmazonLinuxRelease.al2023),
        ("aws-cli/2 Python/3 Linux/5.10.226-214.880.amzn2.x86_64 exe/x86_64.amzn.2", .al2),
        ("aws-sdk-go Linux/4.14.355-1.amzn1.x86_64", .al1),
    ] as [(String, AmazonLinuxRelease)])
    func aUserAgentNamesItsRelease(agent: String, release: AmazonLinuxRelease) {
        #expect(AmazonLinuxRelease(userAgent: agent) == release)
    }

    @Test func otherSystemsNameNone() {
        #expect(AmazonLinuxRelease(userAgent: "aws-cli/2 Python/3 Linux/5.15.0-1051-aws Ubuntu") == nil)
    }
}

struct SortedByTextsTests {
    /// Values of few ranks, sorted by a text of their rank: in rank order, equal ranks in their order.
    @Test(arguments: [0, 1, 2, 17, 1000])
    func sortsByRankKeepingEqualValuesInOrder(count: Int) {
        var generator = SystemRandomNumberGenerator()
        let values = (0..<count).map { (rank: Int.random(in: 0..<max(1, count / 4), using: &generator), position: $0) }
        let sorted = values.sorted(byTexts: [{ String(repeating: "a", count: $0.rank) }])
        #expect(sorted.map(\.rank) == values.map(\.rank).sorted())
        for (a, b) in zip(sorted, sorted.dropFirst()) where a.rank == b.rank { #expect(a.position < b.position) }
    }

    /// Sources sorted by their ranked texts are in the order their `<` gives, ties and all: few distinct
    /// values per field, text that differs only in case, accents composed or not (equal as Strings).
    @Test func sourcesByTheirTextsAsByTheirOrder() {
        var generator = SystemRandomNumberGenerator()
        func pick(_ choices: [String]) -> String { choices.randomElement(using: &generator)! }
        let sources = (0..<2000).map { n in
            ObservedSource(endpoint: Bool.random(using: &generator) ? nil : VPCEndpointID(pick(["vpce-1", "vpce-2"])),
                           principalARN: pick(["arn:aws:iam::1:role/a", "arn:aws:iam::1:role/B", "arn:aws:iam::1:role/b"]),
                           sessionName: pick(["", "i-1", "caf\u{E9}", "cafe\u{301}"]),
                           sourceIP: pick(["10.0.0.1", "10.0.0.10", "10.0.0.2"]),
                           userAgent: pick(["aws-cli", "Boto3"]), count: Int64(n), firstSeen: 0, lastSeen: 0)
        }
        #expect(sources.sorted(byTexts: ObservedSource.orderTexts) == sources.sorted())
    }
}
