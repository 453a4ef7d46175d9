package gcp_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/skyhop/skyhop/drivers"
	"github.com/skyhop/skyhop/drivers/gcp"
	"github.com/skyhop/skyhop/internal/gcefake"
)

// Example launches a spot n1 host with a V100 against the local Compute
// Engine server, lists it by cluster label and terminates it.
func Example() {
	ctx := context.Background()
	srv := gcefake.New()
	defer srv.Close()
	d, err := gcp.New(ctx, gcp.WithProject("demo"), gcp.WithEndpoint(srv.URL()), gcp.WithPollInterval(time.Millisecond))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer d.Close()
	cl, err := d.Launch(ctx, drivers.LaunchRequest{ClusterName: "train", InstanceType: "n1-highmem-8",
		Region: "us-central1", Zone: "us-central1-a", Accelerator: "V100", AcceleratorCount: 1, Spot: true, Token: "p1-c0-t0"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cl.Cloud, cl.Zone, cl.InstanceIDs(), cl.Instances[0].State)
	listed, _ := d.ListInstances(ctx, "train", "us-central1")
	fmt.Println("listed:", len(listed))
	fmt.Println("terminate:", d.Terminate(ctx, cl))
	fmt.Println("left:", len(srv.Instances()))
	// Output:
	// gcp us-central1-a [train-ccb41fb5-0] running
	// listed: 1
	// terminate: <nil>
	// left: 0
}

// ExampleDriver_Launch_stockout shows a zone out of capacity: the failed
// operation's code comes back classified, with its scope.
func ExampleDriver_Launch_stockout() {
	ctx := context.Background()
	srv := gcefake.New()
	defer srv.Close()
	srv.AddFault(gcefake.Fault{Zone: "us-central1-a", Code: "ZONE_RESOURCE_POOL_EXHAUSTED"})
	d, _ := gcp.New(ctx, gcp.WithProject("demo"), gcp.WithEndpoint(srv.URL()), gcp.WithPollInterval(time.Millisecond))
	defer d.Close()
	_, err := d.Launch(ctx, drivers.LaunchRequest{ClusterName: "train", InstanceType: "a2-highgpu-1g",
		Region: "us-central1", Zone: "us-central1-a", Token: "t"})
	var de *drivers.Error
	if errors.As(err, &de) {
		fmt.Println(de.Class, de.EffectiveScope(), de.Code, de.HTTPStatus)
	}
	// Output:
	// capacity zone ZONE_RESOURCE_POOL_EXHAUSTED 503
}
