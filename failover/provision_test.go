package failover

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/skyhop/skyhop/drivers"
	"github.com/skyhop/skyhop/internal/clock"
	"github.com/skyhop/skyhop/optimizer"
	"github.com/skyhop/skyhop/resources"
)

// fast keeps real-clock tests quick: no waits between tries.
var fast = []Option{WithRetryBackoff(0, 0), WithTeardown(3, 0), WithSeed(1)}

func opts(extra ...Option) []Option { return append(slices.Clone(fast), extra...) }

// The plan every class test walks: two zones of one region, a second
// region, a second instance type in the first zone, then another cloud.
var classPlan = []string{
	"aws/r1/z1/t1",
	"aws/r1/z2/t1",
	"aws/r1/z1/t2",
	"aws/r2/z1/t1",
	"gcp/g1/ga/t9",
}

func TestClassActions(t *testing.T) {
	tests := []struct {
		name      string
		first     []step // steps of the first candidate
		want      string // placement
		wantSeq   []string
		wantStore bool          // the failure is remembered in the store
		wantTTL   time.Duration // and for how long
	}{
		{"capacity: next zone", []step{fail(drivers.ClassCapacity, "InsufficientInstanceCapacity")},
			"aws/r1/z2/t1", []string{"0:capacity", "1:ok"}, true, DefaultCapacityTTL},
		{"quota: rest of the region skipped for that type", []step{fail(drivers.ClassQuota, "VcpuLimitExceeded")},
			"aws/r1/z1/t2", []string{"0:quota", "2:ok"}, true, DefaultQuotaTTL},
		{"unsupported: next zone, long block", []step{fail(drivers.ClassUnsupported, "Unsupported")},
			"aws/r1/z2/t1", []string{"0:unsupported", "1:ok"}, true, DefaultUnsupportedTTL},
		{"permission: next cloud", []step{fail(drivers.ClassPermission, "UnauthorizedOperation")},
			"gcp/g1/ga/t9", []string{"0:permission", "4:ok"}, false, 0},
		{"invalid: next cloud", []step{fail(drivers.ClassInvalid, "InvalidParameterValue")},
			"gcp/g1/ga/t9", []string{"0:invalid", "4:ok"}, false, 0},
		{"unknown: next candidate, nothing stored", []step{fail(drivers.ClassUnknown, "Weird")},
			"aws/r1/z2/t1", []string{"0:unknown", "1:ok"}, false, 0},
		{"throttle: retried in place, then unknown", []step{fail(drivers.ClassThrottle, "RequestLimitExceeded")},
			"aws/r1/z2/t1", []string{"0:throttle", "0:throttle", "0:throttle", "1:ok"}, false, 0},
		{"throttle that passes: same candidate wins", []step{fail(drivers.ClassThrottle, "RequestLimitExceeded"), okStep},
			"aws/r1/z1/t1", []string{"0:throttle", "0:ok"}, false, 0},
		{"transient: retried in place", []step{fail(drivers.ClassTransient, "InternalError"), fail(drivers.ClassTransient, "InternalError"), okStep},
			"aws/r1/z1/t1", []string{"0:transient", "0:transient", "0:ok"}, false, 0},
		{"quota with cloud scope: whole cloud for that type", []step{{class: drivers.ClassQuota, scope: drivers.ScopeCloud, code: "QUOTA_EXCEEDED"}},
			"aws/r1/z1/t2", []string{"0:quota", "2:ok"}, true, DefaultQuotaTTL},
		{"capacity with region scope", []step{{class: drivers.ClassCapacity, scope: drivers.ScopeRegion, code: "AllocationFailed"}},
			"aws/r1/z1/t2", []string{"0:capacity", "2:ok"}, true, DefaultCapacityTTL},
		{"permission with region scope: rest of the region", []step{{class: drivers.ClassPermission, scope: drivers.ScopeRegion, code: "AuthorizationFailed"}},
			"aws/r2/z1/t1", []string{"0:permission", "3:ok"}, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
			clk := clock.NewManual(start)
			store := NewMemoryStore(clk)
			aws := newScripted("aws").on("r1/z1/t1", tt.first...)
			gcp := newScripted("gcp")
			res, err := Provision(context.Background(), planOf(1, classPlan...), []drivers.Driver{aws, gcp},
				opts(WithStore(store), WithClock(clk))...)
			if err != nil {
				t.Fatalf("Provision: %v", err)
			}
			if got := placement(res); got != tt.want {
				t.Errorf("placement = %s, want %s", got, tt.want)
			}
			if got := attemptSeq(res.Attempts); !slices.Equal(got, tt.wantSeq) {
				t.Errorf("attempts = %v, want %v", got, tt.wantSeq)
			}
			blocks := store.Blocks()
			if tt.wantStore {
				if len(blocks) != 1 {
					t.Fatalf("store holds %d blocks, want 1: %v", len(blocks), blocks)
				}
				if got := blocks[0].Until.Sub(start); got != tt.wantTTL {
					t.Errorf("block TTL = %s, want %s", got, tt.wantTTL)
				}
				if blocks[0].Code != tt.first[0].code {
					t.Errorf("block code = %q, want %q", blocks[0].Code, tt.first[0].code)
				}
			} else if len(blocks) != 0 {
				t.Errorf("store holds %v, want nothing", blocks)
			}
			// Only the returned cluster is alive.
			live := append(aws.liveIDs(), gcp.liveIDs()...)
			if !slices.Equal(live, res.Cluster.InstanceIDs()) {
				t.Errorf("live instances %v, want only %v", live, res.Cluster.InstanceIDs())
			}
		})
	}
}

