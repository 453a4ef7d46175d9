package failover_test

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/skyhop/skyhop/catalog"
	"github.com/skyhop/skyhop/drivers"
	"github.com/skyhop/skyhop/drivers/fake"
	"github.com/skyhop/skyhop/failover"
	"github.com/skyhop/skyhop/optimizer"
)

// The benchmarks of the engine on a zero-latency fake: a plan of n
// candidates (one AWS offering per zone, 8 zones per region), every one out
// of capacity but the last. BenchmarkFakeWalk measures Provision;
// BenchmarkFakeAlone makes the same n launches (and the same terminate)
// straight on the fake, so that the engine's own cost per attempt is the
// difference of the two, divided by n.

// benchFake builds the catalog, plan and fake of an n-candidate walk.
func benchFake(b *testing.B, n int) (*optimizer.Plan, *fake.Clouds) {
	offs := make([]catalog.Offering, 0, n)
	for i := range n - 1 {
		offs = append(offs, catalog.Offering{Cloud: "aws", InstanceType: "p3.2xlarge", Region: fmt.Sprintf("r-%03d", i/8),
			Zone: fmt.Sprintf("r-%03d-az%d", i/8, i%8), VCPUs: 8, MemoryGiB: 61, Accelerator: "V100", AcceleratorCount: 1, Price: 3.06})
	}
	// The winner costs a cent more, so it is last.
	offs = append(offs, catalog.Offering{Cloud: "aws", InstanceType: "p3.2xlarge", Region: "us-west-2", Zone: "usw2-az1",
		VCPUs: 8, MemoryGiB: 61, Accelerator: "V100", AcceleratorCount: 1, Price: 3.07})
	plan := rank(b, mustCatalog(b, offs...), "resources:\n  accelerators: V100:1\n")
	if len(plan.Candidates) != n {
		b.Fatalf("plan has %d candidates, want %d", len(plan.Candidates), n)
	}
	fc := fake.New(fake.WithOfferings(offs...), fake.WithoutCallLog(),
		fake.WithFaults(fake.Fault{Cloud: "aws", Region: "r-*", Code: "InsufficientInstanceCapacity"}))
	return plan, fc
}

func benchFakeWalk(b *testing.B, n int, extra ...failover.Option) {
	plan, fc := benchFake(b, n)
	ds := fc.Drivers()
	aws := fc.Driver("aws")
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		i++
		// A fresh provision ID per call, so that no token is replayed.
		o := append([]failover.Option{failover.WithSeed(1), failover.WithProvisionID(strconv.Itoa(i)), failover.WithPreflight(false)}, extra...)
		res, err := failover.Provision(bg, plan, ds, o...)
		if err != nil || res.Index != n-1 {
			b.Fatalf("res %v err %v", res, err)
		}
		if err := aws.Terminate(bg, res.Cluster); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/attempt")
}

// BenchmarkFakeWalk100 walks 100 candidates: 99 capacity failures and a
// success, on the fake.
func BenchmarkFakeWalk100(b *testing.B) { benchFakeWalk(b, 100) }

// BenchmarkFakeWalk1000 walks 1,000 candidates to the last, on the fake.
func BenchmarkFakeWalk1000(b *testing.B) { benchFakeWalk(b, 1000) }

// BenchmarkFakeWalk1000Parallel probes 8 at a time.
func BenchmarkFakeWalk1000Parallel(b *testing.B) {
	benchFakeWalk(b, 1000, failover.WithParallel(8), failover.WithCloudConcurrency(8))
}

func benchFakeAlone(b *testing.B, n int) {
	plan, fc := benchFake(b, n)
	aws := fc.Driver("aws")
	reqs := make([]drivers.LaunchRequest, n)
	for i := range plan.Candidates {
		o := plan.Candidates[i].Offering
		reqs[i] = drivers.LaunchRequest{ClusterName: "bench", Count: 1, InstanceType: o.InstanceType, Region: o.Region, Zone: o.Zone,
			Accelerator: o.Accelerator, AcceleratorCount: o.AcceleratorCount}
	}
	b.ReportAllocs()
	b.ResetTimer()
	it := 0
	for b.Loop() {
		it++
		var cl *drivers.Cluster
		for i := range reqs {
			reqs[i].Token = strconv.Itoa(it) + "-" + strconv.Itoa(i)
			c, err := aws.Launch(bg, reqs[i])
			if err == nil {
				cl = c
			}
		}
		if cl == nil {
			b.Fatal("no success")
		}
		if err := aws.Terminate(bg, cl); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/attempt")
}

// BenchmarkFakeAlone100 is the fake's own cost of BenchmarkFakeWalk100.
func BenchmarkFakeAlone100(b *testing.B) { benchFakeAlone(b, 100) }

// BenchmarkFakeAlone1000 is the fake's own cost of BenchmarkFakeWalk1000.
func BenchmarkFakeAlone1000(b *testing.B) { benchFakeAlone(b, 1000) }
