package fake

import (
	"context"
	"errors"
	"fmt"
	"github.com/skyhop/skyhop/internal/benchcpu"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/skyhop/skyhop/catalog"
	"github.com/skyhop/skyhop/drivers"
	"github.com/skyhop/skyhop/internal/clock"
)

// testOfferings: GCP V100 in three zones of two regions, AWS p4d in two
// zones (on-demand and spot), Azure per region.
func testOfferings() []catalog.Offering {
	gcp := func(region, zone string) catalog.Offering {
		return catalog.Offering{Cloud: "gcp", InstanceType: "n1-highmem-8", Region: region, Zone: zone,
			Accelerator: "V100", AcceleratorCount: 1, Price: 2.95, SpotPrice: 0.9}
	}
	return []catalog.Offering{
		gcp("us-central1", "us-central1-b"), gcp("us-central1", "us-central1-a"), gcp("us-west1", "us-west1-a"),
		{Cloud: "aws", InstanceType: "p4d.24xlarge", Region: "us-east-1", Zone: "use1-az2", Accelerator: "A100", AcceleratorCount: 8, Price: 32.77, SpotPrice: 12},
		{Cloud: "aws", InstanceType: "p4d.24xlarge", Region: "us-east-1", Zone: "use1-az4", Accelerator: "A100", AcceleratorCount: 8, Price: 32.77},
		{Cloud: "aws", InstanceType: "m6i.large", Region: "us-west-2", Zone: "usw2-az1", Price: 0.096},
		{Cloud: "azure", InstanceType: "Standard_NC24ads_A100_v4", Region: "eastus", Accelerator: "A100", AcceleratorCount: 1, Price: 3.67, SpotPrice: 0.8},
	}
}

var (
	gcpReq   = drivers.LaunchRequest{ClusterName: "c1", InstanceType: "n1-highmem-8", Region: "us-central1", Zone: "us-central1-a"}
	awsReq   = drivers.LaunchRequest{ClusterName: "c1", InstanceType: "p4d.24xlarge", Region: "us-east-1", Zone: "use1-az2"}
	azureReq = drivers.LaunchRequest{ClusterName: "c1", InstanceType: "Standard_NC24ads_A100_v4", Region: "eastus"}
)

func newFake(t testing.TB, opts ...Option) *Clouds {
	t.Helper()
	return New(append([]Option{WithOfferings(testOfferings()...)}, opts...)...)
}

func asError(t testing.TB, err error) *drivers.Error {
	t.Helper()
	var de *drivers.Error
	if !errors.As(err, &de) {
		t.Fatalf("error %v (%T) is not a *drivers.Error", err, err)
	}
	return de
}