func TestSkipsRecordTheBlock(t *testing.T) {
	aws := newScripted("aws").on("r1/z1/t1", fail(drivers.ClassQuota, "VcpuLimitExceeded"))
	res, err := Provision(context.Background(), planOf(1, classPlan...), []drivers.Driver{aws}, opts()...)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Skipped) != 1 || res.Skipped[0].Index != 1 || res.Skipped[0].Block.Class != drivers.ClassQuota ||
		res.Skipped[0].Block.Zone != "" || res.Skipped[0].Block.Region != "r1" {
		t.Errorf("skipped = %+v, want candidate 1 hidden by the r1 quota block", res.Skipped)
	}
}

func TestInvalidDoesNotWalkEveryRegion(t *testing.T) {
	aws := newScripted("aws")
	for _, r := range []string{"r1", "r2", "r3", "r4", "r5"} {
		aws.on(r+"/a/t1", fail(drivers.ClassInvalid, "InvalidParameterValue"))
	}
	plan := planOf(1, "aws/r1/a/t1", "aws/r2/a/t1", "aws/r3/a/t1", "aws/r4/a/t1", "aws/r5/a/t1")
	_, err := Provision(context.Background(), plan, []drivers.Driver{aws}, opts()...)
	var ex *ExhaustedError
	if !errors.As(err, &ex) {
		t.Fatalf("err = %v, want *ExhaustedError", err)
	}
	if n := len(aws.launches()); n != 1 {
		t.Errorf("%d launches, want 1 (invalid stops the cloud)", n)
	}
	if !errors.Is(err, drivers.ErrInvalid) {
		t.Errorf("errors.Is(err, ErrInvalid) = false")
	}
	if len(ex.Skipped) != 4 {
		t.Errorf("skipped %d, want 4", len(ex.Skipped))
	}
	for _, want := range []string{"InvalidParameterValue", "fix the request"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

func TestPlanOrderIsSearchOrder(t *testing.T) {
	// Ordered preference: the plan puts the dearer preferred entry first;
	// the engine must follow the plan, not the price.
	plan := planOf(1, "gcp/g1/ga/a100", "aws/r1/z1/v100", "aws/r1/z2/v100")
	plan.Ordered = true
	plan.Candidates[0].TotalHourly, plan.Candidates[0].Preference = 30, 0
	plan.Candidates[1].TotalHourly, plan.Candidates[1].Preference = 3, 1
	plan.Candidates[2].TotalHourly, plan.Candidates[2].Preference = 2, 1
	gcp := newScripted("gcp").on("g1/ga/a100", fail(drivers.ClassCapacity, "ZONE_RESOURCE_POOL_EXHAUSTED"))
	aws := newScripted("aws")
	res, err := Provision(context.Background(), plan, []drivers.Driver{aws, gcp}, opts()...)
	if err != nil {
		t.Fatal(err)
	}
	if got := placement(res); got != "aws/r1/z1/v100" {
		t.Errorf("placement %s, want the next in plan order aws/r1/z1/v100", got)
	}
	if got := attemptSeq(res.Attempts); !slices.Equal(got, []string{"0:capacity", "1:ok"}) {
		t.Errorf("attempts %v", got)
	}
}

func TestPartialGangRolledBack(t *testing.T) {
	aws := newScripted("aws").on("r1/z1/t1", step{class: drivers.ClassCapacity, code: "InsufficientInstanceCapacity", partial: 2})
	var events []Event
	res, err := Provision(context.Background(), planOf(4, "aws/r1/z1/t1", "aws/r1/z2/t1"), []drivers.Driver{lister{aws}},
		opts(WithEvents(func(e Event) { events = append(events, e) }))...)
	if err != nil {
		t.Fatal(err)
	}
	if got := placement(res); got != "aws/r1/z2/t1" {
		t.Errorf("placement %s", got)
	}
	if len(res.RolledBack) != 1 || len(res.RolledBack[0].Instances) != 2 {
		t.Errorf("rolled back %v, want the 2-instance partial cluster", res.RolledBack)
	}
	if res.Attempts[0].Instances != 2 {
		t.Errorf("first attempt instances = %d, want 2", res.Attempts[0].Instances)
	}
	if got, want := aws.liveIDs(), res.Cluster.InstanceIDs(); !slices.Equal(got, want) || len(want) != 4 {
		t.Errorf("live %v, want only the 4 of the result %v", got, want)
	}
	kinds := eventKinds(events)
	want := []EventKind{EventAttemptStarted, EventAttemptFailed, EventRollback, EventAttemptStarted, EventLaunched}
	if !slices.Equal(kinds, want) {
		t.Errorf("events %v, want %v", kinds, want)
	}
}

func TestRollbackVerifiedByListing(t *testing.T) {
	// Terminate claims success once without deleting: only the listing
	// shows it, and the engine tries again.
	aws := newScripted("aws").on("r1/z1/t1", step{class: drivers.ClassCapacity, partial: 1})
	aws.termKeep = 1
	res, err := Provision(context.Background(), planOf(2, "aws/r1/z1/t1", "aws/r1/z2/t1"), []drivers.Driver{lister{aws}}, opts()...)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := aws.liveIDs(), res.Cluster.InstanceIDs(); !slices.Equal(got, want) {
		t.Errorf("live %v, want %v", got, want)
	}
	terms := 0
	for _, c := range aws.calls {
		if c.op == "terminate" {
			terms++
		}
	}
	if terms != 2 {
		t.Errorf("%d terminate calls, want 2 (the first one lied)", terms)
	}
}

func TestTeardownThatKeepsFailingStops(t *testing.T) {
	for _, withLister := range []bool{false, true} {
		t.Run(map[bool]string{false: "plain", true: "lister"}[withLister], func(t *testing.T) {
			aws := newScripted("aws").on("r1/z1/t1", step{class: drivers.ClassCapacity, partial: 2})
			aws.termFail = -1
			var d drivers.Driver = aws
			if withLister {
				d = lister{aws}
			}
			_, err := Provision(context.Background(), planOf(3, "aws/r1/z1/t1", "aws/r1/z2/t1"), []drivers.Driver{d}, opts()...)
			var le *LeakError
			if !errors.As(err, &le) {
				t.Fatalf("err = %v, want *LeakError", err)
			}
			ids := aws.liveIDs()
			if len(ids) != 2 {
				t.Fatalf("live %v, want the 2 stuck instances", ids)
			}
			for _, id := range ids {
				if !strings.Contains(err.Error(), id) {
					t.Errorf("error does not name %s: %v", id, err)
				}
			}
			if len(le.Instances) != 2 || le.Instances[0].Cluster == "" || le.Instances[0].Region != "r1" {
				t.Errorf("left = %+v", le.Instances)
			}
			if n := len(aws.launches()); n != 1 {
				t.Errorf("%d launches, want 1: the search stops", n)
			}
			terms := 0
			for _, c := range aws.calls {
				if c.op == "terminate" {
					terms++
				}
			}
			if terms != DefaultTeardownTries {
				t.Errorf("%d terminate calls, want %d", terms, DefaultTeardownTries)
			}
			if !errors.Is(err, drivers.ErrTransient) {
				t.Errorf("errors.Is(err, the terminate error's class) = false")
			}
		})
	}
}

func TestCancelMidWalkLeavesNothing(t *testing.T) {
	for _, k := range []int{1, 4} {
		t.Run("parallel="+string(rune('0'+k)), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				// Every launch is slow and makes a partial cluster first;
				// the first two fail; the caller cancels during the third.
				aws := newScripted("aws")
				aws.latency = time.Minute
				aws.on("r1/z1/t1", step{class: drivers.ClassCapacity, partial: 1})
				aws.on("r1/z2/t1", step{class: drivers.ClassCapacity, partial: 1})
				aws.on("r1/z3/t1", step{ok: true, partial: 1})
				aws.on("r1/z4/t1", step{ok: true, partial: 1})
				ctx, cancel := context.WithCancel(context.Background())
				go func() {
					time.Sleep(150 * time.Second)
					cancel()
				}()
				plan := planOf(2, "aws/r1/z1/t1", "aws/r1/z2/t1", "aws/r1/z3/t1", "aws/r1/z4/t1", "aws/r1/z5/t1")
				plan.Candidates[2].Offering.Zone = "z3"
				// Make z3 slower than the cancel, so it is cut mid-way.
				aws.on("r1/z3/t1", step{ok: true, partial: 1, latency: 10 * time.Minute})
				_, err := Provision(ctx, plan, []drivers.Driver{lister{aws}}, WithSeed(1), WithParallel(k), WithCloudConcurrency(8))
				if !errors.Is(err, context.Canceled) {
					t.Fatalf("err = %v, want context.Canceled", err)
				}
				var ex *ExhaustedError
				if !errors.As(err, &ex) || ex.Reason != "canceled" {
					t.Fatalf("err = %#v, want *ExhaustedError canceled", err)
				}
				if ids := aws.liveIDs(); len(ids) != 0 {
					t.Errorf("live after cancel: %v", ids)
				}
				if k == 1 {
					if n := len(aws.launches()); n != 3 {
						t.Errorf("%d launches, want 3 (no launch after the cancel)", n)
					}
				}
			})
		})
	}
}

func TestCancelDuringRoundWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		aws := newScripted("aws").on("r1/z1/t1", fail(drivers.ClassCapacity, "ICE"))
		ctx, cancel := context.WithCancel(context.Background())
		go func() { time.Sleep(10 * time.Second); cancel() }()
		start := time.Now()
		_, err := Provision(ctx, planOf(1, "aws/r1/z1/t1"), []drivers.Driver{aws}, WithSeed(1), WithRetryUntilUp(0, 0))
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v", err)
		}
		if d := time.Since(start); d != 10*time.Second {
			t.Errorf("returned after %s, want 10s", d)
		}
	})
}

func TestRetryUntilUp(t *testing.T) {
	t.Run("capacity appears in round 3", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			// Everything is out of capacity for two calls; a shared store
			// remembers the stockouts for 10 minutes, yet round 2 and 3
			// try again because capacity comes back.
			store := NewMemoryStore(nil)
			aws := newScripted("aws")
			ice := fail(drivers.ClassCapacity, "InsufficientInstanceCapacity")
			aws.on("r1/z1/t1", ice, ice, okStep)
			aws.on("r1/z2/t1", ice, ice, okStep)
			gcp := newScripted("gcp").on("g1/ga/t9", fail(drivers.ClassPermission, "IAM_PERMISSION_DENIED"))
			var waits []time.Duration
			start := time.Now()
			res, err := Provision(context.Background(), planOf(1, "aws/r1/z1/t1", "gcp/g1/ga/t9", "aws/r1/z2/t1"),
				[]drivers.Driver{aws, gcp}, WithSeed(7), WithStore(store), WithRetryUntilUp(5, 0),
				WithEvents(func(e Event) {
					if e.Kind == EventRoundWait {
						waits = append(waits, e.Wait)
					}
				}))
			if err != nil {
				t.Fatal(err)
			}
			if res.Rounds != 3 || placement(res) != "aws/r1/z1/t1" {
				t.Errorf("rounds %d placement %s, want round 3 on aws/r1/z1/t1", res.Rounds, placement(res))
			}
			if len(waits) != 2 {
				t.Fatalf("waits %v, want 2", waits)
			}
			var total time.Duration
			for _, w := range waits {
				if w < 18*time.Second || w > 42*time.Second {
					t.Errorf("wait %s outside 30s ± 40%%", w)
				}
				total += w
			}
			if got := time.Since(start); got != total {
				t.Errorf("took %s, want the sum of the waits %s", got, total)
			}
			// The permission block is hard: gcp is tried once only.
			if n := len(gcp.launches()); n != 1 {
				t.Errorf("gcp launched %d times, want 1", n)
			}
			want := []string{"0:capacity", "1:permission", "2:capacity", "0:capacity", "2:capacity", "0:ok"}
			if got := attemptSeq(res.Attempts); !slices.Equal(got, want) {
				t.Errorf("attempts %v, want %v", got, want)
			}
		})
	})
	t.Run("stops at max rounds", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			aws := newScripted("aws").on("r1/z1/t1", fail(drivers.ClassCapacity, "ICE"))
			_, err := Provision(context.Background(), planOf(1, "aws/r1/z1/t1"), []drivers.Driver{aws}, WithSeed(1), WithRetryUntilUp(4, 0))
			var ex *ExhaustedError
			if !errors.As(err, &ex) || ex.Rounds != 4 || len(ex.Attempts) != 4 {
				t.Fatalf("err = %v, want exhausted after 4 rounds of 1 attempt", err)
			}
			if !strings.Contains(ex.Reason, "4 rounds") {
				t.Errorf("reason %q", ex.Reason)
			}
		})
	})
	t.Run("stops at max duration", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			aws := newScripted("aws").on("r1/z1/t1", fail(drivers.ClassCapacity, "ICE"))
			start := time.Now()
			_, err := Provision(context.Background(), planOf(1, "aws/r1/z1/t1"), []drivers.Driver{aws}, WithSeed(1),
				WithRetryUntilUp(0, 2*time.Minute), WithRoundWait(30*time.Second, 0))
			var ex *ExhaustedError
			if !errors.As(err, &ex) {
				t.Fatalf("err = %v", err)
			}
			if ex.Rounds != 5 || time.Since(start) != 2*time.Minute {
				t.Errorf("rounds %d after %s, want 5 rounds in 2m", ex.Rounds, time.Since(start))
			}
		})
	})
	t.Run("every cloud hard-blocked stops at once", func(t *testing.T) {
		aws := newScripted("aws").on("r1/z1/t1", fail(drivers.ClassPermission, "UnauthorizedOperation"))
		_, err := Provision(context.Background(), planOf(1, "aws/r1/z1/t1", "aws/r2/z1/t1"), []drivers.Driver{aws}, opts(WithRetryUntilUp(0, 0))...)
		var ex *ExhaustedError
		if !errors.As(err, &ex) || ex.Rounds != 1 || !strings.Contains(ex.Reason, "rest of the call") {
			t.Fatalf("err = %v, want exhausted after round 1 (every candidate is blocked for the call)", err)
		}
	})
}

