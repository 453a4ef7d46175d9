// Package drivertest is the conformance suite every skyhop driver must
// pass: the fake cloud now, the AWS, GCP and Azure drivers against their
// emulators later.
//
// A driver's tests call Run with a HarnessMaker, go-cloud style:
//
//	func TestConformance(t *testing.T) {
//		drivertest.Run(t, func(ctx context.Context, t *testing.T) (drivertest.Harness, error) {
//			return newHarness(ctx, t) // a fresh driver, emulator state and hooks
//		})
//	}
//
// The suite checks behaviour, not just err != nil: a launch/terminate round
// trip; that the count is honoured; that terminate is idempotent (twice, and
// on a partly-gone cluster); that a launch with a cancelled context leaves
// nothing running; listing by cluster tag; idempotency tokens; and that each
// injected provider failure comes back as a *drivers.Error with the right
// Class and effective Scope (a stockout is ClassCapacity at ScopeZone, a
// quota ClassQuota at ScopeRegion, a permission error ClassPermission at
// ScopeCloud, throttling ClassThrottle, a type not offered ClassUnsupported).
// After every test, the harness's own view of live instances must hold
// nothing the test created.
package drivertest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/skyhop/skyhop/drivers"
)

// Harness gives the suite a driver to test and the hooks it needs. Each
// test gets a fresh harness from the HarnessMaker and closes it.
type Harness interface {
	// Driver returns the driver under test.
	Driver() drivers.Driver
	// Request returns a launch the driver can satisfy: instance type,
	// region, zone (optional), market, and what else the driver needs. The
	// suite sets ClusterName, Count and Token itself.
	Request() drivers.LaunchRequest
	// UnsupportedRequest returns a launch the provider refuses because the
	// instance type is not offered there (unknown type, or not in that
	// zone).
	UnsupportedRequest() drivers.LaunchRequest
	// Inject arranges for the next f.Times calls matching f (0: every call
	// from now on) to fail as f.Kind says, with a realistic provider code
	// of the driver's cloud. It returns ErrNotSupported when the harness
	// cannot produce that failure; the test is then skipped.
	Inject(ctx context.Context, f Fault) error
	// Live returns the instances tagged with clusterName that are still
	// live (billable), as seen by the emulator or fake itself, independent
	// of the driver when possible.
	Live(ctx context.Context, clusterName string) ([]drivers.Instance, error)
	// Close releases what the harness holds.
	Close()
}

// HarnessMaker makes a fresh Harness for one test.
type HarnessMaker func(ctx context.Context, t *testing.T) (Harness, error)

// Skipper is implemented by harnesses that cannot run some tests (an
// emulator that ignores idempotency tokens, for instance). SkipReason
// returns why test (a subtest name such as "IdempotencyToken" or
// "Fault/Throttle") must be skipped, or "" to run it.
type Skipper interface {
	SkipReason(test string) string
}

// ErrNotSupported is returned by Harness.Inject for a failure the harness
// cannot produce.
var ErrNotSupported = errors.New("drivertest: the harness cannot inject this fault")

// FaultKind is a kind of provider failure a harness injects.
type FaultKind int

// The fault kinds. The expected class and scope of each are in Expect.
const (
	// Stockout: no capacity in the zone (AWS InsufficientInstanceCapacity,
	// GCP ZONE_RESOURCE_POOL_EXHAUSTED, Azure ZonalAllocationFailed).
	Stockout FaultKind = iota + 1
	// Quota: a regional quota (AWS VcpuLimitExceeded, GCP QUOTA_EXCEEDED
	// "in region", Azure OperationNotAllowed 409 "... quota").
	Quota
	// Permission: the caller may not launch (AWS UnauthorizedOperation,
	// GCP forbidden, Azure AuthorizationFailed).
	Permission
	// Throttle: rate limited (AWS RequestLimitExceeded, GCP
	// rateLimitExceeded, Azure OperationNotAllowed 429).
	Throttle
	// Transient: a server fault (5xx).
	Transient
	// Invalid: the request is malformed and would fail everywhere on the
	// cloud (AWS InvalidParameterValue, GCP invalid, Azure InvalidParameter).
	Invalid
	// Credentials: CheckCredentials fails (expired or invalid credentials).
	Credentials
	// PartialGang: a multi-node launch creates some nodes, then fails.
	PartialGang
	// TerminateFailure: Terminate fails (a server fault), deleting nothing.
	TerminateFailure
)

