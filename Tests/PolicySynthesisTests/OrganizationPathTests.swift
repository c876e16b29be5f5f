import Foundation
import Testing
@testable import PolicySynthesis
import AWSModel
import IAMPolicy
import PerimeterTestSupport
@testable import Inventory
@testable import Reporting

/// Issue 29: `aws:VpceOrgPaths` from the organization's OU tree (`list-organizational-units-for-parent`,
/// `list-accounts-for-parent`), and the output grouped by account and Region.
struct OrganizationPathTests {
    static let org = "o-testorg123"
    static let root = "r-ab12"
    static let workloads = "ou-ab12-wkld0001", prodUnit = "ou-ab12-prod0002", dataUnit = "ou-ab12-data0003"
    static let data = AccountID("555566667777"), management = AccountID("999988887777"), stray = AccountID("121212121212")

    /// The tree as the AWS CLI prints it, each listing under its `--parent-id`: Workloads under the root, Production and
    /// Data under Workloads; prod in Production, `data` in Data, `management` in the root; `stray` is in the
    /// organization but in no listing.
    static func files() -> [(path: String, text: String)] {
        func units(_ list: [(String, String)]) -> String {
            #"{"OrganizationalUnits": ["# + list.map { #"{"Id": "\#($0.0)", "Name": "\#($0.1)"}"# }.joined(separator: ",") + "]}"
        }
        func accounts(_ ids: [AccountID]) -> String {
            let arn = { (id: AccountID) in "arn:aws:organizations::\(management.rawValue):account/\(org)/\(id.rawValue)" }
            return #"{"Accounts": ["# + ids.map { #"{"Id": "\#($0.rawValue)", "Arn": "\#(arn($0))"}"# }.joined(separator: ",") + "]}"
        }
        return [
            ("inv/organizations-describe-organization.json",
             #"{"Organization": {"Id": "\#(org)", "MasterAccountId": "\#(management.rawValue)"}}"#),
            ("inv/organizations-list-roots.json", #"{"Roots": [{"Id": "\#(root)", "Name": "Root"}]}"#),
            ("inv/organizations-list-accounts.json", accounts([Fixture.prod, data, management, stray])),
            ("inv/organizations-list-organizational-units-for-parent-\(root).json", units([(workloads, "Workloads")])),
            ("inv/organizations-list-organizational-units-for-parent-\(workloads).json",
             units([(prodUnit, "Production"), (dataUnit, "Data")])),
            ("inv/organizations-list-accounts-for-parent-\(root).json", accounts([management])),
            ("inv/organizations-list-accounts-for-parent-\(prodUnit).json", accounts([Fixture.prod])),
            ("inv/organizations-list-accounts-for-parent-\(dataUnit).json", accounts([data])),
        ]
    }

    static func inventory(_ extra: [(path: String, text: String)] = []) -> Inventory {
        var inventory = InventoryReader.read(files() + extra)
        inventory.endpoints = Fixture.inventory().endpoints
        return inventory
    }

    @Test(arguments: [
        ("o-testorg123", "org", true), ("o-short", "org", false), ("o-UPPERCASE12", "org", false), ("o-testorg123/", "org", false),
        ("r-ab12", "root", true), ("r-ab1", "root", false), ("r-ab12*", "root", false), ("r-", "root", false),
        ("ou-ab12-prod0002", "unit", true), ("ou-ab12-prod", "unit", false), ("ou-ab12-prod0002-x", "unit", false),
        ("ou-ab12-prod*002", "unit", false), ("ou-ab12-../../x", "unit", false), ("ou-ab12-Prod0002", "unit", false),
        ("ou-examplerootid111-exampleouid111", "unit", true), ("ou-ab12-prod0002/", "unit", false),
    ])
    func organizationIDsHaveTheShapesTheOrganizationsAPIGives(id: String, kind: String, wellFormed: Bool) {
        let check = ["org": OrganizationTree.isOrganizationID, "root": OrganizationTree.isRootID, "unit": OrganizationTree.isUnitID][kind]!
        #expect(check(id) == wellFormed, "\(id)")
    }

    @Test func theAWSCLIExamplesPlaceTheirChildrenUnderTheParentTheirFileNames() throws {
        let names = ["organizations-list-accounts-for-parent-ou-examplerootid111-exampleouid111.json",
                     "organizations-list-organizational-units-for-parent-r-examplerootid111.json"]
        let files = try names.map {
            ("inventory/" + $0, try String(contentsOfFile: TestSupport.fixture("inventory/" + $0), encoding: .utf8))
        }
        // Membership comes from `list-accounts` alone: the listing of the whole organization names both accounts.
        let members = #"{"Accounts": [{"Id": "333333333333"}, {"Id": "444444444444"}]}"#
        let inventory = InventoryReader.read(files + [("inventory/organizations-list-accounts.json", members)])
        #expect(inventory.diagnostics.isEmpty, "\(inventory.diagnostics)")
        let tree = inventory.organizationTree
        #expect(tree.unitParents == ["ou-examplerootid111-exampleouid111": "r-examplerootid111",
                                     "ou-examplerootid111-exampleouid222": "r-examplerootid111"])
        #expect(tree.chain(of: AccountID("333333333333")) == ["r-examplerootid111", "ou-examplerootid111-exampleouid111"])
        #expect(OrganizationTree.path(tree.chain(of: AccountID("444444444444"))!, organization: "o-exampleorgid")
                    == "o-exampleorgid/r-examplerootid111/ou-examplerootid111-exampleouid111/")
        #expect(inventory.accounts == [AccountID("333333333333"), AccountID("444444444444")])
    }

    @Test(arguments: [
        // owners → the narrowest common unit (their lowest common ancestor), or the accounts not placed.
        ([Fixture.prod], OrganizationTree.Narrowest.chain([root, workloads, prodUnit])),
        ([Fixture.prod, data], .chain([root, workloads])),
        ([data], .chain([root, workloads, dataUnit])),
        ([Fixture.prod, management], .chain([root])),
        ([Fixture.prod, stray], .unplaced([stray])),
    ])
    func theLockTakesTheNarrowestUnitHoldingEveryOwner(owners: [AccountID], expected: OrganizationTree.Narrowest) {
        let inventory = Self.inventory()
        #expect(inventory.organizationTree.narrowest(holding: Set(owners), roots: inventory.organizationRoots) == expected)
    }

    /// The tester's case: an account the OU listings name but `list-accounts` does not (AWS would not count its
    /// endpoints in the organization) became a member, trusted, and counted under the OU its listing named.
    @Test(arguments: [
        "organizations-list-accounts-for-parent-\(dataUnit).json",
        "organizations-list-accounts-for-parent-\(root).json",
        "organizations-list-accounts-for-parent.json",
    ])
    func accountsFoundOnlyInTheOUTreeFilesBecomeTrusted(file: String) {
        let outsider = AccountID("246824682468")
        let text = #"{"Accounts": [{"Id": "\#(outsider.rawValue)", "Arn": "arn:aws:organizations::1:account/\#(Self.org)/x"}]}"#
        let path = "inv/more/" + file  // beside the tree's own listing of that parent
        let inventory = Self.inventory([(path, text)])
        #expect(!inventory.accounts.contains(outsider) && inventory.accounts.count == 4)
        #expect(inventory.organizationTree.chain(of: outsider) == nil)
        let run = Fixture.run([Fixture.access("s3:GetObject", "arn:aws:s3:::app-data/a.json")], inventory: inventory)
        #expect(!run.trustedAccounts.contains(outsider) && run.trustedAccounts.contains(Self.data))
        let said = inventory.diagnostics.filter { $0.message.description.contains(outsider.rawValue) }
        #expect(said.count == 1 && said.first?.location?.file == path, "\(inventory.diagnostics)")
        #expect(said.first?.message.description.contains("organizations list-accounts") == true)
        // Its endpoint and a member's: not the organization scope, and why names the account.
        let scoped = Self.decide([Self.data, outsider], inventory: inventory)
        #expect(scoped.scope != .org && scoped.why.description.contains(outsider.rawValue), "\(scoped.why.description)")
    }

    static func decide(_ owners: [AccountID], service: String = "s3", inventory: Inventory = inventory()) -> ScopedNetwork {
        let pairs = owners.enumerated().map { (VPCEndpointID("vpce-0\($0.offset)aa"), $0.element) }
        return ScopedNetwork.decide(.org, service: service, endpoints: pairs.map(\.0), owners: Dictionary(uniqueKeysWithValues: pairs),
                                    inventory: inventory, trusted: Set(owners), table: .shared)
    }

    @Test(arguments: [
        // owners, service → the key the lock uses, its value, and what the reason says.
        ([Fixture.prod, data], "s3", "aws:VpceOrgPaths", "o-testorg123/r-ab12/ou-ab12-wkld0001/*", "narrowest unit"),
        ([data], "s3", "aws:VpceOrgPaths", "o-testorg123/r-ab12/ou-ab12-wkld0001/ou-ab12-data0003/*", "ou-ab12-data0003"),
        ([Fixture.prod, management], "s3", "aws:VpceOrgID", "o-testorg123", "only the root `r-ab12`"),
        ([Fixture.prod, stray], "s3", "aws:VpceOrgID", "o-testorg123", "not assumed inside any OU"),
        // SES takes aws:VpceOrgID but the table lists no aws:VpceOrgPaths for it.
        ([Fixture.prod], "ses", "aws:VpceOrgID", "o-testorg123", "lists none for `ses`"),
    ])
    func orgLocksUseTheOUPathOnlyWhereTheTreePlacesEveryOwnerUnderOneOU(owners: [AccountID], service: String, key: String,
                                                                       value: String, why: String) {
        let scoped = Self.decide(owners, service: service)
        #expect(scoped.scope == .org)
        let op = key == "aws:VpceOrgPaths" ? "ForAllValues:StringNotLike" : "StringNotEquals"
        #expect(scoped.condition == Condition(op, key, [value]))
        #expect(scoped.why.description.contains(why), "\(scoped.why.description)")
    }

    @Test func anOrganizationIDNotOfAWSsShapeNeverBecomesAPathPattern() {
        var inventory = Self.inventory()
        inventory.organizationID = "o-*"   // as a forged account ARN (`account/o-*/…`) in list-accounts would set it
        let scoped = Self.decide([Fixture.prod], inventory: inventory)
        #expect(scoped.condition == Condition("StringNotEquals", "aws:VpceOrgID", ["o-*"]))
        #expect(scoped.why.description.contains("is not of AWS's shape"))
    }

    @Test(arguments: [
        // A forged or malformed listing: nothing in it is placed, and the file is named.
        ("inv/organizations-list-accounts-for-parent-ou-ab12-*.json", "accounts", "the file name gives the parent"),
        ("inv/organizations-list-accounts-for-parent-r-AB12.json", "accounts", "not a root id"),
        // Only the file's own name names the parent, never a folder on its path.
        ("inv/organizations-list-accounts-for-parent-ou-ab12-data0003/x.json", "accounts", ""),
        ("inv/more/organizations-list-organizational-units-for-parent-ou-ab12-wkld0001.json", "badunit",
         "is not an organizational unit id"),
        // Listed under a second parent: placed in neither.
        ("inv/zz/organizations-list-accounts-for-parent-ou-ab12-data0003.json", "accounts", "listed under two parents"),
        // An OU that does not carry its root's id cannot be under it.
        ("inv/organizations-list-organizational-units-for-parent-ou-ab12-prod0002.json", "foreignunit", ""),
    ])
    func aForgedOrMalformedOUFileIsRejectedNamingTheFile(path: String, content: String, said: String) {
        let text = switch content {
        case "accounts": #"{"Accounts": [{"Id": "\#(Fixture.prod.rawValue)"}]}"#
        case "badunit": #"{"OrganizationalUnits": [{"Id": "ou-ab12-*", "Name": "Everything"}]}"#
        default: #"{"OrganizationalUnits": [{"Id": "ou-zz99-evil0001", "Name": "Elsewhere"}]}"#
        }
        let extra: [(path: String, text: String)] = content == "foreignunit"
            ? [(path, text), ("inv/organizations-list-accounts-for-parent-ou-zz99-evil0001.json",
                              #"{"Accounts": [{"Id": "\#(Self.stray.rawValue)"}]}"#)]
            : [(path, text)]
        let inventory = Self.inventory(extra)
        if !said.isEmpty {
            #expect(inventory.diagnostics.contains { $0.location?.file == path && $0.message.description.contains(said) },
                    "\(inventory.diagnostics.map(\.message.description))")
        }
        #expect(!inventory.organizationTree.unitParents.keys.contains("ou-ab12-*"))
        // prod stays where the true listing put it, or (listed twice) nowhere; never under a forged parent.
        let chain = inventory.organizationTree.chain(of: Fixture.prod, roots: inventory.organizationRoots)
        #expect(chain == [Self.root, Self.workloads, Self.prodUnit] || (said.contains("two parents") && chain == nil))
        #expect(inventory.organizationTree.chain(of: Self.stray, roots: inventory.organizationRoots) == nil)
        let lock = Self.decide([Fixture.prod, Self.data], inventory: inventory)
        #expect(!lock.condition.values.map(\.text).contains { $0.contains("evil") || $0.contains("..") || $0.contains("ou-ab12-*") })
    }

    @Test func theReplaySetsTheOwnersPathSoAnOULockPassesItsOwnWindow() throws {
        var options = SynthesisOptions()
        options.lockScope = .org
        let lock = try #require(Fixture.run([Fixture.access("s3:GetObject", "arn:aws:s3:::app-data/a.json")], inventory: Self.inventory(),
                                            options: options).buckets.first)
        #expect(lock.draft.statements.flatMap(\.conditions).contains(
            Condition("ForAllValues:StringNotLike", "aws:VpceOrgPaths", ["o-testorg123/r-ab12/ou-ab12-wkld0001/ou-ab12-prod0002/*"])))
        #expect(lock.replay.passed && lock.replay.failures.isEmpty, "\(lock.replay)")
    }

    @Test(arguments: [
        // account, Region → the folder; only twelve digits and a Region-shaped name become folders.
        ("111122223333", "eu-west-1", "111122223333/eu-west-1/"),
        ("../../etc", "us-east-1", "account-unknown/us-east-1/"),
        ("111122223333/..", "us-east-1", "account-unknown/us-east-1/"),
        ("111122223333", "../../tmp", "111122223333/region-unknown/"),
        ("111122223333", "us-east-1/../../x", "111122223333/region-unknown/"),
        ("111122223333", "amazonaws", "111122223333/region-unknown/"),
        ("", "", "account-unknown/region-unknown/"),
    ])
    func aForgedAccountOrRegionCannotMakeAPath(account: String, region: String, folder: String) throws {
        #expect(ChangeFiles.folder(account: AccountID(account), region: region) == folder)
        let draft = ChangeFiles.Draft(kind: .endpoint(region: region), id: "vpce-0a1", verdict: .ready, reasons: [], currentSaved: true,
                                      draft: PolicyDocument(statements: []), account: AccountID(account))
        let other = ChangeFiles.Draft(kind: .endpoint(region: "ap-south-1"), id: "vpce-0b2", verdict: .ready, reasons: [],
                                      currentSaved: true, draft: PolicyDocument(statements: []), account: AccountID("444455556666"))
        let third = ChangeFiles.Draft(kind: .endpoint(region: "us-west-2"), id: "vpce-0c3", verdict: .ready, reasons: [],
                                      currentSaved: true, draft: PolicyDocument(statements: []), account: AccountID("777788889999"))
        for d in ChangeFiles.grouped([draft, other, third]) {
            for path in [d.file, d.current, d.diffFile] {
                let parts = try #require(OutputWriter.components(path), "\(path)")
                #expect(parts.count == 4 || parts.count == 5, "\(path)")
                #expect(!parts.contains("..") && parts.allSatisfy { !$0.contains("/") })
            }
        }
    }

    @Test func oneAccountAndRegionKeepsTheFlatLayout() {
        let draft = { (id: String, region: String, account: String) in
            ChangeFiles.Draft(kind: .endpoint(region: region), id: id, verdict: .ready, reasons: [], currentSaved: true,
                              draft: PolicyDocument(statements: []), account: AccountID(account))
        }
        let flat = ChangeFiles.grouped([draft("vpce-0a1", "us-east-1", "111122223333"), draft("vpce-0a2", "us-east-1", "111122223333")])
        #expect(flat.map(\.file) == ["endpoints/vpce-0a1.json", "endpoints/vpce-0a2.json"])
        #expect(flat.map(\.current) == ["current/endpoints/vpce-0a1.json", "current/endpoints/vpce-0a2.json"])
        let regions = ChangeFiles.grouped([draft("vpce-0a1", "us-east-1", "111122223333"), draft("vpce-0a2", "eu-west-1", "111122223333")])
        #expect(regions.map(\.file) == ["111122223333/us-east-1/endpoints/vpce-0a1.json", "111122223333/eu-west-1/endpoints/vpce-0a2.json"])
        #expect(regions[1].current == "111122223333/eu-west-1/current/endpoints/vpce-0a2.json")
        // One account's endpoints in one Region stay flat, its lock on another account's bucket too.
        var lock = draft("acme-logs", "", "444455556666")
        lock.kind = .bucket
        lock.bucketRegion = "us-east-1"
        let oneAccount = ChangeFiles.grouped([draft("vpce-0a1", "us-east-1", "111122223333"), lock])
        #expect(oneAccount.map(\.file) == ["endpoints/vpce-0a1.json", "buckets/acme-logs.json"])
    }
}
