package catalog_test

import (
	"fmt"
	"strings"

	"github.com/skyhop/skyhop/catalog"
)

// The embedded snapshot: every offering of 8 A100s, cheapest on-demand
// first.
func ExampleDefault() {
	cat := catalog.Default()
	best := map[string]*catalog.Offering{}
	for _, o := range cat.ByAcceleratorCount("A100", 8) {
		if b := best[o.Cloud]; o.Price > 0 && (b == nil || o.Price < b.Price) {
			best[o.Cloud] = o
		}
	}
	for _, cloud := range cat.Clouds() {
		if o := best[cloud]; o != nil {
			fmt.Printf("%-5s %-26s %-28s $%.2f/h\n", cloud, o.InstanceType, o.Location(), o.Price)
		}
	}
	fmt.Println(cat.Source().Date.Format("2006-01-02"))
	// Output:
	// aws   p4d.24xlarge               us-east-2/use2-az1           $21.96/h
	// azure Standard_ND96asr_v4        eastus                       $27.20/h
	// gcp   a2-highgpu-8g              europe-west4/europe-west4-a  $19.42/h
	// 2026-05-20
}

// A small catalog built in code, as tests and the fake cloud do.
func ExampleNew() {
	cat, err := catalog.New([]catalog.Offering{
		{Cloud: "aws", InstanceType: "g5.xlarge", Region: "us-east-1", Zone: "use1-az1", VCPUs: 4, MemoryGiB: 16, Accelerator: "a10g", AcceleratorCount: 1, Price: 1.006, SpotPrice: 0.45},
		{Cloud: "aws", InstanceType: "m6i.xlarge", Region: "us-east-1", Zone: "use1-az1", VCPUs: 4, MemoryGiB: 16, Price: 0.192},
	}, catalog.WithSource(catalog.Source{Name: "test fixture"}))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, o := range cat.ByAccelerator("A10G") {
		fmt.Println(o.InstanceType, o.Accelerator, o.AcceleratorMemoryGiB, o.Price)
	}
	fmt.Println(len(cat.CPUOnly()), cat.Source())
	// Output:
	// g5.xlarge A10G 24 1.006
	// 1 test fixture
}

// A user's own table in SkyPilot's v8 schema. GCP accelerator rows are
// composed with the hosts of their zone.
func ExampleLoad() {
	table := `InstanceType,vCPUs,MemoryGiB,AcceleratorName,AcceleratorCount,GpuInfo,Region,AvailabilityZone,Price,SpotPrice
a2-highgpu-1g,12.0,85.0,,,,us-central1,us-central1-a,0.73948,0.36975
,,,A100,1,,us-central1,us-central1-a,2.93391,1.4341
`
	cat, err := catalog.Load(strings.NewReader(table), "gcp")
	if err != nil {
		fmt.Println(err)
		return
	}
	o := cat.ByAcceleratorCount("A100", 1)[0]
	fmt.Println(o.InstanceType, o.Location(), o.Price, o.SpotPrice, o.Flags)

	_, err = catalog.Load(strings.NewReader("InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,Price,SpotPrice,Region\nm6i.large,,,2,8,cheap,,us-east-1\n"), "aws")
	fmt.Println(err)
	// Output:
	// a2-highgpu-1g us-central1/us-central1-a 3.67339 1.80385 composed
	// catalog: line 2:17: column Price: "cheap" is not a non-negative decimal number
}

// Negotiated prices: 20% off everything on AWS, and a fixed price for one
// instance type.
func ExampleCatalog_Apply() {
	cat, err := catalog.Default().Apply(
		catalog.WithDiscount("aws", 0.8),
		catalog.WithPriceRules(catalog.PriceRule{Cloud: "azure", InstanceType: "Standard_NC24ads_A100_v4", Price: 2.5}),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, o := range cat.ByInstanceType("aws", "p4d.24xlarge")[:1] {
		fmt.Println(o.InstanceType, o.Zone, o.Price, o.Flags)
	}
	for _, o := range cat.ByInstanceType("azure", "Standard_NC24ads_A100_v4")[:1] {
		fmt.Println(o.InstanceType, o.Region, o.Price, o.Flags)
	}
	// Output:
	// p4d.24xlarge apne1-az1 24.078272 overlaid
	// Standard_NC24ads_A100_v4 australiaeast 2.5 overlaid
}
