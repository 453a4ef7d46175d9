package skyhop_test

import (
	"context"
	"fmt"

	"github.com/skyhop/skyhop"
	"github.com/skyhop/skyhop/catalog"
	"github.com/skyhop/skyhop/drivers/fake"
)

func ExampleLaunch() {
	// Two offerings of one A100 and a fake cloud whose cheaper zone is out of
	// capacity: the launch fails over to the other zone.
	offerings := []catalog.Offering{
		{Cloud: "gcp", InstanceType: "a2-highgpu-1g", Region: "us-central1", Zone: "us-central1-a",
			VCPUs: 12, MemoryGiB: 85, Accelerator: "A100", AcceleratorCount: 1, Price: 3.67},
		{Cloud: "gcp", InstanceType: "a2-highgpu-1g", Region: "us-central1", Zone: "us-central1-b",
			VCPUs: 12, MemoryGiB: 85, Accelerator: "A100", AcceleratorCount: 1, Price: 3.68},
	}
	cat, err := catalog.New(offerings)
	if err != nil {
		panic(err)
	}
	cloud := fake.New(fake.WithOfferings(offerings...), fake.WithFaults(fake.Fault{
		Cloud: "gcp", Zone: "us-central1-a", Code: "ZONE_RESOURCE_POOL_EXHAUSTED",
	}))

	res, err := skyhop.Launch(context.Background(), []byte("resources:\n  accelerators: A100:1\n"),
		cloud.Drivers(), skyhop.WithCatalog(cat))
	if err != nil {
		panic(err)
	}
	for _, a := range res.Attempts {
		if a.Failed() {
			fmt.Println(a.Candidate.Offering.Zone, "failed:", a.Class, a.Code)
		} else {
			fmt.Println(a.Candidate.Offering.Zone, "launched")
		}
	}
	fmt.Println("up in", res.Cluster.Zone, "with", len(res.Cluster.Instances), "instance")
	// Output:
	// us-central1-a failed: capacity ZONE_RESOURCE_POOL_EXHAUSTED
	// us-central1-b launched
	// up in us-central1-b with 1 instance
}
