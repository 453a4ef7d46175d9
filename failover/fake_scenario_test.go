package failover_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/skyhop/skyhop/catalog"
	"github.com/skyhop/skyhop/drivers"
	"github.com/skyhop/skyhop/drivers/fake"
	"github.com/skyhop/skyhop/failover"
	"github.com/skyhop/skyhop/internal/clock"
	"github.com/skyhop/skyhop/optimizer"
)

// The scenario tests: a plan ranked by optimizer.Rank over a catalog, the
// engine walking it on the fake cloud, and three checks on every run: where
// it landed, the exact attempt sequence (which the fake's own call log must
// repeat), and an inventory holding nothing but the returned cluster. Each
// run is inside a testing/synctest bubble, so the fake's latency (a minute
// per launch) and the engine's waits cost no real time.

// fakeLatency is the time each call takes on the fake's (virtual) clock.
var fakeLatency = fake.Latency{Launch: time.Minute, Terminate: 30 * time.Second, List: time.Second, CheckCredentials: time.Second}

// storyCatalog is a small catalog for SkyPilot's first story, with the
// names and prices its log shows (February 2022: GCP n1-highmem-8 + V100 at
// $2.953212/h, AWS p3.2xlarge at $3.06/h). GCP then sold V100s in
// us-central1-a/b/c/f and us-west1-a/b, and not in us-east1; the embedded
// catalog (2025) also has us-east1-b/c at the same price, which sort before
// us-west1 (see the "embedded catalog" cases below).
func storyCatalog(t testing.TB) *catalog.Catalog {
	gcp := func(region, zone string, price float64) catalog.Offering {
		return catalog.Offering{Cloud: "gcp", InstanceType: "n1-highmem-8", Region: region, Zone: zone, VCPUs: 8, MemoryGiB: 52,
			Accelerator: "V100", AcceleratorCount: 1, Price: price, SpotPrice: 1.41276}
	}
	aws := func(region, zone string) catalog.Offering {
		return catalog.Offering{Cloud: "aws", InstanceType: "p3.2xlarge", Region: region, Zone: zone, VCPUs: 8, MemoryGiB: 61,
			Accelerator: "V100", AcceleratorCount: 1, Price: 3.06}
	}
	return mustCatalog(t,
		gcp("us-central1", "us-central1-a", 2.953212), gcp("us-central1", "us-central1-b", 2.953212),
		gcp("us-central1", "us-central1-c", 2.953212), gcp("us-central1", "us-central1-f", 2.953212),
		gcp("us-west1", "us-west1-a", 2.953212), gcp("us-west1", "us-west1-b", 2.953212),
		gcp("asia-east1", "asia-east1-c", 3.02793), gcp("europe-west4", "europe-west4-a", 3.12494),
		aws("us-east-1", "use1-az1"), aws("us-east-1", "use1-az2"), aws("us-west-2", "usw2-az1"),
	)
}

// scenarioRun is what one scenario produced.
type scenarioRun struct {
	plan    *optimizer.Plan
	fc      *fake.Clouds
	res     *failover.Result
	err     error
	events  []failover.Event
	elapsed time.Duration
}

// fakeScenario is one story: a spec ranked over a catalog, faults on the
// fake, options for the engine, and what must come of it.
type fakeScenario struct {
	name     string
	cat      func(testing.TB) *catalog.Catalog // default: catalog.Default()
	spec     string
	rankOpts []optimizer.Option
	faults   []fake.Fault
	opts     []failover.Option
	cancelAt time.Duration // cancel the caller's context this long after the start (0: never)

	want     string   // "cloud region/zone type market"; "" when Provision must fail
	attempts []string // the decided attempts, as attemptLines renders them
	skipped  int      // how many candidates were skipped (-1: do not check)
	check    func(t *testing.T, r *scenarioRun)
}

func defaultCatalog(testing.TB) *catalog.Catalog { return catalog.Default() }

// run ranks the plan, sets the fake up and provisions, in a synctest bubble.
func (sc *fakeScenario) run(t *testing.T) *scenarioRun {
	t.Helper()
	mk := sc.cat
	if mk == nil {
		mk = defaultCatalog
	}
	r := &scenarioRun{plan: rank(t, mk(t), sc.spec, sc.rankOpts...)}
	synctest.Test(t, func(t *testing.T) {
		r.fc = fake.New(fake.WithOfferings(planOfferings(r.plan)...), fake.WithFaults(sc.faults...),
			fake.WithClouds("aws", "gcp", "azure"), fake.WithClock(clock.Real), fake.WithLatency(fakeLatency))
		ctx, cancel := context.WithCancel(bg)
		defer cancel()
		if sc.cancelAt > 0 {
			time.AfterFunc(sc.cancelAt, cancel)
		}
		o := append([]failover.Option{failover.WithSeed(7), failover.WithClusterName("story"),
			failover.WithEvents(func(e failover.Event) { r.events = append(r.events, e) })}, sc.opts...)
		start := time.Now()
		r.res, r.err = failover.Provision(ctx, r.plan, fakeDrivers(r.fc), o...)
		r.elapsed = time.Since(start)
	})
	return r
}

