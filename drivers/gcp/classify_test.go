package gcp_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode"

	"github.com/skyhop/skyhop/drivers"
	"github.com/skyhop/skyhop/drivers/codes"
	"github.com/skyhop/skyhop/drivers/gcp"
	"github.com/skyhop/skyhop/internal/gcefake"
)

var v100 = drivers.LaunchRequest{ClusterName: "cls", InstanceType: "n1-highmem-8", Region: "us-central1", Zone: "us-central1-a",
	Accelerator: "V100", AcceleratorCount: 1, Token: "tok"}

// launchErr launches v100 against a fake with one fault and returns the
// classified error; it also checks that nothing is left on the fake.
func launchErr(t *testing.T, f gcefake.Fault) *drivers.Error {
	t.Helper()
	d, srv := newDriver(t)
	srv.AddFault(f)
	cl, err := d.Launch(context.Background(), v100)
	if cl != nil {
		t.Errorf("a failed single-node launch returned a cluster: %+v", cl)
	}
	var de *drivers.Error
	if !errors.As(err, &de) {
		t.Fatalf("Launch: error %v (%T) is not a *drivers.Error", err, err)
	}
	if left := srv.Instances(); len(left) > 0 {
		t.Errorf("instances left on the fake: %+v", left)
	}
	if de.Cloud != "gcp" || de.Zone != v100.Zone || de.Region != v100.Region || de.Op != "launch" {
		t.Errorf("error location = %q %q/%q op %q", de.Cloud, de.Region, de.Zone, de.Op)
	}
	return de
}

// operationCode reports whether a table code comes in an operation's
// error list (upper-case codes, type URLs, TPU numbers) rather than as an
// HTTP errors[].reason (lowerCamel).
func operationCode(code string) bool {
	return strings.Contains(code, ".") || !strings.ContainsFunc(code, unicode.IsLower)
}

// TestTableThroughSDK injects every code of the GCP table, in the form GCE
// sends it (a failed operation, or a synchronous HTTP error), through the
// real SDK, and checks the class and scope the table states. Operation
// codes are sent twice: with httpErrorStatusCode (the SDK's Wait fails) and
// without (Wait returns nil: the driver must read the error list itself).
func TestTableThroughSDK(t *testing.T) {
	for i, row := range codes.GCP.Rows() {
		code := row.Code
		if code == "" {
			code = "SOME_UNLISTED_CODE" // a message-only row matches any unknown code
		}
		msg := "injected error"
		if row.Message != "" {
			msg = "injected: " + row.Message + " (test)"
		}
		type variant struct {
			name string
			f    gcefake.Fault
		}
		var vs []variant
		if operationCode(code) {
			vs = append(vs,
				variant{"operation", gcefake.Fault{Code: code, Message: msg, HTTPStatus: row.HTTPStatus}},
				variant{"operation-without-httpErrorStatusCode", gcefake.Fault{Code: code, Message: msg, NoHTTPStatus: true}})
		} else {
			statuses := []int{row.HTTPStatus}
			switch {
			case row.HTTPStatus != 0:
			case code == "rateLimitExceeded":
				statuses = []int{403, 429} // Compute sends both
			default:
				statuses = []int{0} // the fake's usual status for the reason
			}
			for _, st := range statuses {
				vs = append(vs, variant{fmt.Sprintf("http-%d", st), gcefake.Fault{Code: code, Message: msg, HTTPStatus: st, Sync: true}})
			}
		}
		for _, v := range vs {
			t.Run(fmt.Sprintf("%02d-%s-%s", i, code, v.name), func(t *testing.T) {
				if v.f.NoHTTPStatus && row.HTTPStatus != 0 {
					t.Skip("the row needs the status")
				}
				de := launchErr(t, v.f)
				if de.Class != row.Class || de.EffectiveScope() != row.Scope {
					t.Errorf("code %q (%s): class/scope = %v/%v, want %v/%v (row: %s); error: %v",
						code, v.name, de.Class, de.EffectiveScope(), row.Class, row.Scope, row.Meaning, de)
				}
				if de.Code != code {
					t.Errorf("error code = %q, want %q", de.Code, code)
				}
				if !strings.Contains(de.Message, msg) {
					t.Errorf("error message %q does not carry the provider's %q", de.Message, msg)
				}
			})
		}
	}
}

