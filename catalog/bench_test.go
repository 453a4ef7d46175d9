package catalog

import (
	"runtime"
	"testing"
	"time"

	"github.com/skyhop/skyhop/internal/benchcpu"
)

// BenchmarkDefaultColdLoad measures what Default does on first use: decode
// the embedded snapshot's offerings with accelerators and build every
// index. Besides wall time it reports the process's CPU time per load
// (user + system, GC included), which a busy machine disturbs less.
func BenchmarkDefaultColdLoad(b *testing.B) {
	defer benchcpu.Report(b, benchcpu.Now())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeSnapshot(snapshotData, sourceJSON); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFirstCPUQuery measures the cost Default defers: the first query
// that needs CPU-only offerings after a cold load (the load itself is not
// timed). CPUOnly decodes every cloud's; ByCloud and ByInstanceType one
// cloud's.
func BenchmarkFirstCPUQuery(b *testing.B) {
	for _, q := range []struct {
		name string
		f    func(*Catalog) []*Offering
	}{
		{"CPUOnly", (*Catalog).CPUOnly},
		{"ByCloud/aws", func(c *Catalog) []*Offering { return c.ByCloud("aws") }},
		{"ByInstanceType/gcp", func(c *Catalog) []*Offering { return c.ByInstanceType("gcp", "n1-highmem-8") }},
		{"ByInstanceType/azure", func(c *Catalog) []*Offering { return c.ByInstanceType("azure", "Standard_D8s_v5") }},
	} {
		b.Run(q.name, func(b *testing.B) {
			b.ReportAllocs()
			var cpu time.Duration
			for b.Loop() {
				b.StopTimer()
				c, err := decodeSnapshot(snapshotData, sourceJSON)
				if err != nil {
					b.Fatal(err)
				}
				runtime.GC() // do not charge the query with the load's garbage
				start := benchcpu.Now()
				b.StartTimer()
				if len(q.f(c)) == 0 {
					b.Fatal("no offerings")
				}
				cpu += benchcpu.Now() - start
			}
			if cpu > 0 {
				b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
			}
		})
	}
}

// TestDefaultLiveHeap checks the live heap a loaded snapshot holds, after
// the cold load and after every offering is decoded.
func TestDefaultLiveHeap(t *testing.T) {
	var before, cold, full runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	c, err := decodeSnapshot(snapshotData, sourceJSON)
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&cold)
	n := len(c.All())
	runtime.GC()
	runtime.ReadMemStats(&full)
	mb := func(m runtime.MemStats) float64 {
		return float64(int64(m.HeapAlloc)-int64(before.HeapAlloc)) / (1 << 20)
	}
	t.Logf("live heap: %.1f MB after the cold load, %.1f MB after decoding all %d offerings", mb(cold), mb(full), n)
	if mb(cold) > 10 {
		t.Errorf("live heap after the cold load %.1f MB, want the CPU-only offerings left encoded (< 10 MB)", mb(cold))
	}
	if mb(full) > 60 {
		t.Errorf("live heap after a full load %.1f MB, over 60 MB", mb(full))
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
	for _, tt := range []struct{ cloud, typ string }{
		{"gcp", "n1-highmem-8"},               // CPU-only and composed with GPUs
		{"aws", "p4d.24xlarge"},               // with accelerators only
		{"azure", "standard_nc24ads_a100_v4"}, // matched case-insensitively
	} {
		b.Run(tt.cloud+"/"+tt.typ, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				sink = c.ByInstanceType(tt.cloud, tt.typ)
			}
		})
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
