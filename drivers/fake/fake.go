package fake

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/skyhop/skyhop/catalog"
	"github.com/skyhop/skyhop/drivers"
	"github.com/skyhop/skyhop/drivers/codes"
	"github.com/skyhop/skyhop/internal/clock"
)

// Compile-time checks: a *Driver is a full driver.
var (
	_ drivers.Driver            = (*Driver)(nil)
	_ drivers.CredentialChecker = (*Driver)(nil)
	_ drivers.ClusterLister     = (*Driver)(nil)
)

// Latency is the time each call takes on the fake's clock (zero: instant).
type Latency struct {
	// Launch is the time a launch takes before it answers.
	Launch time.Duration
	// Terminate is the time a terminate takes.
	Terminate time.Duration
	// List is the time ListInstances takes.
	List time.Duration
	// CheckCredentials is the time CheckCredentials takes.
	CheckCredentials time.Duration
}

func (l Latency) of(op Op) time.Duration {
	switch op {
	case OpLaunch:
		return l.Launch
	case OpTerminate:
		return l.Terminate
	case OpList:
		return l.List
	}
	return l.CheckCredentials
}

// Option configures New.
type Option func(*config)

type config struct {
	offerings []catalog.Offering
	faults    []Fault
	clouds    []string
	clock     clock.Clock
	latency   Latency
	noLog     bool
}

// WithOfferings adds offerings (rows of a catalog) the fake sells. Each
// offering's Cloud names the fake cloud that sells it. An offering sells on
// demand when its Price is set and spot when its SpotPrice is set; an
// offering with neither price sells both. An offering with an empty Zone (a
// cloud priced per region) can be launched in any zone of its region.
func WithOfferings(offs ...catalog.Offering) Option {
	return func(c *config) { c.offerings = append(c.offerings, offs...) }
}

// WithFaults adds faults, in priority order. New panics when one is not
// valid (see Fault.Validate); AddFault returns the error instead.
func WithFaults(faults ...Fault) Option {
	return func(c *config) { c.faults = append(c.faults, faults...) }
}

// WithClouds declares clouds the fake serves even without offerings (every
// launch there is refused as unsupported).
func WithClouds(names ...string) Option {
	return func(c *config) { c.clouds = append(c.clouds, names...) }
}

// WithClock sets the clock calls wait on and timestamps come from (default
// clock.Real; use a *clock.Manual, or clock.Real inside a testing/synctest
// bubble, to make latency free in tests).
func WithClock(clk clock.Clock) Option {
	return func(c *config) { c.clock = clk }
}

// WithLatency sets how long each call takes on the fake's clock.
func WithLatency(l Latency) Option {
	return func(c *config) { c.latency = l }
}

// WithoutCallLog turns the call log off (Calls returns nothing): for long
// benchmarks, where the log would only grow. Call numbering and fault
// counting go on.
func WithoutCallLog() Option {
	return func(c *config) { c.noLog = true }
}

// Clouds is a deterministic fake of one or more clouds: offerings, scripted
// faults, an inventory of live instances and a log of every call. Driver
// returns the drivers.Driver of one cloud; all of them share the fake's
// state, clock, call log and fault list. It is safe for concurrent use.
type Clouds struct {
	clk     clock.Clock
	latency Latency

	mu      sync.Mutex
	clouds  map[string]*cloudState
	faults  []*compiled
	calls   [][]Call // chunks of callChunk calls
	noLog   bool
	callSeq int
	instSeq int
}

// cloudState is one cloud's offerings and instances.
type cloudState struct {
	name   string
	index  int // position among the clouds, for private IPs
	table  *codes.Table
	driver *Driver

	offerings []catalog.Offering
	byZone    map[offerKey][]int // (region, zone, type) -> offerings
	byRegion  map[offerKey][]int // (region, "", type) -> offerings in zone order

	nextID int
	live   map[string]*liveInstance
	tokens map[string]*tokenRecord
}

type offerKey struct{ region, zone, itype string }

// liveInstance is an instance that has not been terminated.
type liveInstance struct {
	inst    drivers.Instance
	seq     int
	region  string
	itype   string
	spot    bool
	cluster string
	token   string
	labels  map[string]string
}