func TestLaunchSuccess(t *testing.T) {
	fc := newFake(t)
	req := awsReq
	req.Count = 3
	req.Labels = map[string]string{"team": "ml"}
	req.Token = "tok"
	cl, err := fc.Driver("aws").Launch(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if cl.Cloud != "aws" || cl.Region != "us-east-1" || cl.Zone != "use1-az2" || cl.Name != "c1" || cl.Token != "tok" || len(cl.Instances) != 3 {
		t.Fatalf("cluster = %+v", cl)
	}
	want := []string{"i-00000000000000001", "i-00000000000000002", "i-00000000000000003"}
	if got := cl.InstanceIDs(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("IDs = %v, want %v", got, want)
	}
	for _, in := range cl.Instances {
		if in.State != "running" || in.Zone != "use1-az2" || in.PrivateIP == "" || in.LaunchedAt.IsZero() {
			t.Fatalf("instance = %+v", in)
		}
	}
	inv := fc.Inventory()
	if len(inv) != 3 || inv[0].Cluster != "c1" || inv[0].Labels["team"] != "ml" || inv[0].Cloud != "aws" || inv[0].Token != "tok" {
		t.Fatalf("inventory = %+v", inv)
	}
	if err := fc.CheckNoLeaks(cl); err != nil {
		t.Fatal(err)
	}
}

func TestZoneResolution(t *testing.T) {
	fc := newFake(t)
	ctx := context.Background()
	// No zone: the first zone of the region offering the type, by name.
	req := gcpReq
	req.Zone = ""
	cl, err := fc.Driver("gcp").Launch(ctx, req)
	if err != nil || cl.Zone != "us-central1-a" {
		t.Fatalf("zone-less launch = %+v, %v", cl, err)
	}
	// Spot: only use1-az2 sells p4d spot.
	req = awsReq
	req.Zone, req.Spot = "", true
	cl, err = fc.Driver("aws").Launch(ctx, req)
	if err != nil || cl.Zone != "use1-az2" {
		t.Fatalf("spot launch = %+v, %v", cl, err)
	}
	// Azure priced per region: any zone of the region, or none.
	req = azureReq
	req.Zone = "2"
	cl, err = fc.Driver("azure").Launch(ctx, req)
	if err != nil || cl.Zone != "2" || cl.Instances[0].Zone != "2" {
		t.Fatalf("azure zonal launch = %+v, %v", cl, err)
	}
	cl, err = fc.Driver("azure").Launch(ctx, azureReq)
	if err != nil || cl.Zone != "" {
		t.Fatalf("azure launch = %+v, %v", cl, err)
	}
}

func TestUnsupported(t *testing.T) {
	fc := newFake(t, WithClouds("lambda"))
	ctx := context.Background()
	tests := []struct {
		name  string
		cloud string
		req   drivers.LaunchRequest
		code  string
		scope drivers.Scope
		msg   string
	}{
		{"aws type", "aws", drivers.LaunchRequest{InstanceType: "p5.48xlarge", Region: "us-east-1", Zone: "use1-az2"}, "Unsupported", drivers.ScopeZone, "Your requested instance type (p5.48xlarge) is not supported in your requested Availability Zone (use1-az2)"},
		{"aws zone", "aws", drivers.LaunchRequest{InstanceType: "p4d.24xlarge", Region: "us-east-1", Zone: "use1-az6"}, "Unsupported", drivers.ScopeZone, ""},
		{"aws spot", "aws", drivers.LaunchRequest{InstanceType: "p4d.24xlarge", Region: "us-east-1", Zone: "use1-az4", Spot: true}, "Unsupported", drivers.ScopeZone, ""},
		{"aws region", "aws", drivers.LaunchRequest{InstanceType: "p4d.24xlarge", Region: "eu-west-1"}, "Unsupported", drivers.ScopeZone, ""},
		{"gcp zone", "gcp", drivers.LaunchRequest{InstanceType: "n1-highmem-8", Region: "us-west1", Zone: "us-west1-b"}, "invalid", drivers.ScopeZone, "Machine type with name 'n1-highmem-8' does not exist in zone 'us-west1-b'"},
		{"gcp accelerator", "gcp", drivers.LaunchRequest{InstanceType: "n1-highmem-8", Region: "us-west1", Zone: "us-west1-a", Accelerator: "T4"}, "invalid", drivers.ScopeZone, ""},
		{"gcp accelerator count", "gcp", drivers.LaunchRequest{InstanceType: "n1-highmem-8", Region: "us-west1", Zone: "us-west1-a", Accelerator: "V100", AcceleratorCount: 2}, "invalid", drivers.ScopeZone, ""},
		{"azure", "azure", drivers.LaunchRequest{InstanceType: "Standard_ND96asr_v4", Region: "eastus"}, "SkuNotAvailable", drivers.ScopeRegion, "Capacity Restrictions: Standard_ND96asr_v4' is currently not available in location 'eastus'"},
		{"no table", "lambda", drivers.LaunchRequest{InstanceType: "gpu_1x_h100", Region: "us-east-1"}, "Unsupported", drivers.ScopeZone, "not offered"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cl, err := fc.Driver(tt.cloud).Launch(ctx, tt.req)
			if cl != nil {
				t.Fatalf("cluster %+v returned with an unsupported launch", cl)
			}
			de := asError(t, err)
			if de.Class != drivers.ClassUnsupported || de.EffectiveScope() != tt.scope || de.Code != tt.code || de.Cloud != tt.cloud || de.HTTPStatus == 0 {
				t.Fatalf("error = %+v", de)
			}
			if !strings.Contains(de.Message, tt.msg) {
				t.Fatalf("message %q lacks %q", de.Message, tt.msg)
			}
		})
	}
	if n := fc.LiveCount(); n != 0 {
		t.Fatalf("%d instances live", n)
	}
}

func TestFaultWindows(t *testing.T) {
	tests := []struct {
		name string
		f    Fault
		want string // per call: x = fails, . = succeeds
	}{
		{"always", Fault{Code: "ZONE_RESOURCE_POOL_EXHAUSTED"}, "xxxxx"},
		{"first 2", Fault{Code: "ZONE_RESOURCE_POOL_EXHAUSTED", Times: 2}, "xx..."},
		{"from 3", Fault{Code: "ZONE_RESOURCE_POOL_EXHAUSTED", From: 3}, "..xxx"},
		{"calls 2 and 3", Fault{Code: "ZONE_RESOURCE_POOL_EXHAUSTED", From: 2, Times: 2}, ".xx.."},
		{"other zone", Fault{Zone: "us-central1-b", Code: "ZONE_RESOURCE_POOL_EXHAUSTED"}, "....."},
		{"glob zone", Fault{Zone: "us-central1-?", Code: "ZONE_RESOURCE_POOL_EXHAUSTED"}, "xxxxx"},
		{"glob type", Fault{InstanceType: "n1-*", Code: "ZONE_RESOURCE_POOL_EXHAUSTED"}, "xxxxx"},
		{"class glob", Fault{Zone: "us-central1-[ab]", Code: "ZONE_RESOURCE_POOL_EXHAUSTED"}, "xxxxx"},
		{"other cloud", Fault{Cloud: "aws", Code: "InsufficientInstanceCapacity"}, "....."},
		{"spot only", Fault{Market: Spot, Code: "ZONE_RESOURCE_POOL_EXHAUSTED"}, "....."},
		{"on-demand only", Fault{Market: OnDemand, Code: "ZONE_RESOURCE_POOL_EXHAUSTED"}, "xxxxx"},
		{"terminate op", Fault{Op: OpTerminate, Code: "ZONE_RESOURCE_POOL_EXHAUSTED"}, "....."},
		{"delay only", Fault{Delay: time.Millisecond}, "....."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				fc := newFake(t, WithFaults(tt.f))
				var got strings.Builder
				for range len(tt.want) {
					cl, err := fc.Driver("gcp").Launch(context.Background(), gcpReq)
					switch {
					case err == nil && cl != nil:
						got.WriteByte('.')
					case err != nil && cl == nil:
						if de := asError(t, err); de.Class != drivers.ClassCapacity || de.EffectiveScope() != drivers.ScopeZone {
							t.Fatalf("error = %+v", de)
						}
						got.WriteByte('x')
					default:
						t.Fatalf("launch = %v, %v", cl, err)
					}
				}
				if got.String() != tt.want {
					t.Fatalf("calls = %s, want %s", got.String(), tt.want)
				}
			})
		})
	}
}

