package failover

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/skyhop/skyhop/drivers"
	"github.com/skyhop/skyhop/optimizer"
)

// Attempt is one Launch call.
type Attempt struct {
	// Index is the candidate's position in the plan; Candidate is a copy of
	// it.
	Index     int
	Candidate optimizer.Candidate
	// Round is the retry-until-up round (from 1); Try the launch number of
	// this candidate within the round (from 1; above 1 after throttle or
	// transient failures).
	Round int
	Try   int
	// Token is the idempotency token sent with the request.
	Token string
	// Class, Scope, Code and Message describe the failure (Scope is the
	// effective scope); all zero for a success.
	Class   drivers.Class
	Scope   drivers.Scope
	Code    string
	Message string
	// Err is the raw error Launch returned (nil on success); errors.As
	// reaches the driver's *drivers.Error and the SDK error beneath.
	Err error
	// Start is when the call began, Duration how long it took.
	Start    time.Time
	Duration time.Duration
	// Instances is how many instances the call created (on failure: the
	// partial cluster that was rolled back).
	Instances int
	// Discarded marks a parallel attempt whose outcome was not used: an
	// earlier candidate won, or a block learned from an earlier candidate
	// hid it. Its cluster, if any, was terminated.
	Discarded bool
}

// Failed reports whether the attempt failed.
func (a *Attempt) Failed() bool { return a.Err != nil }

// Where renders "cloud region/zone instance-type market".
func (a *Attempt) Where() string {
	o := a.Candidate.Offering
	return o.Cloud + " " + o.Location() + " " + o.InstanceType + " " + a.Candidate.Market.String()
}

// Skip records a candidate that was not tried because a block hid it.
type Skip struct {
	Index int
	Round int
	Block Block
}

// PreflightFailure records a cloud dropped before any launch because its
// driver's credential check failed.
type PreflightFailure struct {
	Cloud string
	Err   error
}

// ErrEmptyPlan is returned (wrapped) when the plan has no candidates.
var ErrEmptyPlan = errors.New("failover: the plan has no candidates")

// ErrNoDriver is returned (wrapped) when no driver serves any cloud of the
// plan.
var ErrNoDriver = errors.New("failover: no driver for any cloud of the plan")

// ExhaustedError is returned when nothing could be had: every candidate
// failed or was blocked, the retry-until-up bound was reached, or the
// caller's context ended. errors.As reaches it through any wrapping;
// errors.Is reaches the attempts' errors (errors.Is(err,
// drivers.ErrCapacity)) and the context's error.
type ExhaustedError struct {
	// ProvisionID identifies the call.
	ProvisionID string
	// Attempts are every Launch call, in the order they were decided.
	Attempts []Attempt
	// Skipped are the candidates hidden by blocks, per round.
	Skipped []Skip
	// Preflight lists clouds dropped before any launch.
	Preflight []PreflightFailure
	// Rounds is how many rounds were walked; Candidates the plan's size.
	Rounds     int
	Candidates int
	// Cause is why the search ended early: the context's error, or nil
	// when the plan (or the retry bound) was simply exhausted.
	Cause error
	// Reason is a short human-readable reason the search stopped.
	Reason string
	// UntilUp records whether retry-until-up was on.
	UntilUp bool
}

// Error renders a summary and one line per attempt, as a table.
func (e *ExhaustedError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "failover: no placement could be had: %s (%d attempts over %d of %d candidates, %d round",
		e.Reason, len(e.Attempts), e.triedCandidates(), e.Candidates, e.Rounds)
	if e.Rounds != 1 {
		b.WriteString("s")
	}
	b.WriteString(")")
	for _, p := range e.Preflight {
		fmt.Fprintf(&b, "\n  preflight: %s dropped: %v", p.Cloud, p.Err)
	}
	if len(e.Attempts) > 0 {
		b.WriteString("\n")
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		rounds := e.Rounds > 1
		if rounds {
			fmt.Fprint(tw, "  ROUND\t#\tCLOUD\tREGION\tZONE\tINSTANCE TYPE\tMARKET\tTRY\tCLASS\tCODE\tMESSAGE\n")
		} else {
			fmt.Fprint(tw, "  #\tCLOUD\tREGION\tZONE\tINSTANCE TYPE\tMARKET\tTRY\tCLASS\tCODE\tMESSAGE\n")
		}
		for _, a := range e.Attempts {
			o := a.Candidate.Offering
			class, code, msg := a.Class.String(), a.Code, a.Message
			if a.Err == nil {
				class, msg = "ok", "launched"
			}
			if a.Discarded {
				msg += " (discarded)"
			}
			zone := o.Zone
			if zone == "" {
				zone = "-"
			}
			if code == "" {
				code = "-"
			}
			if rounds {
				fmt.Fprintf(tw, "  %d\t", a.Round)
			} else {
				fmt.Fprint(tw, "  ")
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n", a.Index+1, o.Cloud, o.Region, zone,
				o.InstanceType, a.Candidate.Market, a.Try, class, code, oneLine(msg, 160))
		}
		tw.Flush()
		s := b.String()
		b.Reset()
		b.WriteString(strings.TrimRight(s, "\n"))
	}
	if len(e.Skipped) > 0 {
		b.WriteString("\n  skipped: ")
		b.WriteString(e.skipSummary())
	}
	if hint := e.hint(); hint != "" {
		b.WriteString("\n  to do: ")
		b.WriteString(hint)
	}
	return b.String()
}

