package codes

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/skyhop/skyhop/drivers"
)

// Every row must be reachable: classifying its own code, status and message
// must return that row, not an earlier, more general one.
func TestEveryRowReachable(t *testing.T) {
	for _, tab := range Tables() {
		for i, r := range tab.Rows() {
			name := fmt.Sprintf("%s/%d/%s/%d/%s", tab.Cloud(), i, r.Code, r.HTTPStatus, r.Message)
			t.Run(name, func(t *testing.T) {
				got, ok := tab.Lookup(r.Code, r.HTTPStatus, r.Message)
				if !ok {
					t.Fatalf("Lookup(%q, %d, %q) found nothing", r.Code, r.HTTPStatus, r.Message)
				}
				if got != r {
					t.Fatalf("row is shadowed by %+v", got)
				}
				c, s := tab.Classify(r.Code, r.HTTPStatus, r.Message)
				if c != r.Class || s != r.Scope {
					t.Fatalf("Classify = %v/%v, want %v/%v", c, s, r.Class, r.Scope)
				}
				if s == drivers.ScopeDefault && r.Class.DefaultScope() != drivers.ScopeDefault {
					t.Fatalf("row %v has no effective scope", r)
				}
				if r.Meaning == "" || r.Source == "" {
					t.Fatalf("row %v lacks Meaning or Source", r)
				}
			})
		}
	}
}

