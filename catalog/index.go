package catalog

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// cloudIndex holds the indexes of one cloud. Everything but the CPU-only
// offerings is built with the catalog; those (most of the embedded
// snapshot: Azure's and GCP's CPU VMs) may be decoded on first need, once,
// by full.
type cloudIndex struct {
	n      int         // offerings
	nCPU   int         // CPU-only offerings
	types  []string    // instance types, sorted
	spans  []typeSpans // per type, in types order
	accLoc []*Offering // the offerings with accelerators, location order

	foldOnce sync.Once
	typeFold map[string]int32 // lower-case type → index of its first spelling; built on first need

	regions    []string // sorted
	regionFold map[string]string
	zones      map[string][]string // region → sorted zones
	zoneRegion map[string]string
	zoned      bool // some offering has a zone

	once sync.Once
	// load decodes the CPU-only offerings in location order (for a
	// catalog built from offerings, cpu holds them and load is nil).
	load func() ([]Offering, error)
	cpu  []Offering  // CPU-only offerings, location order (= accelerator order)
	loc  []*Offering // every offering, location order: set by full
	err  error       // load's error: full panics with it
}

// typeSpans locates the offerings of one instance type: loc in the
// cloud's location order, acc in accLoc. Its CPU-only offerings are
// cpu[loc.lo-acc.lo : loc.hi-acc.hi] (they precede its accelerator
// offerings in location order).
type typeSpans struct{ loc, acc span }

// full returns every offering of the cloud in location order, decoding
// the CPU-only offerings on first use. Safe for concurrent use: the slice
// is built once and never changes.
func (ci *cloudIndex) full() []*Offering {
	ci.once.Do(ci.materialise)
	if ci.err != nil {
		panic(ci.err) // corrupt embedded data, which the package's tests rule out
	}
	return ci.loc
}

// cpuOfferings returns the cloud's CPU-only offerings, decoded.
func (ci *cloudIndex) cpuOfferings() []Offering {
	ci.full()
	return ci.cpu
}

func (ci *cloudIndex) materialise() {
	if ci.load != nil {
		cpu, err := ci.load()
		ci.load = nil
		if err != nil {
			ci.err = err
			return
		}
		ci.cpu = cpu
	}
	if len(ci.cpu) != ci.nCPU {
		ci.err = fmt.Errorf("catalog: %d CPU-only offerings, the index counted %d", len(ci.cpu), ci.nCPU)
		return
	}
	if ci.nCPU == 0 {
		ci.loc = ci.accLoc
		return
	}
	loc := make([]*Offering, ci.n)
	for t, ts := range ci.spans {
		k := ts.loc.lo
		for j := ts.loc.lo - ts.acc.lo; j < ts.loc.hi-ts.acc.hi; j++ {
			o := &ci.cpu[j]
			if o.InstanceType != ci.types[t] || o.Accelerator != "" {
				ci.err = fmt.Errorf("catalog: CPU-only offering %d is %s with %q, want instance type %s: not in location order", j, o.InstanceType, o.Accelerator, ci.types[t])
				return
			}
			loc[k] = o
			k++
		}
		copy(loc[k:ts.loc.hi], ci.accLoc[ts.acc.lo:ts.acc.hi])
	}
	ci.loc = loc
}

// typeIndex returns the index of instance type name, matched exactly first
// and then case-insensitively.
func (ci *cloudIndex) typeIndex(name string) (int32, bool) {
	if i, ok := slices.BinarySearch(ci.types, name); ok {
		return int32(i), true
	}
	ci.foldOnce.Do(func() {
		ci.typeFold = make(map[string]int32, len(ci.types))
		for i, t := range ci.types {
			if l := strings.ToLower(t); !hasKey(ci.typeFold, l) {
				ci.typeFold[l] = int32(i)
			}
		}
	})
	return lookupFold(ci.typeFold, name)
}

func hasKey[V any](m map[string]V, k string) bool {
	_, ok := m[k]
	return ok
}

// offerings returns the offerings of types[lo:hi] in location order: a
// sub-slice of accLoc when none of them is CPU-only (no decoding needed),
// else of full.
func (ci *cloudIndex) offerings(lo, hi int) []*Offering {
	if lo >= hi {
		return nil
	}
	first, last := ci.spans[lo], ci.spans[hi-1]
	if first.loc.lo-first.acc.lo == last.loc.hi-last.acc.hi { // no CPU-only offering
		return ci.accLoc[first.acc.lo:last.acc.hi:last.acc.hi]
	}
	return ci.full()[first.loc.lo:last.loc.hi:last.loc.hi]
}

