package failover

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/skyhop/skyhop/catalog"
	"github.com/skyhop/skyhop/drivers"
	"github.com/skyhop/skyhop/optimizer"
)

// zeroDriver answers at once: a capacity error everywhere except in the
// winning zone, where it returns a ready cluster. It allocates nothing, so
// a benchmark measures the engine alone.
type zeroDriver struct {
	cloud   string
	winZone string
	err     *drivers.Error
	cl      *drivers.Cluster
}

func newZeroDriver(cloud, winZone string) *zeroDriver {
	return &zeroDriver{cloud: cloud, winZone: winZone,
		err: &drivers.Error{Class: drivers.ClassCapacity, Code: "InsufficientInstanceCapacity", Message: "no capacity", Cloud: cloud},
		cl:  &drivers.Cluster{Name: "bench", Cloud: cloud, Instances: []drivers.Instance{{ID: "i-1", State: "running"}}}}
}

func (d *zeroDriver) Cloud() string { return d.cloud }

func (d *zeroDriver) Launch(ctx context.Context, req drivers.LaunchRequest) (*drivers.Cluster, error) {
	if req.Zone == d.winZone {
		return d.cl, nil
	}
	return nil, d.err
}

func (d *zeroDriver) Terminate(ctx context.Context, c *drivers.Cluster) error { return nil }

// benchPlan has n candidates on one cloud, each in its own zone (so none
// hides another), the winner last.
func benchPlan(n int) *optimizer.Plan {
	p := &optimizer.Plan{NumNodes: 1, Hours: 1}
	for i := range n {
		p.Candidates = append(p.Candidates, optimizer.Candidate{
			Offering: &catalog.Offering{Cloud: "aws", Region: fmt.Sprintf("r%d", i/8), Zone: fmt.Sprintf("z%d", i),
				InstanceType: "p3.2xlarge", Accelerator: "V100", AcceleratorCount: 1, Price: 3},
			Nodes: 1, HourlyPrice: 3, TotalHourly: 3,
		})
	}
	return p
}

func benchWalk(b *testing.B, n int, extra ...Option) {
	plan := benchPlan(n)
	d := newZeroDriver("aws", fmt.Sprintf("z%d", n-1))
	ds := []drivers.Driver{d}
	o := append([]Option{WithSeed(1), WithPreflight(false)}, extra...)
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		res, err := Provision(ctx, plan, ds, o...)
		if err != nil || res.Index != n-1 {
			b.Fatalf("res %v err %v", res, err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/attempt")
}

// BenchmarkAttemptOverhead is the engine's cost per attempt on a driver that
// answers at once: 100 candidates, 99 capacity failures (each blocked in the
// store) and a success.
func BenchmarkAttemptOverhead(b *testing.B) { benchWalk(b, 100) }

// BenchmarkWalk1000 walks a 1,000-candidate plan to its last candidate.
func BenchmarkWalk1000(b *testing.B) { benchWalk(b, 1000) }

// BenchmarkWalk1000Observed adds an event handler and a shared store.
func BenchmarkWalk1000Observed(b *testing.B) {
	n := 0
	benchWalk(b, 1000, WithEvents(func(Event) { n++ }), WithStore(NewMemoryStore(nil)), WithTTL(drivers.ClassCapacity, time.Nanosecond))
}

// BenchmarkWalk1000Parallel probes 8 at a time.
func BenchmarkWalk1000Parallel(b *testing.B) {
	benchWalk(b, 1000, WithParallel(8), WithCloudConcurrency(8))
}

// BenchmarkStoreLookup is one lookup in a store of 10,000 blocks.
func BenchmarkStoreLookup(b *testing.B) {
	s := NewMemoryStore(nil)
	now := time.Now()
	for i := range 10000 {
		s.Add(Block{Cloud: "aws", Region: fmt.Sprintf("r%d", i%20), Zone: fmt.Sprintf("z%d", i), InstanceType: "p3.2xlarge",
			Class: drivers.ClassCapacity, Since: now, Until: now.Add(time.Hour)})
	}
	q := Query{Cloud: "aws", Region: "r3", Zone: "nope", InstanceType: "p3.2xlarge", Now: now}
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := s.Lookup(q); ok {
			b.Fatal("blocked")
		}
	}
}
