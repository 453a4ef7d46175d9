package drivertest_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/skyhop/skyhop/catalog"
	"github.com/skyhop/skyhop/drivers"
	"github.com/skyhop/skyhop/drivers/drivertest"
	"github.com/skyhop/skyhop/drivers/fake"
)

// A GCP fake with a small harness; the fake's own tests run the whole suite
// on every cloud. Here the point is the suite itself: it must pass a good
// driver and fail broken ones.
type harness struct {
	fc *fake.Clouds
	d  drivers.Driver
}

var gcpReq = drivers.LaunchRequest{InstanceType: "n1-highmem-8", Region: "us-central1", Zone: "us-central1-a"}

func newHarness(wrap func(*fake.Driver) drivers.Driver) *harness {
	fc := fake.New(fake.WithOfferings(catalog.Offering{Cloud: "gcp", InstanceType: "n1-highmem-8",
		Region: "us-central1", Zone: "us-central1-a", Price: 0.47}))
	var d drivers.Driver = fc.Driver("gcp")
	if wrap != nil {
		d = wrap(fc.Driver("gcp"))
	}
	return &harness{fc: fc, d: d}
}

func (h *harness) Driver() drivers.Driver         { return h.d }
func (h *harness) Request() drivers.LaunchRequest { return gcpReq }
func (h *harness) UnsupportedRequest() drivers.LaunchRequest {
	r := gcpReq
	r.InstanceType = "a3-highgpu-8g"
	return r
}
func (h *harness) Close() {}

func (h *harness) Live(_ context.Context, cluster string) ([]drivers.Instance, error) {
	var out []drivers.Instance
	for _, li := range h.fc.Inventory() {
		if li.Cluster == cluster {
			out = append(out, li.Instance)
		}
	}
	return out, nil
}

func (h *harness) Inject(_ context.Context, f drivertest.Fault) error {
	codes := map[drivertest.FaultKind]string{
		drivertest.Stockout: "ZONE_RESOURCE_POOL_EXHAUSTED", drivertest.Quota: "QUOTA_EXCEEDED",
		drivertest.Permission: "forbidden", drivertest.Throttle: "rateLimitExceeded",
		drivertest.Transient: "backendError", drivertest.Invalid: "VPC_NOT_FOUND",
		drivertest.Credentials: "authError", drivertest.PartialGang: "VM_MIN_COUNT_NOT_REACHED",
		drivertest.TerminateFailure: "backendError",
	}
	flt := fake.Fault{Cloud: "gcp", Code: codes[f.Kind], Times: f.Times, Zone: f.Request.Zone}
	switch f.Kind {
	case drivertest.Credentials:
		flt.Op, flt.Zone = fake.OpCheckCredentials, ""
	case drivertest.PartialGang:
		flt.Created = 1
	case drivertest.TerminateFailure:
		flt.Op = fake.OpTerminate
	}
	return h.fc.AddFault(flt)
}

func TestSuitePassesTheFake(t *testing.T) {
	drivertest.Run(t, func(ctx context.Context, t *testing.T) (drivertest.Harness, error) {
		return newHarness(nil), nil
	})
	// And with the recorder, so the recorded runs below are comparable.
	for _, name := range drivertest.TestNames() {
		if failures, skipped := drivertest.RunRecorded(t.Context(), name, newHarness(nil)); len(failures) > 0 || skipped {
			t.Errorf("%s on the fake: failures %v, skipped %v", name, failures, skipped)
		}
	}
}

// Broken drivers, each wrong in one way.
type (
	// reclassify reports every launch error as unknown.
	reclassify struct{ *fake.Driver }
	// narrowQuota reports quota errors at zone scope.
	narrowQuota struct{ *fake.Driver }
	// plainErrors returns unclassified errors.
	plainErrors struct{ *fake.Driver }
	// oneNode ignores the count.
	oneNode struct{ *fake.Driver }
	// ignoreCancel launches even when the context is cancelled.
	ignoreCancel struct{ *fake.Driver }
	// fakeTerminate claims success without terminating.
	fakeTerminate struct{ *fake.Driver }
	// strictTerminate fails on instances already gone.
	strictTerminate struct{ *fake.Driver }
	// dropPartial drops the partial cluster of a failed launch.
	dropPartial struct{ *fake.Driver }
	// newEachTime ignores the idempotency token.
	newEachTime struct{ *fake.Driver }
	// listAll lists every instance, whatever the cluster.
	listAll struct{ *fake.Driver }
)

