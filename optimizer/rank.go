package optimizer

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/skyhop/skyhop/catalog"
	"github.com/skyhop/skyhop/catalog/accelerator"
	"github.com/skyhop/skyhop/resources"
)

// Rank expands spec into every launchable placement cat offers, in the order
// failover should try them, and explains everything it left out.
//
// Each entry of the spec is matched against the catalog: clouds, regions,
// zones and instance types are checked (with suggestions when a name is
// wrong), then every offering that fits the entry's accelerator, cpus,
// memory, market and price limits becomes a Candidate. An ordered spec is
// searched by (preference, total hourly cost), any other spec by total hourly
// cost; ties are broken by cloud, region, zone and instance type, so the same
// inputs always give the same plan.
//
// When no candidate is left, Rank returns a *NoCandidatesError holding every
// rejection; the plan is returned too, for display.
func Rank(spec *resources.Spec, cat *catalog.Catalog, opts ...Option) (*Plan, error) {
	if spec == nil || len(spec.Candidates) == 0 {
		return nil, errors.New("optimizer: the spec has no candidates; parse it with resources.Parse or give at least one resources.Resources")
	}
	if cat == nil {
		return nil, errors.New("optimizer: no catalog; pass catalog.Default() or a catalog of your own")
	}
	cfg := config{hours: 1}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	r := &ranker{cfg: cfg, cat: cat, spec: spec, rejIdx: map[rejKey]int{}}
	r.nodes = max(spec.NumNodes, 1)
	r.enable()
	for i := range spec.Candidates {
		r.entry(i)
	}
	r.order()
	plan := &Plan{
		NumNodes:      r.nodes,
		Ordered:       spec.Ordered,
		Candidates:    r.cands,
		Rejected:      r.rejected,
		Hours:         cfg.hours,
		CatalogSource: cat.Source().String(),
		Entries:       slices.Clone(spec.Candidates),
	}
	if len(plan.Candidates) == 0 {
		return plan, &NoCandidatesError{Rejected: plan.Rejected, Entries: plan.Entries}
	}
	return plan, nil
}

// ranker holds the state of one Rank call.
type ranker struct {
	cfg     config
	cat     *catalog.Catalog
	spec    *resources.Spec
	nodes   int
	enabled []string // enabled clouds present in the catalog, sorted

	cands    []Candidate
	dedup    bool // several entries (or AWS zone names) may yield the same placement
	rejected []Rejection
	rejIdx   map[rejKey]int
}

type rejKey struct {
	entry  int
	reason Reason
	detail string
}

// reject records (or counts) a rejection. Offering-level rejections with
// the same entry, reason and detail are aggregated into one with a count.
func (r *ranker) reject(entry int, reason Reason, detail string, count int, msg func() string, suggestions ...string) {
	k := rejKey{entry, reason, detail}
	if i, ok := r.rejIdx[k]; ok {
		r.rejected[i].Count += count
		return
	}
	r.rejIdx[k] = len(r.rejected)
	r.rejected = append(r.rejected, Rejection{Entry: entry, Reason: reason, Message: msg(), Suggestions: suggestions, Count: count})
}

// enable computes the enabled clouds and records the disabled ones.
func (r *ranker) enable() {
	all := r.cat.Clouds()
	if r.cfg.clouds == nil {
		r.enabled = all
		return
	}
	var off []string
	for _, c := range all {
		if slices.Contains(r.cfg.clouds, c) {
			r.enabled = append(r.enabled, c)
		} else {
			off = append(off, c)
		}
	}
	if len(off) > 0 {
		r.reject(-1, ReasonCloudDisabled, "", 0, func() string {
			return fmt.Sprintf("clouds not enabled, left out: %s", strings.Join(off, ", "))
		})
	}
}

