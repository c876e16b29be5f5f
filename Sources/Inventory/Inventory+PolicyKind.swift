public import IAMPolicy

extension Inventory.Endpoint {
    /// How AWS evaluates the endpoint's policy: gateway and interface endpoints read an account principal
    /// differently. Gateway endpoints exist only for S3 and DynamoDB, so another service's is an interface;
    /// an S3 or DynamoDB endpoint of unknown type is evaluated as either (an account principal is unknown).
    public var policyKind: PolicyKind {
        switch type {
        case "Gateway": .gatewayEndpoint
        case "Interface": .interfaceEndpoint
        default: service.map { $0 == "s3" || $0 == "dynamodb" } == false ? .interfaceEndpoint : .endpoint
        }
    }
}
