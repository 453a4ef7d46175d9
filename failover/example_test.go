package failover

import (
	"context"
	"errors"
	"fmt"

	"github.com/skyhop/skyhop/drivers"
)

// ExampleProvision walks a plan of four placements: the first zone is out
// of capacity, the second is over the region's quota (so the third, in the
// same region, is skipped), the fourth succeeds.
// (The drivers here are the package's scripted test driver; with the fake
// cloud of package drivers/fake the call is the same.)
func ExampleProvision() {
	plan := planOf(1,
		"gcp/us-central1/us-central1-a/n1-highmem-8",
		"gcp/us-central1/us-central1-b/n1-highmem-8",
		"gcp/us-central1/us-central1-c/n1-highmem-8",
		"gcp/us-west1/us-west1-a/n1-highmem-8",
	)
	gcp := newScripted("gcp").
		on("us-central1/us-central1-a/n1-highmem-8", fail(drivers.ClassCapacity, "ZONE_RESOURCE_POOL_EXHAUSTED")).
		on("us-central1/us-central1-b/n1-highmem-8", fail(drivers.ClassQuota, "QUOTA_EXCEEDED"))

	store := NewMemoryStore(nil) // share one store across calls
	res, err := Provision(context.Background(), plan, []drivers.Driver{gcp},
		WithStore(store), WithSeed(1), WithClusterName("train"),
		WithEvents(func(e Event) {
			switch e.Kind {
			case EventAttemptFailed:
				fmt.Println("failed:", e.Candidate.Offering.Zone, e.Class, e.Code)
			case EventSkipped:
				fmt.Println("skipped:", e.Candidate.Offering.Zone)
			}
		}))
	if err != nil {
		var ex *ExhaustedError
		if errors.As(err, &ex) {
			fmt.Println(len(ex.Attempts), "attempts failed")
		}
		return
	}
	fmt.Println("up:", res.Cluster.Name, res.Candidate.Offering.Zone, res.Cluster.InstanceIDs())
	fmt.Println("attempts:", len(res.Attempts))
	// Output:
	// failed: us-central1-a capacity ZONE_RESOURCE_POOL_EXHAUSTED
	// failed: us-central1-b quota QUOTA_EXCEEDED
	// skipped: us-central1-c
	// up: train us-west1-a [gcp-i1]
	// attempts: 3
}

// ExampleMemoryStore_Exclude shows the store's hook for optimizer.Rank: a
// quota failure remembered by one call hides the region from the next plan.
func ExampleMemoryStore_Exclude() {
	store := NewMemoryStore(nil)
	gcp := newScripted("gcp").on("us-central1/us-central1-a/a2-highgpu-1g", fail(drivers.ClassQuota, "QUOTA_EXCEEDED"))
	plan := planOf(1, "gcp/us-central1/us-central1-a/a2-highgpu-1g", "gcp/europe-west4/europe-west4-a/a2-highgpu-1g")
	if _, err := Provision(context.Background(), plan, []drivers.Driver{gcp}, WithStore(store), WithSeed(1)); err != nil {
		fmt.Println(err)
		return
	}
	next := cand("gcp/us-central1/us-central1-c/a2-highgpu-1g", 1)
	blocked, reason := store.Exclude(next)
	fmt.Println(blocked, reason[:len("gcp us-central1 a2-highgpu-1g on-demand: quota (QUOTA_EXCEEDED)")])
	// Output:
	// true gcp us-central1 a2-highgpu-1g on-demand: quota (QUOTA_EXCEEDED)
}
