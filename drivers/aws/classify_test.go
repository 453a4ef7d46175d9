package aws

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/skyhop/skyhop/drivers"
)

// sdkError builds the error chain the SDK returns for an EC2 error answer.
func sdkError(op, code, msg string, status int) error {
	return &smithy.OperationError{ServiceID: "EC2", OperationName: op, Err: &awshttp.ResponseError{
		RequestID: "req-1",
		ResponseError: &smithyhttp.ResponseError{
			Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}},
			Err:      &smithy.GenericAPIError{Code: code, Message: msg},
		},
	}}
}

// The classification of SDK error chains, without an emulator.
func TestClassify(t *testing.T) {
	for _, tc := range []struct {
		name  string
		err   error
		class drivers.Class
		scope drivers.Scope
		code  string
	}{
		{"ICE", sdkError("RunInstances", "InsufficientInstanceCapacity", "We currently do not have sufficient p5.48xlarge capacity", 500),
			drivers.ClassCapacity, drivers.ScopeZone, "InsufficientInstanceCapacity"},
		{"quota", sdkError("RunInstances", "VcpuLimitExceeded", "You have requested more vCPU capacity", 400),
			drivers.ClassQuota, drivers.ScopeRegion, "VcpuLimitExceeded"},
		{"wrapped", fmt.Errorf("outer: %w", sdkError("RunInstances", "UnauthorizedOperation", "no", 403)),
			drivers.ClassPermission, drivers.ScopeCloud, "UnauthorizedOperation"},
		{"unknown code", sdkError("RunInstances", "SomethingNew", "?", 400), drivers.ClassUnknown, drivers.ScopeZone, "SomethingNew"},
		{"5xx without code", &smithy.OperationError{ServiceID: "EC2", OperationName: "RunInstances", Err: &awshttp.ResponseError{
			ResponseError: &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: &http.Response{StatusCode: 502}},
				Err: errors.New("error while fetching xml error response code")}}}, drivers.ClassTransient, drivers.ScopeDefault, ""},
		{"no answer", &smithy.OperationError{ServiceID: "EC2", OperationName: "RunInstances",
			Err: &smithyhttp.RequestSendError{Err: errors.New("dial tcp 127.0.0.1:1: connect: connection refused")}},
			drivers.ClassTransient, drivers.ScopeDefault, CodeRequestSend},
		{"no credentials", &smithy.OperationError{ServiceID: "EC2", OperationName: "RunInstances",
			Err: errors.New("get identity: get credentials: failed to refresh cached credentials, no EC2 IMDS role found")},
			drivers.ClassPermission, drivers.ScopeCloud, CodeNoCredentials},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := classify(tc.err, "launch", "us-east-1", "use1-az4")
			var de *drivers.Error
			if !errors.As(err, &de) {
				t.Fatalf("classify = %v (%T)", err, err)
			}
			if de.Class != tc.class || de.EffectiveScope() != tc.scope || de.Code != tc.code {
				t.Errorf("= %v/%v %q, want %v/%v %q (%v)", de.Class, de.EffectiveScope(), de.Code, tc.class, tc.scope, tc.code, err)
			}
			if de.Err != tc.err {
				t.Errorf("the error unwraps to %v, want the SDK's error", de.Err)
			}
			if de.Region != "us-east-1" || de.Zone != "use1-az4" || de.Op != "launch" || de.Cloud != "aws" {
				t.Errorf("where = %+v", de)
			}
		})
	}
	if err := classify(nil, "launch", "", ""); err != nil {
		t.Errorf("classify(nil) = %v", err)
	}
	ctxErr := &smithy.OperationError{ServiceID: "EC2", OperationName: "RunInstances", Err: &smithy.CanceledError{Err: context.Canceled}}
	err := classify(ctxErr, "launch", "us-east-1", "")
	var de *drivers.Error
	if !errors.Is(err, context.Canceled) || errors.As(err, &de) {
		t.Errorf("a cancelled call = %v, want context.Canceled, unclassified", err)
	}
}