// tokenRecord remembers a launch by its token: in flight until done is
// closed, then final when the launch created something (a launch that
// created nothing removes its record).
type tokenRecord struct {
	req     drivers.LaunchRequest
	done    chan struct{}
	final   bool
	cluster *drivers.Cluster // nil for an orphaned creation
	err     error
}

// New returns a fake cloud set configured by opts. It panics when a fault
// given with WithFaults is not valid.
func New(opts ...Option) *Clouds {
	var cfg config
	for _, o := range opts {
		o(&cfg)
	}
	c := &Clouds{
		clk:     clock.Or(cfg.clock),
		latency: cfg.latency,
		noLog:   cfg.noLog,
		clouds:  make(map[string]*cloudState),
	}
	for _, o := range cfg.offerings {
		cs := c.cloudLocked(o.Cloud)
		cs.offerings = append(cs.offerings, o)
	}
	for _, name := range cfg.clouds {
		c.cloudLocked(name)
	}
	for _, cs := range c.clouds {
		cs.buildIndex()
	}
	for i, f := range cfg.faults {
		if err := c.AddFault(f); err != nil {
			panic(fmt.Sprintf("fake.New: fault %d: %v", i, err))
		}
	}
	return c
}

// cloudLocked returns the state of cloud name, creating it. The caller holds
// c.mu, or owns c exclusively.
func (c *Clouds) cloudLocked(name string) *cloudState {
	if cs, ok := c.clouds[name]; ok {
		return cs
	}
	cs := &cloudState{
		name:     name,
		index:    len(c.clouds) + 1,
		table:    codes.For(name),
		byZone:   make(map[offerKey][]int),
		byRegion: make(map[offerKey][]int),
		live:     make(map[string]*liveInstance),
		tokens:   make(map[string]*tokenRecord),
	}
	cs.driver = &Driver{c: c, cloud: name, cs: cs}
	c.clouds[name] = cs
	return cs
}

func (cs *cloudState) buildIndex() {
	clear(cs.byZone)
	clear(cs.byRegion)
	for i, o := range cs.offerings {
		k := offerKey{o.Region, o.Zone, o.InstanceType}
		cs.byZone[k] = append(cs.byZone[k], i)
		k.zone = ""
		cs.byRegion[k] = append(cs.byRegion[k], i)
	}
	for _, idx := range cs.byRegion {
		sort.SliceStable(idx, func(a, b int) bool { return cs.offerings[idx[a]].Zone < cs.offerings[idx[b]].Zone })
	}
}

// Driver returns the driver of cloud name (lower case, as in the catalog).
// A cloud the fake has no offerings for is created on first use; every
// launch there is refused as unsupported.
func (c *Clouds) Driver(name string) *Driver {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cloudLocked(name).driver
}

// CloudNames returns the names of the clouds the fake serves, sorted.
func (c *Clouds) CloudNames() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	names := make([]string, 0, len(c.clouds))
	for n := range c.clouds {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Drivers returns the driver of every cloud the fake serves, sorted by cloud
// name.
func (c *Clouds) Drivers() []drivers.Driver {
	names := c.CloudNames()
	out := make([]drivers.Driver, len(names))
	for i, n := range names {
		out[i] = c.Driver(n)
	}
	return out
}

// DriverMap returns the driver of every cloud the fake serves, keyed by
// cloud name.
func (c *Clouds) DriverMap() map[string]drivers.Driver {
	m := make(map[string]drivers.Driver)
	for _, d := range c.Drivers() {
		m[d.Cloud()] = d
	}
	return m
}

// AddFault adds a fault after the existing ones. It returns an error when
// the fault is not valid.
func (c *Clouds) AddFault(f Fault) error {
	if err := f.Validate(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.faults = append(c.faults, compile(f))
	return nil
}

// ClearFaults removes every fault.
func (c *Clouds) ClearFaults() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.faults = nil
}

// Faults returns the faults with their counters, in priority order.
func (c *Clouds) Faults() []FaultState {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]FaultState, len(c.faults))
	for i, f := range c.faults {
		out[i] = FaultState{Fault: f.Fault, Matched: f.matched, Fired: f.fired}
	}
	return out
}

