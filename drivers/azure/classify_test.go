package azure_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"

	"github.com/skyhop/skyhop/drivers"
	"github.com/skyhop/skyhop/drivers/azure"
	"github.com/skyhop/skyhop/drivers/codes"
	"github.com/skyhop/skyhop/internal/azurefake"
)

var a100 = drivers.LaunchRequest{ClusterName: "cls", InstanceType: "Standard_NC24ads_A100_v4", Region: "eastus", Spot: true, Token: "tok"}

// launchErr launches req against a fake with one fault and returns the
// classified error; it also checks that nothing billable is left.
func launchErr(t *testing.T, req drivers.LaunchRequest, f azurefake.Fault) *drivers.Error {
	t.Helper()
	d, srv := newDriver(t)
	srv.AddFault(f)
	cl, err := d.Launch(context.Background(), req)
	if cl != nil {
		t.Errorf("a failed single-node launch returned a cluster: %+v", cl)
	}
	var de *drivers.Error
	if !errors.As(err, &de) {
		t.Fatalf("Launch: error %v (%T) is not a *drivers.Error", err, err)
	}
	if left := srv.Billable(); len(left) > 0 {
		t.Errorf("billable resources left on the fake: %+v", left)
	}
	if de.Cloud != "azure" || de.Region != req.Region || de.Op != "launch" {
		t.Errorf("error location = %q %q op %q", de.Cloud, de.Region, de.Op)
	}
	return de
}

// TestTableThroughSDK injects every code of the Azure table through the
// real SDK, both as an immediate ARM error (with the row's status, or the
// code's usual one) and, for rows that do not depend on the status, as a
// failed long-running operation (which the SDK reports with status 200),
// and checks the class and scope the table states.
func TestTableThroughSDK(t *testing.T) {
	for i, row := range codes.Azure.Rows() {
		msg := "injected error"
		if row.Message != "" {
			msg = "injected: " + row.Message + " (test)"
		}
		vs := []struct {
			name string
			f    azurefake.Fault
		}{{"immediate", azurefake.Fault{Code: row.Code, Message: msg, Status: row.HTTPStatus}}}
		if row.HTTPStatus == 0 {
			vs = append(vs, struct {
				name string
				f    azurefake.Fault
			}{"async", azurefake.Fault{Code: row.Code, Message: msg, Async: true}})
		}
		for _, v := range vs {
			t.Run(fmt.Sprintf("%02d-%s-%s", i, row.Code, v.name), func(t *testing.T) {
				de := launchErr(t, a100, v.f)
				if de.Class != row.Class || de.EffectiveScope() != row.Scope {
					t.Errorf("code %q (%s): class/scope = %v/%v, want %v/%v (row: %s); error: %v",
						row.Code, v.name, de.Class, de.EffectiveScope(), row.Class, row.Scope, row.Meaning, de)
				}
				if de.Code != row.Code || !strings.Contains(de.Message, msg) {
					t.Errorf("error code/message = %q/%q, want %q/…%q…", de.Code, de.Message, row.Code, msg)
				}
				if v.f.Async && de.HTTPStatus != 200 {
					t.Errorf("a failed operation came with status %d, want 200 (the poll's)", de.HTTPStatus)
				}
			})
		}
	}
}

