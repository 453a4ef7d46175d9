package aws_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/skyhop/skyhop/drivers"
	"github.com/skyhop/skyhop/drivers/aws"
	"github.com/skyhop/skyhop/internal/moto"
)

// What Launch sends and what EC2 (moto) ends up holding: the zone ID mapped
// to the account's zone name, MinCount = MaxCount, the spot market, the
// token as ClientToken and tag, the cluster tags and labels, the root disk
// size, IMDSv2.
func TestLaunchRequestOnTheWire(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	req := drivers.LaunchRequest{ClusterName: "wire", Count: 2, InstanceType: "p4d.24xlarge", Region: east,
		Zone: eastCID, Spot: true, DiskSizeGiB: 321, Labels: map[string]string{"team": "ml", "Name": "ignored"},
		Token: "prov-1-r1-c0-t1"}
	cl, err := e.d.Launch(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	defer e.d.Terminate(ctx, cl)
	if cl.Name != "wire" || cl.Cloud != "aws" || cl.Region != east || cl.Zone != eastCID || !cl.Spot ||
		cl.InstanceType != "p4d.24xlarge" || cl.Token != req.Token || len(cl.Instances) != 2 {
		t.Fatalf("cluster = %+v", cl)
	}
	for _, in := range cl.Instances {
		if in.Zone != eastCID || in.State != "running" || in.PrivateIP == "" || in.LaunchedAt.IsZero() {
			t.Errorf("instance = %+v, want zone %s, running, an IP and a launch time", in, eastCID)
		}
	}
	runs := e.proxy.CallsOf("RunInstances")
	if len(runs) != 1 {
		t.Fatalf("RunInstances calls = %d, want 1", len(runs))
	}
	if r := runs[0]; r.Zone != eastC || r.Count != 2 || !r.Spot || r.Token != req.Token || r.Region != east {
		t.Errorf("RunInstances sent %+v, want zone %s, count 2, spot, token %s", r, eastC, req.Token)
	}
	out, err := e.direct(east).DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: cl.InstanceIDs()})
	if err != nil {
		t.Fatal(err)
	}
	for _, res := range out.Reservations {
		for _, in := range res.Instances {
			tags := map[string]string{}
			for _, tg := range in.Tags {
				tags[awssdk.ToString(tg.Key)] = awssdk.ToString(tg.Value)
			}
			want := map[string]string{"Name": "wire", aws.TagCluster: "wire", aws.TagLaunch: req.Token, "team": "ml"}
			for k, v := range want {
				if tags[k] != v {
					t.Errorf("%s: tag %s = %q, want %q (tags %v)", awssdk.ToString(in.InstanceId), k, tags[k], v, tags)
				}
			}
			if in.InstanceLifecycle != types.InstanceLifecycleTypeSpot {
				t.Errorf("lifecycle = %q, want spot", in.InstanceLifecycle)
			}
			if z := awssdk.ToString(in.Placement.AvailabilityZone); z != eastC {
				t.Errorf("zone = %s, want %s", z, eastC)
			}
			if awssdk.ToString(in.ImageId) != moto.GPUImage {
				t.Errorf("image = %s, want the newest GPU image %s", awssdk.ToString(in.ImageId), moto.GPUImage)
			}
			if in.MetadataOptions == nil || in.MetadataOptions.HttpTokens != types.HttpTokensStateRequired {
				t.Errorf("metadata options = %+v, want IMDSv2 (tokens required)", in.MetadataOptions)
			}
			var rootVol string
			for _, bd := range in.BlockDeviceMappings {
				if awssdk.ToString(bd.DeviceName) == "/dev/sda1" && bd.Ebs != nil {
					rootVol = awssdk.ToString(bd.Ebs.VolumeId)
				}
			}
			if rootVol == "" {
				t.Errorf("no root volume on /dev/sda1: %+v", in.BlockDeviceMappings)
				continue
			}
			vols, err := e.direct(east).DescribeVolumes(ctx, &ec2.DescribeVolumesInput{VolumeIds: []string{rootVol}})
			if err != nil {
				t.Fatal(err)
			}
			if len(vols.Volumes) != 1 || awssdk.ToInt32(vols.Volumes[0].Size) != 321 {
				t.Errorf("root volume = %+v, want 321 GiB", vols.Volumes)
			}
		}
	}
}