// verify makes the checks every scenario shares.
func (sc *fakeScenario) verify(t *testing.T, r *scenarioRun) {
	t.Helper()
	switch {
	case sc.want == "" && r.err == nil:
		t.Errorf("landed in %s, want an error", place(&r.res.Candidate))
	case sc.want != "" && r.err != nil:
		t.Fatalf("want %s, got error:\n%v", sc.want, r.err)
	case sc.want != "":
		if got := place(&r.res.Candidate); got != sc.want {
			t.Errorf("landed in %s, want %s", got, sc.want)
		}
		c := r.res.Cluster
		o := r.res.Candidate.Offering
		if c == nil || c.Cloud != o.Cloud || c.Region != o.Region || c.Zone != o.Zone || c.InstanceType != o.InstanceType ||
			len(c.Instances) != max(r.plan.NumNodes, 1) {
			t.Errorf("cluster %+v does not match the candidate %s × %d", c, sc.want, r.plan.NumNodes)
		}
	}
	got := attemptLines(attemptsOf(r.res, r.err))
	diffLines(t, "attempts", got, sc.attempts)
	// The fake saw exactly these launches, in this order (sequential search).
	diffLines(t, "the fake's launches and the attempts", launchLines(r.fc), stripDecor(got))
	if sc.skipped >= 0 {
		var n int
		switch {
		case r.res != nil:
			n = len(r.res.Skipped)
		default:
			var ex *failover.ExhaustedError
			if errors.As(r.err, &ex) {
				n = len(ex.Skipped)
			}
		}
		if n != sc.skipped {
			t.Errorf("%d candidates skipped, want %d", n, sc.skipped)
		}
	}
	var keep *drivers.Cluster
	if r.res != nil {
		keep = r.res.Cluster
	}
	var le *failover.LeakError
	if !errors.As(r.err, &le) {
		if err := r.fc.CheckNoLeaks(keep); err != nil {
			t.Error(err)
		}
	}
	if sc.check != nil {
		sc.check(t, r)
	}
}

func runScenarios(t *testing.T, scs []fakeScenario) {
	for i := range scs {
		sc := &scs[i]
		t.Run(sc.name, func(t *testing.T) {
			r := sc.run(t)
			sc.verify(t, r)
		})
	}
}

// gcpV100 and awsP3 render attempt lines of the stories' offerings.
func gcpV100(zone, tail string) string {
	region := zone[:strings.LastIndexByte(zone, '-')]
	return "gcp " + region + "/" + zone + " n1-highmem-8 on-demand: " + tail
}

func gcpV100x8(zone, tail string) string {
	region := zone[:strings.LastIndexByte(zone, '-')]
	return "gcp " + region + "/" + zone + " n1-highmem-64 on-demand: " + tail
}

func aws(itype, region, zone, market, tail string) string {
	return "aws " + region + "/" + zone + " " + itype + " " + market + ": " + tail
}

const (
	zrpe = "capacity ZONE_RESOURCE_POOL_EXHAUSTED"
	ice  = "capacity InsufficientInstanceCapacity"
)

// TestSkyPilotStoriesOnFake replays the two failover stories of SkyPilot's
// docs (docs/source/examples/auto-failover.rst).
func TestSkyPilotStoriesOnFake(t *testing.T) {
	usCentral1Out := fake.Fault{Cloud: "gcp", Region: "us-central1", Code: "ZONE_RESOURCE_POOL_EXHAUSTED"}
	runScenarios(t, []fakeScenario{{
		name:   "V100:1, us-central1 exhausted, lands in us-west1-a (2022 catalog)",
		cat:    storyCatalog,
		spec:   "resources:\n  accelerators: V100:1\n",
		faults: []fake.Fault{usCentral1Out},
		want:   "gcp us-west1/us-west1-a n1-highmem-8 on-demand",
		attempts: []string{
			gcpV100("us-central1-a", zrpe), gcpV100("us-central1-b", zrpe),
			gcpV100("us-central1-c", zrpe), gcpV100("us-central1-f", zrpe),
			gcpV100("us-west1-a", "ok"),
		},
		skipped: 0,
		check: func(t *testing.T, r *scenarioRun) {
			// The credential checks of both clouds (at once), then five
			// launches of a minute each, nothing else.
			if want := fakeLatency.CheckCredentials + 5*time.Minute; r.elapsed != want {
				t.Errorf("took %s on the fake clock, want %s", r.elapsed, want)
			}
		},
	}, {
		name:   "V100:1, us-central1 exhausted, embedded catalog: us-east1-b is next",
		spec:   "resources:\n  accelerators: V100:1\n",
		faults: []fake.Fault{usCentral1Out},
		want:   "gcp us-east1/us-east1-b n1-highmem-8 on-demand",
		attempts: []string{
			gcpV100("us-central1-a", zrpe), gcpV100("us-central1-b", zrpe),
			gcpV100("us-central1-c", zrpe), gcpV100("us-central1-f", zrpe),
			gcpV100("us-east1-b", "ok"),
		},
		skipped: 0,
	}, {
		name:   "V100:1, us-central1 and us-east1 exhausted, embedded catalog: lands in us-west1-a",
		spec:   "resources:\n  accelerators: V100:1\n",
		faults: []fake.Fault{usCentral1Out, {Cloud: "gcp", Region: "us-east1", Code: "ZONE_RESOURCE_POOL_EXHAUSTED"}},
		want:   "gcp us-west1/us-west1-a n1-highmem-8 on-demand",
		attempts: []string{
			gcpV100("us-central1-a", zrpe), gcpV100("us-central1-b", zrpe),
			gcpV100("us-central1-c", zrpe), gcpV100("us-central1-f", zrpe),
			gcpV100("us-east1-b", zrpe), gcpV100("us-east1-c", zrpe),
			gcpV100("us-west1-a", "ok"),
		},
		skipped: 0,
	}, {
		// GCP is cheapest (n1-highmem-64 + 8 × V100, $23.63/h) but
		// us-central1 is out and the project's global GPU quota is spent;
		// AWS p3.16xlarge ($24.48/h) is out in every zone of us-east-1
		// and us-east-2, and launches in us-west-2. GCP regions after
		// the quota error are skipped without a call.
		name: "V100:8, GCP out and over quota, AWS us-east-1 and us-east-2 out, lands in AWS us-west-2",
		spec: "resources:\n  accelerators: V100:8\n",
		faults: []fake.Fault{
			usCentral1Out,
			{Cloud: "gcp", Code: "QUOTA_EXCEEDED", Message: "Quota 'GPUS_ALL_REGIONS' exceeded.  Limit: 4.0 globally."},
			{Cloud: "aws", Region: "us-east-[12]", InstanceType: "p3.*", Code: "InsufficientInstanceCapacity"},
		},
		want: "aws us-west-2/usw2-az1 p3.16xlarge on-demand",
		attempts: []string{
			gcpV100x8("us-central1-a", zrpe), gcpV100x8("us-central1-b", zrpe),
			gcpV100x8("us-central1-c", zrpe), gcpV100x8("us-central1-f", zrpe),
			gcpV100x8("us-east1-b", "quota QUOTA_EXCEEDED"),
			aws("p3.16xlarge", "us-east-1", "use1-atl2-az1", "on-demand", ice),
			aws("p3.16xlarge", "us-east-1", "use1-az1", "on-demand", ice),
			aws("p3.16xlarge", "us-east-1", "use1-az2", "on-demand", ice),
			aws("p3.16xlarge", "us-east-1", "use1-az3", "on-demand", ice),
			aws("p3.16xlarge", "us-east-1", "use1-az4", "on-demand", ice),
			aws("p3.16xlarge", "us-east-1", "use1-az5", "on-demand", ice),
			aws("p3.16xlarge", "us-east-1", "use1-az6", "on-demand", ice),
			aws("p3.16xlarge", "us-east-2", "use2-az1", "on-demand", ice),
			aws("p3.16xlarge", "us-east-2", "use2-az2", "on-demand", ice),
			aws("p3.16xlarge", "us-west-2", "usw2-az1", "on-demand", "ok"),
		},
		skipped: 4, // gcp us-east1-c, us-west1-a, us-west1-b, asia-east1-c
		check: func(t *testing.T, r *scenarioRun) {
			for _, s := range r.res.Skipped {
				if o := r.plan.Candidates[s.Index].Offering; o.Cloud != "gcp" || s.Block.Class != drivers.ClassQuota || s.Block.Scope != drivers.ScopeCloud {
					t.Errorf("skip %d (%s) by %s, want GCP candidates hidden by the global quota", s.Index, o.Location(), s.Block.String())
				}
			}
		},
	}})
}