func (d reclassify) Launch(ctx context.Context, r drivers.LaunchRequest) (*drivers.Cluster, error) {
	cl, err := d.Driver.Launch(ctx, r)
	var de *drivers.Error
	if errors.As(err, &de) {
		de.Class, de.Scope = drivers.ClassUnknown, drivers.ScopeDefault
	}
	return cl, err
}

func (d narrowQuota) Launch(ctx context.Context, r drivers.LaunchRequest) (*drivers.Cluster, error) {
	cl, err := d.Driver.Launch(ctx, r)
	var de *drivers.Error
	if errors.As(err, &de) && de.Class == drivers.ClassQuota {
		de.Scope = drivers.ScopeZone
	}
	return cl, err
}

func (d plainErrors) Launch(ctx context.Context, r drivers.LaunchRequest) (*drivers.Cluster, error) {
	cl, err := d.Driver.Launch(ctx, r)
	if err != nil {
		err = errors.New(err.Error())
	}
	return cl, err
}

func (d oneNode) Launch(ctx context.Context, r drivers.LaunchRequest) (*drivers.Cluster, error) {
	r.Count = 1
	return d.Driver.Launch(ctx, r)
}

func (d ignoreCancel) Launch(ctx context.Context, r drivers.LaunchRequest) (*drivers.Cluster, error) {
	cl, err := d.Driver.Launch(context.WithoutCancel(ctx), r)
	if err == nil && ctx.Err() != nil {
		return nil, ctx.Err() // and forgets what it made
	}
	return cl, err
}

func (d fakeTerminate) Terminate(context.Context, *drivers.Cluster) error { return nil }

func (d strictTerminate) Terminate(ctx context.Context, c *drivers.Cluster) error {
	live, err := d.Driver.ListInstances(ctx, c.Name, "")
	if err != nil {
		return err
	}
	if len(live) < len(c.Instances) {
		return fmt.Errorf("instance not found")
	}
	return d.Driver.Terminate(ctx, c)
}

func (d dropPartial) Launch(ctx context.Context, r drivers.LaunchRequest) (*drivers.Cluster, error) {
	cl, err := d.Driver.Launch(ctx, r)
	if err != nil {
		return nil, err
	}
	return cl, nil
}

func (d newEachTime) Launch(ctx context.Context, r drivers.LaunchRequest) (*drivers.Cluster, error) {
	r.Token = ""
	return d.Driver.Launch(ctx, r)
}

func (d listAll) ListInstances(ctx context.Context, _, region string) ([]drivers.Instance, error) {
	var out []drivers.Instance
	for _, li := range d.Driver.Clouds().Inventory() {
		out = append(out, li.Instance)
	}
	return out, nil
}

func TestSuiteCatchesBrokenDrivers(t *testing.T) {
	tests := []struct {
		name string
		wrap func(*fake.Driver) drivers.Driver
		test string
		want string // a failure message must contain it
	}{
		{"misclassified stockout", func(d *fake.Driver) drivers.Driver { return reclassify{d} }, "Fault/Stockout", "class = unknown"},
		{"misclassified throttle", func(d *fake.Driver) drivers.Driver { return reclassify{d} }, "Fault/Throttle", "want throttle"},
		{"misclassified unsupported", func(d *fake.Driver) drivers.Driver { return reclassify{d} }, "Unsupported", "want unsupported"},
		{"quota scope too narrow", func(d *fake.Driver) drivers.Driver { return narrowQuota{d} }, "Fault/Quota", "effective scope = zone"},
		{"unclassified errors", func(d *fake.Driver) drivers.Driver { return plainErrors{d} }, "Fault/Permission", "is not a *drivers.Error"},
		{"count ignored", func(d *fake.Driver) drivers.Driver { return oneNode{d} }, "Count", "returned 1 instances"},
		{"cancel ignored", func(d *fake.Driver) drivers.Driver { return ignoreCancel{d} }, "CancelledContext", "did not return it"},
		{"terminate lies", func(d *fake.Driver) drivers.Driver { return fakeTerminate{d} }, "LaunchTerminate", "still live"},
		{"terminate not idempotent", func(d *fake.Driver) drivers.Driver { return strictTerminate{d} }, "TerminatePartlyGone", "partly gone"},
		{"partial gang dropped", func(d *fake.Driver) drivers.Driver { return dropPartial{d} }, "Fault/PartialGang", "was not returned with the error"},
		{"token ignored", func(d *fake.Driver) drivers.Driver { return newEachTime{d} }, "IdempotencyToken", "a repeated token returned"},
		{"list ignores cluster", func(d *fake.Driver) drivers.Driver { return listAll{d} }, "ListByCluster", "ListInstances("},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			failures, skipped := drivertest.RunRecorded(t.Context(), tt.test, newHarness(tt.wrap))
			if skipped {
				t.Fatalf("%s was skipped", tt.test)
			}
			if len(failures) == 0 {
				t.Fatalf("%s passed a broken driver", tt.test)
			}
			for _, f := range failures {
				if strings.Contains(f, tt.want) {
					return
				}
			}
			t.Fatalf("%s failures %q lack %q", tt.test, failures, tt.want)
		})
	}
}

