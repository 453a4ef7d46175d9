package catalog

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/skyhop/skyhop/catalog/accelerator"
)

// find returns the offering of instance type typ with accelerators acc:count
// in region/zone (zone "" for Azure), failing the test when there is not
// exactly one.
func find(t *testing.T, c *Catalog, cloud, typ, region, zone, acc string, count float64) *Offering {
	t.Helper()
	var hits []*Offering
	for _, o := range c.ByInstanceType(cloud, typ) {
		if o.Region == region && o.Zone == zone && o.Accelerator == acc && o.AcceleratorCount == count {
			hits = append(hits, o)
		}
	}
	if len(hits) != 1 {
		t.Fatalf("%s %s in %s/%s with %s:%g: %d offerings, want 1", cloud, typ, region, zone, acc, count, len(hits))
	}
	return hits[0]
}

// TestDefaultPrices pins prices of the embedded snapshot to the rows of
// the source tables (../shared/catalog/*.csv).
func TestDefaultPrices(t *testing.T) {
	c := Default()
	tests := []struct {
		name                          string
		cloud, typ, region, zone, acc string
		count                         float64
		vcpus, mem                    float64
		price, spot                   float64
		flags                         Flag
	}{
		// a2-highgpu-1g row 0.73948/0.36975 + A100:1 row 2.93391/1.4341.
		{"gcp a2 host + A100", "gcp", "a2-highgpu-1g", "us-central1", "us-central1-a", "A100", 1, 12, 85, 3.67339, 1.80385, FlagComposed},
		// n1-highmem-4 row 0.23661/0.08638 + T4:1 row 0.35/0.1654: SkyPilot's
		// default host for T4:1 (>= 4 vCPUs, >= 16 GiB).
		{"gcp n1 + T4", "gcp", "n1-highmem-4", "us-central1", "us-central1-a", "T4", 1, 4, 26, 0.58661, 0.25178, FlagComposed},
		// n1-standard-8 carries T4:1 too, as an alternative.
		{"gcp larger n1 + T4", "gcp", "n1-standard-8", "us-central1", "us-central1-a", "T4", 1, 8, 30, 0.73, 0.30494, FlagComposed | FlagAlternative},
		// a4-highgpu-8g host row is 0.0: the B200:8 row carries the price.
		{"gcp a4 B200", "gcp", "a4-highgpu-8g", "us-central1", "us-central1-b", "B200", 8, 224, 3968, 90.216, 34.2368, FlagComposed},
		{"aws p4d", "aws", "p4d.24xlarge", "us-east-1", "use1-az4", "A100", 8, 96, 1152, 21.957642, 18.141, 0},
		{"aws local zone, spot above on-demand", "aws", "c6i.metal", "us-east-1", "use1-atl2-az1", "", 0, 128, 256, 5.44, 6.8, FlagLocalZone | FlagSpotAboveOnDemand},
		{"aws no price at all", "aws", "p5e.48xlarge", "eu-west-2", "euw2-az2", "H200", 8, 192, 2048, 0, 0, FlagNoPrice},
		{"azure A100-80GB", "azure", "Standard_NC24ads_A100_v4", "eastus", "", "A100-80GB", 1, 24, 220, 3.673, 0.746721, 0},
		{"azure half A10", "azure", "Standard_NV18ads_A10_v5", "eastus", "", "A10", 0.5, 18, 220, 1.6, 0.29568, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := find(t, c, tt.cloud, tt.typ, tt.region, tt.zone, tt.acc, tt.count)
			if o.VCPUs != tt.vcpus || o.MemoryGiB != tt.mem || o.Price != tt.price || o.SpotPrice != tt.spot || o.Flags != tt.flags {
				t.Errorf("got %d vCPUs %g GiB $%v spot $%v flags %q; want %g vCPUs %g GiB $%v spot $%v flags %q",
					int(o.VCPUs), o.MemoryGiB, o.Price, o.SpotPrice, o.Flags, tt.vcpus, tt.mem, tt.price, tt.spot, tt.flags)
			}
		})
	}
}