func TestPreflightDropsCloud(t *testing.T) {
	aws := newScripted("aws")
	gcp := newScripted("gcp")
	bad := &drivers.Error{Class: drivers.ClassPermission, Code: "ExpiredToken", Message: "the security token has expired"}
	var evs []Event
	res, err := Provision(context.Background(), planOf(1, "gcp/g1/ga/t9", "gcp/g1/gb/t9", "aws/r1/z1/t1"),
		[]drivers.Driver{aws, checker{gcp, bad}}, opts(WithEvents(func(e Event) { evs = append(evs, e) }))...)
	if err != nil {
		t.Fatal(err)
	}
	if placement(res) != "aws/r1/z1/t1" || len(gcp.launches()) != 0 {
		t.Errorf("placement %s, gcp launches %d", placement(res), len(gcp.launches()))
	}
	if len(res.Preflight) != 1 || res.Preflight[0].Cloud != "gcp" {
		t.Errorf("preflight %+v", res.Preflight)
	}
	if evs[0].Kind != EventPreflightFailed || evs[0].Code != "ExpiredToken" {
		t.Errorf("first event %v", evs[0])
	}
	if len(res.Skipped) != 2 || res.Skipped[0].Block.Code != "ExpiredToken" {
		t.Errorf("skipped %+v", res.Skipped)
	}
	// Preflight off: gcp is launched.
	gcp2 := newScripted("gcp")
	if _, err := Provision(context.Background(), planOf(1, "gcp/g1/ga/t9"), []drivers.Driver{checker{gcp2, bad}}, opts(WithPreflight(false))...); err != nil {
		t.Fatal(err)
	}
}