// target is a spec entry resolved against the catalog.
type target struct {
	entry    int
	res      *resources.Resources
	clouds   []string          // clouds to search
	region   map[string]string // cloud → catalog spelling of the pinned region
	zone     string            // pinned zone ("" = any)
	zoneName bool              // zone is an AWS zone name: match the region, show the name
	itype    map[string]string // cloud → catalog spelling of the pinned instance type
	accels   []string          // canonical accelerator names; nil = none requested
	count    float64
	cpus     resources.Quantity
	memory   resources.Quantity
	families bool // restrict to the clouds' default general-purpose families
	market   catalog.Market
	pref     int
	images   map[string]bool // lower-cased regions image_id maps; nil = any region
}

func (t *target) label() string { return entryLabel(t.res) }

// entryLabel names an entry in messages: "resources.any_of[1] (gcp H100:8)".
func entryLabel(r *resources.Resources) string {
	p := r.Path
	if p == "" {
		p = "resources"
	}
	return p + " (" + r.String() + ")"
}

// entry ranks one spec entry.
func (r *ranker) entry(i int) {
	t, ok := r.resolve(i)
	if !ok {
		return
	}
	srcs := r.sources(t)
	n := 0
	for _, src := range srcs {
		n += len(src)
	}
	r.cands = slices.Grow(r.cands, n)
	for _, src := range srcs {
		for _, o := range src {
			r.consider(t, o)
		}
	}
}

// resolve checks the entry's names against the catalog (the catalog-time
// checks) and returns the target to search.
func (r *ranker) resolve(i int) (*target, bool) {
	res := &r.spec.Candidates[i]
	t := &target{entry: i, res: res, cpus: res.CPUs, memory: res.Memory, region: map[string]string{}, itype: map[string]string{}}
	if res.UseSpot {
		t.market = catalog.Spot
	}
	if r.spec.Ordered {
		t.pref = i
	}
	label := t.label()

	// Clouds.
	if res.Cloud != "" {
		switch {
		case !slices.Contains(r.cat.Clouds(), res.Cloud):
			r.reject(i, ReasonUnknownCloud, "", 0, func() string {
				return fmt.Sprintf("%s: the catalog has no offerings on %s (it has %s)", label, res.Cloud, strings.Join(r.cat.Clouds(), ", "))
			})
			return nil, false
		case !slices.Contains(r.enabled, res.Cloud):
			r.reject(i, ReasonCloudDisabled, "", 0, func() string {
				return fmt.Sprintf("%s: cloud %s is not enabled", label, res.Cloud)
			})
			return nil, false
		}
		t.clouds = []string{res.Cloud}
	} else {
		t.clouds = r.enabled
	}

	// Region.
	if res.Region != "" {
		var keep []string
		for _, c := range t.clouds {
			if sp, ok := r.cat.Region(c, res.Region); ok {
				keep = append(keep, c)
				t.region[c] = sp
			}
		}
		if len(keep) == 0 {
			var sugg []string
			for _, c := range t.clouds {
				sugg = append(sugg, r.cat.SuggestRegion(c, res.Region, 3)...)
			}
			r.reject(i, ReasonUnknownRegion, "", 0, func() string {
				return fmt.Sprintf("%s: no %s has region %q", label, cloudWords(t.clouds), res.Region)
			}, sugg...)
			return nil, false
		}
		if !r.single(t, keep, "region "+res.Region) {
			return nil, false
		}
	}

	// Zone.
	if res.Zone != "" && !r.resolveZone(t) {
		return nil, false
	}

	// Instance type.
	if res.InstanceType != "" {
		var keep []string
		for _, c := range t.clouds {
			if sp, ok := r.cat.InstanceType(c, res.InstanceType); ok {
				keep = append(keep, c)
				t.itype[c] = sp
			}
		}
		if len(keep) == 0 {
			var sugg []string
			for _, c := range t.clouds {
				sugg = append(sugg, r.cat.SuggestInstanceType(c, res.InstanceType, 3)...)
			}
			r.reject(i, ReasonUnknownInstanceType, "", 0, func() string {
				return fmt.Sprintf("%s: no %s has instance type %q", label, cloudWords(t.clouds), res.InstanceType)
			}, sugg...)
			return nil, false
		}
		if !r.single(t, keep, "instance type "+res.InstanceType) {
			return nil, false
		}
	}

	// Accelerators.
	if a := res.Accelerator; a != nil && !r.resolveAccelerator(t, a) {
		return nil, false
	}
	if res.Accelerator == nil && res.InstanceType == "" {
		t.families = true
		if !t.cpus.IsSet() && !t.memory.IsSet() {
			// SkyPilot's default: 8+ vCPUs with 4 GiB per vCPU.
			t.cpus = resources.Quantity{Value: 8, AtLeast: true}
			t.memory = resources.Quantity{Value: 4, PerCPU: true}
		}
	}

	// image_id per region: only the mapped regions can launch.
	if len(res.ImageID) > 0 {
		if _, any := res.ImageID[""]; !any {
			t.images = map[string]bool{}
			for reg := range res.ImageID {
				t.images[strings.ToLower(reg)] = true
			}
		}
	}
	return t, true
}

