package catalog

import "fmt"

// Market is how an offering is bought: on demand or on the spot market.
type Market int

// The markets.
const (
	OnDemand Market = iota
	Spot
)

// String returns "on-demand" or "spot".
func (m Market) String() string {
	if m == Spot {
		return "spot"
	}
	return "on-demand"
}

// MarshalText encodes the market as its name.
func (m Market) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText decodes "on-demand" (also "ondemand", "on_demand") or "spot".
func (m *Market) UnmarshalText(b []byte) error {
	switch string(b) {
	case "on-demand", "ondemand", "on_demand", "OnDemand":
		*m = OnDemand
	case "spot", "Spot":
		*m = Spot
	default:
		return fmt.Errorf("catalog: unknown market %q (want on-demand or spot)", b)
	}
	return nil
}

// Offering is one way to buy one instance type in one place: a row of the
// catalog. For GCP GPU VMs composed of an n1 host and attachable GPUs, the
// offering is the composition (InstanceType is the host, Accelerator the
// GPUs) and the prices are the sum of both parts.
type Offering struct {
	// Cloud is the lower-case cloud name: "aws", "gcp", "azure".
	Cloud string `json:"cloud"`
	// InstanceType is the provider's instance type or size.
	InstanceType string `json:"instance_type"`
	// Region is the provider's region; Zone is the zone ("" where the cloud
	// prices per region, as Azure does in the snapshot). AWS zones are zone
	// IDs ("use1-az4").
	Region string `json:"region"`
	Zone   string `json:"zone,omitempty"`
	// VCPUs and MemoryGiB describe the host.
	VCPUs     float64 `json:"vcpus"`
	MemoryGiB float64 `json:"memory_gib"`
	// Accelerator is the canonical accelerator name ("" for CPU-only types),
	// AcceleratorCount how many per instance (may be fractional, e.g. 0.5),
	// AcceleratorMemoryGiB the memory of one device (0 when unknown).
	Accelerator          string  `json:"accelerator,omitempty"`
	AcceleratorCount     float64 `json:"accelerator_count,omitempty"`
	AcceleratorMemoryGiB float64 `json:"accelerator_memory_gib,omitempty"`
	// Arch is the CPU architecture ("x86_64", "arm64"); "" when unknown.
	Arch string `json:"arch,omitempty"`
	// Price and SpotPrice are USD per hour for one instance; 0 means not
	// sold that way (no spot market) or unknown.
	Price     float64 `json:"price"`
	SpotPrice float64 `json:"spot_price"`
	// Flags mark the quirks of the row: no price at all, spot above
	// on-demand, a composed GCP VM, an alternative host, an AWS Local Zone,
	// a price changed by an overlay. See Flag.
	Flags Flag `json:"flags,omitempty"`
}

// PriceIn returns the hourly price of the offering in market m (0 when it is
// not sold that way).
func (o *Offering) PriceIn(m Market) float64 {
	if m == Spot {
		return o.SpotPrice
	}
	return o.Price
}

// Location renders "region/zone", or "region" when there is no zone.
func (o *Offering) Location() string {
	if o.Zone == "" {
		return o.Region
	}
	return o.Region + "/" + o.Zone
}
