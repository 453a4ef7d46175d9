package aws

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/skyhop/skyhop/drivers"
	"github.com/skyhop/skyhop/internal/clock"
)

// maxCount is the largest node count one RunInstances may ask for here.
const maxCount = 1000

// cleanupTimeout bounds the clean-up a cancelled Launch does on a fresh
// context.
const cleanupTimeout = 2 * time.Minute

// launch is one Launch call in progress.
type launch struct {
	d      *Driver
	req    drivers.LaunchRequest
	n      int
	region string
	zone   string // as requested (zone ID or name)
	azName string // the zone name sent to EC2
	token  string
	client *ec2.Client
}

// Launch creates req.Nodes() instances of req.InstanceType with one
// RunInstances call (MinCount = MaxCount, so EC2 creates all or none),
// tags them, and waits until every one runs (WithLaunchTimeout).
//
// The zone may be a zone ID (the catalog's "use1-az4", mapped to this
// account's zone name) or a zone name. Spot requests a one-time spot
// instance that terminates on interruption. The image is req.Image (an AMI
// ID, or a name pattern among the account's and Amazon's images),
// WithDefaultImage's, or the newest image matching DefaultImageNames.
//
// The token is the EC2 ClientToken and is also written to the TagLaunch
// tag; before creating anything, Launch looks for live instances carrying
// this token and, when it finds them, returns them instead of creating
// more, so that a repeated Launch never creates a second cluster even
// where the ClientToken is not honoured (moto) or has expired.
//
// When an instance ends during the launch (EC2 terminates it with a state
// reason such as Server.InsufficientInstanceCapacity), when the wait times
// out, or when the outcome of RunInstances is unknown (no answer, a 5xx),
// Launch returns the instances it knows of with the error, for the caller
// to terminate. When ctx ends after instances were created, Launch also
// terminates them itself, on a fresh context bounded by two minutes,
// before returning them with the error.
func (d *Driver) Launch(ctx context.Context, req drivers.LaunchRequest) (*drivers.Cluster, error) {
	l := &launch{d: d, req: req, n: req.Nodes(), region: req.Region, zone: req.Zone, token: req.Token}
	if err := ctx.Err(); err != nil {
		return nil, classify(err, "launch", l.region, l.zone)
	}
	switch {
	case req.Region == "":
		return nil, l.invalid("the launch request names no region")
	case req.InstanceType == "":
		return nil, l.invalid("the launch request names no instance type")
	case req.ClusterName == "":
		return nil, l.invalid("the launch request names no cluster (every instance is tagged with it)")
	case l.n > maxCount:
		return nil, l.invalid(fmt.Sprintf("%d nodes is more than one RunInstances may create (%d)", l.n, maxCount))
	}
	if l.token == "" {
		l.token = randomToken()
	}
	l.client = d.client(l.region)
	d.markUsed(l.region)
	return l.run(ctx)
}

func (l *launch) invalid(msg string) error {
	return newError(drivers.ClassInvalid, drivers.ScopeCloud, CodeInvalidRequest, "launch", l.region, l.zone,
		"aws: "+msg, nil)
}

func (l *launch) run(ctx context.Context) (*drivers.Cluster, error) {
	var err error
	if l.azName, err = l.d.zoneName(ctx, l.region, l.zone); err != nil {
		return nil, l.wrap(err)
	}
	// A launch with this token that already happened: return its instances.
	found, err := l.findByToken(ctx)
	if err != nil {
		return nil, l.wrap(err)
	}
	if len(found) > 0 {
		l.d.debug(ctx, "aws: token already launched", "token", l.token, "instances", len(found))
		if len(found) != l.n {
			return l.cluster(ctx, found), newError(drivers.ClassUnknown, drivers.ScopeZone, CodePartialLaunch, "launch",
				l.region, l.zone, fmt.Sprintf("token %s already launched %d live instances of the %d asked", l.token, len(found), l.n), nil)
		}
		return l.await(ctx, found)
	}
	in, err := l.input(ctx)
	if err != nil {
		return nil, l.wrap(err)
	}
	l.d.debug(ctx, "aws: RunInstances", "region", l.region, "zone", l.azName, "type", l.req.InstanceType,
		"count", l.n, "spot", l.req.Spot, "token", l.token)
	out, err := l.client.RunInstances(ctx, in)
	if err != nil {
		return l.unknownOutcome(ctx, err)
	}
	created := sortInstances(out.Instances)
	if len(created) != l.n {
		return l.cluster(ctx, created), newError(drivers.ClassUnknown, drivers.ScopeZone, CodePartialLaunch, "launch",
			l.region, l.zone, fmt.Sprintf("RunInstances created %d instances, not %d", len(created), l.n), nil)
	}
	return l.await(ctx, created)
}

