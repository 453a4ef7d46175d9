package failover

import (
	"log/slog"
	"maps"
	"time"

	"github.com/skyhop/skyhop/drivers"
	"github.com/skyhop/skyhop/internal/clock"
)

// The defaults, in one place.
const (
	// DefaultCapacityTTL is how long a capacity failure (stockout) blocks
	// its offering in the store.
	DefaultCapacityTTL = 10 * time.Minute
	// DefaultQuotaTTL is how long a quota failure blocks its instance type
	// and market in the region (or cloud).
	DefaultQuotaTTL = time.Hour
	// DefaultUnsupportedTTL is how long an "not offered here" failure
	// blocks its offering.
	DefaultUnsupportedTTL = 24 * time.Hour

	// DefaultMaxTries is how many times one candidate is launched when it
	// keeps failing with throttle or transient errors.
	DefaultMaxTries = 3
	// DefaultRetryBase and DefaultRetryMax shape the in-place backoff:
	// RetryBase × 2^(try-1), at most RetryMax, ±40 % jitter.
	DefaultRetryBase = time.Second
	DefaultRetryMax  = 30 * time.Second

	// DefaultAttemptTimeout bounds one Launch call.
	DefaultAttemptTimeout = 10 * time.Minute

	// DefaultRoundWait and DefaultRoundJitter are the constant wait between
	// retry-until-up rounds and its relative jitter (30 s ± 40 %).
	DefaultRoundWait   = 30 * time.Second
	DefaultRoundJitter = 0.4

	// DefaultTeardownTries and DefaultTeardownBackoff govern rollback:
	// terminate, verify, and on failure wait Backoff × 2^(try-1) and try
	// again, TeardownTries times in all.
	DefaultTeardownTries   = 3
	DefaultTeardownBackoff = 2 * time.Second
	// DefaultCleanupTimeout bounds the whole clean-up of one cluster
	// (terminations run on a fresh context that the caller's cancellation
	// does not end).
	DefaultCleanupTimeout = 5 * time.Minute
	// DefaultPreflightTimeout bounds one driver's credential check.
	DefaultPreflightTimeout = 30 * time.Second
	// DefaultCloudConcurrency caps the attempts in flight on one cloud when
	// probing in parallel.
	DefaultCloudConcurrency = 4
)

// Option configures Provision.
type Option func(*config)

type config struct {
	store Store
	clk   clock.Clock
	ttl   [8]time.Duration

	maxTries  int
	retryBase time.Duration
	retryMax  time.Duration

	attemptTimeout   time.Duration
	cleanupTimeout   time.Duration
	preflightTimeout time.Duration
	teardownTries    int
	teardownBackoff  time.Duration
	preflight        bool

	untilUp     bool
	maxRounds   int
	maxDuration time.Duration
	roundWait   time.Duration
	roundJitter float64

	parallel int
	cloudCap int

	provisionID string
	clusterName string
	labels      map[string]string

	seed    uint64
	seedSet bool

	events func(Event)
	log    *slog.Logger
}

func newConfig(opts []Option) config {
	c := config{
		maxTries:         DefaultMaxTries,
		retryBase:        DefaultRetryBase,
		retryMax:         DefaultRetryMax,
		attemptTimeout:   DefaultAttemptTimeout,
		cleanupTimeout:   DefaultCleanupTimeout,
		preflightTimeout: DefaultPreflightTimeout,
		teardownTries:    DefaultTeardownTries,
		teardownBackoff:  DefaultTeardownBackoff,
		preflight:        true,
		roundWait:        DefaultRoundWait,
		roundJitter:      DefaultRoundJitter,
		parallel:         1,
		cloudCap:         DefaultCloudConcurrency,
	}
	c.ttl[drivers.ClassCapacity] = DefaultCapacityTTL
	c.ttl[drivers.ClassQuota] = DefaultQuotaTTL
	c.ttl[drivers.ClassUnsupported] = DefaultUnsupportedTTL
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	c.clk = clock.Or(c.clk)
	return c
}

// WithStore makes Provision read and write blocks in s, typically a
// *MemoryStore shared by every call of the process. Without it each call
// starts from an empty store of its own.
func WithStore(s Store) Option { return func(c *config) { c.store = s } }

// WithClock sets the clock for timestamps, backoff and waits (clock.Real by
// default). Give a *MemoryStore the same clock.
func WithClock(clk clock.Clock) Option { return func(c *config) { c.clk = clk } }

// WithTTL sets how long a failure of class cl blocks what it covers in the
// store. The defaults are DefaultCapacityTTL, DefaultQuotaTTL and
// DefaultUnsupportedTTL; permission, invalid and unknown failures default to
// 0. A TTL of 0 keeps the block out of the store: permission and invalid
// blocks then last for the call, the others for the current round. Throttle
// and transient failures block nothing until their tries are spent; then
// they count as unknown.
func WithTTL(cl drivers.Class, d time.Duration) Option {
	return func(c *config) {
		if int(cl) >= 0 && int(cl) < len(c.ttl) && d >= 0 {
			c.ttl[cl] = d
		}
	}
}

