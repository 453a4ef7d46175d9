package catalog

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/skyhop/skyhop/catalog/accelerator"
)

// GCP GPU VMs come in two shapes (see SkyPilot's gcp_catalog.py and
// Google's "GPU machine types" page):
//
//   - accelerator-optimized types (A2, A3, A4, G2) carry a fixed GPU given by
//     the type name; the table prices their host part on the VM row and the
//     GPUs on an accelerator row of the same zone;
//   - attachable GPUs (T4, V100, P100, P4, K80) ride on an n1 host; the
//     table prices the GPUs on an accelerator row and the host on its n1 row.
//
// Either way the offering's price is host row + accelerator row.

// gcpFixed is the GPU of an accelerator-optimized machine type.
type gcpFixed struct {
	acc   string
	count float64
	// alt marks a type SkyPilot does not map (an A3 variant): offered as
	// FlagAlternative beside the type SkyPilot picks.
	alt bool
}

var gcpFixedGPU = map[string]gcpFixed{
	"a2-highgpu-1g":         {"A100", 1, false},
	"a2-highgpu-2g":         {"A100", 2, false},
	"a2-highgpu-4g":         {"A100", 4, false},
	"a2-highgpu-8g":         {"A100", 8, false},
	"a2-megagpu-16g":        {"A100", 16, false},
	"a2-ultragpu-1g":        {"A100-80GB", 1, false},
	"a2-ultragpu-2g":        {"A100-80GB", 2, false},
	"a2-ultragpu-4g":        {"A100-80GB", 4, false},
	"a2-ultragpu-8g":        {"A100-80GB", 8, false},
	"a3-highgpu-1g":         {"H100", 1, false},
	"a3-highgpu-2g":         {"H100", 2, false},
	"a3-highgpu-4g":         {"H100", 4, false},
	"a3-highgpu-8g":         {"H100", 8, false},
	"a3-edgegpu-8g":         {"H100", 8, true},
	"a3-edgegpu-8g-nolssd":  {"H100", 8, true},
	"a3-megagpu-8g":         {"H100-MEGA", 8, false},
	"a3-ultragpu-8g":        {"H200", 8, false},
	"a3-ultragpu-8g-nolssd": {"H200", 8, true},
	"a4-highgpu-8g":         {"B200", 8, false},
	"g2-standard-4":         {"L4", 1, false},
	"g2-standard-8":         {"L4", 1, false},
	"g2-standard-12":        {"L4", 1, false},
	"g2-standard-16":        {"L4", 1, false},
	"g2-standard-32":        {"L4", 1, false},
	"g2-standard-24":        {"L4", 2, false},
	"g2-standard-48":        {"L4", 4, false},
	"g2-standard-96":        {"L4", 8, false},
}

// gcpFixedAccs are the GPUs only accelerator-optimized types carry.
var gcpFixedAccs = map[string]bool{"A100": true, "A100-80GB": true, "L4": true, "H100": true, "H100-MEGA": true, "H200": true, "B200": true}

// gcpHostCPUs is SkyPilot's default host vCPU count per attachable GPU and
// count (modelled on AWS p2/p3/g4dn); other GPUs use "DEFAULT". The host
// must also have at least gcpMemPerCPU GiB per default vCPU.
var gcpHostCPUs = map[string]map[float64]float64{
	"K80":     {1: 4, 2: 8, 4: 16, 8: 32, 16: 64},
	"V100":    {1: 8, 2: 16, 4: 32, 8: 64},
	"T4":      {1: 4, 2: 8, 4: 48},
	"P100":    {1: 8, 2: 16, 4: 32, 8: 64},
	"DEFAULT": {1: 8, 2: 16, 4: 32, 8: 64, 16: 128},
}

const gcpMemPerCPU = 4

