package failover

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/skyhop/skyhop/catalog"
	"github.com/skyhop/skyhop/drivers"
	"github.com/skyhop/skyhop/internal/clock"
)

func capacityBlock(zone string, since time.Time) Block {
	return Block{Cloud: "aws", Region: "us-east-1", Zone: zone, InstanceType: "p4d.24xlarge", Market: catalog.OnDemand,
		Class: drivers.ClassCapacity, Scope: drivers.ScopeZone, Code: "InsufficientInstanceCapacity",
		Since: since, Until: since.Add(DefaultCapacityTTL)}
}

func query(zone string, now time.Time) Query {
	return Query{Cloud: "aws", Region: "us-east-1", Zone: zone, InstanceType: "p4d.24xlarge", Market: catalog.OnDemand, Now: now}
}

func TestFileStoreSharesBlocksAcrossOpens(t *testing.T) {
	start := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	clk := clock.NewManual(start)
	path := filepath.Join(t.TempDir(), "state", "availability.json")

	first, err := OpenFileStore(path, clk)
	if err != nil {
		t.Fatal(err)
	}
	first.Add(capacityBlock("use1-az1", start))
	first.Add(Block{Cloud: "aws", Class: drivers.ClassPermission, Scope: drivers.ScopeCloud, AllMarkets: true}) // this call only: not written
	if err := first.Err(); err != nil {
		t.Fatal(err)
	}

	// A second process opening the file sees the stockout, not the call-only block.
	second, err := OpenFileStore(path, clk)
	if err != nil {
		t.Fatal(err)
	}
	b, ok := second.Lookup(query("use1-az1", start.Add(time.Minute)))
	if !ok || b.Code != "InsufficientInstanceCapacity" || !b.Until.Equal(start.Add(DefaultCapacityTTL)) || b.Class != drivers.ClassCapacity {
		t.Fatalf("second store lookup = %+v, %v", b, ok)
	}
	if _, ok := second.Lookup(query("use1-az2", start)); ok {
		t.Error("a block of another zone covers use1-az2")
	}
	if n := len(second.Blocks()); n != 1 {
		t.Errorf("second store has %d blocks, want 1 (the call-only block is not persisted)", n)
	}

	// What the second process learns, the first sees once it re-reads.
	second.Add(capacityBlock("use1-az2", start))
	first.mu.Lock()
	first.checkedAt = time.Time{} // skip the refresh interval
	first.mu.Unlock()
	if _, ok := first.Lookup(query("use1-az2", start.Add(time.Minute))); !ok {
		t.Error("the first store did not pick up the second's block")
	}

	// Expired blocks are not loaded.
	clk.Advance(DefaultCapacityTTL + time.Second)
	third, err := OpenFileStore(path, clk)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(third.Blocks()); n != 0 {
		t.Errorf("expired blocks loaded: %d", n)
	}
}

func TestFileStoreErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte("{not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenFileStore(bad, nil); err == nil || !strings.Contains(err.Error(), bad) || !strings.Contains(err.Error(), "not a store file") {
		t.Errorf("corrupt file: %v", err)
	}
	old := filepath.Join(dir, "old.json")
	if err := os.WriteFile(old, []byte(`{"version": 99, "blocks": []}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenFileStore(old, nil); err == nil || !strings.Contains(err.Error(), "format version 99") {
		t.Errorf("wrong version: %v", err)
	}
	if _, err := OpenFileStore("", nil); err == nil {
		t.Error("empty path accepted")
	}
	// A store whose file cannot be written keeps working in memory and says why.
	ro := filepath.Join(dir, "ro")
	if err := os.Mkdir(ro, 0o500); err != nil {
		t.Fatal(err)
	}
	s, err := OpenFileStore(filepath.Join(ro, "s.json"), nil)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	s.Add(capacityBlock("use1-az1", now))
	if os.Geteuid() != 0 && s.Err() == nil {
		t.Error("a failed write was not reported")
	}
	if _, ok := s.Lookup(query("use1-az1", now)); !ok {
		t.Error("the block is lost in memory too")
	}
}

func TestFileStoreConcurrent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.json")
	a, err := OpenFileStore(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := OpenFileStore(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := a
			if i%2 == 1 {
				s = b
			}
			zone := "use1-az" + string(rune('a'+i%20))
			s.Add(capacityBlock(zone, now))
			s.Lookup(query(zone, now))
		}()
	}
	wg.Wait()
	if err := errorsOf(a, b); err != nil {
		t.Fatal(err)
	}
	c, err := OpenFileStore(path, nil)
	if err != nil {
		t.Fatalf("the file is not readable after concurrent writes: %v", err)
	}
	if n := len(c.Blocks()); n == 0 || n > 20 {
		t.Errorf("file holds %d blocks, want 1..20", n)
	}
}

func errorsOf(ss ...*FileStore) error {
	for _, s := range ss {
		if err := s.Err(); err != nil {
			return err
		}
	}
	return nil
}
