// Package benchcpu reports a benchmark's CPU time per operation
// ("cpu-ns/op") next to its wall time. On a shared, loaded machine wall time
// swings widely; the process's own CPU time is steadier and is the figure to
// compare with a target.
//
// Use it as the first line of a benchmark:
//
//	defer benchcpu.Report(b, benchcpu.Now())
package benchcpu

import (
	"testing"
	"time"
)

// Report adds the metric cpu-ns/op: the CPU time used since start (from
// Now), divided by b.N. It reports nothing where CPU time is not measured.
func Report(b *testing.B, start time.Duration) {
	if b.N == 0 || start < 0 {
		return
	}
	if d := Now() - start; d > 0 {
		b.ReportMetric(float64(d.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}
