package failover

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/skyhop/skyhop/drivers"
	"github.com/skyhop/skyhop/optimizer"
)

// Result is a running cluster and how it was had.
type Result struct {
	// Cluster is the running cluster: exactly the requested number of
	// instances, tagged with the cluster name.
	Cluster *drivers.Cluster
	// Candidate is the placement it came from, Index its position in the
	// plan.
	Candidate optimizer.Candidate
	Index     int
	// ProvisionID identifies the call; ClusterName is the cluster's name.
	ProvisionID string
	ClusterName string
	// Attempts are every Launch call, the successful one last among those
	// that were not discarded.
	Attempts []Attempt
	// Skipped are the candidates hidden by blocks, per round.
	Skipped []Skip
	// Preflight lists clouds dropped before any launch.
	Preflight []PreflightFailure
	// Rounds is how many rounds were walked (1 without retry-until-up).
	Rounds int
	// RolledBack are the clusters created and then terminated (partial
	// launches, parallel successes not chosen), each termination verified.
	RolledBack []*drivers.Cluster
	// Elapsed is the time from the call to the result.
	Elapsed time.Duration
}

// Provision walks the plan in order and launches the first candidate it
// can, failing over as each failure's class says (see the package doc), and
// returns the running cluster with every attempt.
//
// ds holds one driver per cloud (keyed by Driver.Cloud); candidates on a
// cloud without a driver are skipped. When nothing could be had Provision
// returns an *ExhaustedError listing every attempt; when a rollback keeps
// failing it stops and returns a *LeakError naming every instance left.
// Cancelling ctx stops the search; whatever was created is terminated on a
// fresh, bounded context before Provision returns.
func Provision(ctx context.Context, plan *optimizer.Plan, ds []drivers.Driver, opts ...Option) (*Result, error) {
	if plan == nil || len(plan.Candidates) == 0 {
		msg := "relax the resources, or read plan.Rejected for why every offering was left out"
		if plan != nil && len(plan.Rejected) > 0 {
			reasons := make([]string, 0, 3)
			for i, r := range plan.Rejected {
				if i == 3 {
					reasons = append(reasons, fmt.Sprintf("and %d more", len(plan.Rejected)-3))
					break
				}
				reasons = append(reasons, r.Message)
			}
			msg = strings.Join(reasons, "; ")
		}
		return nil, fmt.Errorf("%w: %s", ErrEmptyPlan, msg)
	}
	e, err := newEngine(plan, ds, opts)
	if err != nil {
		return nil, err
	}
	return e.provision(ctx)
}

// dest is where a block is kept.
type dest uint8

const (
	destRound dest = iota // until the round ends
	destCall              // until the call ends
	destStore             // in the store, with a TTL (and the call, for hard classes)
)

// failure is the last failure of a candidate in a round.
type failure struct {
	block Block
	dest  dest
}

// outcome is what one candidate's task produced in one round.
type outcome struct {
	pos      int
	attempts []Attempt
	cluster  *drivers.Cluster // success
	fail     failure          // the failure, when failed is set
	failed   bool             // failed and not canceled
	rolled   []*drivers.Cluster
	leak     *leak
	canceled bool
	buf      [1]Attempt // backs attempts for the common single try
}

type leak struct {
	left []LeftInstance
	err  error
}

type posState uint8

const (
	idle posState = iota
	running
	done
)

type position struct {
	state     posState
	checked   bool // the frontier reached it and decided
	committed bool // its outcome was used
	discarded bool
	out       *outcome
	cancel    context.CancelFunc
}

type entryReq struct {
	disk   int
	labels map[string]string
	res    int // index into plan.Entries, -1 when none
}

type engine struct {
	cfg     config
	plan    *optimizer.Plan
	drv     map[string]drivers.Driver
	id      string
	cluster string
	seed    uint64
	start   time.Time
	store   Store
	obs     bool

	callBlocks  blockSet
	roundBlocks blockSet
	entries     []entryReq

	evMu sync.Mutex

	// Accumulated on the coordinating goroutine, except where noted.
	attempts  []Attempt
	skipped   []Skip
	preflight []PreflightFailure

	mu     sync.Mutex // guards rolled, leaks and suspects (clean-up goroutines write them)
	rolled []*drivers.Cluster
	leaks  []*leak
	// suspects are the regions where a launch failed in a way that may
	// have created instances it did not return (see sweep), with the
	// position of the first such candidate.
	suspects map[suspectKey]int

	cleanups sync.WaitGroup

	// deadline is when retry-until-up's duration bound ends (zero: no
	// bound); outOfTime is set when a round stopped at it.
	deadline  time.Time
	outOfTime bool

	ps      []position
	results chan *outcome
	scratch outcome // the sequential search's outcome
}

