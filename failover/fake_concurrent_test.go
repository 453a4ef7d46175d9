package failover_test

import (
	"fmt"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/skyhop/skyhop/catalog"
	"github.com/skyhop/skyhop/drivers"
	"github.com/skyhop/skyhop/drivers/fake"
	"github.com/skyhop/skyhop/failover"
	"github.com/skyhop/skyhop/internal/clock"
)

// concurrentFaults: us-central1 is out of V100s, us-east1 is over quota,
// us-west1-a throttles its first 50 launches.
var concurrentFaults = []fake.Fault{
	{Cloud: "gcp", Region: "us-central1", Code: "ZONE_RESOURCE_POOL_EXHAUSTED"},
	{Cloud: "gcp", Region: "us-east1", Code: "QUOTA_EXCEEDED"},
	{Cloud: "gcp", Zone: "us-west1-a", Code: "rateLimitExceeded", Times: 50},
}

// TestConcurrentProvisionsShareStoreOnFake: 100 Provision calls at once on
// one fake, sharing one store, sequential and parallel mixed. Run it with
// -race. Every call gets its own cluster; the inventory holds exactly those
// clusters; the store holds what the calls learned.
func TestConcurrentProvisionsShareStoreOnFake(t *testing.T) {
	const n = 100
	plan := rank(t, catalog.Default(), "num_nodes: 2\nresources:\n  cloud: gcp\n  accelerators: V100:1\n")
	fc := fake.New(fake.WithOfferings(planOfferings(plan)...), fake.WithFaults(concurrentFaults...))
	store := failover.NewMemoryStore(nil)
	results := make([]*failover.Result, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			results[i], errs[i] = failover.Provision(bg, plan, fc.Drivers(), failover.WithStore(store), failover.WithSeed(uint64(i)),
				failover.WithParallel(1+i%4), failover.WithRetryBackoff(0, 0), failover.WithClusterName(fmt.Sprintf("job-%03d", i)))
			// Readers of the store run beside the writers.
			_ = store.Blocks()
			_, _, _ = store.Excluded("gcp", "us-central1", "us-central1-a", "n1-highmem-8", catalog.OnDemand)
		})
	}
	wg.Wait()
	var clusters []*drivers.Cluster
	for i, res := range results {
		if errs[i] != nil {
			t.Fatalf("call %d: %v", i, errs[i])
		}
		if z := res.Candidate.Offering.Zone; z != "us-west1-a" && z != "us-west1-b" {
			t.Errorf("call %d landed in %s, want us-west1-a or -b", i, place(&res.Candidate))
		}
		if res.Cluster.Name != fmt.Sprintf("job-%03d", i) || len(res.Cluster.Instances) != 2 {
			t.Errorf("call %d: cluster %s with %d instances", i, res.Cluster.Name, len(res.Cluster.Instances))
		}
		clusters = append(clusters, res.Cluster)
	}
	if err := fc.CheckNoLeaks(clusters...); err != nil {
		t.Error(err)
	}
	if got := fc.LiveCount(); got != 2*n {
		t.Errorf("%d live instances, want %d", got, 2*n)
	}
	for _, q := range []struct{ region, zone string }{{"us-central1", "us-central1-a"}, {"us-central1", "us-central1-f"}, {"us-east1", "us-east1-c"}} {
		if _, _, ok := store.Excluded("gcp", q.region, q.zone, "n1-highmem-8", catalog.OnDemand); !ok {
			t.Errorf("the shared store does not block %s", q.zone)
		}
	}
}

// TestSharedStoreTeachesLaterCallsOnFake: calls started one after another
// (10 s apart, launches taking a minute) on one store. Once the first call
// has learned that us-central1 is out and us-east1 over quota, later calls
// skip them without a launch.
func TestSharedStoreTeachesLaterCallsOnFake(t *testing.T) {
	plan := rank(t, catalog.Default(), "resources:\n  cloud: gcp\n  accelerators: V100:1\n")
	synctest.Test(t, func(t *testing.T) {
		fc := fake.New(fake.WithOfferings(planOfferings(plan)...), fake.WithFaults(concurrentFaults[:2]...),
			fake.WithClock(clock.Real), fake.WithLatency(fake.Latency{Launch: time.Minute}))
		store := failover.NewMemoryStore(nil)
		const n = 20
		results := make([]*failover.Result, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				time.Sleep(time.Duration(i) * 10 * time.Second)
				res, err := failover.Provision(bg, plan, fc.Drivers(), failover.WithStore(store), failover.WithSeed(uint64(i)),
					failover.WithClusterName(fmt.Sprintf("job-%02d", i)))
				if err != nil {
					t.Errorf("call %d: %v", i, err)
					return
				}
				results[i] = res
			})
		}
		wg.Wait()
		// Call 0 learns us-central1-a at 1 min, ..., us-east1-b (quota,
		// whole region) at 5 min. A call starting at or after 5 min makes
		// one launch, in us-west1-a.
		for i, res := range results {
			if res == nil {
				continue
			}
			if got := place(&res.Candidate); got != "gcp us-west1/us-west1-a n1-highmem-8 on-demand" {
				t.Errorf("call %d landed in %s", i, got)
			}
			if start := time.Duration(i) * 10 * time.Second; start >= 5*time.Minute && len(res.Attempts) != 1 {
				t.Errorf("call %d (started at %s) made %d attempts, want 1: the store knew the rest", i, start, len(res.Attempts))
			}
		}
		if results[0] != nil && len(results[0].Attempts) != 6 {
			t.Errorf("the first call made %d attempts, want 6 (4 capacity, 1 quota, 1 ok)", len(results[0].Attempts))
		}
		if err := fc.CheckNoLeaks(clustersOf(results)...); err != nil {
			t.Error(err)
		}
	})
}

func clustersOf(rs []*failover.Result) []*drivers.Cluster {
	var out []*drivers.Cluster
	for _, r := range rs {
		if r != nil {
			out = append(out, r.Cluster)
		}
	}
	return out
}
