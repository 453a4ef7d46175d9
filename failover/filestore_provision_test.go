package failover_test

import (
	"path/filepath"
	"testing"

	"github.com/skyhop/skyhop/catalog"
	"github.com/skyhop/skyhop/drivers/fake"
	"github.com/skyhop/skyhop/failover"
	"github.com/skyhop/skyhop/optimizer"
)

// Two "processes" (two FileStores on one file) in a row: the first learns
// that us-east-1 is out of capacity, the second's plan and walk skip it.
func TestFileStoreAcrossProcesses(t *testing.T) {
	offs := []catalog.Offering{
		{Cloud: "aws", InstanceType: "p4d.24xlarge", Region: "us-east-1", Zone: "use1-az1", VCPUs: 96, MemoryGiB: 1152,
			Accelerator: "A100", AcceleratorCount: 8, Price: 32.77},
		{Cloud: "aws", InstanceType: "p4d.24xlarge", Region: "us-west-2", Zone: "usw2-az1", VCPUs: 96, MemoryGiB: 1152,
			Accelerator: "A100", AcceleratorCount: 8, Price: 32.78},
	}
	cat := mustCatalog(t, offs...)
	cloud := fake.New(fake.WithOfferings(offs...), fake.WithFaults(fake.Fault{Cloud: "aws", Region: "us-east-1", Code: "InsufficientInstanceCapacity"}))
	path := filepath.Join(t.TempDir(), "availability.json")

	run := func(name string) (*failover.Result, *optimizer.Plan) {
		t.Helper()
		store, err := failover.OpenFileStore(path, nil)
		if err != nil {
			t.Fatal(err)
		}
		plan := rank(t, cat, "resources:\n  accelerators: A100:8\n", optimizer.WithExclude(store.Exclude))
		res, err := failover.Provision(bg, plan, cloud.Drivers(), failover.WithStore(store), failover.WithClusterName(name))
		if err != nil {
			t.Fatal(err)
		}
		return res, plan
	}
	first, plan1 := run("first")
	if len(first.Attempts) != 2 || len(plan1.Candidates) != 2 {
		t.Fatalf("first run: %d attempts over %d candidates, want 2 over 2", len(first.Attempts), len(plan1.Candidates))
	}
	second, plan2 := run("second")
	if len(plan2.Candidates) != 1 || len(second.Attempts) != 1 || second.Candidate.Offering.Region != "us-west-2" {
		t.Errorf("second run: %d candidates, %d attempts, landed in %s; want us-east-1 left out",
			len(plan2.Candidates), len(second.Attempts), second.Candidate.Offering.Region)
	}
	if err := cloud.CheckNoLeaks(first.Cluster, second.Cluster); err != nil {
		t.Error(err)
	}
}
