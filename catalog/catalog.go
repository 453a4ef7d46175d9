package catalog

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/skyhop/skyhop/catalog/accelerator"
)

// CountTolerance is how far an offering's accelerator count may be from a
// requested count and still match (SkyPilot's ±0.01), so that a request for
// 0.33 of an A10 matches Azure's 0.333.
const CountTolerance = 0.01

// CountMatches reports whether an offering with have accelerators satisfies a
// request for want, within CountTolerance.
func CountMatches(have, want float64) bool { return math.Abs(have-want) <= CountTolerance }

// Catalog is an immutable, indexed set of offerings, safe for concurrent use.
//
// Every query returns a sub-slice of one of the catalog's shared orderings:
// nothing is copied per query, and callers must not modify the returned
// slices or the offerings they point to (copy an Offering value to change
// it). Two orderings back the queries:
//
//   - accelerator order, by (Accelerator, AcceleratorCount, Cloud,
//     InstanceType, Region, Zone): All, CPUOnly, ByAccelerator,
//     ByAcceleratorCount;
//   - location order, by (Cloud, InstanceType, Accelerator,
//     AcceleratorCount, Region, Zone): ByCloud, ByInstanceType.
//
// Names compare byte-wise; CPU-only offerings (Accelerator "") come first in
// accelerator order. Get a catalog from Default, Load, LoadFile, New, Merge
// or Apply; the zero Catalog is empty.
type Catalog struct {
	offs   []Offering  // accelerator order
	byAcc  []*Offering // &offs[i], accelerator order
	byLoc  []*Offering // location order
	accs   []string    // distinct accelerator names ("" first when present), accelerator order
	accIdx map[string]span

	clouds     []string
	cloudSpan  map[string]span
	typeSpan   map[[2]string]span   // (cloud, instance type) → span of byLoc
	typeFold   map[[2]string]string // (cloud, lower type) → spelling
	types      map[string][]string  // cloud → sorted instance types
	regions    map[string][]string  // cloud → sorted regions
	regionFold map[[2]string]string // (cloud, lower region) → spelling
	zones      map[[2]string][]string
	zoneRegion map[[2]string]string
	zoned      map[string]bool // cloud → some offering has a zone

	source   Source
	registry *accelerator.Registry
}

type span struct{ lo, hi int32 }

// New builds a catalog from offerings, which it copies: programs and tests
// use it to build a small catalog in code. Cloud names are lower-cased,
// accelerator names canonicalised with the registry (WithRegistry), a
// missing AcceleratorMemoryGiB filled from it, FlagNoPrice and
// FlagSpotAboveOnDemand derived from the prices, and exact duplicates
// dropped; price rules (WithDiscount, WithPriceRules) apply last. It returns
// an error naming the offering when one is invalid (no cloud, instance type
// or region; a negative or non-finite number; an accelerator without a
// count, or a count without an accelerator) or when two offerings share
// cloud, instance type, region, zone and accelerators but differ otherwise.
func New(offerings []Offering, opts ...Option) (*Catalog, error) {
	cfg, err := buildConfig(opts)
	if err != nil {
		return nil, err
	}
	return build(slices.Clone(offerings), cfg, Source{Name: "catalog built in code"})
}

// Apply returns a new catalog with c's offerings and the options applied:
// price overlays (WithDiscount, WithPriceRules), a new Source, a registry.
// c itself is unchanged.
func (c *Catalog) Apply(opts ...Option) (*Catalog, error) {
	cfg, err := buildConfig(opts)
	if err != nil {
		return nil, err
	}
	if cfg.registry == nil {
		cfg.registry = c.registry
	}
	return build(slices.Clone(c.offs), cfg, c.source)
}

