package optimizer

import (
	"testing"

	"github.com/skyhop/skyhop/catalog"
	"github.com/skyhop/skyhop/resources"
)

// testOfferings is a small three-cloud catalog with known prices.
func testOfferings() []catalog.Offering {
	gpu := func(cloud, typ, region, zone, acc string, n, vcpu, mem, price, spot float64) catalog.Offering {
		return catalog.Offering{Cloud: cloud, InstanceType: typ, Region: region, Zone: zone, Accelerator: acc, AcceleratorCount: n,
			VCPUs: vcpu, MemoryGiB: mem, Price: price, SpotPrice: spot}
	}
	cpu := func(cloud, typ, region, zone string, vcpu, mem, price, spot float64) catalog.Offering {
		return gpu(cloud, typ, region, zone, "", 0, vcpu, mem, price, spot)
	}
	return []catalog.Offering{
		// GCP: n1 + V100 in three zones of us-central1 and one of us-west1; A2 with 8 A100s.
		gpu("gcp", "n1-standard-8", "us-central1", "us-central1-a", "V100", 1, 8, 30, 2.86, 1.00),
		gpu("gcp", "n1-standard-8", "us-central1", "us-central1-b", "V100", 1, 8, 30, 2.86, 1.00),
		gpu("gcp", "n1-standard-8", "us-central1", "us-central1-c", "V100", 1, 8, 30, 2.86, 1.00),
		gpu("gcp", "n1-standard-8", "us-west1", "us-west1-a", "V100", 1, 8, 30, 2.86, 1.10),
		gpu("gcp", "a2-highgpu-8g", "us-central1", "us-central1-a", "A100", 8, 96, 680, 29.39, 8.80),
		// AWS: p3 with one V100 in us-east-1 (two zones) and us-west-2; p4d with 8 A100s.
		gpu("aws", "p3.2xlarge", "us-east-1", "use1-az1", "V100", 1, 8, 61, 3.06, 0.92),
		gpu("aws", "p3.2xlarge", "us-east-1", "use1-az2", "V100", 1, 8, 61, 3.06, 0),
		gpu("aws", "p3.2xlarge", "us-west-2", "usw2-az1", "V100", 1, 8, 61, 3.06, 0.95),
		gpu("aws", "p4d.24xlarge", "us-east-1", "use1-az1", "A100", 8, 96, 1152, 32.77, 12.00),
		gpu("aws", "p4d.24xlarge", "us-west-2", "usw2-az1", "A100", 8, 96, 1152, 32.77, 0),
		gpu("aws", "p5e.48xlarge", "us-east-1", "use1-az1", "H200", 8, 192, 2048, 0, 0),
		// Azure (priced per region): a V100 size and a fractional A10.
		gpu("azure", "Standard_NC6s_v3", "eastus", "", "V100", 1, 6, 112, 3.06, 0.31),
		gpu("azure", "Standard_NV18ads_A10_v5", "eastus", "", "A10", 0.5, 18, 220, 1.60, 0.20),
		// CPU machines of the default families, and one that is not.
		cpu("aws", "m6i.2xlarge", "us-east-1", "use1-az1", 8, 32, 0.384, 0.12),
		cpu("aws", "c6i.large", "us-east-1", "use1-az1", 2, 4, 0.085, 0.03),
		cpu("aws", "t3.2xlarge", "us-east-1", "use1-az1", 8, 32, 0.3328, 0.10),
		cpu("gcp", "n2-standard-8", "us-central1", "us-central1-a", 8, 32, 0.388, 0.08),
		cpu("azure", "Standard_D8s_v5", "eastus", "", 8, 32, 0.384, 0.05),
	}
}

func testCatalog(t testing.TB) *catalog.Catalog {
	t.Helper()
	cat, err := catalog.New(testOfferings(), catalog.WithSource(catalog.Source{Name: "test catalog"}))
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

func parse(t testing.TB, yaml string) *resources.Spec {
	t.Helper()
	spec, err := resources.Parse([]byte(yaml))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return spec
}
