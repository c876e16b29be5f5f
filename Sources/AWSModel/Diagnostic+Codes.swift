/// Every diagnostic and reject code Perimeter emits, in one place. The raw values are stable outputs: the console,
/// `summary.json`, `--json`, SARIF and `perimeter rejects` show them, so a code is added here and never respelled
/// (`DiagnosticCodeTests` lists them all).
extension Diagnostic.Code {
    // MARK: A log record refused (a reject): the record is counted and skipped, the rest of its file is read.
    /// A record larger than the reader's limit.
    public static let recordTooLarge = Self(rawValue: "record-too-large")
    /// Text that is not JSON where a record should be.
    public static let malformedJSON = Self(rawValue: "malformed-json")
    /// A line of a JSON-lines export that holds no JSON event.
    public static let lineWithoutJSON = Self(rawValue: "line-without-json")
    /// An EventBridge event whose `detail` is not an object.
    public static let eventbridgeWithoutDetail = Self(rawValue: "eventbridge-without-detail")
    /// A CloudWatch Logs subscription whose `awslogs.data` does not read.
    public static let badSubscriptionData = Self(rawValue: "bad-subscription-data")
    /// A CloudTrail Lake row whose column names nest deeper than a record can.
    public static let lakeColumnTooDeep = Self(rawValue: "lake-column-too-deep")
    /// A CloudWatch Logs event without a message string.
    public static let eventWithoutMessage = Self(rawValue: "event-without-message")
    /// An event time far outside the time its file was delivered.
    public static let eventTimeOutsideDelivery = Self(rawValue: "event-time-outside-delivery")
    /// A record that is not a JSON object.
    public static let notAnObject = Self(rawValue: "not-an-object")
    /// A record that names one field twice.
    public static let duplicateKey = Self(rawValue: "duplicate-key")
    /// A record without `eventSource`.
    public static let missingEventSource = Self(rawValue: "missing-event-source")
    /// A record without `eventName`.
    public static let missingEventName = Self(rawValue: "missing-event-name")
    /// An `eventSource` with characters AWS does not use.
    public static let eventSourceCharacters = Self(rawValue: "event-source-characters")
    /// An `eventName` with characters AWS does not use.
    public static let eventNameCharacters = Self(rawValue: "event-name-characters")
    /// A `requestParameters.bucketName` holding a control character.
    public static let bucketNameCharacters = Self(rawValue: "bucket-name-characters")
    /// An S3 call's `requestParameters.bucketName` that is neither a bucket name nor an access point ARN.
    public static let bucketNameNotABucket = Self(rawValue: "bucket-name-not-a-bucket")
    /// A record without `eventTime`.
    public static let missingEventTime = Self(rawValue: "missing-event-time")
    /// An `eventTime` that is not a time.
    public static let malformedEventTime = Self(rawValue: "malformed-event-time")
    /// A `vpcEndpointId` that is not an id AWS issues.
    public static let badEndpointID = Self(rawValue: "bad-endpoint-id")
    /// An `awsRegion` that is not a Region name.
    public static let awsRegionCharacters = Self(rawValue: "aws-region-characters")
    /// A principal with characters IAM names do not use.
    public static let principalCharacters = Self(rawValue: "principal-characters")
    /// A flow log line longer than the reader's limit.
    public static let flowLineTooLong = Self(rawValue: "flow-line-too-long")
    /// A JSON flow log line that holds no flow log field.
    public static let flowNoFields = Self(rawValue: "flow-no-fields")
    /// A flow log line with more or fewer fields than its header.
    public static let flowFieldCount = Self(rawValue: "flow-field-count")
    /// A flow log field whose value is not of its kind.
    public static let flowBadValue = Self(rawValue: "flow-bad-value")
    /// An event id logged twice with different contents (the store keeps the first).
    public static let duplicateEventID = Self(rawValue: "duplicate-event-id")
    /// Rejects beyond a file's first few: counted, not stored.
    public static let notStored = Self(rawValue: "not-stored")

