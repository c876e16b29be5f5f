/// One request group as the store hands it out: summed over its columns, in key order (endpoint,
/// principal, action, resource: an S3 bucket's keys together and sorted by their bytes). The resource
/// stays text until a group is made of it (``access``): most rows are summed under a pattern.
public struct AccessRow: Sendable {
    /// The store's number for the group's columns other than the resource, within one read: rows with
    /// the same number differ only in their resource.
    public var identity: Int
    /// The identity's columns, from its first row (its resource and sums are that row's, not this one's).
    public var columns: ObservedAccess
    /// The logged resource as policy text.
    public var resource: String
    /// Requests in the group.
    public var count: Int64
    /// Seconds since 1970 of the first and last request.
    public var firstSeen: Int64, lastSeen: Int64
    /// The least event id of the group's requests, nil when none was logged.
    public var sampleEventID: String?

    /// A row numbered `identity`.
    public init(identity: Int, columns: ObservedAccess, resource: String, count: Int64, firstSeen: Int64, lastSeen: Int64,
                sampleEventID: String?) {
        (self.identity, self.columns, self.resource) = (identity, columns, resource)
        (self.count, self.firstSeen, self.lastSeen, self.sampleEventID) = (count, firstSeen, lastSeen, sampleEventID)
    }

    /// The group of this row with `resource` (its own when nil) and its sums.
    public func access(resource pattern: String? = nil) -> ObservedAccess {
        var access = columns
        access.access.resource = Resource(policyText: pattern ?? resource)
        (access.count, access.firstSeen, access.lastSeen, access.sampleEventID) = (count, firstSeen, lastSeen, sampleEventID)
        access.generalized = pattern != nil
        return access
    }
}