// The classification of every signal named in failover.md §b (Recommended
// column), cloud-apis.md §0, and the user-needs appendix, with the payloads
// those documents quote.
func TestClassify(t *testing.T) {
	const (
		zone    = drivers.ScopeZone
		region  = drivers.ScopeRegion
		cloud   = drivers.ScopeCloud
		none    = drivers.ScopeDefault
		capac   = drivers.ClassCapacity
		quota   = drivers.ClassQuota
		perm    = drivers.ClassPermission
		unsupp  = drivers.ClassUnsupported
		invalid = drivers.ClassInvalid
		thr     = drivers.ClassThrottle
		trans   = drivers.ClassTransient
		unknown = drivers.ClassUnknown
	)
	tests := []struct {
		cloud  string
		code   string
		status int
		msg    string
		class  drivers.Class
		scope  drivers.Scope
	}{
		// AWS, failover.md §b.
		{"aws", "ExpiredToken", 400, "The security token included in the request is expired", perm, cloud},
		{"aws", "ExpiredTokenException", 400, "", perm, cloud},
		{"aws", "RequestExpired", 400, "Request has expired.", perm, cloud},
		{"aws", "InvalidClientTokenId", 403, "The security token included in the request is invalid.", perm, cloud},
		{"aws", "InvalidClientToken", 400, "", perm, cloud},
		{"aws", "AccessDenied", 403, "User is not authorized to perform: iam:GetInstanceProfile", perm, cloud},
		{"aws", "AccessDeniedException", 400, "", perm, cloud},
		{"aws", "RequestLimitExceeded", 503, "Request limit exceeded.", thr, none},
		{"aws", "ServerInternal", 500, "", trans, none},
		{"aws", "ServiceUnavailable", 503, "", trans, none},
		{"aws", "InternalError", 500, "An internal error has occurred", trans, none},
		{"aws", "Unavailable", 503, "", trans, none},
		{"aws", "InsufficientInstanceCapacity", 500, "We currently do not have sufficient p5.48xlarge capacity in the Availability Zone you requested (us-east-1a). Our system will be working on provisioning additional capacity. You can currently get p5.48xlarge capacity by not specifying an Availability Zone in your request or choosing us-east-1b, us-east-1c.", capac, zone},
		{"aws", "InsufficientInstanceCapacity", 200, "There is no Spot capacity available that matches your request.", capac, zone},
		{"aws", "Unsupported", 400, "Your requested instance type (p4d.24xlarge) is not supported in your requested Availability Zone (us-east-1e).", unsupp, zone},
		{"aws", "InstanceLimitExceeded", 400, "You have requested more instances (2) than your current instance limit of 1 allows", quota, region},
		{"aws", "VcpuLimitExceeded", 400, "You have requested more vCPU capacity than your current vCPU limit of 0 allows for the instance bucket that the specified instance type belongs to.", quota, region},
		{"aws", "MaxSpotInstanceCountExceeded", 400, "Max spot instance count exceeded", quota, region},
		{"aws", "InvalidParameterValue", 400, "Value (skyhop-profile) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name", invalid, cloud},
		{"aws", "InvalidParameterCombination", 400, "", invalid, cloud},
		{"aws", "InvalidAMIID.NotFound", 400, "The image id '[ami-0123]' does not exist", invalid, region},
		{"aws", "UnauthorizedOperation", 403, "You are not authorized to perform this operation. Encoded authorization failure message: abc", perm, cloud},
		{"aws", "SomethingNew", 400, "a new error", unknown, zone},
		// AWS, cloud-apis.md §0.
		{"aws", "InsufficientHostCapacity", 500, "", capac, zone},
		{"aws", "InsufficientCapacity", 503, "", capac, zone},
		{"aws", "AuthFailure", 401, "AWS was not able to validate the provided access credentials", perm, cloud},
		// AWS, appendix.
		{"aws", "UnfulfillableCapacity", 400, "", capac, zone},
		{"aws", "MaxFleetCountExceeded", 400, "", quota, region},
		{"aws", "IdempotentParameterMismatch", 400, "", invalid, cloud},

		// GCP, failover.md §b.
		{"gcp", "QUOTA_EXCEEDED", 403, "Quota 'GPUS_ALL_REGIONS' exceeded.  Limit: 0.0 globally.", quota, cloud},
		{"gcp", "quotaExceeded", 403, "Quota 'GPUS_ALL_REGIONS' exceeded.  Limit: 0.0 globally.", quota, cloud},
		{"gcp", "QUOTA_EXCEEDED", 403, "Quota 'NVIDIA_H100_GPUS' exceeded.  Limit: 0.0 in region us-central1.", quota, region},
		{"gcp", "quotaExceeded", 403, "Quota 'CPUS' exceeded.  Limit: 24.0 in region us-west1.", quota, region},
		{"gcp", "ZONE_RESOURCE_POOL_EXHAUSTED", 503, "The zone 'projects/proj-1/zones/us-central1-a' does not have enough resources available to fulfill the request.  Try a different zone, or try again later.", capac, zone},
		{"gcp", "ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS", 503, "The zone 'projects/proj-1/zones/us-central1-a' does not have enough resources available to fulfill the request.  '(resource type:compute)'.", capac, zone},
		{"gcp", "UNSUPPORTED_OPERATION", 400, "", capac, zone},
		{"gcp", "insufficientCapacity", 503, "", capac, zone},
		{"gcp", "RESOURCE_NOT_READY", 400, "The resource 'projects/p/zones/z/instances/vm-1' is not ready", trans, none},
		{"gcp", "RESOURCE_OPERATION_RATE_EXCEEDED", 403, "", thr, none},
		{"gcp", "3", 0, "", capac, zone},
		{"gcp", "8", 0, "There is no more capacity in the zone", capac, zone},
		{"gcp", "9", 0, "", capac, zone},
		{"gcp", "RESOURCE_NOT_FOUND", 404, "", unknown, zone},
		{"gcp", "VPC_NOT_FOUND", 400, "", invalid, cloud},
		{"gcp", "SUBNET_NOT_FOUND_FOR_VPC", 400, "", invalid, region},
		{"gcp", "type.googleapis.com/google.rpc.QuotaFailure", 0, "Quota limit 'TPUV4sPodPerProjectPerRegionForTPUAPI' exceeded in region us-central2", quota, region},
		{"gcp", "type.googleapis.com/google.rpc.QuotaFailure", 0, "Quota limit exceeded in zone us-central2-b", quota, zone},
		{"gcp", "", 400, "Requested disk size cannot be smaller than the image size (50 GB)", invalid, cloud},
		{"gcp", "IAM_PERMISSION_DENIED", 403, "", perm, cloud},
		{"gcp", "", 403, "Policy update access denied.", perm, cloud},
		{"gcp", "forbidden", 403, "The resource 'projects/p/zones/asia-east1-c' is not found or access is unauthorized", perm, zone},
		{"gcp", "", 403, "Zone 'projects/p/zones/x-1' is not found or access is unauthorized", perm, zone},
		{"gcp", "VM_MIN_COUNT_NOT_REACHED", 0, "", unknown, zone},
		{"gcp", "TIMEOUT", 0, "", unknown, zone},
		{"gcp", "accessNotConfigured", 403, "Compute Engine API has not been used in project 123 before or it is disabled.", perm, cloud},
		{"gcp", "", 403, "Compute Engine API has not been used in project 123 before or it is disabled.", perm, cloud},
		{"gcp", "authError", 401, "Invalid Credentials", perm, cloud},
		{"gcp", "invalid_grant", 0, "", perm, cloud},
		// GCP, cloud-apis.md §0 and §2.3.
		{"gcp", "forbidden", 403, "Required 'compute.instances.create' permission for 'projects/proj-1/zones/us-east1-d/instances/vm-1'", perm, cloud},
		{"gcp", "rateLimitExceeded", 429, "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute' of service 'compute.googleapis.com'", thr, none},
		{"gcp", "rateLimitExceeded", 403, "", thr, none},
		{"gcp", "RESOURCE_EXHAUSTED", 429, "", thr, none},
		{"gcp", "backendError", 503, "", trans, none},
		{"gcp", "invalid", 400, "Invalid value for field 'resource.name': 'VM_1'. Must be a match of regex '(?:[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?)'", invalid, cloud},
		{"gcp", "invalid", 400, "Invalid value for field 'resource.machineType': 'zones/us-west1-c/machineTypes/a2-highgpu-1g'. Machine type with name 'a2-highgpu-1g' does not exist in zone 'us-west1-c'.", unsupp, zone},
		{"gcp", "alreadyExists", 409, "The resource 'projects/p/zones/z/instances/vm-1' already exists", unknown, zone},
		// GCP, appendix.
		{"gcp", "QUOTA_EXCEEDED", 403, "Quota 'SSD_TOTAL_GB' exceeded.  Limit: 500.0 in region us-east1.", quota, region},
		{"gcp", "QUOTA_EXCEEDED", 403, "Quota 'NETWORKS' exceeded.  Limit: 5.0 globally.", quota, cloud},
		{"gcp", "MACHINE_TYPE_UNSUPPORTED", 400, "", unsupp, zone},
		{"gcp", "IP_SPACE_EXHAUSTED", 0, "IP space of 'projects/p/regions/us-central1/subnetworks/default' is exhausted", capac, region},
		{"gcp", "", 0, "The zone 'projects/p/zones/us-east1-b' does not have enough resources available to fulfill the request.", capac, zone},

		// Azure, failover.md §b.
		{"azure", "ReadOnlyDisabledSubscription", 409, "", perm, cloud},
		{"azure", "ClientAuthenticationError", 0, "", perm, cloud},
		{"azure", "SkuNotAvailable", 409, "The requested VM size for resource 'Following SKUs have failed for Capacity Restrictions: Standard_NC24ads_A100_v4' is currently not available in location 'eastus'. Please try another size or deploy to a different location or different zone. See https://aka.ms/azureskunotavailable for details.", unsupp, region},
		{"azure", "AllocationFailed", 200, "Allocation failed. We do not have sufficient capacity for the requested VM size in this region.", capac, region},
		{"azure", "ZonalAllocationFailed", 200, "Allocation failed. We do not have sufficient capacity for the requested VM size in this zone.", capac, zone},
		{"azure", "OverconstrainedAllocationRequest", 200, "Allocation failed. VM(s) with the following constraints cannot be allocated, because the condition is too restrictive.", capac, region},
		{"azure", "QuotaExceeded", 409, "", quota, region},
		{"azure", "OperationNotAllowed", 409, "Operation could not be completed as it results in exceeding approved standardNCADSA100v4Family Cores quota. Additional details - Deployment Model: Resource Manager, Location: eastus, Current Limit: 0, Current Usage: 0, Additional Required: 24, (Minimum) New Limit Required: 24.", quota, region},
		{"azure", "OperationNotAllowed", 409, "Operation could not be completed as it results in exceeding approved Total Regional Cores quota.", quota, region},
		{"azure", "OperationNotAllowed", 409, "Operation results in exceeding quota limits of Core. Maximum allowed: 0, Current in use: 0, Additional requested: 24. LowPriorityCores", quota, region},
		{"azure", "AuthorizationFailed", 403, "The client 'x' with object id 'y' does not have authorization to perform action 'Microsoft.Compute/virtualMachines/write' over scope 'z' or the scope is invalid.", perm, cloud},
		{"azure", "InvalidParameter", 400, "", invalid, cloud},
		{"azure", "InvalidTemplateDeployment", 400, "", invalid, cloud},
		{"azure", "SomethingElse", 409, "", unknown, region},
		// Azure, cloud-apis.md §0 and §3.3.
		{"azure", "OperationNotAllowed", 429, "The server rejected the request because too many requests have been received for this subscription.", thr, none},
		{"azure", "OperationNotAllowed", 429, "", thr, none},
		{"azure", "OverconstrainedZonalAllocationRequest", 200, "", capac, zone},
		{"azure", "OperationNotAllowed", 409, "Operation 'start' is not allowed since the VM is marked for deletion.", unknown, region},
		{"azure", "InternalServerError", 500, "", trans, none},
		// Azure, appendix.
		{"azure", "NotAvailableForSubscription", 409, "", unsupp, region},
		{"azure", "ResourceCountExceedsLimitDueToTemplate", 400, "", quota, region},

		// Status fallbacks for unknown codes.
		{"aws", "Weird", 500, "", trans, none},
		{"gcp", "", 502, "", trans, none},
		{"azure", "Weird", 504, "", trans, none},
		{"aws", "Weird", 429, "", thr, none},
		{"gcp", "Weird", 408, "", trans, none},
		{"azure", "Weird", 401, "", perm, cloud},
		{"gcp", "Weird", 403, "", unknown, zone}, // never on the 403 alone
		{"aws", "", 0, "", unknown, zone},
		// Codes match case-insensitively when no exact row exists.
		{"aws", "insufficientinstancecapacity", 500, "", capac, zone},
		{"azure", "skunotavailable", 409, "", unsupp, region},
	}
	for _, tt := range tests {
		t.Run(tt.cloud+"/"+tt.code+"/"+fmt.Sprint(tt.status), func(t *testing.T) {
			tab := For(tt.cloud)
			c, s := tab.Classify(tt.code, tt.status, tt.msg)
			if c != tt.class || s != tt.scope {
				t.Errorf("%s.Classify(%q, %d, %q) = %v/%v, want %v/%v", tt.cloud, tt.code, tt.status, tt.msg, c, s, tt.class, tt.scope)
			}
		})
	}
}