func newEngine(plan *optimizer.Plan, ds []drivers.Driver, opts []Option) (*engine, error) {
	cfg := newConfig(opts)
	e := &engine{cfg: cfg, plan: plan, drv: make(map[string]drivers.Driver, len(ds))}
	for _, d := range ds {
		if d == nil {
			continue
		}
		name := d.Cloud()
		if _, dup := e.drv[name]; dup {
			return nil, fmt.Errorf("failover: two drivers for cloud %q; pass one driver per cloud", name)
		}
		e.drv[name] = d
	}
	served := false
	for i := range plan.Candidates {
		if _, ok := e.drv[plan.Candidates[i].Offering.Cloud]; ok {
			served = true
			break
		}
	}
	if !served {
		return nil, fmt.Errorf("%w: the plan needs %s, the drivers serve %s; pass a driver for one of the plan's clouds",
			ErrNoDriver, strings.Join(planClouds(plan), ", "), strings.Join(slices.Sorted(maps.Keys(e.drv)), ", "))
	}
	e.seed = cfg.seed
	if !cfg.seedSet {
		e.seed = rand.Uint64()
	}
	e.id = cfg.provisionID
	if e.id == "" {
		e.id = fmt.Sprintf("%016x", mix(e.seed^0x5eed))
	}
	e.cluster = cfg.clusterName
	if e.cluster == "" {
		e.cluster = "skyhop-" + e.id[:min(8, len(e.id))]
	}
	e.store = cfg.store
	if e.store == nil {
		e.store = NewMemoryStore(cfg.clk)
	}
	e.obs = cfg.events != nil || cfg.log != nil
	e.entries = make([]entryReq, len(plan.Entries))
	for i := range plan.Entries {
		r := &plan.Entries[i]
		l := cfg.labels
		if len(r.Labels) > 0 {
			l = maps.Clone(cfg.labels)
			if l == nil {
				l = make(map[string]string, len(r.Labels))
			}
			maps.Copy(l, r.Labels)
		}
		e.entries[i] = entryReq{disk: r.DiskSize(), labels: l, res: i}
	}
	return e, nil
}

func planClouds(p *optimizer.Plan) []string {
	var cs []string
	for i := range p.Candidates {
		if c := p.Candidates[i].Offering.Cloud; !slices.Contains(cs, c) {
			cs = append(cs, c)
		}
	}
	return cs
}

func (e *engine) now() time.Time { return e.cfg.clk.Now() }

func (e *engine) provision(ctx context.Context) (*Result, error) {
	e.start = e.now()
	if e.cfg.untilUp && e.cfg.maxDuration > 0 {
		e.deadline = e.start.Add(e.cfg.maxDuration)
	}
	e.attempts = make([]Attempt, 0, min(len(e.plan.Candidates), 16))
	e.preflightChecks(ctx)
	e.ps = make([]position, len(e.plan.Candidates))
	if e.cfg.parallel > 1 {
		e.results = make(chan *outcome, e.cfg.parallel)
	}
	for round := 1; ; round++ {
		var capSince time.Time
		if round > 1 {
			capSince = e.now()
			e.roundBlocks.reset()
			clear(e.ps)
		}
		win, stop := e.walk(ctx, round, capSince)
		e.cleanups.Wait()
		e.sweep(ctx, win)
		if lerr := e.leakError(ctx); lerr != nil {
			if win != nil {
				// Stay all-or-nothing: a leak elsewhere stops the call, so
				// the winner is not handed out either.
				if l := e.terminate(ctx, win.cluster, win.pos, "stopping after a leak"); l != nil {
					e.addLeak(l)
				}
				lerr = e.leakError(ctx)
			}
			return nil, lerr
		}
		if stop != nil {
			return nil, stop
		}
		if win != nil {
			if ctx.Err() != nil {
				if l := e.terminate(ctx, win.cluster, win.pos, "canceled"); l != nil {
					e.addLeak(l)
					return nil, e.leakError(ctx)
				}
				return nil, e.exhausted(round, ctx.Err(), "canceled")
			}
			return e.result(win, round), nil
		}
		switch {
		case e.outOfTime:
			return nil, e.exhausted(round, nil, fmt.Sprintf("retry-until-up reached its %s bound", e.cfg.maxDuration))
		case !e.cfg.untilUp:
			return nil, e.exhausted(round, nil, "every candidate failed or was blocked")
		case e.allHard():
			return nil, e.exhausted(round, nil, "every candidate is blocked for the rest of the call (permission, invalid request or no driver)")
		case e.cfg.maxRounds > 0 && round >= e.cfg.maxRounds:
			return nil, e.exhausted(round, nil, fmt.Sprintf("retry-until-up stopped after %d rounds", round))
		}
		wait := jitter(e.cfg.roundWait, e.cfg.roundJitter, e.unit(2, uint64(round), 0))
		if e.cfg.maxDuration > 0 && e.now().Add(wait).Sub(e.start) > e.cfg.maxDuration {
			return nil, e.exhausted(round, nil, fmt.Sprintf("retry-until-up reached its %s bound", e.cfg.maxDuration))
		}
		if e.obs {
			e.emit(ctx, Event{Kind: EventRoundWait, Round: round, Index: -1, Wait: wait})
		}
		if err := e.cfg.clk.Sleep(ctx, wait); err != nil {
			return nil, e.exhausted(round, ctx.Err(), "canceled")
		}
	}
}