// wrap classifies err for this launch.
func (l *launch) wrap(err error) error { return classify(err, "launch", l.region, l.zone) }

// input builds the RunInstances request.
func (l *launch) input(ctx context.Context) (*ec2.RunInstancesInput, error) {
	img, err := l.d.image(ctx, l.region, l.zone, l.req.Image)
	if err != nil {
		return nil, err
	}
	tags := make([]types.Tag, 0, 3+len(l.req.Labels))
	for _, k := range slices.Sorted(maps.Keys(l.req.Labels)) {
		if k != "Name" && k != TagCluster && k != TagLaunch {
			tags = append(tags, types.Tag{Key: awssdk.String(k), Value: awssdk.String(l.req.Labels[k])})
		}
	}
	tags = append(tags,
		types.Tag{Key: awssdk.String("Name"), Value: awssdk.String(l.req.ClusterName)},
		types.Tag{Key: awssdk.String(TagCluster), Value: awssdk.String(l.req.ClusterName)},
		types.Tag{Key: awssdk.String(TagLaunch), Value: awssdk.String(l.token)})
	in := &ec2.RunInstancesInput{
		ImageId:      awssdk.String(img.id),
		InstanceType: types.InstanceType(l.req.InstanceType),
		MinCount:     awssdk.Int32(int32(l.n)),
		MaxCount:     awssdk.Int32(int32(l.n)),
		ClientToken:  awssdk.String(clientToken(l.token)),
		TagSpecifications: []types.TagSpecification{
			{ResourceType: types.ResourceTypeInstance, Tags: tags},
			{ResourceType: types.ResourceTypeVolume, Tags: tags},
		},
		MetadataOptions: &types.InstanceMetadataOptionsRequest{
			HttpTokens:   types.HttpTokensStateRequired,
			HttpEndpoint: types.InstanceMetadataEndpointStateEnabled,
		},
	}
	if l.azName != "" {
		in.Placement = &types.Placement{AvailabilityZone: awssdk.String(l.azName)}
	}
	if l.req.Spot {
		in.InstanceMarketOptions = &types.InstanceMarketOptionsRequest{
			MarketType: types.MarketTypeSpot,
			SpotOptions: &types.SpotMarketOptions{
				SpotInstanceType:             types.SpotInstanceTypeOneTime,
				InstanceInterruptionBehavior: types.InstanceInterruptionBehaviorTerminate,
			},
		}
	}
	if l.req.DiskSizeGiB > 0 {
		root, err := l.d.rootDevice(ctx, l.region, l.zone, img)
		if err != nil {
			return nil, err
		}
		in.BlockDeviceMappings = []types.BlockDeviceMapping{{
			DeviceName: awssdk.String(root),
			Ebs: &types.EbsBlockDevice{
				VolumeSize:          awssdk.Int32(int32(l.req.DiskSizeGiB)),
				VolumeType:          types.VolumeTypeGp3,
				DeleteOnTermination: awssdk.Bool(true),
			},
		}}
	}
	if l.d.opts.customize != nil {
		l.d.opts.customize(in)
	}
	return in, nil
}

