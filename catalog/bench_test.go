package catalog

import (
	"runtime"
	"testing"
)

// BenchmarkDefaultColdLoad measures what Default does on first use: decode
// the embedded snapshot and build every index. Besides wall time it reports
// the process's CPU time per load (user + system, GC included), which a
// busy machine disturbs less.
func BenchmarkDefaultColdLoad(b *testing.B) {
	b.ReportAllocs()
	start := processCPU()
	for b.Loop() {
		if _, err := decodeSnapshot(snapshotData, sourceJSON); err != nil {
			b.Fatal(err)
		}
	}
	if cpu := processCPU() - start; cpu > 0 {
		b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

// TestDefaultLiveHeap checks the live heap a loaded snapshot holds.
func TestDefaultLiveHeap(t *testing.T) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	c, err := decodeSnapshot(snapshotData, sourceJSON)
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	live := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("live heap after load: %.1f MB for %d offerings", float64(live)/(1<<20), c.Len())
	if live > 60<<20 {
		t.Errorf("live heap %d bytes, over 60 MB", live)
	}
	runtime.KeepAlive(c)
}

var sink []*Offering

func BenchmarkByAccelerator(b *testing.B) {
	c := Default()
	for _, name := range []string{"A100", "a10g", "A100-40GB", "tpu-v5p-8"} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sink = c.ByAccelerator(name)
			}
		})
	}
}

func BenchmarkByAcceleratorCount(b *testing.B) {
	c := Default()
	b.ReportAllocs()
	for b.Loop() {
		sink = c.ByAcceleratorCount("A100", 8)
	}
}

func BenchmarkByInstanceType(b *testing.B) {
	c := Default()
	b.ReportAllocs()
	for b.Loop() {
		sink = c.ByInstanceType("gcp", "n1-highmem-8")
	}
}

// BenchmarkCPUOnlyScan is the optimizer's worst case: a CPU-only request
// (cpus: 4+) filtered over every CPU-only offering.
func BenchmarkCPUOnlyScan(b *testing.B) {
	c := Default()
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		n = 0
		for _, o := range c.CPUOnly() {
			if o.VCPUs >= 4 && o.MemoryGiB >= 4*o.VCPUs && o.Price > 0 {
				n++
			}
		}
	}
	if n == 0 {
		b.Fatal("nothing matched")
	}
}