// Zones: a zone name is used as it is, an ID is mapped, an unknown ID is an
// unsupported zone, and a launch without a zone reports the zone ID EC2
// chose.
func TestZones(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	launch := func(zone string) (*drivers.Cluster, error) {
		return e.d.Launch(ctx, drivers.LaunchRequest{ClusterName: "zones", InstanceType: "g5.xlarge", Region: east,
			Zone: zone, Image: eastAMI, Token: "zones-" + zone})
	}
	cl, err := launch(eastB)
	if err != nil {
		t.Fatal(err)
	}
	if cl.Zone != eastB || cl.Instances[0].Zone != eastB {
		t.Errorf("a zone name came back as %q/%q", cl.Zone, cl.Instances[0].Zone)
	}
	if got := e.proxy.CallsOf("RunInstances")[0].Zone; got != eastB {
		t.Errorf("RunInstances zone = %q, want %q", got, eastB)
	}
	if n := len(e.proxy.CallsOf("DescribeAvailabilityZones")); n != 0 {
		t.Errorf("a zone name needed %d DescribeAvailabilityZones calls, want 0", n)
	}
	e.d.Terminate(ctx, cl)

	cl, err = launch("")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(cl.Zone, "use1-az") || cl.Instances[0].Zone != cl.Zone {
		t.Errorf("a launch without a zone reported zone %q (instance %q), want a zone ID", cl.Zone, cl.Instances[0].Zone)
	}
	e.d.Terminate(ctx, cl)

	_, err = launch("use1-az9")
	var de *drivers.Error
	if !errors.As(err, &de) || de.Class != drivers.ClassUnsupported || de.Code != aws.CodeUnknownZone ||
		de.EffectiveScope() != drivers.ScopeZone || !strings.Contains(de.Message, eastAID) {
		t.Errorf("unknown zone ID: %v, want unsupported %s at zone scope listing the region's IDs", err, aws.CodeUnknownZone)
	}
	// The zone map is asked once per region.
	for _, z := range []string{eastAID, eastBID, eastCID} {
		cl, err := launch(z)
		if err != nil {
			t.Fatal(err)
		}
		e.d.Terminate(ctx, cl)
	}
	if n := len(e.proxy.CallsOf("DescribeAvailabilityZones")); n != 1 {
		t.Errorf("DescribeAvailabilityZones calls = %d, want 1 (cached per region)", n)
	}
	if live := e.live(ctx); len(live) != 0 {
		t.Errorf("live instances left: %v", live)
	}
}

// Images: the request's AMI, a name pattern, WithDefaultImage, the newest
// matching default image, and none at all.
func TestImages(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name  string
		opts  []aws.Option
		image string
		want  string
		code  string
	}{
		{name: "request AMI", image: moto.LinuxImage, want: moto.LinuxImage},
		{name: "request pattern", image: "al2023-ami-*", want: moto.LinuxImage},
		{name: "default option", opts: []aws.Option{aws.WithDefaultImage(east, moto.OldGPUImage)}, want: moto.OldGPUImage},
		{name: "default names, newest x86_64", want: moto.GPUImage},
		{name: "no image", opts: []aws.Option{aws.WithDefaultImageNames("No Such Image *")}, code: aws.CodeNoImage},
		{name: "no image by pattern", image: "nothing-like-this-*", code: aws.CodeNoImage},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, tc.opts...)
			cl, err := e.d.Launch(ctx, drivers.LaunchRequest{ClusterName: "img", InstanceType: "g5.xlarge",
				Region: east, Image: tc.image, Token: "img"})
			if tc.code != "" {
				var de *drivers.Error
				if !errors.As(err, &de) || de.Code != tc.code || de.Class != drivers.ClassInvalid || de.EffectiveScope() != drivers.ScopeRegion {
					t.Fatalf("Launch = %v, want invalid %s at region scope", err, tc.code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer e.d.Terminate(ctx, cl)
			ins := e.instances(ctx)
			if len(ins) != 1 {
				t.Fatalf("moto holds %d instances", len(ins))
			}
			out, _ := e.direct(east).DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: cl.InstanceIDs()})
			if got := awssdk.ToString(out.Reservations[0].Instances[0].ImageId); got != tc.want {
				t.Errorf("image = %s, want %s", got, tc.want)
			}
		})
	}
}

