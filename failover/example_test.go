package failover_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/skyhop/skyhop/catalog"
	"github.com/skyhop/skyhop/drivers/fake"
	"github.com/skyhop/skyhop/failover"
	"github.com/skyhop/skyhop/optimizer"
	"github.com/skyhop/skyhop/resources"
)

// exampleCatalog sells one V100 on GCP in five zones of two regions.
func exampleCatalog() *catalog.Catalog {
	v100 := func(region, zone string) catalog.Offering {
		return catalog.Offering{Cloud: "gcp", InstanceType: "n1-highmem-8", Region: region, Zone: zone, VCPUs: 8, MemoryGiB: 52,
			Accelerator: "V100", AcceleratorCount: 1, Price: 2.953212}
	}
	cat, err := catalog.New([]catalog.Offering{
		v100("us-central1", "us-central1-a"), v100("us-central1", "us-central1-b"), v100("us-central1", "us-central1-c"),
		v100("us-central1", "us-central1-f"), v100("us-west1", "us-west1-a"),
	})
	if err != nil {
		panic(err)
	}
	return cat
}

// ExampleProvision ranks a task's resources over a catalog and provisions
// the plan on the fake cloud (package drivers/fake), where us-central1-a is
// out of V100s and us-central1-b answers that the region's quota is spent:
// the engine skips the rest of us-central1 without a call and lands in
// us-west1-a, leaving nothing else running.
func ExampleProvision() {
	spec, err := resources.Parse([]byte("resources:\n  accelerators: V100:1\n"))
	if err != nil {
		fmt.Println(err)
		return
	}
	cat := exampleCatalog()
	plan, err := optimizer.Rank(spec, cat)
	if err != nil {
		fmt.Println(err)
		return
	}

	// The fake sells the catalog's offerings and fails as scripted, with
	// the providers' own codes.
	var offs []catalog.Offering
	for _, o := range cat.All() {
		offs = append(offs, *o)
	}
	cloud := fake.New(fake.WithOfferings(offs...), fake.WithFaults(
		fake.Fault{Cloud: "gcp", Zone: "us-central1-a", Code: "ZONE_RESOURCE_POOL_EXHAUSTED"},
		fake.Fault{Cloud: "gcp", Zone: "us-central1-b", Code: "QUOTA_EXCEEDED"},
	))

	store := failover.NewMemoryStore(nil) // share one store across calls
	res, err := failover.Provision(context.Background(), plan, cloud.Drivers(),
		failover.WithStore(store), failover.WithSeed(1), failover.WithClusterName("train"),
		failover.WithEvents(func(e failover.Event) {
			switch e.Kind {
			case failover.EventAttemptFailed:
				fmt.Println("failed: ", e.Candidate.Offering.Location(), e.Class, e.Code)
			case failover.EventSkipped:
				fmt.Println("skipped:", e.Candidate.Offering.Location(), "by", e.Block.Class, "in", e.Block.Where())
			}
		}))
	if err != nil {
		var ex *failover.ExhaustedError
		if errors.As(err, &ex) {
			fmt.Println(len(ex.Attempts), "attempts failed")
		}
		return
	}
	fmt.Println("up:     ", res.Cluster.Name, res.Candidate.Offering.Location(), res.Cluster.InstanceIDs())
	fmt.Println("attempts:", len(res.Attempts))
	fmt.Println("leaks:  ", cloud.CheckNoLeaks(res.Cluster))
	// Output:
	// failed:  us-central1/us-central1-a capacity ZONE_RESOURCE_POOL_EXHAUSTED
	// failed:  us-central1/us-central1-b quota QUOTA_EXCEEDED
	// skipped: us-central1/us-central1-c by quota in gcp us-central1 n1-highmem-8 on-demand
	// skipped: us-central1/us-central1-f by quota in gcp us-central1 n1-highmem-8 on-demand
	// up:      train us-west1/us-west1-a [gcp-000001]
	// attempts: 3
	// leaks:   <nil>
}

// ExampleMemoryStore_Exclude shows the store's hook for optimizer.Rank: a
// quota failure remembered by one Provision call leaves the region out of
// the next plan.
func ExampleMemoryStore_Exclude() {
	spec, _ := resources.Parse([]byte("resources:\n  accelerators: V100:1\n"))
	cat := exampleCatalog()
	var offs []catalog.Offering
	for _, o := range cat.All() {
		offs = append(offs, *o)
	}
	cloud := fake.New(fake.WithOfferings(offs...),
		fake.WithFaults(fake.Fault{Cloud: "gcp", Region: "us-central1", Code: "QUOTA_EXCEEDED"}))
	store := failover.NewMemoryStore(nil)

	plan, _ := optimizer.Rank(spec, cat)
	if _, err := failover.Provision(context.Background(), plan, cloud.Drivers(), failover.WithStore(store), failover.WithSeed(1)); err != nil {
		fmt.Println(err)
		return
	}
	next, _ := optimizer.Rank(spec, cat, optimizer.WithExclude(store.Exclude))
	fmt.Println("first plan:", len(plan.Candidates), "candidates; next plan:", len(next.Candidates))
	for _, c := range next.Candidates {
		fmt.Println("next:", c.Offering.Location())
	}
	// Output:
	// first plan: 5 candidates; next plan: 1
	// next: us-west1/us-west1-a
}
