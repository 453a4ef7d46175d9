package catalog

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"

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
// accelerator order. A returned slice is never re-allocated or rewritten:
// it stays valid for the catalog's life, even where the embedded snapshot
// decodes offerings on first need (see Default). Get a catalog from
// Default, Load, LoadFile, New, Merge or Apply; the zero Catalog is empty.
type Catalog struct {
	n, nCPU int         // offerings, CPU-only offerings
	acc     []*Offering // the offerings with accelerators, accelerator order
	accs    []string    // their distinct accelerator names, sorted
	accIdx  map[string]span

	clouds []string               // sorted
	cloud  map[string]*cloudIndex // by name

	allOnce sync.Once
	all     []*Offering // accelerator order, built on first use

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
	all := c.All()
	offs := make([]Offering, len(all))
	for i, o := range all {
		offs[i] = *o
	}
	return build(offs, cfg, c.source)
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
				for _, o := range c.ByCloud(cl) {
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
	c, err := index(offs, src)
	if err != nil {
		return nil, err
	}
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

// index builds the catalog of offs, which are in accelerator order and
// deduplicated, through the indexer the embedded snapshot uses.
func index(offs []Offering, src Source) (*Catalog, error) {
	nCPU := sort.Search(len(offs), func(i int) bool { return offs[i].Accelerator != "" })
	in := intern(offs)
	ix := newIndexer(in.strs, len(offs)-nCPU)
	for i := range offs {
		ix.add(in.cloud[i], in.typ[i], in.region[i], in.zone[i], i >= nCPU)
	}
	// The CPU-only offerings of a cloud are one run of offs[:nCPU], in
	// location order.
	for lo := 0; lo < nCPU; {
		hi := lo + 1
		for hi < nCPU && in.cloud[hi] == in.cloud[lo] {
			hi++
		}
		ix.cloud(in.cloud[lo]).cpu = offs[lo:hi:hi]
		lo = hi
	}
	acc := make([]*Offering, len(offs)-nCPU)
	for i := range acc {
		acc[i] = &offs[nCPU+i]
	}
	return ix.finish(acc, src)
}

// ids are interned strings of the offerings: per row, the index in strs of
// its cloud, instance type, region and zone. Equal strings have equal ids.
type ids struct {
	strs                     []string
	cloud, typ, region, zone []int32
}

// intern computes the ids of offs.
func intern(offs []Offering) *ids {
	n := len(offs)
	in := &ids{cloud: make([]int32, n), typ: make([]int32, n), region: make([]int32, n), zone: make([]int32, n)}
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
	// Consecutive rows often share strings: skip the map then.
	put := func(dst []int32, i int, s string, same bool) {
		if same {
			dst[i] = dst[i-1]
		} else {
			dst[i] = id(s)
		}
	}
	for i := range offs {
		o, p := &offs[i], &offs[max(i-1, 0)]
		first := i == 0
		put(in.cloud, i, o.Cloud, !first && o.Cloud == p.Cloud)
		put(in.typ, i, o.InstanceType, !first && o.InstanceType == p.InstanceType)
		put(in.region, i, o.Region, !first && o.Region == p.Region)
		put(in.zone, i, o.Zone, !first && o.Zone == p.Zone)
	}
	return in
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
func (c *Catalog) Len() int { return c.n }

// Source returns the catalog's source metadata.
func (c *Catalog) Source() Source { return c.source }

// Registry returns the accelerator registry of the catalog: the registry it
// was built with plus every accelerator name in its data (TPU slices,
// custom names). Use it to resolve names and suggest alternatives.
func (c *Catalog) Registry() *accelerator.Registry { return c.registry }

// All returns every offering in accelerator order. The slice is shared:
// do not modify it. For the embedded snapshot, the first call decodes the
// CPU-only offerings (see Default).
func (c *Catalog) All() []*Offering {
	c.allOnce.Do(func() {
		if c.n == 0 {
			return
		}
		all := make([]*Offering, 0, c.n)
		for _, cl := range c.clouds {
			cpu := c.cloud[cl].cpuOfferings()
			for i := range cpu {
				all = append(all, &cpu[i])
			}
		}
		c.all = append(all, c.acc...)
	})
	if c.all == nil && c.n > 0 {
		// Decoding a cloud panicked inside the Once: panic again.
		for _, cl := range c.clouds {
			c.cloud[cl].full()
		}
	}
	return c.all
}

// CPUOnly returns the offerings without accelerators, in accelerator order
// (by cloud, instance type, region, zone). The slice is shared. For the
// embedded snapshot, the first call decodes them (see Default).
func (c *Catalog) CPUOnly() []*Offering {
	if c.nCPU == 0 {
		return nil
	}
	return c.All()[:c.nCPU:c.nCPU]
}

// Accelerators returns the distinct accelerator names of the data, sorted
// (byte-wise). The slice is shared: do not modify it.
func (c *Catalog) Accelerators() []string { return c.accs }

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
	return c.acc[sp.lo:sp.hi:sp.hi]
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
	return all[lo:hi:hi]
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

// cloudOf returns the index of cloud (case-insensitive), nil when the
// catalog has none of its offerings.
func (c *Catalog) cloudOf(cloud string) *cloudIndex {
	ci, _ := lookupFold(c.cloud, cloud)
	return ci
}

// ByCloud returns the offerings of cloud (case-insensitive) in location
// order. The slice is shared. For the embedded snapshot, the first call for
// a cloud decodes its CPU-only offerings (see Default).
func (c *Catalog) ByCloud(cloud string) []*Offering {
	ci := c.cloudOf(cloud)
	if ci == nil {
		return nil
	}
	return ci.full()
}

// PricedPerRegion reports whether cloud prices per region rather than per
// zone: none of its offerings has a zone (Azure in the snapshot). An
// optimizer then places by region only and a driver picks the zone.
func (c *Catalog) PricedPerRegion(cloud string) bool {
	ci := c.cloudOf(cloud)
	return ci != nil && !ci.zoned
}

// InstanceType returns the catalog's spelling of instance type name in
// cloud, matched exactly first and then case-insensitively.
func (c *Catalog) InstanceType(cloud, name string) (string, bool) {
	ci := c.cloudOf(cloud)
	if ci == nil {
		return "", false
	}
	t, ok := ci.typeIndex(name)
	if !ok {
		return "", false
	}
	return ci.types[t], true
}

// InstanceTypes returns the instance types of cloud, sorted. The slice is
// shared.
func (c *Catalog) InstanceTypes(cloud string) []string {
	if ci := c.cloudOf(cloud); ci != nil {
		return ci.types
	}
	return nil
}

// ByInstanceType returns the offerings of instance type name (see
// InstanceType for matching) in cloud, by (accelerator, count, region,
// zone). With cloud "" it searches every cloud; when several clouds have
// the type the result is a new slice, otherwise it is shared. A GCP n1 host
// appears both alone and composed with each GPU it can carry. For the
// embedded snapshot, the first call for a type sold without accelerators
// decodes its cloud's CPU-only offerings (see Default).
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
	ci := c.cloudOf(cloud)
	if ci == nil {
		return nil
	}
	t, ok := ci.typeIndex(name)
	if !ok {
		return nil
	}
	return ci.offerings(int(t), int(t)+1)
}

// Regions returns the regions of cloud, sorted. The slice is shared.
func (c *Catalog) Regions(cloud string) []string {
	if ci := c.cloudOf(cloud); ci != nil {
		return ci.regions
	}
	return nil
}

// Region reports whether cloud has region, matched case-insensitively, and
// returns the catalog's spelling.
func (c *Catalog) Region(cloud, region string) (string, bool) {
	if ci := c.cloudOf(cloud); ci != nil {
		return lookupFold(ci.regionFold, region)
	}
	return "", false
}

// Zones returns the zones of region (the catalog's spelling) in cloud,
// sorted; nil for a cloud priced per region. The slice is shared.
func (c *Catalog) Zones(cloud, region string) []string {
	if ci := c.cloudOf(cloud); ci != nil {
		return ci.zones[region]
	}
	return nil
}

// HasZone reports whether cloud has zone (case-sensitive: zone names and
// AWS zone IDs are lower-case).
func (c *Catalog) HasZone(cloud, zone string) bool {
	_, ok := c.ZoneRegion(cloud, zone)
	return ok
}

// ZoneRegion returns the region of zone in cloud.
func (c *Catalog) ZoneRegion(cloud, zone string) (string, bool) {
	if ci := c.cloudOf(cloud); ci != nil {
		r, ok := ci.zoneRegion[zone]
		return r, ok
	}
	return "", false
}

// SuggestInstanceType returns up to n instance types of cloud close to name
// (edit distance, then shared prefix), closest first: a did-you-mean for an
// unknown instance type.
func (c *Catalog) SuggestInstanceType(cloud, name string, n int) []string {
	return nearNames(name, c.InstanceTypes(cloud), n)
}

// SuggestRegion returns up to n regions of cloud close to region, closest
// first; cloud "" means every cloud.
func (c *Catalog) SuggestRegion(cloud, region string, n int) []string {
	if cloud != "" {
		return nearNames(region, c.Regions(cloud), n)
	}
	var all []string
	for _, cl := range c.clouds {
		all = append(all, c.Regions(cl)...)
	}
	slices.Sort(all)
	return nearNames(region, slices.Compact(all), n)
}