func TestFaultPriorityAndCounters(t *testing.T) {
	fc := newFake(t, WithFaults(
		Fault{Region: "us-central1", Code: "QUOTA_EXCEEDED", Times: 1},
		Fault{Code: "ZONE_RESOURCE_POOL_EXHAUSTED", Times: 2},
	))
	d := fc.Driver("gcp")
	var classes []string
	for range 4 {
		_, err := d.Launch(context.Background(), gcpReq)
		classes = append(classes, drivers.ClassOf(err).String()+fmt.Sprint(err == nil))
	}
	if want := "quotafalse capacityfalse unknowntrue unknowntrue"; strings.Join(classes, " ") != want {
		t.Fatalf("classes = %v, want %v", classes, want)
	}
	st := fc.Faults()
	if st[0].Matched != 4 || st[0].Fired != 1 || st[1].Matched != 4 || st[1].Fired != 2 {
		t.Fatalf("fault states = %+v", st)
	}
	calls := fc.Launches()
	if calls[0].Fault != 0 || calls[1].Fault != 1 || calls[2].Fault != -1 || calls[0].Code() != "QUOTA_EXCEEDED" || calls[1].Class() != drivers.ClassCapacity {
		t.Fatalf("calls = %v", calls)
	}
	fc.ClearFaults()
	if len(fc.Faults()) != 0 {
		t.Fatal("ClearFaults kept faults")
	}
}

func TestFaultClassification(t *testing.T) {
	tests := []struct {
		cloud string
		req   drivers.LaunchRequest
		f     Fault
		class drivers.Class
		scope drivers.Scope
		code  string
		stat  int
		msg   string
	}{
		{"aws", awsReq, Fault{Code: "InsufficientInstanceCapacity"}, drivers.ClassCapacity, drivers.ScopeZone, "InsufficientInstanceCapacity", 500, "sufficient p4d.24xlarge capacity in the Availability Zone you requested (use1-az2)"},
		{"aws", awsReq, Fault{Code: "VcpuLimitExceeded"}, drivers.ClassQuota, drivers.ScopeRegion, "VcpuLimitExceeded", 400, "vCPU limit"},
		{"aws", awsReq, Fault{Code: "UnauthorizedOperation"}, drivers.ClassPermission, drivers.ScopeCloud, "UnauthorizedOperation", 403, "not authorized"},
		{"aws", awsReq, Fault{Code: "RequestLimitExceeded"}, drivers.ClassThrottle, drivers.ScopeDefault, "RequestLimitExceeded", 503, "Request limit"},
		{"gcp", gcpReq, Fault{Code: "QUOTA_EXCEEDED", Message: "Quota 'GPUS_ALL_REGIONS' exceeded.  Limit: 0.0 globally."}, drivers.ClassQuota, drivers.ScopeCloud, "QUOTA_EXCEEDED", 403, "GPUS_ALL_REGIONS"},
		{"gcp", gcpReq, Fault{Code: "QUOTA_EXCEEDED"}, drivers.ClassQuota, drivers.ScopeRegion, "QUOTA_EXCEEDED", 403, "in region us-central1"},
		{"gcp", gcpReq, Fault{Code: "rateLimitExceeded", HTTPStatus: 403}, drivers.ClassThrottle, drivers.ScopeDefault, "rateLimitExceeded", 403, "Queries per minute"},
		{"azure", azureReq, Fault{Code: "OperationNotAllowed", HTTPStatus: 429}, drivers.ClassThrottle, drivers.ScopeDefault, "OperationNotAllowed", 429, "too many requests"},
		{"azure", azureReq, Fault{Code: "OperationNotAllowed"}, drivers.ClassQuota, drivers.ScopeRegion, "OperationNotAllowed", 429, "too many requests"},
		{"azure", azureReq, Fault{Code: "ZonalAllocationFailed"}, drivers.ClassCapacity, drivers.ScopeZone, "ZonalAllocationFailed", 200, "in this zone"},
		{"azure", azureReq, Fault{Code: "NewCode", HTTPStatus: 418}, drivers.ClassUnknown, drivers.ScopeRegion, "NewCode", 418, "fake azure fault NewCode"},
		{"gcp", gcpReq, Fault{Code: "X", Class: drivers.ClassCapacity, Scope: drivers.ScopeRegion, Message: "{type} in {zone} of {region} x{count}"}, drivers.ClassCapacity, drivers.ScopeRegion, "X", 0, "n1-highmem-8 in us-central1-a of us-central1 x1"},
	}
	for _, tt := range tests {
		t.Run(tt.cloud+"/"+tt.f.Code, func(t *testing.T) {
			fc := newFake(t, WithFaults(tt.f))
			_, err := fc.Driver(tt.cloud).Launch(context.Background(), tt.req)
			de := asError(t, err)
			// The Azure quota sample is found for 409; an explicit 429 wins.
			if tt.code == "OperationNotAllowed" && tt.f.HTTPStatus == 0 {
				tt.stat, tt.msg = 409, "Total Regional Cores quota"
			}
			if de.Class != tt.class || de.EffectiveScope() != tt.scope || de.Code != tt.code || de.HTTPStatus != tt.stat ||
				de.Cloud != tt.cloud || de.Region != tt.req.Region || de.Op != "launch" {
				t.Fatalf("error = %+v", de)
			}
			if !strings.Contains(de.Message, tt.msg) {
				t.Fatalf("message %q lacks %q", de.Message, tt.msg)
			}
		})
	}
}