    // MARK: Reading the inventory.
    /// An inventory file that is not JSON.
    public static let inventoryNotJSON = Self(rawValue: "inventory-not-json")
    /// A YAML inventory file that does not read.
    public static let inventoryYAMLUnreadable = Self(rawValue: "inventory-yaml-unreadable")
    /// A file that is none of the inventory shapes Perimeter knows.
    public static let inventoryUnrecognized = Self(rawValue: "inventory-unrecognized")
    /// A policy in the inventory that does not read.
    public static let inventoryPolicyUnreadable = Self(rawValue: "inventory-policy-unreadable")
    /// An endpoint id in the inventory that is not one.
    public static let inventoryBadEndpointID = Self(rawValue: "inventory-bad-endpoint-id")
    /// An organizational unit, root or account id in the OU tree that is not one.
    public static let inventoryBadOrganizationID = Self(rawValue: "inventory-bad-organization-id")
    /// OU tree entries whose parent the output does not name: placed in no root or OU.
    public static let inventoryParentUnknown = Self(rawValue: "inventory-parent-unknown")
    /// Two inventory files that disagree (both sources are said).
    public static let inventoryConflict = Self(rawValue: "inventory-conflict")
    /// AWS CLI text output whose columns cannot be told apart.
    public static let inventoryTextAmbiguous = Self(rawValue: "inventory-text-ambiguous")
    /// AWS CLI text output that names no columns and holds a policy spanning lines.
    public static let inventoryTextUnsupported = Self(rawValue: "inventory-text-unsupported")
    /// Buckets listed with a canonical owner id, taken as an account's from the file name or the trusted account.
    public static let bucketOwnerInferred = Self(rawValue: "bucket-owner-inferred")
    /// Buckets listed with a canonical owner id no file name or account says the account of.
    public static let bucketOwnerUnknown = Self(rawValue: "bucket-owner-unknown")
    /// A CloudFormation endpoint whose id is known only once deployed.
    public static let cloudformationNotDeployed = Self(rawValue: "cloudformation-not-deployed")
    /// A CloudFormation value that needs an intrinsic function Perimeter does not resolve.
    public static let cloudformationUnresolved = Self(rawValue: "cloudformation-unresolved")
    /// A Terraform plan that would change a policy (the drafts are compared with the state in force).
    public static let terraformPlanChangesPolicy = Self(rawValue: "terraform-plan-changes-policy")
    /// A Terraform plan with no prior state: it gives no current policy.
    public static let terraformPlanWithoutState = Self(rawValue: "terraform-plan-without-state")

    // MARK: Evaluating a policy.
    /// A statement that is not valid IAM policy language.
    public static let invalidStatement = Self(rawValue: "invalid-statement")
    /// A statement Perimeter cannot evaluate (its outcome is unknown, never absent).
    public static let unevaluableStatement = Self(rawValue: "unevaluable-statement")
    /// An action the catalog does not know.
    public static let unknownAction = Self(rawValue: "unknown-action")
    /// A requested resource that is not an ARN.
    public static let resourceNotARN = Self(rawValue: "resource-not-arn")
    /// A condition key not given with `--context` (evaluated as absent).
    public static let keyNotGiven = Self(rawValue: "key-not-given")

    // MARK: Drafting.
    /// A resource kept exact: the current policy does not grant the wider pattern.
    public static let keptExact = Self(rawValue: "kept-exact")
    /// More key prefixes than the limit, generalized to the whole bucket.
    public static let prefixesToBucket = Self(rawValue: "prefixes-to-bucket")
    /// An access left out of a draft because today's policy already refuses it.
    public static let refusedByCurrent = Self(rawValue: "refused-by-current")
    /// A draft made coarser to fit the size limit.
    public static let coarsened = Self(rawValue: "coarsened")
    /// A draft over the size limit, even coarsened.
    public static let overSizeLimit = Self(rawValue: "over-size-limit")
    /// An endpoint that carried no authorized request in the window.
    public static let noLoggedUse = Self(rawValue: "no-logged-use")
    /// Access seen only in network activity events, kept with what other requests show.
    public static let networkActivityOnly = Self(rawValue: "network-activity-only")
    /// A draft statement that grants more than the policy in force.
    public static let grantExceedsCurrent = Self(rawValue: "grant-exceeds-current")
    /// A Deny of the current policy not kept as it was: the draft may refuse less than today.
    public static let grantUnprovable = Self(rawValue: "grant-unprovable")
    /// An endpoint first seen in the held-out days.
    public static let backtestNewEndpoint = Self(rawValue: "backtest-new-endpoint")
    /// Held-out requests the draft learned without them would refuse.
    public static let backtestRefused = Self(rawValue: "backtest-refused")
    /// The trusted accounts, as given.
    public static let trustedAccountsGiven = Self(rawValue: "trusted-accounts-given")
    /// The trusted accounts, learned from the logs alone.
    public static let trustedAccountsLearned = Self(rawValue: "trusted-accounts-learned")
    /// The trusted accounts, from the organization.
    public static let trustedAccountsOrganization = Self(rawValue: "trusted-accounts-organization")
    /// A partition in which the catalog documents no AWS-owned bucket.
    public static let awsOwnedUnknownInPartition = Self(rawValue: "aws-owned-unknown-in-partition")
    /// An endpoint the logs name and the inventory does not.
    public static let endpointNotInInventory = Self(rawValue: "endpoint-not-in-inventory")
    /// An endpoint not shown to be the user's: no draft, no lock answers it.
    public static let endpointNotShownYours = Self(rawValue: "endpoint-not-shown-yours")
    /// No organization id: conditions on the organization are unevaluable in the replay.
    public static let organizationUnknown = Self(rawValue: "organization-unknown")
    /// A bucket policy in the inventory that matches no bucket of the inventory or the logs.
    public static let policyMatchesNoBucket = Self(rawValue: "policy-matches-no-bucket")
    /// The assumption that logged requests were made over TLS (`aws:SecureTransport` true in the replay).
    public static let tlsAssumed = Self(rawValue: "tls-assumed")

