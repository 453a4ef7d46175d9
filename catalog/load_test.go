package catalog

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const gcpHeader = "InstanceType,vCPUs,MemoryGiB,AcceleratorName,AcceleratorCount,GpuInfo,Region,AvailabilityZone,Price,SpotPrice\n"

// A small GCP table: two n1 hosts, an a2 host, a g2 host, GPU rows, a TPU
// row twice, and a GPU row in a zone without hosts.
const gcpTable = gcpHeader +
	"n1-standard-4,4.0,15.0,,,,us-central1,us-central1-a,0.19,0.04\n" +
	"n1-highmem-4,4.0,26.0,,,,us-central1,us-central1-a,0.23661,0.08638\n" +
	"n1-highmem-8,8.0,52.0,,,,us-central1,us-central1-a,0.47,0.17\n" +
	"n1-highmem-16,16.0,104.0,,,,us-central1,us-central1-a,0.95,0.35\n" +
	"a2-highgpu-1g,12.0,85.0,,,,us-central1,us-central1-a,0.73948,0.36975\n" +
	"g2-standard-4,4.0,16.0,,,,us-central1,us-central1-a,0.2,0.08\n" +
	"g2-standard-8,8.0,32.0,,,,us-central1,us-central1-a,0.3,0.12\n" +
	"n1-custom-8,8.0,32.0,T4,1,,us-central1,us-central1-a,1.0,0.5\n" +
	",,,T4,1,{'Gpus': []},us-central1,us-central1-a,0.35,0.1654\n" +
	",,,V100,1,{'Gpus': []},us-central1,us-central1-a,2.48,0.99\n" +
	",,,A100,1,{'Gpus': []},us-central1,us-central1-a,2.93391,1.4341\n" +
	",,,L4,1,{'Gpus': []},us-central1,us-central1-a,0.5,0.2\n" +
	",,,T4,1,{'Gpus': []},us-west1,us-west1-b,0.35,0.1654\n" +
	",,,tpu-v5p-8,1,tpu-v5p-8,us-east5,us-east5-a,8.4,\n" +
	",,,tpu-v5p-8,1,tpu-v5p-8,us-east5,us-east5-a,8.4,\n"

func TestLoadGCPComposition(t *testing.T) {
	c, err := Load(strings.NewReader(gcpTable), "gcp")
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		typ, acc    string
		count       float64
		price, spot float64
		flags       Flag
	}
	got := map[string]want{}
	for _, o := range c.All() {
		key := o.InstanceType + "+" + o.Accelerator
		if _, dup := got[key]; dup {
			t.Fatalf("two offerings of %s", key)
		}
		got[key] = want{o.InstanceType, o.Accelerator, o.AcceleratorCount, o.Price, o.SpotPrice, o.Flags}
	}
	wants := []want{
		// CPU-only rows stay.
		{"n1-standard-4", "", 0, 0.19, 0.04, 0},
		{"n1-highmem-4", "", 0, 0.23661, 0.08638, 0},
		{"n1-highmem-8", "", 0, 0.47, 0.17, 0},
		{"n1-highmem-16", "", 0, 0.95, 0.35, 0},
		// T4:1 needs >= 4 vCPUs and >= 16 GiB: n1-standard-4 (15 GiB) is too
		// small, n1-highmem-4 is the default, larger hosts alternatives.
		{"n1-highmem-4", "T4", 1, 0.58661, 0.25178, FlagComposed},
		{"n1-highmem-8", "T4", 1, 0.82, 0.3354, FlagComposed | FlagAlternative},
		{"n1-highmem-16", "T4", 1, 1.3, 0.5154, FlagComposed | FlagAlternative},
		// V100:1 needs >= 8 vCPUs, >= 32 GiB and at most 12 vCPUs / 78 GiB.
		{"n1-highmem-8", "V100", 1, 2.95, 1.16, FlagComposed},
		{"a2-highgpu-1g", "A100", 1, 3.67339, 1.80385, FlagComposed},
		// A VM row naming its own accelerators is taken as it stands.
		{"n1-custom-8", "T4", 1, 1.0, 0.5, 0},
		{"g2-standard-4", "L4", 1, 0.7, 0.28, FlagComposed},
		{"g2-standard-8", "L4", 1, 0.8, 0.32, FlagComposed | FlagAlternative},
		// The duplicated TPU row is one offering; its empty spot price is 0.
		{TPUInstanceType, "tpu-v5p-8", 1, 8.4, 0, 0},
	}
	for _, w := range wants {
		g, ok := got[w.typ+"+"+w.acc]
		if !ok || g != w {
			t.Errorf("%s + %s: got %+v (%v), want %+v", w.typ, w.acc, g, ok, w)
		}
		delete(got, w.typ+"+"+w.acc)
	}
	for k, g := range got {
		t.Errorf("unexpected offering %s: %+v", k, g)
	}
	if c.HasZone("gcp", "us-west1-b") {
		t.Error("a GPU row without a host in its zone must not make an offering")
	}
}

