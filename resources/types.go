package resources

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// DefaultDiskSizeGiB is the boot disk size used when disk_size is unset, as
// in SkyPilot.
const DefaultDiskSizeGiB = 256

// Spec is a parsed resources: section: the candidates a job may run on.
//
// A plain resources: section is a Spec with one candidate. An accelerator
// set ({A:1, B:1}) or any_of expands into several candidates of which the
// cheapest wins (Ordered false); an accelerator list ([A:1, B:1]) or ordered
// expands into a preference order (Ordered true). Top-level fields are
// inherited by every candidate.
type Spec struct {
	// NumNodes is the task's num_nodes (1 when unset). Resources are per node.
	NumNodes int
	// Ordered is true when Candidates is a preference order, false when any
	// candidate may be chosen (the cheapest wins).
	Ordered bool
	// Candidates are the expanded resource requests; never empty after Parse.
	Candidates []Resources
}

// Clone returns a deep copy of the spec.
func (s *Spec) Clone() *Spec {
	if s == nil {
		return nil
	}
	c := &Spec{NumNodes: s.NumNodes, Ordered: s.Ordered, Candidates: make([]Resources, len(s.Candidates))}
	for i := range s.Candidates {
		c.Candidates[i] = s.Candidates[i].Clone()
	}
	return c
}

// SetAccelerator replaces the accelerator of every candidate with a copy of
// a (nil clears it), keeping the spec's shape: the --gpus override of
// "sky launch". Candidates that become identical are kept.
func (s *Spec) SetAccelerator(a *Accelerator) {
	for i := range s.Candidates {
		if a == nil {
			s.Candidates[i].Accelerator = nil
			continue
		}
		c := *a
		s.Candidates[i].Accelerator = &c
	}
}

// Resources is one candidate: a fully merged resource request. The zero
// value of every field means "unset".
type Resources struct {
	// Cloud is the lower-case cloud name ("aws", "gcp", "azure",
	// "kubernetes", ...), from infra or the legacy cloud field.
	Cloud string
	// Region and Zone keep the user's spelling (the optimizer matches
	// regions case-insensitively and zones exactly). For Kubernetes, Region
	// holds the context.
	Region string
	Zone   string
	// Infra is the infra string as written ("aws/us-east-1"), "" when the
	// legacy fields (or nothing) were used.
	Infra string

	// InstanceType is the provider's instance type, verbatim.
	InstanceType string

	// Accelerator is the requested accelerator; nil when none.
	Accelerator *Accelerator
	// AcceleratorArgs holds accelerator_args (meaningful for TPUs).
	AcceleratorArgs *AcceleratorArgs

	// CPUs is the vCPU request ("4", "4+").
	CPUs Quantity
	// Memory is the memory request in GiB ("32", "32+", "4x" per vCPU).
	Memory Quantity

	// UseSpot asks for the spot market; UseSpotSet records whether
	// use_spot was written at all.
	UseSpot    bool
	UseSpotSet bool

	// DiskSizeGiB is the boot disk size in GiB; 0 when unset (then
	// DefaultDiskSizeGiB applies, see DiskSize).
	DiskSizeGiB int
	// DiskTier is one of low, medium, high, ultra, best ("" when unset).
	DiskTier string
	// NetworkTier is standard or best ("" when unset).
	NetworkTier string

	// Ports are the ports to open, sorted and merged into ranges.
	Ports []PortRange

	// ImageID maps a region to an image; the key "" applies to any region
	// (image_id written as a plain string).
	ImageID map[string]string

	// Labels are the instance labels/tags (top-level labels merged with the
	// entry's, the entry winning).
	Labels map[string]string

	// MaxHourlyCost caps the hourly price of one node in USD; 0 when unset.
	MaxHourlyCost float64

	// Fields SkyPilot's own cluster runtime uses. skyhop parses and validates
	// them and keeps them on the candidate, but does not act on them.

	// JobRecovery is job_recovery (managed-job recovery), nil when unset.
	JobRecovery *JobRecovery
	// Autostop is autostop, nil when unset.
	Autostop *Autostop
	// Priority is priority (-1000..1000), nil when unset.
	Priority *int
	// PriorityClass is priority_class.
	PriorityClass string
	// Volumes is volumes, kept as parsed YAML values.
	Volumes []map[string]any
	// LocalDisk is local_disk ("nvme", "ssd:100+"), nil when unset.
	LocalDisk *LocalDisk
	// EphemeralStorageGiB is ephemeral_storage in GiB, 0 when unset.
	EphemeralStorageGiB int

	// Pos is where this candidate was written: the any_of/ordered entry, the
	// accelerator list item, or the resources: key itself.
	Pos Position
	// Path is the field path of Pos ("resources.any_of[1]").
	Path string
}