func TestPartialGang(t *testing.T) {
	fc := newFake(t, WithFaults(Fault{Cloud: "gcp", Code: "VM_MIN_COUNT_NOT_REACHED", Created: 2, Times: 1}))
	d := fc.Driver("gcp")
	req := gcpReq
	req.Count = 4
	cl, err := d.Launch(context.Background(), req)
	if de := asError(t, err); de.Code != "VM_MIN_COUNT_NOT_REACHED" || !strings.Contains(de.Message, "minimum count of 4") {
		t.Fatalf("error = %+v", de)
	}
	if cl == nil || len(cl.Instances) != 2 {
		t.Fatalf("partial cluster = %+v", cl)
	}
	if err := fc.CheckNoLeaks(cl); err != nil {
		t.Fatal(err)
	}
	if calls := fc.Launches(); len(calls[0].InstanceIDs) != 2 || calls[0].Orphaned != 0 {
		t.Fatalf("call = %+v", calls[0])
	}
	if err := d.Terminate(context.Background(), cl); err != nil {
		t.Fatal(err)
	}
	if n := fc.LiveCount(); n != 0 {
		t.Fatalf("%d live after rollback", n)
	}
	// Created beyond the count is capped; All creates every node.
	fc = newFake(t, WithFaults(Fault{Code: "InsufficientInstanceCapacity", Created: All}))
	cl, err = fc.Driver("aws").Launch(context.Background(), drivers.LaunchRequest{ClusterName: "x", Count: 3, InstanceType: "m6i.large", Region: "us-west-2"})
	if err == nil || cl == nil || len(cl.Instances) != 3 {
		t.Fatalf("all-created launch = %+v, %v", cl, err)
	}
}

func TestOrphanLeakTrap(t *testing.T) {
	fc := newFake(t, WithFaults(Fault{Cloud: "aws", Code: "InternalError", Created: All, Orphan: true, Times: 1}))
	d := fc.Driver("aws")
	req := awsReq
	req.Count = 2
	cl, err := d.Launch(context.Background(), req)
	if cl != nil || drivers.ClassOf(err) != drivers.ClassTransient {
		t.Fatalf("orphaning launch = %+v, %v", cl, err)
	}
	if fc.LiveCount() != 2 {
		t.Fatalf("live = %d, want 2 orphans", fc.LiveCount())
	}
	if err := fc.CheckNoLeaks(); err == nil || !strings.Contains(err.Error(), `leaked aws us-east-1/use1-az2 i-00000000000000001 (p4d.24xlarge, cluster "c1")`) {
		t.Fatalf("CheckNoLeaks = %v", err)
	}
	if c := fc.Launches()[0]; c.Orphaned != 2 || len(c.InstanceIDs) != 2 {
		t.Fatalf("call = %+v", c)
	}
	// Only listing by cluster tag finds them.
	found, err := d.ListInstances(context.Background(), "c1", "")
	if err != nil || len(found) != 2 {
		t.Fatalf("ListInstances = %v, %v", found, err)
	}
	if err := d.Terminate(context.Background(), &drivers.Cluster{Name: "c1", Cloud: "aws", Region: "us-east-1", Instances: found}); err != nil {
		t.Fatal(err)
	}
	if err := fc.CheckNoLeaks(); err != nil {
		t.Fatal(err)
	}
}