func (e *engine) result(win *outcome, round int) *Result {
	c := &e.plan.Candidates[win.pos]
	var d time.Duration
	if n := len(win.attempts); n > 0 {
		d = win.attempts[n-1].Duration
	}
	if e.obs {
		e.emit(context.Background(), Event{Kind: EventLaunched, Round: round, Index: win.pos, Candidate: c,
			Cloud: c.Offering.Cloud, Cluster: win.cluster, Duration: d})
	}
	return &Result{
		Cluster:     win.cluster,
		Candidate:   *c,
		Index:       win.pos,
		ProvisionID: e.id,
		ClusterName: e.cluster,
		Attempts:    e.attempts,
		Skipped:     e.skipped,
		Preflight:   e.preflight,
		Rounds:      round,
		RolledBack:  e.rolled,
		Elapsed:     e.now().Sub(e.start),
	}
}

func (e *engine) exhausted(round int, cause error, reason string) *ExhaustedError {
	return &ExhaustedError{
		ProvisionID: e.id,
		Attempts:    e.attempts,
		Skipped:     e.skipped,
		Preflight:   e.preflight,
		Rounds:      round,
		Candidates:  len(e.plan.Candidates),
		Cause:       cause,
		Reason:      reason,
		UntilUp:     e.cfg.untilUp,
	}
}

func (e *engine) addLeak(l *leak) {
	e.mu.Lock()
	e.leaks = append(e.leaks, l)
	e.mu.Unlock()
}

func (e *engine) leakError(ctx context.Context) *LeakError {
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.leaks) == 0 {
		return nil
	}
	le := &LeakError{Attempts: e.attempts, Cause: ctx.Err()}
	for _, l := range e.leaks {
		le.Instances = append(le.Instances, l.left...)
		if l.err != nil {
			le.Errs = append(le.Errs, l.err)
		}
	}
	return le
}

// preflightChecks runs the credential check of every driver the plan needs
// and blocks, for the call, the clouds that fail it or have no driver. The
// checks run concurrently (each is a network round trip on a real cloud);
// their outcomes are applied in the plan's cloud order, so the result does
// not depend on which answers first.
func (e *engine) preflightChecks(ctx context.Context) {
	clouds := planClouds(e.plan)
	errs := make([]error, len(clouds))
	var wg sync.WaitGroup
	for i, cloud := range clouds {
		d, ok := e.drv[cloud]
		if !ok {
			continue
		}
		cc, ok := d.(drivers.CredentialChecker)
		if !ok || !e.cfg.preflight {
			continue
		}
		check := func() {
			pctx, cancel := context.WithTimeout(ctx, e.cfg.preflightTimeout)
			defer cancel()
			errs[i] = cc.CheckCredentials(pctx)
		}
		if len(clouds) == 1 {
			check()
			continue
		}
		wg.Go(check)
	}
	wg.Wait()
	for i, cloud := range clouds {
		if _, ok := e.drv[cloud]; !ok {
			e.callBlocks.add(Block{Cloud: cloud, AllMarkets: true, Class: drivers.ClassInvalid, Scope: drivers.ScopeCloud,
				Code: "NoDriver", Message: "no driver for cloud " + cloud + " was passed to Provision", Since: e.start})
			continue
		}
		err := errs[i]
		if err == nil || ctx.Err() != nil {
			continue
		}
		class, code, msg := drivers.ClassPermission, "Preflight", err.Error()
		var de *drivers.Error
		if errors.As(err, &de) {
			if de.Class != drivers.ClassUnknown {
				class = de.Class
			}
			if de.Code != "" {
				code = de.Code
			}
			if de.Message != "" {
				msg = de.Message
			}
		}
		b := Block{Cloud: cloud, AllMarkets: true, Class: class, Scope: drivers.ScopeCloud, Code: code, Message: msg, Since: e.start}
		e.callBlocks.add(b)
		e.preflight = append(e.preflight, PreflightFailure{Cloud: cloud, Err: err})
		if e.obs {
			e.emit(ctx, Event{Kind: EventPreflightFailed, Index: -1, Cloud: cloud, Class: class, Code: code, Message: msg, Err: err, Block: &b})
		}
	}
}

// blocked reports the block hiding candidate pos, checking the call's and
// the round's blocks and the store.
func (e *engine) blocked(pos int, capSince time.Time) (Block, bool) {
	q := candidateQuery(&e.plan.Candidates[pos], e.now())
	q.CapacitySince = capSince
	if b, ok := e.callBlocks.lookup(&q); ok {
		return b, true
	}
	if b, ok := e.roundBlocks.lookup(&q); ok {
		return b, true
	}
	return e.store.Lookup(q)
}

