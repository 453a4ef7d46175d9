package gcp_test

import (
	"context"
	"testing"
	"time"

	"github.com/skyhop/skyhop/drivers"
	"github.com/skyhop/skyhop/drivers/drivertest"
	"github.com/skyhop/skyhop/drivers/gcp"
	"github.com/skyhop/skyhop/internal/gcefake"
)

const project = "proj-1"

// newDriver starts a fake and a driver on it.
func newDriver(t testing.TB, fopts ...gcefake.Option) (*gcp.Driver, *gcefake.Server) {
	t.Helper()
	srv := gcefake.New(fopts...)
	t.Cleanup(srv.Close)
	d, err := gcp.New(context.Background(), gcp.WithProject(project), gcp.WithEndpoint(srv.URL()),
		gcp.WithPollInterval(time.Millisecond), gcp.WithOperationTimeout(10*time.Second))
	if err != nil {
		t.Fatalf("gcp.New: %v", err)
	}
	t.Cleanup(func() { _ = d.Close() })
	return d, srv
}

type harness struct {
	d   *gcp.Driver
	srv *gcefake.Server
}

func (h *harness) Driver() drivers.Driver { return h.d }
func (h *harness) Close()                 {}

func (h *harness) Request() drivers.LaunchRequest {
	return drivers.LaunchRequest{InstanceType: "n1-highmem-8", Region: "us-central1", Zone: "us-central1-a",
		Accelerator: "V100", AcceleratorCount: 1, Spot: true}
}

func (h *harness) UnsupportedRequest() drivers.LaunchRequest {
	return drivers.LaunchRequest{InstanceType: "a3-highgpu-8g", Region: "us-central1", Zone: "us-central1-a"}
}

func (h *harness) Live(_ context.Context, cluster string) ([]drivers.Instance, error) {
	var out []drivers.Instance
	for _, in := range h.srv.Labelled(gcp.ClusterLabel, gcp.LabelValue(cluster)) {
		out = append(out, drivers.Instance{ID: in.Name, Zone: in.Zone, State: in.Status})
	}
	return out, nil
}

func (h *harness) Inject(_ context.Context, f drivertest.Fault) error {
	r := f.Request
	market := gcefake.Standard
	if r.Spot {
		market = gcefake.Spot
	}
	flt := gcefake.Fault{Zone: r.Zone, MachineType: r.InstanceType, Market: market, Times: f.Times}
	switch f.Kind {
	case drivertest.Stockout:
		flt.Code = "ZONE_RESOURCE_POOL_EXHAUSTED"
	case drivertest.Quota:
		flt.Code = "QUOTA_EXCEEDED"
	case drivertest.Permission:
		flt.Code, flt.Sync = "forbidden", true
	case drivertest.Throttle:
		flt.Code, flt.Sync = "rateLimitExceeded", true
	case drivertest.Transient:
		flt.Code, flt.Sync = "backendError", true
	case drivertest.Invalid:
		flt.Code, flt.Sync = "invalid", true
		flt.Message = "Invalid value for field 'resource.disks[0].initializeParams.sourceImage': 'projects/x/global/images/nope'. The referenced image resource cannot be found."
	case drivertest.Credentials:
		flt = gcefake.Fault{Op: gcefake.OpProject, Code: "authError", Times: f.Times}
	case drivertest.PartialGang:
		flt.Code, flt.After = "ZONE_RESOURCE_POOL_EXHAUSTED", 1
	case drivertest.TerminateFailure:
		flt.Op, flt.Code, flt.Sync = gcefake.OpDelete, "backendError", true
	default:
		return drivertest.ErrNotSupported
	}
	h.srv.AddFault(flt)
	return nil
}

func TestConformance(t *testing.T) {
	drivertest.Run(t, func(ctx context.Context, t *testing.T) (drivertest.Harness, error) {
		d, srv := newDriver(t)
		srv.SetOffered("us-central1-a", "n1-highmem-8", "nvidia-tesla-v100")
		return &harness{d: d, srv: srv}, nil
	})
}