// evalLocked counts the call against every fault and returns what they
// decide. The caller holds c.mu.
func (c *Clouds) evalLocked(s *site) outcome {
	out := outcome{index: -1}
	for i, f := range c.faults {
		if !f.selects(s) {
			continue
		}
		f.matched++
		if !f.inWindow(f.matched) {
			continue
		}
		f.fired++
		out.delay += f.Delay
		if out.fault == nil && (f.Code != "" || f.Hang) {
			out.fault, out.index = f, i
		}
	}
	return out
}

// Driver is the drivers.Driver of one fake cloud. It also implements
// drivers.CredentialChecker and drivers.ClusterLister.
//
// Launch is deterministic for a given sequence of calls: instance IDs are
// numbered per cloud in creation order ("i-00000000000000001" on AWS,
// "gcp-000001" elsewhere), so concurrent callers get IDs in the order the
// fake served them.
type Driver struct {
	c     *Clouds
	cloud string
	cs    *cloudState
}

// Cloud returns the cloud name.
func (d *Driver) Cloud() string { return d.cloud }

// Clouds returns the fake the driver belongs to.
func (d *Driver) Clouds() *Clouds { return d.c }

// Launch creates req.Nodes() instances, or fails as the faults and the
// offerings say. In order:
//
//   - A context that is already done: nothing is created; the context's
//     error is returned.
//   - A token seen before on a launch that created instances: the same
//     cluster and error as the first time, no new instance (a token reused
//     with a different request fails as invalid, AWS's
//     IdempotentParameterMismatch). A launch that failed without creating
//     anything does not record its token, so it may be retried with it. A
//     launch whose token is in use by a launch still in flight waits for
//     that one, then answers as above.
//   - The faults are counted; a firing fault with a Code or Hang decides.
//     Hang creates Created nodes (none by default), then waits for the
//     context to end and returns its error with the partial cluster.
//   - The call waits its latency (plus the firing faults' delays) on the
//     clock; if the context ends meanwhile, nothing is created and the
//     context's error is returned.
//   - A fault with a Code creates Created nodes, then fails with a
//     *drivers.Error classified by the cloud's table; the partial cluster is
//     returned with the error unless the fault orphans it.
//   - A type not offered in that region and zone (or market, or with that
//     accelerator) fails as the provider would: AWS Unsupported, GCP 400
//     invalid "does not exist in zone", Azure SkuNotAvailable.
//   - Otherwise the instances are created, running, tagged with the cluster
//     name, in the requested zone (or, when none was requested, the first
//     zone of the region offering the type, in name order).
func (d *Driver) Launch(ctx context.Context, req drivers.LaunchRequest) (*drivers.Cluster, error) {
	c := d.c
	start := c.clk.Now()
	if err := ctx.Err(); err != nil {
		err = d.ctxError("launch", req.Region, req.Zone, err)
		c.logCall(Call{Op: OpLaunch, Cloud: d.cloud, Request: req, Start: start, End: start, Err: err, Fault: -1}, true)
		return nil, err
	}

	c.mu.Lock()
	seq := c.nextCallLocked()
	cs := d.cs
	for req.Token != "" {
		rec, ok := cs.tokens[req.Token]
		if !ok {
			// Reserve the token: a concurrent launch with it waits for us.
			cs.tokens[req.Token] = &tokenRecord{req: req, done: make(chan struct{})}
			break
		}
		if rec.final || !sameLaunch(&rec.req, &req) {
			cl, err := d.replayLocked(rec, req)
			call := Call{Seq: seq, Op: OpLaunch, Cloud: d.cloud, Request: req, Start: start, End: c.clk.Now(),
				Err: err, Fault: -1, Replayed: true, InstanceIDs: cl.InstanceIDs()}
			c.appendCallLocked(call)
			c.mu.Unlock()
			return cl, err
		}
		// The same launch is in flight: wait for its outcome.
		c.mu.Unlock()
		select {
		case <-rec.done:
		case <-ctx.Done():
			err := d.ctxError("launch", req.Region, req.Zone, ctx.Err())
			c.logCall(Call{Seq: seq, Op: OpLaunch, Cloud: d.cloud, Request: req, Start: start, End: c.clk.Now(), Err: err, Fault: -1}, false)
			return nil, err
		}
		c.mu.Lock()
	}
	off, offered := cs.resolve(&req)
	zone := req.Zone
	if offered && zone == "" {
		zone = off.Zone
	}
	out := c.evalLocked(&site{op: OpLaunch, cloud: d.cloud, region: req.Region, zone: zone, itype: req.InstanceType, spot: req.Spot})
	c.mu.Unlock()

	call := Call{Seq: seq, Op: OpLaunch, Cloud: d.cloud, Request: req, Start: start, Fault: out.index}
	nodes := req.Nodes()
	f := out.fault

	if f != nil && f.Hang {
		cl := d.create(&req, zone, created(f.Created, nodes))
		<-ctx.Done()
		err := d.ctxError("launch", req.Region, zone, ctx.Err())
		return d.finish(&call, &req, cl, f.Orphan, err)
	}
	if delay := c.latency.Launch + out.delay; delay > 0 {
		if err := c.clk.Sleep(ctx, delay); err != nil {
			return d.finish(&call, &req, nil, false, d.ctxError("launch", req.Region, zone, err))
		}
	}
	if f != nil {
		cl := d.create(&req, zone, created(f.Created, nodes))
		return d.finish(&call, &req, cl, f.Orphan, d.faultError(f, "launch", req.Region, zone, req.InstanceType, nodes, req.ClusterName))
	}
	if !offered {
		return d.finish(&call, &req, nil, false, d.unsupported(&req))
	}
	return d.finish(&call, &req, d.create(&req, zone, nodes), false, nil)
}