func TestTerminate(t *testing.T) {
	ctx := context.Background()
	t.Run("idempotent", func(t *testing.T) {
		fc := newFake(t)
		d := fc.Driver("gcp")
		req := gcpReq
		req.Count = 3
		cl, err := d.Launch(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		part := *cl
		part.Instances = cl.Instances[:1]
		for _, c := range []*drivers.Cluster{&part, cl, cl, nil, {Name: "empty"}} {
			if err := d.Terminate(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		if fc.LiveCount() != 0 {
			t.Fatal("instances left")
		}
		calls := fc.Calls()
		if len(calls[1].InstanceIDs) != 1 || len(calls[2].InstanceIDs) != 2 || len(calls[3].InstanceIDs) != 0 {
			t.Fatalf("terminate calls = %v", calls)
		}
	})
	t.Run("fails N times", func(t *testing.T) {
		fc := newFake(t, WithFaults(Fault{Op: OpTerminate, Cloud: "aws", Code: "InternalError", Times: 2}))
		d := fc.Driver("aws")
		cl, _ := d.Launch(ctx, awsReq)
		for i := range 2 {
			err := d.Terminate(ctx, cl)
			if de := asError(t, err); de.Class != drivers.ClassTransient || de.Op != "terminate" {
				t.Fatalf("terminate %d = %+v", i, de)
			}
			if fc.LiveCount() != 1 {
				t.Fatal("a failed terminate deleted the instance")
			}
		}
		if err := d.Terminate(ctx, cl); err != nil || fc.LiveCount() != 0 {
			t.Fatalf("third terminate = %v, live %d", err, fc.LiveCount())
		}
	})
	t.Run("fails always", func(t *testing.T) {
		fc := newFake(t, WithFaults(Fault{Op: OpTerminate, Code: "UnauthorizedOperation"}))
		d := fc.Driver("aws")
		cl, _ := d.Launch(ctx, awsReq)
		for range 5 {
			if err := d.Terminate(ctx, cl); drivers.ClassOf(err) != drivers.ClassPermission {
				t.Fatalf("terminate = %v", err)
			}
		}
		if fc.LiveCount() != 1 {
			t.Fatal("instance gone")
		}
	})
	t.Run("hangs", func(t *testing.T) {
		fc := newFake(t, WithFaults(Fault{Op: OpTerminate, Hang: true}))
		d := fc.Driver("aws")
		cl, _ := d.Launch(ctx, awsReq)
		tctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
		defer cancel()
		err := d.Terminate(tctx, cl)
		if !errors.Is(err, context.DeadlineExceeded) || fc.LiveCount() != 1 {
			t.Fatalf("hung terminate = %v, live %d", err, fc.LiveCount())
		}
	})
	t.Run("other cloud", func(t *testing.T) {
		fc := newFake(t)
		cl, _ := fc.Driver("aws").Launch(ctx, awsReq)
		err := fc.Driver("gcp").Terminate(ctx, cl)
		if de := asError(t, err); de.Class != drivers.ClassInvalid || !strings.Contains(de.Message, "terminate it with the aws driver") {
			t.Fatalf("cross-cloud terminate = %v", err)
		}
		if fc.LiveCount() != 1 {
			t.Fatal("instance gone")
		}
	})
	t.Run("cancelled", func(t *testing.T) {
		fc := newFake(t)
		cl, _ := fc.Driver("aws").Launch(ctx, awsReq)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if err := fc.Driver("aws").Terminate(cctx, cl); !errors.Is(err, context.Canceled) || fc.LiveCount() != 1 {
			t.Fatalf("cancelled terminate = %v", err)
		}
	})
}

func TestIdempotency(t *testing.T) {
	ctx := context.Background()
	fc := newFake(t)
	d := fc.Driver("gcp")
	req := gcpReq
	req.Count, req.Token = 2, "prov-1/cand-3/try-0"
	a, err := d.Launch(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	b, err := d.Launch(ctx, req)
	if err != nil || fmt.Sprint(a.InstanceIDs()) != fmt.Sprint(b.InstanceIDs()) || a == b {
		t.Fatalf("replay = %+v, %v", b, err)
	}
	if fc.LiveCount() != 2 {
		t.Fatalf("live = %d after a replayed token", fc.LiveCount())
	}
	if calls := fc.Launches(); !calls[1].Replayed || calls[0].Replayed {
		t.Fatalf("calls = %v", calls)
	}
	// The replay reports current states.
	if err := d.Terminate(ctx, a); err != nil {
		t.Fatal(err)
	}
	c, _ := d.Launch(ctx, req)
	if c.Instances[0].State != "terminated" || fc.LiveCount() != 0 {
		t.Fatalf("replay after terminate = %+v", c)
	}
	// The same token for a different request is a client bug.
	other := req
	other.Zone = "us-central1-b"
	_, err = d.Launch(ctx, other)
	if de := asError(t, err); de.Class != drivers.ClassInvalid || de.Code != "IdempotentParameterMismatch" {
		t.Fatalf("mismatch = %+v", de)
	}
	// A launch that failed without creating anything does not keep its token.
	fc = newFake(t, WithFaults(Fault{Code: "ZONE_RESOURCE_POOL_EXHAUSTED", Times: 1}))
	d = fc.Driver("gcp")
	if _, err := d.Launch(ctx, req); err == nil {
		t.Fatal("fault did not fire")
	}
	if cl, err := d.Launch(ctx, req); err != nil || len(cl.Instances) != 2 {
		t.Fatalf("retry with the same token = %+v, %v", cl, err)
	}
	// A partial launch keeps it: the retry returns the same partial answer.
	fc = newFake(t, WithFaults(Fault{Code: "ZONE_RESOURCE_POOL_EXHAUSTED", Created: 1, Times: 1}))
	d = fc.Driver("gcp")
	p1, err1 := d.Launch(ctx, req)
	p2, err2 := d.Launch(ctx, req)
	if err1 == nil || err2 == nil || len(p1.Instances) != 1 || p2.Instances[0].ID != p1.Instances[0].ID || fc.LiveCount() != 1 {
		t.Fatalf("partial replay = %+v %v / %+v %v", p1, err1, p2, err2)
	}
}

func TestIdempotencyConcurrent(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fc := newFake(t, WithLatency(Latency{Launch: time.Minute}))
		d := fc.Driver("aws")
		req := awsReq
		req.Count, req.Token = 2, "same"
		const n = 8
		ids := make([]string, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				cl, err := d.Launch(context.Background(), req)
				if err != nil {
					t.Error(err)
					return
				}
				ids[i] = fmt.Sprint(cl.InstanceIDs())
			})
		}
		wg.Wait()
		for i := range ids {
			if ids[i] != ids[0] {
				t.Fatalf("launch %d got %s, launch 0 %s", i, ids[i], ids[0])
			}
		}
		if fc.LiveCount() != 2 {
			t.Fatalf("%d instances live after %d launches with one token", fc.LiveCount(), n)
		}
		replayed := 0
		for _, c := range fc.Launches() {
			if c.Replayed {
				replayed++
			}
		}
		if replayed != n-1 {
			t.Fatalf("%d replayed calls, want %d", replayed, n-1)
		}
	})
	// A waiter whose context ends gives up; a failed first launch lets the
	// waiter launch afresh.
	synctest.Test(t, func(t *testing.T) {
		fc := newFake(t, WithLatency(Latency{Launch: time.Minute}),
			WithFaults(Fault{Code: "InsufficientInstanceCapacity", Times: 1}))
		d := fc.Driver("aws")
		req := awsReq
		req.Token = "tok"
		errs := make(chan error, 3)
		go func() { _, err := d.Launch(context.Background(), req); errs <- err }()
		synctest.Wait()
		go func() { _, err := d.Launch(context.Background(), req); errs <- err }()
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		go func() { _, err := d.Launch(ctx, req); errs <- err }()
		var got []string
		for range 3 {
			err := <-errs
			switch {
			case err == nil:
				got = append(got, "ok")
			case errors.Is(err, context.DeadlineExceeded):
				got = append(got, "timeout")
			default:
				got = append(got, drivers.ClassOf(err).String())
			}
		}
		if strings.Join(got, " ") != "timeout capacity ok" {
			t.Fatalf("results = %v", got)
		}
		if fc.LiveCount() != 1 {
			t.Fatalf("%d live", fc.LiveCount())
		}
	})
}

