package aws_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/skyhop/skyhop/catalog"
	"github.com/skyhop/skyhop/drivers"
	"github.com/skyhop/skyhop/drivers/fake"
	"github.com/skyhop/skyhop/failover"
	"github.com/skyhop/skyhop/internal/moto"
	"github.com/skyhop/skyhop/optimizer"
)

// End to end: failover.Provision walks a plan of AWS placements (zone IDs,
// as the catalog names them) through the driver, the SDK, the fault proxy
// and moto; a fake "gcp" cloud stands behind AWS where a test needs another
// cloud.

// offering is an AWS g5.xlarge row of the catalog.
func offering(cloud, region, zone string, price float64) *catalog.Offering {
	return &catalog.Offering{Cloud: cloud, InstanceType: "g5.xlarge", Region: region, Zone: zone, VCPUs: 4, MemoryGiB: 16,
		Accelerator: "A10G", AcceleratorCount: 1, AcceleratorMemoryGiB: 24, Arch: "x86_64", Price: price, SpotPrice: price / 3}
}

func plan(nodes int, offs ...*catalog.Offering) *optimizer.Plan {
	p := &optimizer.Plan{NumNodes: nodes, Hours: 1}
	for _, o := range offs {
		p.Candidates = append(p.Candidates, optimizer.Candidate{Offering: o, Market: catalog.OnDemand, Nodes: nodes,
			HourlyPrice: o.Price, TotalHourly: o.Price * float64(nodes)})
	}
	return p
}

// afterProvision checks that moto holds no live instance but the returned
// cluster's, terminates it, and checks that nothing is left.
func (e *env) afterProvision(t *testing.T, res *failover.Result) {
	t.Helper()
	ctx := context.Background()
	want := sorted(res.Cluster.InstanceIDs())
	if live := e.live(ctx); !slices.Equal(live, want) {
		t.Errorf("moto's live instances = %v, want only the returned cluster's %v", live, want)
	}
	if err := e.d.Terminate(ctx, res.Cluster); err != nil {
		t.Fatal(err)
	}
	if live := e.live(ctx); len(live) != 0 {
		t.Errorf("live instances after terminating the cluster: %v", live)
	}
}

func attemptCodes(res *failover.Result) []string {
	var out []string
	for _, a := range res.Attempts {
		out = append(out, a.Candidate.Offering.Region+"/"+a.Candidate.Offering.Zone+":"+a.Code)
	}
	return out
}

// InsufficientInstanceCapacity in every zone of the first region: the
// engine walks its zones, then launches in the second region.
func TestProvisionCapacityFailsOverToTheNextRegion(t *testing.T) {
	e := newEnv(t)
	e.proxy.Inject(moto.Fault{Region: east, Code: "InsufficientInstanceCapacity"})
	p := plan(2,
		offering("aws", east, eastAID, 1.00), offering("aws", east, eastBID, 1.00), offering("aws", east, eastCID, 1.00),
		offering("aws", west, westAID, 1.10))
	res, err := failover.Provision(context.Background(), p, []drivers.Driver{e.d}, failover.WithClusterName("e2e-ice"))
	if err != nil {
		t.Fatalf("Provision: %v", err)
	}
	if res.Cluster.Region != west || res.Cluster.Zone != westAID || len(res.Cluster.Instances) != 2 || res.Index != 3 {
		t.Errorf("cluster = %+v (candidate %d), want 2 instances in %s/%s", res.Cluster, res.Index, west, westAID)
	}
	want := []string{east + "/" + eastAID + ":InsufficientInstanceCapacity", east + "/" + eastBID + ":InsufficientInstanceCapacity",
		east + "/" + eastCID + ":InsufficientInstanceCapacity", west + "/" + westAID + ":"}
	if got := attemptCodes(res); !slices.Equal(got, want) {
		t.Errorf("attempts = %v, want %v", got, want)
	}
	for _, a := range res.Attempts[:3] {
		if a.Class != drivers.ClassCapacity {
			t.Errorf("attempt %s: class %v, want capacity", a.Where(), a.Class)
		}
	}
	// One RunInstances per zone: neither the SDK nor the engine retried a
	// stockout in place.
	var zones []string
	for _, c := range e.proxy.CallsOf("RunInstances") {
		zones = append(zones, c.Zone)
	}
	if !slices.Equal(zones, []string{eastA, eastB, eastC, westA}) {
		t.Errorf("RunInstances zones = %v", zones)
	}
	e.afterProvision(t, res)
}

// VcpuLimitExceeded in the first region: the region's other zones are
// skipped, the next region tried.
func TestProvisionQuotaSkipsTheRegion(t *testing.T) {
	e := newEnv(t)
	e.proxy.Inject(moto.Fault{Region: east, Code: "VcpuLimitExceeded"})
	p := plan(1, offering("aws", east, eastAID, 1.00), offering("aws", east, eastBID, 1.01),
		offering("aws", east, eastCID, 1.02), offering("aws", west, westAID, 1.10))
	res, err := failover.Provision(context.Background(), p, []drivers.Driver{e.d}, failover.WithClusterName("e2e-quota"))
	if err != nil {
		t.Fatalf("Provision: %v", err)
	}
	if res.Cluster.Region != west {
		t.Errorf("cluster in %s, want %s", res.Cluster.Region, west)
	}
	if got := attemptCodes(res); !slices.Equal(got, []string{east + "/" + eastAID + ":VcpuLimitExceeded", west + "/" + westAID + ":"}) {
		t.Errorf("attempts = %v", got)
	}
	if len(res.Skipped) != 2 {
		t.Errorf("skipped = %+v, want the 2 other zones of %s", res.Skipped, east)
	}
	if n := len(e.proxy.CallsOf("RunInstances")); n != 2 {
		t.Errorf("RunInstances calls = %d, want 2", n)
	}
	e.afterProvision(t, res)
}

