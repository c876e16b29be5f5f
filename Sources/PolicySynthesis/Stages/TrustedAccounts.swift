import AWSModel
import Inventory

/// Stage 1: which accounts are ours: given, else the organization's, else learned from the logs.
struct TrustedAccounts {
    var accounts: Set<AccountID>
    /// How they were found, for the report's assumptions.
    var assumption: Diagnostic
    /// True when the accounts were given or come from an organization file; false when learned from the logs.
    var given = true

    static func resolve(_ input: SynthesisInput) -> TrustedAccounts {
        let given = Set(input.options.trustedAccounts)
        let inventory = input.inventory
        if !given.isEmpty {
            return TrustedAccounts(accounts: given,
                assumption: Diagnostic(.trustedAccountsGiven, .note, "trusted accounts given: \(list(given))"))
        }
        if !inventory.accounts.isEmpty {
            return TrustedAccounts(accounts: inventory.accounts,
                                   assumption: Diagnostic(.trustedAccountsOrganization, .note,
                                                          """
                                                              trusted accounts are the organization's (\(list(inventory.accounts))), from \
                                                              \(value: "organizations list-accounts")
                                                              """))
        }
        // A `vpcEndpointAccountId` alone never makes an account trusted: AWS-managed endpoints carry AWS's.
        let learned = Set(input.observed.compactMap(\.recipientAccount) + inventory.endpoints.values.compactMap(\.owner))
            .filter(\.isNumeric)
        let said: Message = "no trusted accounts were given: assumed the endpoint owners and the accounts the logs were delivered to "
            + "(\(list(learned))); pass --trusted-account or an \(value: "organizations list-accounts") file to be exact"
        return TrustedAccounts(accounts: learned, assumption: Diagnostic(.trustedAccountsLearned, .warning, said), given: false)
    }

    static func list(_ accounts: Set<AccountID>) -> String { accounts.map(\.rawValue).sorted().joined(separator: ", ") }
}
