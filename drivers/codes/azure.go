package codes

import "github.com/skyhop/skyhop/drivers"

// Azure is the Azure Compute (ARM) error table. Classify on the
// ResponseError's ErrorCode together with its StatusCode and, for
// OperationNotAllowed, the message: the same code means a quota (409, the
// message names a quota) or throttling (429). A failed long-running
// operation arrives with status 200 and the operation's error code.
//
// Unknown Azure errors are ClassUnknown at ScopeRegion: Azure offerings are
// priced per region, and an unexplained failure says something about the
// region's deployment, not one zone.
var Azure = NewTable("azure", drivers.ScopeRegion, []Row{
	// Throttle and quota share OperationNotAllowed: the status and the
	// message tell them apart.
	{Code: "OperationNotAllowed", HTTPStatus: 429, Class: drivers.ClassThrottle,
		Meaning: "too many requests for the subscription (HTTP 429, Retry-After)", Source: srcCloudAPIs},
	{Code: "OperationNotAllowed", Message: "too many requests", Class: drivers.ClassThrottle,
		Meaning: "too many requests for the subscription", Source: srcCloudAPIs},
	{Code: "OperationNotAllowed", Message: "LowPriorityCores", Class: drivers.ClassQuota, Scope: drivers.ScopeRegion,
		Meaning: "spot (low-priority) cores quota of the region", Source: srcCloudAPIs},
	{Code: "OperationNotAllowed", Message: "quota", Class: drivers.ClassQuota, Scope: drivers.ScopeRegion,
		Meaning: "family or total regional cores quota (HTTP 409)", Source: srcFailover},
	{Code: "QuotaExceeded", Class: drivers.ClassQuota, Scope: drivers.ScopeRegion,
		Meaning: "quota exceeded", Source: srcFailover},
	{Code: "ResourceCountExceedsLimitDueToTemplate", Class: drivers.ClassQuota, Scope: drivers.ScopeRegion,
		Meaning: "too many resources of a kind (public IPs), often from leaks", Source: srcAppendix},

	// Capacity.
	{Code: "ZonalAllocationFailed", Class: drivers.ClassCapacity, Scope: drivers.ScopeZone,
		Meaning: "no capacity in the requested zone", Source: srcFailover},
	{Code: "OverconstrainedZonalAllocationRequest", Class: drivers.ClassCapacity, Scope: drivers.ScopeZone,
		Meaning: "zonal constraints cannot be met", Source: srcCloudAPIs},
	{Code: "AllocationFailed", Class: drivers.ClassCapacity, Scope: drivers.ScopeRegion,
		Meaning: "no capacity for the size in the region", Source: srcFailover},
	{Code: "OverconstrainedAllocationRequest", Class: drivers.ClassCapacity, Scope: drivers.ScopeRegion,
		Meaning: "constraints cannot be met in the region", Source: srcFailover},

	// Unsupported.
	{Code: "SkuNotAvailable", Class: drivers.ClassUnsupported, Scope: drivers.ScopeRegion,
		Meaning: "size restricted in the location for this subscription (HTTP 409)", Source: srcFailover},
	{Code: "NotAvailableForSubscription", Class: drivers.ClassUnsupported, Scope: drivers.ScopeRegion,
		Meaning: "size not available to this subscription", Source: srcAppendix},

	// Permission.
	{Code: "AuthorizationFailed", Class: drivers.ClassPermission, Scope: drivers.ScopeCloud,
		Meaning: "RBAC denies the caller (HTTP 403)", Source: srcFailover},
	{Code: "ClientAuthenticationError", Class: drivers.ClassPermission, Scope: drivers.ScopeCloud,
		Meaning: "login or token problem", Source: srcFailover},
	{Code: "ReadOnlyDisabledSubscription", Class: drivers.ClassPermission, Scope: drivers.ScopeCloud,
		Meaning: "the subscription is disabled or read-only", Source: srcFailover},
	{Code: "InvalidAuthenticationToken", Class: drivers.ClassPermission, Scope: drivers.ScopeCloud,
		Meaning: "the access token is not valid (HTTP 401)", Source: srcFailover},
	{Code: "ExpiredAuthenticationToken", Class: drivers.ClassPermission, Scope: drivers.ScopeCloud,
		Meaning: "the access token expired (HTTP 401)", Source: srcFailover},
	{Code: "AuthenticationFailed", Class: drivers.ClassPermission, Scope: drivers.ScopeCloud,
		Meaning: "authentication failed (HTTP 401)", Source: srcFailover},
	{Code: "SubscriptionNotFound", Class: drivers.ClassPermission, Scope: drivers.ScopeCloud,
		Meaning: "the subscription does not exist or is not visible to the caller", Source: srcFailover},

	// Throttle and transient.
	{Code: "TooManyRequests", Class: drivers.ClassThrottle,
		Meaning: "too many requests", Source: srcCloudAPIs},
	{Code: "InternalServerError", Class: drivers.ClassTransient,
		Meaning: "server fault (5xx)", Source: srcCloudAPIs},
	{Code: "InternalExecutionError", Class: drivers.ClassTransient,
		Meaning: "server fault during execution", Source: srcCloudAPIs},
	{Code: "ServiceUnavailable", Class: drivers.ClassTransient,
		Meaning: "service unavailable (503)", Source: srcCloudAPIs},
	{Code: "GatewayTimeout", Class: drivers.ClassTransient,
		Meaning: "gateway timeout (504)", Source: srcCloudAPIs},

	// Invalid.
	{Code: "InvalidParameter", Class: drivers.ClassInvalid, Scope: drivers.ScopeCloud,
		Meaning: "a request parameter is not valid (HTTP 400)", Source: srcFailover},
	{Code: "InvalidTemplateDeployment", Class: drivers.ClassInvalid, Scope: drivers.ScopeCloud,
		Meaning: "the deployment template is not valid", Source: srcFailover},
	{Code: "InvalidTemplate", Class: drivers.ClassInvalid, Scope: drivers.ScopeCloud,
		Meaning: "the deployment template is not valid", Source: srcFailover},
	{Code: "BadRequest", Class: drivers.ClassInvalid, Scope: drivers.ScopeCloud,
		Meaning: "the request is malformed (HTTP 400)", Source: srcFailover},

	// OperationNotAllowed with neither a quota nor a throttle: the operation
	// is not allowed in the resource's current state.
	{Code: "OperationNotAllowed", Class: drivers.ClassUnknown, Scope: drivers.ScopeRegion,
		Meaning: "operation not allowed for another reason (kept raw)", Source: srcFailover},
})