// single narrows t.clouds to keep; when the cloud was not pinned and several
// clouds qualify, the entry is ambiguous (as in SkyPilot: pin the cloud).
func (r *ranker) single(t *target, keep []string, what string) bool {
	if len(keep) > 1 && t.res.Cloud == "" {
		r.reject(t.entry, ReasonCloudAmbiguous, "", 0, func() string {
			return fmt.Sprintf("%s: several clouds have %s (%s); set infra to pick one", t.label(), what, strings.Join(keep, ", "))
		}, keep...)
		return false
	}
	t.clouds = keep
	return true
}

// awsZoneName matches an AWS zone name ("us-east-1a"), as opposed to the
// zone IDs of the catalog ("use1-az4").
var awsZoneName = regexp.MustCompile(`^([a-z]{2}(?:-gov)?-[a-z]+-[0-9])[a-z]$`)

// resolveZone checks a pinned zone. AWS zone names cannot be mapped to the
// catalog's zone IDs without the account's mapping, so a name pins its
// region and is passed through to the driver.
func (r *ranker) resolveZone(t *target) bool {
	res, label := t.res, t.label()
	var keep []string
	var misplaced string
	for _, c := range t.clouds {
		if r.cat.PricedPerRegion(c) {
			if res.Cloud != "" {
				r.reject(t.entry, ReasonZonesUnsupported, "", 0, func() string {
					return fmt.Sprintf("%s: %s does not place by zone; remove zone %q and pin the region", label, c, res.Zone)
				})
				return false
			}
			continue
		}
		zr, ok := r.cat.ZoneRegion(c, res.Zone)
		name := false
		if !ok && c == "aws" {
			if m := awsZoneName.FindStringSubmatch(res.Zone); m != nil {
				zr, ok = r.cat.Region(c, m[1])
				name = ok
			}
		}
		if !ok {
			continue
		}
		if want, pinned := t.region[c]; pinned && want != zr {
			misplaced = fmt.Sprintf("%s: zone %s is in %s %s, not in region %s", label, res.Zone, c, zr, want)
			continue
		}
		keep = append(keep, c)
		t.region[c] = zr
		t.zoneName = name
		r.dedup = r.dedup || name
	}
	if len(keep) == 0 {
		if misplaced != "" {
			r.reject(t.entry, ReasonZoneNotInRegion, "", 0, func() string { return misplaced })
			return false
		}
		var sugg []string
		for _, c := range t.clouds {
			if reg, ok := t.region[c]; ok {
				sugg = append(sugg, r.cat.Zones(c, reg)...)
			}
		}
		r.reject(t.entry, ReasonUnknownZone, "", 0, func() string {
			return fmt.Sprintf("%s: no %s has zone %q", label, cloudWords(t.clouds), res.Zone)
		}, sugg...)
		return false
	}
	if !r.single(t, keep, "zone "+res.Zone) {
		return false
	}
	t.zone = res.Zone
	return true
}

