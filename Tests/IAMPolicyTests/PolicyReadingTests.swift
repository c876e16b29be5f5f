import Testing
@testable import IAMPolicy
import AWSModel
import Foundation
import PerimeterTestSupport

struct PolicyReadingTests {
    static func read(_ text: String) throws(PolicyError) -> PolicyDocument { try PolicyReader.read(text) }

    @Test(arguments: [
        // (document, JSON path and message of the error)
        (#"{"Statement":[{"Effect":"allow","Action":"*","Resource":"*"}]}"#,
            #"Statement[0].Effect: expected "Allow" or "Deny", got "allow""#),
        (#"{"Statement":[{"Effect":"Allow","Resource":"*"}]}"#, "Statement[0]: missing `Action` or `NotAction`"),
        (#"{"Statement":[{"Effect":"Allow","Action":"*","NotAction":"s3:*"}]}"#,
            "Statement[0]: `Action` and `NotAction` cannot both be present"),
        (#"{"Statement":[{"Effect":"Allow","Action":"*","Principal":"everyone"}]}"#,
            #"Statement[0].Principal: expected "*" or an object, got "everyone""#),
        (#"{"Statement":[{"Effect":"Allow","Action":"*","Principal":{"Human":"x"}}]}"#,
            "Statement[0].Principal.Human: unknown principal type `Human`"),
        (#"{"Statement":[{"Effect":"Allow","Action":[1]}]}"#, "Statement[0].Action[0]: expected a string"),
        (#"{"Statement":{"Effect":"Allow","Action":"*","Condition":{"StringEquals":{"k":{"x":1}}}}}"#,
            "Statement.Condition.StringEquals.k: expected a string, number or boolean"),
        (#"{"Version":"2020-01-01","Statement":[]}"#, #"Version: expected "2012-10-17" or "2008-10-17", got "2020-01-01""#),
        (#"{"Statement":[{"Effect":"Allow","Action":"*","Resouce":"*"}]}"#, "Statement[0].Resouce: unknown element `Resouce`"),
        (#"{"Version":"2012-10-17""#, "malformed JSON at line 1, column 24: unexpected end of input inside an object"),
        (#"{"Policy":"{\"Statement\":[{\"Effect\":\"Deny\"}]}"}"#, "Statement[0]: missing `Action` or `NotAction`"),
    ])
    func malformedDocumentsGetLocatedErrors(text: String, message: String) {
        do {
            _ = try Self.read(text)
            Issue.record("expected an error")
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func readsGetBucketPolicyOutput() throws {
        let wrapped = #"""
            {"Policy": \#
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\#
            \"Resource\":\"arn:aws:s3:::b/*\"}]}"}
            """#
        let document = try Self.read(wrapped)
        #expect(document.statements.first?.action == .actions(["s3:GetObject"]))
    }

    @Test func readsEveryShape() throws {
        let document = try Self.read("""
            {"Statement":{"Sid":"S","Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::1:root","2"],"Service":"ec2.amazonaws.com"},
             "NotAction":"s3:Get*","NotResource":["arn:aws:s3:::b"],
             "Condition":{"NumericLessThan":{"s3:max-keys":10},"Bool":{"aws:SecureTransport":false},"StringLike":{"s3:prefix":["a/*",\
            "b/*"]}}}}
            """)
        let s = try #require(document.statements.first)
        #expect(s.effect == .deny)
        #expect(s.action == .notActions(["s3:Get*"]))
        #expect(s.resource == .notResources(["arn:aws:s3:::b"]))
        #expect(s.conditions.count == 3)
        #expect(s.conditions[0].values == [.number("10")])
        #expect(s.conditions[1].values == [.bool(false)])
    }

    @Test func writesInAWSElementOrderWithSingleValuesUnwrapped() throws {
        let document = try Self.read(#"""
            {"Statement":[{"Resource":["arn:aws:s3:::b"],"Action":["s3:GetObject","s3:PutObject"],"Effect":"Allow","Sid":"A",\#
            "Principal":"*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1"}}}],"Version":"2012-10-17"}
            """#)
        #expect(PolicyWriter.write(document) == """
            {
              "Version": "2012-10-17",
              "Statement": [
                {
                  "Sid": "A",
                  "Effect": "Allow",
                  "Principal": "*",
                  "Action": [
                    "s3:GetObject",
                    "s3:PutObject"
                  ],
                  "Resource": "arn:aws:s3:::b",
                  "Condition": {
                    "StringEquals": {
                      "aws:SourceVpce": "vpce-1"
                    }
                  }
                }
              ]
            }

            """)
    }

    @Test func fixturePoliciesRoundTrip() throws {
        for name in ["s3_endpoint_policy.json", "example-bucket-policies-vpc-endpoint.block00.json",
                     "example-bucket-policies-vpc-endpoint.block01.json", "vpc-endpoints-ddb.block00.json"] {
            try Self.roundTrip(TestSupport.fixture("policies/\(name)"))
        }
    }

    @Test(.enabled(if: TestSupport.sharedRealData != nil, "the shared real-data set (../shared/data/real) is absent"))
    func everyRealPolicyReadsAndRoundTrips() throws {
        let root = try #require(TestSupport.sharedRealData)
        let files = try FileManager.default.subpathsOfDirectory(atPath: root + "/policies").filter { $0.hasSuffix(".json") }.sorted()
        #expect(files.count > 60)
        for file in files {
            let path = root + "/policies/" + file
            if file.contains("invalid-json-as-published") {
                #expect(throws: PolicyError.self, "\(file)") { try Self.read(try String(contentsOfFile: path, encoding: .utf8)) }
            } else {
                try Self.roundTrip(path)
            }
        }
    }

    @Test func invalidJSONAsPublishedIsALocatedError() throws {
        let text = try String(contentsOfFile: TestSupport.fixture("policies/kms-vpc-endpoint.block08.json"), encoding: .utf8)
        #expect(throws: PolicyError.self) { try Self.read(text) }
        do { _ = try Self.read(text) } catch { #expect(error.message.hasPrefix("malformed JSON at line")) }
    }

    static func roundTrip(_ path: String) throws {
        let document = try PolicyReader.read(try String(contentsOfFile: path, encoding: .utf8))
        let written = PolicyWriter.write(document)
        let again = try PolicyReader.read(written)
        #expect(again == document, "\(path)")
        #expect(PolicyWriter.write(again) == written, "\(path)")
    }
}
