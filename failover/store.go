package failover

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/skyhop/skyhop/catalog"
	"github.com/skyhop/skyhop/drivers"
	"github.com/skyhop/skyhop/internal/clock"
	"github.com/skyhop/skyhop/optimizer"
)

// Block says that some offerings are known to be unavailable, why, and until
// when. Empty location fields are wildcards: Region "" covers every region of
// Cloud, Zone "" every zone of Region, InstanceType "" every instance type,
// and AllMarkets both spot and on-demand.
//
// Blocks for the resource classes (capacity, quota, unsupported, unknown)
// keep the instance type and market of the failed attempt and widen only the
// location, as the error's scope says; blocks for permission and invalid
// errors cover everything at their location.
type Block struct {
	// Cloud is always set.
	Cloud string
	// Region, Zone and InstanceType narrow the block; "" is a wildcard.
	Region       string
	Zone         string
	InstanceType string
	// Market is the market blocked, unless AllMarkets is set.
	Market     catalog.Market
	AllMarkets bool

	// Class is the class of the failure that caused the block, Scope its
	// effective scope.
	Class drivers.Class
	Scope drivers.Scope
	// Code and Message are the provider's code and text (or the engine's own,
	// for a preflight failure or a missing driver).
	Code    string
	Message string

	// Since is when the block was (last) recorded; Until when it expires.
	// A zero Until never expires (blocks that live only for one Provision
	// call or one round).
	Since time.Time
	Until time.Time
}

// Covers reports whether the block covers the offering (cloud, region, zone,
// instance type, market), ignoring time.
func (b *Block) Covers(cloud, region, zone, instanceType string, m catalog.Market) bool {
	return b.Cloud == cloud &&
		(b.Region == "" || b.Region == region) &&
		(b.Zone == "" || b.Zone == zone) &&
		(b.InstanceType == "" || b.InstanceType == instanceType) &&
		(b.AllMarkets || b.Market == m)
}

// Active reports whether the block is in force at now.
func (b *Block) Active(now time.Time) bool {
	return b.Until.IsZero() || now.Before(b.Until)
}

// Where renders what the block covers: "aws us-east-1/use1-az4 p4d.24xlarge
// spot", "gcp (every region) a2-highgpu-8g on-demand", "azure (everything)".
func (b *Block) Where() string {
	var s strings.Builder
	s.WriteString(b.Cloud)
	switch {
	case b.Region == "" && b.InstanceType == "" && b.AllMarkets:
		s.WriteString(" (everything)")
		return s.String()
	case b.Region == "":
		s.WriteString(" (every region)")
	case b.Zone == "":
		s.WriteString(" ")
		s.WriteString(b.Region)
	default:
		s.WriteString(" ")
		s.WriteString(b.Region)
		s.WriteString("/")
		s.WriteString(b.Zone)
	}
	if b.InstanceType == "" {
		s.WriteString(" (every instance type)")
	} else {
		s.WriteString(" ")
		s.WriteString(b.InstanceType)
	}
	if !b.AllMarkets {
		s.WriteString(" ")
		s.WriteString(b.Market.String())
	}
	return s.String()
}

// String renders the block for people: what it covers, why, and until when.
func (b *Block) String() string {
	var s strings.Builder
	s.WriteString(b.Where())
	s.WriteString(": ")
	s.WriteString(b.Class.String())
	if b.Code != "" {
		s.WriteString(" (")
		s.WriteString(b.Code)
		s.WriteString(")")
	}
	if b.Until.IsZero() {
		s.WriteString(", for this call")
	} else {
		s.WriteString(", until ")
		s.WriteString(b.Until.UTC().Format(time.RFC3339))
	}
	return s.String()
}

// Query asks whether one offering is blocked.
type Query struct {
	Cloud        string
	Region       string
	Zone         string
	InstanceType string
	Market       catalog.Market
	// Now is the time of the question; blocks whose Until is not after Now
	// have expired.
	Now time.Time
	// CapacitySince, when not zero, ignores capacity blocks recorded before
	// it: capacity comes back, so a retry-until-up round does not let an
	// earlier round's stockouts hide a candidate.
	CapacitySince time.Time
}

