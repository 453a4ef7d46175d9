package failover

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/skyhop/skyhop/drivers"
	"github.com/skyhop/skyhop/optimizer"
)

// EventKind says what happened.
type EventKind int

// The kinds of event.
const (
	// EventPreflightFailed: a driver's credential check failed; its cloud
	// is dropped for the call (Cloud, Err, Block).
	EventPreflightFailed EventKind = iota + 1
	// EventAttemptStarted: a Launch call begins (Index, Candidate, Round,
	// Try, Token).
	EventAttemptStarted
	// EventAttemptFailed: a Launch call failed (Class, Code, Message, Err,
	// Duration); Retrying says whether the same candidate is tried again.
	EventAttemptFailed
	// EventSkipped: a candidate was not tried because Block hides it.
	EventSkipped
	// EventRollback: a cluster was terminated and the termination verified
	// (Cluster, Reason says why: partial launch, not chosen, canceled).
	EventRollback
	// EventRollbackFailed: terminating a cluster failed (Cluster, Err,
	// Try); after the last try the search stops with a *LeakError.
	EventRollbackFailed
	// EventRoundWait: a retry-until-up round found nothing; the engine
	// waits Wait before round Round+1.
	EventRoundWait
	// EventLaunched: a cluster is up and accepted (Cluster, Candidate,
	// Duration of the attempt).
	EventLaunched
)

var eventNames = [...]string{
	EventPreflightFailed: "preflight-failed",
	EventAttemptStarted:  "attempt-started",
	EventAttemptFailed:   "attempt-failed",
	EventSkipped:         "skipped",
	EventRollback:        "rollback",
	EventRollbackFailed:  "rollback-failed",
	EventRoundWait:       "round-wait",
	EventLaunched:        "launched",
}

// String returns the kind's name ("attempt-failed", ...).
func (k EventKind) String() string {
	if k > 0 && int(k) < len(eventNames) {
		return eventNames[k]
	}
	return fmt.Sprintf("EventKind(%d)", int(k))
}

// MarshalText encodes the kind as its name.
func (k EventKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// Event is one step of a Provision call. Fields that do not apply to the
// kind are zero.
type Event struct {
	Kind EventKind
	// Time is when the event happened (the engine's clock).
	Time time.Time
	// ProvisionID identifies the Provision call.
	ProvisionID string
	// Round is the retry-until-up round, from 1.
	Round int
	// Index is the candidate's position in the plan, -1 when the event
	// concerns no candidate.
	Index int
	// Candidate points into the plan; nil when the event concerns no
	// candidate. Do not modify it.
	Candidate *optimizer.Candidate
	// Cloud is the cloud concerned.
	Cloud string
	// Try is the launch number of this candidate in this round (from 1),
	// or the teardown try for rollback events.
	Try int
	// Token is the attempt's idempotency token.
	Token string
	// Class, Code and Message describe a failure.
	Class   drivers.Class
	Code    string
	Message string
	// Err is the failure itself.
	Err error
	// Retrying is set on EventAttemptFailed when the candidate is tried
	// again in place after Wait.
	Retrying bool
	// Duration is how long the attempt took.
	Duration time.Duration
	// Wait is the backoff before the next try or round.
	Wait time.Duration
	// Block is the block that hid a skipped candidate, or the one a
	// preflight failure created.
	Block *Block
	// Cluster is the cluster launched or rolled back.
	Cluster *drivers.Cluster
	// Reason says why a rollback happened.
	Reason string
}

// String renders the event on one line for logs.
func (e Event) String() string {
	where := ""
	if e.Candidate != nil {
		o := e.Candidate.Offering
		where = fmt.Sprintf("%s %s %s %s", o.Cloud, o.Location(), o.InstanceType, e.Candidate.Market)
	} else if e.Cloud != "" {
		where = e.Cloud
	}
	switch e.Kind {
	case EventPreflightFailed:
		return fmt.Sprintf("preflight failed: %s: %v", e.Cloud, e.Err)
	case EventAttemptStarted:
		return fmt.Sprintf("round %d: trying #%d %s (try %d)", e.Round, e.Index+1, where, e.Try)
	case EventAttemptFailed:
		s := fmt.Sprintf("round %d: #%d %s failed after %s: %s", e.Round, e.Index+1, where, e.Duration, e.Class)
		if e.Code != "" {
			s += " (" + e.Code + ")"
		}
		if e.Message != "" {
			s += ": " + e.Message
		}
		if e.Retrying {
			s += fmt.Sprintf("; retrying in %s", e.Wait)
		}
		return s
	case EventSkipped:
		return fmt.Sprintf("round %d: skipping #%d %s: blocked by %s", e.Round, e.Index+1, where, e.Block)
	case EventRollback:
		return fmt.Sprintf("rolled back cluster %s (%d instances) in %s: %s", clusterName(e.Cluster), clusterSize(e.Cluster), where, e.Reason)
	case EventRollbackFailed:
		return fmt.Sprintf("terminating cluster %s in %s failed (try %d): %v", clusterName(e.Cluster), where, e.Try, e.Err)
	case EventRoundWait:
		return fmt.Sprintf("round %d found nothing; waiting %s before round %d", e.Round, e.Wait, e.Round+1)
	case EventLaunched:
		return fmt.Sprintf("round %d: launched #%d %s: cluster %s (%d instances) in %s", e.Round, e.Index+1, where, clusterName(e.Cluster), clusterSize(e.Cluster), e.Duration)
	}
	return e.Kind.String()
}

func clusterName(c *drivers.Cluster) string {
	if c == nil {
		return "?"
	}
	return c.Name
}

func clusterSize(c *drivers.Cluster) int {
	if c == nil {
		return 0
	}
	return len(c.Instances)
}

func (k EventKind) level() slog.Level {
	switch k {
	case EventAttemptStarted, EventSkipped:
		return slog.LevelDebug
	case EventRollbackFailed, EventPreflightFailed:
		return slog.LevelWarn
	}
	return slog.LevelInfo
}

// logEvent writes e to l as one record with structured attributes.
func logEvent(ctx context.Context, l *slog.Logger, e *Event) {
	lvl := e.Kind.level()
	if !l.Enabled(ctx, lvl) {
		return
	}
	attrs := make([]slog.Attr, 0, 8)
	attrs = append(attrs, slog.String("event", e.Kind.String()), slog.String("provision", e.ProvisionID))
	if e.Round > 0 {
		attrs = append(attrs, slog.Int("round", e.Round))
	}
	if e.Candidate != nil {
		o := e.Candidate.Offering
		attrs = append(attrs, slog.Int("candidate", e.Index), slog.String("cloud", o.Cloud),
			slog.String("region", o.Region), slog.String("zone", o.Zone),
			slog.String("instance_type", o.InstanceType), slog.String("market", e.Candidate.Market.String()))
	} else if e.Cloud != "" {
		attrs = append(attrs, slog.String("cloud", e.Cloud))
	}
	if e.Kind == EventAttemptFailed || e.Kind == EventPreflightFailed {
		attrs = append(attrs, slog.String("class", e.Class.String()), slog.String("code", e.Code))
	}
	if e.Duration > 0 {
		attrs = append(attrs, slog.Duration("duration", e.Duration))
	}
	if e.Wait > 0 {
		attrs = append(attrs, slog.Duration("wait", e.Wait))
	}
	l.LogAttrs(ctx, lvl, e.String(), attrs...)
}
