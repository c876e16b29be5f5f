import AWSModel
import Testing

/// The codes are stable outputs (summary.json, `--json`, SARIF, `perimeter rejects`): their spelling is pinned here.
struct DiagnosticCodeTests {
    static let spelled = [
        "record-too-large", "malformed-json", "line-without-json", "eventbridge-without-detail", "bad-subscription-data",
        "lake-column-too-deep", "event-without-message", "event-time-outside-delivery", "not-an-object", "duplicate-key",
        "missing-event-source", "missing-event-name", "event-source-characters", "event-name-characters", "bucket-name-characters",
        "bucket-name-not-a-bucket", "missing-event-time",
        "malformed-event-time", "bad-endpoint-id", "aws-region-characters", "principal-characters", "flow-line-too-long",
        "flow-no-fields", "flow-field-count", "flow-bad-value", "duplicate-event-id", "not-stored", "inventory-not-json",
        "inventory-yaml-unreadable", "inventory-unrecognized", "inventory-policy-unreadable", "inventory-bad-endpoint-id",
        "inventory-bad-organization-id", "inventory-parent-unknown", "inventory-conflict", "inventory-text-ambiguous",
        "inventory-text-unsupported", "bucket-owner-inferred", "bucket-owner-unknown",
        "cloudformation-not-deployed",
        "cloudformation-unresolved", "terraform-plan-changes-policy", "terraform-plan-without-state", "invalid-statement",
        "unevaluable-statement", "unknown-action", "resource-not-arn", "key-not-given", "kept-exact", "prefixes-to-bucket",
        "refused-by-current", "coarsened", "over-size-limit", "no-logged-use", "network-activity-only", "grant-exceeds-current",
        "grant-unprovable", "backtest-new-endpoint", "backtest-refused", "trusted-accounts-given", "trusted-accounts-learned",
        "trusted-accounts-organization", "aws-owned-unknown-in-partition", "endpoint-not-in-inventory", "endpoint-not-shown-yours",
        "organization-unknown", "policy-matches-no-bucket", "tls-assumed", "file-not-read", "current-policy-assumed",
        "current-policy-unknown", "review-items", "foreign-exception", "endpoint-not-yours", "short-history", "replay-failed",
        "grant-check-failed", "grant-check-unprovable", "resource-not-visible", "data-events-missing", "object-access-not-observable",
        "coverage-not-checked", "coverage-gap", "unexplained-volume", "no-admin-path"
    ]

    @Test func everyCodeKeepsItsSpelling() {
        #expect(Diagnostic.Code.all.map(\.rawValue) == Self.spelled)
    }

    @Test func noTwoCodesAreSpelledAlike() {
        #expect(Set(Diagnostic.Code.all).count == Diagnostic.Code.all.count)
    }

    @Test func codesAreLowercaseWordsJoinedByHyphens() {
        for code in Diagnostic.Code.all {
            #expect(code.rawValue.split(separator: "-").allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isLowercase || $0.isNumber } })
        }
    }
}
