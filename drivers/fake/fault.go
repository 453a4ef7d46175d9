package fake

import (
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/skyhop/skyhop/drivers"
)

// Op names a driver call a fault can target.
type Op int

// The operations. The zero value is OpLaunch.
const (
	// OpLaunch is Driver.Launch.
	OpLaunch Op = iota
	// OpTerminate is Driver.Terminate.
	OpTerminate
	// OpList is Driver.ListInstances.
	OpList
	// OpCheckCredentials is Driver.CheckCredentials.
	OpCheckCredentials
)

var opNames = [...]string{"launch", "terminate", "list", "check-credentials"}

// String returns "launch", "terminate", "list" or "check-credentials".
func (o Op) String() string {
	if o >= 0 && int(o) < len(opNames) {
		return opNames[o]
	}
	return fmt.Sprintf("Op(%d)", int(o))
}

// ParseOp returns the operation named s (as written by String).
func ParseOp(s string) (Op, error) {
	for i, n := range opNames {
		if n == s {
			return Op(i), nil
		}
	}
	return 0, fmt.Errorf("fake: unknown operation %q (want one of %s)", s, strings.Join(opNames[:], ", "))
}

// Market selects the market a fault applies to.
type Market int

// The market selectors. The zero value matches both markets.
const (
	AnyMarket Market = iota
	OnDemand
	Spot
)

// String returns "any", "on-demand" or "spot".
func (m Market) String() string {
	switch m {
	case OnDemand:
		return "on-demand"
	case Spot:
		return "spot"
	}
	return "any"
}

func (m Market) matches(spot bool) bool {
	switch m {
	case OnDemand:
		return !spot
	case Spot:
		return spot
	}
	return true
}

// All, as Fault.Created, means every node of the request.
const All = -1

// Fault is a scripted failure (or delay) of the fake cloud.
//
// Selector: Op, Cloud, Region, Zone, InstanceType and Market say which calls
// the fault applies to. The string fields are patterns in the syntax of
// path.Match ("us-central1-*", "p4d.*"); "" and "*" match anything, including
// an empty value. A terminate call matches on its cluster's location, type
// and market; a list call on its region; a credential check on its cloud.
//
// Window: the fault counts the calls its selector matches (1, 2, 3, ...) and
// fires on matching calls From through From+Times-1: From 0 or 1 is the first
// matching call, Times 0 is no end. So {} fires always, {Times: 2} on the
// first two matching calls, {From: 3} from the third on.
//
// Effect: a fault with a Code fails the call with that provider code; the
// class and scope come from the cloud's table in drivers/codes (the table the
// real driver uses). HTTPStatus and Message default to a realistic status and
// text for well-known codes. Created (launch only) creates that many nodes
// before failing (All: every node); they are returned in the partial cluster
// with the error, unless Orphan is set, in which case the driver "loses"
// them: they live in the inventory with their cluster tag and only
// ListInstances finds them (the create-that-errors-but-did-create trap).
// Hang blocks the call until its context ends (after creating Created nodes,
// for a launch), then returns the context's error. Delay adds latency on the
// fake's clock; a fault with only a Delay slows matching calls down and lets
// them proceed.
//
// When several faults fire on one call, their delays add up and the first
// one (in the order they were added) with a Code or Hang decides the result.
type Fault struct {
	// Op is the call the fault targets (default OpLaunch).
	Op Op
	// Cloud, Region, Zone and InstanceType are patterns ("" or "*": any).
	Cloud        string
	Region       string
	Zone         string
	InstanceType string
	// Market selects on-demand or spot calls (default both).
	Market Market

	// From is the first matching call the fault fires on (0 or 1: the
	// first); Times how many calls it fires on (0: no end).
	From  int
	Times int

	// Code is the provider's error code the call fails with; empty for a
	// fault that only delays (or hangs).
	Code string
	// HTTPStatus and Message default to realistic values for known codes.
	// Message may use the placeholders {type}, {region}, {zone}, {count}
	// and {cluster}.
	HTTPStatus int
	Message    string
	// Class and Scope, when not zero, override the table's classification.
	// Use them for clouds without a table in drivers/codes, or to model a
	// provider answer the table does not know.
	Class drivers.Class
	Scope drivers.Scope

	// Created is how many nodes a failing launch creates first (All: every
	// node); Orphan hides them from the caller (only ListInstances finds
	// them).
	Created int
	Orphan  bool
	// Hang blocks the call until its context ends.
	Hang bool
	// Delay is extra latency on the fake's clock.
	Delay time.Duration
	// RetryAfter is the wait the provider asks for (an HTTP Retry-After on
	// a throttle), carried on the error as drivers.Error.RetryAfter.
	RetryAfter time.Duration
}