// A driver without the optional interfaces skips those tests.
type bare struct{ d *fake.Driver }

func (b bare) Cloud() string { return b.d.Cloud() }
func (b bare) Launch(ctx context.Context, r drivers.LaunchRequest) (*drivers.Cluster, error) {
	return b.d.Launch(ctx, r)
}
func (b bare) Terminate(ctx context.Context, c *drivers.Cluster) error { return b.d.Terminate(ctx, c) }

func TestSuiteSkipsOptionalInterfaces(t *testing.T) {
	for _, name := range []string{"ListByCluster", "Fault/Credentials"} {
		_, skipped := drivertest.RunRecorded(t.Context(), name, newHarness(func(d *fake.Driver) drivers.Driver { return bare{d} }))
		if !skipped {
			t.Errorf("%s ran on a driver without the interface", name)
		}
	}
}

// A harness that cannot inject a fault skips the test.
type noInject struct{ *harness }

func (noInject) Inject(context.Context, drivertest.Fault) error { return drivertest.ErrNotSupported }

func TestSuiteSkipsUninjectable(t *testing.T) {
	_, skipped := drivertest.RunRecorded(t.Context(), "Fault/Quota", noInject{newHarness(nil)})
	if !skipped {
		t.Error("Fault/Quota ran without injection")
	}
}

// A Skipper skips what it names.
type skipper struct{ *harness }

func (skipper) SkipReason(test string) string {
	if test == "IdempotencyToken" {
		return "the emulator ignores tokens"
	}
	return ""
}

func TestSkipper(t *testing.T) {
	made := map[string]*harness{}
	t.Run("suite", func(t *testing.T) {
		drivertest.Run(t, func(ctx context.Context, t *testing.T) (drivertest.Harness, error) {
			h := newHarness(nil)
			made[t.Name()] = h
			return skipper{h}, nil
		})
	})
	if len(made) != len(drivertest.TestNames()) {
		t.Fatalf("made %d harnesses for %d tests", len(made), len(drivertest.TestNames()))
	}
	for name, h := range made {
		calls := len(h.fc.Calls())
		if skipped := strings.HasSuffix(name, "/IdempotencyToken"); skipped != (calls == 0) {
			t.Errorf("%s: %d calls (skipped: %v)", name, calls, skipped)
		}
	}
}

func TestExpect(t *testing.T) {
	for _, tt := range []struct {
		k     drivertest.FaultKind
		zonal bool
		class drivers.Class
		n     int
	}{
		{drivertest.Stockout, true, drivers.ClassCapacity, 1},
		{drivertest.Stockout, false, drivers.ClassCapacity, 2},
		{drivertest.Quota, true, drivers.ClassQuota, 1},
		{drivertest.Credentials, true, drivers.ClassPermission, 1},
		{drivertest.PartialGang, true, drivers.ClassUnknown, 0},
	} {
		c, scopes := drivertest.Expect(tt.k, tt.zonal)
		if c != tt.class || len(scopes) != tt.n {
			t.Errorf("Expect(%v, %v) = %v, %v", tt.k, tt.zonal, c, scopes)
		}
	}
	if drivertest.Stockout.String() != "Stockout" || drivertest.FaultKind(99).String() != "FaultKind(99)" {
		t.Error("FaultKind.String")
	}
}
