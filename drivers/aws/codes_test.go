package aws_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/smithy-go"

	"github.com/skyhop/skyhop/drivers"
	"github.com/skyhop/skyhop/drivers/codes"
	"github.com/skyhop/skyhop/internal/moto"
)

// Every code of the AWS table, served by the proxy with EC2's XML error body
// and status in answer to a RunInstances, comes out of the real SDK and the
// driver as a *drivers.Error of the table's class and scope, with the code,
// message and status verbatim, the place and the operation, unwrapping to
// the smithy.APIError; and the SDK sent exactly one request (no SDK retry,
// even for the 5xx codes).
func TestEveryAWSCodeThroughTheSDK(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	rows := codes.AWS.Rows()
	seen := map[string]bool{}
	for i, row := range rows {
		if row.Code == "" || seen[row.Code+row.Message] {
			continue
		}
		seen[row.Code+row.Message] = true
		status := row.HTTPStatus
		if status == 0 {
			status = moto.DefaultStatus(row.Code)
		}
		msg := moto.DefaultMessage(row.Code, "RunInstances", "p5.48xlarge", eastB, east)
		if row.Message != "" {
			msg = "prefix " + row.Message + " suffix"
		}
		t.Run(fmt.Sprintf("%02d-%s-%d", i, row.Code, status), func(t *testing.T) {
			e.proxy.Clear()
			e.proxy.Inject(moto.Fault{Region: east, Zone: eastBID, InstanceType: "p5.48xlarge", Code: row.Code,
				Status: status, Message: msg, Times: 1})
			name := fmt.Sprintf("codes-%d", i)
			cl, err := e.d.Launch(ctx, drivers.LaunchRequest{ClusterName: name, InstanceType: "p5.48xlarge",
				Region: east, Zone: eastBID, Image: eastAMI, Token: name})
			if cl != nil && len(cl.Instances) > 0 {
				t.Errorf("a refused launch returned instances %v", cl.InstanceIDs())
			}
			var de *drivers.Error
			if !errors.As(err, &de) {
				t.Fatalf("error %v (%T) is not a *drivers.Error", err, err)
			}
			if de.Class != row.Class || de.EffectiveScope() != row.Scope {
				t.Errorf("class/scope = %v/%v, want %v/%v (%s)", de.Class, de.EffectiveScope(), row.Class, row.Scope, row.Meaning)
			}
			if de.Code != row.Code || de.Message != msg || de.HTTPStatus != status {
				t.Errorf("code/message/status = %q/%q/%d, want %q/%q/%d", de.Code, de.Message, de.HTTPStatus, row.Code, msg, status)
			}
			if de.Cloud != "aws" || de.Region != east || de.Zone != eastBID || de.Op != "launch" {
				t.Errorf("where = %s %s/%s op %s, want aws %s/%s op launch", de.Cloud, de.Region, de.Zone, de.Op, east, eastBID)
			}
			var ae smithy.APIError
			if !errors.As(err, &ae) || ae.ErrorCode() != row.Code {
				t.Errorf("the error does not unwrap to the SDK's APIError with code %s: %v", row.Code, err)
			}
			var oe *smithy.OperationError
			if !errors.As(err, &oe) || oe.Operation() != "RunInstances" {
				t.Errorf("the error does not unwrap to the SDK's OperationError of RunInstances")
			}
			if !strings.Contains(de.Error(), row.Code) || !strings.Contains(de.Error(), "aws us-east-1/"+eastBID) {
				t.Errorf("Error() = %q lacks the code or the place", de.Error())
			}
			if n := len(e.proxy.CallsOf("RunInstances")); n != 1 {
				t.Errorf("RunInstances reached EC2 %d times, want 1 (the SDK must not retry)", n)
			}
			if live := e.live(ctx); len(live) != 0 {
				t.Errorf("live instances after a refused launch: %v", live)
			}
		})
	}
}

// Answers without an EC2 error code: a 5xx with a non-XML body (moto's
// unimplemented actions answer so) is transient; a 401 is permission; a 404
// HTML page is unknown. One attempt each.
func TestStatusWithoutCode(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, tc := range []struct {
		status int
		class  drivers.Class
	}{
		{500, drivers.ClassTransient},
		{502, drivers.ClassTransient},
		{503, drivers.ClassTransient},
		{401, drivers.ClassPermission},
		{404, drivers.ClassUnknown},
	} {
		t.Run(fmt.Sprint(tc.status), func(t *testing.T) {
			e.proxy.Clear()
			e.proxy.Inject(moto.Fault{Status: tc.status, Body: "<html><body>Bad gateway</body></html>", Times: 1})
			_, err := e.d.Launch(ctx, drivers.LaunchRequest{ClusterName: "nocode", InstanceType: "g5.xlarge",
				Region: east, Zone: eastAID, Image: eastAMI, Token: fmt.Sprint("nocode-", tc.status)})
			var de *drivers.Error
			if !errors.As(err, &de) {
				t.Fatalf("error %v is not a *drivers.Error", err)
			}
			if de.Class != tc.class || de.HTTPStatus != tc.status {
				t.Errorf("class/status = %v/%d, want %v/%d (%v)", de.Class, de.HTTPStatus, tc.class, tc.status, err)
			}
			if n := len(e.proxy.CallsOf("RunInstances")); n != 1 {
				t.Errorf("RunInstances reached EC2 %d times, want 1", n)
			}
		})
	}
}