// resolveAccelerator resolves the requested accelerator (or memory
// selector) to catalog names and checks that its count is offered.
func (r *ranker) resolveAccelerator(t *target, a *resources.Accelerator) bool {
	label, reg := t.label(), r.cat.Registry()
	t.count = a.Count
	if a.IsMemorySelector() {
		for _, name := range r.cat.Accelerators() {
			in, ok := reg.Lookup(name)
			if !ok || in.Kind != accelerator.GPU || in.MemoryGiB == 0 || !a.Memory.Matches(in.MemoryGiB, 0) {
				continue
			}
			if a.Manufacturer != "" && !strings.EqualFold(in.Manufacturer, a.Manufacturer) {
				continue
			}
			t.accels = append(t.accels, in.Name)
		}
		if len(t.accels) == 0 {
			r.reject(t.entry, ReasonAcceleratorNotOffered, "", 0, func() string {
				return fmt.Sprintf("%s: no GPU in the catalog has %s of memory", label, a.Memory.String()+" GiB")
			})
			return false
		}
	} else {
		in, err := reg.Resolve(a.Name)
		var unknown *accelerator.UnknownError
		var ambiguous *accelerator.AmbiguousError
		switch {
		case errors.As(err, &ambiguous):
			r.reject(t.entry, ReasonAmbiguousAccelerator, "", 0, func() string {
				return fmt.Sprintf("%s: accelerator name %q is ambiguous; choose one of %s", label, a.Name, strings.Join(ambiguous.Choices, ", "))
			}, ambiguous.Choices...)
			return false
		case errors.As(err, &unknown):
			r.reject(t.entry, ReasonUnknownAccelerator, "", 0, func() string {
				return fmt.Sprintf("%s: unknown accelerator %q", label, a.Name)
			}, unknown.Suggestions...)
			return false
		case err != nil:
			r.reject(t.entry, ReasonUnknownAccelerator, "", 0, func() string { return fmt.Sprintf("%s: %v", label, err) })
			return false
		}
		if len(r.cat.ByAccelerator(in.Name)) == 0 {
			r.reject(t.entry, ReasonAcceleratorNotOffered, "", 0, func() string {
				return fmt.Sprintf("%s: no offering in the catalog has %s", label, in.Name)
			})
			return false
		}
		t.accels = []string{in.Name}
	}
	// The count: at least one accelerator name must be sold in that count.
	for _, name := range t.accels {
		if len(r.cat.ByAcceleratorCount(name, a.Count)) > 0 {
			return true
		}
	}
	var counts []string
	for _, name := range t.accels {
		for _, n := range r.cat.AcceleratorCounts(name, t.res.Cloud) {
			counts = append(counts, name+":"+strconv.FormatFloat(n, 'f', -1, 64))
		}
	}
	r.reject(t.entry, ReasonAcceleratorCount, "", 0, func() string {
		return fmt.Sprintf("%s: no offering has %s of %s; offered: %s", label, strconv.FormatFloat(a.Count, 'f', -1, 64),
			strings.Join(t.accels, "/"), strings.Join(counts, ", "))
	}, counts...)
	return false
}

// sources returns the catalog slices to scan for t, narrowed as far as the
// indexes allow; consider applies the remaining filters.
func (r *ranker) sources(t *target) [][]*catalog.Offering {
	var out [][]*catalog.Offering
	switch {
	case len(t.itype) > 0:
		for _, c := range t.clouds {
			out = append(out, r.cat.ByInstanceType(c, t.itype[c]))
		}
	case t.accels != nil:
		for _, name := range t.accels {
			out = append(out, r.cat.ByAcceleratorCount(name, t.count))
		}
	default:
		for _, c := range t.clouds {
			// CPU requests land on the cloud's default general-purpose
			// families, as in SkyPilot; a cloud without defaults (a
			// user's own table) offers every type.
			anyType := len(catalog.DefaultFamilies(c)) == 0
			for _, typ := range r.cat.InstanceTypes(c) {
				if anyType || catalog.IsDefaultFamily(c, typ) {
					out = append(out, r.cat.ByInstanceType(c, typ))
				}
			}
		}
	}
	return out
}