// Validate reports whether the fault is well-formed: patterns valid, window
// and counts not negative, and Created and Orphan used only on launches that
// fail (with a Code or Hang).
func (f *Fault) Validate() error {
	for _, p := range []struct{ name, pat string }{
		{"cloud", f.Cloud}, {"region", f.Region}, {"zone", f.Zone}, {"instance type", f.InstanceType},
	} {
		if _, err := path.Match(p.pat, ""); err != nil {
			return fmt.Errorf("fake: fault %s pattern %q: %w", p.name, p.pat, err)
		}
	}
	switch {
	case f.Op < OpLaunch || f.Op > OpCheckCredentials:
		return fmt.Errorf("fake: fault op %v is not one of %s", f.Op, strings.Join(opNames[:], ", "))
	case f.Market < AnyMarket || f.Market > Spot:
		return fmt.Errorf("fake: fault market %d is not any, on-demand or spot", int(f.Market))
	case f.From < 0 || f.Times < 0:
		return fmt.Errorf("fake: fault window from=%d times=%d: want non-negative numbers", f.From, f.Times)
	case f.RetryAfter < 0:
		return fmt.Errorf("fake: fault retry_after %s is negative", f.RetryAfter)
	case f.Delay < 0:
		return fmt.Errorf("fake: fault delay %v is negative", f.Delay)
	case f.HTTPStatus < 0 || f.HTTPStatus > 999:
		return fmt.Errorf("fake: fault HTTP status %d is not a status code", f.HTTPStatus)
	case f.Created < All:
		return fmt.Errorf("fake: fault created=%d: want a node count or All", f.Created)
	case (f.Created != 0 || f.Orphan) && f.Op != OpLaunch:
		return fmt.Errorf("fake: fault on %v: created and orphan apply to launches only", f.Op)
	case (f.Created != 0 || f.Orphan) && f.Code == "" && !f.Hang:
		return fmt.Errorf("fake: fault creates nodes but neither fails (code) nor hangs: give it a code")
	case f.Orphan && f.Created == 0:
		return fmt.Errorf("fake: orphan fault creates no nodes: set created")
	case f.Code == "" && (f.HTTPStatus != 0 || f.Message != "" || f.Class != 0 || f.Scope != 0):
		return fmt.Errorf("fake: fault sets a status, message, class or scope without a code")
	}
	return nil
}

// String renders the fault compactly for messages.
func (f *Fault) String() string {
	var b strings.Builder
	b.WriteString(f.Op.String())
	for _, s := range []string{f.Cloud, f.Region, f.Zone, f.InstanceType} {
		b.WriteByte(' ')
		if s == "" {
			s = "*"
		}
		b.WriteString(s)
	}
	if f.Market != AnyMarket {
		b.WriteString(" " + f.Market.String())
	}
	if f.From > 1 || f.Times > 0 {
		fmt.Fprintf(&b, " calls %d..", max(f.From, 1))
		if f.Times > 0 {
			fmt.Fprintf(&b, "%d", max(f.From, 1)+f.Times-1)
		}
	}
	switch {
	case f.Code != "":
		b.WriteString(": " + f.Code)
	case f.Hang:
		b.WriteString(": hang")
	default:
		b.WriteString(": delay " + f.Delay.String())
	}
	return b.String()
}

// FaultState is a fault with its counters.
type FaultState struct {
	Fault
	// Matched counts the calls the fault's selector matched; Fired those it
	// fired on.
	Matched, Fired int
}

// compiled is a fault ready for matching.
type compiled struct {
	Fault
	pats    [4]pattern
	matched int
	fired   int
}

// pattern is a path.Match pattern with fast paths for "any" and literals.
type pattern struct {
	s       string
	any     bool
	literal bool
}

func compilePattern(s string) pattern {
	if s == "" || s == "*" {
		return pattern{any: true}
	}
	return pattern{s: s, literal: !strings.ContainsAny(s, `*?[\`)}
}

func (p pattern) match(v string) bool {
	switch {
	case p.any:
		return true
	case p.literal:
		return p.s == v
	}
	ok, _ := path.Match(p.s, v)
	return ok
}

func compile(f Fault) *compiled {
	return &compiled{Fault: f, pats: [4]pattern{
		compilePattern(f.Cloud), compilePattern(f.Region), compilePattern(f.Zone), compilePattern(f.InstanceType),
	}}
}

// site is what a call is matched on.
type site struct {
	op                         Op
	cloud, region, zone, itype string
	spot                       bool
	anyMarket                  bool // list and credential calls have no market
}

func (c *compiled) selects(s *site) bool {
	return c.Op == s.op &&
		c.pats[0].match(s.cloud) && c.pats[1].match(s.region) &&
		c.pats[2].match(s.zone) && c.pats[3].match(s.itype) &&
		(s.anyMarket || c.Market.matches(s.spot))
}

// inWindow reports whether the n-th matching call (1-based) is in the window.
func (c *compiled) inWindow(n int) bool {
	from := max(c.From, 1)
	return n >= from && (c.Times == 0 || n < from+c.Times)
}

// outcome is what the faults decided for a call.
type outcome struct {
	delay time.Duration
	fault *compiled // the deciding fault (Code or Hang), nil for none
	index int       // its index, -1 for none
}
