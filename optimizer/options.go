package optimizer

import (
	"strings"
)

// Option configures Rank.
type Option func(*config)

type config struct {
	clouds   []string // enabled clouds, lower case; nil = every cloud of the catalog
	maxPrice float64  // cap on a candidate's total hourly cost; 0 = none
	exclude  ExcludeFunc
	limit    int
	hours    float64
}

// ExcludeFunc decides whether a candidate is hidden from the plan, and why
// ("blocked until 12:40: capacity (ZONE_RESOURCE_POOL_EXHAUSTED)"). The
// failover availability store plugs in here, so that optimizer needs no
// import of failover. It must be safe to call from the goroutine running
// Rank and must not keep c.
type ExcludeFunc func(c Candidate) (excluded bool, reason string)

// WithClouds enables only these clouds (case-insensitive); the others'
// offerings are left out, and an entry pinned to a disabled cloud is
// rejected. By default every cloud of the catalog is enabled; WithClouds
// with no names enables none. A later WithClouds replaces an earlier one.
func WithClouds(clouds ...string) Option {
	return func(c *config) {
		c.clouds = make([]string, 0, len(clouds))
		for _, cl := range clouds {
			if cl = strings.ToLower(strings.TrimSpace(cl)); cl != "" {
				c.clouds = append(c.clouds, cl)
			}
		}
	}
}

// WithMaxPrice leaves out candidates whose total hourly cost (all nodes, in
// their market) is above usd. Zero or negative means no cap. The task's own
// max_hourly_cost, per node, applies as well.
func WithMaxPrice(usd float64) Option { return func(c *config) { c.maxPrice = usd } }

// WithExclude installs a hook that hides candidates (typically those the
// failover availability store knows to be unavailable); each hidden
// candidate is counted in the plan's rejections under its reason.
func WithExclude(f ExcludeFunc) Option { return func(c *config) { c.exclude = f } }

// WithLimit keeps at most n candidates, the first n of the search order.
// Zero or negative means no limit.
func WithLimit(n int) Option { return func(c *config) { c.limit = n } }

// WithHours sets the duration, in hours, of cost estimates (default 1).
func WithHours(h float64) Option {
	return func(c *config) {
		if h > 0 {
			c.hours = h
		}
	}
}