// Store remembers which offerings are unavailable. Provision reads it before
// every attempt and writes the blocks that outlive one call (capacity, quota,
// unsupported) to it. Implementations must be safe for concurrent use; a
// persistent implementation lets one process learn from another.
type Store interface {
	// Add records b. Recording a block whose location, instance type and
	// market equal an existing one's replaces it when b lasts longer (or
	// is newer and lasts as long), so marking again extends a block.
	Add(b Block)
	// Lookup returns a block in force at q.Now that covers the offering of
	// q, and whether there is one. When several do, it returns the most
	// specific.
	Lookup(q Query) (Block, bool)
}

// MemoryStore is the in-memory Store. The zero value is not usable; call
// NewMemoryStore. It is safe for concurrent use and is meant to be shared by
// every Provision call of a process.
type MemoryStore struct {
	clk clock.Clock

	mu     sync.RWMutex
	set    blockSet
	adds   int
	pruneN int
}

// NewMemoryStore returns an empty store. Its clock (clock.Real when c is nil)
// is used by Excluded, Exclude and Blocks, and to drop expired blocks; give
// Provision the same clock (WithClock).
func NewMemoryStore(c clock.Clock) *MemoryStore {
	return &MemoryStore{clk: clock.Or(c), pruneN: 256}
}

// Add records b (see Store.Add). Expired blocks are dropped from time to
// time as blocks are added.
func (s *MemoryStore) Add(b Block) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.set.add(b)
	s.adds++
	if s.adds >= s.pruneN {
		s.set.prune(s.clk.Now())
		s.adds = 0
		if n := 2 * len(s.set.m); n > s.pruneN {
			s.pruneN = n
		}
	}
}

// Lookup returns the most specific block in force covering q's offering.
func (s *MemoryStore) Lookup(q Query) (Block, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.set.lookup(&q)
}

// Excluded reports whether the offering is blocked now (by the store's
// clock): until when, and why.
func (s *MemoryStore) Excluded(cloud, region, zone, instanceType string, m catalog.Market) (until time.Time, reason string, ok bool) {
	b, ok := s.Lookup(Query{Cloud: cloud, Region: region, Zone: zone, InstanceType: instanceType, Market: m, Now: s.clk.Now()})
	if !ok {
		return time.Time{}, "", false
	}
	return b.Until, b.String(), true
}

// Exclude is the exclusion hook optimizer.Rank can take: it reports whether
// the candidate's offering and market are blocked now, and why.
func (s *MemoryStore) Exclude(c optimizer.Candidate) (blocked bool, reason string) {
	_, reason, blocked = s.Excluded(c.Offering.Cloud, c.Offering.Region, c.Offering.Zone, c.Offering.InstanceType, c.Market)
	return blocked, reason
}

// Blocks returns the blocks in force now, most recent first.
func (s *MemoryStore) Blocks() []Block {
	now := s.clk.Now()
	s.mu.RLock()
	out := make([]Block, 0, len(s.set.m))
	for _, b := range s.set.m {
		if b.Active(now) {
			out = append(out, b)
		}
	}
	s.mu.RUnlock()
	sortBlocks(out)
	return out
}

// Len returns how many blocks the store holds, expired ones not yet dropped
// included.
func (s *MemoryStore) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.set.m)
}

// Clear forgets every block.
func (s *MemoryStore) Clear() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.set.reset()
}

// Excluder adapts any Store to the exclusion hook optimizer.Rank takes,
// asking at c's time (clock.Real when c is nil).
func Excluder(s Store, c clock.Clock) func(optimizer.Candidate) (blocked bool, reason string) {
	c = clock.Or(c)
	return func(cand optimizer.Candidate) (bool, string) {
		o := cand.Offering
		b, ok := s.Lookup(Query{Cloud: o.Cloud, Region: o.Region, Zone: o.Zone, InstanceType: o.InstanceType, Market: cand.Market, Now: c.Now()})
		if !ok {
			return false, ""
		}
		return true, b.String()
	}
}