func TestDefaultFractionalA10(t *testing.T) {
	c := Default()
	has := func(offs []*Offering, typ string) bool {
		return slices.ContainsFunc(offs, func(o *Offering) bool { return o.InstanceType == typ })
	}
	half := c.ByAcceleratorCount("A10", 0.5)
	one := c.ByAcceleratorCount("a10", 1)
	third := c.ByAcceleratorCount("A10", 0.33) // within 0.01 of 0.333
	if !has(half, "Standard_NV18ads_A10_v5") || has(half, "Standard_NV36ads_A10_v5") {
		t.Errorf("A10:0.5 should match NV18ads and not NV36ads")
	}
	if has(one, "Standard_NV18ads_A10_v5") || !has(one, "Standard_NV36ads_A10_v5") {
		t.Errorf("A10:1 should match NV36ads and not NV18ads")
	}
	if !has(third, "Standard_NV12ads_A10_v5") || len(third) != 36 {
		t.Errorf("A10:0.33 matched %d offerings, want the 36 NV12ads rows", len(third))
	}
	for _, o := range half {
		if !CountMatches(o.AcceleratorCount, 0.5) || o.Accelerator != "A10" {
			t.Errorf("A10:0.5 returned %s %s:%g", o.InstanceType, o.Accelerator, o.AcceleratorCount)
		}
	}
}

func TestDefaultRegistry(t *testing.T) {
	c := Default()
	reg := c.Registry()
	if in, err := reg.Resolve("a10g"); err != nil || in.Name != "A10G" || len(c.ByAccelerator("a10g")) == 0 {
		t.Errorf("a10g: %v, %v; want AWS's A10G", in.Name, err)
	}
	var unk *accelerator.UnknownError
	if _, err := reg.Resolve("A100x"); !errors.As(err, &unk) || unk.Suggestions[0] != "A100" {
		t.Errorf("A100x: %v; want a suggestion of A100 first", err)
	}
	var amb *accelerator.AmbiguousError
	if _, err := reg.Resolve("H10"); !errors.As(err, &amb) || !slices.Equal(amb.Choices, []string{"H100", "H100-MEGA"}) {
		t.Errorf("H10: %v; want ambiguous between H100 and H100-MEGA", err)
	}
	// Every name in the data is known: GPUs and other accelerators to the
	// static table (with memory), TPU slices to the catalog's registry.
	for _, name := range c.Accelerators() {
		in, ok := reg.Lookup(name)
		if !ok || in.Name != name {
			t.Errorf("%s: not in the catalog's registry", name)
			continue
		}
		if accelerator.IsTPU(name) {
			if in.Kind != accelerator.TPU {
				t.Errorf("%s: kind %v, want tpu", name, in.Kind)
			}
			continue
		}
		if _, ok := accelerator.Lookup(name); !ok {
			t.Errorf("%s: in the data but not in accelerator's static table", name)
		}
	}
	if in, ok := reg.Lookup("TPU-V5P-8"); !ok || in.Name != "tpu-v5p-8" || len(c.ByAccelerator("tpu-v5p-8")) == 0 {
		t.Errorf("tpu-v5p-8 missing: %+v %v", in, ok)
	}
	for _, o := range c.ByAccelerator("tpu-v5p-8") {
		if o.InstanceType != TPUInstanceType || o.Cloud != "gcp" || o.AcceleratorCount != 1 {
			t.Errorf("TPU offering %+v", *o)
		}
	}
}