// unknownOutcome handles a failed RunInstances. When the failure leaves it
// unknown whether EC2 created the instances (the context ended, no answer
// came, or a server fault), it looks for instances carrying the token and
// returns them with the error; when ctx ended it terminates them first.
func (l *launch) unknownOutcome(ctx context.Context, runErr error) (*drivers.Cluster, error) {
	err := l.wrap(runErr)
	cancelled := ctx.Err() != nil
	if c := drivers.ClassOf(err); !cancelled && errorCode(runErr) != "" && c != drivers.ClassTransient {
		return nil, err // EC2 answered with a refusal: nothing was created
	}
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	found, ferr := l.findByToken(cctx)
	if ferr != nil {
		l.d.warn(ctx, "aws: looking for instances of a failed launch", "token", l.token, "err", ferr)
		return nil, err
	}
	if len(found) == 0 {
		return nil, err
	}
	if cancelled {
		l.cleanup(cctx, found)
	}
	return l.cluster(cctx, found), err
}

// cleanup terminates instances after a cancelled launch (best effort; the
// caller gets them back and may terminate them again).
func (l *launch) cleanup(ctx context.Context, ins []types.Instance) {
	ids := make([]string, len(ins))
	for i, in := range ins {
		ids[i] = awssdk.ToString(in.InstanceId)
	}
	if err := l.d.terminateIDs(ctx, l.region, l.zone, ids); err != nil {
		l.d.warn(ctx, "aws: terminating the instances of a cancelled launch", "ids", ids, "err", err)
	}
}

// await polls DescribeInstances until every instance runs, one ends, the
// launch timeout passes or ctx ends.
func (l *launch) await(ctx context.Context, ins []types.Instance) (*drivers.Cluster, error) {
	ids := make([]string, len(ins))
	byID := make(map[string]types.Instance, len(ins))
	for i, in := range ins {
		ids[i] = awssdk.ToString(in.InstanceId)
		byID[ids[i]] = in
	}
	current := func() []types.Instance {
		out := make([]types.Instance, len(ids))
		for i, id := range ids {
			out[i] = byID[id]
		}
		return out
	}
	deadline := time.Now().Add(l.d.opts.launchTimeout)
	var lastErr error
	for {
		out, err := l.client.DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: ids})
		switch {
		case err == nil:
			for _, r := range out.Reservations {
				for _, in := range r.Instances {
					if _, ok := byID[awssdk.ToString(in.InstanceId)]; ok {
						byID[awssdk.ToString(in.InstanceId)] = in
					}
				}
			}
			if c, err, done := l.check(ctx, current()); done {
				return c, err
			}
		case ctx.Err() != nil:
			return l.cancelled(ctx, current(), err)
		case errorCode(err) == "InvalidInstanceID.NotFound":
			// Just created: EC2 is eventually consistent. Ask again.
		default:
			cerr := l.wrap(err)
			if !drivers.ClassOf(cerr).Retryable() {
				return l.cluster(ctx, current()), cerr
			}
			lastErr = cerr
		}
		if time.Now().After(deadline) {
			msg := fmt.Sprintf("the instances did not all run within %s (%s)", l.d.opts.launchTimeout, states(current()))
			if lastErr != nil {
				msg += "; last error: " + lastErr.Error()
			}
			return l.cluster(ctx, current()), newError(drivers.ClassUnknown, drivers.ScopeZone, CodeLaunchTimeout,
				"launch", l.region, l.zone, msg, lastErr)
		}
		if err := clock.Real.Sleep(ctx, l.d.opts.pollInterval); err != nil {
			return l.cancelled(ctx, current(), err)
		}
	}
}

// check decides the launch from the instances' states: done with the
// cluster when all run, done with an error when one ended.
func (l *launch) check(ctx context.Context, ins []types.Instance) (*drivers.Cluster, error, bool) {
	running := 0
	var ended *types.Instance
	live := make([]types.Instance, 0, len(ins))
	for i := range ins {
		switch stateOf(ins[i]) {
		case types.InstanceStateNameRunning:
			running++
			live = append(live, ins[i])
		case types.InstanceStateNameShuttingDown, types.InstanceStateNameTerminated:
			if ended == nil {
				ended = &ins[i]
			}
		default:
			live = append(live, ins[i])
		}
	}
	if ended != nil {
		var code, msg string
		if sr := ended.StateReason; sr != nil {
			code, msg = awssdk.ToString(sr.Code), awssdk.ToString(sr.Message)
		}
		if code == "" {
			code = "InstanceTerminated"
		}
		return l.cluster(ctx, live), stateReasonError(awssdk.ToString(ended.InstanceId), code, msg, l.region, l.zone), true
	}
	if running == len(ins) {
		return l.cluster(ctx, ins), nil, true
	}
	return nil, nil, false
}