// consider applies every filter to one offering and, when it passes, adds
// the candidate.
func (r *ranker) consider(t *target, o *catalog.Offering) {
	res := t.res
	// Cloud and location fences.
	if !slices.Contains(t.clouds, o.Cloud) {
		return
	}
	if reg, ok := t.region[o.Cloud]; ok && o.Region != reg {
		r.notInLocation(t, o)
		return
	}
	if t.zone != "" && !t.zoneName && o.Zone != t.zone {
		r.notInLocation(t, o)
		return
	}
	// Accelerators.
	switch {
	case t.accels != nil:
		if !slices.Contains(t.accels, o.Accelerator) || !catalog.CountMatches(o.AcceleratorCount, t.count) {
			r.reject(t.entry, ReasonInstanceTypeMismatch, "acc", 1, func() string {
				return fmt.Sprintf("%s: instance type %s does not carry %s", t.label(), o.InstanceType, res.Accelerator)
			})
			return
		}
	case len(t.itype) == 0 && o.Accelerator != "":
		return // a CPU request does not take GPU machines
	}
	// Hosts SkyPilot would not pick for these GPUs, unless asked for.
	if o.Flags.Has(catalog.FlagAlternative) && len(t.itype) == 0 && !t.cpus.IsSet() && !t.memory.IsSet() {
		r.reject(t.entry, ReasonAlternativeHost, "", 1, func() string {
			return fmt.Sprintf("%s: larger or variant hosts for the same accelerators left out; name an instance_type or set cpus/memory to consider them", t.label())
		})
		return
	}
	// Size.
	if !t.cpus.Matches(o.VCPUs, o.VCPUs) || !t.memory.Matches(o.MemoryGiB, o.VCPUs) {
		reason, detail := ReasonTooSmall, ""
		if len(t.itype) > 0 {
			reason, detail = ReasonInstanceTypeMismatch, "size"
		}
		r.reject(t.entry, reason, detail, 1, func() string {
			return fmt.Sprintf("%s: offerings without %s", t.label(), sizeWords(t.cpus, t.memory))
		})
		return
	}
	if t.images != nil && !t.images[strings.ToLower(o.Region)] {
		r.reject(t.entry, ReasonImageRegion, "", 1, func() string {
			return fmt.Sprintf("%s: offerings in regions image_id has no image for", t.label())
		})
		return
	}
	// Price.
	price := o.PriceIn(t.market)
	if price <= 0 {
		reason, what := ReasonNoPrice, "an on-demand price"
		if t.market == catalog.Spot {
			reason, what = ReasonNoSpotPrice, "a spot price"
		}
		r.reject(t.entry, reason, "", 1, func() string {
			return fmt.Sprintf("%s: offerings without %s", t.label(), what)
		})
		return
	}
	if res.MaxHourlyCost > 0 && price > res.MaxHourlyCost {
		r.reject(t.entry, ReasonOverMaxHourlyCost, "", 1, func() string {
			return fmt.Sprintf("%s: offerings above max_hourly_cost $%s/h per node", t.label(), money(res.MaxHourlyCost))
		})
		return
	}
	total := price * float64(r.nodes)
	if r.cfg.maxPrice > 0 && total > r.cfg.maxPrice {
		r.reject(t.entry, ReasonOverPriceCap, "", 1, func() string {
			return fmt.Sprintf("%s: offerings above the price cap of $%s/h", t.label(), money(r.cfg.maxPrice))
		})
		return
	}
	c := Candidate{Offering: o, Market: t.market, Entry: t.entry, Preference: t.pref, Nodes: r.nodes, HourlyPrice: price, TotalHourly: total}
	if t.zoneName {
		named := *o
		named.Zone = t.zone
		c.Offering = &named
	}
	if r.cfg.exclude != nil {
		if ex, why := r.cfg.exclude(c); ex {
			r.reject(t.entry, ReasonExcluded, why, 1, func() string { return fmt.Sprintf("%s: %s", t.label(), why) })
			return
		}
	}
	r.cands = append(r.cands, c)
}