    // MARK: The evidence a draft needs, missing or contradicted.
    /// A log file that could not be read.
    public static let fileNotRead = Self(rawValue: "file-not-read")
    /// No current policy in the inventory: AWS's default assumed.
    public static let currentPolicyAssumed = Self(rawValue: "current-policy-assumed")
    /// The current policy is not known.
    public static let currentPolicyUnknown = Self(rawValue: "current-policy-unknown")
    /// Request groups held for review, refused by the draft.
    public static let reviewItems = Self(rawValue: "review-items")
    /// Callers outside the expected endpoints that a lock would deny.
    public static let foreignException = Self(rawValue: "foreign-exception")
    /// An endpoint not shown to be the user's.
    public static let endpointNotYours = Self(rawValue: "endpoint-not-yours")
    /// A window shorter than the draft's kind needs.
    public static let shortHistory = Self(rawValue: "short-history")
    /// A logged request the draft would refuse.
    public static let replayFailed = Self(rawValue: "replay-failed")
    /// A draft that grants more than the policy in force.
    public static let grantCheckFailed = Self(rawValue: "grant-check-failed")
    /// A draft not shown to be within the policy in force.
    public static let grantCheckUnprovable = Self(rawValue: "grant-check-unprovable")
    /// Requests seen only in network activity events, whose resource is not visible.
    public static let resourceNotVisible = Self(rawValue: "resource-not-visible")
    /// No data events where the draft needs them.
    public static let dataEventsMissing = Self(rawValue: "data-events-missing")
    /// Object access CloudTrail cannot show.
    public static let objectAccessNotObservable = Self(rawValue: "object-access-not-observable")
    /// Flow coverage not checked.
    public static let coverageNotChecked = Self(rawValue: "coverage-not-checked")
    /// Traffic through the endpoint with no CloudTrail request through it.
    public static let coverageGap = Self(rawValue: "coverage-gap")
    /// Flow volume the logged requests do not explain.
    public static let unexplainedVolume = Self(rawValue: "unexplained-volume")
    /// No administrator path once the lock is applied.
    public static let noAdminPath = Self(rawValue: "no-admin-path")

    /// Every code above, in the order above.
    public static let all: [Self] = [
        .recordTooLarge, .malformedJSON, .lineWithoutJSON, .eventbridgeWithoutDetail, .badSubscriptionData, .lakeColumnTooDeep,
        .eventWithoutMessage, .eventTimeOutsideDelivery, .notAnObject, .duplicateKey, .missingEventSource, .missingEventName,
        .eventSourceCharacters, .eventNameCharacters, .bucketNameCharacters, .bucketNameNotABucket, .missingEventTime,
        .malformedEventTime, .badEndpointID, .awsRegionCharacters,
        .principalCharacters, .flowLineTooLong, .flowNoFields, .flowFieldCount, .flowBadValue, .duplicateEventID, .notStored,
        .inventoryNotJSON, .inventoryYAMLUnreadable, .inventoryUnrecognized, .inventoryPolicyUnreadable, .inventoryBadEndpointID,
        .inventoryBadOrganizationID, .inventoryParentUnknown, .inventoryConflict, .inventoryTextAmbiguous, .inventoryTextUnsupported,
        .bucketOwnerInferred, .bucketOwnerUnknown, .cloudformationNotDeployed, .cloudformationUnresolved,
        .terraformPlanChangesPolicy,
        .terraformPlanWithoutState, .invalidStatement, .unevaluableStatement, .unknownAction, .resourceNotARN, .keyNotGiven, .keptExact,
        .prefixesToBucket, .refusedByCurrent, .coarsened, .overSizeLimit, .noLoggedUse, .networkActivityOnly, .grantExceedsCurrent,
        .grantUnprovable, .backtestNewEndpoint, .backtestRefused, .trustedAccountsGiven, .trustedAccountsLearned,
        .trustedAccountsOrganization, .awsOwnedUnknownInPartition, .endpointNotInInventory, .endpointNotShownYours, .organizationUnknown,
        .policyMatchesNoBucket, .tlsAssumed, .fileNotRead, .currentPolicyAssumed, .currentPolicyUnknown, .reviewItems, .foreignException,
        .endpointNotYours, .shortHistory, .replayFailed, .grantCheckFailed, .grantCheckUnprovable, .resourceNotVisible,
        .dataEventsMissing, .objectAccessNotObservable, .coverageNotChecked, .coverageGap, .unexplainedVolume, .noAdminPath
    ]
}