// UnauthorizedOperation: AWS is dropped, the next cloud serves.
func TestProvisionPermissionSkipsAWS(t *testing.T) {
	e := newEnv(t)
	e.proxy.Inject(moto.Fault{Code: "UnauthorizedOperation"})
	gcp := offering("gcp", "us-central1", "us-central1-a", 1.50)
	gcp.InstanceType = "g2-standard-4"
	fc := fake.New(fake.WithOfferings(*gcp))
	p := plan(1, offering("aws", east, eastAID, 1.00), offering("aws", west, westAID, 1.01),
		offering("aws", east, eastBID, 1.02), gcp)
	res, err := failover.Provision(context.Background(), p, []drivers.Driver{e.d, fc.Driver("gcp")},
		failover.WithClusterName("e2e-perm"))
	if err != nil {
		t.Fatalf("Provision: %v", err)
	}
	if res.Cluster.Cloud != "gcp" {
		t.Errorf("cluster on %s, want gcp", res.Cluster.Cloud)
	}
	if len(res.Attempts) != 2 || res.Attempts[0].Class != drivers.ClassPermission || res.Attempts[0].Code != "UnauthorizedOperation" {
		t.Errorf("attempts = %v", attemptCodes(res))
	}
	if n := len(e.proxy.CallsOf("RunInstances")); n != 1 {
		t.Errorf("RunInstances calls = %d, want 1 (AWS dropped after the first)", n)
	}
	if live := e.live(context.Background()); len(live) != 0 {
		t.Errorf("moto's live instances = %v, want none", live)
	}
	if err := fc.Driver("gcp").Terminate(context.Background(), res.Cluster); err != nil {
		t.Fatal(err)
	}
}

// Credentials EC2 rejects: the preflight drops AWS before any launch.
func TestProvisionPreflightDropsAWS(t *testing.T) {
	e := newEnv(t)
	e.proxy.Inject(moto.Fault{Action: "DescribeRegions", Code: "AuthFailure"})
	gcp := offering("gcp", "us-central1", "us-central1-a", 1.50)
	fc := fake.New(fake.WithOfferings(*gcp))
	p := plan(1, offering("aws", east, eastAID, 1.00), gcp)
	res, err := failover.Provision(context.Background(), p, []drivers.Driver{e.d, fc.Driver("gcp")},
		failover.WithClusterName("e2e-preflight"))
	if err != nil {
		t.Fatalf("Provision: %v", err)
	}
	if res.Cluster.Cloud != "gcp" || len(res.Preflight) != 1 || res.Preflight[0].Cloud != "aws" {
		t.Errorf("cluster on %s, preflight %+v; want gcp, aws dropped", res.Cluster.Cloud, res.Preflight)
	}
	if n := len(e.proxy.CallsOf("RunInstances")); n != 0 {
		t.Errorf("RunInstances calls = %d, want 0", n)
	}
	fc.Driver("gcp").Terminate(context.Background(), res.Cluster)
}

// A gang launch where EC2 ends a node during boot: the engine rolls the
// survivors back (verified by ListInstances) and moves to the next zone.
func TestProvisionPartialGangRolledBack(t *testing.T) {
	e := newEnv(t)
	e.proxy.Inject(moto.Fault{Region: east, Zone: eastAID, Kill: 1, Times: 1})
	p := plan(3, offering("aws", east, eastAID, 1.00), offering("aws", east, eastBID, 1.01))
	res, err := failover.Provision(context.Background(), p, []drivers.Driver{e.d}, failover.WithClusterName("e2e-gang"))
	if err != nil {
		t.Fatalf("Provision: %v", err)
	}
	if res.Cluster.Zone != eastBID || len(res.Cluster.Instances) != 3 {
		t.Errorf("cluster = %+v, want 3 instances in %s", res.Cluster, eastBID)
	}
	if a := res.Attempts[0]; a.Class != drivers.ClassCapacity || a.Code != "InsufficientInstanceCapacity" || a.Instances != 2 {
		t.Errorf("first attempt = %+v, want a capacity failure with 2 survivors", a)
	}
	if len(res.RolledBack) != 1 || len(res.RolledBack[0].Instances) != 2 {
		t.Errorf("rolled back = %+v, want the 2 survivors", res.RolledBack)
	}
	e.afterProvision(t, res)
}

// Cancelling Provision while RunInstances is in flight leaves nothing
// running on moto.
func TestProvisionCancelled(t *testing.T) {
	e := newEnv(t)
	fired := make(chan moto.Call, 1)
	e.proxy.Inject(moto.Fault{Hold: time.Minute, Fired: fired})
	ctx, cancel := context.WithCancel(context.Background())
	go func() { <-fired; cancel() }() // moto created the instances; the answer is held
	p := plan(2, offering("aws", east, eastAID, 1.00), offering("aws", west, westAID, 1.10))
	res, err := failover.Provision(ctx, p, []drivers.Driver{e.d}, failover.WithClusterName("e2e-cancel"))
	if err == nil {
		e.afterProvision(t, res)
		t.Fatal("a cancelled Provision succeeded")
	}
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Provision = %v, want context.Canceled", err)
	}
	if n := len(e.instances(context.Background())); n != 2 {
		t.Errorf("moto holds %d instances, want the 2 created (and terminated)", n)
	}
	if live := e.live(context.Background()); len(live) != 0 {
		t.Errorf("live instances after a cancelled Provision: %v", live)
	}
}