// walk runs one round: the frontier f moves through the plan in order,
// deciding each candidate exactly as a sequential search would; with
// WithParallel(k) up to k-1 later candidates are launched ahead of it
// (speculatively) and their outcomes used only when the frontier reaches
// them. One slot overall, and one per cloud, is always left for the
// frontier, so it never waits for a speculative attempt.
func (e *engine) walk(ctx context.Context, round int, capSince time.Time) (win *outcome, stop error) {
	n := len(e.plan.Candidates)
	ps := e.ps
	k := e.cfg.parallel
	var runningAll int
	var runningCloud map[string]int
	if k > 1 {
		runningCloud = make(map[string]int)
	}
	cloudOf := func(i int) string { return e.plan.Candidates[i].Offering.Cloud }

	start := func(i int) {
		p := &ps[i]
		if k == 1 {
			// Sequential: one outcome at a time, decided before the next
			// starts, so one scratch outcome serves every candidate.
			e.scratch = outcome{}
			e.runInto(ctx, i, round, &e.scratch)
			p.out = &e.scratch
			p.state = done
			return
		}
		tctx, cancel := context.WithCancel(ctx)
		p.cancel = cancel
		p.state = running
		runningAll++
		runningCloud[cloudOf(i)]++
		go func() { e.results <- e.run(tctx, i, round) }()
	}
	receive := func() {
		out := <-e.results
		p := &ps[out.pos]
		p.cancel()
		p.state = done
		p.out = out
		runningAll--
		runningCloud[cloudOf(out.pos)]--
		if p.discarded {
			e.discard(ctx, out, "not chosen")
		}
	}
	discardPos := func(i int, reason string) {
		p := &ps[i]
		if p.discarded || p.committed {
			return
		}
		p.discarded = true
		switch p.state {
		case running:
			p.cancel()
		case done:
			e.discard(ctx, p.out, reason)
		}
	}
	f, s := 0, 1
loop:
	for {
		// Move the frontier as far as the outcomes allow.
		for f < n {
			p := &ps[f]
			if !p.checked {
				if ctx.Err() != nil {
					break loop
				}
				p.checked = true
				if b, ok := e.blocked(f, capSince); ok {
					e.skip(ctx, f, round, b)
					discardPos(f, "hidden by an earlier failure")
					f++
					continue
				}
				if p.state == idle {
					if e.pastDeadline() {
						e.outOfTime = true
						break loop
					}
					start(f)
				}
			}
			if p.state != done {
				break
			}
			out := p.out
			p.committed = true
			e.commit(out)
			if out.leak != nil || out.canceled {
				break loop
			}
			if out.cluster != nil {
				win = out
				break loop
			}
			f++
		}
		if f >= n || e.hasLeak() {
			break
		}
		if k > 1 {
			e.speculate(f, &s, capSince, runningAll, runningCloud, start)
		}
		if runningAll == 0 {
			break // cannot happen: the frontier is running
		}
		receive()
	}
	// Wind down: everything the frontier did not decide is discarded.
	for i := min(f, n); i < n; i++ {
		if ps[i].state != idle {
			discardPos(i, "not chosen")
		}
	}
	for runningAll > 0 {
		receive()
	}
	if ctx.Err() != nil && win == nil && !e.hasLeak() {
		return nil, e.exhausted(round, ctx.Err(), "canceled")
	}
	return win, nil
}

// pastDeadline reports whether retry-until-up's duration bound has passed:
// then no attempt starts (those in flight finish).
func (e *engine) pastDeadline() bool {
	return !e.deadline.IsZero() && !e.now().Before(e.deadline)
}

// allHard reports whether every candidate is blocked for the rest of the
// call, so that another round could not find anything.
func (e *engine) allHard() bool {
	for i := range e.plan.Candidates {
		q := candidateQuery(&e.plan.Candidates[i], time.Time{})
		if _, ok := e.callBlocks.lookup(&q); !ok {
			return false
		}
	}
	return true
}

// speculate starts later candidates ahead of the frontier f, in plan order,
// from *s on: at most k-1 beside the frontier, at most cap-1 per cloud
// beside the frontier, none hidden by a known or likely block, and none
// past a success that is waiting for the frontier.
func (e *engine) speculate(f int, s *int, capSince time.Time, runningAll int, runningCloud map[string]int, start func(int)) {
	ps := e.ps
	n := len(ps)
	if *s <= f {
		*s = f + 1
	}
	for i := f + 1; i < *s; i++ {
		if ps[i].state == done && !ps[i].discarded && ps[i].out.cluster != nil {
			return
		}
	}
	frontRunning := ps[f].state == running
	frontCloud := e.plan.Candidates[f].Offering.Cloud
	for *s < n {
		spec := runningAll
		if frontRunning {
			spec--
		}
		if spec >= e.cfg.parallel-1 {
			return
		}
		i := *s
		if e.pastDeadline() {
			return
		}
		if ps[i].state != idle || e.hinted(i, f, capSince) {
			*s++
			continue
		}
		c := e.plan.Candidates[i].Offering.Cloud
		specCloud := runningCloud[c]
		if frontRunning && frontCloud == c {
			specCloud--
		}
		if specCloud >= e.cfg.cloudCap-1 {
			return // keep starting in plan order
		}
		start(i)
		runningAll++
		*s++
	}
}

func (e *engine) hasLeak() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.leaks) > 0
}