func (r *ranker) notInLocation(t *target, o *catalog.Offering) {
	r.reject(t.entry, ReasonNotInLocation, "", 1, func() string {
		loc := t.res.Region
		if t.zone != "" {
			loc = t.zone
		}
		return fmt.Sprintf("%s: offerings outside the pinned location %s", t.label(), loc)
	})
}

// order sorts the candidates into search order, drops repeated placements
// and applies the limit.
func (r *ranker) order() {
	r.sort()
	if r.dedup || len(r.spec.Candidates) > 1 {
		r.dropRepeats()
	}
	if n := r.cfg.limit; n > 0 && len(r.cands) > n {
		cut := len(r.cands) - n
		r.reject(-1, ReasonLimit, "", cut, func() string {
			return fmt.Sprintf("placements beyond the first %d (WithLimit)", n)
		})
		r.cands = slices.Clip(r.cands[:n])
	}
	if r.cands == nil {
		r.cands = []Candidate{}
	}
}

// sortKey is the part of a candidate that decides most comparisons, kept
// small so that sorting moves little memory.
type sortKey struct {
	total float64
	pref  int32
	i     int32
}

// sort orders r.cands by compareCandidates: it sorts small keys and
// consults the candidates only to break ties.
func (r *ranker) sort() {
	keys := make([]sortKey, len(r.cands))
	for i := range r.cands {
		keys[i] = sortKey{total: r.cands[i].TotalHourly, pref: int32(r.cands[i].Preference), i: int32(i)}
	}
	slices.SortFunc(keys, func(a, b sortKey) int {
		if a.pref != b.pref {
			return cmp.Compare(a.pref, b.pref)
		}
		if a.total != b.total {
			return cmp.Compare(a.total, b.total)
		}
		return compareTies(&r.cands[a.i], &r.cands[b.i])
	})
	sorted := make([]Candidate, len(r.cands))
	for i, k := range keys {
		sorted[i] = r.cands[k.i]
	}
	r.cands = sorted
}

// dropRepeats keeps the first occurrence of each placement: several entries
// (or AWS zone names) may yield the same one. Offerings are unique in the
// catalog, so a pointer identifies a placement, except for the copies made
// for AWS zone names, which are compared by place.
func (r *ranker) dropRepeats() {
	if !r.spec.Ordered && !r.dedup {
		r.dropAdjacentRepeats()
		return
	}
	type ptrKey struct {
		o      *catalog.Offering
		market catalog.Market
	}
	type placeKey struct {
		cloud, typ, region, zone, acc string
		count                         float64
		market                        catalog.Market
	}
	byPtr := make(map[ptrKey]struct{}, len(r.cands))
	var byPlace map[placeKey]struct{}
	if r.dedup {
		byPlace = make(map[placeKey]struct{}, len(r.cands))
	}
	kept := r.cands[:0]
	for _, c := range r.cands {
		var dup bool
		if byPlace != nil {
			o := c.Offering
			k := placeKey{o.Cloud, o.InstanceType, o.Region, o.Zone, o.Accelerator, o.AcceleratorCount, c.Market}
			_, dup = byPlace[k]
			byPlace[k] = struct{}{}
		} else {
			k := ptrKey{c.Offering, c.Market}
			_, dup = byPtr[k]
			byPtr[k] = struct{}{}
		}
		if dup {
			r.reject(c.Entry, ReasonDuplicate, "", 1, func() string {
				return fmt.Sprintf("%s: placements already planned for an earlier entry", entryLabel(&r.spec.Candidates[c.Entry]))
			})
			continue
		}
		kept = append(kept, c)
	}
	r.cands = kept
}