func TestUnknownIsNeverCapacity(t *testing.T) {
	for _, tab := range Tables() {
		for _, status := range []int{0, 200, 400, 403, 404, 409, 412} {
			for _, code := range []string{"", "Nope", "NOT_A_CODE", "capacity", "Insufficient"} {
				c, s := tab.Classify(code, status, "some unexplained failure")
				if c != drivers.ClassUnknown || s != tab.UnknownScope() {
					t.Errorf("%s.Classify(%q, %d) = %v/%v, want unknown/%v", tab.Cloud(), code, status, c, s, tab.UnknownScope())
				}
			}
		}
	}
}

func TestFor(t *testing.T) {
	for _, tt := range []struct {
		cloud string
		want  *Table
	}{{"aws", AWS}, {"AWS", AWS}, {"gcp", GCP}, {"Azure", Azure}, {"lambda", nil}, {"", nil}} {
		if got := For(tt.cloud); got != tt.want {
			t.Errorf("For(%q) = %v, want %v", tt.cloud, got, tt.want)
		}
	}
	for _, tab := range Tables() {
		if For(tab.Cloud()) != tab {
			t.Errorf("For(%q) is not the table", tab.Cloud())
		}
	}
}

func TestNewError(t *testing.T) {
	cause := errors.New("sdk error")
	e := GCP.NewError(drivers.Error{
		Code: "ZONE_RESOURCE_POOL_EXHAUSTED", HTTPStatus: 503, Message: "no resources",
		Region: "us-central1", Zone: "us-central1-a", Op: "launch", Err: cause,
	})
	if e.Class != drivers.ClassCapacity || e.EffectiveScope() != drivers.ScopeZone || e.Cloud != "gcp" {
		t.Fatalf("NewError = %+v", e)
	}
	if !errors.Is(e, drivers.ErrCapacity) || !errors.Is(e, cause) {
		t.Fatalf("NewError does not match its class and cause: %v", e)
	}
	if want := "gcp us-central1/us-central1-a: launch: capacity (ZONE_RESOURCE_POOL_EXHAUSTED): no resources"; e.Error() != want {
		t.Fatalf("Error() = %q, want %q", e.Error(), want)
	}
	// An explicit cloud is kept.
	if e := AWS.NewError(drivers.Error{Cloud: "aws-gov", Code: "Unsupported"}); e.Cloud != "aws-gov" || e.Class != drivers.ClassUnsupported {
		t.Fatalf("NewError kept %+v", e)
	}
}