// WithMaxTries sets how many times one candidate is launched while it fails
// with throttle or transient errors (default 3; 1 disables retries in place).
func WithMaxTries(n int) Option {
	return func(c *config) {
		if n >= 1 {
			c.maxTries = n
		}
	}
}

// WithRetryBackoff shapes the wait between tries of one candidate: base ×
// 2^(try-1), capped at max, with ±40 % jitter.
func WithRetryBackoff(base, max time.Duration) Option {
	return func(c *config) {
		if base >= 0 {
			c.retryBase = base
		}
		if max >= base {
			c.retryMax = max
		}
	}
}

// WithAttemptTimeout bounds each Launch call (default 10 min). An attempt
// that times out counts as unknown: the engine moves on.
func WithAttemptTimeout(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.attemptTimeout = d
		}
	}
}

// WithCleanupTimeout bounds the termination of one cluster, retries and
// verification included (default 5 min). Clean-up runs on a context the
// caller's cancellation does not end.
func WithCleanupTimeout(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.cleanupTimeout = d
		}
	}
}

// WithTeardown sets how many times a rollback terminates and verifies before
// giving up (default 3) and the first wait between tries (default 2 s,
// doubling).
func WithTeardown(tries int, backoff time.Duration) Option {
	return func(c *config) {
		if tries >= 1 {
			c.teardownTries = tries
		}
		if backoff >= 0 {
			c.teardownBackoff = backoff
		}
	}
}

// WithPreflight turns the credential check of drivers implementing
// drivers.CredentialChecker on or off (on by default).
func WithPreflight(on bool) Option { return func(c *config) { c.preflight = on } }

// WithPreflightTimeout bounds each driver's credential check (default 30 s).
func WithPreflightTimeout(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.preflightTimeout = d
		}
	}
}

// WithRetryUntilUp makes Provision walk the plan again, round after round,
// until a cluster is up. maxRounds bounds the number of rounds and
// maxDuration the time since Provision started (no attempt starts after it;
// one in flight finishes, so Provision may return up to one attempt
// timeout later); 0 leaves that bound off
// (with both off, only the context ends the search). Between rounds it
// waits WithRoundWait. Capacity blocks from earlier rounds do not hide a
// candidate in a later round; permission, invalid, quota and unsupported
// blocks stay. When every candidate is blocked for the rest of the call
// (permission, invalid, missing driver) it stops without waiting.
func WithRetryUntilUp(maxRounds int, maxDuration time.Duration) Option {
	return func(c *config) {
		c.untilUp = true
		c.maxRounds = max(maxRounds, 0)
		c.maxDuration = max(maxDuration, 0)
	}
}

// WithRoundWait sets the wait between retry-until-up rounds: constant d
// (default 30 s) with relative jitter j in [0, 1] (default 0.4: ±40 %).
func WithRoundWait(d time.Duration, j float64) Option {
	return func(c *config) {
		if d >= 0 {
			c.roundWait = d
		}
		if j >= 0 && j <= 1 {
			c.roundJitter = j
		}
	}
}

// WithParallel keeps up to k attempts in flight (default 1: sequential).
// Attempts start in plan order; a success is accepted only once every
// earlier candidate has failed or been skipped, and every success not
// accepted is terminated (verified). The placement is the one sequential
// search would choose when each offering's faults do not depend on how many
// calls came before; it is found no later (terminating successes that were
// not chosen comes on top, before Provision returns).
func WithParallel(k int) Option {
	return func(c *config) {
		if k >= 1 {
			c.parallel = k
		}
	}
}

// WithCloudConcurrency caps the attempts in flight on one cloud when probing
// in parallel (default 4), to spare its rate limits.
func WithCloudConcurrency(n int) Option {
	return func(c *config) {
		if n >= 1 {
			c.cloudCap = n
		}
	}
}

// WithProvisionID sets the ID that idempotency tokens are built from
// ("<id>-r<round>-c<candidate>-t<try>"). By default it is random, or derived
// from the seed (WithSeed).
func WithProvisionID(id string) Option { return func(c *config) { c.provisionID = id } }

// WithClusterName names the cluster; every instance is tagged with it. By
// default it is "skyhop-" followed by the first 8 characters of the
// provision ID. Concurrent Provision calls need distinct names: the engine
// finds what a failed launch left behind by this tag.
func WithClusterName(name string) Option { return func(c *config) { c.clusterName = name } }

// WithLabels adds labels to every instance (the plan entry's own labels win
// on conflicts).
func WithLabels(l map[string]string) Option {
	return func(c *config) { c.labels = maps.Clone(l) }
}

// WithSeed makes jitter and the default provision ID deterministic.
func WithSeed(seed uint64) Option {
	return func(c *config) { c.seed, c.seedSet = seed, true }
}

// WithEvents calls fn for every step (see Event). Calls are serialised (fn
// never runs twice at once) and made synchronously from the engine, so fn
// should return quickly.
func WithEvents(fn func(Event)) Option { return func(c *config) { c.events = fn } }

// WithLogger logs every event to l (debug for progress, info for outcomes,
// warn for rollbacks that fail). The library never prints otherwise.
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.log = l } }