// gcpHostMax is the largest n1 host (vCPUs, GiB) GCP allows per attachable
// GPU and count (Google's GPU platform limits, as SkyPilot encodes them).
// A count missing here cannot be launched.
var gcpHostMax = map[string]map[float64][2]float64{
	"K80":  {1: {8, 52}, 2: {16, 104}, 4: {32, 208}, 8: {64, 208}},
	"V100": {1: {12, 78}, 2: {24, 156}, 4: {48, 312}, 8: {96, 624}},
	"T4":   {1: {48, 312}, 2: {48, 312}, 4: {96, 624}},
	"P4":   {1: {24, 156}, 2: {48, 312}, 4: {96, 624}},
	"P100": {1: {16, 104}, 2: {32, 208}, 4: {96, 624}},
}

// gcpHostMaxByZone are the zones where a limit differs.
var gcpHostMaxByZone = map[string][2]float64{
	"K80:8@asia-east1-a":    {64, 416},
	"K80:8@us-east1-d":      {64, 416},
	"P100:4@us-east1-c":     {64, 208},
	"P100:4@europe-west1-d": {64, 208},
	"P100:4@europe-west1-b": {64, 208},
}

var gcpHostFamilies = []string{"n1-standard-", "n1-highmem-", "n1-highcpu-"}

// gcpArch is the CPU architecture of a GCP machine type: Arm for the Tau
// T2A, Axion C4A and A4X families, x86_64 otherwise.
func gcpArch(typ string) string {
	switch {
	case typ == TPUInstanceType:
		return ""
	case strings.HasPrefix(typ, "t2a-"), strings.HasPrefix(typ, "c4a-"), strings.HasPrefix(typ, "a4x-"):
		return "arm64"
	}
	return "x86_64"
}