func TestLoadAWSAndAzure(t *testing.T) {
	aws := "InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,GpuInfo,Price,SpotPrice,Region,AvailabilityZone,Arch\n" +
		"g6f.large,L4,0.125,2.0,8.0,\"{'Gpus': [{'Count': 0}]}\",0.2,0.09,us-east-1,use1-az1,x86_64\n" +
		"dl2q.24xlarge,,,96.0,768.0,,8.9194,3.9208,us-west-2,usw2-az4,x86_64\n" +
		"c6i.metal,,,128.0,256.0,,5.44,6.800000,us-east-1,use1-atl2-az1,x86_64\n" +
		"p5e.48xlarge,H200,8.0,192.0,2048.0,,,,eu-west-2,euw2-az2,x86_64\n"
	c, err := Load(strings.NewReader(aws), "aws")
	if err != nil {
		t.Fatal(err)
	}
	if o := c.ByAcceleratorCount("L4", 0.125); len(o) != 1 || o[0].Arch != "x86_64" {
		t.Errorf("fractional L4: %v", o)
	}
	if o := c.ByInstanceType("aws", "dl2q.24xlarge"); len(o) != 1 || o[0].Accelerator != "AI100" || o[0].AcceleratorCount != 8 {
		t.Errorf("dl2q should carry 8 AI100: %+v", o)
	}
	if o := c.ByInstanceType("aws", "c6i.metal")[0]; o.Flags != FlagLocalZone|FlagSpotAboveOnDemand {
		t.Errorf("local zone flags %q", o.Flags)
	}
	if o := c.ByInstanceType("aws", "p5e.48xlarge")[0]; o.Flags != FlagNoPrice {
		t.Errorf("unpriced row flags %q", o.Flags)
	}

	azure := "InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,GpuInfo,Price,SpotPrice,Region,Generation\n" +
		"Standard_NV18ads_A10_v5,A10,0.5,18,220,A10,1.6,0.29568,eastus,\"V1,V2\"\n" +
		"Standard_D4pds_v5,,,4,16,,0.18,0.03,eastus,V2\n" +
		"Standard_NP10s,,1,10,168,,1.65,0.30492,eastus,V1\n"
	c, err = Load(strings.NewReader(azure), "Azure")
	if err != nil {
		t.Fatal(err)
	}
	if !c.PricedPerRegion("azure") {
		t.Error("azure has zones?")
	}
	if o := c.ByInstanceType("azure", "Standard_D4pds_v5")[0]; o.Arch != "arm64" {
		t.Errorf("D4pds_v5 arch %q", o.Arch)
	}
	if o := c.ByInstanceType("azure", "Standard_NV18ads_A10_v5")[0]; o.Arch != "x86_64" || o.AcceleratorCount != 0.5 {
		t.Errorf("NV18ads: %+v", *o)
	}
	if o := c.ByInstanceType("azure", "Standard_NP10s")[0]; o.Accelerator != "Alveo U250" || o.AcceleratorCount != 1 {
		t.Errorf("NP10s: %+v", *o)
	}
}