// Merge combines catalogs, one cloud's offerings from one catalog: where
// several hold offerings of the same cloud, the last one's replace the
// earlier ones' (so Merge(Default(), myAWS) is the snapshot with the user's
// own AWS table). The sources are joined; the registries merged.
func Merge(cats ...*Catalog) (*Catalog, error) {
	owner := map[string]int{}
	for i, c := range cats {
		for _, cl := range c.clouds {
			owner[cl] = i
		}
	}
	var offs []Offering
	var names, attrs []string
	var src Source
	var infos []accelerator.Info
	for i, c := range cats {
		used := false
		for _, cl := range c.clouds {
			if owner[cl] == i {
				sp := c.cloudSpan[cl]
				for _, o := range c.byLoc[sp.lo:sp.hi] {
					offs = append(offs, *o)
				}
				used = true
			}
		}
		if !used {
			continue
		}
		names = append(names, c.source.Name)
		if c.source.Attribution != "" {
			attrs = append(attrs, c.source.Attribution)
		}
		if d := c.source.Date; !d.IsZero() && (src.Date.IsZero() || d.Before(src.Date)) {
			src.Date = d // the oldest date: prices are at least this fresh
		}
		infos = append(infos, c.registry.All()...)
	}
	src.Name = strings.Join(names, " + ")
	src.Attribution = strings.Join(attrs, "; ")
	reg, err := accelerator.NewRegistry(infos...)
	if err != nil {
		return nil, fmt.Errorf("catalog: merging registries: %w", err)
	}
	return build(offs, &config{registry: reg}, src)
}

// build takes ownership of offs.
func build(offs []Offering, cfg *config, src Source) (*Catalog, error) {
	if cfg.source != nil {
		src = *cfg.source
	}
	baseReg := cfg.registry
	if baseReg == nil {
		baseReg = accelerator.Default()
	}
	if err := normalize(offs, baseReg); err != nil {
		return nil, err
	}
	if len(cfg.rules) > 0 {
		applyRules(offs, cfg.rules, baseReg)
		if cfg.source == nil {
			src.Name += fmt.Sprintf(" with %d price rule(s)", len(cfg.rules))
		}
	}
	if !slices.IsSortedFunc(offs, compareAcc) {
		slices.SortFunc(offs, compareAcc)
	}
	offs, err := dedupe(offs)
	if err != nil {
		return nil, err
	}
	c := &Catalog{offs: offs, source: src}
	c.index(intern(offs))
	reg, err := registryFor(baseReg, c.accs)
	if err != nil {
		return nil, err
	}
	c.setRegistry(reg)
	return c, nil
}

// normalize validates offerings and fills derived fields in place.
func normalize(offs []Offering, reg *accelerator.Registry) error {
	type accName struct {
		name string
		mem  float64
	}
	canon := map[string]accName{} // spelling as given → canonical
	folded := map[string]string{} // lower canonical → first spelling
	var errs []error
	for i := range offs {
		o := &offs[i]
		if err := o.validate(); err != nil {
			errs = append(errs, fmt.Errorf("catalog: offering %d (%s %s in %s): %w", i+1, o.Cloud, o.InstanceType, o.Location(), err))
			if len(errs) >= 10 {
				break
			}
			continue
		}
		if !isLower(o.Cloud) {
			o.Cloud = strings.ToLower(o.Cloud)
		}
		if o.Accelerator != "" {
			a, ok := canon[o.Accelerator]
			if !ok {
				name := strings.TrimSpace(o.Accelerator)
				if in, found := reg.Lookup(name); found {
					a = accName{in.Name, in.MemoryGiB}
				} else {
					a = accName{name: reg.Canonical(name)}
				}
				l := strings.ToLower(a.name)
				if first, seen := folded[l]; seen {
					a.name = first
				} else {
					folded[l] = a.name
				}
				canon[o.Accelerator] = a
			}
			o.Accelerator = a.name
			if o.AcceleratorMemoryGiB == 0 {
				o.AcceleratorMemoryGiB = a.mem
			}
		}
		o.Flags = derivedFlags(o)
	}
	return errors.Join(errs...)
}

func isLower(s string) bool {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return false
		}
	}
	return true
}

func derivedFlags(o *Offering) Flag {
	f := o.Flags &^ (FlagNoPrice | FlagSpotAboveOnDemand)
	if o.Price == 0 && o.SpotPrice == 0 {
		f |= FlagNoPrice
	}
	if o.Price > 0 && o.SpotPrice > o.Price {
		f |= FlagSpotAboveOnDemand
	}
	return f
}