// dropAdjacentRepeats is dropRepeats for unordered specs: there a repeated
// placement has the same preference, price and tie-break fields as its
// first occurrence, so it sorts right after it and no map is needed.
func (r *ranker) dropAdjacentRepeats() {
	kept := r.cands[:0]
	for i, c := range r.cands {
		if i > 0 && c.Offering == r.cands[i-1].Offering && c.Market == r.cands[i-1].Market {
			r.reject(c.Entry, ReasonDuplicate, "", 1, func() string {
				return fmt.Sprintf("%s: placements already planned for an earlier entry", entryLabel(&r.spec.Candidates[c.Entry]))
			})
			continue
		}
		kept = append(kept, c)
	}
	r.cands = kept
}

// compareCandidates is the search order: preference, total hourly cost,
// then compareTies.
func compareCandidates(a, b *Candidate) int {
	if c := cmp.Compare(a.Preference, b.Preference); c != 0 {
		return c
	}
	if c := cmp.Compare(a.TotalHourly, b.TotalHourly); c != 0 {
		return c
	}
	return compareTies(a, b)
}

// compareTies breaks ties of equal preference and cost: cloud, region,
// zone, instance type, accelerators, market, entry.
func compareTies(a, b *Candidate) int {
	oa, ob := a.Offering, b.Offering
	if c := cmp.Compare(oa.Cloud, ob.Cloud); c != 0 {
		return c
	}
	if c := cmp.Compare(oa.Region, ob.Region); c != 0 {
		return c
	}
	if c := cmp.Compare(oa.Zone, ob.Zone); c != 0 {
		return c
	}
	if c := cmp.Compare(oa.InstanceType, ob.InstanceType); c != 0 {
		return c
	}
	if c := cmp.Compare(oa.Accelerator, ob.Accelerator); c != 0 {
		return c
	}
	if c := cmp.Compare(oa.AcceleratorCount, ob.AcceleratorCount); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Market, b.Market); c != 0 {
		return c
	}
	return cmp.Compare(a.Entry, b.Entry)
}

func cloudWords(clouds []string) string {
	switch len(clouds) {
	case 0:
		return "enabled cloud"
	case 1:
		return "cloud " + clouds[0]
	}
	return "cloud among " + strings.Join(clouds, ", ")
}

func sizeWords(cpus, mem resources.Quantity) string {
	var parts []string
	if cpus.IsSet() {
		parts = append(parts, "cpus "+cpus.String())
	}
	if mem.IsSet() {
		parts = append(parts, "memory "+mem.String())
	}
	return strings.Join(parts, " and ")
}

// money renders a price with up to 4 decimals, without trailing zeros.
func money(f float64) string {
	s := strconv.FormatFloat(math.Round(f*1e4)/1e4, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		return s + ".00"
	}
	if i := strings.IndexByte(s, '.'); len(s)-i == 2 {
		s += "0"
	}
	return s
}

// NoCandidatesError is returned by Rank when nothing in the catalog fits
// the spec. It holds every rejection.
type NoCandidatesError struct {
	Rejected []Rejection
	Entries  []resources.Resources
}

func (e *NoCandidatesError) Error() string {
	var b strings.Builder
	b.WriteString("optimizer: no launchable resource fits the task")
	for _, rj := range e.Rejected {
		b.WriteString("\n  - ")
		b.WriteString(rj.Message)
		if rj.Count > 0 {
			fmt.Fprintf(&b, " (%d)", rj.Count)
		}
		if len(rj.Suggestions) > 0 {
			b.WriteString("; did you mean ")
			b.WriteString(strings.Join(rj.Suggestions, ", "))
			b.WriteString("?")
		}
	}
	b.WriteString("\nrelax or change the resource requirements (show-gpus lists what the catalog sells)")
	return b.String()
}
