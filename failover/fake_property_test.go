package failover_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
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

// The property test of parallel probing, on the fake cloud: for random
// catalogs and random faults fixed per offering (every launch of an
// offering answers the same, after the same delay), WithParallel(k) for
// k = 1…8 lands where sequential search lands, decides the same attempts,
// leaves nothing running but the result, and never takes longer on the
// fake's clock.

// propLocations are the places a random catalog draws from: real region,
// zone and instance type names of each cloud.
var propLocations = map[string]struct {
	regions map[string][]string
	types   []string
}{
	"aws": {map[string][]string{
		"us-east-1": {"use1-az1", "use1-az2", "use1-az4"},
		"us-west-2": {"usw2-az1", "usw2-az2"},
		"eu-west-1": {"euw1-az2"},
	}, []string{"p3.2xlarge", "p3dn.24xlarge"}},
	"gcp": {map[string][]string{
		"us-central1":  {"us-central1-a", "us-central1-b", "us-central1-f"},
		"us-west1":     {"us-west1-a", "us-west1-b"},
		"europe-west4": {"europe-west4-a"},
	}, []string{"n1-highmem-8", "n1-standard-8"}},
	"azure": {map[string][]string{
		"eastus": {""}, "westus2": {""}, "westeurope": {""},
	}, []string{"Standard_NC6s_v3", "Standard_NC12s_v3"}},
}

// propCodes are real provider codes per class and cloud (their class and
// scope come from drivers/codes, as for a real driver).
var propCodes = map[string]map[string][]string{
	"aws": {
		"capacity": {"InsufficientInstanceCapacity"}, "quota": {"VcpuLimitExceeded", "MaxSpotInstanceCountExceeded"},
		"unsupported": {"Unsupported"}, "permission": {"UnauthorizedOperation"},
		"invalid": {"InvalidParameterValue", "InvalidAMIID.NotFound"}, "unknown": {"Gremlins"},
		"throttle": {"RequestLimitExceeded"}, "transient": {"InternalError"},
	},
	"gcp": {
		"capacity": {"ZONE_RESOURCE_POOL_EXHAUSTED"}, "quota": {"QUOTA_EXCEEDED"},
		"unsupported": {"MACHINE_TYPE_UNSUPPORTED"}, "permission": {"IAM_PERMISSION_DENIED"},
		"invalid": {"VPC_NOT_FOUND", "SUBNET_NOT_FOUND_FOR_VPC"}, "unknown": {"RESOURCE_NOT_FOUND"},
		"throttle": {"rateLimitExceeded"}, "transient": {"backendError"},
	},
	"azure": {
		"capacity": {"AllocationFailed", "ZonalAllocationFailed"}, "quota": {"QuotaExceeded"},
		"unsupported": {"SkuNotAvailable"}, "permission": {"AuthorizationFailed"},
		"invalid": {"InvalidParameter"}, "unknown": {"Gremlins"},
		"throttle": {"TooManyRequests"}, "transient": {"InternalServerError"},
	},
}

// propScenario is a random catalog, a spec and faults fixed per offering.
type propScenario struct {
	cat    *catalog.Catalog
	spec   string
	plan   *optimizer.Plan
	faults []fake.Fault
	desc   []string // one line per offering's fault, for failure reports
}

func randomPropScenario(t testing.TB, r *rand.Rand) *propScenario {
	clouds := []string{"aws", "gcp", "azure"}
	pick := func(list []string) string { return list[r.IntN(len(list))] }
	n := 1 + r.IntN(14)
	seen := map[string]bool{}
	var offs []catalog.Offering
	for len(offs) < n {
		cloud := pick(clouds)
		loc := propLocations[cloud]
		regions := make([]string, 0, len(loc.regions))
		for reg := range loc.regions {
			regions = append(regions, reg)
		}
		slices.Sort(regions)
		region := pick(regions)
		zone := pick(loc.regions[region])
		itype := pick(loc.types)
		key := cloud + region + zone + itype
		if seen[key] {
			continue
		}
		seen[key] = true
		o := catalog.Offering{Cloud: cloud, InstanceType: itype, Region: region, Zone: zone, VCPUs: 8, MemoryGiB: 61,
			Accelerator: "V100", AcceleratorCount: 1, Price: 2.5 + 0.25*float64(r.IntN(4))}
		if r.IntN(2) == 0 {
			o.SpotPrice = 0.5 + 0.25*float64(r.IntN(3))
		}
		offs = append(offs, o)
	}
	sc := &propScenario{cat: mustCatalog(t, offs...)}
	switch r.IntN(3) {
	case 0:
		sc.spec = "num_nodes: 2\nresources:\n  accelerators: V100:1\n"
	case 1:
		sc.spec = "num_nodes: 2\nresources:\n  accelerators: V100:1\n  any_of:\n    - use_spot: false\n    - use_spot: true\n"
	default:
		sc.spec = "num_nodes: 2\nresources:\n  accelerators: V100:1\n  ordered:\n    - use_spot: true\n    - use_spot: false\n"
	}
	sc.plan = rank(t, sc.cat, sc.spec)
	kinds := []string{"ok", "ok", "ok", "capacity", "capacity", "capacity", "capacity", "quota", "quota", "unsupported",
		"permission", "invalid", "unknown", "throttle", "throttle", "transient", "partial", "partial", "hang"}
	for i := range sc.plan.Candidates {
		c := &sc.plan.Candidates[i]
		o := c.Offering
		market := fake.OnDemand
		if c.Spot() {
			market = fake.Spot
		}
		sel := fake.Fault{Cloud: o.Cloud, Region: o.Region, Zone: o.Zone, InstanceType: o.InstanceType, Market: market}
		delay := sel
		delay.Delay = time.Duration(1+r.IntN(90)) * time.Second
		sc.faults = append(sc.faults, delay)
		kind := pick(kinds)
		f := sel
		switch kind {
		case "ok":
			sc.desc = append(sc.desc, fmt.Sprintf("%s: ok after %s", place(c), delay.Delay))
			continue
		case "partial":
			f.Code, f.Created = propCodes[o.Cloud]["capacity"][0], 1
		case "hang":
			f.Hang = true
		default:
			f.Code = pick(propCodes[o.Cloud][kind])
			if kind == "quota" && o.Cloud == "gcp" && r.IntN(3) == 0 {
				f.Message = "Quota 'GPUS_ALL_REGIONS' exceeded.  Limit: 0.0 globally."
			}
		}
		sc.faults = append(sc.faults, f)
		sc.desc = append(sc.desc, fmt.Sprintf("%s: %s %s after %s", place(c), kind, f.Code, delay.Delay))
	}
	return sc
}