// created resolves a fault's Created for a request of n nodes.
func created(k, n int) int {
	if k == All || k > n {
		return n
	}
	return k
}

// finish records the call (and the token, when the launch created
// something) and returns the launch's result: cl, unless it is empty or
// orphaned (the driver "lost" the instances it created).
func (d *Driver) finish(call *Call, req *drivers.LaunchRequest, cl *drivers.Cluster, orphan bool, err error) (*drivers.Cluster, error) {
	c := d.c
	call.Err = err
	call.End = c.clk.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	var ret *drivers.Cluster
	made := false
	if cl != nil {
		made = len(cl.Instances) > 0
		call.InstanceIDs = cl.InstanceIDs()
		if orphan {
			call.Orphaned = len(cl.Instances)
		} else {
			ret = cl
		}
	}
	if req.Token != "" {
		if rec := d.cs.tokens[req.Token]; rec != nil && !rec.final {
			if made {
				rec.final, rec.cluster, rec.err = true, cloneCluster(ret), err
			} else {
				delete(d.cs.tokens, req.Token)
			}
			close(rec.done)
		}
	}
	c.appendCallLocked(*call)
	return ret, err
}

// create makes n instances and returns them as a cluster, or nil for
// n == 0.
func (d *Driver) create(req *drivers.LaunchRequest, zone string, n int) *drivers.Cluster {
	if n <= 0 {
		return nil
	}
	c := d.c
	now := c.clk.Now()
	cl := &drivers.Cluster{
		Name: req.ClusterName, Cloud: d.cloud, Region: req.Region, Zone: zone,
		InstanceType: req.InstanceType, Spot: req.Spot, Token: req.Token,
		Instances: make([]drivers.Instance, n),
	}
	labels := maps.Clone(req.Labels) // the caller may reuse its map
	c.mu.Lock()
	defer c.mu.Unlock()
	cs := d.cs
	for i := range cl.Instances {
		cs.nextID++
		c.instSeq++
		in := drivers.Instance{
			ID:         d.instanceID(cs.nextID),
			Zone:       zone,
			State:      "running",
			PrivateIP:  privateIP(cs.index, cs.nextID),
			LaunchedAt: now,
		}
		cl.Instances[i] = in
		cs.live[in.ID] = &liveInstance{inst: in, seq: c.instSeq, region: req.Region, itype: req.InstanceType,
			spot: req.Spot, cluster: req.ClusterName, token: req.Token, labels: labels}
	}
	return cl
}

func (d *Driver) instanceID(n int) string {
	if d.cloud == "aws" {
		s := strconv.FormatInt(int64(n), 16)
		return "i-" + strings.Repeat("0", max(17-len(s), 0)) + s
	}
	s := strconv.Itoa(n)
	return d.cloud + "-" + strings.Repeat("0", max(6-len(s), 0)) + s
}