// TestReferencePayloads sends the reference's own payloads (cloud-apis.md
// §0 and §2.3) and checks the classes the reference states.
func TestReferencePayloads(t *testing.T) {
	for _, tc := range []struct {
		name   string
		f      gcefake.Fault
		class  drivers.Class
		scope  drivers.Scope
		status int
	}{
		{"pool exhausted", gcefake.Fault{Code: "ZONE_RESOURCE_POOL_EXHAUSTED"}, drivers.ClassCapacity, drivers.ScopeZone, 503},
		{"pool exhausted with details", gcefake.Fault{Code: "ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS"}, drivers.ClassCapacity, drivers.ScopeZone, 503},
		{"regional quota in the operation", gcefake.Fault{Code: "QUOTA_EXCEEDED",
			Message: "Quota 'NVIDIA_H100_GPUS' exceeded.  Limit: 0.0 in region us-central1."}, drivers.ClassQuota, drivers.ScopeRegion, 403},
		{"global GPU quota in the operation", gcefake.Fault{Code: "QUOTA_EXCEEDED",
			Message: "Quota 'GPUS_ALL_REGIONS' exceeded.  Limit: 0.0 globally."}, drivers.ClassQuota, drivers.ScopeCloud, 403},
		{"global GPU quota at once", gcefake.Fault{Code: "quotaExceeded", Sync: true}, drivers.ClassQuota, drivers.ScopeCloud, 403},
		{"regional quota at once", gcefake.Fault{Code: "quotaExceeded", Sync: true,
			Message: "Quota 'CPUS' exceeded.  Limit: 24.0 in region us-central1."}, drivers.ClassQuota, drivers.ScopeRegion, 403},
		{"forbidden", gcefake.Fault{Code: "forbidden", Sync: true}, drivers.ClassPermission, drivers.ScopeCloud, 403},
		{"zone not accessible", gcefake.Fault{Code: "forbidden", Sync: true,
			Message: "The resource 'projects/proj-1/zones/us-central1-a' is not found or access is unauthorized."}, drivers.ClassPermission, drivers.ScopeZone, 403},
		{"rate limit 429", gcefake.Fault{Code: "rateLimitExceeded", Sync: true}, drivers.ClassThrottle, drivers.ScopeDefault, 429},
		{"rate limit 403", gcefake.Fault{Code: "rateLimitExceeded", Sync: true, HTTPStatus: 403}, drivers.ClassThrottle, drivers.ScopeDefault, 403},
		{"backend error", gcefake.Fault{Code: "backendError", Sync: true}, drivers.ClassTransient, drivers.ScopeDefault, 503},
		{"5xx without a known reason", gcefake.Fault{Code: "somethingNew", Sync: true, HTTPStatus: 502}, drivers.ClassTransient, drivers.ScopeDefault, 502},
		{"invalid", gcefake.Fault{Code: "invalid", Sync: true}, drivers.ClassInvalid, drivers.ScopeCloud, 400},
		{"unauthenticated", gcefake.Fault{Code: "authError", Sync: true}, drivers.ClassPermission, drivers.ScopeCloud, 401},
		{"unknown operation code", gcefake.Fault{Code: "SOMETHING_NEW"}, drivers.ClassUnknown, drivers.ScopeZone, 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			de := launchErr(t, tc.f)
			if de.Class != tc.class || de.EffectiveScope() != tc.scope || de.HTTPStatus != tc.status {
				t.Errorf("class/scope/status = %v/%v/%d, want %v/%v/%d: %v", de.Class, de.EffectiveScope(), de.HTTPStatus, tc.class, tc.scope, tc.status, de)
			}
		})
	}
}

