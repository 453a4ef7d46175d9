package failover

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/skyhop/skyhop/drivers"
)

// scenario is a random plan with a fault per offering. Faults do not depend
// on call counts, so the sequential choice is well defined.
type scenario struct {
	wheres []string
	steps  map[string]step // by "cloud/region/zone/type[/spot]"
}

func randomScenario(r *rand.Rand) scenario {
	clouds := []string{"aws", "gcp", "azure"}
	n := 1 + r.IntN(14)
	sc := scenario{steps: map[string]step{}}
	seen := map[string]bool{}
	for len(sc.wheres) < n {
		w := fmt.Sprintf("%s/r%d/z%d/t%d", clouds[r.IntN(3)], r.IntN(3), r.IntN(2), r.IntN(2))
		if r.IntN(4) == 0 {
			w += "/spot"
		}
		if seen[w] {
			continue
		}
		seen[w] = true
		sc.wheres = append(sc.wheres, w)
		st := step{latency: time.Duration(1+r.IntN(90)) * time.Second}
		switch x := r.IntN(20); {
		case x < 3:
			st.ok = true
		case x < 8:
			st.class, st.code = drivers.ClassCapacity, "ICE"
		case x < 10:
			st.class, st.code = drivers.ClassQuota, "Quota"
			if r.IntN(3) == 0 {
				st.scope = drivers.ScopeCloud
			}
		case x < 11:
			st.class = drivers.ClassUnsupported
		case x < 12:
			st.class = drivers.ClassPermission
		case x < 13:
			st.class = drivers.ClassInvalid
			if r.IntN(2) == 0 {
				st.scope = drivers.ScopeRegion
			}
		case x < 14:
			st.class = drivers.ClassUnknown
		case x < 16:
			st.class = drivers.ClassThrottle
		case x < 17:
			st.class, st.partial = drivers.ClassCapacity, 1
		default:
			st.ok, st.partial = true, 1
		}
		sc.steps[w] = st
	}
	return sc
}

type runResult struct {
	placement string // "" when exhausted
	attempts  []string
	elapsed   time.Duration
	live      int
	want      int // instances of the result
}

func (sc scenario) run(t *testing.T, seed uint64, k, cloudCap int) runResult {
	var out runResult
	synctest.Test(t, func(t *testing.T) {
		ds := map[string]*scripted{"aws": newScripted("aws"), "gcp": newScripted("gcp"), "azure": newScripted("azure")}
		for w, st := range sc.steps {
			c, rest, _ := strings.Cut(w, "/")
			ds[c].on(rest, st)
		}
		var dl []drivers.Driver
		for _, c := range []string{"aws", "gcp", "azure"} {
			dl = append(dl, lister{ds[c]})
		}
		plan := planOf(2, sc.wheres...)
		start := time.Now()
		res, err := Provision(context.Background(), plan, dl, WithSeed(seed), WithParallel(k), WithCloudConcurrency(cloudCap),
			WithTeardown(3, time.Second))
		out.elapsed = time.Since(start)
		var as []Attempt
		switch {
		case err == nil:
			out.placement = placement(res)
			as = res.Attempts
			out.want = len(res.Cluster.Instances)
		default:
			var ex *ExhaustedError
			if !errors.As(err, &ex) {
				t.Fatalf("k=%d: %v", k, err)
			}
			as = ex.Attempts
		}
		for _, a := range as {
			if !a.Discarded {
				out.attempts = append(out.attempts, fmt.Sprintf("%d.%d:%s", a.Index, a.Try, classOrOK(&a)))
			}
		}
		for _, d := range ds {
			out.live += len(d.liveIDs())
		}
	})
	return out
}

func classOrOK(a *Attempt) string {
	if a.Err == nil {
		return "ok"
	}
	return a.Class.String()
}

// TestParallelKeepsSequentialChoice: for random deterministic fault sets,
// WithParallel(k), k = 1..8, picks the placement sequential search picks,
// makes the same decided attempts, leaves nothing running but the result,
// and never takes longer on the (virtual) clock.
func TestParallelKeepsSequentialChoice(t *testing.T) {
	r := rand.New(rand.NewPCG(2025, 5))
	scenarios := 300
	if testing.Short() {
		scenarios = 60
	}
	faster := 0
	for i := range scenarios {
		sc := randomScenario(r)
		seed := r.Uint64()
		seq := sc.run(t, seed, 1, 4)
		if seq.live != seq.want {
			t.Fatalf("scenario %d sequential: %d live, want %d", i, seq.live, seq.want)
		}
		for k := 2; k <= 8; k++ {
			cloudCap := 1 + (i+k)%4
			par := sc.run(t, seed, k, cloudCap)
			if par.placement != seq.placement {
				t.Fatalf("scenario %d %v k=%d cap=%d: placement %q, sequential %q\nseq %v\npar %v",
					i, sc.wheres, k, cloudCap, par.placement, seq.placement, seq.attempts, par.attempts)
			}
			if !slices.Equal(par.attempts, seq.attempts) {
				t.Fatalf("scenario %d k=%d: decided attempts differ\nseq %v\npar %v", i, k, seq.attempts, par.attempts)
			}
			if par.elapsed > seq.elapsed {
				t.Fatalf("scenario %d k=%d cap=%d: took %s, sequential %s", i, k, cloudCap, par.elapsed, seq.elapsed)
			}
			if par.elapsed < seq.elapsed {
				faster++
			}
			if par.live != par.want {
				t.Fatalf("scenario %d k=%d: %d live instances, want %d", i, k, par.live, par.want)
			}
		}
	}
	if faster == 0 {
		t.Error("parallel probing was never faster than sequential")
	}
	t.Logf("%d scenarios × 7 parallel settings; parallel strictly faster in %d runs", scenarios, faster)
}

