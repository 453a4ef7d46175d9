package optimizer

import (
	"github.com/skyhop/skyhop/internal/benchcpu"
	"testing"

	"github.com/skyhop/skyhop/catalog"
)

func benchRank(b *testing.B, yaml string) {
	defer benchcpu.Report(b, benchcpu.Now())
	cat := catalog.Default()
	spec := parse(b, yaml)
	plan, err := Rank(spec, cat)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(len(plan.Candidates)), "candidates")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Rank(spec, cat); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRankA100x8: one GPU shape over the embedded catalog (target ≤ 100 µs).
func BenchmarkRankA100x8(b *testing.B) { benchRank(b, "resources:\n  accelerators: A100:8\n") }

// BenchmarkRankAnyOf3: an any_of of three GPUs (target ≤ 300 µs).
func BenchmarkRankAnyOf3(b *testing.B) {
	benchRank(b, "resources:\n  any_of:\n    - accelerators: H100:8\n    - accelerators: A100-80GB:8\n    - accelerators: L4:1\n")
}

// BenchmarkRankCPU: CPU-only cpus: 4+ over every cloud (target ≤ 5 ms).
func BenchmarkRankCPU(b *testing.B) { benchRank(b, "resources:\n  cpus: 4+\n") }