// composeGCP turns the rows of a GCP table into offerings: plain VMs,
// accelerator-optimized VMs with their GPU, n1 hosts with each attachable
// GPU of their zone, and TPU slices.
func composeGCP(rows []row) []Offering {
	type accKey struct {
		zone, acc string
		count     float64
	}
	type zoneKey struct{ region, zone string }
	accRows := map[accKey]*row{}
	n1ByZone := map[zoneKey][]*row{}
	var vms, attachable, tpus []*row
	for i := range rows {
		r := &rows[i]
		if r.acc != "" {
			r.acc = accelerator.Canonical(r.acc)
		}
		switch {
		case r.typ != "":
			vms = append(vms, r)
			for _, f := range gcpHostFamilies {
				if strings.HasPrefix(r.typ, f) {
					k := zoneKey{r.region, r.zone}
					n1ByZone[k] = append(n1ByZone[k], r)
				}
			}
		case accelerator.IsTPU(r.acc):
			tpus = append(tpus, r)
		default:
			accRows[accKey{r.zone, r.acc, r.count}] = r
			if !gcpFixedAccs[r.acc] {
				attachable = append(attachable, r)
			}
		}
	}

	offs := make([]Offering, 0, len(vms)+len(tpus)+8*len(attachable))
	var composed []int // indices in offs
	var altType []bool // parallel to composed
	sum := func(a, b float64) float64 {
		if math.IsNaN(a) || math.IsNaN(b) {
			return 0
		}
		return roundPrice(a + b)
	}
	for _, r := range vms {
		o := Offering{
			Cloud: "gcp", InstanceType: r.typ, Region: r.region, Zone: r.zone,
			VCPUs: r.vcpus, MemoryGiB: r.mem, Arch: cmpOr(r.arch, gcpArch(r.typ)),
			Price: price(r.price), SpotPrice: price(r.spotPrice),
		}
		if f, ok := gcpFixedGPU[r.typ]; ok {
			o.Accelerator, o.AcceleratorCount = f.acc, f.count
			o.Flags |= FlagComposed
			if a := accRows[accKey{r.zone, f.acc, f.count}]; a != nil {
				o.Price, o.SpotPrice = sum(r.price, a.price), sum(r.spotPrice, a.spotPrice)
			} else {
				// The machine type is offered here but its GPUs are not
				// priced: keep it, unpriced (FlagNoPrice).
				o.Price, o.SpotPrice = 0, 0
			}
			composed = append(composed, len(offs))
			altType = append(altType, f.alt)
		} else if r.acc != "" && !accelerator.IsTPU(r.acc) {
			// A VM row that names its accelerators itself (a user's table):
			// priced as it stands.
			o.Accelerator, o.AcceleratorCount = r.acc, r.count
		}
		offs = append(offs, o)
	}
	for _, a := range attachable {
		name := a.acc
		if _, ok := gcpHostCPUs[name]; !ok {
			name = "DEFAULT"
		}
		minCPUs, ok := gcpHostCPUs[name][a.count]
		if !ok {
			continue // no default host size: SkyPilot cannot launch it either
		}
		maxCPUs, maxMem := math.Inf(1), math.Inf(1)
		if lim, known := gcpHostMax[a.acc]; known {
			l, ok := lim[a.count]
			if !ok {
				continue // GCP does not attach this many
			}
			if z, ok := gcpHostMaxByZone[a.acc+":"+formatCount(a.count)+"@"+a.zone]; ok {
				l = z
			}
			maxCPUs, maxMem = l[0], l[1]
		}
		for _, h := range n1ByZone[zoneKey{a.region, a.zone}] {
			if math.IsNaN(h.price) || h.vcpus < minCPUs || h.mem < minCPUs*gcpMemPerCPU || h.vcpus > maxCPUs || h.mem > maxMem {
				continue
			}
			composed = append(composed, len(offs))
			altType = append(altType, false)
			offs = append(offs, Offering{
				Cloud: "gcp", InstanceType: h.typ, Region: a.region, Zone: a.zone,
				VCPUs: h.vcpus, MemoryGiB: h.mem, Arch: cmpOr(h.arch, gcpArch(h.typ)),
				Accelerator: a.acc, AcceleratorCount: a.count,
				Price: sum(h.price, a.price), SpotPrice: sum(h.spotPrice, a.spotPrice),
				Flags: FlagComposed,
			})
		}
	}
	for _, r := range tpus {
		offs = append(offs, Offering{
			Cloud: "gcp", InstanceType: TPUInstanceType, Region: r.region, Zone: r.zone,
			VCPUs: r.vcpus, MemoryGiB: r.mem, Arch: r.arch,
			Accelerator: r.acc, AcceleratorCount: cmp.Or(price(r.count), 1),
			Price: price(r.price), SpotPrice: price(r.spotPrice),
		})
	}

	// In each (zone, accelerators) group of composed offerings the one
	// SkyPilot picks by default is the cheapest priced host of a mapped
	// type; the others are alternatives.
	order := make([]int, len(composed))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(x, y int) int {
		a, b := &offs[composed[x]], &offs[composed[y]]
		if c := strings.Compare(a.Zone, b.Zone); c != 0 {
			return c
		}
		if c := strings.Compare(a.Region, b.Region); c != 0 {
			return c
		}
		if c := strings.Compare(a.Accelerator, b.Accelerator); c != 0 {
			return c
		}
		if c := cmp.Compare(a.AcceleratorCount, b.AcceleratorCount); c != 0 {
			return c
		}
		if altType[x] != altType[y] {
			if altType[x] {
				return 1
			}
			return -1
		}
		if (a.Price == 0) != (b.Price == 0) {
			if a.Price == 0 {
				return 1
			}
			return -1
		}
		if c := cmp.Compare(a.Price, b.Price); c != 0 {
			return c
		}
		return strings.Compare(a.InstanceType, b.InstanceType)
	})
	for i, x := range order {
		o := &offs[composed[x]]
		if i > 0 {
			p := &offs[composed[order[i-1]]]
			if p.Zone == o.Zone && p.Region == o.Region && p.Accelerator == o.Accelerator && p.AcceleratorCount == o.AcceleratorCount {
				o.Flags |= FlagAlternative
			}
		}
	}
	return offs
}

func formatCount(c float64) string { return strconv.FormatFloat(c, 'g', -1, 64) }