func privateIP(cloud, n int) string {
	return "10." + strconv.Itoa(cloud%256) + "." + strconv.Itoa(n/256%256) + "." + strconv.Itoa(n%256)
}

// sameLaunch reports whether two requests ask for the same launch.
func sameLaunch(p, q *drivers.LaunchRequest) bool {
	return p.ClusterName == q.ClusterName && p.InstanceType == q.InstanceType && p.Region == q.Region &&
		p.Zone == q.Zone && p.Spot == q.Spot && p.Nodes() == q.Nodes()
}

// replayLocked answers a launch whose token was seen before.
func (d *Driver) replayLocked(rec *tokenRecord, req drivers.LaunchRequest) (*drivers.Cluster, error) {
	p := rec.req
	if !sameLaunch(&p, &req) {
		return nil, d.newError(drivers.Error{
			Code: "IdempotentParameterMismatch", HTTPStatus: 400, Op: "launch", Region: req.Region, Zone: req.Zone,
			Message: fmt.Sprintf("token %q was first used to launch %d x %s in %s for cluster %q; this request differs: use a new token for a different request",
				req.Token, p.Nodes(), p.InstanceType, locString(p.Region, p.Zone), p.ClusterName),
		}, drivers.ClassInvalid, drivers.ScopeCloud)
	}
	cl := cloneCluster(rec.cluster)
	if cl != nil {
		// Report the instances' current states.
		for i := range cl.Instances {
			if li, ok := d.cs.live[cl.Instances[i].ID]; ok {
				cl.Instances[i] = li.inst
			} else {
				cl.Instances[i].State = "terminated"
			}
		}
	}
	return cl, rec.err
}

func cloneCluster(cl *drivers.Cluster) *drivers.Cluster {
	if cl == nil {
		return nil
	}
	cp := *cl
	cp.Instances = slices.Clone(cl.Instances)
	return &cp
}

func locString(region, zone string) string {
	if zone == "" {
		return region
	}
	return region + "/" + zone
}

// resolve finds the offering a request launches, and whether there is one.
func (cs *cloudState) resolve(req *drivers.LaunchRequest) (*catalog.Offering, bool) {
	if req.Zone == "" {
		for _, i := range cs.byRegion[offerKey{req.Region, "", req.InstanceType}] {
			if o := &cs.offerings[i]; sells(o, req) {
				return o, true
			}
		}
		return nil, false
	}
	for _, zone := range [2]string{req.Zone, ""} {
		for _, i := range cs.byZone[offerKey{req.Region, zone, req.InstanceType}] {
			if o := &cs.offerings[i]; sells(o, req) {
				return o, true
			}
		}
	}
	return nil, false
}

// sells reports whether offering o can serve req's market and accelerator.
func sells(o *catalog.Offering, req *drivers.LaunchRequest) bool {
	unpriced := o.Price == 0 && o.SpotPrice == 0
	if req.Spot && o.SpotPrice <= 0 && !unpriced {
		return false
	}
	if !req.Spot && o.Price <= 0 && !unpriced {
		return false
	}
	if req.Accelerator != "" && !strings.EqualFold(req.Accelerator, o.Accelerator) {
		return false
	}
	if req.AcceleratorCount > 0 && o.AcceleratorCount > 0 && math.Abs(req.AcceleratorCount-o.AcceleratorCount) > 1e-9 {
		return false
	}
	return true
}

// unsupported is the provider's answer to a type not offered there.
func (d *Driver) unsupported(req *drivers.LaunchRequest) error {
	market := "on-demand"
	if req.Spot {
		market = "spot"
	}
	e := drivers.Error{Op: "launch", Region: req.Region, Zone: req.Zone}
	switch d.cloud {
	case "aws":
		e.Code = "Unsupported"
	case "gcp":
		e.Code = "invalid"
	case "azure":
		e.Code = "SkuNotAvailable"
	default:
		e.Code = "Unsupported"
		e.HTTPStatus = 400
		e.Message = fmt.Sprintf("instance type %s (%s) is not offered in %s", req.InstanceType, market, locString(req.Region, req.Zone))
		return d.newError(e, drivers.ClassUnsupported, drivers.ScopeZone)
	}
	status, tmpl, _ := sampleFor(d.cloud, e.Code, 0)
	e.HTTPStatus = status
	e.Message = expand(tmpl, req.InstanceType, req.Region, req.Zone, strconv.Itoa(req.Nodes()), req.ClusterName)
	return d.newError(e, 0, 0)
}