// hinted reports whether candidate i is likely to be hidden once the
// frontier reaches it: by a block already in force, or by the failure of an
// earlier candidate that finished but is not yet decided.
func (e *engine) hinted(i, f int, capSince time.Time) bool {
	if _, ok := e.blocked(i, capSince); ok {
		return true
	}
	c := &e.plan.Candidates[i]
	o := c.Offering
	for j := f; j < i; j++ {
		p := &e.ps[j]
		if p.state != done || p.discarded || !p.out.failed {
			continue
		}
		if p.out.fail.block.Covers(o.Cloud, o.Region, o.Zone, o.InstanceType, c.Market) {
			return true
		}
	}
	return false
}

func (e *engine) skip(ctx context.Context, pos, round int, b Block) {
	e.skipped = append(e.skipped, Skip{Index: pos, Round: round, Block: b})
	if e.obs {
		c := &e.plan.Candidates[pos]
		e.emit(ctx, Event{Kind: EventSkipped, Round: round, Index: pos, Candidate: c, Cloud: c.Offering.Cloud, Block: &b})
	}
}

// commit records a decided outcome: its attempts, its rollbacks, and the
// block its failure earns.
func (e *engine) commit(out *outcome) {
	e.record(out)
	if !out.failed || out.canceled {
		return
	}
	b := out.fail.block
	now := e.now()
	b.Since = now
	switch out.fail.dest {
	case destStore:
		b.Until = now.Add(e.cfg.ttl[b.Class])
		e.store.Add(b)
		if b.Class == drivers.ClassPermission || b.Class == drivers.ClassInvalid {
			b.Until = time.Time{}
			e.callBlocks.add(b)
		}
	case destCall:
		e.callBlocks.add(b)
	case destRound:
		e.roundBlocks.add(b)
	}
}

// record keeps an outcome's attempts, rollbacks and leak, whether it is
// committed or discarded.
func (e *engine) record(out *outcome) {
	e.attempts = append(e.attempts, out.attempts...)
	e.mu.Lock()
	e.rolled = append(e.rolled, out.rolled...)
	if out.leak != nil {
		e.leaks = append(e.leaks, out.leak)
	}
	e.mu.Unlock()
}

// discard records an outcome that will not be used and terminates its
// cluster, if it made one, in the background.
func (e *engine) discard(ctx context.Context, out *outcome, reason string) {
	for i := range out.attempts {
		out.attempts[i].Discarded = true
	}
	e.record(out)
	if out.cluster == nil {
		return
	}
	cl, pos := out.cluster, out.pos
	e.cleanups.Go(func() {
		if l := e.terminate(ctx, cl, pos, reason); l != nil {
			e.addLeak(l)
			return
		}
		e.mu.Lock()
		e.rolled = append(e.rolled, cl)
		e.mu.Unlock()
	})
}

// request builds the LaunchRequest of candidate pos.
func (e *engine) request(c *optimizer.Candidate, round, pos, try int) drivers.LaunchRequest {
	nodes := c.Nodes
	if nodes <= 0 {
		nodes = max(e.plan.NumNodes, 1)
	}
	req := drivers.LaunchRequest{
		ClusterName:      e.cluster,
		Count:            nodes,
		InstanceType:     c.Offering.InstanceType,
		Region:           c.Offering.Region,
		Zone:             c.Offering.Zone,
		Spot:             c.Spot(),
		Accelerator:      c.Offering.Accelerator,
		AcceleratorCount: c.Offering.AcceleratorCount,
		Labels:           e.cfg.labels,
		Token:            e.token(round, pos, try),
	}
	if c.Entry >= 0 && c.Entry < len(e.entries) {
		en := &e.entries[c.Entry]
		req.DiskSizeGiB = en.disk
		req.Labels = en.labels
		req.Image = e.plan.Entries[en.res].Image(c.Offering.Region)
	}
	return req
}

func (e *engine) token(round, pos, try int) string {
	var buf [64]byte
	b := append(buf[:0], e.id...)
	b = append(b, "-r"...)
	b = strconv.AppendInt(b, int64(round), 10)
	b = append(b, "-c"...)
	b = strconv.AppendInt(b, int64(pos), 10)
	b = append(b, "-t"...)
	b = strconv.AppendInt(b, int64(try), 10)
	return string(b)
}

// run launches candidate pos, retrying throttle and transient failures in
// place, and rolls back any partial cluster. It runs on the coordinating
// goroutine (sequential search) or its own (parallel probing) and touches
// no shared engine state except through emit and terminate.
func (e *engine) run(ctx context.Context, pos, round int) *outcome {
	out := new(outcome)
	e.runInto(ctx, pos, round, out)
	return out
}