// TestClassRulesOnFake: each class of failure reaches as far as the spec's
// rule 3 says, and no further.
func TestClassRulesOnFake(t *testing.T) {
	const awsV100 = "resources:\n  cloud: aws\n  accelerators: V100:1\n"
	p3 := func(region, zone, tail string) string { return aws("p3.2xlarge", region, zone, "on-demand", tail) }
	runScenarios(t, []fakeScenario{{
		name:   "a quota error skips the rest of its region",
		spec:   awsV100,
		faults: []fake.Fault{{Cloud: "aws", Region: "us-east-1", Code: "VcpuLimitExceeded"}},
		want:   "aws us-east-2/use2-az1 p3.2xlarge on-demand",
		attempts: []string{
			p3("us-east-1", "use1-atl2-az1", "quota VcpuLimitExceeded"),
			p3("us-east-2", "use2-az1", "ok"),
		},
		skipped: 6, // use1-az1 … use1-az6
	}, {
		name: "a quota error skips its market only: on-demand over quota, spot in the same region launches",
		spec: "resources:\n  cloud: aws\n  region: us-east-1\n  accelerators: V100:1\n  ordered:\n    - use_spot: false\n    - use_spot: true\n",
		faults: []fake.Fault{
			{Cloud: "aws", Region: "us-east-1", Market: fake.OnDemand, Code: "VcpuLimitExceeded"},
		},
		want: "aws us-east-1/use1-az1 p3.2xlarge spot",
		attempts: []string{
			p3("us-east-1", "use1-atl2-az1", "quota VcpuLimitExceeded"),
			aws("p3.2xlarge", "us-east-1", "use1-az1", "spot", "ok"),
		},
		skipped: 6,
	}, {
		name:   "a permission error skips its cloud",
		spec:   "resources:\n  accelerators: V100:1\n",
		faults: []fake.Fault{{Cloud: "gcp", Code: "IAM_PERMISSION_DENIED", Message: "Required 'compute.instances.create' permission"}},
		want:   "aws us-east-1/use1-atl2-az1 p3.2xlarge on-demand",
		attempts: []string{
			gcpV100("us-central1-a", "permission IAM_PERMISSION_DENIED"),
			p3("us-east-1", "use1-atl2-az1", "ok"),
		},
		skipped: 8, // every other GCP candidate cheaper than AWS
	}, {
		name:     "a failing credential check drops its cloud before any launch",
		spec:     "resources:\n  accelerators: V100:1\n",
		faults:   []fake.Fault{{Op: fake.OpCheckCredentials, Cloud: "gcp", Code: "authError"}},
		want:     "aws us-east-1/use1-atl2-az1 p3.2xlarge on-demand",
		attempts: []string{p3("us-east-1", "use1-atl2-az1", "ok")},
		skipped:  9,
		check: func(t *testing.T, r *scenarioRun) {
			if len(r.res.Preflight) != 1 || r.res.Preflight[0].Cloud != "gcp" || !errors.Is(r.res.Preflight[0].Err, drivers.ErrPermission) {
				t.Errorf("preflight %+v, want gcp dropped with a permission error", r.res.Preflight)
			}
		},
	}, {
		name:     "an invalid request does not walk every region: the next cloud is tried",
		spec:     "resources:\n  accelerators: V100:1\n",
		rankOpts: []optimizer.Option{optimizer.WithClouds("aws", "azure")},
		faults:   []fake.Fault{{Cloud: "aws", Code: "InvalidParameterValue"}},
		want:     "azure eastus Standard_NC6s_v3 on-demand",
		attempts: []string{
			p3("us-east-1", "use1-atl2-az1", "invalid InvalidParameterValue"),
			"azure eastus Standard_NC6s_v3 on-demand: ok",
		},
		skipped: 11, // the other AWS candidates before Azure eastus
	}, {
		name:     "an invalid request on the only cloud stops at once with the error",
		spec:     awsV100,
		faults:   []fake.Fault{{Cloud: "aws", Code: "InvalidParameterValue"}},
		attempts: []string{p3("us-east-1", "use1-atl2-az1", "invalid InvalidParameterValue")},
		skipped:  26,
		check: func(t *testing.T, r *scenarioRun) {
			if !errors.Is(r.err, drivers.ErrInvalid) {
				t.Errorf("errors.Is(err, ErrInvalid) is false: %v", r.err)
			}
			if !strings.Contains(r.err.Error(), "InvalidParameterValue") || !strings.Contains(r.err.Error(), "fix the request") {
				t.Errorf("the error does not name the code and what to do:\n%v", r.err)
			}
			if want := fakeLatency.CheckCredentials + time.Minute; r.elapsed != want {
				t.Errorf("took %s, want a credential check and one launch (%s)", r.elapsed, want)
			}
		},
	}, {
		name:   "a throttle is retried in place",
		spec:   "resources:\n  cloud: gcp\n  accelerators: V100:1\n",
		faults: []fake.Fault{{Cloud: "gcp", Zone: "us-central1-a", Code: "rateLimitExceeded", Times: 2}},
		want:   "gcp us-central1/us-central1-a n1-highmem-8 on-demand",
		attempts: []string{
			gcpV100("us-central1-a", "throttle rateLimitExceeded"),
			gcpV100("us-central1-a", "throttle rateLimitExceeded (try 2)"),
			gcpV100("us-central1-a", "ok (try 3)"),
		},
		skipped: 0,
		check: func(t *testing.T, r *scenarioRun) {
			var waits time.Duration
			for _, e := range r.events {
				if e.Kind == failover.EventAttemptFailed && e.Retrying {
					waits += e.Wait
				}
			}
			// 1 s then 2 s, each ± 40 %.
			if waits < 1800*time.Millisecond || waits > 4200*time.Millisecond {
				t.Errorf("backoff waits add up to %s, want 3 s ± 40 %%", waits)
			}
			if want := fakeLatency.CheckCredentials + 3*time.Minute + waits; r.elapsed != want {
				t.Errorf("took %s, want a credential check, three launches and the waits (%s)", r.elapsed, want)
			}
		},
	}, {
		name:   "a throttle's Retry-After sets the wait before the retry",
		spec:   "resources:\n  cloud: gcp\n  accelerators: V100:1\n",
		faults: []fake.Fault{{Cloud: "gcp", Zone: "us-central1-a", Code: "rateLimitExceeded", Times: 1, RetryAfter: 25 * time.Second}},
		want:   "gcp us-central1/us-central1-a n1-highmem-8 on-demand",
		attempts: []string{
			gcpV100("us-central1-a", "throttle rateLimitExceeded"),
			gcpV100("us-central1-a", "ok (try 2)"),
		},
		skipped: 0,
		check: func(t *testing.T, r *scenarioRun) {
			var waits []time.Duration
			for _, e := range r.events {
				if e.Kind == failover.EventAttemptFailed && e.Retrying {
					waits = append(waits, e.Wait)
				}
			}
			// The provider asked for 25 s; the backoff alone would be 1 s ± 40 %.
			if len(waits) != 1 || waits[0] != 25*time.Second {
				t.Errorf("waits = %v, want one of 25s", waits)
			}
			if want := fakeLatency.CheckCredentials + 2*time.Minute + 25*time.Second; r.elapsed != want {
				t.Errorf("took %s, want a credential check, two launches and the 25 s wait (%s)", r.elapsed, want)
			}
		},
	}, {
		name:   "a throttle that does not pass moves on after the tries, without blocking the region",
		spec:   "resources:\n  cloud: gcp\n  accelerators: V100:1\n",
		faults: []fake.Fault{{Cloud: "gcp", Zone: "us-central1-a", Code: "RESOURCE_OPERATION_RATE_EXCEEDED"}},
		want:   "gcp us-central1/us-central1-b n1-highmem-8 on-demand",
		attempts: []string{
			gcpV100("us-central1-a", "throttle RESOURCE_OPERATION_RATE_EXCEEDED"),
			gcpV100("us-central1-a", "throttle RESOURCE_OPERATION_RATE_EXCEEDED (try 2)"),
			gcpV100("us-central1-a", "throttle RESOURCE_OPERATION_RATE_EXCEEDED (try 3)"),
			gcpV100("us-central1-b", "ok"),
		},
		skipped: 0,
	}, {
		name:   "unsupported (not offered in the zone) blocks only that offering",
		spec:   "resources:\n  cloud: aws\n  region: us-east-1\n  accelerators: V100:1\n",
		faults: []fake.Fault{{Cloud: "aws", Zone: "use1-atl2-az1", Code: "Unsupported"}},
		want:   "aws us-east-1/use1-az1 p3.2xlarge on-demand",
		attempts: []string{
			p3("us-east-1", "use1-atl2-az1", "unsupported Unsupported"),
			p3("us-east-1", "use1-az1", "ok"),
		},
		skipped: 0,
	}})
}

