package catalog

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/skyhop/skyhop/catalog/accelerator"
)

func small(t *testing.T, opts ...Option) *Catalog {
	t.Helper()
	c, err := New([]Offering{
		{Cloud: "AWS", InstanceType: "p4d.24xlarge", Region: "us-east-1", Zone: "use1-az1", VCPUs: 96, MemoryGiB: 1152, Accelerator: "a100", AcceleratorCount: 8, Price: 21.96, SpotPrice: 6.85},
		{Cloud: "aws", InstanceType: "p4d.24xlarge", Region: "us-east-1", Zone: "use1-az2", VCPUs: 96, MemoryGiB: 1152, Accelerator: "A100", AcceleratorCount: 8, Price: 21.96, SpotPrice: 18.87},
		{Cloud: "aws", InstanceType: "m6i.2xlarge", Region: "us-east-1", Zone: "use1-az1", VCPUs: 8, MemoryGiB: 32, Price: 0.384, SpotPrice: 0.15},
		{Cloud: "aws", InstanceType: "m6i.2xlarge", Region: "us-east-1", Zone: "use1-az1", VCPUs: 8, MemoryGiB: 32, Price: 0.384, SpotPrice: 0.15}, // exact duplicate
		{Cloud: "gcp", InstanceType: "a2-highgpu-8g", Region: "us-central1", Zone: "us-central1-a", VCPUs: 96, MemoryGiB: 680, Accelerator: "A100", AcceleratorCount: 8, Price: 29.39},
		{Cloud: "azure", InstanceType: "Standard_NV18ads_A10_v5", Region: "eastus", VCPUs: 18, MemoryGiB: 220, Accelerator: "A10", AcceleratorCount: 0.5, Price: 1.6, SpotPrice: 0.29568},
		{Cloud: "azure", InstanceType: "Standard_X1", Region: "westus", VCPUs: 1, MemoryGiB: 1, Accelerator: "MyChip", AcceleratorCount: 1},
	}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestNewQueries(t *testing.T) {
	c := small(t)
	if c.Len() != 6 {
		t.Fatalf("Len = %d, want 6 (one exact duplicate dropped)", c.Len())
	}
	a100 := c.ByAcceleratorCount("A100-40GB", 8) // alias
	if len(a100) != 3 || a100[0].Cloud != "aws" || a100[2].Cloud != "gcp" {
		t.Fatalf("A100:8 = %v", a100)
	}
	if a100[0].AcceleratorMemoryGiB != 40 {
		t.Errorf("accelerator memory not filled from the registry: %v", a100[0].AcceleratorMemoryGiB)
	}
	if got := c.ByAcceleratorCount("A100", 4); got != nil {
		t.Errorf("A100:4 = %v, want none", got)
	}
	if got := c.ByAcceleratorCount("A10", 0.505); len(got) != 1 {
		t.Errorf("A10:0.505 (within tolerance) = %v", got)
	}
	if got := c.ByAcceleratorCount("A10", 0.52); got != nil {
		t.Errorf("A10:0.52 (outside tolerance) = %v", got)
	}
	if got := c.ByAccelerator("nope"); got != nil {
		t.Errorf("unknown accelerator = %v", got)
	}
	if got := c.CPUOnly(); len(got) != 1 || got[0].InstanceType != "m6i.2xlarge" {
		t.Errorf("CPUOnly = %v", got)
	}
	if got := c.ByCloud("aws"); len(got) != 3 || got[0].InstanceType != "m6i.2xlarge" {
		t.Errorf("ByCloud(aws) = %v (want location order: m6i first)", got)
	}
	if got := c.ByInstanceType("", "P4D.24XLARGE"); len(got) != 2 {
		t.Errorf("ByInstanceType fold = %v", got)
	}
	if in, ok := c.Registry().Lookup("mychip"); !ok || in.Name != "MyChip" || in.Kind != accelerator.GPU {
		t.Errorf("custom accelerator not registered: %+v %v", in, ok)
	}
	if !c.PricedPerRegion("azure") || c.PricedPerRegion("aws") {
		t.Error("PricedPerRegion")
	}
	if o := c.ByInstanceType("azure", "Standard_X1")[0]; !o.Flags.Has(FlagNoPrice) {
		t.Errorf("unpriced offering not flagged: %q", o.Flags)
	}
	if o := c.ByAcceleratorCount("A100", 8)[2]; o.SpotPrice != 0 || o.Flags != 0 {
		t.Errorf("gcp row flags %q", o.Flags)
	}
	if got := c.Accelerators(); !slices.Equal(got, []string{"A10", "A100", "MyChip"}) {
		t.Errorf("Accelerators = %v", got)
	}
}

func TestNewErrors(t *testing.T) {
	base := Offering{Cloud: "aws", InstanceType: "x", Region: "r", VCPUs: 1, MemoryGiB: 1, Price: 1}
	tests := []struct {
		name   string
		change func(*Offering)
		want   string
	}{
		{"no cloud", func(o *Offering) { o.Cloud = "" }, "no cloud"},
		{"no type", func(o *Offering) { o.InstanceType = " " }, "no instance type"},
		{"no region", func(o *Offering) { o.Region = "" }, "no region"},
		{"negative price", func(o *Offering) { o.Price = -1 }, "price -1"},
		{"count without name", func(o *Offering) { o.AcceleratorCount = 1 }, "set both or neither"},
		{"name without count", func(o *Offering) { o.Accelerator = "T4" }, "set both or neither"},
	}
	for _, tt := range tests {
		o := base
		tt.change(&o)
		_, err := New([]Offering{o})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.want)
		}
	}
	other := base
	other.Price = 2
	if _, err := New([]Offering{base, other}); err == nil || !strings.Contains(err.Error(), "differ") {
		t.Errorf("conflicting duplicates: %v", err)
	}
}

