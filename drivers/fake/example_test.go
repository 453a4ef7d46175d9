package fake_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/skyhop/skyhop/catalog"
	"github.com/skyhop/skyhop/drivers"
	"github.com/skyhop/skyhop/drivers/fake"
)

// Script a stockout: every zone of GCP us-central1 is out of V100s, so a
// simple zone-by-zone walk (the code under test) lands in us-west1-a, and
// nothing is left running elsewhere.
func Example() {
	v100 := func(region, zone string) catalog.Offering {
		return catalog.Offering{Cloud: "gcp", InstanceType: "n1-highmem-8", Region: region, Zone: zone,
			Accelerator: "V100", AcceleratorCount: 1, Price: 2.95}
	}
	fc := fake.New(
		fake.WithOfferings(
			v100("us-central1", "us-central1-a"), v100("us-central1", "us-central1-b"),
			v100("us-central1", "us-central1-f"), v100("us-west1", "us-west1-a"),
		),
		fake.WithFaults(fake.Fault{
			Cloud: "gcp", Region: "us-central1",
			Code: "ZONE_RESOURCE_POOL_EXHAUSTED",
		}),
	)
	gcp := fc.Driver("gcp")

	// The code under test: try each zone in order, move on on a stockout.
	var cluster *drivers.Cluster
	for _, z := range [][2]string{
		{"us-central1", "us-central1-a"}, {"us-central1", "us-central1-b"},
		{"us-central1", "us-central1-f"}, {"us-west1", "us-west1-a"},
	} {
		cl, err := gcp.Launch(context.Background(), drivers.LaunchRequest{
			ClusterName: "train", InstanceType: "n1-highmem-8", Region: z[0], Zone: z[1],
			Accelerator: "V100", AcceleratorCount: 1,
		})
		var de *drivers.Error
		if errors.As(err, &de) && de.Class == drivers.ClassCapacity {
			continue // the next zone
		}
		if err != nil {
			fmt.Println("failed:", err)
			return
		}
		cluster = cl
		break
	}

	for _, call := range fc.Launches() {
		fmt.Println(call.String())
	}
	fmt.Println("landed in", cluster.Zone, cluster.InstanceIDs())
	fmt.Println("leaks:", fc.CheckNoLeaks(cluster))
	// Output:
	// #1 gcp launch 1 x n1-highmem-8 us-central1/us-central1-a: capacity ZONE_RESOURCE_POOL_EXHAUSTED
	// #2 gcp launch 1 x n1-highmem-8 us-central1/us-central1-b: capacity ZONE_RESOURCE_POOL_EXHAUSTED
	// #3 gcp launch 1 x n1-highmem-8 us-central1/us-central1-f: capacity ZONE_RESOURCE_POOL_EXHAUSTED
	// #4 gcp launch 1 x n1-highmem-8 us-west1/us-west1-a: ok
	// landed in us-west1-a [gcp-000001]
	// leaks: <nil>
}

// The error a scripted fault raises is classified by the cloud's table.
func ExampleFault() {
	fc := fake.New(
		fake.WithOfferings(catalog.Offering{Cloud: "azure", InstanceType: "Standard_NC24ads_A100_v4", Region: "eastus", Price: 3.67}),
		fake.WithFaults(fake.Fault{Cloud: "azure", Code: "OperationNotAllowed", HTTPStatus: 409, Times: 1}),
	)
	req := drivers.LaunchRequest{ClusterName: "c", InstanceType: "Standard_NC24ads_A100_v4", Region: "eastus"}
	_, err := fc.Driver("azure").Launch(context.Background(), req)
	var de *drivers.Error
	errors.As(err, &de)
	fmt.Println(de.Class, de.EffectiveScope(), de.Code, de.HTTPStatus)
	cl, err := fc.Driver("azure").Launch(context.Background(), req) // the fault fired once
	fmt.Println(cl.InstanceIDs(), err)
	// Output:
	// quota region OperationNotAllowed 409
	// [azure-000001] <nil>
}

// A scenario can be only faults, over offerings the caller brings (here a
// hand-made slice; in practice the rows of a catalog).
func ExampleParseScenario() {
	sc, err := fake.ParseScenario([]byte(`
name: aws-east-dry
faults:
  - cloud: aws
    region: us-east-*
    code: InsufficientInstanceCapacity
  - op: terminate
    cloud: aws
    code: RequestLimitExceeded
    times: 1
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fc := sc.New(fake.WithOfferings(
		catalog.Offering{Cloud: "aws", InstanceType: "p5.48xlarge", Region: "us-east-1", Zone: "use1-az6", Price: 98.32},
		catalog.Offering{Cloud: "aws", InstanceType: "p5.48xlarge", Region: "us-west-2", Zone: "usw2-az2", Price: 98.32},
	))
	aws := fc.Driver("aws")
	ctx := context.Background()
	for _, region := range []string{"us-east-1", "us-west-2"} {
		cl, err := aws.Launch(ctx, drivers.LaunchRequest{ClusterName: "llm", InstanceType: "p5.48xlarge", Region: region})
		fmt.Println(region, outcome(err), cl.InstanceIDs())
		if err == nil {
			fmt.Println("terminate:", outcome(aws.Terminate(ctx, cl)))
			fmt.Println("terminate again:", outcome(aws.Terminate(ctx, cl)), "live:", fc.LiveCount())
		}
	}
	// Output:
	// us-east-1 capacity []
	// us-west-2 ok [i-00000000000000001]
	// terminate: throttle
	// terminate again: ok live: 0
}

// A scenario with a mistake reports where it is.
func ExampleScenarioError() {
	_, err := fake.ParseScenario([]byte("faults:\n  - cloud: gcp\n    code: ZONE_RESOURCE_POOL_EXHAUSTED\n    times: twice\n"))
	fmt.Println(err)
	// Output:
	// scenario:4:12: faults[0].times: "twice": want a number of calls (a whole number from 0 to 1000000000)
}

// outcome renders an error as its class, or "ok".
func outcome(err error) string {
	if err == nil {
		return "ok"
	}
	return drivers.ClassOf(err).String()
}
