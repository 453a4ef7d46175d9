package failover_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/skyhop/skyhop/catalog"
	"github.com/skyhop/skyhop/drivers"
	"github.com/skyhop/skyhop/drivers/fake"
	"github.com/skyhop/skyhop/failover"
)

// A credential check that hangs is given up after WithPreflightTimeout: its
// cloud is dropped with the timeout as the reason and the search goes on
// elsewhere.
func TestPreflightTimeoutOnFake(t *testing.T) {
	offs := []catalog.Offering{
		{Cloud: "gcp", InstanceType: "a2-highgpu-1g", Region: "us-central1", Zone: "us-central1-a",
			VCPUs: 12, MemoryGiB: 85, Accelerator: "A100", AcceleratorCount: 1, Price: 3.67},
		{Cloud: "aws", InstanceType: "p4d.1x", Region: "us-east-1", Zone: "use1-az1",
			VCPUs: 12, MemoryGiB: 85, Accelerator: "A100", AcceleratorCount: 1, Price: 4.10},
	}
	plan := rank(t, mustCatalog(t, offs...), "resources:\n  accelerators: A100:1\n")
	cloud := fake.New(fake.WithOfferings(offs...),
		fake.WithFaults(fake.Fault{Op: fake.OpCheckCredentials, Cloud: "gcp", Hang: true}))

	begin := time.Now()
	res, err := failover.Provision(context.Background(), plan, cloud.Drivers(),
		failover.WithPreflightTimeout(50*time.Millisecond), failover.WithSeed(1))
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(begin); d > 5*time.Second {
		t.Errorf("Provision took %s with a 50ms preflight timeout", d)
	}
	if res.Cluster.Cloud != "aws" {
		t.Errorf("launched on %s, want aws (gcp dropped by its preflight)", res.Cluster.Cloud)
	}
	if len(res.Preflight) != 1 || res.Preflight[0].Cloud != "gcp" || !errors.Is(res.Preflight[0].Err, context.DeadlineExceeded) {
		t.Errorf("Preflight = %+v, want gcp dropped by a deadline", res.Preflight)
	}
	if len(res.Skipped) != 1 || res.Skipped[0].Block.Class != drivers.ClassPermission || res.Skipped[0].Block.Cloud != "gcp" {
		t.Errorf("Skipped = %+v, want the gcp candidate hidden by a permission block", res.Skipped)
	}
	if err := cloud.CheckNoLeaks(res.Cluster); err != nil {
		t.Error(err)
	}
}