func TestStateReason(t *testing.T) {
	for _, tc := range []struct {
		code  string
		class drivers.Class
		short string
	}{
		{"Server.InsufficientInstanceCapacity", drivers.ClassCapacity, "InsufficientInstanceCapacity"},
		{"Server.SpotInstanceTermination", drivers.ClassCapacity, "SpotInstanceTermination"},
		{"Client.VolumeLimitExceeded", drivers.ClassQuota, "VolumeLimitExceeded"},
		{"Server.InternalError", drivers.ClassTransient, "InternalError"},
		{"Client.UserInitiatedShutdown", drivers.ClassUnknown, "UserInitiatedShutdown"},
		{"InstanceTerminated", drivers.ClassUnknown, "InstanceTerminated"},
		{"Other.InsufficientInstanceCapacity", drivers.ClassUnknown, "Other.InsufficientInstanceCapacity"},
	} {
		e := stateReasonError("i-1", tc.code, "", "us-east-1", "use1-az4")
		if e.Class != tc.class || e.Code != tc.short || !strings.Contains(e.Message, "i-1") {
			t.Errorf("%s: %v (%s), want %v %s", tc.code, e.Class, e.Code, tc.class, tc.short)
		}
	}
}

func TestClientToken(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"p1-r1-c0-t1", "p1-r1-c0-t1"},
		{strings.Repeat("a", 64), strings.Repeat("a", 64)},
		{strings.Repeat("a", 65), "len64"},
		{"tok\n", "len64"},
		{"jeton-é", "len64"},
	} {
		got := clientToken(tc.in)
		if tc.want == "len64" {
			if len(got) != 64 || got == tc.in {
				t.Errorf("clientToken(%q) = %q, want a 64-character hash", tc.in, got)
			}
		} else if got != tc.want {
			t.Errorf("clientToken(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestNotFoundIDs(t *testing.T) {
	err := classify(sdkError("TerminateInstances", "InvalidInstanceID.NotFound",
		"The instance IDs 'i-0123456789abcdef0, i-0fedcba9876543210' do not exist", 400), "terminate", "us-east-1", "")
	got := notFoundIDs(err)
	if strings.Join(got, ",") != "i-0123456789abcdef0,i-0fedcba9876543210" {
		t.Errorf("notFoundIDs = %v", got)
	}
}

func FuzzClientToken(f *testing.F) {
	for _, s := range []string{"", "p1-r1-c0-t1", strings.Repeat("x", 64), strings.Repeat("x", 65), "é", "a\x00b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, token string) {
		got := clientToken(token)
		if len(got) > 64 || !utf8.ValidString(got) {
			t.Fatalf("clientToken(%q) = %q: longer than 64 or not text", token, got)
		}
		for i := 0; i < len(got); i++ {
			if got[i] < 0x20 || got[i] > 0x7e {
				t.Fatalf("clientToken(%q) = %q: not printable ASCII", token, got)
			}
		}
		if clientToken(token) != got {
			t.Fatal("not deterministic")
		}
	})
}

func FuzzStateReason(f *testing.F) {
	for _, s := range []string{"Server.InsufficientInstanceCapacity", "Client.UserInitiatedShutdown", "", ".", "Server.", "x.y.z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, code string) {
		e := stateReasonError("i-1", code, "msg", "r", "z")
		if e.Cloud != "aws" || e.Op != "launch" {
			t.Fatalf("%q: %+v", code, e)
		}
		// Only a capacity code is ever a capacity error.
		if e.Class == drivers.ClassCapacity && !slices.ContainsFunc([]string{"InsufficientInstanceCapacity",
			"InsufficientHostCapacity", "InsufficientCapacity", "UnfulfillableCapacity", "SpotInstanceTermination"},
			func(c string) bool { return strings.EqualFold(c, e.Code) }) {
			t.Fatalf("%q classified as capacity (code %q)", code, e.Code)
		}
	})
}

func BenchmarkClassify(b *testing.B) {
	err := sdkError("RunInstances", "InsufficientInstanceCapacity",
		"We currently do not have sufficient p5.48xlarge capacity in the Availability Zone you requested (us-east-1a).", 500)
	b.ReportAllocs()
	for b.Loop() {
		if classify(err, "launch", "us-east-1", "use1-az4") == nil {
			b.Fatal("nil")
		}
	}
}