var kindNames = map[FaultKind]string{
	Stockout: "Stockout", Quota: "Quota", Permission: "Permission", Throttle: "Throttle",
	Transient: "Transient", Invalid: "Invalid", Credentials: "Credentials",
	PartialGang: "PartialGang", TerminateFailure: "TerminateFailure",
}

// String returns the kind's name ("Stockout", ...).
func (k FaultKind) String() string {
	if n, ok := kindNames[k]; ok {
		return n
	}
	return fmt.Sprintf("FaultKind(%d)", int(k))
}

// Fault is a failure to inject.
type Fault struct {
	// Kind is what fails.
	Kind FaultKind
	// Request says where: the launches (or terminations, for
	// TerminateFailure) of this request's instance type, region, zone and
	// market fail. Credentials ignores it.
	Request drivers.LaunchRequest
	// Times is how many matching calls fail; 0 means every one.
	Times int
}

// Expect returns the class a fault of kind k must produce and the effective
// scopes accepted for a request with (zonal) or without a zone. A stockout
// on a request without a zone may reach the region: for a cloud priced per
// region, zone and region are the same place.
func Expect(k FaultKind, zonal bool) (drivers.Class, []drivers.Scope) {
	switch k {
	case Stockout:
		if zonal {
			return drivers.ClassCapacity, []drivers.Scope{drivers.ScopeZone}
		}
		return drivers.ClassCapacity, []drivers.Scope{drivers.ScopeZone, drivers.ScopeRegion}
	case Quota:
		return drivers.ClassQuota, []drivers.Scope{drivers.ScopeRegion}
	case Permission, Credentials:
		return drivers.ClassPermission, []drivers.Scope{drivers.ScopeCloud}
	case Throttle:
		return drivers.ClassThrottle, []drivers.Scope{drivers.ScopeDefault}
	case Transient:
		return drivers.ClassTransient, []drivers.Scope{drivers.ScopeDefault}
	case Invalid:
		return drivers.ClassInvalid, []drivers.Scope{drivers.ScopeCloud}
	}
	return drivers.ClassUnknown, nil
}

// testTimeout bounds each test's context (real emulators are slow; the
// fake is instant).
const testTimeout = 5 * time.Minute

// tb is the part of *testing.T the tests use (an interface, so that the
// suite's own tests can record failures instead of failing).
type tb interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
	Skip(args ...any)
	Skipf(format string, args ...any)
	Fatal(args ...any)
}

// suite carries one test's harness and helpers.
type suite struct {
	t   tb
	ctx context.Context
	h   Harness
	d   drivers.Driver
}

var clusterSeq atomic.Int64

// cluster returns a cluster name unique in the process, valid on every
// cloud (lower case, digits, hyphens).
func (s *suite) cluster(what string) string {
	return fmt.Sprintf("skyhop-dt-%d-%s", clusterSeq.Add(1), strings.ToLower(what))
}

func (s *suite) request(cluster string, count int) drivers.LaunchRequest {
	req := s.h.Request()
	req.ClusterName = cluster
	req.Count = count
	req.Token = cluster + "-t0"
	return req
}

// live returns the IDs the harness sees live for cluster.
func (s *suite) live(cluster string) []string {
	s.t.Helper()
	in, err := s.h.Live(s.ctx, cluster)
	if err != nil {
		s.t.Fatalf("Harness.Live(%q): %v", cluster, err)
	}
	ids := make([]string, len(in))
	for i, x := range in {
		ids[i] = x.ID
	}
	slices.Sort(ids)
	return ids
}

// expectGone fails the test when the harness still sees instances of
// cluster.
func (s *suite) expectGone(cluster string) {
	s.t.Helper()
	if ids := s.live(cluster); len(ids) > 0 {
		s.t.Errorf("instances of cluster %q still live: %v", cluster, ids)
	}
}

// launch launches req and fails the test on error.
func (s *suite) launch(req drivers.LaunchRequest) *drivers.Cluster {
	s.t.Helper()
	cl, err := s.d.Launch(s.ctx, req)
	if err != nil {
		s.cleanup(req.ClusterName, cl)
		s.t.Fatalf("Launch(%s %d x %s in %s/%s): %v", s.d.Cloud(), req.Nodes(), req.InstanceType, req.Region, req.Zone, err)
	}
	return cl
}

