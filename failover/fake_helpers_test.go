package failover_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/skyhop/skyhop/catalog"
	"github.com/skyhop/skyhop/drivers"
	"github.com/skyhop/skyhop/drivers/fake"
	"github.com/skyhop/skyhop/failover"
	"github.com/skyhop/skyhop/optimizer"
	"github.com/skyhop/skyhop/resources"
)

// This file holds the helpers of the scenario tests that run the engine on
// the fake cloud of package drivers/fake, with plans made by optimizer.Rank.

// rank parses a task's resources section and ranks it over cat.
func rank(t testing.TB, cat *catalog.Catalog, yaml string, opts ...optimizer.Option) *optimizer.Plan {
	t.Helper()
	spec, err := resources.Parse([]byte(yaml))
	if err != nil {
		t.Fatalf("parse %q: %v", yaml, err)
	}
	plan, err := optimizer.Rank(spec, cat, opts...)
	if err != nil {
		t.Fatalf("rank %q: %v", yaml, err)
	}
	return plan
}

// mustCatalog builds a catalog of the offerings.
func mustCatalog(t testing.TB, offs ...catalog.Offering) *catalog.Catalog {
	t.Helper()
	cat, err := catalog.New(offs)
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

// planOfferings returns the offerings of the plan's candidates, once each,
// in plan order: what the fake must sell for the plan to be launchable.
func planOfferings(plan *optimizer.Plan) []catalog.Offering {
	seen := make(map[*catalog.Offering]bool, len(plan.Candidates))
	var out []catalog.Offering
	for i := range plan.Candidates {
		o := plan.Candidates[i].Offering
		if !seen[o] {
			seen[o] = true
			out = append(out, *o)
		}
	}
	return out
}

// place renders a candidate as "cloud region/zone type market".
func place(c *optimizer.Candidate) string {
	o := c.Offering
	return o.Cloud + " " + o.Location() + " " + o.InstanceType + " " + c.Market.String()
}

// attemptLines renders every decided attempt as "cloud region/zone type
// market: class code", with " (try n)" after retries in place, and "ok" for
// a success.
func attemptLines(as []failover.Attempt) []string {
	out := make([]string, 0, len(as))
	for i := range as {
		a := &as[i]
		if a.Discarded {
			continue
		}
		s := place(&a.Candidate) + ": "
		if a.Err == nil {
			s += "ok"
		} else {
			s += a.Class.String() + " " + a.Code
		}
		if a.Try > 1 {
			s += fmt.Sprintf(" (try %d)", a.Try)
		}
		if a.Round > 1 {
			s += fmt.Sprintf(" [round %d]", a.Round)
		}
		out = append(out, s)
	}
	return out
}

// launchLines renders the fake's launch calls like attemptLines (without
// tries and rounds), so that the engine's account can be checked against
// what the cloud saw.
func launchLines(fc *fake.Clouds) []string {
	var out []string
	for _, c := range fc.Launches() {
		r := &c.Request
		m := catalog.OnDemand
		if r.Spot {
			m = catalog.Spot
		}
		loc := r.Region
		if r.Zone != "" {
			loc += "/" + r.Zone
		}
		s := c.Cloud + " " + loc + " " + r.InstanceType + " " + m.String() + ": "
		if c.Err == nil {
			s += "ok"
		} else {
			s += c.Class().String() + " " + c.Code()
		}
		out = append(out, s)
	}
	return out
}

// stripDecor removes the " (try n)" and " [round n]" suffixes, and the
// code the engine gives an attempt that timed out (the driver saw only its
// context end).
func stripDecor(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		l = strings.Replace(l, ": unknown AttemptTimeout", ": unknown ", 1)
		if j := strings.Index(l, " (try "); j >= 0 {
			l = l[:j]
		}
		if j := strings.Index(l, " [round "); j >= 0 {
			l = l[:j]
		}
		out[i] = l
	}
	return out
}

// attemptsOf returns the attempts of a result or of an *ExhaustedError or
// *LeakError.
func attemptsOf(res *failover.Result, err error) []failover.Attempt {
	if res != nil {
		return res.Attempts
	}
	var ex *failover.ExhaustedError
	if errors.As(err, &ex) {
		return ex.Attempts
	}
	var le *failover.LeakError
	if errors.As(err, &le) {
		return le.Attempts
	}
	return nil
}

// diffLines reports two line lists side by side when they differ.
func diffLines(t testing.TB, what string, got, want []string) {
	t.Helper()
	if slices.Equal(got, want) {
		return
	}
	var b strings.Builder
	for i := range max(len(got), len(want)) {
		g, w := "", ""
		if i < len(got) {
			g = got[i]
		}
		if i < len(want) {
			w = want[i]
		}
		mark := "  "
		if g != w {
			mark = "!="
		}
		fmt.Fprintf(&b, "\n  %2d %s got  %s\n        want %s", i+1, mark, g, w)
	}
	t.Errorf("%s differ:%s", what, b.String())
}

// fakeDrivers returns the fake's drivers as a slice for Provision.
func fakeDrivers(fc *fake.Clouds) []drivers.Driver { return fc.Drivers() }

var bg = context.Background()
