package fake

import "strings"

// sample is a realistic status and message for a provider code, used when a
// fault names only the code. Messages may hold the placeholders {type},
// {region}, {zone}, {count} and {cluster}.
type sample struct {
	code    string
	status  int
	message string
}

// samples per cloud, first match on (code, status) wins, then on code alone.
// The texts follow the payloads quoted in the cloud API reference.
var samples = map[string][]sample{
	"aws": {
		{"InsufficientInstanceCapacity", 500, "We currently do not have sufficient {type} capacity in the Availability Zone you requested ({zone}). Our system will be working on provisioning additional capacity. You can currently get {type} capacity by not specifying an Availability Zone in your request or choosing another Availability Zone."},
		{"Unsupported", 400, "Your requested instance type ({type}) is not supported in your requested Availability Zone ({zone}). Please retry your request by not specifying an Availability Zone or choosing another Availability Zone."},
		{"VcpuLimitExceeded", 400, "You have requested more vCPU capacity than your current vCPU limit of 0 allows for the instance bucket that the specified instance type belongs to. Please visit http://aws.amazon.com/contact-us/ec2-request to request an adjustment to this limit."},
		{"InstanceLimitExceeded", 400, "You have requested more instances ({count}) than your current instance limit of 0 allows for the specified instance type."},
		{"MaxSpotInstanceCountExceeded", 400, "Max spot instance count exceeded"},
		{"UnauthorizedOperation", 403, "You are not authorized to perform this operation."},
		{"AuthFailure", 401, "AWS was not able to validate the provided access credentials"},
		{"RequestLimitExceeded", 503, "Request limit exceeded."},
		{"InternalError", 500, "An internal error has occurred"},
		{"InvalidParameterValue", 400, "Value ({type}) for parameter instanceType is invalid."},
		{"IdempotentParameterMismatch", 400, "Arguments on this idempotent request are inconsistent with arguments used in previous request(s)."},
	},
	"gcp": {
		{"ZONE_RESOURCE_POOL_EXHAUSTED", 503, "The zone 'projects/skyhop-fake/zones/{zone}' does not have enough resources available to fulfill the request.  Try a different zone, or try again later."},
		{"ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS", 503, "The zone 'projects/skyhop-fake/zones/{zone}' does not have enough resources available to fulfill the request.  '(resource type:compute)'."},
		{"QUOTA_EXCEEDED", 403, "Quota 'CPUS' exceeded.  Limit: 0.0 in region {region}."},
		{"quotaExceeded", 403, "Quota 'CPUS' exceeded.  Limit: 0.0 in region {region}."},
		{"forbidden", 403, "Required 'compute.instances.create' permission for 'projects/skyhop-fake/zones/{zone}/instances/{cluster}'"},
		{"rateLimitExceeded", 429, "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute' of service 'compute.googleapis.com' for consumer 'project_number:0'."},
		{"backendError", 503, "Backend Error"},
		{"invalid", 400, "Invalid value for field 'resource.machineType': 'zones/{zone}/machineTypes/{type}'. Machine type with name '{type}' does not exist in zone '{zone}'."},
		{"VM_MIN_COUNT_NOT_REACHED", 0, "Requested minimum count of {count} VMs could not be created."},
		{"authError", 401, "Invalid Credentials"},
	},
	"azure": {
		{"AllocationFailed", 200, "Allocation failed. We do not have sufficient capacity for the requested VM size in this region. Read more about improving likelihood of allocation success at http://aka.ms/allocation-guidance"},
		{"ZonalAllocationFailed", 200, "Allocation failed. We do not have sufficient capacity for the requested VM size in this zone. Read more about improving likelihood of allocation success at http://aka.ms/allocation-guidance"},
		{"SkuNotAvailable", 409, "The requested VM size for resource 'Following SKUs have failed for Capacity Restrictions: {type}' is currently not available in location '{region}'. Please try another size or deploy to a different location or different zone. See https://aka.ms/azureskunotavailable for details."},
		{"OperationNotAllowed", 409, "Operation could not be completed as it results in exceeding approved Total Regional Cores quota. Additional details - Deployment Model: Resource Manager, Location: {region}, Current Limit: 0, Current Usage: 0."},
		{"OperationNotAllowed", 429, "The server rejected the request because too many requests have been received for this subscription."},
		{"AuthorizationFailed", 403, "The client 'skyhop-fake' with object id '00000000-0000-0000-0000-000000000000' does not have authorization to perform action 'Microsoft.Compute/virtualMachines/write' over scope '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/{cluster}' or the scope is invalid."},
		{"InvalidAuthenticationToken", 401, "The access token is invalid."},
		{"InternalServerError", 500, "An internal server error occurred."},
		{"InvalidParameter", 400, "The value of parameter imageReference is invalid."},
	},
}

// sampleFor returns the status and message template for code on cloud, given
// the status the fault asked for (0: any).
func sampleFor(cloud, code string, status int) (int, string, bool) {
	list := samples[cloud]
	if status != 0 {
		for _, s := range list {
			if s.code == code && s.status == status {
				return s.status, s.message, true
			}
		}
	}
	for _, s := range list {
		if s.code == code {
			return s.status, s.message, true
		}
	}
	return 0, "", false
}

// expand fills a message template's placeholders.
func expand(tmpl, itype, region, zone, count, cluster string) string {
	if strings.IndexByte(tmpl, '{') < 0 {
		return tmpl
	}
	if zone == "" {
		zone = region
	}
	var b strings.Builder
	b.Grow(len(tmpl) + 2*len(itype) + len(zone))
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			b.WriteString(tmpl)
			return b.String()
		}
		b.WriteString(tmpl[:i])
		tmpl = tmpl[i:]
		j := strings.IndexByte(tmpl, '}')
		if j < 0 {
			b.WriteString(tmpl)
			return b.String()
		}
		switch tmpl[:j+1] {
		case "{type}":
			b.WriteString(itype)
		case "{region}":
			b.WriteString(region)
		case "{zone}":
			b.WriteString(zone)
		case "{count}":
			b.WriteString(count)
		case "{cluster}":
			b.WriteString(cluster)
		default:
			b.WriteString(tmpl[:j+1])
		}
		tmpl = tmpl[j+1:]
	}
}
