package drivertest

import (
	"context"
	"fmt"
)

// stopTest is panicked by the recorder to end a test, as FailNow does.
type stopTest struct{}

// recorder is a tb that records instead of failing.
type recorder struct {
	failures []string
	skipped  bool
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.failures = append(r.failures, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	panic(stopTest{})
}
func (r *recorder) Fatal(args ...any) {
	r.failures = append(r.failures, fmt.Sprint(args...))
	panic(stopTest{})
}
func (r *recorder) Skip(args ...any) {
	r.skipped = true
	panic(stopTest{})
}
func (r *recorder) Skipf(format string, args ...any) { r.Skip() }

// RunRecorded runs the suite's test name on h and returns the failures it
// reported and whether it skipped, without failing the calling test.
func RunRecorded(ctx context.Context, name string, h Harness) (failures []string, skipped bool) {
	r := &recorder{}
	for _, tc := range tests {
		if tc.name != name {
			continue
		}
		func() {
			defer func() {
				if v := recover(); v != nil {
					if _, ok := v.(stopTest); !ok {
						panic(v)
					}
				}
			}()
			tc.run(&suite{t: r, ctx: ctx, h: h, d: h.Driver()})
		}()
		return r.failures, r.skipped
	}
	panic("drivertest: no test " + name)
}
