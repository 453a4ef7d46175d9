package optimizer_test

import (
	"fmt"
	"os"

	"github.com/skyhop/skyhop/catalog"
	"github.com/skyhop/skyhop/optimizer"
	"github.com/skyhop/skyhop/resources"
)

func ExampleRank() {
	// A small catalog built in code; catalog.Default() has AWS, GCP and Azure.
	cat, err := catalog.New([]catalog.Offering{
		{Cloud: "gcp", InstanceType: "a2-highgpu-8g", Region: "us-central1", Zone: "us-central1-a",
			VCPUs: 96, MemoryGiB: 680, Accelerator: "A100", AcceleratorCount: 8, Price: 29.39, SpotPrice: 8.80},
		{Cloud: "aws", InstanceType: "p4d.24xlarge", Region: "us-east-1", Zone: "use1-az1",
			VCPUs: 96, MemoryGiB: 1152, Accelerator: "A100", AcceleratorCount: 8, Price: 32.77, SpotPrice: 12.00},
		{Cloud: "aws", InstanceType: "p5.48xlarge", Region: "us-east-1", Zone: "use1-az1",
			VCPUs: 192, MemoryGiB: 2048, Accelerator: "H100", AcceleratorCount: 8, Price: 55.04},
	}, catalog.WithSource(catalog.Source{Name: "example catalog"}))
	if err != nil {
		panic(err)
	}
	spec, err := resources.Parse([]byte(`
resources:
  ordered:
    - accelerators: H100:8
    - accelerators: A100:8
`))
	if err != nil {
		panic(err)
	}
	plan, err := optimizer.Rank(spec, cat)
	if err != nil {
		panic(err)
	}
	for _, c := range plan.Candidates {
		fmt.Printf("%d %s %s %s $%.2f/h\n", c.Preference, c.Offering.Cloud, c.Offering.Location(), c.Offering.InstanceType, c.TotalHourly)
	}
	fmt.Println()
	if err := plan.WriteTable(os.Stdout); err != nil {
		panic(err)
	}
	// Output:
	// 0 aws us-east-1/use1-az1 p5.48xlarge $55.04/h
	// 1 gcp us-central1/us-central1-a a2-highgpu-8g $29.39/h
	// 1 aws us-east-1/use1-az1 p4d.24xlarge $32.77/h
	//
	// Considered resources (1 node):
	// CLOUD  INSTANCE       vCPUs  Mem(GB)  ACCELERATORS  REGION/ZONE                COST ($/h)  LOCATIONS  CHOSEN
	// aws    p5.48xlarge    192    2048     H100:8        us-east-1/use1-az1         55.04       1          ✔
	// gcp    a2-highgpu-8g  96     680      A100:8        us-central1/us-central1-a  29.39       1
	// aws    p4d.24xlarge   96     1152     A100:8        us-east-1/use1-az1         32.77       1
	//
	// Estimated cost: $55.04 / hour
	// Search path: 3 placements, in preference order, cheapest first within each.
	// Catalog: example catalog
}