// TestReferencePayloads sends the reference's payloads (cloud-apis.md §0 and
// §3.3) with their statuses and checks the stated classes.
func TestReferencePayloads(t *testing.T) {
	zonal := a100
	zonal.Zone = "2"
	for _, tc := range []struct {
		name  string
		req   drivers.LaunchRequest
		f     azurefake.Fault
		class drivers.Class
		scope drivers.Scope
	}{
		{"SkuNotAvailable 409", a100, azurefake.Fault{Code: "SkuNotAvailable"}, drivers.ClassUnsupported, drivers.ScopeRegion},
		{"SkuNotAvailable in the operation", a100, azurefake.Fault{Code: "SkuNotAvailable", Async: true}, drivers.ClassUnsupported, drivers.ScopeRegion},
		{"AllocationFailed in the operation", a100, azurefake.Fault{Code: "AllocationFailed", Async: true}, drivers.ClassCapacity, drivers.ScopeRegion},
		{"AllocationFailed 409", a100, azurefake.Fault{Code: "AllocationFailed"}, drivers.ClassCapacity, drivers.ScopeRegion},
		{"ZonalAllocationFailed", zonal, azurefake.Fault{Code: "ZonalAllocationFailed", Async: true}, drivers.ClassCapacity, drivers.ScopeZone},
		{"OverconstrainedAllocationRequest", a100, azurefake.Fault{Code: "OverconstrainedAllocationRequest", Async: true}, drivers.ClassCapacity, drivers.ScopeRegion},
		{"OverconstrainedZonalAllocationRequest", zonal, azurefake.Fault{Code: "OverconstrainedZonalAllocationRequest", Async: true}, drivers.ClassCapacity, drivers.ScopeZone},
		{"family cores quota 409", a100, azurefake.Fault{Code: "OperationNotAllowed"}, drivers.ClassQuota, drivers.ScopeRegion},
		{"total regional cores quota 409", a100, azurefake.Fault{Code: "OperationNotAllowed",
			Message: "Operation could not be completed as it results in exceeding approved Total Regional Cores quota. Additional details - Deployment Model: Resource Manager, Location: eastus, Current Limit: 10, Current Usage: 8, Additional Required: 24"},
			drivers.ClassQuota, drivers.ScopeRegion},
		{"spot cores quota", a100, azurefake.Fault{Code: "OperationNotAllowed",
			Message: "Operation could not be completed as it results in exceeding approved LowPriorityCores quota."}, drivers.ClassQuota, drivers.ScopeRegion},
		{"quota in the operation", a100, azurefake.Fault{Code: "OperationNotAllowed", Async: true}, drivers.ClassQuota, drivers.ScopeRegion},
		{"throttle 429", a100, azurefake.Fault{Code: "OperationNotAllowed", Status: 429}, drivers.ClassThrottle, drivers.ScopeDefault},
		{"AuthorizationFailed 403", a100, azurefake.Fault{Code: "AuthorizationFailed"}, drivers.ClassPermission, drivers.ScopeCloud},
		{"InvalidParameter 400", a100, azurefake.Fault{Code: "InvalidParameter"}, drivers.ClassInvalid, drivers.ScopeCloud},
		{"500", a100, azurefake.Fault{Code: "InternalServerError"}, drivers.ClassTransient, drivers.ScopeDefault},
		{"503 with an unknown code", a100, azurefake.Fault{Code: "SomethingNew", Status: 503}, drivers.ClassTransient, drivers.ScopeDefault},
		{"unknown code 409", a100, azurefake.Fault{Code: "SomethingNew", Status: 409}, drivers.ClassUnknown, drivers.ScopeRegion},
		{"NIC refused", a100, azurefake.Fault{Type: azurefake.NetworkInterfaces, Code: "AuthorizationFailed"}, drivers.ClassPermission, drivers.ScopeCloud},
		{"public IP quota", a100, azurefake.Fault{Type: azurefake.PublicIPAddresses, Code: "ResourceCountExceedsLimitDueToTemplate"}, drivers.ClassQuota, drivers.ScopeRegion},
	} {
		t.Run(tc.name, func(t *testing.T) {
			de := launchErr(t, tc.req, tc.f)
			if de.Class != tc.class || de.EffectiveScope() != tc.scope {
				t.Errorf("class/scope = %v/%v, want %v/%v: %v", de.Class, de.EffectiveScope(), tc.class, tc.scope, de)
			}
		})
	}
}

// TestNoSDKRetryOfCreate: a refused VM PUT is sent once, 429 and 5xx
// included (the SDK's default would send it four times).
func TestNoSDKRetryOfCreate(t *testing.T) {
	for _, f := range []azurefake.Fault{
		{Code: "OperationNotAllowed", Status: 429},
		{Code: "InternalServerError"},
	} {
		t.Run(f.Code, func(t *testing.T) {
			d, srv := newDriver(t, azure.WithPublicIP(false))
			srv.AddFault(f)
			if _, err := d.Launch(context.Background(), a100); err == nil {
				t.Fatal("Launch succeeded")
			}
			// One vnet PUT, one NIC PUT, one VM PUT.
			if n := srv.Calls(azurefake.OpCreate); n != 3 {
				t.Errorf("%d PUTs, want 3 (no retry of the VM)", n)
			}
		})
	}
}

type failingCred struct{}

func (failingCred) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{}, errors.New("DefaultAzureCredential: failed to acquire a token.\nAttempted credentials:\n\tEnvironmentCredential: missing environment variables")
}

// TestCredentialWithoutToken: a credential chain that cannot get a token is
// a permission error for the whole cloud, at preflight.
func TestCredentialWithoutToken(t *testing.T) {
	d, _ := newDriver(t, azure.WithCredential(failingCred{}))
	err := d.CheckCredentials(context.Background())
	var de *drivers.Error
	if !errors.As(err, &de) || de.Class != drivers.ClassPermission || de.EffectiveScope() != drivers.ScopeCloud || de.Code != "ClientAuthenticationError" {
		t.Fatalf("CheckCredentials = %v, want a permission error (ClientAuthenticationError) for the cloud", err)
	}
}

// TestRetryAfter: a 429's Retry-After header reaches drivers.Error.RetryAfter,
// so that the engine waits as long as Azure asked.
func TestRetryAfter(t *testing.T) {
	d, srv := newDriver(t, azure.WithPublicIP(false))
	srv.AddFault(azurefake.Fault{Code: "OperationNotAllowed", Status: 429, RetryAfter: 7})
	_, err := d.Launch(context.Background(), a100)
	var de *drivers.Error
	if !errors.As(err, &de) || de.Class != drivers.ClassThrottle || de.RetryAfter != 7*time.Second {
		t.Fatalf("Launch error = %#v, want a throttle with RetryAfter 7s", de)
	}
}