func TestApplyPriceRules(t *testing.T) {
	c := small(t)
	d, err := c.Apply(WithDiscount("AWS", 0.5), WithPriceRules(
		PriceRule{Cloud: "gcp", InstanceType: "a2-highgpu-8g", Zone: "us-central1-a", Price: 20, SpotPrice: 9},
		PriceRule{Accelerator: "a10", SpotFactor: 2},
	))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		typ, zone   string
		price, spot float64
		flags       Flag
	}{
		{"p4d.24xlarge", "use1-az1", 10.98, 3.425, FlagOverlaid},
		{"m6i.2xlarge", "use1-az1", 0.192, 0.075, FlagOverlaid},
		{"a2-highgpu-8g", "us-central1-a", 20, 9, FlagOverlaid},
		{"Standard_NV18ads_A10_v5", "", 1.6, 0.59136, FlagOverlaid},
		{"Standard_X1", "", 0, 0, FlagNoPrice},
	}
	for _, tt := range tests {
		var o *Offering
		for _, x := range d.ByInstanceType("", tt.typ) {
			if x.Zone == tt.zone {
				o = x
			}
		}
		if o == nil || o.Price != tt.price || o.SpotPrice != tt.spot || o.Flags != tt.flags {
			t.Errorf("%s %s: got %+v; want $%v spot $%v flags %q", tt.typ, tt.zone, o, tt.price, tt.spot, tt.flags)
		}
	}
	// The original is unchanged.
	if o := c.ByInstanceType("aws", "m6i.2xlarge")[0]; o.Price != 0.384 || o.Flags != 0 {
		t.Errorf("Apply changed the original: %+v", *o)
	}
	for _, bad := range []PriceRule{{Cloud: "aws"}, {Factor: -1}} {
		if _, err := c.Apply(WithPriceRules(bad)); err == nil {
			t.Errorf("rule %+v accepted", bad)
		}
	}
	if _, err := c.Apply(WithDiscount("aws", 0)); err == nil {
		t.Error("a zero discount factor was accepted")
	}
}

func TestMerge(t *testing.T) {
	c := small(t, WithSource(Source{Name: "small", Attribution: "tests"}))
	mine, err := New([]Offering{{Cloud: "aws", InstanceType: "g5.xlarge", Region: "us-west-2", Zone: "usw2-az1", VCPUs: 4, MemoryGiB: 16, Accelerator: "A10G", AcceleratorCount: 1, Price: 1.006}},
		WithSource(Source{Name: "my aws"}))
	if err != nil {
		t.Fatal(err)
	}
	m, err := Merge(c, mine)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(m.ByCloud("aws")); got != 1 {
		t.Errorf("merged AWS has %d offerings, want only mine", got)
	}
	if got := len(m.ByCloud("gcp")) + len(m.ByCloud("azure")); got != 3 {
		t.Errorf("merged GCP+Azure have %d offerings, want 3", got)
	}
	if m.Source().Name != "small + my aws" || m.Source().Attribution != "tests" {
		t.Errorf("merged source %+v", m.Source())
	}
	if _, ok := m.Registry().Lookup("MyChip"); !ok {
		t.Error("merged registry lost a custom accelerator")
	}
}

