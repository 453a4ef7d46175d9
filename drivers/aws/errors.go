package aws

import (
	"context"
	"errors"
	"fmt"
	"strings"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/skyhop/skyhop/drivers"
	"github.com/skyhop/skyhop/drivers/codes"
)

// Codes of the errors the driver raises itself, for failures that are not
// an EC2 error response. They appear in drivers.Error.Code like EC2's own.
const (
	// CodeLaunchTimeout: the instances did not all run within the launch
	// timeout (ClassUnknown, zone).
	CodeLaunchTimeout = "LaunchTimeout"
	// CodeTerminateTimeout: the instances did not all reach "terminated"
	// within the terminate timeout (ClassTransient).
	CodeTerminateTimeout = "TerminateTimeout"
	// CodePartialLaunch: EC2 created fewer instances than asked, or a
	// repeated token found fewer than the first launch made (ClassUnknown,
	// zone).
	CodePartialLaunch = "PartialLaunch"
	// CodeUnknownZone: the request's zone is not a zone ID or name of its
	// region for this account (ClassUnsupported, zone).
	CodeUnknownZone = "UnknownZone"
	// CodeNoImage: no image was named and none could be resolved in the
	// region (ClassInvalid, region).
	CodeNoImage = "NoDefaultImage"
	// CodeInvalidRequest: the LaunchRequest itself is incomplete (no
	// region, no instance type) (ClassInvalid, cloud).
	CodeInvalidRequest = "InvalidRequest"
	// CodeNoCredentials: the SDK could not obtain credentials to sign the
	// request (ClassPermission, cloud).
	CodeNoCredentials = "NoCredentials"
	// CodeRequestSend: the request never got an HTTP answer (connection
	// refused, reset, DNS) (ClassTransient).
	CodeRequestSend = "RequestSendError"
)

// classify turns an SDK error into a *drivers.Error classified by the AWS
// table of drivers/codes: the API error's code and message, the HTTP status
// of the response, where and in what operation. It unwraps to err (the
// *smithy.OperationError, and through it the smithy.APIError). Context
// errors are returned wrapped but unclassified: a cancelled or timed-out
// call says nothing about the cloud, and the caller knows its own context.
func classify(err error, op, region, zone string) error {
	if err == nil {
		return nil
	}
	var de *drivers.Error
	if errors.As(err, &de) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("aws %s: %s: %w", where(region, zone), op, err)
	}
	e := drivers.Error{Cloud: Cloud, Region: region, Zone: zone, Op: op, Err: err}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		e.Code, e.Message = ae.ErrorCode(), ae.ErrorMessage()
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		e.HTTPStatus = re.HTTPStatusCode()
	}
	out := codes.AWS.NewError(e)
	if out.Code != "" {
		return out
	}
	var se *v4.SigningError
	var rse *smithyhttp.RequestSendError
	switch {
	case errors.As(err, &se) || (re == nil && strings.Contains(err.Error(), "get identity: ")):
		// The SDK could not get credentials to sign with (it reports
		// this as "get identity: get credentials: ..." with no type of
		// its own, or as a signing error).
		out.Class, out.Scope, out.Code = drivers.ClassPermission, drivers.ScopeCloud, CodeNoCredentials
		out.Message = "no usable AWS credentials (" + err.Error() + "); set AWS_PROFILE or AWS_ACCESS_KEY_ID and " +
			"AWS_SECRET_ACCESS_KEY, run `aws sso login`, or pass aws.WithCredentials"
	case errors.As(err, &rse):
		out.Class, out.Scope, out.Code = drivers.ClassTransient, drivers.ScopeDefault, CodeRequestSend
		out.Message = "no answer from EC2: " + rse.Err.Error()
	case out.HTTPStatus != 0:
		// An answer without an EC2 error body (a proxy's page, or an
		// emulator's traceback): the status alone decided the class.
		out.Message = fmt.Sprintf("HTTP %d without an EC2 error code: %v", out.HTTPStatus, err)
	}
	return out
}

// newError builds a classified error the driver raises itself.
func newError(class drivers.Class, scope drivers.Scope, code, op, region, zone, msg string, cause error) *drivers.Error {
	return &drivers.Error{Class: class, Scope: scope, Code: code, Message: msg, Cloud: Cloud, Region: region,
		Zone: zone, Op: op, Err: cause}
}

// stateReasonError classifies the state reason of an instance that ended
// during its launch ("Server.InsufficientInstanceCapacity: ..."): the code
// without its Server./Client. prefix goes through the AWS table, so a
// launch-time stockout is ClassCapacity like the synchronous one. The table
// also knows SpotInstanceTermination (capacity) and VolumeLimitExceeded
// (quota); a reason it does not know is ClassUnknown.
func stateReasonError(id, code, msg, region, zone string) *drivers.Error {
	short := code
	if i := strings.IndexByte(code, '.'); i >= 0 && (code[:i] == "Server" || code[:i] == "Client") {
		short = code[i+1:]
	}
	text := fmt.Sprintf("instance %s ended during launch: %s", id, msg)
	if msg == "" {
		text = fmt.Sprintf("instance %s ended during launch (%s)", id, code)
	}
	return codes.AWS.NewError(drivers.Error{Code: short, Message: text, Region: region, Zone: zone, Op: "launch",
		Err: fmt.Errorf("instance %s state reason %s", id, code)})
}

// errorCode returns the EC2 API error code in err's chain, "" when none.
func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func where(region, zone string) string {
	if zone != "" {
		return region + "/" + zone
	}
	return region
}
