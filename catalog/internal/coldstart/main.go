// Command coldstart measures catalog.Default() in a freshly started
// process, where the cost of first touching memory (page faults) is paid in
// full, unlike in a benchmark loop: the wall and CPU time (getrusage, user +
// system) of the first Default(), of the first look-up by accelerator, and
// of the first CPU-only query (which materialises the CPU-only offerings),
// the page faults they take, and the live heap after a full load. Run it several times:
//
//	go build -o /tmp/coldstart ./catalog/internal/coldstart && for i in 1 2 3 4 5; do /tmp/coldstart; done
package main

import (
	"fmt"
	"os"
	"runtime"
	"syscall"
	"time"

	"github.com/skyhop/skyhop/catalog"
)

// faults returns the minor page faults of the process so far.
func faults() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Minflt
}

func cpu() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func liveMB() float64 {
	var m runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m)
	return float64(m.HeapAlloc) / (1 << 20)
}

func step(name string, f func() int) {
	w, c, pf := time.Now(), cpu(), faults()
	n := f()
	wall, used, pf := time.Since(w), cpu()-c, faults()-pf
	fmt.Fprintf(os.Stdout, "%-28s wall %6.2f ms  cpu %6.2f ms  %5d page faults  (%d offerings)\n", name, wall.Seconds()*1e3, used.Seconds()*1e3, pf, n)
}

func main() {
	var cat *catalog.Catalog
	step("Default()", func() int { cat = catalog.Default(); return cat.Len() })
	step("ByAcceleratorCount(A100,8)", func() int { return len(cat.ByAcceleratorCount("A100", 8)) })
	step("first CPUOnly()", func() int { return len(cat.CPUOnly()) })
	step("first All()", func() int { return len(cat.All()) })
	fmt.Fprintf(os.Stdout, "live heap after full load: %.1f MB\n", liveMB())
}
