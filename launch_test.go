package skyhop_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/skyhop/skyhop"
	"github.com/skyhop/skyhop/catalog"
	"github.com/skyhop/skyhop/drivers"
	"github.com/skyhop/skyhop/drivers/fake"
	"github.com/skyhop/skyhop/failover"
	"github.com/skyhop/skyhop/internal/clock"
	"github.com/skyhop/skyhop/optimizer"
	"github.com/skyhop/skyhop/resources"
)

// launchOfferings sells one A100 in two GCP zones and one on AWS, AWS the
// cheapest.
var launchOfferings = []catalog.Offering{
	{Cloud: "aws", InstanceType: "p4d.1x", Region: "us-east-1", Zone: "use1-az1",
		VCPUs: 12, MemoryGiB: 85, Accelerator: "A100", AcceleratorCount: 1, Price: 3.00},
	{Cloud: "gcp", InstanceType: "a2-highgpu-1g", Region: "us-central1", Zone: "us-central1-a",
		VCPUs: 12, MemoryGiB: 85, Accelerator: "A100", AcceleratorCount: 1, Price: 3.67},
	{Cloud: "gcp", InstanceType: "a2-highgpu-1g", Region: "us-central1", Zone: "us-central1-b",
		VCPUs: 12, MemoryGiB: 85, Accelerator: "A100", AcceleratorCount: 1, Price: 3.68},
}

const a100Task = "resources:\n  accelerators: A100:1\n"