func TestDriversAndPlanErrors(t *testing.T) {
	aws := newScripted("aws")
	if _, err := Provision(context.Background(), &optimizer.Plan{Rejected: []optimizer.Rejection{{Message: "no V100 in azure"}}}, []drivers.Driver{aws}); !errors.Is(err, ErrEmptyPlan) || !strings.Contains(err.Error(), "no V100") {
		t.Errorf("empty plan: %v", err)
	}
	if _, err := Provision(context.Background(), planOf(1, "gcp/g/a/t"), []drivers.Driver{aws}); !errors.Is(err, ErrNoDriver) {
		t.Errorf("no driver: %v", err)
	}
	if _, err := Provision(context.Background(), planOf(1, "aws/r/a/t"), []drivers.Driver{aws, newScripted("aws")}); err == nil {
		t.Error("duplicate drivers accepted")
	}
	// A cloud without a driver is skipped with the reason.
	res, err := Provision(context.Background(), planOf(1, "gcp/g/a/t", "aws/r/a/t"), []drivers.Driver{aws}, opts()...)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Skipped) != 1 || res.Skipped[0].Block.Code != "NoDriver" {
		t.Errorf("skipped %+v", res.Skipped)
	}
}

func TestRequestsAndTokens(t *testing.T) {
	aws := newScripted("aws").on("r1/z1/t1", fail(drivers.ClassThrottle, "RequestLimitExceeded"), okStep)
	plan := planOf(2, "aws/r1/z1/t1")
	plan.Entries = []resources.Resources{{DiskSizeGiB: 512, ImageID: map[string]string{"r1": "ami-1"}, Labels: map[string]string{"team": "ml"}}}
	res, err := Provision(context.Background(), plan, []drivers.Driver{aws},
		opts(WithProvisionID("p1"), WithClusterName("train"), WithLabels(map[string]string{"team": "x", "env": "ci"}))...)
	if err != nil {
		t.Fatal(err)
	}
	reqs := aws.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests", len(reqs))
	}
	r := reqs[1]
	if r.ClusterName != "train" || r.Count != 2 || r.DiskSizeGiB != 512 || r.Image != "ami-1" ||
		r.Labels["team"] != "ml" || r.Labels["env"] != "ci" || r.Accelerator != "V100" || r.Spot {
		t.Errorf("request %+v", r)
	}
	if reqs[0].Token != "p1-r1-c0-t1" || reqs[1].Token != "p1-r1-c0-t2" {
		t.Errorf("tokens %q %q", reqs[0].Token, reqs[1].Token)
	}
	if res.Cluster.Name != "train" || res.ProvisionID != "p1" || res.ClusterName != "train" {
		t.Errorf("result %+v", res)
	}
	// Default names derive from the seed, deterministically.
	a1, _ := Provision(context.Background(), planOf(1, "aws/r1/z9/t1"), []drivers.Driver{aws}, WithSeed(42))
	a2, _ := Provision(context.Background(), planOf(1, "aws/r1/z9/t1"), []drivers.Driver{aws}, WithSeed(42))
	if a1.ProvisionID != a2.ProvisionID || !strings.HasPrefix(a1.ClusterName, "skyhop-") {
		t.Errorf("ids %q %q, cluster %q", a1.ProvisionID, a2.ProvisionID, a1.ClusterName)
	}
}

func TestAttemptTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		aws := newScripted("aws").on("r1/z1/t1", step{hang: true})
		start := time.Now()
		res, err := Provision(context.Background(), planOf(1, "aws/r1/z1/t1", "aws/r1/z2/t1"), []drivers.Driver{aws},
			WithSeed(1), WithAttemptTimeout(time.Minute))
		if err != nil {
			t.Fatal(err)
		}
		if placement(res) != "aws/r1/z2/t1" || res.Attempts[0].Code != "AttemptTimeout" || res.Attempts[0].Class != drivers.ClassUnknown {
			t.Errorf("placement %s, first attempt %+v", placement(res), res.Attempts[0])
		}
		if d := time.Since(start); d != time.Minute {
			t.Errorf("took %s", d)
		}
	})
}

func TestIncompleteSuccessIsRolledBack(t *testing.T) {
	// A driver that reports success with too few instances breaks the
	// all-or-nothing contract; the engine rolls it back.
	d := &shortDriver{scripted: newScripted("aws")}
	res, err := Provision(context.Background(), planOf(3, "aws/r1/z1/t1", "aws/r1/z2/t1"), []drivers.Driver{d}, opts()...)
	if err != nil {
		t.Fatal(err)
	}
	if res.Attempts[0].Code != "IncompleteCluster" || len(res.RolledBack) != 1 || len(d.liveIDs()) != 3 {
		t.Errorf("attempts %+v rolled %d live %v", res.Attempts, len(res.RolledBack), d.liveIDs())
	}
}