// cleanup terminates what a test left: the cluster it got, and whatever the
// harness still sees tagged with the name.
func (s *suite) cleanup(cluster string, cl *drivers.Cluster) {
	s.t.Helper()
	ctx := context.WithoutCancel(s.ctx)
	if cl != nil && len(cl.Instances) > 0 {
		_ = s.d.Terminate(ctx, cl)
	}
	if in, err := s.h.Live(ctx, cluster); err == nil && len(in) > 0 {
		req := s.h.Request()
		_ = s.d.Terminate(ctx, &drivers.Cluster{Name: cluster, Cloud: s.d.Cloud(), Region: req.Region, Zone: req.Zone,
			InstanceType: req.InstanceType, Spot: req.Spot, Instances: in})
	}
}

func (s *suite) terminate(cl *drivers.Cluster) {
	s.t.Helper()
	if err := s.d.Terminate(s.ctx, cl); err != nil {
		s.t.Fatalf("Terminate(%q): %v", cl.Name, err)
	}
}

// checkError asserts that err is a *drivers.Error of kind k's class and
// scope, raised by this driver.
func (s *suite) checkError(err error, k FaultKind, zonal bool) {
	s.t.Helper()
	if err == nil {
		s.t.Fatalf("%v: the call succeeded; want an error", k)
	}
	var de *drivers.Error
	if !errors.As(err, &de) {
		s.t.Fatalf("%v: error %q (%T) is not a *drivers.Error", k, err, err)
	}
	class, scopes := Expect(k, zonal)
	if de.Class != class {
		s.t.Errorf("%v: class = %v (code %q: %s), want %v", k, de.Class, de.Code, de.Message, class)
	}
	if !slices.Contains(scopes, de.EffectiveScope()) {
		s.t.Errorf("%v: effective scope = %v (code %q), want one of %v", k, de.EffectiveScope(), de.Code, scopes)
	}
	if de.Cloud != s.d.Cloud() {
		s.t.Errorf("%v: error cloud = %q, want %q", k, de.Cloud, s.d.Cloud())
	}
	if de.Code == "" {
		s.t.Errorf("%v: error has no provider code: %v", k, de)
	}
	if !errors.Is(err, classSentinel(class)) {
		s.t.Errorf("%v: errors.Is(err, sentinel of %v) is false", k, class)
	}
}

func classSentinel(c drivers.Class) error {
	return map[drivers.Class]error{
		drivers.ClassUnknown: drivers.ErrUnknown, drivers.ClassCapacity: drivers.ErrCapacity,
		drivers.ClassQuota: drivers.ErrQuota, drivers.ClassPermission: drivers.ErrPermission,
		drivers.ClassUnsupported: drivers.ErrUnsupported, drivers.ClassInvalid: drivers.ErrInvalid,
		drivers.ClassThrottle: drivers.ErrThrottle, drivers.ClassTransient: drivers.ErrTransient,
	}[c]
}

func (s *suite) inject(f Fault) {
	s.t.Helper()
	err := s.h.Inject(s.ctx, f)
	if errors.Is(err, ErrNotSupported) {
		s.t.Skipf("the harness cannot inject %v", f.Kind)
	}
	if err != nil {
		s.t.Fatalf("Inject(%v): %v", f.Kind, err)
	}
}

// Run runs the conformance suite on the driver newHarness provides.
func Run(t *testing.T, newHarness HarnessMaker) {
	t.Helper()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), testTimeout)
			defer cancel()
			h, err := newHarness(ctx, t)
			if err != nil {
				t.Fatalf("making the harness: %v", err)
			}
			defer h.Close()
			if sk, ok := h.(Skipper); ok {
				if why := sk.SkipReason(tc.name); why != "" {
					t.Skip(why)
				}
			}
			tc.run(&suite{t: t, ctx: ctx, h: h, d: h.Driver()})
		})
	}
}

// TestNames returns the names of the suite's tests, in the order Run runs
// them (the names Skipper.SkipReason receives).
func TestNames() []string {
	names := make([]string, len(tests))
	for i, tc := range tests {
		names[i] = tc.name
	}
	return names
}

type testCase struct {
	name string
	run  func(s *suite)
}