// anyMarket marks a key that covers both markets.
const anyMarket int8 = -1

type blockKey struct {
	cloud, region, zone, itype string
	market                     int8
}

func keyOf(b *Block) blockKey {
	k := blockKey{cloud: b.Cloud, region: b.Region, zone: b.Zone, itype: b.InstanceType, market: int8(b.Market)}
	if b.Region == "" {
		k.zone = ""
	}
	if b.AllMarkets {
		k.market = anyMarket
	}
	return k
}

// blockSet is a set of blocks keyed by what they cover. A lookup probes
// the wildcard combinations of an offering (location: zone, region or
// cloud; instance type or any; market or any), but only the shapes that
// hold at least one block, so a typical lookup costs one to three map
// reads. It is not safe for concurrent use by itself.
type blockSet struct {
	m      map[blockKey]Block
	shapes [12]int32 // blocks per shape
}

// shapeOf numbers the shape of a key: location level (0 zone, 1 region,
// 2 cloud) × 4 + any type × 2 + any market.
func shapeOf(k *blockKey) int {
	lvl := 0
	switch {
	case k.region == "":
		lvl = 2
	case k.zone == "":
		lvl = 1
	}
	s := lvl * 4
	if k.itype == "" {
		s += 2
	}
	if k.market == anyMarket {
		s++
	}
	return s
}

func (s *blockSet) add(b Block) {
	if s.m == nil {
		s.m = make(map[blockKey]Block)
	}
	k := keyOf(&b)
	old, ok := s.m[k]
	if ok {
		// Keep the longer-lived block; a never-expiring one wins.
		switch {
		case old.Until.IsZero() && !b.Until.IsZero():
			return
		case !old.Until.IsZero() && !b.Until.IsZero() && b.Until.Before(old.Until):
			// Keep the later expiry but note the newer sighting.
			old.Since = laterOf(old.Since, b.Since)
			s.m[k] = old
			return
		}
	} else {
		s.shapes[shapeOf(&k)]++
	}
	s.m[k] = b
}

func laterOf(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func (s *blockSet) reset() {
	clear(s.m)
	s.shapes = [12]int32{}
}

func (s *blockSet) prune(now time.Time) {
	for k, b := range s.m {
		if !b.Active(now) {
			delete(s.m, k)
			s.shapes[shapeOf(&k)]--
		}
	}
}

// lookup probes from the most specific shape to the broadest and returns
// the first block in force.
func (s *blockSet) lookup(q *Query) (Block, bool) {
	if len(s.m) == 0 {
		return Block{}, false
	}
	k := blockKey{cloud: q.Cloud}
	for shape, n := range s.shapes {
		if n == 0 {
			continue
		}
		lvl, anyType, anyMkt := shape/4, shape&2 != 0, shape&1 != 0
		switch lvl {
		case 0:
			if q.Region == "" || q.Zone == "" {
				continue // a zone block never covers a zone-less offering
			}
			k.region, k.zone = q.Region, q.Zone
		case 1:
			if q.Region == "" {
				continue
			}
			k.region, k.zone = q.Region, ""
		default:
			k.region, k.zone = "", ""
		}
		k.itype = q.InstanceType
		if anyType {
			k.itype = ""
		} else if q.InstanceType == "" {
			continue
		}
		k.market = int8(q.Market)
		if anyMkt {
			k.market = anyMarket
		}
		b, ok := s.m[k]
		if !ok || !b.Active(q.Now) {
			continue
		}
		if b.Class == drivers.ClassCapacity && !q.CapacitySince.IsZero() && b.Since.Before(q.CapacitySince) {
			continue
		}
		return b, true
	}
	return Block{}, false
}

func sortBlocks(bs []Block) {
	// Most recent first, then by what they cover, for a stable listing.
	slices.SortFunc(bs, func(a, b Block) int {
		if c := b.Since.Compare(a.Since); c != 0 {
			return c
		}
		return strings.Compare(a.String(), b.String())
	})
}

var _ fmt.Stringer = (*Block)(nil)