// TestPreferenceAndFencesOnFake: the plan's order and its fences hold on a
// real catalog.
func TestPreferenceAndFencesOnFake(t *testing.T) {
	v100Out := fake.Fault{Cloud: "gcp", InstanceType: "n1-highmem-8", Code: "ZONE_RESOURCE_POOL_EXHAUSTED"}
	t4 := func(zone, tail string) string {
		return "gcp us-central1/" + zone + " n1-highmem-4 on-demand: " + tail
	}
	runScenarios(t, []fakeScenario{{
		name: "ordered preference beats price: V100 ($2.95/h) before T4 ($0.59/h)",
		spec: "resources:\n  cloud: gcp\n  region: us-central1\n  ordered:\n    - accelerators: V100:1\n    - accelerators: T4:1\n",
		want: "gcp us-central1/us-central1-a n1-highmem-8 on-demand",
		attempts: []string{
			gcpV100("us-central1-a", "ok"),
		},
		skipped: 0,
	}, {
		name:   "ordered preference: the T4 is tried only when every V100 failed",
		spec:   "resources:\n  cloud: gcp\n  region: us-central1\n  ordered:\n    - accelerators: V100:1\n    - accelerators: T4:1\n",
		faults: []fake.Fault{v100Out},
		want:   "gcp us-central1/us-central1-a n1-highmem-4 on-demand",
		attempts: []string{
			gcpV100("us-central1-a", zrpe), gcpV100("us-central1-b", zrpe),
			gcpV100("us-central1-c", zrpe), gcpV100("us-central1-f", zrpe),
			t4("us-central1-a", "ok"),
		},
		skipped: 0,
	}, {
		name: "without ordering the cheaper T4 wins",
		spec: "resources:\n  cloud: gcp\n  region: us-central1\n  any_of:\n    - accelerators: V100:1\n    - accelerators: T4:1\n",
		want: "gcp us-central1/us-central1-a n1-highmem-4 on-demand",
		attempts: []string{
			t4("us-central1-a", "ok"),
		},
		skipped: 0,
	}, {
		name:   "a pinned region is never left",
		spec:   "resources:\n  cloud: aws\n  region: us-east-1\n  accelerators: V100:8\n",
		faults: []fake.Fault{{Cloud: "aws", Code: "InsufficientInstanceCapacity"}},
		opts:   []failover.Option{failover.WithRetryUntilUp(2, 0)},
		attempts: func() []string {
			var out []string
			for round := 1; round <= 2; round++ {
				for _, z := range []string{"use1-atl2-az1", "use1-az1", "use1-az2", "use1-az3", "use1-az4", "use1-az5", "use1-az6"} {
					l := aws("p3.16xlarge", "us-east-1", z, "on-demand", ice)
					if round > 1 {
						l += " [round 2]"
					}
					out = append(out, l)
				}
			}
			return out
		}(),
		skipped: 0,
		check: func(t *testing.T, r *scenarioRun) {
			for _, c := range r.fc.Calls() {
				if c.Op != fake.OpCheckCredentials && c.Request.Region != "us-east-1" {
					t.Errorf("a call left the pinned region: %s", c.String())
				}
			}
		},
	}, {
		name:   "a pinned zone is never left",
		spec:   "resources:\n  cloud: gcp\n  zone: us-central1-b\n  accelerators: V100:1\n",
		faults: []fake.Fault{usCentral1B()},
		attempts: []string{
			gcpV100("us-central1-b", zrpe),
		},
		skipped: 0,
	}})
}

