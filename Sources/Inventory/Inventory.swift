public import AWSModel
public import IAMPolicy

/// What users get from the AWS CLI about their environment: endpoints and their current policies,
/// the organization's accounts, their buckets and bucket policies.
public struct Inventory: Sendable {
    /// One VPC endpoint as `aws ec2 describe-vpc-endpoints` shows it.
    public struct Endpoint: Sendable, Hashable {
        /// The endpoint id.
        public var id: VPCEndpointID
        /// `Gateway`, `Interface` or `GatewayLoadBalancer`; nil when only the logs named the endpoint.
        public var type: String?
        /// `com.amazonaws.us-east-1.s3`.
        public var serviceName: String?
        /// The VPC the endpoint is in.
        public var vpcID: String?
        /// The account that owns the endpoint (`OwnerId`).
        public var owner: AccountID?
        /// The policy in force; nil when the inventory has none (the allow-all default is then assumed).
        public var policy: PolicyDocument?
        /// Private addresses of an interface endpoint's network interfaces.
        public var addresses: [String] = []
        /// Its `Name` tag, where the inventory gives tags: how people call the endpoint.
        public var name: String?
        /// Where the policy came from (`ec2-describe-vpc-endpoints.json`, a Terraform address, a
        /// CloudFormation logical id, an AWS Config item), for the report.
        public var policySource: String?
        /// The Terraform resource whose `policy` argument sets this endpoint's policy, when a state or plan
        /// read says so: a change goes there, never to a second resource.
        public var terraform: TerraformResource?

        /// An endpoint with what is known of it.
        public init(id: VPCEndpointID, type: String? = nil, serviceName: String? = nil, vpcID: String? = nil, owner: AccountID? = nil,
                    policy: PolicyDocument? = nil, addresses: [String] = []) {
            self.id = id
            self.type = type
            self.serviceName = serviceName
            self.vpcID = vpcID
            self.owner = owner
            self.policy = policy
            self.addresses = addresses
        }

        /// The Region part of the service name: its first part shaped as a Region (`us-east-1` in
        /// `com.amazonaws.us-east-1.s3`, `cn-north-1` in China's `cn.com.amazonaws.cn-north-1.s3`,
        /// `us-gov-west-1` in `com.amazonaws.us-gov-west-1.s3`); nil when no part is.
        public var region: String? {
            serviceName?.split(separator: ".").lazy.map(String.init).first(where: RegionName.isRegionShaped)
        }

        /// The service prefix (`s3`, `dynamodb`, `sqs`) the endpoint reaches.
        public var service: String? { serviceName?.split(separator: ".").last.map(String.init) }

        /// True for a gateway endpoint (S3, DynamoDB).
        public var isGateway: Bool { type == "Gateway" }

        /// What a person knows the endpoint by, beside its id: `app-s3 · s3 Gateway`; empty when the inventory
        /// says nothing of it.
        public var label: String {
            [name, [service, type].compactMap { $0 }.joined(separator: " ")].compactMap { $0 }.filter { !$0.isEmpty }
                .joined(separator: " · ")
        }
    }

    /// The endpoints by id.
    public var endpoints: [VPCEndpointID: Endpoint] = [:]
    /// Accounts of the organization (`organizations list-accounts`).
    public var accounts: Set<AccountID> = []
    /// The organization id (`o-…`), read from the account ARNs of `list-accounts`.
    public var organizationID: String?
    /// The organization's management account (`organizations describe-organization`): resource control
    /// policies do not restrict it.
    public var managementAccount: AccountID?
    /// The organization's roots (`organizations list-roots`) and organizational units by id, with their
    /// names (`list-organizational-units-for-parent`).
    public var organizationRoots: Set<String> = []
    public var organizationalUnits: [String: String] = [:]
    /// Which root or OU each OU and account is in (`list-organizational-units-for-parent`,
    /// `list-accounts-for-parent`): what an `aws:VpceOrgPaths` lock is built from.
    public var organizationTree = OrganizationTree()
    /// Whether each endpoint service takes an endpoint policy, by service name
    /// (`VpcEndpointPolicySupported` in `ec2 describe-vpc-endpoint-services`).
    public var endpointPolicySupported: [String: Bool] = [:]
    /// Buckets by owner account (`s3api list-buckets`, one file per account).
    public var buckets: [String: AccountID] = [:]
    /// Each bucket's Region where the listing gives it (`list-buckets`' `BucketRegion`): what tells its partition.
    public var bucketRegions: [String: String] = [:]
    /// Current bucket policies by bucket name.
    public var bucketPolicies: [String: PolicyDocument] = [:]
    /// Where each bucket policy came from, by bucket name (as for ``Endpoint/policySource``), and the
    /// file that declared a bucket has none.
    public var bucketPolicySources: [String: String] = [:]
    /// Buckets the inventory declares have no policy: an empty `get-bucket-policy` export, or its saved
    /// `NoSuchBucketPolicy` error. Their current policy is known to be none.
    public var bucketsWithoutPolicy: Set<String> = []
    /// The Terraform resource whose `policy` argument sets each bucket's policy, by bucket name.
    public var terraformBucketPolicies: [String: TerraformResource] = [:]
    /// Problems met while reading (a file not recognized, a policy that does not read), for the report.
    public var diagnostics: [Diagnostic] = []

    /// An empty inventory: nothing known beyond the logs.
    public init() {}
}