// faultError builds the error a fault raises.
func (d *Driver) faultError(f *compiled, op, region, zone, itype string, nodes int, cluster string) error {
	status, tmpl, _ := sampleFor(d.cloud, f.Code, f.HTTPStatus)
	if f.HTTPStatus != 0 {
		status = f.HTTPStatus
	}
	if f.Message != "" {
		tmpl = f.Message
	}
	if tmpl == "" {
		tmpl = "fake " + d.cloud + " fault " + f.Code
	}
	e := drivers.Error{
		Code: f.Code, HTTPStatus: status, Op: op, Region: region, Zone: zone,
		Message:    expand(tmpl, itype, region, zone, strconv.Itoa(nodes), cluster),
		RetryAfter: f.RetryAfter,
	}
	return d.newError(e, f.Class, f.Scope)
}

// newError classifies e with the cloud's table (or, for a cloud without
// one, as unknown), then applies the overrides.
func (d *Driver) newError(e drivers.Error, class drivers.Class, scope drivers.Scope) *drivers.Error {
	var out *drivers.Error
	if t := d.cs.table; t != nil {
		out = t.NewError(e)
	} else {
		out = new(drivers.Error) // a copy, so that e itself stays on the stack
		*out = e
		out.Class, out.Scope = drivers.ClassUnknown, drivers.ScopeZone
	}
	out.Cloud = d.cloud
	if class != drivers.ClassUnknown {
		out.Class = class
		out.Scope = class.DefaultScope()
	}
	if scope != drivers.ScopeDefault {
		out.Scope = scope
	}
	return out
}

// ctxError wraps a context error with where it happened.
func (d *Driver) ctxError(op, region, zone string, err error) error {
	return fmt.Errorf("fake %s: %s in %s: %w", d.cloud, op, locString(region, zone), err)
}

// Terminate deletes the cluster's instances (by ID) and returns when they
// are gone. It is idempotent: instances already gone are skipped, and a nil
// cluster or one without instances succeeds at once. Faults on OpTerminate
// match the cluster's region, zone, instance type and market: a fault with a
// Code fails the call and deletes nothing; Hang waits for the context to end
// and deletes nothing. A cluster of another cloud fails as invalid.
func (d *Driver) Terminate(ctx context.Context, cl *drivers.Cluster) error {
	c := d.c
	start := c.clk.Now()
	call := Call{Op: OpTerminate, Cloud: d.cloud, Start: start, Fault: -1}
	if cl == nil {
		call.End = start
		c.logCall(call, true)
		return nil
	}
	call.Request = drivers.LaunchRequest{ClusterName: cl.Name, Count: len(cl.Instances), InstanceType: cl.InstanceType,
		Region: cl.Region, Zone: cl.Zone, Spot: cl.Spot, Token: cl.Token}
	if err := ctx.Err(); err != nil {
		call.Err = d.ctxError("terminate", cl.Region, cl.Zone, err)
		call.End = start
		c.logCall(call, true)
		return call.Err
	}
	if cl.Cloud != "" && cl.Cloud != d.cloud {
		call.Err = d.newError(drivers.Error{Code: "InvalidCluster", Op: "terminate", Region: cl.Region, Zone: cl.Zone,
			Message: fmt.Sprintf("cluster %q runs on %s, not %s: terminate it with the %s driver", cl.Name, cl.Cloud, d.cloud, cl.Cloud)},
			drivers.ClassInvalid, drivers.ScopeCloud)
		call.End = start
		c.logCall(call, true)
		return call.Err
	}

	c.mu.Lock()
	call.Seq = c.nextCallLocked()
	out := c.evalLocked(&site{op: OpTerminate, cloud: d.cloud, region: cl.Region, zone: cl.Zone, itype: cl.InstanceType, spot: cl.Spot})
	c.mu.Unlock()
	call.Fault = out.index

	err := d.wait(ctx, OpTerminate, out, cl.Region, cl.Zone)
	if err == nil && out.fault != nil {
		err = d.faultError(out.fault, "terminate", cl.Region, cl.Zone, cl.InstanceType, len(cl.Instances), cl.Name)
	}
	call.End = c.clk.Now()
	call.Err = err
	c.mu.Lock()
	defer c.mu.Unlock()
	if err == nil {
		for _, in := range cl.Instances {
			if _, ok := d.cs.live[in.ID]; ok {
				delete(d.cs.live, in.ID)
				call.InstanceIDs = append(call.InstanceIDs, in.ID)
			}
		}
	}
	c.appendCallLocked(call)
	return err
}