func TestDefaultInvariants(t *testing.T) {
	c := Default()
	if c.Len() < 90000 {
		t.Fatalf("only %d offerings", c.Len())
	}
	if !slices.IsSortedFunc(c.All(), func(a, b *Offering) int { return compareAcc(*a, *b) }) {
		t.Fatal("snapshot not in accelerator order; rerun go generate")
	}
	counts := map[Flag]int{}
	for i, o := range c.All() {
		if i > 0 && compareAcc(*c.All()[i-1], *o) == 0 {
			t.Fatalf("duplicate offering %+v", *o)
		}
		if err := o.validate(); err != nil {
			t.Fatalf("%+v: %v", *o, err)
		}
		if o.Flags != derivedFlags(o) {
			t.Fatalf("%+v: flags %q, derived %q", *o, o.Flags, derivedFlags(o))
		}
		for f := Flag(1); f < flagEnd; f <<= 1 {
			if o.Flags.Has(f) {
				counts[f]++
			}
		}
		if o.Cloud == "azure" && o.Zone != "" {
			t.Fatalf("azure offering with a zone: %+v", *o)
		}
	}
	// The 7 AWS rows without any price and the 2 a3-megagpu-8g zones
	// without an H100-MEGA row are kept, flagged.
	if counts[FlagNoPrice] != 9 {
		t.Errorf("%d offerings without price, want 9", counts[FlagNoPrice])
	}
	if counts[FlagLocalZone] == 0 || counts[FlagSpotAboveOnDemand] == 0 || counts[FlagComposed] == 0 || counts[FlagAlternative] == 0 {
		t.Errorf("flag counts %v", counts)
	}
	// GCP's 154 duplicated TPU rows are dropped: 1,648 TPU rows, 1,494 unique.
	tpus := 0
	for _, o := range c.ByInstanceType("gcp", TPUInstanceType) {
		_ = o
		tpus++
	}
	if tpus != 1648-154 {
		t.Errorf("%d TPU offerings, want %d", tpus, 1648-154)
	}
	if got := c.Clouds(); !slices.Equal(got, []string{"aws", "azure", "gcp"}) {
		t.Errorf("clouds %v", got)
	}
	src := c.Source()
	if src.Date.IsZero() || src.Attribution == "" || !strings.Contains(src.String(), "2026-05-20") {
		t.Errorf("source %+v", src)
	}
}

func TestDefaultPlaces(t *testing.T) {
	c := Default()
	if !c.PricedPerRegion("azure") || c.PricedPerRegion("aws") || c.PricedPerRegion("gcp") || c.PricedPerRegion("nope") {
		t.Error("PricedPerRegion: want azure only")
	}
	if r, ok := c.Region("GCP", "US-Central1"); !ok || r != "us-central1" {
		t.Errorf("Region(US-Central1) = %q, %v", r, ok)
	}
	if r, ok := c.Region("azure", "EastUS"); !ok || r != "eastus" {
		t.Errorf("Region(EastUS) = %q, %v", r, ok)
	}
	if !c.HasZone("gcp", "us-central1-a") || c.HasZone("gcp", "US-CENTRAL1-A") || !c.HasZone("aws", "use1-az4") {
		t.Error("HasZone: zones are case-sensitive")
	}
	if r, ok := c.ZoneRegion("aws", "usw2-lax1-az1"); !ok || r != "us-west-2" {
		t.Errorf("ZoneRegion(usw2-lax1-az1) = %q, %v", r, ok)
	}
	if z := c.Zones("gcp", "us-central1"); !slices.Equal(z, []string{"us-central1-a", "us-central1-b", "us-central1-c", "us-central1-f"}) {
		t.Errorf("Zones(us-central1) = %v", z)
	}
	if z := c.Zones("azure", "eastus"); z != nil {
		t.Errorf("Zones(azure eastus) = %v, want none", z)
	}
	if n := len(c.Regions("aws")); n != 23 {
		t.Errorf("%d AWS regions, want 23", n)
	}
	if n := len(c.Regions("gcp")); n != 44 {
		t.Errorf("%d GCP regions, want 44", n)
	}
	if n := len(c.Regions("azure")); n != 58 {
		t.Errorf("%d Azure regions, want 58", n)
	}
	if s := c.SuggestRegion("gcp", "us-centrl1", 1); !slices.Equal(s, []string{"us-central1"}) {
		t.Errorf("SuggestRegion = %v", s)
	}
	if s := c.SuggestInstanceType("aws", "p4d.24xlarg", 1); !slices.Equal(s, []string{"p4d.24xlarge"}) {
		t.Errorf("SuggestInstanceType = %v", s)
	}
	if typ, ok := c.InstanceType("azure", "standard_nc24ads_a100_v4"); !ok || typ != "Standard_NC24ads_A100_v4" {
		t.Errorf("InstanceType fold = %q, %v", typ, ok)
	}
	// An n1 host appears alone and with every GPU it can carry.
	accs := map[string]bool{}
	for _, o := range c.ByInstanceType("", "n1-highmem-8") {
		accs[o.Accelerator] = true
	}
	if !accs[""] || !accs["T4"] || !accs["V100"] {
		t.Errorf("n1-highmem-8 carries %v", accs)
	}
	for _, o := range c.ByCloud("AWS") {
		if o.Cloud != "aws" {
			t.Fatalf("ByCloud(aws) returned %s", o.Cloud)
		}
	}
	if n := len(c.ByCloud("aws")) + len(c.ByCloud("gcp")) + len(c.ByCloud("azure")); n != c.Len() {
		t.Errorf("clouds hold %d offerings, catalog %d", n, c.Len())
	}
	if got := c.AcceleratorCounts("A100", "gcp"); !slices.Equal(got, []float64{1, 2, 4, 8, 16}) {
		t.Errorf("GCP A100 counts %v", got)
	}
	for _, o := range c.ByAcceleratorCount("A100", 8) {
		if o.Accelerator != "A100" || o.AcceleratorCount != 8 {
			t.Fatalf("A100:8 returned %+v", *o)
		}
	}
	for _, o := range c.CPUOnly() {
		if o.Accelerator != "" {
			t.Fatalf("CPUOnly returned %+v", *o)
		}
	}
}