func TestLoadErrors(t *testing.T) {
	const h = "InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,Price,SpotPrice,Region,AvailabilityZone\n"
	tests := []struct {
		name, cloud, table string
		line, col          int
		field, msg         string
	}{
		{"empty", "aws", "", 1, 0, "", "empty table"},
		{"missing column", "aws", "InstanceType,Region\n", 1, 0, "AcceleratorName", "missing"},
		{"bad price", "aws", h + "m6i.large,,,2,8,0.1,0.05,us-east-1,use1-az1\nm6i.xlarge,,,4,16,abc,0.1,us-east-1,use1-az1\n", 3, 19, "Price", `"abc" is not`},
		{"negative", "aws", h + "m6i.large,,,-2,8,0.1,0.05,us-east-1,use1-az1\n", 2, 13, "vCPUs", `"-2" is not`},
		{"no region", "aws", h + "m6i.large,,,2,8,0.1,0.05,,use1-az1\n", 2, 26, "Region", "empty"},
		{"no type", "aws", h + ",,,2,8,0.1,0.05,us-east-1,use1-az1\n", 2, 1, "InstanceType", "only GCP"},
		{"accelerator without count", "aws", h + "g5.xlarge,A10G,,4,16,1,0.5,us-east-1,use1-az1\n", 2, 16, "AcceleratorCount", "positive count"},
		{"field count", "aws", h + "m6i.large,,,2,8\n", 2, 1, "", "wrong number of fields"},
		{"conflicting duplicate", "aws", h + "m6i.large,,,2,8,0.1,0.05,us-east-1,use1-az1\nm6i.large,,,2,8,0.2,0.05,us-east-1,use1-az1\n", 3, 0, "", "repeats line 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(strings.NewReader(tt.table), tt.cloud)
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v, want a *ParseError", err)
			}
			if pe.Line != tt.line || pe.Column != tt.col || pe.Field != tt.field || !strings.Contains(pe.Error(), tt.msg) {
				t.Errorf("got %d:%d field %q: %v; want %d:%d field %q containing %q", pe.Line, pe.Column, pe.Field, err, tt.line, tt.col, tt.field, tt.msg)
			}
		})
	}
	if _, err := Load(strings.NewReader(h), ""); err == nil {
		t.Error("Load without a cloud accepted")
	}
}

func TestLoadFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "gcp", "vms.csv")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(gcpTable), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := LoadFile(path, "")
	if err != nil {
		t.Fatal(err)
	}
	if c.Clouds()[0] != "gcp" || c.Source().Name != path {
		t.Errorf("clouds %v, source %+v", c.Clouds(), c.Source())
	}
	bad := filepath.Join(dir, "prices.csv")
	if err := os.WriteFile(bad, []byte("InstanceType\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFile(bad, ""); err == nil || !strings.Contains(err.Error(), "cannot tell the cloud") {
		t.Errorf("cloud from prices.csv: %v", err)
	}
	_, err = LoadFile(bad, "aws")
	var pe *ParseError
	if !errors.As(err, &pe) || pe.File != bad || !strings.HasPrefix(err.Error(), "catalog: "+bad+":1: column ") {
		t.Errorf("error %v should name the file", err)
	}
	if _, err := LoadFile(filepath.Join(dir, "aws_missing.csv"), ""); err == nil {
		t.Error("missing file accepted")
	}
}

func FuzzLoad(f *testing.F) {
	f.Add(gcpTable, "gcp")
	f.Add("InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,Price,SpotPrice,Region,AvailabilityZone\ng5.xlarge,A10G,1,4,16,1.006,0.4,us-east-1,use1-az1\n", "aws")
	f.Add("InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,Price,SpotPrice,Region\nStandard_X,A10,0.5,1,1,,,eastus\n", "azure")
	f.Fuzz(func(t *testing.T, table, cloud string) {
		c, err := Load(strings.NewReader(table), cloud)
		if err != nil {
			var pe *ParseError
			if errors.As(err, &pe) && pe.Line < 1 {
				t.Fatalf("error without a line: %v", err)
			}
			return
		}
		// Whatever loads is consistent.
		n := 0
		for _, cl := range c.Clouds() {
			n += len(c.ByCloud(cl))
		}
		if n != c.Len() {
			t.Fatalf("clouds hold %d offerings, catalog %d", n, c.Len())
		}
		for _, o := range c.All() {
			if err := o.validate(); err != nil {
				t.Fatalf("invalid offering %+v: %v", *o, err)
			}
			if len(c.ByAcceleratorCount(o.Accelerator, o.AcceleratorCount)) == 0 && o.Accelerator != "" {
				t.Fatalf("offering %+v not found by its accelerator", *o)
			}
		}
	})
}

func FuzzLoadPriceRules(f *testing.F) {
	f.Add("Cloud,InstanceType,Region,Price,SpotPrice,Factor\naws,,,,,0.85\ngcp,a2-highgpu-8g,us-central1,25.0,,\n")
	f.Add("cloud,spot_factor\nazure,0.5\n")
	f.Fuzz(func(t *testing.T, table string) {
		rules, err := LoadPriceRules(strings.NewReader(table))
		if err != nil {
			var pe *ParseError
			if errors.As(err, &pe) && pe.Line < 1 {
				t.Fatalf("error without a line: %v", err)
			}
			return
		}
		for _, r := range rules {
			if err := r.validate(); err != nil {
				t.Fatalf("invalid rule %+v loaded: %v", r, err)
			}
		}
		if _, err := New(nil, WithPriceRules(rules...)); err != nil {
			t.Fatalf("loaded rules rejected: %v", err)
		}
	})
}