func usCentral1B() fake.Fault {
	return fake.Fault{Cloud: "gcp", Zone: "us-central1-b", Code: "ZONE_RESOURCE_POOL_EXHAUSTED"}
}

// TestLifecycleOnFake: partial gangs, teardowns that fail, cancellation and
// retry-until-up, on the fake.
func TestLifecycleOnFake(t *testing.T) {
	const gang = "num_nodes: 2\nresources:\n  cloud: aws\n  region: us-east-1\n  accelerators: V100:8\n"
	p316 := func(zone, tail string) string { return aws("p3.16xlarge", "us-east-1", zone, "on-demand", tail) }
	partialICE := fake.Fault{Cloud: "aws", Zone: "use1-atl2-az1", Code: "InsufficientInstanceCapacity", Created: 1}
	runScenarios(t, []fakeScenario{{
		name:   "a partial gang is rolled back (terminated and verified) before the next zone",
		spec:   gang,
		faults: []fake.Fault{partialICE},
		want:   "aws us-east-1/use1-az1 p3.16xlarge on-demand",
		attempts: []string{
			p316("use1-atl2-az1", ice),
			p316("use1-az1", "ok"),
		},
		skipped: 0,
		check: func(t *testing.T, r *scenarioRun) {
			if a := r.res.Attempts[0]; a.Instances != 1 {
				t.Errorf("the failed attempt reports %d instances, want the 1 it created", a.Instances)
			}
			if len(r.res.RolledBack) != 1 || len(r.res.RolledBack[0].Instances) != 1 {
				t.Fatalf("rolled back %v, want the partial cluster of 1", r.res.RolledBack)
			}
			// terminate, then list to verify, before the next launch.
			var ops []string
			for _, c := range r.fc.Calls() {
				if c.Op != fake.OpCheckCredentials {
					ops = append(ops, c.Op.String())
				}
			}
			if got := strings.Join(ops, " "); got != "launch terminate list launch" {
				t.Errorf("calls %q, want a terminate and a verifying list between the launches", got)
			}
			if got := r.res.RolledBack[0].InstanceIDs()[0]; got != "i-00000000000000001" {
				t.Errorf("rolled back %s", got)
			}
		},
	}, {
		name:   "a GCP bulk insert that makes 3 of 4 VMs is unknown, rolled back, and the next zone launches",
		spec:   "num_nodes: 4\nresources:\n  cloud: gcp\n  accelerators: V100:1\n",
		faults: []fake.Fault{{Cloud: "gcp", Zone: "us-central1-a", Code: "VM_MIN_COUNT_NOT_REACHED", Created: 3}},
		want:   "gcp us-central1/us-central1-b n1-highmem-8 on-demand",
		attempts: []string{
			gcpV100("us-central1-a", "unknown VM_MIN_COUNT_NOT_REACHED"),
			gcpV100("us-central1-b", "ok"),
		},
		skipped: 0,
	}, {
		name: "a teardown that keeps failing stops the search with an error naming the instances left",
		spec: gang,
		faults: []fake.Fault{
			{Cloud: "aws", Zone: "use1-atl2-az1", Code: "InsufficientInstanceCapacity", Created: All},
			{Op: fake.OpTerminate, Cloud: "aws", Code: "InternalError"},
		},
		attempts: []string{p316("use1-atl2-az1", ice)},
		skipped:  0,
		check: func(t *testing.T, r *scenarioRun) {
			var le *failover.LeakError
			if !errors.As(r.err, &le) {
				t.Fatalf("want a *LeakError, got %v", r.err)
			}
			left := r.fc.Inventory()
			if len(left) != 2 || len(le.Instances) != 2 {
				t.Fatalf("inventory %v, error names %v: want the 2 created", left, le.Instances)
			}
			for i, li := range left {
				if le.Instances[i].ID != li.ID || le.Instances[i].Zone != li.Zone || le.Instances[i].Region != li.Region {
					t.Errorf("error names %+v, inventory has %s", le.Instances[i], li.String())
				}
				if !strings.Contains(r.err.Error(), li.ID) {
					t.Errorf("the message does not name %s:\n%v", li.ID, r.err)
				}
			}
			terms := 0
			for _, c := range r.fc.Calls() {
				if c.Op == fake.OpTerminate {
					terms++
				}
			}
			if terms != failover.DefaultTeardownTries {
				t.Errorf("%d terminate calls, want %d", terms, failover.DefaultTeardownTries)
			}
			if !errors.Is(r.err, drivers.ErrTransient) {
				t.Errorf("errors.Is(err, ErrTransient) is false: the last terminate error is not reachable")
			}
		},
	}, {
		name: "a teardown that hangs stops the search at the clean-up timeout, naming the instances",
		spec: gang,
		faults: []fake.Fault{
			partialICE,
			{Op: fake.OpTerminate, Cloud: "aws", Hang: true},
		},
		opts:     []failover.Option{failover.WithCleanupTimeout(2 * time.Minute)},
		attempts: []string{p316("use1-atl2-az1", ice)},
		skipped:  0,
		check: func(t *testing.T, r *scenarioRun) {
			var le *failover.LeakError
			if !errors.As(r.err, &le) || len(le.Instances) != 1 || le.Instances[0].ID != "i-00000000000000001" {
				t.Fatalf("want a *LeakError naming i-00000000000000001, got %v", r.err)
			}
			if want := fakeLatency.CheckCredentials + time.Minute + 2*time.Minute; r.elapsed != want {
				t.Errorf("took %s, want the launch and the clean-up bound (%s)", r.elapsed, want)
			}
		},
	}, {
		// Launches take a minute: us-central1-a and -b fail at 1 and 2
		// minutes, -c hangs after creating its VM; the caller cancels at
		// 2.5 minutes. The hung launch returns its partial cluster, which
		// is terminated on a fresh context.
		name: "cancelling mid-walk leaves nothing running",
		spec: "resources:\n  cloud: gcp\n  accelerators: V100:1\n",
		faults: []fake.Fault{
			{Cloud: "gcp", Zone: "us-central1-[ab]", Code: "ZONE_RESOURCE_POOL_EXHAUSTED"},
			{Cloud: "gcp", Zone: "us-central1-c", Hang: true, Created: All},
		},
		cancelAt: fakeLatency.CheckCredentials + 150*time.Second,
		attempts: []string{
			gcpV100("us-central1-a", zrpe), gcpV100("us-central1-b", zrpe),
			gcpV100("us-central1-c", "unknown "),
		},
		skipped: 0,
		check: func(t *testing.T, r *scenarioRun) {
			var ex *failover.ExhaustedError
			if !errors.As(r.err, &ex) || !errors.Is(r.err, context.Canceled) {
				t.Fatalf("want an *ExhaustedError wrapping context.Canceled, got %v", r.err)
			}
			if n := len(r.fc.Launches()); n != 3 {
				t.Errorf("%d launches, want none after the cancellation", n)
			}
			if r.fc.LiveCount() != 0 {
				t.Errorf("live: %v", r.fc.Inventory())
			}
		},
	}, {
		name: "retry-until-up succeeds when capacity appears in round 3",
		spec: "resources:\n  cloud: gcp\n  region: us-central1\n  accelerators: V100:1\n",
		// Each zone is out for its first two launches (rounds 1 and 2).
		faults: []fake.Fault{
			{Cloud: "gcp", Zone: "us-central1-a", Code: "ZONE_RESOURCE_POOL_EXHAUSTED", Times: 2},
			{Cloud: "gcp", Zone: "us-central1-b", Code: "ZONE_RESOURCE_POOL_EXHAUSTED", Times: 2},
			{Cloud: "gcp", Zone: "us-central1-c", Code: "ZONE_RESOURCE_POOL_EXHAUSTED", Times: 2},
			{Cloud: "gcp", Zone: "us-central1-f", Code: "ZONE_RESOURCE_POOL_EXHAUSTED", Times: 2},
		},
		opts: []failover.Option{failover.WithRetryUntilUp(5, 0)},
		want: "gcp us-central1/us-central1-a n1-highmem-8 on-demand",
		attempts: []string{
			gcpV100("us-central1-a", zrpe), gcpV100("us-central1-b", zrpe),
			gcpV100("us-central1-c", zrpe), gcpV100("us-central1-f", zrpe),
			gcpV100("us-central1-a", zrpe+" [round 2]"), gcpV100("us-central1-b", zrpe+" [round 2]"),
			gcpV100("us-central1-c", zrpe+" [round 2]"), gcpV100("us-central1-f", zrpe+" [round 2]"),
			gcpV100("us-central1-a", "ok [round 3]"),
		},
		skipped: 0,
		check: func(t *testing.T, r *scenarioRun) {
			if r.res.Rounds != 3 {
				t.Errorf("rounds %d, want 3", r.res.Rounds)
			}
			checkRoundWaits(t, r, 2)
		},
	}, {
		name:   "retry-until-up stops at its round bound",
		spec:   "resources:\n  cloud: gcp\n  region: us-central1\n  accelerators: V100:1\n",
		faults: []fake.Fault{usCentral1Out()},
		opts:   []failover.Option{failover.WithRetryUntilUp(3, 0)},
		attempts: func() []string {
			var out []string
			for _, sfx := range []string{"", " [round 2]", " [round 3]"} {
				for _, z := range []string{"a", "b", "c", "f"} {
					out = append(out, gcpV100("us-central1-"+z, zrpe+sfx))
				}
			}
			return out
		}(),
		skipped: 0,
		check: func(t *testing.T, r *scenarioRun) {
			var ex *failover.ExhaustedError
			if !errors.As(r.err, &ex) || ex.Rounds != 3 || !errors.Is(r.err, drivers.ErrCapacity) {
				t.Fatalf("want an *ExhaustedError after 3 rounds, got %v", r.err)
			}
			checkRoundWaits(t, r, 2)
		},
	}, {
		name:   "retry-until-up stops at its duration bound",
		spec:   "resources:\n  cloud: gcp\n  region: us-central1\n  accelerators: V100:1\n",
		faults: []fake.Fault{usCentral1Out()},
		opts:   []failover.Option{failover.WithRetryUntilUp(0, 10*time.Minute)},
		// 1 s of credential check, rounds of 4 launches (4 min) and waits
		// of about 30 s: round 3 starts at about 9 min, and its second
		// launch is the last to start before the bound.
		attempts: func() []string {
			var out []string
			for _, sfx := range []string{"", " [round 2]", " [round 3]"} {
				for _, z := range []string{"a", "b", "c", "f"} {
					out = append(out, gcpV100("us-central1-"+z, zrpe+sfx))
				}
			}
			return out[:10]
		}(),
		skipped: 0,
		check: func(t *testing.T, r *scenarioRun) {
			var ex *failover.ExhaustedError
			if !errors.As(r.err, &ex) || !strings.Contains(ex.Reason, "10m0s") {
				t.Fatalf("want an *ExhaustedError at the 10m bound, got %v", r.err)
			}
			start := ex.Attempts[0].Start.Add(-fakeLatency.CheckCredentials)
			for _, a := range ex.Attempts {
				if a.Start.Sub(start) >= 10*time.Minute {
					t.Errorf("an attempt started at %s, after the bound", a.Start.Sub(start))
				}
			}
			if r.elapsed > 10*time.Minute+fakeLatency.Launch {
				t.Errorf("took %s, beyond the bound and the attempt in flight", r.elapsed)
			}
		},
	}})
}