// indexer builds a catalog's indexes from the string ids of its rows, with
// no allocation per row: add takes one row (those with accelerators must
// come in accelerator order); addCPU and cloudBuild.place take a count of
// CPU-only rows and their places, which is how the embedded snapshot
// indexes rows it has not decoded.
type indexer struct {
	strs    []string
	rank    []int32 // string id → rank in byte order
	cloudOf []int32 // string id → index in clouds + 1
	clouds  []*cloudBuild
	accRows []accRow // per accelerator row added
}

type cloudBuild struct {
	id, seq    int32   // string id; index in indexer.clouds
	noZone     int32   // string id of "", or -1
	bucketOf   []int32 // type id → index in buckets + 1
	buckets    []bucket
	regionSeen []bool
	regions    []int32
	zoneRegion []int32 // zone id → region id + 1
	extra      map[[2]int32]bool
	zones      map[int32][]int32 // region id → zone ids
	nCPU       int
	load       func() ([]Offering, error)
	cpu        []Offering
}

type bucket struct{ typ, cpu, acc int32 }

type accRow struct{ cloud, bucket int32 }

// newIndexer returns an indexer of rows whose strings are strs, expecting
// about accRows rows with accelerators.
func newIndexer(strs []string, accRows int) *indexer {
	ix := &indexer{strs: strs, rank: make([]int32, len(strs)), cloudOf: make([]int32, len(strs)), accRows: make([]accRow, 0, accRows)}
	for i := range ix.rank {
		ix.rank[i] = int32(i)
	}
	if !slices.IsSorted(strs) {
		order := slices.Clone(ix.rank)
		slices.SortFunc(order, func(a, b int32) int { return strings.Compare(strs[a], strs[b]) })
		for r, i := range order {
			ix.rank[i] = int32(r)
		}
	}
	return ix
}

// cloud returns the builder of cloud id, creating it.
func (ix *indexer) cloud(id int32) *cloudBuild {
	if c := ix.cloudOf[id]; c > 0 {
		return ix.clouds[c-1]
	}
	ns := len(ix.strs)
	cb := &cloudBuild{id: id, seq: int32(len(ix.clouds)), noZone: int32(slices.Index(ix.strs, "")), bucketOf: make([]int32, ns), regionSeen: make([]bool, ns), zoneRegion: make([]int32, ns), zones: map[int32][]int32{}}
	ix.clouds = append(ix.clouds, cb)
	ix.cloudOf[id] = int32(len(ix.clouds))
	return cb
}

// add records one row: the string ids of its cloud, instance type, region
// and zone, and whether it has accelerators. Rows with accelerators come in
// accelerator order.
func (ix *indexer) add(cloud, typ, region, zone int32, hasAcc bool) {
	cb := ix.cloud(cloud)
	b := cb.bucket(typ)
	if hasAcc {
		cb.buckets[b].acc++
		ix.accRows = append(ix.accRows, accRow{cb.seq, b})
	} else {
		cb.buckets[b].cpu++
		cb.nCPU++
	}
	cb.place(region, zone)
}

// addCPU records n CPU-only rows of instance type typ in cloud, without
// their places (see place).
func (ix *indexer) addCPU(cloud, typ, n int32) {
	cb := ix.cloud(cloud)
	cb.buckets[cb.bucket(typ)].cpu += n
	cb.nCPU += int(n)
}

// bucket returns the index of instance type typ in cb.buckets, adding it.
func (cb *cloudBuild) bucket(typ int32) int32 {
	b := cb.bucketOf[typ] - 1
	if b < 0 {
		cb.buckets = append(cb.buckets, bucket{typ: typ})
		b = int32(len(cb.buckets) - 1)
		cb.bucketOf[typ] = b + 1
	}
	return b
}

// place records that cb has offerings in region and zone (string ids; the
// zone's string is "" where the cloud prices per region).
func (cb *cloudBuild) place(region, zone int32) {
	if !cb.regionSeen[region] {
		cb.regionSeen[region] = true
		cb.regions = append(cb.regions, region)
	}
	if zone == cb.noZone {
		return
	}
	// A zone normally belongs to one region; a zone name seen in a second
	// region of the same cloud goes through a map.
	switch zr := cb.zoneRegion[zone]; {
	case zr == region+1:
		return
	case zr == 0:
		cb.zoneRegion[zone] = region + 1
	default:
		k := [2]int32{region, zone}
		if cb.extra[k] {
			return
		}
		if cb.extra == nil {
			cb.extra = map[[2]int32]bool{}
		}
		cb.extra[k] = true
	}
	cb.zones[region] = append(cb.zones[region], zone)
}

