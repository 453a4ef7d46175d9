package azure_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/skyhop/skyhop/drivers"
	"github.com/skyhop/skyhop/drivers/azure"
	"github.com/skyhop/skyhop/internal/azurefake"
)

var vmName = regexp.MustCompile(`^[a-z][-a-z0-9]{0,62}[a-z0-9]$`)

func TestVMName(t *testing.T) {
	for _, cluster := range []string{"train", "My_Cluster.v2", "9lives", "", strings.Repeat("x", 100), "ÜBER job"} {
		n := azure.VMName(cluster, "tok", 3)
		if !vmName.MatchString(n) || len(n+"-osdisk") > 80 {
			t.Errorf("VMName(%q) = %q: not a valid VM name", cluster, n)
		}
		if n != azure.VMName(cluster, "tok", 3) || n == azure.VMName(cluster, "tok2", 3) {
			t.Errorf("VMName(%q) is not a deterministic function of the token", cluster)
		}
	}
}

func get(m map[string]any, keys ...string) any {
	var v any = m
	for _, k := range keys {
		mm, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = mm[k]
	}
	return v
}

// TestCreateBody checks what reaches the wire: spot with eviction policy
// Delete and max price -1, the zone, the tags, the deleteOptions, the SSH
// key, the NIC and the public IP.
func TestCreateBody(t *testing.T) {
	d, srv := newDriver(t)
	ctx := context.Background()
	req := a100
	req.Zone = "2"
	req.Labels = map[string]string{"team": "ml"}
	cl, err := d.Launch(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	var vm azurefake.Resource
	for _, r := range srv.Tagged(azure.ClusterTag, req.ClusterName) {
		if r.Type == azurefake.VirtualMachines {
			vm = r
		}
	}
	b := vm.Body
	for _, c := range []struct {
		what string
		got  any
		want string
	}{
		{"priority", get(b, "properties", "priority"), "Spot"},
		{"evictionPolicy", get(b, "properties", "evictionPolicy"), "Delete"},
		{"maxPrice", get(b, "properties", "billingProfile", "maxPrice"), "-1"},
		{"vmSize", get(b, "properties", "hardwareProfile", "vmSize"), req.InstanceType},
		{"zones", get(b, "zones"), "[2]"},
		{"osDisk.deleteOption", get(b, "properties", "storageProfile", "osDisk", "deleteOption"), "Delete"},
		{"osDisk.name", get(b, "properties", "storageProfile", "osDisk", "name"), vm.Name + "-osdisk"},
		{"image", get(b, "properties", "storageProfile", "imageReference", "offer"), "ubuntu-24_04-lts"},
		{"ssh", get(b, "properties", "osProfile", "linuxConfiguration", "disablePasswordAuthentication"), "true"},
		{"tag team", get(b, "tags", "team"), "ml"},
		{"provisioningState", get(b, "properties", "provisioningState"), "Succeeded"},
	} {
		if fmt.Sprint(c.got) != c.want {
			t.Errorf("%s = %v, want %s", c.what, c.got, c.want)
		}
	}
	nics, _ := get(b, "properties", "networkProfile", "networkInterfaces").([]any)
	if len(nics) != 1 || fmt.Sprint(get(nics[0].(map[string]any), "properties", "deleteOption")) != "Delete" {
		t.Errorf("networkInterfaces = %v", nics)
	}
	in := cl.Instances[0]
	if in.Zone != "2" || !strings.HasPrefix(in.PrivateIP, "10.") || !strings.HasPrefix(in.PublicIP, "20.") || in.LaunchedAt.IsZero() {
		t.Errorf("instance = %+v", in)
	}
	if err := d.Terminate(ctx, cl); err != nil {
		t.Fatal(err)
	}
	if left := srv.Billable(); len(left) != 0 {
		t.Errorf("left: %v", left)
	}
}

// TestPartialGang: the second node's NIC is refused; the first node comes
// back with the error, the second node's public IP is cleaned up by the
// driver, and terminating the partial cluster leaves nothing.
func TestPartialGang(t *testing.T) {
	d, srv := newDriver(t)
	srv.AddFault(azurefake.Fault{Type: azurefake.NetworkInterfaces, Code: "InternalServerError", After: 1, Times: 1})
	req := a100
	req.Count = 3
	cl, err := d.Launch(context.Background(), req)
	if drivers.ClassOf(err) != drivers.ClassTransient {
		t.Fatalf("Launch = %v, want a transient error", err)
	}
	if cl == nil || len(cl.Instances) != 1 || cl.Instances[0].ID != azure.VMName(req.ClusterName, req.Token, 0) {
		t.Fatalf("partial cluster = %+v, want node 0", cl)
	}
	if n := len(srv.Billable()); n != 4 {
		t.Errorf("billable after the partial launch = %d, want node 0's 4 resources", n)
	}
	if err := d.Terminate(context.Background(), cl); err != nil {
		t.Fatal(err)
	}
	if left := srv.Billable(); len(left) != 0 {
		t.Errorf("left: %v", left)
	}
}

// TestCancelDuringOperation: cancelling while the VM operations run
// returns every node for the caller to terminate.
func TestCancelDuringOperation(t *testing.T) {
	srv := azurefake.New(azurefake.WithPolls(1 << 20))
	defer srv.Close()
	d, err := azure.New(context.Background(), azure.WithSubscription(subscription), azure.WithResourceGroup(resourceGroup),
		azure.WithEndpoint(srv.URL()), azure.WithCredential(azurefake.Credential{}), azure.WithPollInterval(time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	// Let the network come up, then make only the VMs slow.
	srv.SetPolls(0)
	srv.SetSlow(azurefake.VirtualMachines, 1<<20)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	req := a100
	req.Count = 2
	cl, err := d.Launch(ctx, req)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Launch = %v, want the context's error", err)
	}
	if cl == nil || len(cl.Instances) != 2 {
		t.Fatalf("cluster = %+v, want both nodes back", cl)
	}
	srv.SetSlow(azurefake.VirtualMachines, 0)
	if err := d.Terminate(context.Background(), cl); err != nil {
		t.Fatal(err)
	}
	if left := srv.Billable(); len(left) != 0 {
		t.Errorf("left: %v", left)
	}
}

// TestReadsAreRetried: a 503 on a GET (the list) is retried by the SDK,
// unlike a refused PUT.
func TestReadsAreRetried(t *testing.T) {
	d, srv := newDriver(t)
	srv.AddFault(azurefake.Fault{Op: azurefake.OpList, Code: "ServiceUnavailable", Times: 1})
	if err := d.CheckCredentials(context.Background()); err != nil {
		t.Fatalf("CheckCredentials after one 503: %v", err)
	}
	if n := srv.Calls(azurefake.OpList); n != 2 {
		t.Errorf("%d list calls, want 2", n)
	}
}

// TestFailedVMCleanupFails: when the cleanup of a failed VM fails too, the
// VM comes back with the error so that the caller retries the teardown.
func TestFailedVMCleanupFails(t *testing.T) {
	d, srv := newDriver(t)
	srv.AddFault(azurefake.Fault{Code: "AllocationFailed", Async: true, Times: 1})
	srv.AddFault(azurefake.Fault{Op: azurefake.OpDelete, Code: "InternalServerError", Times: 1})
	cl, err := d.Launch(context.Background(), a100)
	if drivers.ClassOf(err) != drivers.ClassCapacity {
		t.Fatalf("Launch = %v, want capacity", err)
	}
	if cl == nil || len(cl.Instances) != 1 {
		t.Fatalf("cluster = %+v, want the failed VM back for teardown", cl)
	}
	if err := d.Terminate(context.Background(), cl); err != nil {
		t.Fatal(err)
	}
	if left := srv.Billable(); len(left) != 0 {
		t.Errorf("left: %v", left)
	}
}

func TestListByRegion(t *testing.T) {
	d, _ := newDriver(t)
	ctx := context.Background()
	var cls []*drivers.Cluster
	for _, region := range []string{"eastus", "westeurope"} {
		req := a100
		req.Region, req.Token = region, region
		cl, err := d.Launch(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		cls = append(cls, cl)
	}
	for region, want := range map[string]int{"": 2, "eastus": 1, "westeurope": 1, "japaneast": 0} {
		got, err := d.ListInstances(ctx, a100.ClusterName, region)
		if err != nil || len(got) != want {
			t.Errorf("ListInstances(%q) = %v, %v; want %d", region, got, err, want)
		}
	}
	for _, cl := range cls {
		if err := d.Terminate(ctx, cl); err != nil {
			t.Fatal(err)
		}
	}
}

func TestNewNeedsSubscription(t *testing.T) {
	t.Setenv("AZURE_SUBSCRIPTION_ID", "")
	if _, err := azure.New(context.Background(), azure.WithCredential(azurefake.Credential{})); err == nil || !strings.Contains(err.Error(), "WithSubscription") {
		t.Errorf("New without a subscription = %v", err)
	}
}

func BenchmarkVMName(b *testing.B) {
	b.ReportAllocs()
	for i := range b.N {
		_ = azure.VMName("my-training-cluster", "prov-1/c3/t0", i&7)
	}
}

// BenchmarkLaunchTerminate is one single-node round trip through the SDK
// and the local server (public IP, NIC, VM with their operations; then the
// four deletes).
func BenchmarkLaunchTerminate(b *testing.B) {
	d, _ := newDriver(b)
	ctx := context.Background()
	b.ReportAllocs()
	for i := range b.N {
		req := a100
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