func launchCatalog(t *testing.T) *catalog.Catalog {
	t.Helper()
	cat, err := catalog.New(launchOfferings)
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

func TestLaunchErrors(t *testing.T) {
	cloud := fake.New(fake.WithOfferings(launchOfferings...))
	for _, tc := range []struct {
		name  string
		task  string
		ds    []drivers.Driver
		check func(t *testing.T, err error)
	}{
		{"no drivers", a100Task, nil, func(t *testing.T, err error) {
			if err == nil || err.Error() != "skyhop: no drivers; pass at least one (drivers/fake for tests)" {
				t.Errorf("error = %v, want the no-drivers error", err)
			}
		}},
		{"task does not parse", "resources:\n  acelerators: A100:1\n", cloud.Drivers(), func(t *testing.T, err error) {
			errs := resources.Errors(err)
			if len(errs) != 1 || errs[0].Path != "resources.acelerators" || errs[0].Pos.Line != 2 {
				t.Errorf("error = %v, want one resources error at resources.acelerators, line 2", err)
			}
		}},
		{"nothing fits", "resources:\n  accelerators: H100:8\n", cloud.Drivers(), func(t *testing.T, err error) {
			var nc *optimizer.NoCandidatesError
			if !errors.As(err, &nc) || len(nc.Rejected) == 0 {
				t.Errorf("error = %v, want an *optimizer.NoCandidatesError with rejections", err)
			}
		}},
		{"nothing can be had", a100Task, fake.New(fake.WithOfferings(launchOfferings...), fake.WithFaults(
			fake.Fault{Cloud: "aws", Code: "InsufficientInstanceCapacity"},
			fake.Fault{Cloud: "gcp", Code: "ZONE_RESOURCE_POOL_EXHAUSTED"})).Drivers(), func(t *testing.T, err error) {
			var ex *failover.ExhaustedError
			if !errors.As(err, &ex) || len(ex.Attempts) != 3 || !errors.Is(err, drivers.ErrCapacity) {
				t.Errorf("error = %v, want an *failover.ExhaustedError of 3 capacity attempts", err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := skyhop.Launch(context.Background(), []byte(tc.task), tc.ds, skyhop.WithCatalog(launchCatalog(t)))
			if res != nil {
				t.Errorf("Launch returned a result %+v with error %v", res, err)
			}
			tc.check(t, err)
		})
	}
}

func TestLaunchRanksOnlyDriversClouds(t *testing.T) {
	// AWS is cheapest, but only a GCP driver is passed: the plan holds GCP
	// alone, and WithPlan sees it before anything launches.
	cloud := fake.New(fake.WithOfferings(launchOfferings...))
	var plan *optimizer.Plan
	res, err := skyhop.Launch(context.Background(), []byte(a100Task), []drivers.Driver{cloud.Driver("gcp")},
		skyhop.WithCatalog(launchCatalog(t)), skyhop.WithPlan(func(p *optimizer.Plan) {
			plan = p
			if n := cloud.LiveCount(); n != 0 {
				t.Errorf("WithPlan called with %d instances already live", n)
			}
		}))
	if err != nil {
		t.Fatal(err)
	}
	if plan == nil || len(plan.Candidates) != 2 {
		t.Fatalf("WithPlan saw %v, want a plan of the 2 GCP placements", plan)
	}
	for _, c := range plan.Candidates {
		if c.Offering.Cloud != "gcp" {
			t.Errorf("plan candidate on %s, want gcp only", c.Offering.Cloud)
		}
	}
	if res.Cluster.Cloud != "gcp" || res.Cluster.Zone != "us-central1-a" {
		t.Errorf("launched on %s %s, want gcp us-central1-a", res.Cluster.Cloud, res.Cluster.Zone)
	}
	if err := cloud.CheckNoLeaks(res.Cluster); err != nil {
		t.Error(err)
	}
}

func TestLaunchSharedStore(t *testing.T) {
	// The first launch learns that AWS is out of capacity; with the store
	// shared, the second launch's plan leaves AWS out and its walk starts
	// on GCP.
	cloud := fake.New(fake.WithOfferings(launchOfferings...),
		fake.WithFaults(fake.Fault{Cloud: "aws", Code: "InsufficientInstanceCapacity"}))
	store := failover.NewMemoryStore(nil)
	cat := launchCatalog(t)
	launch := func(name string) (*failover.Result, *optimizer.Plan) {
		t.Helper()
		var plan *optimizer.Plan
		res, err := skyhop.Launch(context.Background(), []byte(a100Task), cloud.Drivers(),
			skyhop.WithCatalog(cat), skyhop.WithStore(store),
			skyhop.WithPlan(func(p *optimizer.Plan) { plan = p }),
			skyhop.WithProvisionOptions(failover.WithClusterName(name), failover.WithRetryBackoff(time.Millisecond, time.Millisecond)))
		if err != nil {
			t.Fatal(err)
		}
		return res, plan
	}
	first, plan1 := launch("first")
	if len(first.Attempts) != 2 || first.Attempts[0].Candidate.Offering.Cloud != "aws" || first.Attempts[0].Class != drivers.ClassCapacity {
		t.Fatalf("first launch attempts = %+v, want an AWS capacity failure then a success", first.Attempts)
	}
	second, plan2 := launch("second")
	if len(plan2.Candidates) != len(plan1.Candidates)-1 {
		t.Errorf("second plan has %d candidates, want %d (AWS excluded by the store)", len(plan2.Candidates), len(plan1.Candidates)-1)
	}
	if len(second.Attempts) != 1 || second.Attempts[0].Candidate.Offering.Cloud != "gcp" {
		t.Errorf("second launch attempts = %+v, want one GCP success", second.Attempts)
	}
	if err := cloud.CheckNoLeaks(first.Cluster, second.Cluster); err != nil {
		t.Error(err)
	}
}

func TestLaunchClock(t *testing.T) {
	// With a clock of its own, the launch times its blocks on it: the AWS
	// stockout blocks AWS until the clock's now + the capacity TTL, and once
	// that clock moves past it the next launch tries AWS again.
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	clk := clock.NewManual(start)
	cloud := fake.New(fake.WithOfferings(launchOfferings...),
		fake.WithFaults(fake.Fault{Cloud: "aws", Code: "InsufficientInstanceCapacity", Times: 1}))
	store := failover.NewMemoryStore(clk)
	opts := []skyhop.Option{skyhop.WithCatalog(launchCatalog(t)), skyhop.WithStore(store), skyhop.WithClock(clk)}
	first, err := skyhop.Launch(context.Background(), []byte(a100Task), cloud.Drivers(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	blocks := store.Blocks()
	if len(blocks) != 1 || !blocks[0].Until.Equal(start.Add(failover.DefaultCapacityTTL)) {
		t.Fatalf("blocks = %+v, want one AWS block until %v", blocks, start.Add(failover.DefaultCapacityTTL))
	}
	clk.Advance(failover.DefaultCapacityTTL + time.Second)
	second, err := skyhop.Launch(context.Background(), []byte(a100Task), cloud.Drivers(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	if got := second.Candidate.Offering.Cloud; got != "aws" {
		t.Errorf("after the block expired the launch went to %s, want aws", got)
	}
	if err := cloud.CheckNoLeaks(first.Cluster, second.Cluster); err != nil {
		t.Error(err)
	}
}