// checkRoundWaits checks the waits between rounds: n of them, each 30 s ±
// 40 %.
func checkRoundWaits(t *testing.T, r *scenarioRun, n int) {
	t.Helper()
	var waits []time.Duration
	for _, e := range r.events {
		if e.Kind == failover.EventRoundWait {
			waits = append(waits, e.Wait)
		}
	}
	if len(waits) != n {
		t.Fatalf("%d round waits, want %d", len(waits), n)
	}
	for _, w := range waits {
		if w < 18*time.Second || w > 42*time.Second {
			t.Errorf("round wait %s, want 30s ± 40%%", w)
		}
	}
}

func usCentral1Out() fake.Fault {
	return fake.Fault{Cloud: "gcp", Region: "us-central1", Code: "ZONE_RESOURCE_POOL_EXHAUSTED"}
}

// All is fake.All, for brevity.
const All = fake.All

// TestReusedProvisionIDOnFake: a second call with the provision ID of a
// first one, whose cluster was terminated since, sends the same
// idempotency tokens; the provider answers with the first (terminated)
// cluster. The engine must not hand that out as a running cluster.
func TestReusedProvisionIDOnFake(t *testing.T) {
	plan := rank(t, catalog.Default(), "resources:\n  cloud: gcp\n  region: us-central1\n  accelerators: V100:1\n")
	fc := fake.New(fake.WithOfferings(planOfferings(plan)...))
	o := []failover.Option{failover.WithProvisionID("job-1"), failover.WithClusterName("job")}
	first, err := failover.Provision(bg, plan, fc.Drivers(), o...)
	if err != nil {
		t.Fatal(err)
	}
	if err := fc.Driver("gcp").Terminate(bg, first.Cluster); err != nil {
		t.Fatal(err)
	}
	second, err := failover.Provision(bg, plan, fc.Drivers(), o...)
	if err != nil {
		t.Fatal(err)
	}
	diffLines(t, "attempts", attemptLines(second.Attempts), []string{
		gcpV100("us-central1-a", "unknown IncompleteCluster"),
		gcpV100("us-central1-b", "ok"),
	})
	if err := fc.CheckNoLeaks(second.Cluster); err != nil {
		t.Error(err)
	}
	if n := liveOf(second.Cluster); n != 1 {
		t.Errorf("the result has %d running instances, want 1", n)
	}
}

