package codes

import "github.com/skyhop/skyhop/drivers"

// GCP is the Compute Engine error table. Classify a failed operation on each
// of its error.errors[].code (with the operation's httpErrorStatusCode), and
// a synchronous HTTP error on each errors[].reason (with the response
// status); never on the status alone, since 403 means permission, quota or
// rate limiting. Apply every entry of an operation's error list and keep the
// widest result.
//
// Unknown GCP errors are ClassUnknown at ScopeZone.
var GCP = NewTable("gcp", drivers.ScopeZone, []Row{
	// Quota, operation form (QUOTA_EXCEEDED, 403) and HTTP form
	// (reason quotaExceeded, 403). The global GPU quota reaches every region.
	{Code: "QUOTA_EXCEEDED", Message: "GPUS_ALL_REGIONS", Class: drivers.ClassQuota, Scope: drivers.ScopeCloud,
		Meaning: "global GPU quota (all regions)", Source: srcFailover},
	{Code: "QUOTA_EXCEEDED", Message: "globally", Class: drivers.ClassQuota, Scope: drivers.ScopeCloud,
		Meaning: "a global (project-wide) quota", Source: srcCloudAPIs},
	{Code: "QUOTA_EXCEEDED", Class: drivers.ClassQuota, Scope: drivers.ScopeRegion,
		Meaning: "regional quota (\"... in region X\")", Source: srcFailover},
	{Code: "quotaExceeded", Message: "GPUS_ALL_REGIONS", Class: drivers.ClassQuota, Scope: drivers.ScopeCloud,
		Meaning: "global GPU quota (all regions), rejected at once", Source: srcFailover},
	{Code: "quotaExceeded", Message: "globally", Class: drivers.ClassQuota, Scope: drivers.ScopeCloud,
		Meaning: "a global (project-wide) quota, rejected at once", Source: srcCloudAPIs},
	{Code: "quotaExceeded", Class: drivers.ClassQuota, Scope: drivers.ScopeRegion,
		Meaning: "regional quota, rejected at once", Source: srcFailover},
	{Code: "type.googleapis.com/google.rpc.QuotaFailure", Message: "in zone", Class: drivers.ClassQuota, Scope: drivers.ScopeZone,
		Meaning: "zonal quota (TPU)", Source: srcFailover},
	{Code: "type.googleapis.com/google.rpc.QuotaFailure", Class: drivers.ClassQuota, Scope: drivers.ScopeRegion,
		Meaning: "regional quota (TPU)", Source: srcFailover},

	// Capacity.
	{Code: "ZONE_RESOURCE_POOL_EXHAUSTED", Class: drivers.ClassCapacity, Scope: drivers.ScopeZone,
		Meaning: "zone out of capacity (operation error, HTTP 503)", Source: srcFailover},
	{Code: "ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS", Class: drivers.ClassCapacity, Scope: drivers.ScopeZone,
		Meaning: "zone out of capacity, with details (operation error, HTTP 503)", Source: srcFailover},
	{Code: "insufficientCapacity", Class: drivers.ClassCapacity, Scope: drivers.ScopeZone,
		Meaning: "zone out of capacity (HTTP error form)", Source: srcFailover},
	{Code: "UNSUPPORTED_OPERATION", Class: drivers.ClassCapacity, Scope: drivers.ScopeZone,
		Meaning: "seen when the VM is preempted while being created", Source: srcFailover},
	{Code: "8", Class: drivers.ClassCapacity, Scope: drivers.ScopeZone,
		Meaning: "TPU API: no capacity (RESOURCE_EXHAUSTED)", Source: srcFailover},
	{Code: "9", Class: drivers.ClassCapacity, Scope: drivers.ScopeZone,
		Meaning: "TPU API: no reserved capacity", Source: srcFailover},
	{Code: "3", Class: drivers.ClassCapacity, Scope: drivers.ScopeZone,
		Meaning: "TPU API: preempted during creation", Source: srcFailover},
	{Code: "IP_SPACE_EXHAUSTED", Class: drivers.ClassCapacity, Scope: drivers.ScopeRegion,
		Meaning: "the subnetwork has no free IP addresses (capacity-like, regional)", Source: srcAppendix},
	{Code: "IP_SPACE_EXHAUSTED_WITH_DETAILS", Class: drivers.ClassCapacity, Scope: drivers.ScopeRegion,
		Meaning: "the subnetwork has no free IP addresses (capacity-like, regional)", Source: srcAppendix},

	// Unsupported: the machine or accelerator type is not offered there.
	{Code: "MACHINE_TYPE_UNSUPPORTED", Class: drivers.ClassUnsupported, Scope: drivers.ScopeZone,
		Meaning: "machine type not offered in the zone", Source: srcAppendix},
	{Code: "invalid", Message: "does not exist in zone", Class: drivers.ClassUnsupported, Scope: drivers.ScopeZone,
		Meaning: "machine or accelerator type does not exist in the zone (HTTP 400 naming the field)", Source: srcCloudAPIs},

	// Permission.
	{Code: "forbidden", Message: "is not found or access is unauthorized", Class: drivers.ClassPermission, Scope: drivers.ScopeZone,
		Meaning: "the zone is not accessible to the project (HTTP 403)", Source: srcFailover},
	{Code: "forbidden", Class: drivers.ClassPermission, Scope: drivers.ScopeCloud,
		Meaning: "the caller lacks a permission (HTTP 403, PERMISSION_DENIED)", Source: srcCloudAPIs},
	{Code: "IAM_PERMISSION_DENIED", Class: drivers.ClassPermission, Scope: drivers.ScopeCloud,
		Meaning: "the service account lacks permissions", Source: srcFailover},
	{Code: "accessNotConfigured", Class: drivers.ClassPermission, Scope: drivers.ScopeCloud,
		Meaning: "the Compute API is not enabled in the project", Source: srcFailover},
	{Code: "authError", Class: drivers.ClassPermission, Scope: drivers.ScopeCloud,
		Meaning: "credentials not valid (HTTP 401)", Source: srcFailover},
	{Code: "invalid_grant", Class: drivers.ClassPermission, Scope: drivers.ScopeCloud,
		Meaning: "OAuth token refresh refused (credentials revoked or expired)", Source: srcFailover},
	{Code: "PERMISSION_DENIED", Class: drivers.ClassPermission, Scope: drivers.ScopeCloud,
		Meaning: "the caller lacks a permission (gRPC status form)", Source: srcCloudAPIs},

	// Throttle.
	{Code: "rateLimitExceeded", Class: drivers.ClassThrottle,
		Meaning: "API rate limit (HTTP 403 or 429)", Source: srcCloudAPIs},
	{Code: "userRateLimitExceeded", Class: drivers.ClassThrottle,
		Meaning: "per-user API rate limit", Source: srcCloudAPIs},
	{Code: "RESOURCE_EXHAUSTED", HTTPStatus: 429, Class: drivers.ClassThrottle,
		Meaning: "API rate limit (HTTP 429, gRPC status form)", Source: srcCloudAPIs},
	{Code: "RESOURCE_OPERATION_RATE_EXCEEDED", Class: drivers.ClassThrottle,
		Meaning: "per-resource operation rate limit; retry, then move on", Source: srcFailover},

	// Transient.
	{Code: "RESOURCE_NOT_READY", Class: drivers.ClassTransient,
		Meaning: "the resource is still changing state (e.g. STOPPING); retry, then move on", Source: srcFailover},
	{Code: "backendError", Class: drivers.ClassTransient,
		Meaning: "server fault (5xx)", Source: srcCloudAPIs},
	{Code: "internalError", Class: drivers.ClassTransient,
		Meaning: "server fault (5xx)", Source: srcCloudAPIs},

	// Unknown but recognised: kept raw, blocks the zone for this call only.
	{Code: "RESOURCE_NOT_FOUND", Class: drivers.ClassUnknown, Scope: drivers.ScopeZone,
		Meaning: "inner retries failed; not counted as capacity", Source: srcFailover},
	{Code: "VM_MIN_COUNT_NOT_REACHED", Class: drivers.ClassUnknown, Scope: drivers.ScopeZone,
		Meaning: "bulkInsert made fewer VMs than the minimum (a partial gang: tear down first)", Source: srcFailover},
	{Code: "TIMEOUT", Class: drivers.ClassUnknown, Scope: drivers.ScopeZone,
		Meaning: "the operation did not finish in time", Source: srcFailover},

	// Invalid: configuration or request problems.
	{Code: "VPC_NOT_FOUND", Class: drivers.ClassInvalid, Scope: drivers.ScopeCloud,
		Meaning: "the configured VPC does not exist (VPCs are global)", Source: srcFailover},
	{Code: "SUBNET_NOT_FOUND_FOR_VPC", Class: drivers.ClassInvalid, Scope: drivers.ScopeRegion,
		Meaning: "the VPC has no subnet in this region", Source: srcFailover},
	{Code: "invalid", Class: drivers.ClassInvalid, Scope: drivers.ScopeCloud,
		Meaning: "a request field is not valid (HTTP 400)", Source: srcCloudAPIs},
	{Code: "badRequest", Class: drivers.ClassInvalid, Scope: drivers.ScopeCloud,
		Meaning: "the request is malformed (HTTP 400)", Source: srcCloudAPIs},

	// Rows matched on the message alone (any code).
	{Message: "GPUS_ALL_REGIONS", Class: drivers.ClassQuota, Scope: drivers.ScopeCloud,
		Meaning: "global GPU quota named in a message without a code", Source: srcFailover},
	{Message: "Requested disk size cannot be smaller than the image size", Class: drivers.ClassInvalid, Scope: drivers.ScopeCloud,
		Meaning: "the disk is smaller than the image", Source: srcFailover},
	{Message: "Policy update access denied", Class: drivers.ClassPermission, Scope: drivers.ScopeCloud,
		Meaning: "the service account may not update IAM policy", Source: srcFailover},
	{Message: "is not found or access is unauthorized", Class: drivers.ClassPermission, Scope: drivers.ScopeZone,
		Meaning: "the zone is not accessible to the project", Source: srcFailover},
	{Message: "API has not been used in project", Class: drivers.ClassPermission, Scope: drivers.ScopeCloud,
		Meaning: "the Compute API is not enabled in the project", Source: srcFailover},
	{Message: "does not have enough resources available", Class: drivers.ClassCapacity, Scope: drivers.ScopeZone,
		Meaning: "zone out of capacity, named in the message only", Source: srcCloudAPIs},
})
