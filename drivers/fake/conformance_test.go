package fake_test

import (
	"context"
	"testing"

	"github.com/skyhop/skyhop/catalog"
	"github.com/skyhop/skyhop/drivers"
	"github.com/skyhop/skyhop/drivers/drivertest"
	"github.com/skyhop/skyhop/drivers/fake"
)

// codes are the provider codes (and status, message) the harness injects,
// per cloud and fault kind: the ones the real providers send.
type injected struct {
	code    string
	status  int
	message string
}

var harnessCodes = map[string]map[drivertest.FaultKind]injected{
	"aws": {
		drivertest.Stockout:         {code: "InsufficientInstanceCapacity"},
		drivertest.Quota:            {code: "VcpuLimitExceeded"},
		drivertest.Permission:       {code: "UnauthorizedOperation"},
		drivertest.Throttle:         {code: "RequestLimitExceeded"},
		drivertest.Transient:        {code: "InternalError"},
		drivertest.Invalid:          {code: "InvalidParameterValue"},
		drivertest.Credentials:      {code: "AuthFailure"},
		drivertest.PartialGang:      {code: "InsufficientInstanceCapacity"},
		drivertest.TerminateFailure: {code: "InternalError"},
	},
	"gcp": {
		drivertest.Stockout:         {code: "ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS"},
		drivertest.Quota:            {code: "QUOTA_EXCEEDED", message: "Quota 'NVIDIA_V100_GPUS' exceeded.  Limit: 0.0 in region {region}."},
		drivertest.Permission:       {code: "forbidden"},
		drivertest.Throttle:         {code: "rateLimitExceeded", status: 429},
		drivertest.Transient:        {code: "backendError"},
		drivertest.Invalid:          {code: "invalid", message: "Invalid value for field 'resource.name': '{cluster}'. Must be a match of regex '(?:[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?)'"},
		drivertest.Credentials:      {code: "authError"},
		drivertest.PartialGang:      {code: "VM_MIN_COUNT_NOT_REACHED"},
		drivertest.TerminateFailure: {code: "backendError"},
	},
	"azure": {
		drivertest.Stockout:         {code: "AllocationFailed"}, // ZonalAllocationFailed for zonal requests
		drivertest.Quota:            {code: "OperationNotAllowed", status: 409},
		drivertest.Permission:       {code: "AuthorizationFailed"},
		drivertest.Throttle:         {code: "OperationNotAllowed", status: 429},
		drivertest.Transient:        {code: "InternalServerError"},
		drivertest.Invalid:          {code: "InvalidParameter"},
		drivertest.Credentials:      {code: "InvalidAuthenticationToken"},
		drivertest.PartialGang:      {code: "AllocationFailed"},
		drivertest.TerminateFailure: {code: "InternalServerError"},
	},
}

// harness runs the conformance suite on one cloud of a fake.
type harness struct {
	fc          *fake.Clouds
	cloud       string
	req         drivers.LaunchRequest
	unsupported drivers.LaunchRequest
}

func (h *harness) Driver() drivers.Driver                    { return h.fc.Driver(h.cloud) }
func (h *harness) Request() drivers.LaunchRequest            { return h.req }
func (h *harness) UnsupportedRequest() drivers.LaunchRequest { return h.unsupported }
func (h *harness) Close()                                    {}
func (h *harness) Live(_ context.Context, cluster string) ([]drivers.Instance, error) {
	var out []drivers.Instance
	for _, li := range h.fc.Inventory() { // the fake's own view, not the driver's
		if li.Cloud == h.cloud && li.Cluster == cluster {
			out = append(out, li.Instance)
		}
	}
	return out, nil
}

func (h *harness) Inject(_ context.Context, f drivertest.Fault) error {
	in, ok := harnessCodes[h.cloud][f.Kind]
	if !ok {
		return drivertest.ErrNotSupported
	}
	if h.cloud == "azure" && f.Kind == drivertest.Stockout && f.Request.Zone != "" {
		in.code = "ZonalAllocationFailed"
	}
	flt := fake.Fault{Cloud: h.cloud, Code: in.code, HTTPStatus: in.status, Message: in.message, Times: f.Times}
	switch f.Kind {
	case drivertest.Credentials:
		flt.Op = fake.OpCheckCredentials
	default:
		flt.Region, flt.Zone, flt.InstanceType = f.Request.Region, f.Request.Zone, f.Request.InstanceType
		flt.Market = fake.OnDemand
		if f.Request.Spot {
			flt.Market = fake.Spot
		}
		switch f.Kind {
		case drivertest.PartialGang:
			flt.Created = 1
		case drivertest.TerminateFailure:
			flt.Op = fake.OpTerminate
		}
	}
	return h.fc.AddFault(flt)
}

var conformanceOfferings = []catalog.Offering{
	{Cloud: "aws", InstanceType: "p4d.24xlarge", Region: "us-east-1", Zone: "use1-az2", Accelerator: "A100", AcceleratorCount: 8, Price: 32.77, SpotPrice: 12.1},
	{Cloud: "gcp", InstanceType: "n1-highmem-8", Region: "us-central1", Zone: "us-central1-a", Accelerator: "V100", AcceleratorCount: 1, Price: 2.95, SpotPrice: 0.9},
	{Cloud: "azure", InstanceType: "Standard_NC24ads_A100_v4", Region: "eastus", Accelerator: "A100", AcceleratorCount: 1, Price: 3.67, SpotPrice: 0.8},
}

func TestConformance(t *testing.T) {
	for _, tc := range []struct {
		name, cloud string
		req, bad    drivers.LaunchRequest
	}{
		{"aws", "aws",
			drivers.LaunchRequest{InstanceType: "p4d.24xlarge", Region: "us-east-1", Zone: "use1-az2"},
			drivers.LaunchRequest{InstanceType: "p4d.24xlarge", Region: "us-east-1", Zone: "use1-az6"}},
		{"aws-spot-zoneless", "aws",
			drivers.LaunchRequest{InstanceType: "p4d.24xlarge", Region: "us-east-1", Spot: true},
			drivers.LaunchRequest{InstanceType: "p5.48xlarge", Region: "us-east-1", Spot: true}},
		{"gcp", "gcp",
			drivers.LaunchRequest{InstanceType: "n1-highmem-8", Region: "us-central1", Zone: "us-central1-a", Accelerator: "V100", AcceleratorCount: 1},
			drivers.LaunchRequest{InstanceType: "a2-highgpu-1g", Region: "us-central1", Zone: "us-central1-a"}},
		{"azure", "azure",
			drivers.LaunchRequest{InstanceType: "Standard_NC24ads_A100_v4", Region: "eastus"},
			drivers.LaunchRequest{InstanceType: "Standard_ND96asr_v4", Region: "eastus"}},
		{"azure-zonal", "azure",
			drivers.LaunchRequest{InstanceType: "Standard_NC24ads_A100_v4", Region: "eastus", Zone: "2"},
			drivers.LaunchRequest{InstanceType: "Standard_NC24ads_A100_v4", Region: "westus", Zone: "2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			drivertest.Run(t, func(ctx context.Context, t *testing.T) (drivertest.Harness, error) {
				return &harness{fc: fake.New(fake.WithOfferings(conformanceOfferings...)), cloud: tc.cloud, req: tc.req, unsupported: tc.bad}, nil
			})
		})
	}
}
