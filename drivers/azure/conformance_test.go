package azure_test

import (
	"context"
	"testing"
	"time"

	"github.com/skyhop/skyhop/drivers"
	"github.com/skyhop/skyhop/drivers/azure"
	"github.com/skyhop/skyhop/drivers/drivertest"
	"github.com/skyhop/skyhop/internal/azurefake"
)

const (
	subscription  = "sub-1"
	resourceGroup = "rg-1"
)

// newDriver starts a fake and a driver on it.
func newDriver(t testing.TB, opts ...azure.Option) (*azure.Driver, *azurefake.Server) {
	t.Helper()
	srv := azurefake.New()
	t.Cleanup(srv.Close)
	base := []azure.Option{azure.WithSubscription(subscription), azure.WithResourceGroup(resourceGroup),
		azure.WithEndpoint(srv.URL()), azure.WithCredential(azurefake.Credential{}),
		azure.WithPollInterval(time.Millisecond), azure.WithOperationTimeout(10 * time.Second),
		azure.WithSSHPublicKey("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTests skyhop@test")}
	d, err := azure.New(context.Background(), append(base, opts...)...)
	if err != nil {
		t.Fatalf("azure.New: %v", err)
	}
	return d, srv
}

type harness struct {
	d   *azure.Driver
	srv *azurefake.Server
}

func (h *harness) Driver() drivers.Driver { return h.d }
func (h *harness) Close()                 {}

func (h *harness) Request() drivers.LaunchRequest {
	return drivers.LaunchRequest{InstanceType: "Standard_NC24ads_A100_v4", Region: "eastus", Spot: true}
}

func (h *harness) UnsupportedRequest() drivers.LaunchRequest {
	return drivers.LaunchRequest{InstanceType: "Standard_ND96isr_H100_v5", Region: "eastus"}
}

// Live is the fake's own view: every billable resource tagged with the
// cluster (VMs in any state, disks, NICs, public IPs). A leaked NIC is a
// leak too, so it shows here under its own name.
func (h *harness) Live(_ context.Context, cluster string) ([]drivers.Instance, error) {
	var out []drivers.Instance
	vms := map[string]bool{}
	for _, r := range h.srv.Tagged(azure.ClusterTag, cluster) {
		if r.Type == azurefake.VirtualMachines {
			vms[r.Name] = true
			out = append(out, drivers.Instance{ID: r.Name, State: r.State})
		}
	}
	for _, r := range h.srv.Billable() {
		// A NIC, public IP or disk of the cluster whose VM is gone.
		if r.Type != azurefake.VirtualMachines && r.Tags[azure.ClusterTag] == cluster && !ownedBy(r.Name, vms) {
			out = append(out, drivers.Instance{ID: r.Name, State: r.State})
		}
	}
	return out, nil
}

func ownedBy(name string, vms map[string]bool) bool {
	for _, suffix := range []string{"-nic", "-ip", "-osdisk"} {
		if len(name) > len(suffix) && name[len(name)-len(suffix):] == suffix && vms[name[:len(name)-len(suffix)]] {
			return true
		}
	}
	return false
}

func (h *harness) Inject(_ context.Context, f drivertest.Fault) error {
	r := f.Request
	prio := "Regular"
	if r.Spot {
		prio = "Spot"
	}
	flt := azurefake.Fault{Location: r.Region, Zone: r.Zone, VMSize: r.InstanceType, Priority: prio, Times: f.Times}
	switch f.Kind {
	case drivertest.Stockout:
		flt.Code, flt.Async = "AllocationFailed", true
		if r.Zone != "" {
			flt.Code = "ZonalAllocationFailed"
		}
	case drivertest.Quota:
		flt.Code = "OperationNotAllowed"
	case drivertest.Permission:
		flt.Code = "AuthorizationFailed"
	case drivertest.Throttle:
		flt.Code, flt.Status = "OperationNotAllowed", 429
	case drivertest.Transient:
		flt.Code = "InternalServerError"
	case drivertest.Invalid:
		flt.Code = "InvalidParameter"
	case drivertest.Credentials:
		flt = azurefake.Fault{Op: azurefake.OpList, Code: "InvalidAuthenticationToken", Times: f.Times}
	case drivertest.PartialGang:
		flt.Code, flt.Async, flt.After = "AllocationFailed", true, 1
	case drivertest.TerminateFailure:
		flt.Op, flt.Code = azurefake.OpDelete, "InternalServerError"
	default:
		return drivertest.ErrNotSupported
	}
	h.srv.AddFault(flt)
	return nil
}

func TestConformance(t *testing.T) {
	drivertest.Run(t, func(ctx context.Context, t *testing.T) (drivertest.Harness, error) {
		d, srv := newDriver(t)
		srv.SetOffered("eastus", "Standard_NC24ads_A100_v4")
		return &harness{d: d, srv: srv}, nil
	})
}