func TestConcurrentDefault(t *testing.T) {
	var wg sync.WaitGroup
	got := make([]*Catalog, 8)
	for i := range got {
		wg.Go(func() {
			c := Default()
			_ = c.ByAcceleratorCount("H100", 8)
			got[i] = c
		})
	}
	wg.Wait()
	for _, c := range got {
		if c != got[0] {
			t.Fatal("Default returned different catalogs")
		}
	}
}

func TestFlagText(t *testing.T) {
	f := FlagComposed | FlagAlternative
	b, _ := f.MarshalText()
	if string(b) != "composed|alternative" {
		t.Errorf("MarshalText = %q", b)
	}
	var g Flag
	if err := g.UnmarshalText(b); err != nil || g != f {
		t.Errorf("UnmarshalText = %v, %v", g, err)
	}
	if err := g.UnmarshalText([]byte("bogus")); err == nil {
		t.Error("unknown flag accepted")
	}
	if err := g.UnmarshalText(nil); err != nil || g != 0 {
		t.Errorf("empty = %v, %v", g, err)
	}
	if s := Flag(1 << 14).String(); s != "0x4000" {
		t.Errorf("unknown bit = %q", s)
	}
	var m Market
	if err := m.UnmarshalText([]byte("spot")); err != nil || m != Spot || m.String() != "spot" {
		t.Errorf("market %v %v", m, err)
	}
	if err := m.UnmarshalText([]byte("x")); err == nil {
		t.Error("unknown market accepted")
	}
}

func TestEmpty(t *testing.T) {
	for _, mk := range []func() (*Catalog, error){
		func() (*Catalog, error) { return New(nil) },
		func() (*Catalog, error) { return Merge() },
	} {
		c, err := mk()
		if err != nil {
			t.Fatal(err)
		}
		if c.Len() != 0 || len(c.All()) != 0 || len(c.CPUOnly()) != 0 || c.ByAccelerator("A100") != nil ||
			c.ByCloud("aws") != nil || c.ByInstanceType("", "x") != nil || c.Regions("aws") != nil || c.PricedPerRegion("aws") {
			t.Errorf("empty catalog answers: %d", c.Len())
		}
	}
}

func TestLoadPriceRules(t *testing.T) {
	rules, err := LoadPriceRules(strings.NewReader("# negotiated\nCloud,Instance_Type,Region,Price,SpotPrice,Factor\naws,,,,,0.5\ngcp,a2-highgpu-8g,us-central1,25,,\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := []PriceRule{{Cloud: "aws", Factor: 0.5}, {Cloud: "gcp", InstanceType: "a2-highgpu-8g", Region: "us-central1", Price: 25}}
	if !slices.Equal(rules, want) {
		t.Fatalf("rules %+v, want %+v", rules, want)
	}
	c, err := small(t).Apply(WithPriceRules(rules...))
	if err != nil {
		t.Fatal(err)
	}
	if o := c.ByInstanceType("gcp", "a2-highgpu-8g")[0]; o.Price != 25 {
		t.Errorf("a2 price %v", o.Price)
	}
	if !strings.HasSuffix(c.Source().Name, "with 2 price rule(s)") {
		t.Errorf("source %q does not mention the overlay", c.Source().Name)
	}
	bad := []struct{ table, want string }{
		{"", "empty price rule table"},
		{"Cloud,Discount\n", "line 1:7: column Discount: unknown column"},
		{"Cloud,Price\naws,abc\n", `line 2:5: column Price: "abc" is not`},
		{"Cloud,Price\naws,\n", "line 2: rule for cloud aws changes no price"},
	}
	for _, b := range bad {
		_, err := LoadPriceRules(strings.NewReader(b.table))
		var pe *ParseError
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), b.want) {
			t.Errorf("LoadPriceRules(%q) = %v, want %q", b.table, err, b.want)
		}
	}
}

func TestZeroCatalog(t *testing.T) {
	var c Catalog
	if c.Len() != 0 || c.ByAccelerator("A100") != nil || c.CPUOnly() != nil || c.ByCloud("aws") != nil || c.PricedPerRegion("aws") {
		t.Error("the zero Catalog is not empty")
	}
}