type shortDriver struct {
	*scripted
	n int
}

func (d *shortDriver) Launch(ctx context.Context, req drivers.LaunchRequest) (*drivers.Cluster, error) {
	d.n++
	if d.n == 1 {
		req.Count = 1
	}
	return d.scripted.Launch(ctx, req)
}

func TestExhaustedErrorMessage(t *testing.T) {
	aws := newScripted("aws").
		on("r1/z1/t1", fail(drivers.ClassCapacity, "InsufficientInstanceCapacity")).
		on("r1/z2/t1", fail(drivers.ClassQuota, "VcpuLimitExceeded"))
	_, err := Provision(context.Background(), planOf(1, "aws/r1/z1/t1", "aws/r1/z2/t1", "aws/r1/z3/t1"), []drivers.Driver{aws}, opts()...)
	var ex *ExhaustedError
	if !errors.As(fmtWrap(err), &ex) {
		t.Fatalf("errors.As through wrapping failed: %v", err)
	}
	msg := err.Error()
	for _, want := range []string{
		"no placement could be had", "2 attempts", "CLOUD", "INSTANCE TYPE", "InsufficientInstanceCapacity",
		"VcpuLimitExceeded", "r1", "z2", "skipped: 1 candidates: 1 by quota (VcpuLimitExceeded) in aws r1 t1 on-demand",
		"request a quota increase", "WithRetryUntilUp",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	if !errors.Is(err, drivers.ErrCapacity) || !errors.Is(err, drivers.ErrQuota) {
		t.Error("errors.Is does not reach the attempts' classes")
	}
	var de *drivers.Error
	if !errors.As(err, &de) || de.Code != "InsufficientInstanceCapacity" {
		t.Errorf("errors.As(*drivers.Error) = %v", de)
	}
}

func fmtWrap(err error) error { return errors.Join(errors.New("launch"), err) }

func TestEventsAndLogger(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	aws := newScripted("aws").on("r1/z1/t1", fail(drivers.ClassThrottle, "RequestLimitExceeded"), fail(drivers.ClassCapacity, "ICE"))
	aws.on("r1/z2/t1", fail(drivers.ClassQuota, "VcpuLimitExceeded"))
	var evs []Event
	_, err := Provision(context.Background(), planOf(1, "aws/r1/z1/t1", "aws/r1/z2/t1", "aws/r1/z3/t1", "aws/r2/z1/t1"), []drivers.Driver{aws},
		opts(WithLogger(log), WithEvents(func(e Event) { evs = append(evs, e) }))...)
	if err != nil {
		t.Fatal(err)
	}
	want := []EventKind{EventAttemptStarted, EventAttemptFailed, EventAttemptStarted, EventAttemptFailed,
		EventAttemptStarted, EventAttemptFailed, EventSkipped, EventAttemptStarted, EventLaunched}
	if got := eventKinds(evs); !slices.Equal(got, want) {
		t.Fatalf("events %v\nwant   %v", got, want)
	}
	if !evs[1].Retrying || evs[3].Retrying || evs[1].Class != drivers.ClassThrottle {
		t.Errorf("retrying flags: %v %v", evs[1], evs[3])
	}
	if evs[6].Block == nil || evs[6].Block.Code != "VcpuLimitExceeded" || evs[6].Index != 2 {
		t.Errorf("skip event %+v", evs[6])
	}
	for _, e := range evs {
		if e.ProvisionID == "" || e.Time.IsZero() || e.String() == "" {
			t.Errorf("event lacks id/time/text: %+v", e)
		}
	}
	out := buf.String()
	for _, w := range []string{"event=attempt-failed", "code=VcpuLimitExceeded", "event=launched", "level=DEBUG"} {
		if !strings.Contains(out, w) {
			t.Errorf("log lacks %q:\n%s", w, out)
		}
	}
}

func eventKinds(evs []Event) []EventKind {
	out := make([]EventKind, len(evs))
	for i, e := range evs {
		out[i] = e.Kind
	}
	return out
}

func TestThrottleBackoffIsExponentialAndDeterministic(t *testing.T) {
	elapsed := func(seed uint64) (time.Duration, []time.Duration) {
		var d time.Duration
		var waits []time.Duration
		synctest.Test(t, func(t *testing.T) {
			thr := fail(drivers.ClassThrottle, "RequestLimitExceeded")
			aws := newScripted("aws").on("r1/z1/t1", thr, thr, thr, okStep)
			start := time.Now()
			res, err := Provision(context.Background(), planOf(1, "aws/r1/z1/t1"), []drivers.Driver{aws}, WithSeed(seed), WithMaxTries(4),
				WithEvents(func(e Event) {
					if e.Kind == EventAttemptFailed && e.Retrying {
						waits = append(waits, e.Wait)
					}
				}))
			if err != nil || res.Attempts[len(res.Attempts)-1].Try != 4 {
				t.Fatalf("res %v err %v", res, err)
			}
			d = time.Since(start)
		})
		return d, waits
	}
	d1, w1 := elapsed(3)
	d2, w2 := elapsed(3)
	if d1 != d2 || !slices.Equal(w1, w2) {
		t.Errorf("same seed, different waits: %v %v", w1, w2)
	}
	if len(w1) != 3 {
		t.Fatalf("waits %v", w1)
	}
	for i, w := range w1 {
		base := DefaultRetryBase << i
		if w < base*6/10 || w > base*14/10 {
			t.Errorf("wait %d = %s, want %s ± 40%%", i+1, w, base)
		}
	}
	var sum time.Duration
	for _, w := range w1 {
		sum += w
	}
	if d1 != sum {
		t.Errorf("took %s, want the sum of the waits %s", d1, sum)
	}
	if _, w3 := elapsed(4); slices.Equal(w1, w3) {
		t.Errorf("another seed gives the same jitter %v", w3)
	}
}