func (e *engine) runInto(ctx context.Context, pos, round int, out *outcome) {
	c := &e.plan.Candidates[pos]
	d := e.drv[c.Offering.Cloud]
	out.pos = pos
	out.attempts = out.buf[:0]
	for try := 1; ; try++ {
		if ctx.Err() != nil {
			out.canceled = true
			return
		}
		req := e.request(c, round, pos, try)
		start := e.now()
		if e.obs {
			e.emit(ctx, Event{Kind: EventAttemptStarted, Time: start, Round: round, Index: pos, Candidate: c,
				Cloud: c.Offering.Cloud, Try: try, Token: req.Token})
		}
		actx, cancel := context.WithTimeout(ctx, e.cfg.attemptTimeout)
		cl, err := d.Launch(actx, req)
		timedOut := ctx.Err() == nil && actx.Err() == context.DeadlineExceeded
		cancel()
		end := e.now()
		a := Attempt{Index: pos, Candidate: *c, Round: round, Try: try, Token: req.Token, Err: err,
			Start: start, Duration: end.Sub(start)}
		if cl != nil {
			a.Instances = len(cl.Instances)
		}
		if err == nil {
			var msg string
			switch live := liveInstances(cl); {
			case cl == nil || len(cl.Instances) != req.Count:
				msg = fmt.Sprintf("the driver reported success with %d of %d instances", a.Instances, req.Count)
			case live != req.Count:
				// A replayed idempotency token (a provision ID reused after
				// the cluster was terminated), or instances that died at
				// once: not a running cluster.
				msg = fmt.Sprintf("the driver reported success, but only %d of %d instances are alive; if the provision ID was reused, use a new one", live, req.Count)
			}
			if msg != "" {
				err = &drivers.Error{Class: drivers.ClassUnknown, Code: "IncompleteCluster", Op: "launch",
					Cloud: c.Offering.Cloud, Region: c.Offering.Region, Zone: c.Offering.Zone, Message: msg}
				a.Err = err
			}
		}
		if err == nil {
			out.attempts = append(out.attempts, a)
			out.cluster = cl
			return
		}
		class, scope, code, msg := e.classify(err, timedOut)
		a.Class, a.Scope, a.Code, a.Message = class, scope, code, msg
		out.attempts = append(out.attempts, a)
		if ctx.Err() != nil {
			out.canceled = true
		}
		retry := !out.canceled && class.Retryable() && try < e.cfg.maxTries
		var wait time.Duration
		if retry {
			wait = max(e.retryWait(round, pos, try), retryAfter(err))
		}
		if e.obs {
			e.emit(ctx, Event{Kind: EventAttemptFailed, Time: end, Round: round, Index: pos, Candidate: c,
				Cloud: c.Offering.Cloud, Try: try, Token: req.Token, Class: class, Code: code, Message: msg,
				Err: err, Duration: a.Duration, Retrying: retry, Wait: wait})
		}
		if cl == nil && (class == drivers.ClassUnknown || class == drivers.ClassTransient) {
			e.suspect(pos)
		}
		if cl != nil {
			if l := e.terminate(ctx, cl, pos, "partial launch"); l != nil {
				out.leak = l
				return
			}
			out.rolled = append(out.rolled, cl)
		}
		if out.canceled {
			return
		}
		if retry {
			if e.cfg.clk.Sleep(ctx, wait) != nil {
				out.canceled = true
				return
			}
			continue
		}
		if class.Retryable() {
			class = drivers.ClassUnknown // tries spent
			scope = drivers.ScopeZone
		}
		out.fail, out.failed = e.failureFor(c, class, scope, code, msg), true
		return
	}
}

func (e *engine) classify(err error, timedOut bool) (drivers.Class, drivers.Scope, string, string) {
	if de := asDriverError(err); de != nil {
		msg := de.Message
		if msg == "" {
			msg = err.Error()
		}
		return de.Class, de.EffectiveScope(), de.Code, msg
	}
	if timedOut {
		return drivers.ClassUnknown, drivers.ScopeZone, "AttemptTimeout",
			fmt.Sprintf("no answer within the attempt timeout of %s: %v", e.cfg.attemptTimeout, err)
	}
	return drivers.ClassUnknown, drivers.ScopeZone, "", err.Error()
}

// asDriverError finds the *drivers.Error in err's chain. It follows single
// Unwrap chains itself (no allocation) and falls back to errors.As.
func asDriverError(err error) *drivers.Error {
	for e := err; e != nil; {
		if de, ok := e.(*drivers.Error); ok {
			return de
		}
		u, ok := e.(interface{ Unwrap() error })
		if !ok {
			break
		}
		e = u.Unwrap()
	}
	var de *drivers.Error
	if errors.As(err, &de) {
		return de
	}
	return nil
}

// failureFor turns a class and scope into the block it earns and where the
// block is kept (rule 3 of the failover spec).
func (e *engine) failureFor(c *optimizer.Candidate, class drivers.Class, scope drivers.Scope, code, msg string) failure {
	o := c.Offering
	b := Block{Cloud: o.Cloud, Class: class, Scope: scope, Code: code, Message: msg}
	hard := class == drivers.ClassPermission || class == drivers.ClassInvalid
	if hard {
		b.AllMarkets = true
	} else {
		b.InstanceType = o.InstanceType
		b.Market = c.Market
	}
	switch scope {
	case drivers.ScopeZone, drivers.ScopeDefault:
		b.Region, b.Zone = o.Region, o.Zone
	case drivers.ScopeRegion:
		b.Region = o.Region
	}
	f := failure{block: b, dest: destRound}
	switch {
	case int(class) < len(e.cfg.ttl) && e.cfg.ttl[class] > 0:
		f.dest = destStore
	case hard:
		f.dest = destCall
	}
	return f
}

