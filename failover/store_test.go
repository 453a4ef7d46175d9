package failover

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/skyhop/skyhop/catalog"
	"github.com/skyhop/skyhop/drivers"
	"github.com/skyhop/skyhop/internal/clock"
	"github.com/skyhop/skyhop/optimizer"
)

var t0 = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

func TestStoreCoverage(t *testing.T) {
	od, spot := catalog.OnDemand, catalog.Spot
	tests := []struct {
		name  string
		block Block
		query Query
		want  bool
	}{
		{"exact offering", Block{Cloud: "aws", Region: "r1", Zone: "a", InstanceType: "t", Market: od},
			Query{Cloud: "aws", Region: "r1", Zone: "a", InstanceType: "t", Market: od}, true},
		{"other zone", Block{Cloud: "aws", Region: "r1", Zone: "a", InstanceType: "t", Market: od},
			Query{Cloud: "aws", Region: "r1", Zone: "b", InstanceType: "t", Market: od}, false},
		{"other market", Block{Cloud: "aws", Region: "r1", Zone: "a", InstanceType: "t", Market: od},
			Query{Cloud: "aws", Region: "r1", Zone: "a", InstanceType: "t", Market: spot}, false},
		{"other type", Block{Cloud: "aws", Region: "r1", Zone: "a", InstanceType: "t", Market: od},
			Query{Cloud: "aws", Region: "r1", Zone: "a", InstanceType: "u", Market: od}, false},
		{"region block covers its zones", Block{Cloud: "aws", Region: "r1", InstanceType: "t", Market: spot},
			Query{Cloud: "aws", Region: "r1", Zone: "c", InstanceType: "t", Market: spot}, true},
		{"region block spares other regions", Block{Cloud: "aws", Region: "r1", InstanceType: "t", Market: spot},
			Query{Cloud: "aws", Region: "r2", Zone: "c", InstanceType: "t", Market: spot}, false},
		{"cloud block for a type", Block{Cloud: "gcp", InstanceType: "a2", Market: od},
			Query{Cloud: "gcp", Region: "x", Zone: "y", InstanceType: "a2", Market: od}, true},
		{"cloud block spares other clouds", Block{Cloud: "gcp", InstanceType: "a2", Market: od},
			Query{Cloud: "aws", Region: "x", Zone: "y", InstanceType: "a2", Market: od}, false},
		{"whole cloud", Block{Cloud: "azure", AllMarkets: true},
			Query{Cloud: "azure", Region: "eastus", InstanceType: "nd", Market: spot}, true},
		{"whole region, every type and market", Block{Cloud: "aws", Region: "r1", AllMarkets: true},
			Query{Cloud: "aws", Region: "r1", Zone: "a", InstanceType: "z", Market: spot}, true},
		{"zone-less offering under a region block", Block{Cloud: "azure", Region: "eastus", InstanceType: "nd", Market: od},
			Query{Cloud: "azure", Region: "eastus", InstanceType: "nd", Market: od}, true},
		{"zone block does not cover zone-less query", Block{Cloud: "azure", Region: "eastus", Zone: "1", InstanceType: "nd", Market: od},
			Query{Cloud: "azure", Region: "eastus", InstanceType: "nd", Market: od}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewMemoryStore(clock.NewManual(t0))
			b := tt.block
			b.Class, b.Since, b.Until = drivers.ClassQuota, t0, t0.Add(time.Hour)
			s.Add(b)
			q := tt.query
			q.Now = t0
			_, got := s.Lookup(q)
			if got != tt.want {
				t.Errorf("Lookup = %v, want %v", got, tt.want)
			}
			if cov := b.Covers(q.Cloud, q.Region, q.Zone, q.InstanceType, q.Market); cov != tt.want {
				t.Errorf("Covers = %v, want %v", cov, tt.want)
			}
		})
	}
}

func TestStoreTTLAndExtension(t *testing.T) {
	clk := clock.NewManual(t0)
	s := NewMemoryStore(clk)
	b := Block{Cloud: "aws", Region: "r1", Zone: "a", InstanceType: "t", Class: drivers.ClassCapacity, Code: "ICE",
		Since: t0, Until: t0.Add(10 * time.Minute)}
	s.Add(b)
	if _, _, ok := s.Excluded("aws", "r1", "a", "t", catalog.OnDemand); !ok {
		t.Fatal("not blocked right after Add")
	}
	clk.Advance(9 * time.Minute)
	// Marking again extends.
	b2 := b
	b2.Since, b2.Until = clk.Now(), clk.Now().Add(10*time.Minute)
	s.Add(b2)
	// An older, shorter sighting does not shorten it.
	s.Add(b)
	clk.Advance(5 * time.Minute)
	until, reason, ok := s.Excluded("aws", "r1", "a", "t", catalog.OnDemand)
	if !ok || !until.Equal(t0.Add(19*time.Minute)) || !strings.Contains(reason, "capacity (ICE)") {
		t.Fatalf("Excluded = %v %q %v, want blocked until +19m", until, reason, ok)
	}
	clk.Advance(6 * time.Minute)
	if _, _, ok := s.Excluded("aws", "r1", "a", "t", catalog.OnDemand); ok {
		t.Error("still blocked after the TTL")
	}
	if n := len(s.Blocks()); n != 0 {
		t.Errorf("Blocks() lists %d expired blocks", n)
	}
	s.Clear()
	if s.Len() != 0 {
		t.Error("Clear left blocks")
	}
}

