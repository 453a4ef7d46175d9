package aws

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sync"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/skyhop/skyhop/drivers"
	"github.com/skyhop/skyhop/internal/clock"
)

// liveStates are the states of an instance that is not (yet) terminated.
var liveStates = []string{"pending", "running", "shutting-down", "stopping", "stopped"}

// Terminate terminates every instance of c (TerminateInstances) and waits
// until each is "terminated" or gone (WithTerminateTimeout). It is
// idempotent: instances already terminated, or unknown to EC2, count as
// gone. It does not retry a failed TerminateInstances; the caller does.
func (d *Driver) Terminate(ctx context.Context, c *drivers.Cluster) error {
	if c == nil {
		return nil
	}
	ids := dedupe(c.InstanceIDs())
	if len(ids) == 0 {
		return nil
	}
	if c.Region == "" {
		return newError(drivers.ClassInvalid, drivers.ScopeCloud, CodeInvalidRequest, "terminate", "", c.Zone,
			fmt.Sprintf("aws: cluster %q names no region; its instances %v cannot be found", c.Name, ids), nil)
	}
	if err := d.terminateIDs(ctx, c.Region, c.Zone, ids); err != nil {
		return err
	}
	return d.awaitTerminated(ctx, c.Region, c.Zone, ids)
}

var instanceIDRe = regexp.MustCompile(`\bi-[0-9a-zA-Z]+\b`)

// notFoundIDs returns the instance IDs an InvalidInstanceID.NotFound error
// names ("The instance IDs 'i-1, i-2' do not exist").
func notFoundIDs(err error) []string {
	var de *drivers.Error
	msg := err.Error()
	if errors.As(err, &de) && de.Message != "" {
		msg = de.Message
	}
	return instanceIDRe.FindAllString(msg, -1)
}

// terminateIDs calls TerminateInstances, dropping the IDs EC2 does not know
// (it refuses the whole call when one is unknown).
func (d *Driver) terminateIDs(ctx context.Context, region, zone string, ids []string) error {
	ids = slices.Clone(ids)
	for len(ids) > 0 {
		d.debug(ctx, "aws: TerminateInstances", "region", region, "ids", ids)
		_, err := d.client(region).TerminateInstances(ctx, &ec2.TerminateInstancesInput{InstanceIds: ids})
		if err == nil {
			return nil
		}
		cerr := classify(err, "terminate", region, zone)
		if errorCode(err) != "InvalidInstanceID.NotFound" {
			return cerr
		}
		gone := notFoundIDs(cerr)
		rest := slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return slices.Contains(gone, id) })
		if len(rest) == len(ids) {
			return cerr // nothing we can drop: give up with EC2's answer
		}
		ids = rest
	}
	return nil
}

// awaitTerminated polls until every instance is terminated or unknown.
func (d *Driver) awaitTerminated(ctx context.Context, region, zone string, ids []string) error {
	deadline := time.Now().Add(d.opts.terminateTimeout)
	ids = slices.Clone(ids)
	var left []string
	var lastErr error
	for {
		out, err := d.client(region).DescribeInstances(ctx, &ec2.DescribeInstancesInput{InstanceIds: ids})
		switch {
		case err == nil:
			left = left[:0]
			for _, r := range out.Reservations {
				for _, in := range r.Instances {
					if stateOf(in) != types.InstanceStateNameTerminated {
						left = append(left, awssdk.ToString(in.InstanceId)+" ("+string(stateOf(in))+")")
					}
				}
			}
			if len(left) == 0 {
				return nil
			}
		case ctx.Err() != nil:
			return classify(err, "terminate", region, zone)
		case errorCode(err) == "InvalidInstanceID.NotFound":
			gone := notFoundIDs(err)
			rest := slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return slices.Contains(gone, id) })
			if len(rest) == 0 {
				return nil
			}
			if len(rest) < len(ids) {
				ids = rest
				continue
			}
			return classify(err, "terminate", region, zone)
		default:
			cerr := classify(err, "terminate", region, zone)
			if !drivers.ClassOf(cerr).Retryable() {
				return cerr
			}
			lastErr = cerr
		}
		if time.Now().After(deadline) {
			msg := fmt.Sprintf("instances not terminated within %s: %v", d.opts.terminateTimeout, left)
			if lastErr != nil {
				msg += "; last error: " + lastErr.Error()
			}
			return newError(drivers.ClassTransient, drivers.ScopeDefault, CodeTerminateTimeout, "terminate", region, zone, msg, lastErr)
		}
		if err := clock.Real.Sleep(ctx, d.opts.pollInterval); err != nil {
			return classify(err, "terminate", region, zone)
		}
	}
}

// describeTagged returns the live instances of region whose tag key has
// value.
func (d *Driver) describeTagged(ctx context.Context, region, key, value string) ([]types.Instance, error) {
	p := ec2.NewDescribeInstancesPaginator(d.client(region), &ec2.DescribeInstancesInput{
		Filters: []types.Filter{
			{Name: awssdk.String("tag:" + key), Values: []string{value}},
			{Name: awssdk.String("instance-state-name"), Values: liveStates},
		},
	})
	var out []types.Instance
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, classify(err, "list", region, "")
		}
		for _, r := range page.Reservations {
			out = append(out, r.Instances...)
		}
	}
	return out, nil
}

// ListInstances returns the instances tagged with clusterName (TagCluster)
// that are not terminated, in region, or, when region is "", in every
// region of Regions(), asked in parallel. Instances are ordered by region
// (Regions() order), then ID; their Zone is the zone ID.
func (d *Driver) ListInstances(ctx context.Context, clusterName, region string) ([]drivers.Instance, error) {
	regions := []string{region}
	if region == "" {
		regions = d.Regions()
	}
	results := make([][]drivers.Instance, len(regions))
	errs := make([]error, len(regions))
	var wg sync.WaitGroup
	for i, r := range regions {
		wg.Go(func() {
			ins, err := d.describeTagged(ctx, r, TagCluster, clusterName)
			if err != nil {
				errs[i] = err
				return
			}
			out := make([]drivers.Instance, len(ins))
			for j, in := range ins {
				out[j] = d.instance(ctx, r, "", in)
			}
			slices.SortFunc(out, func(a, b drivers.Instance) int { return cmp.Compare(a.ID, b.ID) })
			results[i] = out
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	var out []drivers.Instance
	for _, r := range results {
		out = append(out, r...)
	}
	return out, nil
}

// CheckCredentials checks, with one cheap call, that the driver can sign
// requests and that EC2 accepts them: DescribeRegions with DryRun in the
// first known region (us-east-1 when none is configured). EC2's
// DryRunOperation answer means yes; AuthFailure, UnauthorizedOperation and
// missing credentials come back as ClassPermission errors.
func (d *Driver) CheckCredentials(ctx context.Context) error {
	region := "us-east-1"
	if len(d.opts.regions) > 0 {
		region = d.opts.regions[0]
	}
	_, err := d.client(region).DescribeRegions(ctx, &ec2.DescribeRegionsInput{DryRun: awssdk.Bool(true)})
	if err == nil || errorCode(err) == "DryRunOperation" {
		return nil
	}
	return classify(err, "check-credentials", region, "")
}
