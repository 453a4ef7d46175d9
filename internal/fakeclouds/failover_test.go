package fakeclouds_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/skyhop/skyhop/catalog"
	"github.com/skyhop/skyhop/drivers"
	"github.com/skyhop/skyhop/failover"
	"github.com/skyhop/skyhop/internal/fakeclouds"
	"github.com/skyhop/skyhop/internal/gcefake"
	"github.com/skyhop/skyhop/optimizer"
)

func candidate(o catalog.Offering, spot bool, nodes int) optimizer.Candidate {
	c := optimizer.Candidate{Offering: &o, Market: catalog.OnDemand, Nodes: nodes, HourlyPrice: o.Price}
	if spot {
		c.Market, c.HourlyPrice = catalog.Spot, o.SpotPrice
	}
	c.TotalHourly = c.HourlyPrice * float64(nodes)
	return c
}

// storyPlan: three GCP zones in us-central1, two in us-west1, one in
// europe-west4, then Azure eastus, in price order.
func storyPlan(nodes int) *optimizer.Plan {
	p := &optimizer.Plan{NumNodes: nodes, Hours: 1}
	price := 0.8
	for _, z := range []string{"us-central1-a", "us-central1-b", "us-central1-c", "us-west1-a", "us-west1-b", "europe-west4-a"} {
		price += 0.01
		p.Candidates = append(p.Candidates, candidate(catalog.Offering{Cloud: "gcp", InstanceType: "n1-highmem-8",
			Region: z[:strings.LastIndexByte(z, '-')], Zone: z, VCPUs: 8, MemoryGiB: 52, Accelerator: "V100", AcceleratorCount: 1,
			Price: 2.95, SpotPrice: price}, true, nodes))
	}
	p.Candidates = append(p.Candidates, candidate(catalog.Offering{Cloud: "azure", InstanceType: "Standard_NC24ads_A100_v4",
		Region: "eastus", VCPUs: 24, MemoryGiB: 220, Accelerator: "A100-80GB", AcceleratorCount: 1, Price: 3.67, SpotPrice: 0.98}, true, nodes))
	return p
}

