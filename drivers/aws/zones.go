package aws

import (
	"context"
	"fmt"
	"slices"
	"strings"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/skyhop/skyhop/drivers"
)

// zoneMap is one region's zones: zone ID ↔ zone name. The mapping of names
// to physical zones differs between accounts; IDs do not.
type zoneMap struct {
	byID   map[string]string
	byName map[string]string
}

// zoneMapOf returns region's zone map, asking DescribeAvailabilityZones
// once per region (errors are not cached).
func (d *Driver) zoneMapOf(ctx context.Context, region string) (*zoneMap, error) {
	d.mu.Lock()
	zm, ok := d.zones[region]
	d.mu.Unlock()
	if ok {
		return zm, nil
	}
	out, err := d.client(region).DescribeAvailabilityZones(ctx, &ec2.DescribeAvailabilityZonesInput{
		AllAvailabilityZones: awssdk.Bool(true),
	})
	if err != nil {
		return nil, classify(err, "describe-zones", region, "")
	}
	zm = &zoneMap{byID: map[string]string{}, byName: map[string]string{}}
	for _, z := range out.AvailabilityZones {
		id, name := awssdk.ToString(z.ZoneId), awssdk.ToString(z.ZoneName)
		if id != "" && name != "" {
			zm.byID[id], zm.byName[name] = name, id
		}
	}
	d.mu.Lock()
	d.zones[region] = zm
	d.mu.Unlock()
	return zm, nil
}

// zoneName returns the zone name to place an instance in for zone, which is
// a zone ID from the catalog ("use1-az4") or a zone name ("us-east-1d").
// Names are used as they are; IDs are mapped with DescribeAvailabilityZones.
func (d *Driver) zoneName(ctx context.Context, region, zone string) (string, error) {
	if zone == "" || isZoneName(region, zone) {
		return zone, nil
	}
	zm, err := d.zoneMapOf(ctx, region)
	if err != nil {
		return "", err
	}
	if name, ok := zm.byID[zone]; ok {
		return name, nil
	}
	ids := make([]string, 0, len(zm.byID))
	for id := range zm.byID {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return "", newError(drivers.ClassUnsupported, drivers.ScopeZone, CodeUnknownZone, "launch", region, zone,
		fmt.Sprintf("%q is neither a zone ID nor a zone name of region %s for this account (its zone IDs: %s); "+
			"use a zone of the region or leave the zone empty", zone, region, strings.Join(ids, ", ")), nil)
}

// zoneLabel returns how to report the zone named name: as its zone ID (the
// catalog's vocabulary), or as the name when the ID is not known.
func (d *Driver) zoneLabel(ctx context.Context, region, name string) string {
	if name == "" {
		return ""
	}
	zm, err := d.zoneMapOf(ctx, region)
	if err != nil {
		return name
	}
	if id, ok := zm.byName[name]; ok {
		return id
	}
	return name
}

// isZoneName reports whether zone is a zone name of region: the region
// followed by a letter ("us-east-1a"), or a Local or Wavelength Zone name
// ("us-east-1-atl-2a", "us-east-1-wl1-bos-wlz-1").
func isZoneName(region, zone string) bool {
	return len(zone) > len(region) && strings.HasPrefix(zone, region)
}

// imageInfo is what the driver needs to know of an image.
type imageInfo struct {
	id         string
	rootDevice string
}

// image returns the image to launch for req in region: the request's image
// (an AMI ID, or a name pattern resolved among the account's own and
// Amazon's images), WithDefaultImage's, or the newest image matching
// the default name patterns. Resolutions are cached per region.
func (d *Driver) image(ctx context.Context, region, zone, requested string) (imageInfo, error) {
	if strings.HasPrefix(requested, "ami-") {
		return imageInfo{id: requested}, nil
	}
	if requested != "" {
		return d.resolveImage(ctx, region, zone, []string{requested}, []string{"self", "amazon"})
	}
	if ami := d.opts.images[region]; ami != "" {
		return imageInfo{id: ami}, nil
	}
	return d.resolveImage(ctx, region, zone, d.opts.imageNames, []string{"amazon"})
}

func (d *Driver) resolveImage(ctx context.Context, region, zone string, patterns, owners []string) (imageInfo, error) {
	key := region + "/names:" + strings.Join(patterns, "|")
	d.mu.Lock()
	info, ok := d.images[key]
	d.mu.Unlock()
	if ok {
		return info, nil
	}
	for _, pat := range patterns {
		out, err := d.client(region).DescribeImages(ctx, &ec2.DescribeImagesInput{
			Owners: owners,
			Filters: []types.Filter{
				{Name: awssdk.String("name"), Values: []string{pat}},
				{Name: awssdk.String("architecture"), Values: []string{"x86_64"}},
				{Name: awssdk.String("state"), Values: []string{"available"}},
			},
		})
		if err != nil {
			return imageInfo{}, classify(err, "resolve-image", region, zone)
		}
		if len(out.Images) == 0 {
			continue
		}
		best := slices.MaxFunc(out.Images, func(a, b types.Image) int {
			if c := strings.Compare(awssdk.ToString(a.CreationDate), awssdk.ToString(b.CreationDate)); c != 0 {
				return c
			}
			if c := strings.Compare(awssdk.ToString(a.Name), awssdk.ToString(b.Name)); c != 0 {
				return c
			}
			return strings.Compare(awssdk.ToString(a.ImageId), awssdk.ToString(b.ImageId))
		})
		info = imageInfo{id: awssdk.ToString(best.ImageId), rootDevice: awssdk.ToString(best.RootDeviceName)}
		d.mu.Lock()
		d.images[key] = info
		d.mu.Unlock()
		return info, nil
	}
	return imageInfo{}, newError(drivers.ClassInvalid, drivers.ScopeRegion, CodeNoImage, "launch", region, zone,
		fmt.Sprintf("no image in %s matches %q (owners %s); name an AMI in the task's image_id or use aws.WithDefaultImage",
			region, patterns, strings.Join(owners, ", ")), nil)
}

// rootDevice returns the root device name of the image, asking
// DescribeImages once per region and image.
func (d *Driver) rootDevice(ctx context.Context, region, zone string, img imageInfo) (string, error) {
	if img.rootDevice != "" {
		return img.rootDevice, nil
	}
	key := region + "/" + img.id
	d.mu.Lock()
	info, ok := d.images[key]
	d.mu.Unlock()
	if ok {
		return info.rootDevice, nil
	}
	out, err := d.client(region).DescribeImages(ctx, &ec2.DescribeImagesInput{ImageIds: []string{img.id}})
	if err != nil {
		return "", classify(err, "describe-image", region, zone)
	}
	if len(out.Images) == 0 || awssdk.ToString(out.Images[0].RootDeviceName) == "" {
		return "", newError(drivers.ClassInvalid, drivers.ScopeRegion, "InvalidAMIID.NotFound", "launch", region, zone,
			fmt.Sprintf("image %s is not visible in %s, so its root device (to size the disk) is unknown; "+
				"images are regional: use an AMI of %s", img.id, region, region), nil)
	}
	info = imageInfo{id: img.id, rootDevice: awssdk.ToString(out.Images[0].RootDeviceName)}
	d.mu.Lock()
	d.images[key] = info
	d.mu.Unlock()
	return info.rootDevice, nil
}
