package skyhop

import (
	"context"
	"errors"
	"fmt"

	"github.com/skyhop/skyhop/catalog"
	"github.com/skyhop/skyhop/drivers"
	"github.com/skyhop/skyhop/failover"
	"github.com/skyhop/skyhop/optimizer"
	"github.com/skyhop/skyhop/resources"
)

// Option configures Launch.
type Option func(*config)

type config struct {
	catalog  *catalog.Catalog
	rank     []optimizer.Option
	provide  []failover.Option
	store    failover.Store
	planSink func(*optimizer.Plan)
}

// WithCatalog ranks against cat instead of catalog.Default().
func WithCatalog(cat *catalog.Catalog) Option { return func(c *config) { c.catalog = cat } }

// WithRankOptions passes options to optimizer.Rank (price caps, enabled
// clouds, limits).
func WithRankOptions(opts ...optimizer.Option) Option {
	return func(c *config) { c.rank = append(c.rank, opts...) }
}

// WithProvisionOptions passes options to failover.Provision (events,
// parallel probing, retry-until-up, cluster name, ...).
func WithProvisionOptions(opts ...failover.Option) Option {
	return func(c *config) { c.provide = append(c.provide, opts...) }
}

// WithStore shares an availability store between launches: what one launch
// learns (a stockout, a quota) hides those placements from the next one's
// plan and walk. By default each Launch has its own.
func WithStore(s failover.Store) Option { return func(c *config) { c.store = s } }

// WithPlan calls fn with the ranked plan before anything is launched: to
// show it, log it or check its price.
func WithPlan(fn func(*optimizer.Plan)) Option { return func(c *config) { c.planSink = fn } }

// Launch is the whole pipeline in one call: it parses a task YAML (SkyPilot's
// resources: grammar), ranks every fitting offering of the catalog, and
// provisions the best one with ds, failing over as the providers answer. It
// returns the running cluster and every attempt, or an error: a
// resources.ErrorList/*resources.Error for a task that does not parse, an
// *optimizer.NoCandidatesError when nothing in the catalog fits, a
// *failover.ExhaustedError when nothing could be had, a *failover.LeakError
// when a rollback failed.
//
// Only clouds with a driver in ds are ranked.
func Launch(ctx context.Context, task []byte, ds []drivers.Driver, opts ...Option) (*failover.Result, error) {
	cfg := config{}
	for _, o := range opts {
		if o != nil {
			o(&cfg)
		}
	}
	if len(ds) == 0 {
		return nil, errors.New("skyhop: no drivers; pass at least one (drivers/fake for tests)")
	}
	spec, err := resources.Parse(task)
	if err != nil {
		return nil, err
	}
	cat := cfg.catalog
	if cat == nil {
		cat = catalog.Default()
	}
	clouds := make([]string, 0, len(ds))
	for _, d := range ds {
		clouds = append(clouds, d.Cloud())
	}
	store := cfg.store
	if store == nil {
		store = failover.NewMemoryStore(nil)
	}
	rank := append([]optimizer.Option{optimizer.WithClouds(clouds...), optimizer.WithExclude(failover.Excluder(store, nil))}, cfg.rank...)
	plan, err := optimizer.Rank(spec, cat, rank...)
	if err != nil {
		return nil, fmt.Errorf("skyhop: %w", err)
	}
	if cfg.planSink != nil {
		cfg.planSink(plan)
	}
	provide := append([]failover.Option{failover.WithStore(store)}, cfg.provide...)
	return failover.Provision(ctx, plan, ds, provide...)
}
