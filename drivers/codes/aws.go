package codes

import "github.com/skyhop/skyhop/drivers"

// Sources named in the rows.
const (
	srcFailover  = "failover.md §b"
	srcCloudAPIs = "cloud-apis.md §0"
	srcAppendix  = "user-needs.md appendix"
	// EC2 documents these as the StateReason codes of an instance that
	// ends during launch; drivers/aws strips the Server./Client. prefix.
	srcStateReasons = "EC2 instance state reasons"
)

// AWS is the EC2 error table. Classify on the API error's ErrorCode() (the
// Errors>Error>Code of the XML body, or errorSet[].errorCode inside a
// CreateFleet instant response) and the response's HTTP status; the message
// matters only for the rows that say so.
//
// Unknown EC2 errors are ClassUnknown at ScopeZone.
var AWS = NewTable("aws", drivers.ScopeZone, []Row{
	// Capacity.
	{Code: "InsufficientInstanceCapacity", Class: drivers.ClassCapacity, Scope: drivers.ScopeZone,
		Meaning: "no capacity for the instance type in that availability zone (HTTP 500)", Source: srcFailover},
	{Code: "InsufficientHostCapacity", Class: drivers.ClassCapacity, Scope: drivers.ScopeZone,
		Meaning: "no dedicated-host capacity in that availability zone", Source: srcCloudAPIs},
	{Code: "InsufficientCapacity", Class: drivers.ClassCapacity, Scope: drivers.ScopeZone,
		Meaning: "not enough capacity to fulfil the request", Source: srcCloudAPIs},
	{Code: "UnfulfillableCapacity", Class: drivers.ClassCapacity, Scope: drivers.ScopeZone,
		Meaning: "capacity cannot be fulfilled as requested (ambiguous: capacity or request shape)", Source: srcAppendix},

	// Launch-time state reasons (Server.X / Client.X of an instance that
	// ended while pending), classified by the code without its prefix.
	{Code: "SpotInstanceTermination", Class: drivers.ClassCapacity, Scope: drivers.ScopeZone,
		Meaning: "a spot instance reclaimed during its launch: no spot capacity in the zone", Source: srcStateReasons},

	// Unsupported.
	{Code: "Unsupported", Class: drivers.ClassUnsupported, Scope: drivers.ScopeZone,
		Meaning: "instance type not supported in the requested availability zone (HTTP 400)", Source: srcFailover},

	// Quota.
	{Code: "VcpuLimitExceeded", Class: drivers.ClassQuota, Scope: drivers.ScopeRegion,
		Meaning: "per-region vCPU quota of the instance family (on-demand and spot counted apart)", Source: srcFailover},
	{Code: "InstanceLimitExceeded", Class: drivers.ClassQuota, Scope: drivers.ScopeRegion,
		Meaning: "per-region on-demand instance limit", Source: srcFailover},
	{Code: "MaxSpotInstanceCountExceeded", Class: drivers.ClassQuota, Scope: drivers.ScopeRegion,
		Meaning: "per-region spot instance quota (blocks the spot market only)", Source: srcFailover},
	{Code: "MaxFleetCountExceeded", Class: drivers.ClassQuota, Scope: drivers.ScopeRegion,
		Meaning: "per-region fleet request quota", Source: srcAppendix},
	{Code: "VolumeLimitExceeded", Class: drivers.ClassQuota, Scope: drivers.ScopeRegion,
		Meaning: "EBS volume or storage quota of the region (launch-time state reason Client.VolumeLimitExceeded)", Source: srcStateReasons},

	// Permission: credentials and IAM.
	{Code: "UnauthorizedOperation", Class: drivers.ClassPermission, Scope: drivers.ScopeCloud,
		Meaning: "IAM or SCP denies the call (HTTP 403)", Source: srcFailover},
	{Code: "AuthFailure", Class: drivers.ClassPermission, Scope: drivers.ScopeCloud,
		Meaning: "credentials not valid (HTTP 401)", Source: srcCloudAPIs},
	{Code: "ExpiredToken", Class: drivers.ClassPermission, Scope: drivers.ScopeCloud,
		Meaning: "session token expired", Source: srcFailover},
	{Code: "ExpiredTokenException", Class: drivers.ClassPermission, Scope: drivers.ScopeCloud,
		Meaning: "session token expired", Source: srcFailover},
	{Code: "RequestExpired", Class: drivers.ClassPermission, Scope: drivers.ScopeCloud,
		Meaning: "request signature expired (credentials or clock)", Source: srcFailover},
	{Code: "InvalidClientTokenId", Class: drivers.ClassPermission, Scope: drivers.ScopeCloud,
		Meaning: "access key ID not valid", Source: srcFailover},
	{Code: "InvalidClientToken", Class: drivers.ClassPermission, Scope: drivers.ScopeCloud,
		Meaning: "security token not valid", Source: srcFailover},
	{Code: "AccessDenied", Class: drivers.ClassPermission, Scope: drivers.ScopeCloud,
		Meaning: "IAM denies a set-up call (instance profile, VPC, key pair)", Source: srcFailover},
	{Code: "AccessDeniedException", Class: drivers.ClassPermission, Scope: drivers.ScopeCloud,
		Meaning: "IAM denies a set-up call", Source: srcFailover},
	{Code: "OptInRequired", Class: drivers.ClassPermission, Scope: drivers.ScopeRegion,
		Meaning: "the account is not opted in to this region or service", Source: "EC2 error codes"},

	// Throttle and transient.
	{Code: "RequestLimitExceeded", Class: drivers.ClassThrottle,
		Meaning: "API rate limit (HTTP 503)", Source: srcFailover},
	{Code: "Throttling", Class: drivers.ClassThrottle,
		Meaning: "API rate limit (non-EC2 services)", Source: srcFailover},
	{Code: "ServerInternal", Class: drivers.ClassTransient,
		Meaning: "server fault", Source: srcFailover},
	{Code: "InternalError", Class: drivers.ClassTransient,
		Meaning: "server fault", Source: srcFailover},
	{Code: "ServiceUnavailable", Class: drivers.ClassTransient,
		Meaning: "service unavailable", Source: srcFailover},
	{Code: "Unavailable", Class: drivers.ClassTransient,
		Meaning: "server overloaded", Source: srcFailover},

	// Invalid: the request itself is wrong.
	{Code: "InvalidAMIID.NotFound", Class: drivers.ClassInvalid, Scope: drivers.ScopeRegion,
		Meaning: "the image does not exist in this region (images are regional)", Source: srcFailover},
	{Code: "InvalidAMIID.Malformed", Class: drivers.ClassInvalid, Scope: drivers.ScopeCloud,
		Meaning: "the image ID is malformed", Source: srcFailover},
	{Code: "InvalidParameterValue", Class: drivers.ClassInvalid, Scope: drivers.ScopeCloud,
		Meaning: "a request parameter is not valid (HTTP 400)", Source: srcFailover},
	{Code: "InvalidParameterCombination", Class: drivers.ClassInvalid, Scope: drivers.ScopeCloud,
		Meaning: "request parameters that cannot be used together", Source: srcFailover},
	{Code: "InvalidParameter", Class: drivers.ClassInvalid, Scope: drivers.ScopeCloud,
		Meaning: "a request parameter is not valid", Source: srcFailover},
	{Code: "IdempotentParameterMismatch", Class: drivers.ClassInvalid, Scope: drivers.ScopeCloud,
		Meaning: "a client token reused with different parameters (a client bug)", Source: srcAppendix},
})