func TestCancellation(t *testing.T) {
	t.Run("before", func(t *testing.T) {
		fc := newFake(t)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		cl, err := fc.Driver("gcp").Launch(ctx, gcpReq)
		if cl != nil || !errors.Is(err, context.Canceled) || fc.LiveCount() != 0 {
			t.Fatalf("launch = %v, %v", cl, err)
		}
		if calls := fc.Calls(); len(calls) != 1 || calls[0].Seq != 1 || calls[0].Err == nil {
			t.Fatalf("calls = %v", calls)
		}
	})
	t.Run("during latency", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			fc := newFake(t, WithLatency(Latency{Launch: time.Minute}))
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			cl, err := fc.Driver("gcp").Launch(ctx, gcpReq)
			if cl != nil || !errors.Is(err, context.DeadlineExceeded) || fc.LiveCount() != 0 {
				t.Fatalf("launch = %v, %v", cl, err)
			}
		})
	})
	t.Run("hang with created nodes", func(t *testing.T) {
		fc := newFake(t, WithFaults(Fault{Hang: true, Created: 1}))
		ctx, cancel := context.WithCancel(context.Background())
		go func() {
			for fc.LiveCount() == 0 {
				time.Sleep(time.Millisecond)
			}
			cancel()
		}()
		req := gcpReq
		req.Count = 3
		cl, err := fc.Driver("gcp").Launch(ctx, req)
		if !errors.Is(err, context.Canceled) || cl == nil || len(cl.Instances) != 1 {
			t.Fatalf("hung launch = %+v, %v", cl, err)
		}
		if err := fc.CheckNoLeaks(cl); err != nil {
			t.Fatal(err)
		}
	})
}

func TestLatencyManualClock(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clk := clock.NewManual(start)
	fc := newFake(t, WithClock(clk), WithLatency(Latency{Launch: 30 * time.Second}),
		WithFaults(Fault{Zone: "us-central1-a", Delay: 15 * time.Second}))
	done := make(chan error)
	go func() {
		_, err := fc.Driver("gcp").Launch(context.Background(), gcpReq)
		done <- err
	}()
	for clk.Sleepers() == 0 {
		time.Sleep(time.Millisecond)
	}
	clk.Advance(44 * time.Second)
	select {
	case err := <-done:
		t.Fatalf("launch returned early: %v", err)
	case <-time.After(10 * time.Millisecond):
	}
	clk.Advance(time.Second)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	c := fc.Launches()[0]
	if c.Duration() != 45*time.Second || !c.Start.Equal(start) {
		t.Fatalf("call took %v from %v", c.Duration(), c.Start)
	}
	if inv := fc.Inventory(); !inv[0].LaunchedAt.Equal(start.Add(45 * time.Second)) {
		t.Fatalf("LaunchedAt = %v", inv[0].LaunchedAt)
	}
}

func TestLatencySynctest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fc := newFake(t, WithLatency(Latency{Launch: time.Minute, Terminate: 20 * time.Second, List: time.Second, CheckCredentials: 2 * time.Second}))
		d := fc.Driver("aws")
		ctx := context.Background()
		t0 := time.Now()
		cl, err := d.Launch(ctx, awsReq)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := d.ListInstances(ctx, "c1", ""); err != nil {
			t.Fatal(err)
		}
		if err := d.CheckCredentials(ctx); err != nil {
			t.Fatal(err)
		}
		if err := d.Terminate(ctx, cl); err != nil {
			t.Fatal(err)
		}
		if got := time.Since(t0); got != 83*time.Second {
			t.Fatalf("took %v, want 83s", got)
		}
	})
}