func (o *Offering) validate() error {
	switch {
	case strings.TrimSpace(o.Cloud) == "":
		return errors.New("no cloud")
	case strings.TrimSpace(o.InstanceType) == "":
		return errors.New("no instance type")
	case strings.TrimSpace(o.Region) == "":
		return errors.New("no region")
	}
	for _, v := range []struct {
		name string
		v    float64
	}{{"vCPUs", o.VCPUs}, {"memory", o.MemoryGiB}, {"accelerator count", o.AcceleratorCount},
		{"accelerator memory", o.AcceleratorMemoryGiB}, {"price", o.Price}, {"spot price", o.SpotPrice}} {
		if v.v < 0 || math.IsNaN(v.v) || math.IsInf(v.v, 0) {
			return fmt.Errorf("%s %v is not a non-negative number", v.name, v.v)
		}
	}
	if (o.Accelerator == "") != (o.AcceleratorCount == 0) {
		return fmt.Errorf("accelerator %q with count %v: set both or neither", o.Accelerator, o.AcceleratorCount)
	}
	return nil
}

func applyRules(offs []Offering, rules []PriceRule, reg *accelerator.Registry) {
	for i := range rules {
		if rules[i].Accelerator != "" {
			rules[i].Accelerator = reg.Canonical(rules[i].Accelerator)
		}
	}
	for i := range offs {
		o := &offs[i]
		changed := false
		for j := range rules {
			if rules[j].apply(o) {
				changed = true
			}
		}
		if changed {
			o.Flags = derivedFlags(o)
		}
	}
}

// compareAcc orders offerings by (Accelerator, AcceleratorCount, Cloud,
// InstanceType, Region, Zone).
func compareAcc(a, b Offering) int {
	if c := strings.Compare(a.Accelerator, b.Accelerator); c != 0 {
		return c
	}
	if c := cmp.Compare(a.AcceleratorCount, b.AcceleratorCount); c != 0 {
		return c
	}
	if c := strings.Compare(a.Cloud, b.Cloud); c != 0 {
		return c
	}
	if c := strings.Compare(a.InstanceType, b.InstanceType); c != 0 {
		return c
	}
	if c := strings.Compare(a.Region, b.Region); c != 0 {
		return c
	}
	return strings.Compare(a.Zone, b.Zone)
}