var tests = []testCase{
	{"LaunchTerminate", testLaunchTerminate},
	{"Count", testCount},
	{"TerminateIdempotent", testTerminateIdempotent},
	{"TerminatePartlyGone", testTerminatePartlyGone},
	{"CancelledContext", testCancelledContext},
	{"ListByCluster", testListByCluster},
	{"IdempotencyToken", testIdempotencyToken},
	{"Concurrent", testConcurrent},
	{"Unsupported", testUnsupported},
	{"Fault/Stockout", faultTest(Stockout)},
	{"Fault/Quota", faultTest(Quota)},
	{"Fault/Permission", faultTest(Permission)},
	{"Fault/Throttle", faultTest(Throttle)},
	{"Fault/Transient", faultTest(Transient)},
	{"Fault/Invalid", faultTest(Invalid)},
	{"Fault/Credentials", testCredentials},
	{"Fault/PartialGang", testPartialGang},
	{"Fault/TerminateFailure", testTerminateFailure},
}

func testLaunchTerminate(s *suite) {
	name := s.cluster("roundtrip")
	req := s.request(name, 1)
	cl := s.launch(req)
	defer s.cleanup(name, cl)
	if cl == nil || len(cl.Instances) != 1 {
		s.t.Fatalf("Launch returned %+v, want a cluster of 1 instance", cl)
	}
	if cl.Name != name || cl.Cloud != s.d.Cloud() || cl.Region != req.Region || cl.InstanceType != req.InstanceType || cl.Spot != req.Spot {
		s.t.Errorf("cluster = %+v; want name %q, cloud %q, region %q, type %q, spot %v", cl, name, s.d.Cloud(), req.Region, req.InstanceType, req.Spot)
	}
	if req.Zone != "" && cl.Zone != req.Zone {
		s.t.Errorf("cluster zone = %q, want %q", cl.Zone, req.Zone)
	}
	in := cl.Instances[0]
	if in.ID == "" || in.State != "running" {
		s.t.Errorf("instance = %+v, want an ID and state running", in)
	}
	if got := s.live(name); !slices.Equal(got, []string{in.ID}) {
		s.t.Errorf("live instances of %q = %v, want [%s]", name, got, in.ID)
	}
	s.terminate(cl)
	s.expectGone(name)
}

func testCount(s *suite) {
	name := s.cluster("count")
	cl := s.launch(s.request(name, 3))
	defer s.cleanup(name, cl)
	if len(cl.Instances) != 3 {
		s.t.Fatalf("Launch of 3 returned %d instances", len(cl.Instances))
	}
	ids := cl.InstanceIDs()
	slices.Sort(ids)
	if len(slices.Compact(slices.Clone(ids))) != 3 {
		s.t.Errorf("instance IDs are not distinct: %v", ids)
	}
	for _, in := range cl.Instances {
		if in.Zone != cl.Instances[0].Zone {
			s.t.Errorf("nodes in different zones: %q and %q (a gang goes to one zone)", in.Zone, cl.Instances[0].Zone)
		}
	}
	if got := s.live(name); !slices.Equal(got, ids) {
		s.t.Errorf("live = %v, want %v", got, ids)
	}
	s.terminate(cl)
	s.expectGone(name)
}

func testTerminateIdempotent(s *suite) {
	name := s.cluster("twice")
	cl := s.launch(s.request(name, 2))
	defer s.cleanup(name, cl)
	s.terminate(cl)
	if err := s.d.Terminate(s.ctx, cl); err != nil {
		s.t.Errorf("second Terminate of a gone cluster: %v", err)
	}
	s.expectGone(name)
}

func testTerminatePartlyGone(s *suite) {
	name := s.cluster("partly")
	cl := s.launch(s.request(name, 3))
	defer s.cleanup(name, cl)
	first := *cl
	first.Instances = cl.Instances[:1]
	s.terminate(&first)
	if got := s.live(name); len(got) != 2 {
		s.t.Errorf("after terminating 1 of 3, live = %v, want 2", got)
	}
	if err := s.d.Terminate(s.ctx, cl); err != nil {
		s.t.Errorf("Terminate of a partly gone cluster: %v", err)
	}
	s.expectGone(name)
}