// terminate rolls back cl: terminate, verify through drivers.ClusterLister
// when the driver has it, and try again with backoff. It runs on a fresh
// context that the caller's cancellation does not end, bounded by the
// clean-up timeout. It returns nil when the cluster is gone, else what was
// left.
func (e *engine) terminate(ctx context.Context, cl *drivers.Cluster, pos int, reason string) *leak {
	c := &e.plan.Candidates[pos]
	d := e.drv[c.Offering.Cloud]
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), e.cfg.cleanupTimeout)
	defer cancel()
	lister, _ := d.(drivers.ClusterLister)
	var lastErr error
	var live []drivers.Instance
	listed := false
	for try := 1; try <= e.cfg.teardownTries; try++ {
		err := d.Terminate(cctx, cl)
		live, listed = nil, false
		if err == nil && lister != nil {
			all, lerr := lister.ListInstances(cctx, cl.Name, cl.Region)
			if lerr != nil {
				err = fmt.Errorf("verifying the termination of cluster %s: %w", cl.Name, lerr)
			} else {
				live, listed = survivors(cl, all), true
				if len(live) > 0 {
					err = fmt.Errorf("%d of %d instances of cluster %s still listed after terminate", len(live), len(cl.Instances), cl.Name)
				}
			}
		}
		if err == nil {
			if e.obs {
				e.emit(ctx, Event{Kind: EventRollback, Index: pos, Candidate: c, Cloud: c.Offering.Cloud, Cluster: cl, Try: try, Reason: reason})
			}
			return nil
		}
		lastErr = err
		if e.obs {
			e.emit(ctx, Event{Kind: EventRollbackFailed, Index: pos, Candidate: c, Cloud: c.Offering.Cloud, Cluster: cl, Try: try, Err: err, Reason: reason})
		}
		if try < e.cfg.teardownTries {
			wait := e.cfg.teardownBackoff << (try - 1)
			if e.cfg.clk.Sleep(cctx, wait) != nil {
				break
			}
		}
	}
	left := cl.Instances
	if listed {
		left = live
	}
	l := &leak{err: fmt.Errorf("terminating cluster %s in %s %s (%s): %w", cl.Name, c.Offering.Cloud, c.Offering.Location(), reason, lastErr)}
	for _, in := range left {
		zone := in.Zone
		if zone == "" {
			zone = cl.Zone
		}
		l.left = append(l.left, LeftInstance{Cloud: c.Offering.Cloud, Region: cl.Region, Zone: zone, Cluster: cl.Name, ID: in.ID, State: in.State})
	}
	if len(l.left) == 0 {
		l.left = append(l.left, LeftInstance{Cloud: c.Offering.Cloud, Region: cl.Region, Zone: cl.Zone, Cluster: cl.Name, ID: "(unknown)"})
	}
	return l
}

// liveInstances counts the instances of cl that are not going or gone.
func liveInstances(cl *drivers.Cluster) int {
	if cl == nil {
		return 0
	}
	n := 0
	for i := range cl.Instances {
		if !gone(cl.Instances[i].State) {
			n++
		}
	}
	return n
}

// gone reports whether an instance state means the instance is being
// terminated or is gone (no longer billable once the provider finishes). A
// stopped instance is not gone: its disks are still billed.
func gone(state string) bool {
	switch state {
	case "terminated", "shutting-down", "deleting", "deleted":
		return true
	}
	return false
}

type suspectKey struct{ cloud, region string }

// suspect notes that the launch of candidate pos failed without a cluster
// in a way that may still have created instances (an unknown or transient
// error, a timeout, a cancellation), when its driver can list instances.
func (e *engine) suspect(pos int) {
	o := e.plan.Candidates[pos].Offering
	if _, ok := e.drv[o.Cloud].(drivers.ClusterLister); !ok {
		return
	}
	k := suspectKey{o.Cloud, o.Region}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.suspects == nil {
		e.suspects = make(map[suspectKey]int)
	}
	if _, ok := e.suspects[k]; !ok {
		e.suspects[k] = pos
	}
}

// sweep runs once a round is over and nothing is in flight: in every region
// where a launch failed ambiguously, it lists the instances tagged with the
// cluster name and terminates (verified) those launched since the call
// began that are not the result's: instances a provider created while
// answering with an error (the create that fails but did create). A
// listing that fails is reported as an EventRollbackFailed and not treated
// as a leak; a termination that keeps failing is.
func (e *engine) sweep(ctx context.Context, win *outcome) {
	e.mu.Lock()
	keys := make([]suspectKey, 0, len(e.suspects))
	for k := range e.suspects {
		keys = append(keys, k)
	}
	pos := maps.Clone(e.suspects)
	clear(e.suspects)
	e.mu.Unlock()
	if len(keys) == 0 {
		return
	}
	slices.SortFunc(keys, func(a, b suspectKey) int {
		if c := strings.Compare(a.cloud, b.cloud); c != 0 {
			return c
		}
		return strings.Compare(a.region, b.region)
	})
	keep := map[string]bool{}
	if win != nil && win.cluster != nil {
		for _, in := range win.cluster.Instances {
			keep[win.cluster.Cloud+"/"+in.ID] = true
		}
	}
	// One goroutine per region: the listings and terminations are network
	// round trips. The outcomes are recorded in key order.
	rolled := make([][]*drivers.Cluster, len(keys))
	leaks := make([][]*leak, len(keys))
	var wg sync.WaitGroup
	for i, k := range keys {
		wg.Go(func() { rolled[i], leaks[i] = e.sweepRegion(ctx, k, pos[k], keep) })
	}
	wg.Wait()
	e.mu.Lock()
	defer e.mu.Unlock()
	for i := range keys {
		e.rolled = append(e.rolled, rolled[i]...)
		e.leaks = append(e.leaks, leaks[i]...)
	}
}

