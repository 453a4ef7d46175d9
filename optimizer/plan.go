package optimizer

import (
	"encoding/json"

	"github.com/skyhop/skyhop/catalog"
	"github.com/skyhop/skyhop/resources"
)

// Plan is the result of Rank: every launchable placement in the order it
// should be tried, and everything that was left out, with why.
type Plan struct {
	// NumNodes is the number of nodes every candidate launches.
	NumNodes int `json:"num_nodes"`
	// Ordered repeats Spec.Ordered: true when the candidates follow the
	// spec's preference order before price.
	Ordered bool `json:"ordered"`
	// Candidates are the placements in search order.
	Candidates []Candidate `json:"candidates"`
	// Rejected explains what is not in the plan, aggregated per spec entry
	// and reason.
	Rejected []Rejection `json:"rejected,omitempty"`
	// Hours is the duration used for cost estimates (default 1).
	Hours float64 `json:"hours"`
	// CatalogSource describes the catalog the plan was ranked on (source
	// and date).
	CatalogSource string `json:"catalog_source,omitempty"`
	// Entries are the spec's candidates (resources entries), indexed by
	// Candidate.Entry and Rejection.Entry. JSON carries them as EntryInfo.
	Entries []resources.Resources `json:"-"`
}

// EntryInfo describes a spec entry in the JSON form of a plan.
type EntryInfo struct {
	// Path is where the entry was written ("resources.any_of[1]").
	Path string `json:"path"`
	// Resources is the entry in short form ("gcp H100:8 cpus=16+ spot").
	Resources string `json:"resources"`
}

// MarshalJSON encodes the plan with its entries described by EntryInfo.
func (p *Plan) MarshalJSON() ([]byte, error) {
	type plain Plan // without the method, to avoid recursion
	entries := make([]EntryInfo, len(p.Entries))
	for i := range p.Entries {
		entries[i] = EntryInfo{Path: p.Entries[i].Path, Resources: p.Entries[i].String()}
	}
	return json.Marshal(struct {
		*plain
		Entries []EntryInfo `json:"entries"`
	}{(*plain)(p), entries})
}

// Candidate is one concrete placement: an offering, bought in one market,
// for NumNodes nodes.
type Candidate struct {
	// Offering is the catalog row (cloud, instance type, region, zone,
	// hardware, prices). It points into the immutable catalog: read it,
	// never modify it (copy the value to change it).
	Offering *catalog.Offering `json:"offering"`
	// Market is on-demand or spot.
	Market catalog.Market `json:"market"`
	// Entry is the index of the spec entry (Plan.Entries, Spec.Candidates)
	// this placement satisfies.
	Entry int `json:"entry"`
	// Preference is the entry's rank in an ordered spec (0 first); 0 for
	// every candidate of an unordered spec.
	Preference int `json:"preference"`
	// Nodes is the node count (the spec's num_nodes).
	Nodes int `json:"nodes"`
	// HourlyPrice is the price of one node per hour in Market (USD);
	// TotalHourly is HourlyPrice × Nodes.
	HourlyPrice float64 `json:"hourly_price"`
	TotalHourly float64 `json:"total_hourly"`
}

// Spot reports whether the candidate buys on the spot market.
func (c *Candidate) Spot() bool { return c.Market == catalog.Spot }

// Reason is a machine-readable reason for a rejection.
type Reason string

// Rejection explains why a spec entry (or part of the catalog) is not in the
// plan.
type Rejection struct {
	// Entry is the index of the spec entry concerned, -1 when the rejection
	// concerns the catalog as a whole (a disabled cloud, say).
	Entry int `json:"entry"`
	// Reason is the machine-readable reason.
	Reason Reason `json:"reason"`
	// Message says what is wrong and what to do, in a sentence.
	Message string `json:"message"`
	// Suggestions are did-you-mean values for names, closest first.
	Suggestions []string `json:"suggestions,omitempty"`
	// Count is how many offerings the rejection covers (0 when it concerns
	// the entry as a whole).
	Count int `json:"count,omitempty"`
}