func liveOf(cl *drivers.Cluster) int {
	n := 0
	for _, in := range cl.Instances {
		if in.State == "running" {
			n++
		}
	}
	return n
}

// TestOrphanSweepOnFake: a launch that fails but did create instances it
// does not return (the fake's Orphan fault: a 5xx, a timeout) leaves them
// tagged with the cluster name; the engine finds them by listing the
// cluster in that region once the round is over, and terminates them.
func TestOrphanSweepOnFake(t *testing.T) {
	const gang = "num_nodes: 2\nresources:\n  cloud: aws\n  region: us-east-1\n  accelerators: V100:8\n"
	p316 := func(zone, tail string) string { return aws("p3.16xlarge", "us-east-1", zone, "on-demand", tail) }
	orphan5xx := fake.Fault{Cloud: "aws", Zone: "use1-atl2-az1", Code: "InternalError", Created: All, Orphan: true}
	runScenarios(t, []fakeScenario{{
		name:   "a 5xx that created the gang it did not return, three times: six orphans terminated",
		spec:   gang,
		faults: []fake.Fault{orphan5xx},
		opts:   []failover.Option{failover.WithRetryBackoff(0, 0)},
		want:   "aws us-east-1/use1-az1 p3.16xlarge on-demand",
		attempts: []string{
			p316("use1-atl2-az1", "transient InternalError"),
			p316("use1-atl2-az1", "transient InternalError (try 2)"),
			p316("use1-atl2-az1", "transient InternalError (try 3)"),
			p316("use1-az1", "ok"),
		},
		skipped: 0,
		check: func(t *testing.T, r *scenarioRun) {
			var swept int
			for _, cl := range r.res.RolledBack {
				if cl.Zone == "use1-atl2-az1" {
					swept += len(cl.Instances)
				}
			}
			if swept != 6 {
				t.Errorf("swept %d orphans, want 6: %v", swept, r.res.RolledBack)
			}
		},
	}, {
		name: "a GCP operation that timed out created its VM; the sweep spares the result in the same region",
		spec: "resources:\n  cloud: gcp\n  accelerators: V100:1\n",
		faults: []fake.Fault{
			{Cloud: "gcp", Zone: "us-central1-a", Code: "TIMEOUT", Created: All, Orphan: true},
		},
		want: "gcp us-central1/us-central1-b n1-highmem-8 on-demand",
		attempts: []string{
			gcpV100("us-central1-a", "unknown TIMEOUT"),
			gcpV100("us-central1-b", "ok"),
		},
		skipped: 0,
	}, {
		name: "orphans that cannot be terminated make a leak error naming them",
		spec: gang,
		faults: []fake.Fault{
			{Cloud: "aws", Zone: "use1-atl2-az1", Code: "InternalError", Created: All, Orphan: true, Times: 1},
			{Cloud: "aws", Zone: "use1-atl2-az1", Code: "InsufficientInstanceCapacity"},
			{Op: fake.OpTerminate, Cloud: "aws", Zone: "use1-atl2-az1", Code: "UnauthorizedOperation"},
		},
		opts: []failover.Option{failover.WithRetryBackoff(0, 0)},
		attempts: []string{
			p316("use1-atl2-az1", "transient InternalError"),
			p316("use1-atl2-az1", "capacity InsufficientInstanceCapacity (try 2)"),
			p316("use1-az1", "ok"),
		},
		skipped: 0,
		check: func(t *testing.T, r *scenarioRun) {
			var le *failover.LeakError
			if !errors.As(r.err, &le) || len(le.Instances) != 2 {
				t.Fatalf("want a *LeakError naming the 2 orphans, got %v", r.err)
			}
			// The result was terminated too: all or nothing.
			left := r.fc.Inventory()
			if len(left) != 2 || left[0].Zone != "use1-atl2-az1" || left[1].Zone != "use1-atl2-az1" {
				t.Errorf("inventory %v, want only the two orphans", left)
			}
			for _, li := range left {
				if !strings.Contains(r.err.Error(), li.ID) {
					t.Errorf("the error does not name %s: %v", li.ID, r.err)
				}
			}
		},
	}})
}