// TestFailoverGCPToAzure is the end-to-end story through the real
// drivers and SDKs: every us-central1 zone answers
// ZONE_RESOURCE_POOL_EXHAUSTED, us-west1 answers the global GPU quota
// (which blocks all of GCP), and the cluster comes up on Azure, with
// nothing left on the GCE fake and, after Terminate, nothing on the Azure
// fake.
func TestFailoverGCPToAzure(t *testing.T) {
	for _, nodes := range []int{1, 2} {
		t.Run(fmt.Sprintf("nodes=%d", nodes), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
			defer cancel()
			fc, err := fakeclouds.Start(ctx, fakeclouds.WithPollInterval(time.Millisecond))
			if err != nil {
				t.Fatal(err)
			}
			defer fc.Close()
			fc.Story("us-central1")

			var events []string
			res, err := failover.Provision(ctx, storyPlan(nodes), fc.Drivers(),
				failover.WithClusterName("story"), failover.WithSeed(1),
				failover.WithEvents(func(e failover.Event) {
					switch e.Kind {
					case failover.EventAttemptFailed:
						events = append(events, fmt.Sprintf("failed %s/%s %v %s", e.Candidate.Offering.Cloud, e.Candidate.Offering.Zone, e.Class, e.Code))
					case failover.EventSkipped:
						events = append(events, fmt.Sprintf("skipped %s/%s", e.Candidate.Offering.Cloud, e.Candidate.Offering.Zone))
					}
				}))
			if err != nil {
				t.Fatalf("Provision: %v\nevents: %s", err, strings.Join(events, "\n"))
			}
			want := []string{
				"failed gcp/us-central1-a capacity ZONE_RESOURCE_POOL_EXHAUSTED",
				"failed gcp/us-central1-b capacity ZONE_RESOURCE_POOL_EXHAUSTED",
				"failed gcp/us-central1-c capacity ZONE_RESOURCE_POOL_EXHAUSTED",
				"failed gcp/us-west1-a quota QUOTA_EXCEEDED",
				"skipped gcp/us-west1-b",
				"skipped gcp/europe-west4-a",
			}
			if !slices.Equal(events, want) {
				t.Errorf("events:\n%s\nwant:\n%s", strings.Join(events, "\n"), strings.Join(want, "\n"))
			}
			if res.Cluster.Cloud != "azure" || len(res.Cluster.Instances) != nodes {
				t.Fatalf("cluster = %+v, want %d nodes on azure", res.Cluster, nodes)
			}
			for _, in := range res.Cluster.Instances {
				if in.State != "running" || in.PrivateIP == "" || in.PublicIP == "" {
					t.Errorf("instance %+v: want running with addresses", in)
				}
			}
			var quota *drivers.Error
			for _, a := range res.Attempts {
				if errors.As(a.Err, &quota) && quota.Class == drivers.ClassQuota {
					break
				}
				quota = nil
			}
			if quota == nil || quota.EffectiveScope() != drivers.ScopeCloud {
				t.Errorf("the GCP quota error %v should reach the whole cloud", quota)
			}
			if left := fc.GCE.Instances(); len(left) != 0 {
				t.Errorf("instances left on the GCE fake: %+v", left)
			}
			// On Azure: the cluster's VMs, NICs, IPs and disks only.
			if got := len(fc.Azure.Billable()); got != 4*nodes {
				t.Errorf("azure holds %d billable resources, want %d: %v", got, 4*nodes, fc.Leftovers())
			}
			listed, err := fc.AzureDriver.ListInstances(ctx, res.ClusterName, "")
			if err != nil || len(listed) != nodes {
				t.Errorf("ListInstances(%q) = %v, %v; want %d", res.ClusterName, listed, err, nodes)
			}
			if err := fc.AzureDriver.Terminate(ctx, res.Cluster); err != nil {
				t.Fatalf("Terminate: %v", err)
			}
			if left := fc.Leftovers(); len(left) != 0 {
				t.Errorf("left after Terminate: %v", left)
			}
		})
	}
}

// TestPartialGCPGangRolledBack: a 3-node GCP launch whose second insert
// fails leaves a partial cluster that the engine rolls back (verified by
// listing) before it moves on to Azure.
func TestPartialGCPGangRolledBack(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	fc, err := fakeclouds.Start(ctx, fakeclouds.WithPollInterval(time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	defer fc.Close()
	fc.Story("us-central1")
	fc.GCE.ClearFaults()
	plan := storyPlan(3)
	plan.Candidates = []optimizer.Candidate{plan.Candidates[0], plan.Candidates[len(plan.Candidates)-1]}
	fc.GCE.AddFault(gcefakeFault("us-central1-a"))
	res, err := failover.Provision(ctx, plan, fc.Drivers(), failover.WithClusterName("gang"))
	if err != nil {
		t.Fatalf("Provision: %v", err)
	}
	if res.Cluster.Cloud != "azure" || len(res.RolledBack) != 1 || len(res.RolledBack[0].Instances) != 2 {
		t.Errorf("cluster on %s, rolled back %v; want azure after rolling back 2 GCP nodes", res.Cluster.Cloud, res.RolledBack)
	}
	if left := fc.GCE.Instances(); len(left) != 0 {
		t.Errorf("GCE instances left: %+v", left)
	}
	if err := fc.AzureDriver.Terminate(ctx, res.Cluster); err != nil {
		t.Fatal(err)
	}
	if left := fc.Leftovers(); len(left) != 0 {
		t.Errorf("left: %v", left)
	}
}

// gcefakeFault fails the second insert in zone (the first and third pass).
func gcefakeFault(zone string) gcefake.Fault {
	return gcefake.Fault{Zone: zone, Code: "ZONE_RESOURCE_POOL_EXHAUSTED", After: 1, Times: 1}
}