// propRun is the outcome of one run.
type propRun struct {
	placement string   // "" when exhausted
	attempts  []string // decided attempts
	launches  []string // the fake's launch log
	elapsed   time.Duration
	decided   time.Duration // when the last decided attempt ended
	leaks     error
}

func (sc *propScenario) run(t *testing.T, seed uint64, k, cloudCap int, lat fake.Latency) propRun {
	var out propRun
	synctest.Test(t, func(t *testing.T) {
		fc := fake.New(fake.WithOfferings(planOfferings(sc.plan)...), fake.WithFaults(sc.faults...),
			fake.WithClock(clock.Real), fake.WithLatency(lat))
		start := time.Now()
		res, err := failover.Provision(bg, sc.plan, fc.Drivers(), failover.WithSeed(seed), failover.WithParallel(k),
			failover.WithCloudConcurrency(cloudCap), failover.WithAttemptTimeout(5*time.Minute), failover.WithClusterName("prop"))
		out.elapsed = time.Since(start)
		var keep *drivers.Cluster
		if res != nil {
			keep = res.Cluster
			out.placement = place(&res.Candidate)
		} else {
			var ex *failover.ExhaustedError
			if !errors.As(err, &ex) {
				t.Fatalf("k=%d: want a result or an *ExhaustedError, got %v", k, err)
			}
		}
		as := attemptsOf(res, err)
		out.attempts = attemptLines(as)
		for _, a := range as {
			if !a.Discarded {
				out.decided = max(out.decided, a.Start.Add(a.Duration).Sub(start))
			}
		}
		out.launches = launchLines(fc)
		out.leaks = fc.CheckNoLeaks(keep)
	})
	return out
}

// TestParallelKeepsSequentialChoiceOnFake is the property test.
func TestParallelKeepsSequentialChoiceOnFake(t *testing.T) {
	r := rand.New(rand.NewPCG(2025, 55))
	scenarios := 200
	if testing.Short() {
		scenarios = 40
	}
	noTeardownCost := fake.Latency{} // launches cost their per-offering delay; everything else is instant
	withTeardown := fake.Latency{Terminate: 30 * time.Second, List: time.Second}
	var runs, faster, longerTotal int
	for i := range scenarios {
		sc := randomPropScenario(t, r)
		seed := r.Uint64()
		report := func() string {
			return fmt.Sprintf("scenario %d: %s\n  %s", i, strings.ReplaceAll(sc.spec, "\n", " "), strings.Join(sc.desc, "\n  "))
		}
		for _, lat := range []fake.Latency{noTeardownCost, withTeardown} {
			seq := sc.run(t, seed, 1, 4, lat)
			if seq.leaks != nil {
				t.Fatalf("%s\nsequential: %v", report(), seq.leaks)
			}
			if !slices.Equal(seq.launches, stripDecor(seq.attempts)) {
				t.Fatalf("%s\nsequential: the fake's launches %v differ from the attempts %v", report(), seq.launches, seq.attempts)
			}
			for k := 2; k <= 8; k++ {
				cloudCap := 1 + (i+k)%4
				par := sc.run(t, seed, k, cloudCap, lat)
				runs++
				where := fmt.Sprintf("%s\nk=%d cloud cap=%d terminate=%s", report(), k, cloudCap, lat.Terminate)
				if par.placement != seq.placement {
					t.Fatalf("%s: landed in %q, sequential in %q\nseq %v\npar %v", where, par.placement, seq.placement, seq.attempts, par.attempts)
				}
				if !slices.Equal(par.attempts, seq.attempts) {
					t.Fatalf("%s: decided attempts differ\nseq %v\npar %v", where, seq.attempts, par.attempts)
				}
				if par.leaks != nil {
					t.Fatalf("%s: %v", where, par.leaks)
				}
				if par.decided > seq.decided {
					t.Fatalf("%s: decided at %s, sequential at %s", where, par.decided, seq.decided)
				}
				if lat == noTeardownCost && par.elapsed > seq.elapsed {
					t.Fatalf("%s: took %s, sequential %s", where, par.elapsed, seq.elapsed)
				}
				if par.elapsed < seq.elapsed {
					faster++
				}
				if par.elapsed > seq.elapsed {
					longerTotal++ // only with a teardown cost: clean-up of discarded attempts
				}
			}
		}
	}
	if faster == 0 {
		t.Error("parallel probing was never faster than sequential")
	}
	t.Logf("%d scenarios, %d parallel runs: strictly faster in %d; with 30 s terminations and 1 s listings, the total (decision, then terminating successes not chosen and sweeping the regions of discarded attempts) was longer in %d",
		scenarios, runs, faster, longerTotal)
}