func TestListInstances(t *testing.T) {
	ctx := context.Background()
	fc := newFake(t)
	d := fc.Driver("aws")
	a, _ := d.Launch(ctx, drivers.LaunchRequest{ClusterName: "a", Count: 2, InstanceType: "p4d.24xlarge", Region: "us-east-1", Zone: "use1-az4"})
	b, _ := d.Launch(ctx, drivers.LaunchRequest{ClusterName: "b", InstanceType: "m6i.large", Region: "us-west-2"})
	a2, _ := d.Launch(ctx, drivers.LaunchRequest{ClusterName: "a", InstanceType: "m6i.large", Region: "us-west-2"})
	fc.Driver("gcp").Launch(ctx, drivers.LaunchRequest{ClusterName: "a", InstanceType: "n1-highmem-8", Region: "us-west1"})
	tests := []struct {
		cluster, region string
		want            []string
	}{
		{"a", "", append(a.InstanceIDs(), a2.InstanceIDs()...)},
		{"a", "us-east-1", a.InstanceIDs()},
		{"a", "us-west-2", a2.InstanceIDs()},
		{"b", "", b.InstanceIDs()},
		{"b", "us-east-1", nil},
		{"nope", "", nil},
	}
	for _, tt := range tests {
		got, err := d.ListInstances(ctx, tt.cluster, tt.region)
		if err != nil {
			t.Fatal(err)
		}
		ids := make([]string, len(got))
		for i, in := range got {
			ids[i] = in.ID
		}
		if fmt.Sprint(ids) != fmt.Sprint(tt.want) {
			t.Errorf("ListInstances(%q, %q) = %v, want %v", tt.cluster, tt.region, ids, tt.want)
		}
	}
	// A list fault.
	fc.AddFault(Fault{Op: OpList, Region: "us-east-1", Code: "RequestLimitExceeded"})
	if _, err := d.ListInstances(ctx, "a", "us-east-1"); drivers.ClassOf(err) != drivers.ClassThrottle {
		t.Fatalf("list fault = %v", err)
	}
	if _, err := d.ListInstances(ctx, "a", ""); err != nil {
		t.Fatalf("list elsewhere = %v", err)
	}
}

func TestCheckCredentials(t *testing.T) {
	fc := newFake(t, WithFaults(Fault{Op: OpCheckCredentials, Cloud: "gcp", Code: "authError"}))
	if err := fc.Driver("aws").CheckCredentials(context.Background()); err != nil {
		t.Fatal(err)
	}
	err := fc.Driver("gcp").CheckCredentials(context.Background())
	if de := asError(t, err); de.Class != drivers.ClassPermission || de.EffectiveScope() != drivers.ScopeCloud || de.HTTPStatus != 401 {
		t.Fatalf("check = %+v", de)
	}
}

func TestDriversAndClouds(t *testing.T) {
	fc := newFake(t, WithClouds("lambda"))
	if got := fmt.Sprint(fc.CloudNames()); got != "[aws azure gcp lambda]" {
		t.Fatalf("CloudNames = %s", got)
	}
	ds := fc.Drivers()
	if len(ds) != 4 || ds[0].Cloud() != "aws" || ds[3].Cloud() != "lambda" {
		t.Fatalf("Drivers = %v", ds)
	}
	m := fc.DriverMap()
	if m["gcp"].(*Driver) != fc.Driver("gcp") || fc.Driver("gcp").Clouds() != fc {
		t.Fatal("DriverMap / Driver disagree")
	}
}

func TestValidate(t *testing.T) {
	bad := []Fault{
		{Zone: "[", Code: "X"},
		{From: -1, Code: "X"},
		{Times: -1},
		{Delay: -time.Second},
		{Created: 2},
		{Created: -2, Code: "X"},
		{Op: OpTerminate, Created: 1, Code: "X"},
		{Orphan: true, Code: "X"},
		{Message: "m"},
		{HTTPStatus: 1000, Code: "X"},
		{Op: Op(9)},
		{Market: Market(7)},
	}
	for _, f := range bad {
		if err := f.Validate(); err == nil {
			t.Errorf("Validate(%+v) = nil", f)
		}
	}
	fc := New()
	if err := fc.AddFault(bad[0]); err == nil {
		t.Error("AddFault took a bad fault")
	}
	defer func() {
		if recover() == nil {
			t.Error("New did not panic on a bad fault")
		}
	}()
	New(WithFaults(bad[1]))
}

func TestStrings(t *testing.T) {
	f := Fault{Cloud: "gcp", Zone: "us-central1-*", Market: Spot, From: 2, Times: 3, Code: "ZONE_RESOURCE_POOL_EXHAUSTED"}
	if got, want := f.String(), "launch gcp * us-central1-* * spot calls 2..4: ZONE_RESOURCE_POOL_EXHAUSTED"; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
	for _, tt := range []struct {
		f    Fault
		want string
	}{{Fault{Op: OpTerminate, Hang: true}, "terminate * * * *: hang"}, {Fault{Delay: time.Second, From: 3}, "launch * * * * calls 3..: delay 1s"}} {
		if got := tt.f.String(); got != tt.want {
			t.Errorf("String = %q, want %q", got, tt.want)
		}
	}
	for i, n := range opNames {
		if op, err := ParseOp(n); err != nil || op != Op(i) || op.String() != n {
			t.Errorf("ParseOp(%q) = %v, %v", n, op, err)
		}
	}
	if _, err := ParseOp("reboot"); err == nil {
		t.Error("ParseOp took reboot")
	}
	if Op(9).String() != "Op(9)" || AnyMarket.String() != "any" || OnDemand.String() != "on-demand" {
		t.Error("String of Op or Market")
	}
}