// TestDefaultUpToDate rebuilds the snapshot from the source tables, when
// they are present, and compares: the embedded data must be what go
// generate makes of them.
func TestDefaultUpToDate(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "catalog")
	if _, err := os.Stat(filepath.Join(dir, "gcp_vms.csv")); err != nil {
		t.Skipf("source tables not present: %v", err)
	}
	if testing.Short() {
		t.Skip("short")
	}
	var cats []*Catalog
	for _, cl := range []string{"aws", "gcp", "azure"} {
		cat, err := LoadFile(filepath.Join(dir, cl+"_vms.csv"), "")
		if err != nil {
			t.Fatal(err)
		}
		cats = append(cats, cat)
	}
	fresh, err := Merge(cats...)
	if err != nil {
		t.Fatal(err)
	}
	def := Default()
	if fresh.Len() != def.Len() {
		t.Fatalf("fresh build has %d offerings, embedded %d: run go generate ./catalog", fresh.Len(), def.Len())
	}
	fa, da := fresh.All(), def.All()
	for i := range fa {
		if *fa[i] != *da[i] {
			t.Fatalf("offering %d differs:\nfresh    %+v\nembedded %+v\nrun go generate ./catalog", i, *fa[i], *da[i])
		}
	}
}

func TestFamilies(t *testing.T) {
	tests := []struct {
		cloud, typ, family string
		isDefault          bool
	}{
		{"aws", "m6i.2xlarge", "m6i", true},
		{"aws", "p4d.24xlarge", "p4d", false},
		{"gcp", "n2-standard-8", "n2-standard", true},
		{"gcp", "a2-highgpu-1g", "a2-highgpu", false},
		{"azure", "Standard_D8s_v5", "Ds_v5", true},
		{"azure", "Standard_D8ds_v5", "Dds_v5", false},
		{"azure", "Standard_E8-4s_v5", "E_s_v5", false},
		{"azure", "Standard_F16s_v2_Promo", "Fs_v2", true},
	}
	for _, tt := range tests {
		if f := InstanceFamily(tt.cloud, tt.typ); f != tt.family || IsDefaultFamily(tt.cloud, tt.typ) != tt.isDefault {
			t.Errorf("%s %s: family %q default %v; want %q %v", tt.cloud, tt.typ, f, IsDefaultFamily(tt.cloud, tt.typ), tt.family, tt.isDefault)
		}
	}
	c := Default()
	for _, cl := range c.Clouds() {
		n := 0
		for _, o := range c.ByCloud(cl) {
			if o.Accelerator == "" && IsDefaultFamily(cl, o.InstanceType) {
				n++
			}
		}
		if n == 0 {
			t.Errorf("%s: no offering of a default family", cl)
		}
	}
	m6i := c.ByInstanceTypePrefix("aws", "m6i.")
	if len(m6i) != 670 {
		t.Errorf("m6i. prefix: %d offerings, want the 670 m6i rows", len(m6i))
	}
	for _, o := range m6i {
		if !strings.HasPrefix(o.InstanceType, "m6i.") {
			t.Fatalf("m6i. prefix returned %s", o.InstanceType)
		}
	}
	if got := c.ByInstanceTypePrefix("aws", "zz"); got != nil {
		t.Errorf("zz prefix: %d offerings", len(got))
	}
	if got := DefaultFamilies("GCP"); len(got) != 6 {
		t.Errorf("DefaultFamilies(gcp) = %v", got)
	}
}