func testCancelledContext(s *suite) {
	name := s.cluster("cancelled")
	ctx, cancel := context.WithCancel(s.ctx)
	cancel()
	cl, err := s.d.Launch(ctx, s.request(name, 2))
	defer s.cleanup(name, cl)
	if err == nil {
		s.t.Fatalf("Launch with a cancelled context succeeded: %+v", cl)
	}
	if !errors.Is(err, context.Canceled) {
		s.t.Errorf("Launch with a cancelled context: error %v does not wrap context.Canceled", err)
	}
	// Whatever it created must have been returned (or nothing created).
	returned := cl.InstanceIDs()
	for _, id := range s.live(name) {
		if !slices.Contains(returned, id) {
			s.t.Errorf("instance %s is live but the cancelled Launch did not return it", id)
		}
	}
	if cl != nil {
		if err := s.d.Terminate(s.ctx, cl); err != nil {
			s.t.Errorf("Terminate after a cancelled Launch: %v", err)
		}
	}
	s.expectGone(name)
}

func testListByCluster(s *suite) {
	lister, ok := s.d.(drivers.ClusterLister)
	if !ok {
		s.t.Skip("the driver does not implement drivers.ClusterLister")
	}
	a, b := s.cluster("list-a"), s.cluster("list-b")
	ca := s.launch(s.request(a, 2))
	defer s.cleanup(a, ca)
	cb := s.launch(s.request(b, 1))
	defer s.cleanup(b, cb)
	region := s.h.Request().Region
	for _, tt := range []struct {
		cluster, region string
		want            []string
	}{
		{a, "", ca.InstanceIDs()},
		{a, region, ca.InstanceIDs()},
		{b, "", cb.InstanceIDs()},
		{s.cluster("list-none"), "", nil},
	} {
		got, err := lister.ListInstances(s.ctx, tt.cluster, tt.region)
		if err != nil {
			s.t.Fatalf("ListInstances(%q, %q): %v", tt.cluster, tt.region, err)
		}
		ids := make([]string, len(got))
		for i, in := range got {
			ids[i] = in.ID
		}
		slices.Sort(ids)
		want := slices.Clone(tt.want)
		slices.Sort(want)
		if !slices.Equal(ids, want) {
			s.t.Errorf("ListInstances(%q, %q) = %v, want %v", tt.cluster, tt.region, ids, want)
		}
	}
	s.terminate(ca)
	if got, err := lister.ListInstances(s.ctx, a, ""); err != nil || len(got) != 0 {
		s.t.Errorf("ListInstances after Terminate = %v, %v; want none", got, err)
	}
	s.terminate(cb)
}

func testIdempotencyToken(s *suite) {
	name := s.cluster("token")
	req := s.request(name, 2)
	first := s.launch(req)
	defer s.cleanup(name, first)
	again, err := s.d.Launch(s.ctx, req)
	defer s.cleanup(name, again)
	if err != nil {
		s.t.Fatalf("Launch repeated with the same token: %v", err)
	}
	a, b := first.InstanceIDs(), again.InstanceIDs()
	slices.Sort(a)
	slices.Sort(b)
	if !slices.Equal(a, b) {
		s.t.Errorf("a repeated token returned instances %v, the first launch %v", b, a)
	}
	if got := s.live(name); len(got) != 2 {
		s.t.Errorf("live after a repeated token = %v, want the 2 instances of the first launch", got)
	}
	s.terminate(first)
	s.expectGone(name)
}

func testConcurrent(s *suite) {
	const n = 6
	names := make([]string, n)
	clusters := make([]*drivers.Cluster, n)
	errs := make([]error, n)
	for i := range names {
		names[i] = s.cluster(fmt.Sprintf("conc%d", i))
	}
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { clusters[i], errs[i] = s.d.Launch(s.ctx, s.request(names[i], 1)) })
	}
	wg.Wait()
	defer func() {
		for i := range n {
			s.cleanup(names[i], clusters[i])
		}
	}()
	seen := map[string]bool{}
	for i := range n {
		if errs[i] != nil {
			s.t.Fatalf("concurrent Launch %d: %v", i, errs[i])
		}
		for _, id := range clusters[i].InstanceIDs() {
			if seen[id] {
				s.t.Errorf("instance %s returned to two concurrent launches", id)
			}
			seen[id] = true
		}
	}
	for i := range n {
		wg.Go(func() { errs[i] = s.d.Terminate(s.ctx, clusters[i]) })
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			s.t.Errorf("concurrent Terminate %d: %v", i, errs[i])
		}
		s.expectGone(names[i])
	}
}

