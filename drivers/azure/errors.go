package azure

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"

	"github.com/skyhop/skyhop/drivers"
	"github.com/skyhop/skyhop/drivers/codes"
)

// armError is the part of an ARM error body the driver reads: the envelope
// {"error":{...}} of an immediate failure, or the status document
// {"status":"Failed","error":{...}} of a failed operation.
type armError struct {
	Error *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// responseInfo returns the code, status and message of an SDK error.
func responseInfo(re *azcore.ResponseError) (code string, status int, message string) {
	code, status = re.ErrorCode, re.StatusCode
	if re.RawResponse != nil {
		if body, err := runtime.Payload(re.RawResponse); err == nil && len(body) > 0 {
			var ae armError
			if json.Unmarshal(body, &ae) == nil {
				switch {
				case ae.Error != nil:
					message = ae.Error.Message
					if code == "" {
						code = ae.Error.Code
					}
				default:
					message = ae.Message
					if code == "" {
						code = ae.Code
					}
				}
			}
		}
	}
	return code, status, message
}

// classify turns an SDK error into a *drivers.Error.
func classify(err error, op, region, zone string) *drivers.Error {
	base := drivers.Error{Cloud: "azure", Region: region, Zone: zone, Op: op, Err: err}
	var re *azcore.ResponseError
	if errors.As(err, &re) {
		base.Code, base.HTTPStatus, base.Message = responseInfo(re)
		if base.Message == "" {
			base.Message = firstLine(err.Error())
		}
		if re.RawResponse != nil {
			base.RetryAfter = retryAfter(re.RawResponse.Header.Get("Retry-After"), time.Now())
		}
		return codes.Azure.NewError(base)
	}
	base.Message = err.Error()
	var afe *azidentity.AuthenticationFailedError
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		base.Class, base.Scope = drivers.ClassUnknown, drivers.ScopeRegion
		return &base
	case errors.As(err, &afe), strings.Contains(base.Message, "failed to acquire a token"),
		strings.Contains(base.Message, "DefaultAzureCredential"), strings.Contains(base.Message, "authentication failed"):
		base.Code = "ClientAuthenticationError"
		return codes.Azure.NewError(base)
	}
	// No HTTP answer (connection refused, reset): may pass on a retry.
	base.Class = drivers.ClassTransient
	return &base
}

// retryAfter parses a Retry-After header: delay seconds or an HTTP date
// (relative to now); zero when absent or malformed.
func retryAfter(h string, now time.Time) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0
	}
	if secs, err := strconv.Atoi(h); err == nil {
		if secs <= 0 {
			return 0
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(h); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// isGone reports whether err says the resource does not exist.
func isGone(err error) bool {
	var re *azcore.ResponseError
	if !errors.As(err, &re) {
		return false
	}
	return re.StatusCode == 404 || re.ErrorCode == "ResourceNotFound" || re.ErrorCode == "NotFound"
}