func TestConcurrentUse(t *testing.T) {
	fc := newFake(t, WithFaults(Fault{Cloud: "gcp", Zone: "us-central1-a", Code: "ZONE_RESOURCE_POOL_EXHAUSTED", From: 10}))
	const n = 64
	var wg sync.WaitGroup
	clusters := make([]*drivers.Cluster, n)
	for i := range n {
		wg.Go(func() {
			ctx := context.Background()
			d := fc.Driver([]string{"aws", "gcp", "azure"}[i%3])
			req := map[string]drivers.LaunchRequest{"aws": awsReq, "gcp": gcpReq, "azure": azureReq}[d.Cloud()]
			req.ClusterName = fmt.Sprintf("c%d", i)
			req.Count = 1 + i%3
			cl, err := d.Launch(ctx, req)
			if err != nil {
				if drivers.ClassOf(err) != drivers.ClassCapacity {
					t.Error(err)
				}
				return
			}
			if got, err := d.ListInstances(ctx, req.ClusterName, ""); err != nil || len(got) != req.Count {
				t.Errorf("list %s = %d, %v", req.ClusterName, len(got), err)
			}
			clusters[i] = cl
		})
	}
	wg.Wait()
	if err := fc.CheckNoLeaks(clusters...); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, li := range fc.Inventory() {
		if seen[li.Cloud+li.ID] {
			t.Fatalf("duplicate ID %s", li.ID)
		}
		seen[li.Cloud+li.ID] = true
	}
	for i, cl := range clusters {
		if cl != nil {
			if err := fc.Driver(cl.Cloud).Terminate(context.Background(), cl); err != nil {
				t.Fatal(i, err)
			}
		}
	}
	if fc.LiveCount() != 0 {
		t.Fatal("instances left")
	}
	calls := fc.Calls()
	for i := range calls {
		if calls[i].Seq != i+1 {
			t.Fatalf("call %d has Seq %d", i, calls[i].Seq)
		}
	}
}

// A successful one-node launch, call log on. The fake is renewed every
// 4096 launches (outside the timer) so that the inventory stays small.
func BenchmarkLaunch(b *testing.B) {
	var fc *Clouds
	var d *Driver
	ctx := context.Background()
	b.ReportAllocs()
	defer benchcpu.Report(b, benchcpu.Now())
	for i := 0; b.Loop(); i++ {
		if i%4096 == 0 {
			b.StopTimer()
			fc = New(WithOfferings(testOfferings()...))
			d = fc.Driver("gcp")
			b.StartTimer()
		}
		if _, err := d.Launch(ctx, gcpReq); err != nil {
			b.Fatal(err)
		}
	}
}

// A launch that a fault refuses (the engine's failover path), call log on.
func BenchmarkLaunchFault(b *testing.B) {
	var fc *Clouds
	var d *Driver
	ctx := context.Background()
	b.ReportAllocs()
	defer benchcpu.Report(b, benchcpu.Now())
	for i := 0; b.Loop(); i++ {
		if i%4096 == 0 {
			b.StopTimer()
			fc = New(WithOfferings(testOfferings()...), WithFaults(
				Fault{Cloud: "aws", Code: "InsufficientInstanceCapacity"},
				Fault{Cloud: "gcp", Region: "us-central1", Zone: "us-central1-*", Code: "ZONE_RESOURCE_POOL_EXHAUSTED"},
			))
			d = fc.Driver("gcp")
			b.StartTimer()
		}
		if _, err := d.Launch(ctx, gcpReq); err == nil {
			b.Fatal("no fault")
		}
	}
}

// The same without the call log.
func BenchmarkLaunchFaultNoLog(b *testing.B) {
	fc := New(WithOfferings(testOfferings()...), WithoutCallLog(), WithFaults(
		Fault{Cloud: "gcp", Region: "us-central1", Zone: "us-central1-*", Code: "ZONE_RESOURCE_POOL_EXHAUSTED"},
	))
	d := fc.Driver("gcp")
	ctx := context.Background()
	b.ReportAllocs()
	defer benchcpu.Report(b, benchcpu.Now())
	for b.Loop() {
		if _, err := d.Launch(ctx, gcpReq); err == nil {
			b.Fatal("no fault")
		}
	}
}

// Launch two nodes, then terminate them: the full cycle, in a steady state
// (call log off and no token, so that nothing grows: the fake keeps every
// token that created instances for its lifetime).
func BenchmarkLaunchTerminate(b *testing.B) {
	fc := New(WithOfferings(testOfferings()...), WithoutCallLog())
	d := fc.Driver("aws")
	ctx := context.Background()
	req := awsReq
	req.Count = 2
	b.ReportAllocs()
	defer benchcpu.Report(b, benchcpu.Now())
	for b.Loop() {
		cl, err := d.Launch(ctx, req)
		if err != nil {
			b.Fatal(err)
		}
		if err := d.Terminate(ctx, cl); err != nil {
			b.Fatal(err)
		}
	}
}

func TestResetCalls(t *testing.T) {
	fc := newFake(t)
	ctx := context.Background()
	d := fc.Driver("gcp")
	if _, err := d.Launch(ctx, gcpReq); err != nil {
		t.Fatal(err)
	}
	fc.ResetCalls()
	if calls := fc.Calls(); len(calls) != 0 {
		t.Fatalf("Calls() after ResetCalls = %+v, want none", calls)
	}
	// The numbering goes on, and the inventory is untouched.
	if _, err := d.ListInstances(ctx, "c1", ""); err != nil {
		t.Fatal(err)
	}
	calls := fc.Calls()
	if len(calls) != 1 || calls[0].Op != OpList || calls[0].Seq != 2 {
		t.Errorf("Calls() = %+v, want one list call numbered 2", calls)
	}
	if n := fc.LiveCount(); n != 1 {
		t.Errorf("LiveCount() = %d after ResetCalls, want 1", n)
	}
}