// TestParallelDiscardsLaterSuccesses: a later candidate that launches first
// is terminated once an earlier one wins.
func TestParallelDiscardsLaterSuccesses(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		aws := newScripted("aws")
		aws.on("r1/z1/t1", step{ok: true, latency: time.Minute})
		aws.on("r1/z2/t1", step{ok: true, latency: time.Second})
		aws.on("r1/z3/t1", step{ok: true, latency: time.Second})
		var rollbacks int
		res, err := Provision(context.Background(), planOf(1, "aws/r1/z1/t1", "aws/r1/z2/t1", "aws/r1/z3/t1"),
			[]drivers.Driver{lister{aws}}, WithSeed(1), WithParallel(2),
			WithEvents(func(e Event) {
				if e.Kind == EventRollback {
					rollbacks++
				}
			}))
		if err != nil {
			t.Fatal(err)
		}
		if placement(res) != "aws/r1/z1/t1" {
			t.Errorf("placement %s, want the first candidate", placement(res))
		}
		// z3 is never started: z2's pending success stops speculation.
		if got := slices.Sorted(slices.Values(aws.launches())); !slices.Equal(got, []string{"r1/z1/t1", "r1/z2/t1"}) {
			t.Errorf("launches %v", got)
		}
		if rollbacks != 1 || len(res.RolledBack) != 1 || res.RolledBack[0].Zone != "z2" {
			t.Errorf("rollbacks %d, rolled %v", rollbacks, res.RolledBack)
		}
		if !slices.Equal(aws.liveIDs(), res.Cluster.InstanceIDs()) {
			t.Errorf("live %v", aws.liveIDs())
		}
		if !res.Attempts[len(res.Attempts)-1].Discarded {
			t.Errorf("the z2 attempt is not marked discarded: %+v", res.Attempts)
		}
	})
}

// TestParallelCloudCap: never more attempts in flight overall than k, nor
// on one cloud than the cap.
func TestParallelCloudCap(t *testing.T) {
	for _, tt := range []struct{ k, cap, want int }{{8, 3, 3}, {2, 4, 2}, {5, 1, 1}, {4, 4, 4}} {
		t.Run(fmt.Sprintf("k=%d,cap=%d", tt.k, tt.cap), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				d := &countingDriver{scripted: newScripted("aws")}
				d.latency = time.Second
				var wheres []string
				for z := range 10 {
					w := fmt.Sprintf("aws/r1/z%d/t1", z)
					wheres = append(wheres, w)
					d.on(w[4:], fail(drivers.ClassCapacity, "ICE"))
				}
				_, err := Provision(context.Background(), planOf(1, wheres...), []drivers.Driver{d}, WithSeed(1),
					WithParallel(tt.k), WithCloudConcurrency(tt.cap))
				if err == nil {
					t.Fatal("want exhausted")
				}
				if d.max != tt.want {
					t.Errorf("max in flight %d, want %d", d.max, tt.want)
				}
			})
		})
	}
}

type countingDriver struct {
	*scripted
	cur, max int
}

func (c *countingDriver) Launch(ctx context.Context, req drivers.LaunchRequest) (*drivers.Cluster, error) {
	c.mu.Lock()
	c.cur++
	c.max = max(c.max, c.cur)
	c.mu.Unlock()
	defer func() { c.mu.Lock(); c.cur--; c.mu.Unlock() }()
	return c.scripted.Launch(ctx, req)
}

// TestParallelLeakStopsAll: when a success that was not chosen cannot be
// terminated, the call stops all-or-nothing: the winner is terminated too
// and the error names the instance left.
func TestParallelLeakStopsAll(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		aws := newScripted("aws")
		aws.on("r1/z1/t1", step{ok: true, latency: time.Minute})
		aws.on("r1/z2/t1", step{ok: true, latency: time.Second})
		aws.termFail = DefaultTeardownTries // the discarded cluster's tries all fail
		res, err := Provision(context.Background(), planOf(1, "aws/r1/z1/t1", "aws/r1/z2/t1"),
			[]drivers.Driver{lister{aws}}, WithSeed(1), WithParallel(2))
		var le *LeakError
		if res != nil || !errors.As(err, &le) {
			t.Fatalf("res %v err %v, want *LeakError", res, err)
		}
		live := aws.liveIDs()
		if len(live) != 1 || len(le.Instances) != 1 || le.Instances[0].ID != live[0] || le.Instances[0].Zone != "z2" {
			t.Errorf("live %v, left %+v: want exactly the z2 instance", live, le.Instances)
		}
	})
}
