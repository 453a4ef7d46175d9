package aws_test

import (
	"context"
	"testing"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/skyhop/skyhop/drivers"
	"github.com/skyhop/skyhop/drivers/aws"
	"github.com/skyhop/skyhop/drivers/drivertest"
	"github.com/skyhop/skyhop/internal/moto"
)

// The conformance suite on moto, through the fault proxy.
func TestConformance(t *testing.T) {
	drivertest.Run(t, func(ctx context.Context, t *testing.T) (drivertest.Harness, error) {
		return &harness{env: newEnv(t)}, nil
	})
}

type harness struct{ env *env }

func (h *harness) Driver() drivers.Driver { return h.env.d }

// Request: a g5.xlarge (A10G) in us-east-1, zone use1-az6 (us-east-1a on
// moto), by zone ID as the catalog names it.
func (h *harness) Request() drivers.LaunchRequest {
	return drivers.LaunchRequest{InstanceType: "g5.xlarge", Region: east, Zone: eastAID, Image: eastAMI}
}

// UnsupportedRequest: p4d.24xlarge is offered in us-east-1a to 1d only;
// us-east-1e (use1-az3) gets EC2's Unsupported from the proxy.
func (h *harness) UnsupportedRequest() drivers.LaunchRequest {
	return drivers.LaunchRequest{InstanceType: "p4d.24xlarge", Region: east, Zone: "use1-az3", Count: 1, Image: eastAMI}
}

// The EC2 codes served per fault kind (the ones EC2 sends).
var faultCodes = map[drivertest.FaultKind]string{
	drivertest.Stockout:    "InsufficientInstanceCapacity",
	drivertest.Quota:       "VcpuLimitExceeded",
	drivertest.Permission:  "UnauthorizedOperation",
	drivertest.Throttle:    "RequestLimitExceeded",
	drivertest.Transient:   "InternalError",
	drivertest.Invalid:     "InvalidParameterValue",
	drivertest.Credentials: "AuthFailure",
}

func (h *harness) Inject(_ context.Context, f drivertest.Fault) error {
	r := f.Request
	market := "on-demand"
	if r.Spot {
		market = "spot"
	}
	pf := moto.Fault{Region: r.Region, Zone: r.Zone, InstanceType: r.InstanceType, Market: market, Times: f.Times}
	switch f.Kind {
	case drivertest.Credentials:
		pf = moto.Fault{Action: "DescribeRegions", Code: faultCodes[f.Kind], Times: f.Times}
	case drivertest.PartialGang:
		// EC2 creates the gang, then one node ends during launch with
		// Server.InsufficientInstanceCapacity.
		pf.Kill = 1
	case drivertest.TerminateFailure:
		pf = moto.Fault{Action: "TerminateInstances", Region: r.Region, Code: "InternalError", Times: f.Times}
	default:
		code, ok := faultCodes[f.Kind]
		if !ok {
			return drivertest.ErrNotSupported
		}
		pf.Code = code
	}
	h.env.proxy.Inject(pf)
	return nil
}

// Live asks moto directly (not the driver) for the cluster's instances that
// are not terminated.
func (h *harness) Live(ctx context.Context, cluster string) ([]drivers.Instance, error) {
	var out []drivers.Instance
	for _, r := range []string{east, west} {
		resp, err := h.env.direct(r).DescribeInstances(ctx, &ec2.DescribeInstancesInput{Filters: []types.Filter{
			{Name: awssdk.String("tag:" + aws.TagCluster), Values: []string{cluster}},
		}})
		if err != nil {
			return nil, err
		}
		for _, res := range resp.Reservations {
			for _, in := range res.Instances {
				if in.State.Name != types.InstanceStateNameTerminated {
					out = append(out, drivers.Instance{ID: awssdk.ToString(in.InstanceId), State: string(in.State.Name)})
				}
			}
		}
	}
	return out, nil
}

func (h *harness) Close() {}