// wait applies a non-launch call's hang, latency and delays.
func (d *Driver) wait(ctx context.Context, op Op, out outcome, region, zone string) error {
	if out.fault != nil && out.fault.Hang {
		<-ctx.Done()
		return d.ctxError(op.String(), region, zone, ctx.Err())
	}
	if delay := d.c.latency.of(op) + out.delay; delay > 0 {
		if err := d.c.clk.Sleep(ctx, delay); err != nil {
			return d.ctxError(op.String(), region, zone, err)
		}
	}
	return nil
}

// ListInstances returns the live instances tagged with clusterName, in
// region (every region when region is ""), in creation order. Faults on
// OpList match the cloud and region.
func (d *Driver) ListInstances(ctx context.Context, clusterName, region string) ([]drivers.Instance, error) {
	c := d.c
	start := c.clk.Now()
	call := Call{Op: OpList, Cloud: d.cloud, Start: start, Fault: -1,
		Request: drivers.LaunchRequest{ClusterName: clusterName, Region: region}}
	if err := ctx.Err(); err != nil {
		call.Err = d.ctxError("list", region, "", err)
		call.End = start
		c.logCall(call, true)
		return nil, call.Err
	}
	c.mu.Lock()
	call.Seq = c.nextCallLocked()
	out := c.evalLocked(&site{op: OpList, cloud: d.cloud, region: region, anyMarket: true})
	c.mu.Unlock()
	call.Fault = out.index

	err := d.wait(ctx, OpList, out, region, "")
	if err == nil && out.fault != nil {
		err = d.faultError(out.fault, "list", region, "", "", 0, clusterName)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var list []*liveInstance
	if err == nil {
		for _, li := range d.cs.live {
			if li.cluster == clusterName && (region == "" || li.region == region) {
				list = append(list, li)
			}
		}
		sort.Slice(list, func(a, b int) bool { return list[a].seq < list[b].seq })
	}
	out2 := make([]drivers.Instance, len(list))
	for i, li := range list {
		out2[i] = li.inst
		call.InstanceIDs = append(call.InstanceIDs, li.inst.ID)
	}
	call.End = c.clk.Now()
	call.Err = err
	c.appendCallLocked(call)
	if err != nil {
		return nil, err
	}
	return out2, nil
}

// CheckCredentials succeeds unless a fault on OpCheckCredentials fires for
// the cloud (script a credential failure with a permission code such as
// AWS "AuthFailure", GCP "authError" or Azure "InvalidAuthenticationToken").
func (d *Driver) CheckCredentials(ctx context.Context) error {
	c := d.c
	start := c.clk.Now()
	call := Call{Op: OpCheckCredentials, Cloud: d.cloud, Start: start, Fault: -1}
	if err := ctx.Err(); err != nil {
		call.Err = d.ctxError("check-credentials", "", "", err)
		call.End = start
		c.logCall(call, true)
		return call.Err
	}
	c.mu.Lock()
	call.Seq = c.nextCallLocked()
	out := c.evalLocked(&site{op: OpCheckCredentials, cloud: d.cloud, anyMarket: true})
	c.mu.Unlock()
	call.Fault = out.index
	err := d.wait(ctx, OpCheckCredentials, out, "", "")
	if err == nil && out.fault != nil {
		err = d.faultError(out.fault, "check-credentials", "", "", "", 0, "")
	}
	call.End = c.clk.Now()
	call.Err = err
	c.logCall(call, false)
	return err
}