// finish builds the catalog from the rows added: acc holds the offerings
// with accelerators in the order they were added (accelerator order).
func (ix *indexer) finish(acc []*Offering, src Source) (*Catalog, error) {
	if len(acc) != len(ix.accRows) {
		return nil, fmt.Errorf("catalog: %d offerings with accelerators, %d indexed", len(acc), len(ix.accRows))
	}
	c := &Catalog{acc: acc, source: src}
	order := make([]int, len(ix.clouds))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(ix.rank[ix.clouds[a].id], ix.rank[ix.clouds[b].id]) })
	c.cloud = make(map[string]*cloudIndex, len(ix.clouds))
	cis := make([]*cloudIndex, len(ix.clouds)) // in the order first seen, as accRows count
	next := make([][]int32, len(ix.clouds))    // per cloud and bucket, the next place in accLoc
	for _, k := range order {
		name := ix.strs[ix.clouds[k].id]
		cis[k], next[k] = ix.buildCloud(ix.clouds[k])
		c.clouds = append(c.clouds, name)
		c.cloud[name] = cis[k]
		c.n += cis[k].n
		c.nCPU += cis[k].nCPU
	}
	// Location order of the accelerator offerings: a stable bucket sort of
	// accelerator order by (cloud, instance type); within a bucket,
	// accelerator order already is (accelerator, count, region, zone).
	for i, r := range ix.accRows {
		p := &next[r.cloud][r.bucket]
		cis[r.cloud].accLoc[*p] = acc[i]
		*p++
	}
	c.indexAccelerators()
	return c, nil
}

// buildCloud builds the index of one cloud, and the start in accLoc of
// each of its buckets.
func (ix *indexer) buildCloud(cb *cloudBuild) (*cloudIndex, []int32) {
	ci := &cloudIndex{nCPU: cb.nCPU, load: cb.load, cpu: cb.cpu}
	order := make([]int32, len(cb.buckets))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int { return cmp.Compare(ix.rank[cb.buckets[a].typ], ix.rank[cb.buckets[b].typ]) })
	ci.types = make([]string, len(order))
	ci.spans = make([]typeSpans, len(order))
	accStart := make([]int32, len(cb.buckets))
	var loc, acc int32
	for t, b := range order {
		bk := cb.buckets[b]
		name := ix.strs[bk.typ]
		ci.types[t] = name
		ts := typeSpans{loc: span{loc, loc + bk.cpu + bk.acc}, acc: span{acc, acc + bk.acc}}
		ci.spans[t] = ts
		accStart[b] = acc
		loc, acc = ts.loc.hi, ts.acc.hi
	}
	ci.n = int(loc)
	ci.accLoc = make([]*Offering, acc)

	slices.SortFunc(cb.regions, func(a, b int32) int { return cmp.Compare(ix.rank[a], ix.rank[b]) })
	ci.regions = make([]string, len(cb.regions))
	ci.regionFold = make(map[string]string, len(cb.regions))
	ci.zones = make(map[string][]string, len(cb.regions))
	ci.zoneRegion = map[string]string{}
	for i, r := range cb.regions {
		name := ix.strs[r]
		ci.regions[i] = name
		if l := strings.ToLower(name); ci.regionFold[l] == "" {
			ci.regionFold[l] = name
		}
		zs := cb.zones[r]
		if len(zs) == 0 {
			continue
		}
		slices.SortFunc(zs, func(a, b int32) int { return cmp.Compare(ix.rank[a], ix.rank[b]) })
		names := make([]string, len(zs))
		for j, z := range zs {
			names[j] = ix.strs[z]
			if _, ok := ci.zoneRegion[names[j]]; !ok {
				ci.zoneRegion[names[j]] = name
			}
		}
		ci.zones[name] = names
		ci.zoned = true
	}
	return ci, accStart
}

// indexAccelerators builds accs and accIdx from c.acc.
func (c *Catalog) indexAccelerators() {
	c.accIdx = map[string]span{}
	for i := 0; i < len(c.acc); {
		name := c.acc[i].Accelerator
		j := i + 1
		for j < len(c.acc) && c.acc[j].Accelerator == name {
			j++
		}
		c.accs = append(c.accs, name)
		c.accIdx[strings.ToLower(name)] = span{int32(i), int32(j)}
		i = j
	}
}
