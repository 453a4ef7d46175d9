package catalog

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/skyhop/skyhop/catalog/internal/snapshot"
)

// decoded reports which clouds of c have their CPU-only offerings decoded.
// Call it only while no other goroutine uses c.
func decoded(c *Catalog) []string {
	var out []string
	for _, cl := range c.clouds {
		if c.cloud[cl].loc != nil {
			out = append(out, cl)
		}
	}
	return out
}

func freshDefault(t testing.TB) *Catalog {
	t.Helper()
	c, err := decodeSnapshot(snapshotData, sourceJSON)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestDefaultLazy checks which queries decode CPU-only offerings, and that
// slices handed out before stay valid and unchanged.
func TestDefaultLazy(t *testing.T) {
	c := freshDefault(t)
	// Queries that need no CPU-only offering.
	_ = c.Len()
	_ = c.Accelerators()
	_ = c.ByAccelerator("A100")
	_ = c.AcceleratorCounts("H100", "")
	_ = c.Regions("azure")
	_ = c.Zones("gcp", "us-central1")
	_ = c.InstanceTypes("azure")
	_ = c.PricedPerRegion("gcp")
	_, _ = c.ZoneRegion("aws", "use1-az4")
	_, _ = c.InstanceType("azure", "standard_d8s_v5")
	_ = c.SuggestInstanceType("gcp", "n2-standrd-8", 3)
	p4d := c.ByInstanceType("aws", "p4d.24xlarge")
	a2 := c.ByInstanceTypePrefix("gcp", "a2-")
	h100 := c.ByAcceleratorCount("H100", 8)
	if len(p4d) == 0 || len(a2) == 0 || len(h100) == 0 {
		t.Fatalf("p4d %d, a2 %d, H100:8 %d offerings", len(p4d), len(a2), len(h100))
	}
	if got := decoded(c); got != nil {
		t.Fatalf("queries without CPU-only answers decoded %v", got)
	}
	keep := func(s []*Offering) []Offering {
		out := make([]Offering, len(s))
		for i, o := range s {
			out[i] = *o
		}
		return out
	}
	p4dVals, a2Vals, h100Vals := keep(p4d), keep(a2), keep(h100)
	p4dPtrs, h100Ptrs := slices.Clone(p4d), slices.Clone(h100)

	// A mixed type decodes its cloud only.
	n1 := c.ByInstanceType("gcp", "n1-highmem-8")
	if got := decoded(c); !slices.Equal(got, []string{"gcp"}) {
		t.Fatalf("ByInstanceType(gcp n1-highmem-8) decoded %v, want gcp", got)
	}
	if n1[0].Accelerator != "" || n1[len(n1)-1].Accelerator == "" {
		t.Errorf("n1-highmem-8: want CPU-only offerings first, then with GPUs")
	}
	if got := c.ByInstanceTypePrefix("aws", "m6i."); len(got) != 670 || !slices.Equal(decoded(c), []string{"aws", "gcp"}) {
		t.Fatalf("ByInstanceTypePrefix(aws m6i.) = %d offerings, decoded %v", len(got), decoded(c))
	}
	if all := c.All(); len(all) != c.Len() || !slices.Equal(decoded(c), c.Clouds()) {
		t.Fatalf("All: %d offerings of %d, decoded %v", len(all), c.Len(), decoded(c))
	}
	// What was handed out before is unchanged, and the same queries
	// return the same offerings.
	for _, s := range []struct {
		name      string
		got, want []*Offering
		vals      []Offering
	}{
		{"p4d", p4d, c.ByInstanceType("aws", "p4d.24xlarge"), p4dVals},
		{"a2-", a2, c.ByInstanceTypePrefix("gcp", "a2-"), a2Vals},
		{"H100:8", h100, c.ByAcceleratorCount("H100", 8), h100Vals},
	} {
		if !slices.Equal(s.got, s.want) {
			t.Errorf("%s: the query returns other offerings after decoding", s.name)
		}
		for i, o := range s.got {
			if *o != s.vals[i] {
				t.Errorf("%s: offering %d changed: %+v, was %+v", s.name, i, *o, s.vals[i])
			}
		}
	}
	if !slices.Equal(p4d, p4dPtrs) || !slices.Equal(h100, h100Ptrs) {
		t.Error("a slice handed out before decoding was rewritten")
	}
}

// TestDefaultMatchesEager checks that the lazily decoded snapshot answers
// every query as a catalog built from the same offerings with New does:
// the two share the indexer, and differ only in when the CPU-only
// offerings are decoded.
func TestDefaultMatchesEager(t *testing.T) {
	lazy := freshDefault(t)
	// Compare the where-queries before anything is decoded.
	ref := Default()
	vals := make([]Offering, 0, ref.Len())
	for _, o := range ref.All() {
		vals = append(vals, *o)
	}
	eager, err := New(vals)
	if err != nil {
		t.Fatal(err)
	}
	if lazy.Len() != eager.Len() || !slices.Equal(lazy.Clouds(), eager.Clouds()) || !slices.Equal(lazy.Accelerators(), eager.Accelerators()) {
		t.Fatalf("Len %d/%d, Clouds %v/%v, %d/%d accelerators", lazy.Len(), eager.Len(), lazy.Clouds(), eager.Clouds(), len(lazy.Accelerators()), len(eager.Accelerators()))
	}
	same := func(what string, a, b []*Offering) {
		t.Helper()
		if len(a) != len(b) {
			t.Fatalf("%s: %d offerings lazily, %d eagerly", what, len(a), len(b))
		}
		for i := range a {
			if *a[i] != *b[i] {
				t.Fatalf("%s: offering %d: %+v lazily, %+v eagerly", what, i, *a[i], *b[i])
			}
		}
	}
	for _, cl := range eager.Clouds() {
		if lazy.PricedPerRegion(cl) != eager.PricedPerRegion(cl) || !slices.Equal(lazy.Regions(cl), eager.Regions(cl)) || !slices.Equal(lazy.InstanceTypes(cl), eager.InstanceTypes(cl)) {
			t.Fatalf("%s: regions, instance types or pricing differ", cl)
		}
		for _, r := range eager.Regions(cl) {
			if !slices.Equal(lazy.Zones(cl, r), eager.Zones(cl, r)) {
				t.Fatalf("%s %s: zones %v lazily, %v eagerly", cl, r, lazy.Zones(cl, r), eager.Zones(cl, r))
			}
			for _, z := range eager.Zones(cl, r) {
				if lr, _ := lazy.ZoneRegion(cl, z); lr != r {
					t.Fatalf("%s zone %s: region %q lazily", cl, z, lr)
				}
			}
			if got, ok := lazy.Region(cl, strings.ToUpper(r)); !ok || got != r {
				t.Fatalf("%s: Region(%s) = %q, %v", cl, strings.ToUpper(r), got, ok)
			}
		}
		for _, typ := range eager.InstanceTypes(cl) {
			same(cl+" "+typ, lazy.ByInstanceType(cl, typ), eager.ByInstanceType(cl, typ))
			if got, ok := lazy.InstanceType(cl, strings.ToUpper(typ)); !ok || !strings.EqualFold(got, typ) {
				t.Fatalf("%s: InstanceType(%s) = %q, %v", cl, strings.ToUpper(typ), got, ok)
			}
		}
		for _, prefix := range []string{"", "a", "n1-", "n2-standard-", "p4", "Standard_N", "Standard_D8", "zz"} {
			same(fmt.Sprintf("%s prefix %q", cl, prefix), lazy.ByInstanceTypePrefix(cl, prefix), eager.ByInstanceTypePrefix(cl, prefix))
		}
		same(cl, lazy.ByCloud(cl), eager.ByCloud(cl))
	}
	for _, a := range eager.Accelerators() {
		same(a, lazy.ByAccelerator(a), eager.ByAccelerator(a))
	}
	same("CPUOnly", lazy.CPUOnly(), eager.CPUOnly())
	same("All", lazy.All(), eager.All())
}

// TestDefaultConcurrentFirstUse races the first CPU-only queries of a
// fresh snapshot (run with -race): every goroutine must get the same
// slices.
func TestDefaultConcurrentFirstUse(t *testing.T) {
	c := freshDefault(t)
	queries := []func() []*Offering{
		c.CPUOnly,
		c.All,
		func() []*Offering { return c.ByCloud("azure") },
		func() []*Offering { return c.ByCloud("gcp") },
		func() []*Offering { return c.ByInstanceType("gcp", "n1-highmem-8") },
		func() []*Offering { return c.ByInstanceType("", "n1-standard-4") },
		func() []*Offering { return c.ByInstanceTypePrefix("azure", "Standard_D") },
		func() []*Offering { return c.ByInstanceType("aws", "m6i.large") },
	}
	const workers = 4
	got := make([][][]*Offering, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			got[w] = make([][]*Offering, len(queries))
			for i := range queries {
				q := (i + w) % len(queries) // each worker in its own order
				got[w][q] = queries[q]()
			}
		})
	}
	wg.Wait()
	for q := range queries {
		first := got[0][q]
		if len(first) == 0 {
			t.Fatalf("query %d: no offerings", q)
		}
		for w := 1; w < workers; w++ {
			if g := got[w][q]; len(g) != len(first) || &g[0] != &first[0] {
				t.Errorf("query %d: worker %d got another slice", q, w)
			}
		}
	}
}