func testUnsupported(s *suite) {
	name := s.cluster("unsupported")
	req := s.h.UnsupportedRequest()
	req.ClusterName, req.Token = name, name+"-t0"
	cl, err := s.d.Launch(s.ctx, req)
	defer s.cleanup(name, cl)
	var de *drivers.Error
	if !errors.As(err, &de) {
		s.t.Fatalf("Launch of an unsupported offering: error %v (%T) is not a *drivers.Error", err, err)
	}
	if de.Class != drivers.ClassUnsupported {
		s.t.Errorf("unsupported offering: class = %v (code %q: %s), want unsupported", de.Class, de.Code, de.Message)
	}
	if sc := de.EffectiveScope(); sc != drivers.ScopeZone && sc != drivers.ScopeRegion {
		s.t.Errorf("unsupported offering: scope = %v, want zone or region (it says nothing about the rest of the cloud)", sc)
	}
	if cl != nil && len(cl.Instances) > 0 {
		s.t.Errorf("an unsupported launch returned instances: %v", cl.InstanceIDs())
	}
	s.expectGone(name)
}

// faultTest: one launch fails with the injected kind; nothing is left
// running; the next launch (the fault fired once) succeeds.
func faultTest(k FaultKind) func(s *suite) {
	return func(s *suite) {
		name := s.cluster(strings.ToLower(k.String()))
		req := s.request(name, 1)
		s.inject(Fault{Kind: k, Request: req, Times: 1})
		cl, err := s.d.Launch(s.ctx, req)
		defer s.cleanup(name, cl)
		s.checkError(err, k, req.Zone != "")
		if cl != nil && len(cl.Instances) > 0 {
			s.t.Errorf("%v: the failed launch returned instances %v", k, cl.InstanceIDs())
		}
		s.expectGone(name)
		// A new attempt (new token) after the one-shot fault succeeds.
		req.Token = name + "-t1"
		cl2 := s.launch(req)
		defer s.cleanup(name, cl2)
		s.terminate(cl2)
		s.expectGone(name)
	}
}

func testCredentials(s *suite) {
	cc, ok := s.d.(drivers.CredentialChecker)
	if !ok {
		s.t.Skip("the driver does not implement drivers.CredentialChecker")
	}
	if err := cc.CheckCredentials(s.ctx); err != nil {
		s.t.Fatalf("CheckCredentials on a healthy set-up: %v", err)
	}
	s.inject(Fault{Kind: Credentials, Times: 1})
	s.checkError(cc.CheckCredentials(s.ctx), Credentials, true)
}

func testPartialGang(s *suite) {
	name := s.cluster("gang")
	req := s.request(name, 3)
	s.inject(Fault{Kind: PartialGang, Request: req, Times: 1})
	cl, err := s.d.Launch(s.ctx, req)
	defer s.cleanup(name, cl)
	if err == nil {
		s.t.Fatalf("a partial gang launch succeeded: %+v", cl)
	}
	var de *drivers.Error
	if !errors.As(err, &de) {
		s.t.Errorf("partial gang: error %v (%T) is not a *drivers.Error", err, err)
	}
	// All-or-nothing: what the provider created must come back for rollback.
	returned := cl.InstanceIDs()
	live := s.live(name)
	if len(live) == 0 {
		s.t.Fatalf("partial gang: no instance was created (the harness must create some)")
	}
	for _, id := range live {
		if !slices.Contains(returned, id) {
			s.t.Errorf("partial gang: instance %s is live but was not returned with the error (returned %v)", id, returned)
		}
	}
	if len(returned) >= 3 {
		s.t.Errorf("partial gang returned %d instances with an error, want fewer than 3", len(returned))
	}
	s.terminate(cl)
	s.expectGone(name)
}

func testTerminateFailure(s *suite) {
	name := s.cluster("termfail")
	req := s.request(name, 1)
	cl := s.launch(req)
	defer s.cleanup(name, cl)
	s.inject(Fault{Kind: TerminateFailure, Request: req, Times: 1})
	err := s.d.Terminate(s.ctx, cl)
	if err == nil {
		s.t.Fatal("Terminate succeeded through an injected failure")
	}
	var de *drivers.Error
	if !errors.As(err, &de) {
		s.t.Errorf("Terminate failure: error %v (%T) is not a *drivers.Error", err, err)
	}
	if got := s.live(name); len(got) != 1 {
		s.t.Errorf("after a failed Terminate, live = %v, want the instance still there", got)
	}
	s.terminate(cl)
	s.expectGone(name)
}