func TestStoreCapacitySince(t *testing.T) {
	s := NewMemoryStore(nil)
	s.Add(Block{Cloud: "aws", Region: "r", Zone: "a", InstanceType: "t", Class: drivers.ClassCapacity, Since: t0, Until: t0.Add(time.Hour)})
	s.Add(Block{Cloud: "aws", Region: "r", InstanceType: "u", Class: drivers.ClassQuota, Since: t0, Until: t0.Add(time.Hour)})
	q := Query{Cloud: "aws", Region: "r", Zone: "a", InstanceType: "t", Now: t0.Add(time.Minute), CapacitySince: t0.Add(time.Second)}
	if _, ok := s.Lookup(q); ok {
		t.Error("an earlier capacity block hides the offering in a later round")
	}
	q.InstanceType = "u"
	if _, ok := s.Lookup(q); !ok {
		t.Error("a quota block stops hiding in a later round")
	}
}

func TestStorePrefersSpecific(t *testing.T) {
	s := NewMemoryStore(nil)
	s.Add(Block{Cloud: "aws", AllMarkets: true, Class: drivers.ClassPermission, Since: t0, Until: t0.Add(time.Hour)})
	s.Add(Block{Cloud: "aws", Region: "r", Zone: "a", InstanceType: "t", Class: drivers.ClassCapacity, Since: t0, Until: t0.Add(time.Hour)})
	b, ok := s.Lookup(Query{Cloud: "aws", Region: "r", Zone: "a", InstanceType: "t", Now: t0})
	if !ok || b.Class != drivers.ClassCapacity {
		t.Errorf("Lookup = %v, want the zone block first", b)
	}
}

func TestStorePrunes(t *testing.T) {
	clk := clock.NewManual(t0)
	s := NewMemoryStore(clk)
	for i := range 1000 {
		s.Add(Block{Cloud: "aws", Region: "r", Zone: fmt.Sprint(i), InstanceType: "t", Class: drivers.ClassCapacity,
			Since: clk.Now(), Until: clk.Now().Add(time.Minute)})
		clk.Advance(time.Second)
	}
	if n := s.Len(); n > 600 {
		t.Errorf("store holds %d blocks, most of them expired", n)
	}
}

func TestExcluderAdapters(t *testing.T) {
	clk := clock.NewManual(t0)
	s := NewMemoryStore(clk)
	s.Add(Block{Cloud: "gcp", Region: "us-central1", InstanceType: "n1-standard-8", Market: catalog.Spot,
		Class: drivers.ClassQuota, Code: "QUOTA_EXCEEDED", Since: t0, Until: t0.Add(time.Hour)})
	c := cand("gcp/us-central1/us-central1-a/n1-standard-8/spot", 1)
	for name, hook := range map[string]func(optimizer.Candidate) (bool, string){
		"method":   s.Exclude,
		"Excluder": Excluder(s, clk),
	} {
		blocked, reason := hook(c)
		if !blocked || !strings.Contains(reason, "quota (QUOTA_EXCEEDED)") || !strings.Contains(reason, "gcp us-central1 n1-standard-8 spot") {
			t.Errorf("%s: %v %q", name, blocked, reason)
		}
		c2 := c
		c2.Market = catalog.OnDemand
		if blocked, _ := hook(c2); blocked {
			t.Errorf("%s: on-demand blocked by a spot quota", name)
		}
	}
}

func TestStoreConcurrent(t *testing.T) {
	s := NewMemoryStore(nil)
	var wg sync.WaitGroup
	now := time.Now()
	for g := range 16 {
		wg.Go(func() {
			for i := range 500 {
				s.Add(Block{Cloud: "aws", Region: fmt.Sprint(g), Zone: fmt.Sprint(i % 7), InstanceType: "t",
					Class: drivers.ClassCapacity, Since: now, Until: now.Add(time.Hour)})
				s.Lookup(Query{Cloud: "aws", Region: fmt.Sprint((g + 1) % 16), Zone: "3", InstanceType: "t", Now: now})
				if i%100 == 0 {
					s.Blocks()
				}
			}
		})
	}
	wg.Wait()
	if n := s.Len(); n != 16*7 {
		t.Errorf("%d blocks, want %d", n, 16*7)
	}
}

func TestBlockString(t *testing.T) {
	tests := []struct {
		b    Block
		want string
	}{
		{Block{Cloud: "aws", Region: "us-east-1", Zone: "use1-az4", InstanceType: "p4d.24xlarge", Market: catalog.Spot, Class: drivers.ClassCapacity,
			Code: "InsufficientInstanceCapacity", Until: t0}, "aws us-east-1/use1-az4 p4d.24xlarge spot: capacity (InsufficientInstanceCapacity), until 2025-06-01T12:00:00Z"},
		{Block{Cloud: "gcp", InstanceType: "a2", Class: drivers.ClassQuota}, "gcp (every region) a2 on-demand: quota, for this call"},
		{Block{Cloud: "azure", AllMarkets: true, Class: drivers.ClassPermission, Code: "AuthorizationFailed"}, "azure (everything): permission (AuthorizationFailed), for this call"},
		{Block{Cloud: "aws", Region: "r1", AllMarkets: true, Class: drivers.ClassInvalid}, "aws r1 (every instance type): invalid, for this call"},
	}
	for _, tt := range tests {
		if got := tt.b.String(); got != tt.want {
			t.Errorf("String() = %q\nwant       %q", got, tt.want)
		}
	}
}