func (e *ExhaustedError) triedCandidates() int {
	seen := make(map[int]struct{}, len(e.Attempts))
	for _, a := range e.Attempts {
		seen[a.Index] = struct{}{}
	}
	return len(seen)
}

// skipSummary groups skips by the block's class and what it covers, largest
// groups first, at most 8 groups.
func (e *ExhaustedError) skipSummary() string {
	type group struct {
		what string
		n    int
	}
	counts := map[string]int{}
	var order []string
	for i := range e.Skipped {
		b := &e.Skipped[i].Block
		key := b.Class.String()
		if b.Code != "" {
			key += " (" + b.Code + ")"
		}
		key += " in " + b.Where()
		if _, ok := counts[key]; !ok {
			order = append(order, key)
		}
		counts[key]++
	}
	gs := make([]group, 0, len(order))
	for _, k := range order {
		gs = append(gs, group{k, counts[k]})
	}
	slices.SortStableFunc(gs, func(a, b group) int { return b.n - a.n })
	parts := make([]string, 0, 8)
	for i, g := range gs {
		if i == 8 {
			parts = append(parts, fmt.Sprintf("%d more groups", len(gs)-8))
			break
		}
		parts = append(parts, fmt.Sprintf("%d by %s", g.n, g.what))
	}
	return fmt.Sprintf("%d candidates: %s", len(e.Skipped), strings.Join(parts, "; "))
}

func (e *ExhaustedError) hint() string {
	var classes [8]bool
	for _, a := range e.Attempts {
		if a.Err != nil && int(a.Class) < len(classes) {
			classes[a.Class] = true
		}
	}
	for _, s := range e.Skipped {
		if int(s.Block.Class) < len(classes) {
			classes[s.Block.Class] = true
		}
	}
	var hints []string
	if e.Cause != nil {
		return ""
	}
	if len(e.Preflight) > 0 || classes[drivers.ClassPermission] {
		hints = append(hints, "check the credentials and permissions of the clouds that refused")
	}
	if classes[drivers.ClassInvalid] {
		hints = append(hints, "fix the request the provider rejected as invalid (image, disk, parameters)")
	}
	if classes[drivers.ClassQuota] {
		hints = append(hints, "request a quota increase, or allow other regions or clouds")
	}
	if classes[drivers.ClassCapacity] {
		if e.UntilUp {
			hints = append(hints, "allow more regions, clouds, instance types or the other market, or raise the retry-until-up bound")
		} else {
			hints = append(hints, "allow more regions, clouds or instance types, or retry until capacity appears (failover.WithRetryUntilUp)")
		}
	}
	return strings.Join(hints, "; ")
}

// Unwrap returns the attempts' errors and the cause, for errors.Is and
// errors.As.
func (e *ExhaustedError) Unwrap() []error {
	errs := make([]error, 0, len(e.Attempts)+len(e.Preflight)+1)
	if e.Cause != nil {
		errs = append(errs, e.Cause)
	}
	for i := range e.Attempts {
		if e.Attempts[i].Err != nil {
			errs = append(errs, e.Attempts[i].Err)
		}
	}
	for _, p := range e.Preflight {
		errs = append(errs, p.Err)
	}
	return errs
}

// LeftInstance is an instance that could not be terminated.
type LeftInstance struct {
	Cloud   string
	Region  string
	Zone    string
	Cluster string
	ID      string
	State   string
}

// LeakError is returned when a rollback kept failing: the search stopped and
// the instances named may still be running and billed.
type LeakError struct {
	// Instances are the instances left behind.
	Instances []LeftInstance
	// Errs are the last termination (or verification) error per cluster.
	Errs []error
	// Attempts are every Launch call made before the search stopped.
	Attempts []Attempt
	// Cause is the context's error when the search was canceled, else nil.
	Cause error
}

// Error names every instance left and says what to do.
func (e *LeakError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "failover: could not terminate %d instance", len(e.Instances))
	if len(e.Instances) != 1 {
		b.WriteString("s")
	}
	b.WriteString("; they may still be running and billed: ")
	for i, in := range e.Instances {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %s", in.Cloud, in.Region)
		if in.Zone != "" {
			b.WriteString("/" + in.Zone)
		}
		fmt.Fprintf(&b, " %s (cluster %s)", in.ID, in.Cluster)
	}
	for _, err := range e.Errs {
		fmt.Fprintf(&b, "; last error: %v", err)
	}
	b.WriteString("; terminate them by hand or sweep the cluster tag")
	return b.String()
}

// Unwrap returns the termination errors and the cause.
func (e *LeakError) Unwrap() []error {
	errs := slices.Clone(e.Errs)
	if e.Cause != nil {
		errs = append(errs, e.Cause)
	}
	return errs
}

func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		s = s[:n-1] + "…"
	}
	return s
}
