package aws_test

import (
	"context"
	"os"
	"slices"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/skyhop/skyhop/drivers/aws"
	"github.com/skyhop/skyhop/internal/moto"
)

// One moto_server for the package; each test resets it (moto.Shared).
func TestMain(m *testing.M) { os.Exit(moto.RunTests(m)) }

// The regions the tests use, and moto's zones in them.
const (
	east = "us-east-1"
	west = "us-west-2"
	// moto: us-east-1a is use1-az6, us-east-1b use1-az1, us-east-1c
	// use1-az2; us-west-2a is usw2-az2.
	eastA, eastAID = "us-east-1a", "use1-az6"
	eastB, eastBID = "us-east-1b", "use1-az1"
	eastC, eastCID = "us-east-1c", "use1-az2"
	westA, westAID = "us-west-2a", "usw2-az2"
	// An AMI of the small image set moto loads (root device /dev/sda1).
	eastAMI = moto.GPUImage
)

var testCreds = credentials.NewStaticCredentialsProvider("test", "test", "")

// env is one test's world: moto (reset), a fault proxy in front of it, a
// driver pointed at the proxy, and direct clients to moto for checks.
type env struct {
	t     testing.TB
	srv   *moto.Server
	proxy *moto.FaultProxy
	d     *aws.Driver
}

func newEnv(t testing.TB, opts ...aws.Option) *env {
	t.Helper()
	srv := moto.Shared(t)
	p, err := moto.NewFaultProxy(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	p.CheckOfferings(true)
	return &env{t: t, srv: srv, proxy: p, d: newDriver(t, p.URL, opts...)}
}

func newDriver(t testing.TB, endpoint string, opts ...aws.Option) *aws.Driver {
	t.Helper()
	base := []aws.Option{
		aws.WithEndpoint(endpoint),
		aws.WithCredentials(testCreds),
		aws.WithRegions(east, west),
		aws.WithPollInterval(10 * time.Millisecond),
		aws.WithLaunchTimeout(30 * time.Second),
		aws.WithTerminateTimeout(30 * time.Second),
	}
	d, err := aws.New(context.Background(), append(base, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// direct returns an EC2 client talking to moto itself (not through the
// proxy, not through the driver), with the SDK defaults.
func (e *env) direct(region string) *ec2.Client {
	return ec2.NewFromConfig(awssdk.Config{Region: region, Credentials: testCreds},
		func(o *ec2.Options) { o.BaseEndpoint = awssdk.String(e.srv.URL) })
}

// moto's view of the instances of every test region, by state.
type motoInstance struct {
	ID, Region, Zone, State, Type, Lifecycle string
	Tags                                     map[string]string
}

func (e *env) instances(ctx context.Context) []motoInstance {
	e.t.Helper()
	var out []motoInstance
	for _, r := range []string{east, west} {
		p := ec2.NewDescribeInstancesPaginator(e.direct(r), &ec2.DescribeInstancesInput{})
		for p.HasMorePages() {
			page, err := p.NextPage(ctx)
			if err != nil {
				e.t.Fatalf("DescribeInstances on moto (%s): %v", r, err)
			}
			for _, res := range page.Reservations {
				for _, in := range res.Instances {
					mi := motoInstance{ID: awssdk.ToString(in.InstanceId), Region: r, State: string(in.State.Name),
						Type: string(in.InstanceType), Lifecycle: string(in.InstanceLifecycle), Tags: map[string]string{}}
					if in.Placement != nil {
						mi.Zone = awssdk.ToString(in.Placement.AvailabilityZone)
					}
					for _, tg := range in.Tags {
						mi.Tags[awssdk.ToString(tg.Key)] = awssdk.ToString(tg.Value)
					}
					out = append(out, mi)
				}
			}
		}
	}
	return out
}

// live returns the IDs of moto's instances that are not terminated.
func (e *env) live(ctx context.Context) []string {
	var ids []string
	for _, in := range e.instances(ctx) {
		if in.State != string(types.InstanceStateNameTerminated) {
			ids = append(ids, in.ID)
		}
	}
	slices.Sort(ids)
	return ids
}
