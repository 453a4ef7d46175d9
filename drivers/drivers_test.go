package drivers

import (
	"errors"
	"fmt"
	"testing"
)

func TestClassNamesRoundTrip(t *testing.T) {
	for _, c := range Classes() {
		b, err := c.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back Class
		if err := back.UnmarshalText(b); err != nil || back != c {
			t.Errorf("class %v: text %q decodes to %v, %v", c, b, back, err)
		}
		if got, err := ParseClass(string(b)); err != nil || got != c {
			t.Errorf("ParseClass(%q) = %v, %v; want %v", b, got, err, c)
		}
	}
	if got, err := ParseClass("CAPACITY"); err != nil || got != ClassCapacity {
		t.Errorf("ParseClass(CAPACITY) = %v, %v; want capacity (any case)", got, err)
	}
	if _, err := ParseClass("stockout"); err == nil {
		t.Error("ParseClass(stockout) succeeded")
	}
	if s := Class(99).String(); s != "Class(99)" {
		t.Errorf("Class(99).String() = %q", s)
	}
	for _, s := range []Scope{ScopeDefault, ScopeZone, ScopeRegion, ScopeCloud} {
		b, _ := s.MarshalText()
		var back Scope
		if err := back.UnmarshalText(b); err != nil || back != s {
			t.Errorf("scope %v: text %q decodes to %v, %v", s, b, back, err)
		}
	}
	var sc Scope
	if err := sc.UnmarshalText([]byte("planet")); err == nil {
		t.Error("Scope.UnmarshalText(planet) succeeded")
	}
}

func TestDefaultScopeAndRetryable(t *testing.T) {
	for _, tc := range []struct {
		c         Class
		scope     Scope
		retryable bool
	}{
		{ClassUnknown, ScopeZone, false},
		{ClassCapacity, ScopeZone, false},
		{ClassQuota, ScopeRegion, false},
		{ClassPermission, ScopeCloud, false},
		{ClassUnsupported, ScopeZone, false},
		{ClassInvalid, ScopeCloud, false},
		{ClassThrottle, ScopeDefault, true},
		{ClassTransient, ScopeDefault, true},
	} {
		if got := tc.c.DefaultScope(); got != tc.scope {
			t.Errorf("%v.DefaultScope() = %v, want %v", tc.c, got, tc.scope)
		}
		if got := tc.c.Retryable(); got != tc.retryable {
			t.Errorf("%v.Retryable() = %v, want %v", tc.c, got, tc.retryable)
		}
		e := &Error{Class: tc.c}
		if got := e.EffectiveScope(); got != tc.scope {
			t.Errorf("EffectiveScope of a %v error without scope = %v, want %v", tc.c, got, tc.scope)
		}
	}
	if got := (&Error{Class: ClassCapacity, Scope: ScopeRegion}).EffectiveScope(); got != ScopeRegion {
		t.Errorf("an explicit scope is not kept: %v", got)
	}
}

func TestErrorText(t *testing.T) {
	sdk := errors.New("api error InsufficientInstanceCapacity")
	for _, tc := range []struct {
		e    *Error
		want string
	}{
		{&Error{Class: ClassCapacity, Code: "InsufficientInstanceCapacity", Message: "no p4d", Cloud: "aws", Region: "us-east-1", Zone: "use1-az4", Op: "launch"},
			"aws us-east-1/use1-az4: launch: capacity (InsufficientInstanceCapacity): no p4d"},
		{&Error{Class: ClassQuota, Cloud: "gcp", Region: "us-central1", Err: sdk}, "gcp us-central1: quota: api error InsufficientInstanceCapacity"},
		{&Error{Class: ClassPermission, Zone: "z1"}, "z1: permission"},
		{&Error{}, "unknown"},
	} {
		if got := tc.e.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
}

func TestErrorMatching(t *testing.T) {
	sdk := errors.New("sdk")
	err := fmt.Errorf("launching: %w", &Error{Class: ClassQuota, Err: sdk})
	if !errors.Is(err, ErrQuota) || errors.Is(err, ErrCapacity) {
		t.Errorf("errors.Is: quota %v, capacity %v; want true, false", errors.Is(err, ErrQuota), errors.Is(err, ErrCapacity))
	}
	if !errors.Is(err, sdk) {
		t.Error("the SDK error is not reached through Unwrap")
	}
	if got := ClassOf(err); got != ClassQuota {
		t.Errorf("ClassOf = %v, want quota", got)
	}
	if got := ClassOf(sdk); got != ClassUnknown {
		t.Errorf("ClassOf(unclassified) = %v, want unknown", got)
	}
}

func TestNodesAndInstanceIDs(t *testing.T) {
	for count, want := range map[int]int{-1: 1, 0: 1, 1: 1, 8: 8} {
		if got := (LaunchRequest{Count: count}).Nodes(); got != want {
			t.Errorf("Nodes() with Count %d = %d, want %d", count, got, want)
		}
	}
	var nilCluster *Cluster
	if ids := nilCluster.InstanceIDs(); ids != nil {
		t.Errorf("nil cluster IDs = %v", ids)
	}
	c := &Cluster{Instances: []Instance{{ID: "a"}, {ID: "b"}}}
	if ids := c.InstanceIDs(); len(ids) != 2 || ids[0] != "a" || ids[1] != "b" {
		t.Errorf("InstanceIDs() = %v, want [a b]", ids)
	}
}