// DiskSize returns DiskSizeGiB, or DefaultDiskSizeGiB when it is unset.
func (r *Resources) DiskSize() int {
	if r.DiskSizeGiB == 0 {
		return DefaultDiskSizeGiB
	}
	return r.DiskSizeGiB
}

// Image returns the image for region: the region's own entry, else the
// region-independent one; "" when none applies.
func (r *Resources) Image(region string) string {
	if img, ok := r.ImageID[region]; ok {
		return img
	}
	for k, v := range r.ImageID {
		if k != "" && strings.EqualFold(k, region) {
			return v
		}
	}
	return r.ImageID[""]
}

// Clone returns a deep copy.
func (r Resources) Clone() Resources {
	c := r
	if r.Accelerator != nil {
		a := *r.Accelerator
		c.Accelerator = &a
	}
	if r.AcceleratorArgs != nil {
		a := *r.AcceleratorArgs
		c.AcceleratorArgs = &a
	}
	c.Ports = slices.Clone(r.Ports)
	c.ImageID = maps.Clone(r.ImageID)
	c.Labels = maps.Clone(r.Labels)
	if r.JobRecovery != nil {
		j := *r.JobRecovery
		j.RecoverOnExitCodes = slices.Clone(r.JobRecovery.RecoverOnExitCodes)
		c.JobRecovery = &j
	}
	if r.Autostop != nil {
		a := *r.Autostop
		a.WaitFor = r.Autostop.WaitFor
		c.Autostop = &a
	}
	if r.Priority != nil {
		p := *r.Priority
		c.Priority = &p
	}
	if r.Volumes != nil {
		c.Volumes = make([]map[string]any, len(r.Volumes))
		for i, v := range r.Volumes {
			c.Volumes[i] = maps.Clone(v)
		}
	}
	if r.LocalDisk != nil {
		l := *r.LocalDisk
		c.LocalDisk = &l
	}
	return c
}

// String renders the candidate compactly, e.g.
// "gcp/us-central1 A100:8 cpus=8+ spot".
func (r *Resources) String() string {
	var parts []string
	loc := r.Cloud
	if loc == "" && (r.Region != "" || r.Zone != "") {
		loc = "*"
	}
	if r.Region != "" || r.Zone != "" {
		reg := r.Region
		if reg == "" {
			reg = "*"
		}
		loc += "/" + reg
		if r.Zone != "" {
			loc += "/" + r.Zone
		}
	}
	if loc != "" {
		parts = append(parts, loc)
	}
	if r.InstanceType != "" {
		parts = append(parts, r.InstanceType)
	}
	if r.Accelerator != nil {
		parts = append(parts, r.Accelerator.String())
	}
	if r.CPUs.IsSet() {
		parts = append(parts, "cpus="+r.CPUs.String())
	}
	if r.Memory.IsSet() {
		parts = append(parts, "memory="+r.Memory.String())
	}
	if r.UseSpot {
		parts = append(parts, "spot")
	}
	if len(parts) == 0 {
		return "(any)"
	}
	return strings.Join(parts, " ")
}

// Accelerator is one accelerator request: Count devices of Name, or, for a
// memory selector ("80GB+:8"), Count devices of any model whose memory
// matches Memory (optionally from one Manufacturer).
type Accelerator struct {
	// Name is the canonical name ("A100", "tpu-v5p-8"); "" for a memory
	// selector.
	Name string
	// Count is the number of devices per node; it may be fractional (0.5).
	Count float64
	// Memory selects by device memory in GiB (a memory selector); unset
	// for a named accelerator.
	Memory Quantity
	// Manufacturer narrows a memory selector ("nvidia"); lower case.
	Manufacturer string
}

// IsMemorySelector reports whether the request selects GPUs by memory
// rather than by name.
func (a *Accelerator) IsMemorySelector() bool { return a.Name == "" && a.Memory.IsSet() }