// TestFailedOperationDetails: the error of a failed operation unwraps to
// the operation itself, quota details included.
func TestFailedOperationDetails(t *testing.T) {
	de := launchErr(t, gcefake.Fault{Code: "QUOTA_EXCEEDED"})
	var oe *gcp.OperationError
	if !errors.As(de, &oe) {
		t.Fatalf("error %v does not unwrap to *gcp.OperationError", de)
	}
	errs := oe.Operation.GetError().GetErrors()
	if len(errs) != 1 || errs[0].GetErrorDetails()[0].GetQuotaInfo().GetDimensions()["region"] != "us-central1" {
		t.Errorf("operation errors = %v, want the quota info of us-central1", errs)
	}
	if oe.Operation.GetHttpErrorStatusCode() != 403 || !strings.Contains(oe.Error(), "QUOTA_EXCEEDED") {
		t.Errorf("operation error = %v (status %d)", oe, oe.Operation.GetHttpErrorStatusCode())
	}
}

// TestNoSDKRetryOfCreate: a refused insert is sent once (the engine owns
// retries), for both the 5xx and the 429 forms.
func TestNoSDKRetryOfCreate(t *testing.T) {
	for _, f := range []gcefake.Fault{
		{Code: "backendError", Sync: true},
		{Code: "rateLimitExceeded", Sync: true},
		{Code: "insufficientCapacity", Sync: true},
	} {
		t.Run(f.Code, func(t *testing.T) {
			d, srv := newDriver(t)
			srv.AddFault(f)
			if _, err := d.Launch(context.Background(), v100); err == nil {
				t.Fatal("Launch succeeded")
			}
			if n := srv.Calls(gcefake.OpInsert); n != 1 {
				t.Errorf("insert sent %d times, want 1", n)
			}
		})
	}
}

// TestWidestEntryWins: an operation with several errors takes the widest
// scope among them, whatever their order, and a global quota named only in
// a message (any code) reaches the whole cloud.
func TestWidestEntryWins(t *testing.T) {
	for _, tc := range []struct {
		name  string
		f     gcefake.Fault
		class drivers.Class
		scope drivers.Scope
		code  string
	}{
		{"capacity then global quota", gcefake.Fault{Code: "ZONE_RESOURCE_POOL_EXHAUSTED",
			More: []gcefake.OpError{{Code: "QUOTA_EXCEEDED", Message: "Quota 'GPUS_ALL_REGIONS' exceeded.  Limit: 0.0 globally."}}},
			drivers.ClassQuota, drivers.ScopeCloud, "QUOTA_EXCEEDED"},
		{"regional quota then capacity", gcefake.Fault{Code: "QUOTA_EXCEEDED", Message: "Quota 'CPUS' exceeded.  Limit: 8.0 in region us-central1.",
			More: []gcefake.OpError{{Code: "ZONE_RESOURCE_POOL_EXHAUSTED", Message: "no resources"}}},
			drivers.ClassQuota, drivers.ScopeRegion, "QUOTA_EXCEEDED"},
		{"global quota in a message only", gcefake.Fault{Code: "SOME_WRAPPER", Message: "inner: Quota 'GPUS_ALL_REGIONS' exceeded. Limit: 0.0 globally."},
			drivers.ClassQuota, drivers.ScopeCloud, "SOME_WRAPPER"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			de := launchErr(t, tc.f)
			if de.Class != tc.class || de.EffectiveScope() != tc.scope || de.Code != tc.code {
				t.Errorf("class/scope/code = %v/%v/%s, want %v/%v/%s", de.Class, de.EffectiveScope(), de.Code, tc.class, tc.scope, tc.code)
			}
		})
	}
}