// cancelled terminates what the launch created after ctx ended and returns
// it with the context's error.
func (l *launch) cancelled(ctx context.Context, ins []types.Instance, err error) (*drivers.Cluster, error) {
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	l.cleanup(cctx, ins)
	if ctx.Err() != nil {
		err = ctx.Err()
	}
	return l.cluster(cctx, ins), l.wrap(err)
}

// findByToken returns the live instances tagged with the launch's token.
func (l *launch) findByToken(ctx context.Context) ([]types.Instance, error) {
	ins, err := l.d.describeTagged(ctx, l.region, TagLaunch, l.token)
	if err != nil {
		return nil, err
	}
	return sortInstances(ins), nil
}

// cluster builds the Cluster of ins.
func (l *launch) cluster(ctx context.Context, ins []types.Instance) *drivers.Cluster {
	c := &drivers.Cluster{Name: l.req.ClusterName, Cloud: Cloud, Region: l.region, Zone: l.zone,
		InstanceType: l.req.InstanceType, Spot: l.req.Spot, Token: l.token,
		Instances: make([]drivers.Instance, 0, len(ins))}
	for _, in := range ins {
		c.Instances = append(c.Instances, l.d.instance(ctx, l.region, l.zone, in))
	}
	if c.Zone == "" && len(c.Instances) > 0 {
		c.Zone = c.Instances[0].Zone
	}
	return c
}

// instance converts an EC2 instance. Its zone is reqZone when the request
// named one (so the caller's zone ID or name comes back as given), else the
// zone ID of its placement.
func (d *Driver) instance(ctx context.Context, region, reqZone string, in types.Instance) drivers.Instance {
	zone := reqZone
	if zone == "" && in.Placement != nil {
		zone = d.zoneLabel(ctx, region, awssdk.ToString(in.Placement.AvailabilityZone))
	}
	out := drivers.Instance{
		ID:        awssdk.ToString(in.InstanceId),
		Zone:      zone,
		State:     string(stateOf(in)),
		PrivateIP: awssdk.ToString(in.PrivateIpAddress),
		PublicIP:  awssdk.ToString(in.PublicIpAddress),
	}
	if in.LaunchTime != nil {
		out.LaunchedAt = *in.LaunchTime
	}
	return out
}

func stateOf(in types.Instance) types.InstanceStateName {
	if in.State == nil {
		return types.InstanceStateNamePending
	}
	return in.State.Name
}

func states(ins []types.Instance) string {
	count := map[types.InstanceStateName]int{}
	for _, in := range ins {
		count[stateOf(in)]++
	}
	var s string
	for _, k := range slices.Sorted(maps.Keys(count)) {
		if s != "" {
			s += ", "
		}
		s += fmt.Sprintf("%d %s", count[k], k)
	}
	return s
}

// sortInstances orders instances by launch index, then ID.
func sortInstances(ins []types.Instance) []types.Instance {
	out := slices.Clone(ins)
	slices.SortStableFunc(out, func(a, b types.Instance) int {
		if c := cmp.Compare(awssdk.ToInt32(a.AmiLaunchIndex), awssdk.ToInt32(b.AmiLaunchIndex)); c != 0 {
			return c
		}
		return cmp.Compare(awssdk.ToString(a.InstanceId), awssdk.ToString(b.InstanceId))
	})
	return out
}

// clientToken returns the EC2 ClientToken for token: the token itself when
// it fits EC2's 64 ASCII characters, else its SHA-256 in hex.
func clientToken(token string) string {
	if len(token) <= 64 {
		ascii := true
		for i := 0; i < len(token); i++ {
			if token[i] < 0x20 || token[i] > 0x7e {
				ascii = false
				break
			}
		}
		if ascii {
			return token
		}
	}
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// randomToken returns a token for a request that carries none.
func randomToken() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return "skyhop-" + hex.EncodeToString(b[:])
}