func TestRowsIsACopy(t *testing.T) {
	rows := AWS.Rows()
	rows[0].Class = drivers.ClassTransient
	if AWS.Rows()[0].Class == drivers.ClassTransient {
		t.Fatal("Rows exposes the table's storage")
	}
}

func TestNewTableFillsScopes(t *testing.T) {
	tab := NewTable("x", drivers.ScopeDefault, []Row{{Code: "A", Class: drivers.ClassQuota}, {Code: "B", Class: drivers.ClassThrottle}})
	if tab.UnknownScope() != drivers.ScopeZone {
		t.Errorf("UnknownScope = %v", tab.UnknownScope())
	}
	if _, s := tab.Classify("A", 0, ""); s != drivers.ScopeRegion {
		t.Errorf("A scope = %v", s)
	}
	if _, s := tab.Classify("B", 0, ""); s != drivers.ScopeDefault {
		t.Errorf("B scope = %v", s)
	}
}

func TestContainsFold(t *testing.T) {
	for _, tt := range []struct {
		s, sub string
		want   bool
	}{{"abc", "", true}, {"", "a", false}, {"Hello World", "WORLD", true}, {"quota", "QUOTAS", false}, {"xLowPriorityCoresx", "lowprioritycores", true}} {
		if got := containsFold(tt.s, tt.sub); got != tt.want {
			t.Errorf("containsFold(%q, %q) = %v", tt.s, tt.sub, got)
		}
	}
}

func TestSourcesNamed(t *testing.T) {
	for _, tab := range Tables() {
		for _, r := range tab.Rows() {
			if !strings.Contains(r.Source, "§") && !strings.Contains(r.Source, "appendix") && !strings.Contains(r.Source, "EC2") {
				t.Errorf("%s row %s: unexpected source %q", tab.Cloud(), r.Code, r.Source)
			}
		}
	}
}

func BenchmarkClassify(b *testing.B) {
	msg := "Operation could not be completed as it results in exceeding approved standardNCADSA100v4Family Cores quota."
	for b.Loop() {
		Azure.Classify("OperationNotAllowed", 409, msg)
		AWS.Classify("InsufficientInstanceCapacity", 500, "")
	}
}
