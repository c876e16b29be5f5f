public import ArgumentParser
import AWSModel
import Foundation
public import IAMPolicy

extension PerimeterCommand {
    struct Evaluate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ask whether a policy allows one request, without calling AWS.",
            discussion: """
                Example: would this endpoint policy let role X write to bucket Y through vpce-Z? \
                perimeter evaluate --policy vpce.json --action s3:PutObject --resource arn:aws:s3:::Y/key \
                --principal arn:aws:iam::111122223333:role/X --context aws:SourceVpce=vpce-Z. \
                Exit 0 allow, 1 implicit or explicit deny, 2 unevaluable, 64 usage (including an unreadable policy).
                """)

        @Option(help: "The policy: a plain policy, get-bucket-policy output, or a PolicyDocument string.")
        var policy: String

        @Option(help: "The IAM action, e.g. s3:GetObject.")
        var action: String

        @Option(help: "The resource ARN.")
        var resource: String

        @Option(help: """
            Who asks: a user, role, assumed-role session or root ARN, an account id, a service name (ec2.amazonaws.com) or `anonymous`. \
            Also sets aws:PrincipalArn and aws:PrincipalAccount.
            """)
        var principal: String?

        @Option(name: .customLong("context"), help: "A condition key, KEY=VALUE; give a key more than once for several values.")
        var contextEntries: [String] = []

        @Option(help: """
            The policy's kind: resource (a bucket policy), interface-endpoint, gateway-endpoint (an account as principal \
            names only its root user), endpoint (an endpoint of unknown type) or identity (no Principal).
            """)
        var kind: PolicyKind = .resource

        @Flag(help: "Print the result as JSON.")
        var json = false

        func validate() throws {
            for entry in contextEntries where !entry.contains("=") {
                throw ValidationError("--context `\(entry)` is not KEY=VALUE")
            }
        }

        func run() async throws {
            let text: String
            do { text = try String(contentsOfFile: policy, encoding: .utf8) } catch {
                throw Terminal.fail("cannot read `\(policy)`: \(error.localizedDescription)", code: 64)
            }
            let document: PolicyDocument
            do { document = try PolicyReader.read(text) } catch {
                var located = error
                located.file = policy
                throw Terminal.fail(located.description, code: 64)
            }
            var keys: [String: [String]] = [:]
            for entry in contextEntries {
                let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                keys[String(parts[0]), default: []].append(String(parts[1]))
            }
            let context = RequestContext(action: action, resource: resource, principal: principal.map(RequestPrincipal.from), keys: keys)
            let compiled = CompiledPolicy(document, kind: kind)
            let result = compiled.evaluate(context)
            let unknown = document.statements.flatMap { ActionCatalog.shared.unknownActions(in: $0.action) }
            // The request itself may be mistyped: say so rather than answer about something else.
            var request: [Diagnostic] = []
            if let parsed = IAMAction(action), ActionCatalog.shared.covers(service: parsed.service), ActionCatalog.shared.entry(parsed)
                == nil {
                request.append(Diagnostic(.unknownAction, .warning, """
                    the requested action \(value: action) is not in the action catalog (a typo, or newer than the catalog)
                    """))
            }
            if resource != "*", ARN(resource) == nil {
                request.append(Diagnostic(.resourceNotARN, .warning, "the requested resource \(value: resource) is not an ARN"))
            }
            // Keys not given are absent from the request described: say which ones the policy tests.
            let tested = Set(document.statements.flatMap { $0.conditions.map(\.key) }).sorted()
            request += tested.filter { context.values($0) == nil }.map {
                Diagnostic(.keyNotGiven, .note, "\(value: $0) was not given with --context: evaluated as absent from the request")
            }
            let notes = (request + compiled.diagnostics + result.diagnostics
                + unknown.map {
                    Diagnostic(.unknownAction, .warning,
                    "\(value: $0) is not an action of the catalog (a typo, or newer than the catalog)") })
                .map(\.description)
            if json {
                struct Output: Encodable { var decision: String; var statements: [String]; var diagnostics: [String] }
                let output = Output(decision: result.decision.rawValue, statements: result.matchedStatements, diagnostics: notes)
                Terminal.out(lines: Terminal.lines(try Terminal.json(output)))
            } else {
                let by = result.matchedStatements.isEmpty ? "" : " by " + result.matchedStatements.joined(separator: ", ")
                Terminal.out("\(result.decision.rawValue)\(by)")
                for d in notes { Terminal.out("note: \(d)") }
            }
            switch result.decision {
            case .allow: return
            case .explicitDeny, .implicitDeny: throw ExitCode(1)
            case .unevaluable: throw ExitCode(2)
            }
        }
    }
}

extension PolicyKind: ExpressibleByArgument {}