// moto does not honour ClientToken; the driver does, by looking for the
// token's tag before creating anything.
func TestTokenIdempotency(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	// moto itself: the same ClientToken twice makes two instances.
	for range 2 {
		_, err := e.direct(west).RunInstances(ctx, &ec2.RunInstancesInput{ImageId: awssdk.String(eastAMI),
			InstanceType: types.InstanceTypeG5Xlarge, MinCount: awssdk.Int32(1), MaxCount: awssdk.Int32(1),
			ClientToken: awssdk.String("same")})
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := len(e.live(ctx)); n != 2 {
		t.Logf("moto made %d instances for one ClientToken (it now honours tokens?)", n)
	}
	req := drivers.LaunchRequest{ClusterName: "tok", Count: 3, InstanceType: "g5.xlarge", Region: east, Zone: eastAID,
		Image: eastAMI, Token: "tok-r1-c0-t1"}
	a, err := e.d.Launch(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	b, err := e.d.Launch(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.InstanceIDs(), b.InstanceIDs()) {
		t.Errorf("repeated token: %v, first %v", b.InstanceIDs(), a.InstanceIDs())
	}
	if n := len(e.proxy.CallsOf("RunInstances")); n != 1 {
		t.Errorf("RunInstances calls = %d, want 1", n)
	}
	// A token too long for EC2 is hashed for ClientToken, kept in the tag.
	long := drivers.LaunchRequest{ClusterName: "tok", InstanceType: "g5.xlarge", Region: east, Image: eastAMI,
		Token: strings.Repeat("x", 100)}
	c, err := e.d.Launch(ctx, long)
	if err != nil {
		t.Fatal(err)
	}
	if tok := e.proxy.CallsOf("RunInstances")[1].Token; len(tok) != 64 || tok == long.Token[:64] {
		t.Errorf("ClientToken for a 100-character token = %q, want a 64-character hash", tok)
	}
	again, err := e.d.Launch(ctx, long)
	if err != nil || !slices.Equal(again.InstanceIDs(), c.InstanceIDs()) {
		t.Errorf("repeated long token: %v %v, want %v", again.InstanceIDs(), err, c.InstanceIDs())
	}
	for _, cl := range []*drivers.Cluster{a, c} {
		if err := e.d.Terminate(ctx, cl); err != nil {
			t.Fatal(err)
		}
	}
}

// The SDK does not retry: one ICE (HTTP 500), one throttle (503), one
// attempt each; but a transient error while waiting for the instances is
// only a failed poll.
func TestNoSDKRetries(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	req := drivers.LaunchRequest{ClusterName: "retry", InstanceType: "g5.xlarge", Region: east, Zone: eastAID, Image: eastAMI}
	for _, code := range []string{"InsufficientInstanceCapacity", "RequestLimitExceeded"} {
		e.proxy.Clear()
		e.proxy.Inject(moto.Fault{Code: code})
		req.Token = "retry-" + code
		start := time.Now()
		_, err := e.d.Launch(ctx, req)
		if errorCode(err) != code {
			t.Errorf("Launch = %v, want %s", err, code)
		}
		if n := len(e.proxy.CallsOf("RunInstances")); n != 1 {
			t.Errorf("%s: RunInstances calls = %d, want 1", code, n)
		}
		if d := time.Since(start); d > 500*time.Millisecond {
			t.Errorf("%s: Launch took %s: the SDK backed off", code, d)
		}
	}
	// 20 more ICE answers on the same client: the SDK's retry budget
	// never changes the behaviour.
	e.proxy.Clear()
	e.proxy.Inject(moto.Fault{Code: "InsufficientInstanceCapacity"})
	for i := range 20 {
		req.Token = "budget-" + string(rune('a'+i))
		if _, err := e.d.Launch(ctx, req); errorCode(err) != "InsufficientInstanceCapacity" {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	if n := len(e.proxy.CallsOf("RunInstances")); n != 20 {
		t.Errorf("RunInstances calls = %d, want 20", n)
	}

	e.proxy.Clear()
	e.proxy.Inject(moto.Fault{Action: "DescribeInstances", Code: "InternalError", Skip: 1, Times: 2})
	req.Token = "poll"
	cl, err := e.d.Launch(ctx, req)
	if err != nil {
		t.Fatalf("a transient poll error failed the launch: %v", err)
	}
	e.d.Terminate(ctx, cl)
}

func errorCode(err error) string {
	var de *drivers.Error
	if errors.As(err, &de) {
		return de.Code
	}
	return ""
}

// An instance EC2 ends during the launch fails it with the state reason's
// class; the survivors come back for the caller to terminate.
func TestInstanceEndsDuringLaunch(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		reason string
		code   string
		class  drivers.Class
		scope  drivers.Scope
	}{
		{"Server.InsufficientInstanceCapacity", "InsufficientInstanceCapacity", drivers.ClassCapacity, drivers.ScopeZone},
		{"Server.SpotInstanceTermination", "SpotInstanceTermination", drivers.ClassCapacity, drivers.ScopeZone},
		{"Client.VolumeLimitExceeded", "VolumeLimitExceeded", drivers.ClassQuota, drivers.ScopeRegion},
		{"Server.InternalError", "InternalError", drivers.ClassTransient, drivers.ScopeDefault},
		{"Client.InstanceInitiatedShutdown", "InstanceInitiatedShutdown", drivers.ClassUnknown, drivers.ScopeZone},
	} {
		t.Run(tc.reason, func(t *testing.T) {
			e := newEnv(t)
			e.proxy.Inject(moto.Fault{Kill: 2, KillReason: tc.reason, Times: 1})
			cl, err := e.d.Launch(ctx, drivers.LaunchRequest{ClusterName: "gang", Count: 4, InstanceType: "g5.xlarge",
				Region: east, Zone: eastAID, Image: eastAMI, Token: "gang"})
			var de *drivers.Error
			if !errors.As(err, &de) {
				t.Fatalf("Launch = %v, want a *drivers.Error", err)
			}
			if de.Code != tc.code || de.Class != tc.class || de.EffectiveScope() != tc.scope {
				t.Errorf("error = %v (%s %v/%v), want %s %v/%v", err, de.Code, de.Class, de.EffectiveScope(), tc.code, tc.class, tc.scope)
			}
			if cl == nil || len(cl.Instances) != 2 {
				t.Fatalf("returned %v, want the 2 survivors", cl.InstanceIDs())
			}
			live := e.live(ctx)
			if !slices.Equal(live, sorted(cl.InstanceIDs())) {
				t.Errorf("live = %v, returned %v", live, cl.InstanceIDs())
			}
			if err := e.d.Terminate(ctx, cl); err != nil {
				t.Fatal(err)
			}
			if live := e.live(ctx); len(live) != 0 {
				t.Errorf("live after terminate: %v", live)
			}
		})
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// Instances that never run: the launch times out with its instances, for
// the caller to terminate.
func TestLaunchTimeout(t *testing.T) {
	e := newEnv(t, aws.WithLaunchTimeout(200*time.Millisecond))
	ctx := context.Background()
	e.proxy.Inject(moto.Fault{Action: "DescribeInstances", Pending: true})
	cl, err := e.d.Launch(ctx, drivers.LaunchRequest{ClusterName: "slow", Count: 2, InstanceType: "g5.xlarge",
		Region: east, Zone: eastAID, Image: eastAMI, Token: "slow"})
	var de *drivers.Error
	if !errors.As(err, &de) || de.Code != aws.CodeLaunchTimeout || de.Class != drivers.ClassUnknown {
		t.Fatalf("Launch = %v, want %s", err, aws.CodeLaunchTimeout)
	}
	if !strings.Contains(de.Message, "2 pending") {
		t.Errorf("message %q does not say what state the instances are in", de.Message)
	}
	if cl == nil || len(cl.Instances) != 2 {
		t.Fatalf("returned %+v, want the 2 instances", cl)
	}
	e.proxy.Clear()
	if err := e.d.Terminate(ctx, cl); err != nil {
		t.Fatal(err)
	}
	if live := e.live(ctx); len(live) != 0 {
		t.Errorf("live after terminate: %v", live)
	}
}

// Cancelling a launch, while RunInstances is in flight (its answer is lost)
// or while the instances boot, leaves no running instance on moto: the
// driver finds the token's instances, terminates them and returns them.
func TestCancelDuringLaunch(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault moto.Fault
	}{
		{"RunInstances answer lost", moto.Fault{Hold: time.Minute}},
		{"instances booting", moto.Fault{Action: "DescribeInstances", Pending: true, Skip: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			fired := make(chan moto.Call, 1)
			tc.fault.Fired = fired
			e.proxy.Inject(tc.fault)
			ctx, cancel := context.WithCancel(context.Background())
			go func() { <-fired; cancel() }()
			start := time.Now()
			cl, err := e.d.Launch(ctx, drivers.LaunchRequest{ClusterName: "cancel", Count: 2, InstanceType: "g5.xlarge",
				Region: east, Zone: eastAID, Image: eastAMI, Token: "cancel"})
			if !errors.Is(err, context.Canceled) {
				t.Fatalf("Launch = %v, want context.Canceled", err)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("the cancelled launch returned after %s", d)
			}
			if cl == nil || len(cl.Instances) != 2 {
				t.Errorf("returned %+v, want the 2 instances created", cl)
			}
			if live := e.live(context.Background()); len(live) != 0 {
				t.Errorf("live instances after a cancelled launch: %v", live)
			}
			if n := len(e.instances(context.Background())); n != 2 {
				t.Errorf("moto holds %d instances, want 2 (terminated)", n)
			}
			e.proxy.Clear()
			if err := e.d.Terminate(context.Background(), cl); err != nil {
				t.Errorf("Terminate after cancel: %v", err)
			}
		})
	}
}

// Terminate skips instance IDs EC2 does not know (it refuses the whole call
// for one of them) and waits for the rest.
func TestTerminateUnknownIDs(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	cl, err := e.d.Launch(ctx, drivers.LaunchRequest{ClusterName: "unk", Count: 2, InstanceType: "g5.xlarge",
		Region: east, Image: eastAMI, Token: "unk"})
	if err != nil {
		t.Fatal(err)
	}
	cl.Instances = append(cl.Instances, drivers.Instance{ID: "i-0123456789abcdef0"}, drivers.Instance{ID: "i-0fedcba9876543210"})
	if err := e.d.Terminate(ctx, cl); err != nil {
		t.Fatalf("Terminate with unknown IDs: %v", err)
	}
	if live := e.live(ctx); len(live) != 0 {
		t.Errorf("live after terminate: %v", live)
	}
	if err := e.d.Terminate(ctx, &drivers.Cluster{Region: east, Instances: []drivers.Instance{{ID: "i-0123456789abcdef0"}}}); err != nil {
		t.Errorf("Terminate of only unknown IDs: %v", err)
	}
	if err := e.d.Terminate(ctx, nil); err != nil {
		t.Errorf("Terminate(nil): %v", err)
	}
	err = e.d.Terminate(ctx, &drivers.Cluster{Name: "x", Instances: []drivers.Instance{{ID: "i-1"}}})
	if drivers.ClassOf(err) != drivers.ClassInvalid {
		t.Errorf("Terminate without a region = %v, want invalid", err)
	}
}

// ListInstances finds a cluster in every region the driver knows, and only
// its live instances, with zone IDs.
func TestListInstancesAcrossRegions(t *testing.T) {
	e := newEnv(t, aws.WithRegions()) // east and west from newDriver
	ctx := context.Background()
	var clusters []*drivers.Cluster
	for _, r := range []struct{ region, zone string }{{east, eastAID}, {west, westAID}} {
		cl, err := e.d.Launch(ctx, drivers.LaunchRequest{ClusterName: "multi", InstanceType: "g5.xlarge",
			Region: r.region, Zone: r.zone, Image: eastAMI, Token: "multi-" + r.region})
		if err != nil {
			t.Fatal(err)
		}
		clusters = append(clusters, cl)
	}
	other, err := e.d.Launch(ctx, drivers.LaunchRequest{ClusterName: "other", InstanceType: "g5.xlarge",
		Region: east, Image: eastAMI, Token: "other"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.d.ListInstances(ctx, "multi", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != clusters[0].Instances[0].ID || got[1].ID != clusters[1].Instances[0].ID ||
		got[0].Zone != eastAID || got[1].Zone != westAID {
		t.Errorf("ListInstances = %+v, want the east then the west instance with zone IDs", got)
	}
	got, err = e.d.ListInstances(ctx, "multi", west)
	if err != nil || len(got) != 1 || got[0].ID != clusters[1].Instances[0].ID {
		t.Errorf("ListInstances(west) = %+v, %v", got, err)
	}
	for _, cl := range append(clusters, other) {
		if err := e.d.Terminate(ctx, cl); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := e.d.ListInstances(ctx, "multi", ""); err != nil || len(got) != 0 {
		t.Errorf("ListInstances after terminate = %+v, %v", got, err)
	}
}

// CheckCredentials: DryRun accepted, EC2 refusals and missing credentials
// are permission errors at cloud scope.
func TestCheckCredentials(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if err := e.d.CheckCredentials(ctx); err != nil {
		t.Fatalf("CheckCredentials: %v", err)
	}
	calls := e.proxy.CallsOf("DescribeRegions")
	if len(calls) != 1 || calls[0].Region != east {
		t.Errorf("DescribeRegions calls = %+v, want one in %s", calls, east)
	}
	for _, code := range []string{"AuthFailure", "UnauthorizedOperation", "InvalidClientTokenId"} {
		e.proxy.Inject(moto.Fault{Action: "DescribeRegions", Code: code, Times: 1})
		err := e.d.CheckCredentials(ctx)
		var de *drivers.Error
		if !errors.As(err, &de) || de.Class != drivers.ClassPermission || de.EffectiveScope() != drivers.ScopeCloud ||
			de.Code != code || de.Op != "check-credentials" {
			t.Errorf("CheckCredentials with %s = %v, want a permission error at cloud scope", code, err)
		}
	}
	noCreds := newDriver(t, e.proxy.URL, aws.WithCredentials(awssdk.CredentialsProviderFunc(
		func(context.Context) (awssdk.Credentials, error) {
			return awssdk.Credentials{}, errors.New("no EC2 IMDS role found")
		})))
	err := noCreds.CheckCredentials(ctx)
	var de *drivers.Error
	if !errors.As(err, &de) || de.Class != drivers.ClassPermission || de.Code != aws.CodeNoCredentials ||
		!strings.Contains(de.Message, "AWS_PROFILE") {
		t.Errorf("CheckCredentials without credentials = %v, want %s saying what to do", err, aws.CodeNoCredentials)
	}
}

// A request that gets no answer is transient; the driver made one attempt.
func TestNoAnswer(t *testing.T) {
	p, err := moto.NewFaultProxy("http://127.0.0.1:1")
	if err != nil {
		t.Fatal(err)
	}
	url := p.URL
	p.Close() // nothing listens there now
	d := newDriver(t, url)
	_, err = d.Launch(context.Background(), drivers.LaunchRequest{ClusterName: "x", InstanceType: "g5.xlarge",
		Region: east, Image: eastAMI, Token: "x"})
	var de *drivers.Error
	if !errors.As(err, &de) || de.Class != drivers.ClassTransient || de.Code != aws.CodeRequestSend {
		t.Errorf("Launch against a closed port = %v, want transient %s", err, aws.CodeRequestSend)
	}
}

// Requests the driver refuses before calling EC2.
func TestInvalidRequests(t *testing.T) {
	d := newDriver(t, "http://127.0.0.1:1")
	ctx := context.Background()
	for _, req := range []drivers.LaunchRequest{
		{ClusterName: "x", InstanceType: "g5.xlarge"},
		{ClusterName: "x", Region: east},
		{InstanceType: "g5.xlarge", Region: east},
		{ClusterName: "x", InstanceType: "g5.xlarge", Region: east, Count: 1001},
	} {
		cl, err := d.Launch(ctx, req)
		var de *drivers.Error
		if cl != nil || !errors.As(err, &de) || de.Class != drivers.ClassInvalid || de.Code != aws.CodeInvalidRequest {
			t.Errorf("Launch(%+v) = %v, %v; want invalid %s", req, cl, err, aws.CodeInvalidRequest)
		}
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := d.Launch(cctx, drivers.LaunchRequest{ClusterName: "x", InstanceType: "g5.xlarge", Region: east}); !errors.Is(err, context.Canceled) {
		t.Errorf("Launch with a cancelled context = %v", err)
	}
}

// A launch and termination of one instance on moto, through the proxy:
// mostly moto's own time; the driver's share is the calls it makes.
func BenchmarkLaunchTerminate(b *testing.B) {
	e := newEnv(b)
	ctx := context.Background()
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		i++
		cl, err := e.d.Launch(ctx, drivers.LaunchRequest{ClusterName: "bench", InstanceType: "g5.xlarge",
			Region: east, Zone: eastAID, Image: eastAMI, Token: fmt.Sprint("bench-", i)})
		if err != nil {
			b.Fatal(err)
		}
		if err := e.d.Terminate(ctx, cl); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(e.proxy.Calls()))/float64(i), "calls/op")
}

// aws.New with no options reads the standard environment: credentials,
// region, AWS_ENDPOINT_URL (how a launcher reaches moto without a flag);
// and AWS_MAX_ATTEMPTS does not turn the SDK's retries back on.
func TestNewFromEnvironment(t *testing.T) {
	e := newEnv(t)
	dir := t.TempDir()
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL": e.proxy.URL, "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
		"AWS_SESSION_TOKEN": "", "AWS_REGION": west, "AWS_PROFILE": "", "AWS_MAX_ATTEMPTS": "5",
		"AWS_CONFIG_FILE": dir + "/config", "AWS_SHARED_CREDENTIALS_FILE": dir + "/credentials",
	} {
		t.Setenv(k, v)
	}
	ctx := context.Background()
	d, err := aws.New(ctx, aws.WithPollInterval(10*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Regions(); !slices.Equal(got, []string{west}) {
		t.Errorf("Regions() = %v, want [%s] from AWS_REGION", got, west)
	}
	if err := d.CheckCredentials(ctx); err != nil {
		t.Fatal(err)
	}
	if calls := e.proxy.CallsOf("DescribeRegions"); len(calls) != 1 || calls[0].Region != west {
		t.Errorf("DescribeRegions calls = %+v, want one in %s through AWS_ENDPOINT_URL", calls, west)
	}
	e.proxy.Inject(moto.Fault{Code: "InsufficientInstanceCapacity"})
	_, err = d.Launch(ctx, drivers.LaunchRequest{ClusterName: "env", InstanceType: "g5.xlarge", Region: west, Token: "env"})
	if errorCode(err) != "InsufficientInstanceCapacity" {
		t.Errorf("Launch = %v", err)
	}
	if n := len(e.proxy.CallsOf("RunInstances")); n != 1 {
		t.Errorf("RunInstances calls = %d with AWS_MAX_ATTEMPTS=5, want 1", n)
	}
}
