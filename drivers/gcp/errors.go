package gcp

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"cloud.google.com/go/compute/apiv1/computepb"
	"google.golang.org/api/googleapi"

	"github.com/skyhop/skyhop/drivers"
	"github.com/skyhop/skyhop/drivers/codes"
)

// OperationError is a Compute Engine operation that finished with an
// error. It is the Err of the *drivers.Error a failed launch or delete
// returns; Operation holds the whole DONE operation (errors, quota details,
// httpErrorStatusCode).
type OperationError struct {
	// Operation is the finished operation.
	Operation *computepb.Operation
	// Err is the SDK's error for it (nil when the operation carried no
	// httpErrorStatusCode, the case the SDK's Wait reports as success).
	Err error
}

// Error lists the operation's error codes and messages.
func (e *OperationError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "gcp: operation %s (%s %s) failed", e.Operation.GetName(), e.Operation.GetOperationType(), shortName(e.Operation.GetTargetLink()))
	for i, it := range e.Operation.GetError().GetErrors() {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(it.GetCode())
		if m := it.GetMessage(); m != "" {
			b.WriteString(": ")
			b.WriteString(m)
		}
	}
	return b.String()
}

// Unwrap returns the SDK's error, if any.
func (e *OperationError) Unwrap() error { return e.Err }

// scopeRank orders scopes from narrowest to widest.
func scopeRank(s drivers.Scope) int {
	switch s {
	case drivers.ScopeZone:
		return 1
	case drivers.ScopeRegion:
		return 2
	case drivers.ScopeCloud:
		return 3
	}
	return 0
}

// entry is one (code, message) of an error list.
type entry struct{ code, message string }

// classifyEntries classifies every entry with the status and keeps the
// widest result (the first of equal width).
func classifyEntries(entries []entry, status int, base drivers.Error) *drivers.Error {
	if len(entries) == 0 {
		entries = []entry{{}}
	}
	var best *drivers.Error
	for _, en := range entries {
		e := base
		e.Code, e.HTTPStatus, e.Message = en.code, status, en.message
		if e.Message == "" {
			e.Message = base.Message
		}
		ce := codes.GCP.NewError(e)
		if best == nil || scopeRank(ce.EffectiveScope()) > scopeRank(best.EffectiveScope()) {
			best = ce
		}
	}
	return best
}

// classifyOp classifies a DONE operation's error list.
func classifyOp(op *computepb.Operation, sdkErr error, name, region, zone string) *drivers.Error {
	var entries []entry
	for _, it := range op.GetError().GetErrors() {
		entries = append(entries, entry{it.GetCode(), it.GetMessage()})
	}
	return classifyEntries(entries, int(op.GetHttpErrorStatusCode()), drivers.Error{
		Cloud: "gcp", Region: region, Zone: zone, Op: name,
		Err: &OperationError{Operation: op, Err: sdkErr},
	})
}

// classify turns an error of an SDK call into a *drivers.Error.
func classify(err error, name, region, zone string) *drivers.Error {
	base := drivers.Error{Cloud: "gcp", Region: region, Zone: zone, Op: name, Err: err}
	var ge *googleapi.Error
	if errors.As(err, &ge) {
		entries := make([]entry, 0, len(ge.Errors))
		for _, it := range ge.Errors {
			entries = append(entries, entry{it.Reason, it.Message})
		}
		base.Message = ge.Message
		return classifyEntries(entries, ge.Code, base)
	}
	msg := err.Error()
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		base.Class, base.Message = drivers.ClassUnknown, msg
		return &base
	case strings.Contains(msg, "invalid_grant"):
		base.Code = "invalid_grant"
	case strings.Contains(msg, "could not find default credentials"), strings.Contains(msg, "oauth2: "):
		base.Code = "authError"
	}
	base.Message = msg
	if base.Code != "" {
		return codes.GCP.NewError(base)
	}
	// No HTTP answer at all (connection refused, reset, DNS): the call may
	// pass on a retry.
	base.Class = drivers.ClassTransient
	return &base
}

// isNotFound reports whether err is an HTTP 404.
func isNotFound(err error) bool {
	var ge *googleapi.Error
	return errors.As(err, &ge) && ge.Code == 404
}

// isAlreadyExists reports whether err is an HTTP 409 alreadyExists.
func isAlreadyExists(err error) bool {
	var ge *googleapi.Error
	return errors.As(err, &ge) && ge.Code == 409
}

// shortName returns the last path element of a URL.
func shortName(u string) string {
	if i := strings.LastIndexByte(u, '/'); i >= 0 {
		return u[i+1:]
	}
	return u
}
