package gcp_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/skyhop/skyhop/drivers"
	"github.com/skyhop/skyhop/drivers/gcp"
	"github.com/skyhop/skyhop/internal/gcefake"
)

var gceName = regexp.MustCompile(`^[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$`)

func TestNames(t *testing.T) {
	for _, cluster := range []string{"train", "My_Cluster.v2", "9lives", "", strings.Repeat("x", 100), "a--b--", "ÜBER-job"} {
		for i := range 3 {
			n := gcp.InstanceName(cluster, "tok", i)
			if !gceName.MatchString(n) {
				t.Errorf("InstanceName(%q, %d) = %q: not a valid GCE name", cluster, i, n)
			}
			if n != gcp.InstanceName(cluster, "tok", i) || n == gcp.InstanceName(cluster, "tok2", i) {
				t.Errorf("InstanceName(%q, %d) is not a deterministic function of the token", cluster, i)
			}
		}
	}
	id := gcp.RequestID("tok", 0)
	if u, err := uuid.Parse(id); err != nil || u.Version() != 5 {
		t.Errorf("RequestID = %q (%v): want a name-based UUID", id, err)
	}
	if id != gcp.RequestID("tok", 0) || id == gcp.RequestID("tok", 1) || id == gcp.RequestID("tok2", 0) {
		t.Error("RequestID is not deterministic per token and node")
	}
	for in, want := range map[string]string{"Train-1": "train-1", "a b/c": "a-b-c", "ok_value": "ok_value", strings.Repeat("A", 70): strings.Repeat("a", 63)} {
		if got := gcp.LabelValue(in); got != want {
			t.Errorf("LabelValue(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestInsertBody checks what reaches the wire: spot scheduling, GPUs on n1
// hosts only, labels sanitised (the fake validates GCE's label rules).
func TestInsertBody(t *testing.T) {
	d, srv := newDriver(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		req    drivers.LaunchRequest
		market string
		accs   map[string]int
	}{
		{"spot n1 with V100", drivers.LaunchRequest{ClusterName: "Job.One", InstanceType: "n1-highmem-8", Region: "us-central1", Zone: "us-central1-a",
			Accelerator: "V100", AcceleratorCount: 2, Spot: true, Labels: map[string]string{"Team": "ML Research", "1x": "y"}},
			gcefake.Spot, map[string]int{"nvidia-tesla-v100": 2}},
		{"on-demand a2 carries its GPU", drivers.LaunchRequest{ClusterName: "a2", InstanceType: "a2-highgpu-1g", Region: "us-central1", Zone: "us-central1-b",
			Accelerator: "A100", AcceleratorCount: 1}, gcefake.Standard, map[string]int{}},
		{"T4 on n1-standard-4", drivers.LaunchRequest{ClusterName: "t4", InstanceType: "n1-standard-4", Region: "us-east1", Zone: "us-east1-c",
			Accelerator: "T4", AcceleratorCount: 1}, gcefake.Standard, map[string]int{"nvidia-tesla-t4": 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.req.Token = tc.name
			cl, err := d.Launch(ctx, tc.req)
			if err != nil {
				t.Fatalf("Launch: %v", err)
			}
			defer d.Terminate(ctx, cl)
			ins := srv.Labelled(gcp.ClusterLabel, gcp.LabelValue(tc.req.ClusterName))
			if len(ins) != 1 {
				t.Fatalf("fake holds %d instances of the cluster", len(ins))
			}
			in := ins[0]
			if in.Market != tc.market || fmt.Sprint(in.Accelerators) != fmt.Sprint(tc.accs) || in.MachineType != tc.req.InstanceType {
				t.Errorf("instance = market %s, accelerators %v, type %s; want %s, %v, %s", in.Market, in.Accelerators, in.MachineType, tc.market, tc.accs, tc.req.InstanceType)
			}
			if in.RequestID != gcp.RequestID(tc.req.Token, 0) {
				t.Errorf("requestId = %q, want the token's", in.RequestID)
			}
			if cl.Instances[0].PublicIP != in.NatIP || cl.Instances[0].PrivateIP != in.NetworkIP || cl.Instances[0].LaunchedAt.IsZero() {
				t.Errorf("cluster instance %+v does not carry the fake's addresses %s/%s and time", cl.Instances[0], in.NetworkIP, in.NatIP)
			}
		})
	}
}

func TestRefusedBeforeAnyCall(t *testing.T) {
	d, srv := newDriver(t)
	for _, tc := range []struct {
		name  string
		req   drivers.LaunchRequest
		class drivers.Class
	}{
		{"no zone", drivers.LaunchRequest{InstanceType: "n1-standard-4", Region: "us-central1"}, drivers.ClassUnsupported},
		{"TPU", drivers.LaunchRequest{InstanceType: "TPU", Region: "us-central1", Zone: "us-central1-a", Accelerator: "tpu-v4-8"}, drivers.ClassUnsupported},
		{"unknown GPU on n1", drivers.LaunchRequest{InstanceType: "n1-standard-4", Region: "us-central1", Zone: "us-central1-a", Accelerator: "X9", AcceleratorCount: 1}, drivers.ClassUnsupported},
		{"fractional GPU", drivers.LaunchRequest{InstanceType: "n1-standard-4", Region: "us-central1", Zone: "us-central1-a", Accelerator: "T4", AcceleratorCount: 0.5}, drivers.ClassUnsupported},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := d.Launch(context.Background(), tc.req)
			if drivers.ClassOf(err) != tc.class {
				t.Errorf("Launch = %v, want class %v", err, tc.class)
			}
		})
	}
	if n := srv.Calls(gcefake.OpInsert); n != 0 {
		t.Errorf("%d inserts sent for refused requests", n)
	}
}

// TestSlowOperation: operations that need several polls are waited for;
// one that outlives the operation timeout fails as TIMEOUT and its
// instance comes back for the caller to terminate.
func TestSlowOperation(t *testing.T) {
	srv := gcefake.New(gcefake.WithPollsToDone(3))
	defer srv.Close()
	d, err := gcp.New(context.Background(), gcp.WithProject(project), gcp.WithEndpoint(srv.URL()), gcp.WithPollInterval(time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	req := v100
	cl, err := d.Launch(context.Background(), req)
	if err != nil || cl.Instances[0].State != "running" {
		t.Fatalf("Launch = %+v, %v", cl, err)
	}
	if n := srv.Calls(gcefake.OpPoll); n != 3 {
		t.Errorf("%d polls, want 3", n)
	}
	if err := d.Terminate(context.Background(), cl); err != nil {
		t.Fatal(err)
	}

	slow := gcefake.New(gcefake.WithPollsToDone(1 << 20))
	defer slow.Close()
	d2, err := gcp.New(context.Background(), gcp.WithProject(project), gcp.WithEndpoint(slow.URL()),
		gcp.WithPollInterval(time.Millisecond), gcp.WithOperationTimeout(30*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	req.Token = "slow"
	cl, err = d2.Launch(context.Background(), req)
	var de *drivers.Error
	if !errors.As(err, &de) || de.Code != "TIMEOUT" || de.Class != drivers.ClassUnknown {
		t.Fatalf("Launch = %v, want TIMEOUT", err)
	}
	if cl == nil || len(cl.Instances) != 1 {
		t.Fatalf("a timed-out launch must return the instance it may have made, got %+v", cl)
	}
	slow.SetPollsToDone(1)
	if err := d2.Terminate(context.Background(), cl); err != nil {
		t.Fatal(err)
	}
	if left := slow.Instances(); len(left) != 0 {
		t.Errorf("left: %+v", left)
	}
}

// TestCancelDuringWait: cancelling while the operations run returns the
// nodes whose inserts were accepted, and terminating them leaves nothing.
func TestCancelDuringWait(t *testing.T) {
	srv := gcefake.New(gcefake.WithPollsToDone(1 << 20))
	defer srv.Close()
	d, err := gcp.New(context.Background(), gcp.WithProject(project), gcp.WithEndpoint(srv.URL()), gcp.WithPollInterval(time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req := v100
	req.Count = 2
	cl, err := d.Launch(ctx, req)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Launch = %v, want the context's error", err)
	}
	if cl == nil || len(cl.Instances) != 2 {
		t.Fatalf("cluster = %+v, want both accepted nodes", cl)
	}
	srv.SetPollsToDone(1)
	if err := d.Terminate(context.Background(), cl); err != nil {
		t.Fatal(err)
	}
	if left := srv.Instances(); len(left) != 0 {
		t.Errorf("left: %+v", left)
	}
}

// TestListByRegion: ListInstances narrows by region and ignores other
// clusters.
func TestListByRegion(t *testing.T) {
	d, _ := newDriver(t)
	ctx := context.Background()
	var clusters []*drivers.Cluster
	for _, z := range []string{"us-central1-a", "us-west1-b"} {
		req := v100
		req.Zone, req.Region, req.Token = z, z[:len(z)-2], z
		cl, err := d.Launch(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		clusters = append(clusters, cl)
	}
	for region, want := range map[string]int{"": 2, "us-central1": 1, "us-west1": 1, "europe-west4": 0} {
		got, err := d.ListInstances(ctx, v100.ClusterName, region)
		if err != nil || len(got) != want {
			t.Errorf("ListInstances(%q) = %v, %v; want %d", region, got, err, want)
		}
	}
	if got, _ := d.ListInstances(ctx, "other", ""); len(got) != 0 {
		t.Errorf("ListInstances(other) = %v", got)
	}
	for _, cl := range clusters {
		if err := d.Terminate(ctx, cl); err != nil {
			t.Fatal(err)
		}
	}
}

func TestNewNeedsProject(t *testing.T) {
	t.Setenv("GOOGLE_CLOUD_PROJECT", "")
	t.Setenv("CLOUDSDK_CORE_PROJECT", "")
	t.Setenv("GCLOUD_PROJECT", "")
	if _, err := gcp.New(context.Background(), gcp.WithEndpoint("http://127.0.0.1:1")); err == nil || !strings.Contains(err.Error(), "WithProject") {
		t.Errorf("New without a project = %v", err)
	}
}

func BenchmarkInstanceName(b *testing.B) {
	b.ReportAllocs()
	for i := range b.N {
		_ = gcp.InstanceName("my-training-cluster", "prov-1/c3/t0", i&7)
	}
}

// BenchmarkLaunchTerminate is one single-node round trip through the SDK
// and the local server (insert, one poll, get, delete, one poll).
func BenchmarkLaunchTerminate(b *testing.B) {
	d, _ := newDriver(b)
	ctx := context.Background()
	b.ReportAllocs()
	for i := range b.N {
		req := v100
		req.Token = fmt.Sprint(i)
		cl, err := d.Launch(ctx, req)
		if err != nil {
			b.Fatal(err)
		}
		if err := d.Terminate(ctx, cl); err != nil {
			b.Fatal(err)
		}
	}
}