// sweepRegion lists the cluster in one region and terminates the instances
// the sweep is after (see sweep).
func (e *engine) sweepRegion(ctx context.Context, k suspectKey, p int, keep map[string]bool) (rolled []*drivers.Cluster, leaks []*leak) {
	c := &e.plan.Candidates[p]
	lister := e.drv[k.cloud].(drivers.ClusterLister)
	lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), e.cfg.cleanupTimeout)
	list, err := lister.ListInstances(lctx, e.cluster, k.region)
	cancel()
	if err != nil {
		if e.obs {
			e.emit(ctx, Event{Kind: EventRollbackFailed, Index: p, Candidate: c, Cloud: k.cloud, Reason: "orphan sweep",
				Err: fmt.Errorf("listing cluster %s in %s %s for instances a failed launch left: %w", e.cluster, k.cloud, k.region, err)})
		}
		return nil, nil
	}
	byZone := map[string]*drivers.Cluster{}
	var zones []string
	for _, in := range list {
		if keep[k.cloud+"/"+in.ID] || gone(in.State) ||
			(!in.LaunchedAt.IsZero() && in.LaunchedAt.Before(e.start)) {
			continue
		}
		cl := byZone[in.Zone]
		if cl == nil {
			cl = &drivers.Cluster{Name: e.cluster, Cloud: k.cloud, Region: k.region, Zone: in.Zone,
				InstanceType: c.Offering.InstanceType, Spot: c.Spot()}
			byZone[in.Zone] = cl
			zones = append(zones, in.Zone)
		}
		cl.Instances = append(cl.Instances, in)
	}
	for _, z := range zones {
		cl := byZone[z]
		if l := e.terminate(ctx, cl, p, "orphaned by a failed launch"); l != nil {
			leaks = append(leaks, l)
			continue
		}
		rolled = append(rolled, cl)
	}
	return rolled, leaks
}

// survivors returns the instances of cl that the listing still shows alive.
func survivors(cl *drivers.Cluster, listed []drivers.Instance) []drivers.Instance {
	var out []drivers.Instance
	for _, in := range listed {
		if gone(in.State) {
			continue
		}
		for _, own := range cl.Instances {
			if own.ID == in.ID {
				out = append(out, in)
				break
			}
		}
	}
	return out
}

func (e *engine) emit(ctx context.Context, ev Event) {
	ev.ProvisionID = e.id
	if ev.Time.IsZero() {
		ev.Time = e.now()
	}
	e.evMu.Lock()
	defer e.evMu.Unlock()
	if e.cfg.events != nil {
		e.cfg.events(ev)
	}
	if e.cfg.log != nil {
		logEvent(ctx, e.cfg.log, &ev)
	}
}

// MaxRetryAfter caps how long a provider's Retry-After can make a retry in
// place wait; a longer ask is better served by the next candidate.
const MaxRetryAfter = 2 * time.Minute

// retryAfter is the wait the provider asked for in err (drivers.Error's
// RetryAfter), at most MaxRetryAfter.
func retryAfter(err error) time.Duration {
	var de *drivers.Error
	if !errors.As(err, &de) {
		return 0
	}
	return min(de.RetryAfter, MaxRetryAfter)
}

// retryWait is the backoff after try of candidate pos: base × 2^(try-1),
// capped, ±40 % jitter drawn deterministically from the seed.
func (e *engine) retryWait(round, pos, try int) time.Duration {
	d := e.cfg.retryBase << (try - 1)
	if d > e.cfg.retryMax || d <= 0 {
		d = e.cfg.retryMax
	}
	return jitter(d, 0.4, e.unit(1, uint64(round)<<32|uint64(pos), uint64(try)))
}

// unit returns a number in [0, 1) that depends only on the seed and its
// arguments, so that jitter is the same whatever the goroutine schedule.
func (e *engine) unit(kind, a, b uint64) float64 {
	x := mix(e.seed ^ kind*0x9e3779b97f4a7c15)
	x = mix(x ^ a*0xbf58476d1ce4e5b9)
	x = mix(x ^ b*0x94d049bb133111eb)
	return float64(x>>11) / (1 << 53)
}

// mix is the splitmix64 finaliser.
func mix(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// jitter spreads d by ±frac, u in [0, 1).
func jitter(d time.Duration, frac, u float64) time.Duration {
	return time.Duration(float64(d) * (1 + frac*(2*u-1)))
}