// dedupe drops exact duplicates (adjacent in accelerator order) and reports
// offerings that share a key but differ.
func dedupe(offs []Offering) ([]Offering, error) {
	out := offs[:0]
	var errs []error
	for i := range offs {
		if len(out) > 0 {
			last := &out[len(out)-1]
			if compareAcc(*last, offs[i]) == 0 {
				if *last != offs[i] {
					errs = append(errs, fmt.Errorf("catalog: two offerings of %s %s in %s with %s differ (%+v and %+v); keep one",
						last.Cloud, last.InstanceType, last.Location(), accelString(last), *last, offs[i]))
				}
				continue
			}
		}
		out = append(out, offs[i])
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return slices.Clip(out), nil
}

func accelString(o *Offering) string {
	if o.Accelerator == "" {
		return "no accelerator"
	}
	return fmt.Sprintf("%s:%g", o.Accelerator, o.AcceleratorCount)
}

// ids are interned strings of the offerings: per row, the index in strs of
// its cloud, instance type, region, zone and accelerator. Equal strings
// have equal ids.
type ids struct {
	strs                          []string
	cloud, typ, region, zone, acc []int32
}

// intern computes the ids of offs.
func intern(offs []Offering) *ids {
	n := len(offs)
	in := &ids{cloud: make([]int32, n), typ: make([]int32, n), region: make([]int32, n), zone: make([]int32, n), acc: make([]int32, n)}
	table := map[string]int32{}
	id := func(s string) int32 {
		v, ok := table[s]
		if !ok {
			v = int32(len(in.strs))
			table[s] = v
			in.strs = append(in.strs, s)
		}
		return v
	}
	var prev *Offering
	for i := range offs {
		o := &offs[i]
		// Consecutive rows often share strings: skip the map then.
		if prev != nil && o.Cloud == prev.Cloud {
			in.cloud[i] = in.cloud[i-1]
		} else {
			in.cloud[i] = id(o.Cloud)
		}
		if prev != nil && o.InstanceType == prev.InstanceType {
			in.typ[i] = in.typ[i-1]
		} else {
			in.typ[i] = id(o.InstanceType)
		}
		if prev != nil && o.Region == prev.Region {
			in.region[i] = in.region[i-1]
		} else {
			in.region[i] = id(o.Region)
		}
		if prev != nil && o.Zone == prev.Zone {
			in.zone[i] = in.zone[i-1]
		} else {
			in.zone[i] = id(o.Zone)
		}
		if prev != nil && o.Accelerator == prev.Accelerator {
			in.acc[i] = in.acc[i-1]
		} else {
			in.acc[i] = id(o.Accelerator)
		}
		prev = o
	}
	return in
}

// index builds every index of c from c.offs (in accelerator order) and
// their ids. It works on integer ids and dense arrays so that the embedded
// snapshot loads in a few milliseconds.
func (c *Catalog) index(in *ids) {
	n := len(c.offs)
	ns := len(in.strs)
	c.byAcc = make([]*Offering, n)
	for i := range c.offs {
		c.byAcc[i] = &c.offs[i]
	}

	// Accelerator spans.
	c.accIdx = map[string]span{}
	for i := 0; i < n; {
		j := i + 1
		for j < n && in.acc[j] == in.acc[i] {
			j++
		}
		name := c.offs[i].Accelerator
		c.accs = append(c.accs, name)
		c.accIdx[strings.ToLower(name)] = span{int32(i), int32(j)}
		i = j
	}

	// Rank of each string in byte order, so ids compare as strings do
	// (the identity when the table is sorted, as a snapshot's is).
	rank := make([]int32, ns)
	for i := range rank {
		rank[i] = int32(i)
	}
	if !slices.IsSorted(in.strs) {
		order := slices.Clone(rank)
		slices.SortFunc(order, func(a, b int32) int { return strings.Compare(in.strs[a], in.strs[b]) })
		for r, i := range order {
			rank[i] = int32(r)
		}
	}

	// Clouds: dense small indices, sorted by name.
	cloudIdx := make([]int32, ns)
	for i := range cloudIdx {
		cloudIdx[i] = -1
	}
	var cloudIDs []int32
	for i := range n {
		if cloudIdx[in.cloud[i]] < 0 {
			cloudIdx[in.cloud[i]] = 0
			cloudIDs = append(cloudIDs, in.cloud[i])
		}
	}
	slices.SortFunc(cloudIDs, func(a, b int32) int { return cmp.Compare(rank[a], rank[b]) })
	for ci, id := range cloudIDs {
		cloudIdx[id] = int32(ci)
		c.clouds = append(c.clouds, in.strs[id])
	}
	nc := len(cloudIDs)

	// Location order: a stable bucket sort of accelerator order by
	// (cloud, instance type); within a bucket, accelerator order already is
	// (accelerator, count, region, zone).
	bucketOf := make([]int32, nc*ns) // (cloud, type id) → bucket + 1
	keyOf := make([]int32, n)
	type bucketKey struct{ cloud, typ int32 }
	var keys []bucketKey
	for i := range n {
		k := cloudIdx[in.cloud[i]]*int32(ns) + in.typ[i]
		b := bucketOf[k]
		if b == 0 {
			keys = append(keys, bucketKey{in.cloud[i], in.typ[i]})
			b = int32(len(keys))
			bucketOf[k] = b
		}
		keyOf[i] = b - 1
	}
	border := make([]int32, len(keys))
	for i := range border {
		border[i] = int32(i)
	}
	slices.SortFunc(border, func(a, b int32) int {
		ka, kb := keys[a], keys[b]
		if c := cmp.Compare(rank[ka.cloud], rank[kb.cloud]); c != 0 {
			return c
		}
		return cmp.Compare(rank[ka.typ], rank[kb.typ])
	})
	brank := make([]int32, len(keys))
	for r, k := range border {
		brank[k] = int32(r)
	}
	counts := make([]int32, len(keys)+1)
	for _, b := range keyOf {
		counts[brank[b]+1]++
	}
	for i := 1; i < len(counts); i++ {
		counts[i] += counts[i-1]
	}
	c.byLoc = make([]*Offering, n)
	next := slices.Clone(counts[:len(keys)])
	for i, b := range keyOf {
		r := brank[b]
		c.byLoc[next[r]] = &c.offs[i]
		next[r]++
	}
	c.typeSpan = make(map[[2]string]span, len(keys))
	c.typeFold = make(map[[2]string]string, len(keys))
	c.types = make(map[string][]string, nc)
	c.cloudSpan = make(map[string]span, nc)
	for r, k := range border {
		kk := [2]string{in.strs[keys[k].cloud], in.strs[keys[k].typ]}
		sp := span{counts[r], counts[r+1]}
		c.typeSpan[kk] = sp
		fold := [2]string{kk[0], strings.ToLower(kk[1])}
		if _, dup := c.typeFold[fold]; !dup {
			c.typeFold[fold] = kk[1]
		}
		c.types[kk[0]] = append(c.types[kk[0]], kk[1])
		cs, ok := c.cloudSpan[kk[0]]
		if !ok {
			cs.lo = sp.lo
		}
		cs.hi = sp.hi
		c.cloudSpan[kk[0]] = cs
	}

	// Regions and zones. A zone normally belongs to one region; a zone
	// name seen in a second region of the same cloud goes through a map.
	regionSeen := make([]bool, nc*ns)
	zoneRegion := make([]int32, nc*ns) // (cloud, zone id) → region id + 1
	type triple struct{ cloud, region, zone int32 }
	var extra map[triple]bool
	c.regions = make(map[string][]string, nc)
	c.regionFold = map[[2]string]string{}
	c.zones = map[[2]string][]string{}
	c.zoneRegion = map[[2]string]string{}
	c.zoned = make(map[string]bool, nc)
	for i := range n {
		ci := cloudIdx[in.cloud[i]] * int32(ns)
		cl, rg := in.strs[in.cloud[i]], in.strs[in.region[i]]
		if !regionSeen[ci+in.region[i]] {
			regionSeen[ci+in.region[i]] = true
			c.regions[cl] = append(c.regions[cl], rg)
			c.zones[[2]string{cl, rg}] = nil
			fold := [2]string{cl, strings.ToLower(rg)}
			if _, dup := c.regionFold[fold]; !dup {
				c.regionFold[fold] = rg
			}
		}
		z := in.zone[i]
		zn := in.strs[z]
		if zn == "" {
			continue
		}
		switch zr := zoneRegion[ci+z]; {
		case zr == in.region[i]+1:
			continue
		case zr == 0:
			zoneRegion[ci+z] = in.region[i] + 1
		default:
			t := triple{in.cloud[i], in.region[i], z}
			if extra[t] {
				continue
			}
			if extra == nil {
				extra = map[triple]bool{}
			}
			extra[t] = true
		}
		rk := [2]string{cl, rg}
		c.zones[rk] = append(c.zones[rk], zn)
		if _, ok := c.zoneRegion[[2]string{cl, zn}]; !ok {
			c.zoneRegion[[2]string{cl, zn}] = rg
		}
		c.zoned[cl] = true
	}
	for _, rs := range c.regions {
		slices.Sort(rs)
	}
	for k, zs := range c.zones {
		slices.Sort(zs)
		c.zones[k] = slices.Clip(zs)
	}
}

// registryFor returns base extended with the accelerator names of the data
// it does not know (TPU slices, custom accelerators).
func registryFor(base *accelerator.Registry, names []string) (*accelerator.Registry, error) {
	var extra []accelerator.Info
	for _, n := range names {
		if n == "" {
			continue
		}
		if in, ok := base.Lookup(n); ok && in.Name == n {
			continue
		}
		in := accelerator.Info{Name: n, Kind: accelerator.GPU}
		if accelerator.IsTPU(n) {
			in.Kind, in.Manufacturer = accelerator.TPU, "Google"
		}
		extra = append(extra, in)
	}
	if len(extra) == 0 {
		return base, nil
	}
	r, err := accelerator.NewRegistry(append(base.All(), extra...)...)
	if err != nil {
		return nil, fmt.Errorf("catalog: building the accelerator registry: %w", err)
	}
	return r, nil
}

// setRegistry sets c's registry and indexes the aliases it knows for the
// accelerators of the data.
func (c *Catalog) setRegistry(r *accelerator.Registry) {
	c.registry = r
	for _, in := range r.All() {
		sp, ok := c.accIdx[strings.ToLower(in.Name)]
		if !ok {
			continue
		}
		for _, a := range in.Aliases {
			if _, taken := c.accIdx[strings.ToLower(a)]; !taken {
				c.accIdx[strings.ToLower(a)] = sp
			}
		}
	}
}

// Len returns the number of offerings.
func (c *Catalog) Len() int { return len(c.offs) }

// Source returns the catalog's source metadata.
func (c *Catalog) Source() Source { return c.source }

// Registry returns the accelerator registry of the catalog: the registry it
// was built with plus every accelerator name in its data (TPU slices,
// custom names). Use it to resolve names and suggest alternatives.
func (c *Catalog) Registry() *accelerator.Registry { return c.registry }

// All returns every offering in accelerator order. The slice is shared:
// do not modify it.
func (c *Catalog) All() []*Offering { return c.byAcc }

// CPUOnly returns the offerings without accelerators, in accelerator order
// (by cloud, instance type, region, zone). The slice is shared.
func (c *Catalog) CPUOnly() []*Offering {
	sp := c.accIdx[""]
	return c.byAcc[sp.lo:sp.hi]
}

// Accelerators returns the distinct accelerator names of the data, sorted
// (byte-wise). The slice is shared: do not modify it.
func (c *Catalog) Accelerators() []string {
	if len(c.accs) > 0 && c.accs[0] == "" {
		return c.accs[1:]
	}
	return c.accs
}

// accSpan finds the span of name: its canonical spelling in any case, or an
// alias the registry knows (registered in accIdx when the catalog is
// built), without allocating.
func (c *Catalog) accSpan(name string) (span, bool) {
	if name == "" {
		return span{}, false
	}
	if sp, ok := lookupFold(c.accIdx, name); ok {
		return sp, true
	}
	if c.registry == nil {
		return span{}, false
	}
	if in, found := c.registry.Lookup(name); found { // spaces around the name
		return lookupFold(c.accIdx, in.Name)
	}
	return span{}, false
}

// lookupFold looks up the lower-cased key in m, lower-casing short ASCII
// keys on the stack.
func lookupFold[V any](m map[string]V, key string) (V, bool) {
	if isLower(key) {
		v, ok := m[key]
		return v, ok
	}
	var buf [64]byte
	if len(key) > len(buf) {
		v, ok := m[strings.ToLower(key)]
		return v, ok
	}
	for i := 0; i < len(key); i++ {
		b := key[i]
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		buf[i] = b
	}
	v, ok := m[string(buf[:len(key)])]
	return v, ok
}

// ByAccelerator returns the offerings of accelerator name (case-insensitive;
// aliases resolved by the registry), by (count, cloud, instance type,
// region, zone). Nil when the catalog has none; the slice is shared. Use
// Registry().Resolve first to accept substrings and suggest names.
func (c *Catalog) ByAccelerator(name string) []*Offering {
	sp, ok := c.accSpan(name)
	if !ok {
		return nil
	}
	return c.byAcc[sp.lo:sp.hi]
}

// ByAcceleratorCount returns the offerings with count accelerators of name,
// within CountTolerance, by (count, cloud, instance type, region, zone).
// The slice is shared.
func (c *Catalog) ByAcceleratorCount(name string, count float64) []*Offering {
	all := c.ByAccelerator(name)
	lo := sort.Search(len(all), func(i int) bool { return all[i].AcceleratorCount >= count-CountTolerance })
	hi := lo + sort.Search(len(all)-lo, func(i int) bool { return all[lo+i].AcceleratorCount > count+CountTolerance })
	if lo == hi {
		return nil
	}
	return all[lo:hi]
}

// AcceleratorCounts returns the distinct counts of accelerator name the
// catalog offers, ascending (cloud "" = any cloud).
func (c *Catalog) AcceleratorCounts(name, cloud string) []float64 {
	cloud = strings.ToLower(cloud)
	var out []float64
	for _, o := range c.ByAccelerator(name) {
		if cloud != "" && o.Cloud != cloud {
			continue
		}
		if len(out) == 0 || out[len(out)-1] != o.AcceleratorCount {
			out = append(out, o.AcceleratorCount)
		}
	}
	return out
}

// Clouds returns the clouds of the catalog, sorted. The slice is shared.
func (c *Catalog) Clouds() []string { return c.clouds }

// ByCloud returns the offerings of cloud (case-insensitive) in location
// order. The slice is shared.
func (c *Catalog) ByCloud(cloud string) []*Offering {
	sp, ok := c.cloudSpan[strings.ToLower(cloud)]
	if !ok {
		return nil
	}
	return c.byLoc[sp.lo:sp.hi]
}

// PricedPerRegion reports whether cloud prices per region rather than per
// zone: none of its offerings has a zone (Azure in the snapshot). An
// optimizer then places by region only and a driver picks the zone.
func (c *Catalog) PricedPerRegion(cloud string) bool {
	cloud = strings.ToLower(cloud)
	_, known := c.cloudSpan[cloud]
	return known && !c.zoned[cloud]
}

// InstanceType returns the catalog's spelling of instance type name in
// cloud, matched exactly first and then case-insensitively.
func (c *Catalog) InstanceType(cloud, name string) (string, bool) {
	cloud = strings.ToLower(cloud)
	if _, ok := c.typeSpan[[2]string{cloud, name}]; ok {
		return name, true
	}
	s, ok := c.typeFold[[2]string{cloud, strings.ToLower(name)}]
	return s, ok
}

// InstanceTypes returns the instance types of cloud, sorted. The slice is
// shared.
func (c *Catalog) InstanceTypes(cloud string) []string { return c.types[strings.ToLower(cloud)] }

// ByInstanceType returns the offerings of instance type name (see
// InstanceType for matching) in cloud, by (accelerator, count, region,
// zone). With cloud "" it searches every cloud; when several clouds have
// the type the result is a new slice, otherwise it is shared. A GCP n1 host
// appears both alone and composed with each GPU it can carry.
func (c *Catalog) ByInstanceType(cloud, name string) []*Offering {
	if cloud == "" {
		var out []*Offering
		found := 0
		for _, cl := range c.clouds {
			if r := c.ByInstanceType(cl, name); len(r) > 0 {
				found++
				if found == 1 {
					out = r
				} else {
					if found == 2 {
						out = slices.Clone(out)
					}
					out = append(out, r...)
				}
			}
		}
		return out
	}
	cloud = strings.ToLower(cloud)
	spelled, ok := c.InstanceType(cloud, name)
	if !ok {
		return nil
	}
	sp := c.typeSpan[[2]string{cloud, spelled}]
	return c.byLoc[sp.lo:sp.hi]
}

// Regions returns the regions of cloud, sorted. The slice is shared.
func (c *Catalog) Regions(cloud string) []string { return c.regions[strings.ToLower(cloud)] }

// Region reports whether cloud has region, matched case-insensitively, and
// returns the catalog's spelling.
func (c *Catalog) Region(cloud, region string) (string, bool) {
	s, ok := c.regionFold[[2]string{strings.ToLower(cloud), strings.ToLower(region)}]
	return s, ok
}

// Zones returns the zones of region (the catalog's spelling) in cloud,
// sorted; nil for a cloud priced per region. The slice is shared.
func (c *Catalog) Zones(cloud, region string) []string {
	return c.zones[[2]string{strings.ToLower(cloud), region}]
}

// HasZone reports whether cloud has zone (case-sensitive: zone names and
// AWS zone IDs are lower-case).
func (c *Catalog) HasZone(cloud, zone string) bool {
	_, ok := c.zoneRegion[[2]string{strings.ToLower(cloud), zone}]
	return ok
}

// ZoneRegion returns the region of zone in cloud.
func (c *Catalog) ZoneRegion(cloud, zone string) (string, bool) {
	r, ok := c.zoneRegion[[2]string{strings.ToLower(cloud), zone}]
	return r, ok
}

// SuggestInstanceType returns up to n instance types of cloud close to name
// (edit distance, then shared prefix), closest first: a did-you-mean for an
// unknown instance type.
func (c *Catalog) SuggestInstanceType(cloud, name string, n int) []string {
	return suggest(name, c.InstanceTypes(cloud), n)
}

// SuggestRegion returns up to n regions of cloud close to region, closest
// first; cloud "" means every cloud.
func (c *Catalog) SuggestRegion(cloud, region string, n int) []string {
	if cloud != "" {
		return suggest(region, c.Regions(cloud), n)
	}
	var all []string
	for _, cl := range c.clouds {
		all = append(all, c.regions[cl]...)
	}
	slices.Sort(all)
	return suggest(region, slices.Compact(all), n)
}