// String renders "A100:8", "V100:0.5" or "nvidia:80GB+:8".
func (a *Accelerator) String() string {
	if a == nil {
		return ""
	}
	name := a.Name
	if a.IsMemorySelector() {
		name = formatNumber(a.Memory.Value) + "GB"
		if a.Memory.AtLeast {
			name += "+"
		}
		if a.Manufacturer != "" {
			name = a.Manufacturer + ":" + name
		}
	}
	return name + ":" + formatNumber(a.Count)
}

// AcceleratorArgs is accelerator_args.
type AcceleratorArgs struct {
	// RuntimeVersion is the TPU runtime (software) version; for GCP TPUs
	// Parse fills in SkyPilot's default when it is not written.
	RuntimeVersion string
	// TPUName names an existing TPU to use.
	TPUName string
	// TPUVM selects a TPU VM (true, the default when nil) or a TPU node.
	TPUVM *bool
	// GCPQueuedResource asks for the TPU through GCP's queued resources.
	GCPQueuedResource *bool
}

// Quantity is a cpus or memory request: exactly Value, at least Value
// (AtLeast, written "N+"), or at least Value per vCPU (PerCPU, memory
// written "Nx"). The zero value is unset.
type Quantity struct {
	// Value is the amount: vCPUs, GiB, or GiB per vCPU.
	Value float64
	// AtLeast means "Value or more" (written "N+").
	AtLeast bool
	// PerCPU means "at least Value GiB per vCPU" (memory written "Nx").
	PerCPU bool
}

// IsSet reports whether the quantity was given.
func (q Quantity) IsSet() bool { return q.Value != 0 || q.AtLeast || q.PerCPU }

// Matches reports whether an offering with amount (vCPUs or GiB) and vcpus
// vCPUs satisfies the quantity. An unset quantity matches everything.
func (q Quantity) Matches(amount, vcpus float64) bool {
	switch {
	case !q.IsSet():
		return true
	case q.PerCPU:
		return amount >= q.Value*vcpus-1e-9
	case q.AtLeast:
		return amount >= q.Value-1e-9
	default:
		return amount > q.Value-1e-9 && amount < q.Value+1e-9
	}
}

// String renders the quantity as written in YAML: "4", "4+", "4x".
func (q Quantity) String() string {
	if !q.IsSet() {
		return ""
	}
	s := formatNumber(q.Value)
	switch {
	case q.PerCPU:
		s += "x"
	case q.AtLeast:
		s += "+"
	}
	return s
}

// PortRange is an inclusive range of ports; a single port has From == To.
type PortRange struct {
	// From and To are the first and last port, 1-65535, From <= To.
	From, To int
}

// String renders "8080" or "8080-8082".
func (p PortRange) String() string {
	if p.From == p.To {
		return strconv.Itoa(p.From)
	}
	return fmt.Sprintf("%d-%d", p.From, p.To)
}

// JobRecovery is job_recovery. Strategy is upper case ("EAGER_NEXT_REGION",
// "FAILOVER"), or "" for the default strategy; Disabled is true for the
// string none.
type JobRecovery struct {
	// Strategy is the recovery strategy, upper case; "" for the default.
	Strategy string
	// Disabled is true for job_recovery: none.
	Disabled bool
	// MaxRestartsOnErrors is how often a job failing with a user error is
	// restarted.
	MaxRestartsOnErrors int
	// RecoverOnExitCodes are exit codes (0-255) that always trigger a
	// recovery.
	RecoverOnExitCodes []int
}

// Autostop is autostop: stop (or, with Down, tear down) the cluster after
// IdleMinutes idle minutes. Disabled is true for autostop: false.
type Autostop struct {
	// Disabled is true for autostop: false.
	Disabled bool
	// IdleMinutes is the idle time before stopping, in minutes.
	IdleMinutes int
	// Down tears the cluster down instead of stopping it.
	Down bool
	// WaitFor is what counts as activity: jobs_and_ssh, jobs or none.
	WaitFor string
	// Hook is a command run before stopping; HookTimeout bounds it, in
	// seconds.
	Hook        string
	HookTimeout int
}

// LocalDisk is local_disk: a local disk of Type ("nvme" or "ssd"),
// optionally with a size in GiB (at least SizeGiB when AtLeast).
type LocalDisk struct {
	// Type is "nvme" or "ssd".
	Type string
	// SizeGiB is the requested size, 0 when not given; AtLeast means
	// "SizeGiB or more".
	SizeGiB float64
	AtLeast bool
}

// formatNumber writes a float without a trailing ".0" when it is whole.
func formatNumber(f float64) string {
	return strconv.FormatFloat(f, 'f', -1, 64)
}