// TestSnapshotSections checks that decodeSnapshot rejects a snapshot whose
// sections do not hold what they say, and that a CPU-only section whose
// rows disagree with its summary's order panics when decoded instead of
// answering wrongly.
func TestSnapshotSections(t *testing.T) {
	row := func(cloud, typ, acc string) snapshot.Row {
		r := snapshot.Row{Cloud: cloud, InstanceType: typ, Region: "r1", Zone: "r1-a", VCPUs: 4, MemoryGiB: 16, Price: 1, Accelerator: acc}
		if acc != "" {
			r.AcceleratorCount = 1
		}
		return r
	}
	accs := snapshot.Section{Name: snapshot.AcceleratorSection, Rows: []snapshot.Row{row("gcp", "g2-standard-4", "L4")}}
	for _, tt := range []struct {
		name     string
		sections []snapshot.Section
		want     string
	}{
		{"no sections", nil, "first section"},
		{"CPU-only row among accelerators", []snapshot.Section{{Name: snapshot.AcceleratorSection, Rows: []snapshot.Row{row("gcp", "n1", "")}}}, "without accelerators"},
		{"unknown section", []snapshot.Section{accs, {Name: "extra", Rows: []snapshot.Row{row("gcp", "n1", "")}}}, "unexpected section"},
		{"section of another cloud", []snapshot.Section{accs, {Name: "cpu/aws", Rows: []snapshot.Row{row("aws", "m6i.large", ""), row("gcp", "n1", "")}}}, "holds gcp n1"},
		{"accelerator among CPU-only rows", []snapshot.Section{accs, {Name: "cpu/gcp", Rows: []snapshot.Row{row("gcp", "n1", "T4")}}}, "holds gcp n1 with accelerator"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decodeSnapshot(snapshot.Encode(tt.sections), sourceJSON)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}

	ok := []snapshot.Section{accs, {Name: "cpu/gcp", Rows: []snapshot.Row{row("gcp", "n1-a", ""), row("gcp", "n1-b", "")}}}
	c, err := decodeSnapshot(snapshot.Encode(ok), sourceJSON)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(c.ByCloud("gcp")); n != 3 {
		t.Fatalf("ByCloud(gcp) = %d offerings, want 3", n)
	}
	bad := []snapshot.Section{accs, {Name: "cpu/gcp", Rows: []snapshot.Row{row("gcp", "n1-b", ""), row("gcp", "n1-a", "")}}}
	c, err = decodeSnapshot(snapshot.Encode(bad), sourceJSON)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.ByInstanceType("gcp", "g2-standard-4")) != 1 {
		t.Fatal("the accelerator offering is lost")
	}
	for range 2 { // and again: it must not answer empty the second time
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "not in location order") {
					t.Errorf("decoding rows out of order: recovered %v, want a panic saying so", r)
				}
			}()
			_ = c.CPUOnly()
		}()
	}
}