// TestScenarioFileOnFake runs both SkyPilot stories from the fake's YAML
// scenario file (its inline offerings are the catalog), as a launcher
// loading a scenario would.
func TestScenarioFileOnFake(t *testing.T) {
	sc, err := fake.LoadScenarioFile("../drivers/fake/testdata/skypilot-stories.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cat := mustCatalog(t, sc.Offerings...)
	for _, tt := range []struct {
		spec     string
		want     string
		attempts []string
	}{{
		spec: "resources:\n  accelerators: V100:1\n",
		want: "gcp us-west1/us-west1-a n1-highmem-8 on-demand",
		attempts: []string{
			gcpV100("us-central1-a", zrpe), gcpV100("us-central1-b", zrpe), gcpV100("us-west1-a", "ok"),
		},
	}, {
		spec: "resources:\n  accelerators: V100:8\n",
		want: "aws us-west-2/usw2-az1 p3.16xlarge on-demand",
		attempts: []string{
			gcpV100x8("us-central1-a", zrpe), gcpV100x8("us-west1-a", "quota QUOTA_EXCEEDED"),
			aws("p3.16xlarge", "us-east-1", "use1-az1", "on-demand", ice),
			aws("p3.16xlarge", "us-east-2", "use2-az1", "on-demand", ice),
			aws("p3.16xlarge", "us-west-2", "usw2-az1", "on-demand", "ok"),
		},
	}} {
		t.Run(tt.spec[strings.LastIndexByte(tt.spec[:len(tt.spec)-1], ' ')+1:len(tt.spec)-1], func(t *testing.T) {
			plan := rank(t, cat, tt.spec)
			synctest.Test(t, func(t *testing.T) {
				fc := sc.New(fake.WithClock(clock.Real))
				start := time.Now()
				res, err := failover.Provision(bg, plan, fc.Drivers(), failover.WithSeed(1))
				if err != nil {
					t.Fatal(err)
				}
				if got := place(&res.Candidate); got != tt.want {
					t.Errorf("landed in %s, want %s", got, tt.want)
				}
				diffLines(t, "attempts", attemptLines(res.Attempts), tt.attempts)
				if err := fc.CheckNoLeaks(res.Cluster); err != nil {
					t.Error(err)
				}
				// The scenario's latency: 90 s per launch.
				if want := time.Duration(len(tt.attempts)) * sc.Latency.Launch; time.Since(start) != want {
					t.Errorf("took %s, want %s", time.Since(start), want)
				}
			})
		})
	}
}
