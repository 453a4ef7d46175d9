package optimizer

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/skyhop/skyhop/catalog"
	"github.com/skyhop/skyhop/resources"
)

// line renders a candidate compactly for comparisons.
func line(c Candidate) string {
	o := c.Offering
	acc := ""
	if o.Accelerator != "" {
		acc = fmt.Sprintf(" %s:%g", o.Accelerator, o.AcceleratorCount)
	}
	return fmt.Sprintf("%d %s %s %s%s %s $%s", c.Preference, o.Cloud, o.Location(), o.InstanceType, acc, c.Market, money(c.TotalHourly))
}

func lines(p *Plan) []string {
	var out []string
	for _, c := range p.Candidates {
		out = append(out, line(c))
	}
	return out
}

func TestRankOrder(t *testing.T) {
	cat := testCatalog(t)
	for _, tc := range []struct {
		name string
		yaml string
		opts []Option
		want []string
	}{
		{
			name: "a set ranks by cost across clouds, every location",
			yaml: "resources:\n  accelerators: {V100: 1, A10: 0.5}\n",
			want: []string{
				"0 azure eastus Standard_NV18ads_A10_v5 A10:0.5 on-demand $1.60",
				"0 gcp us-central1/us-central1-a n1-standard-8 V100:1 on-demand $2.86",
				"0 gcp us-central1/us-central1-b n1-standard-8 V100:1 on-demand $2.86",
				"0 gcp us-central1/us-central1-c n1-standard-8 V100:1 on-demand $2.86",
				"0 gcp us-west1/us-west1-a n1-standard-8 V100:1 on-demand $2.86",
				"0 aws us-east-1/use1-az1 p3.2xlarge V100:1 on-demand $3.06",
				"0 aws us-east-1/use1-az2 p3.2xlarge V100:1 on-demand $3.06",
				"0 aws us-west-2/usw2-az1 p3.2xlarge V100:1 on-demand $3.06",
				"0 azure eastus Standard_NC6s_v3 V100:1 on-demand $3.06",
			},
		},
		{
			name: "an ordered list tries every location of entry 1 before entry 2, whatever the price",
			yaml: "resources:\n  accelerators: [A100:8, V100:1]\n  infra: aws\n",
			want: []string{
				"0 aws us-east-1/use1-az1 p4d.24xlarge A100:8 on-demand $32.77",
				"0 aws us-west-2/usw2-az1 p4d.24xlarge A100:8 on-demand $32.77",
				"1 aws us-east-1/use1-az1 p3.2xlarge V100:1 on-demand $3.06",
				"1 aws us-east-1/use1-az2 p3.2xlarge V100:1 on-demand $3.06",
				"1 aws us-west-2/usw2-az1 p3.2xlarge V100:1 on-demand $3.06",
			},
		},
		{
			name: "num_nodes multiplies the cost",
			yaml: "num_nodes: 3\nresources:\n  accelerators: A100:8\n",
			want: []string{
				"0 gcp us-central1/us-central1-a a2-highgpu-8g A100:8 on-demand $88.17",
				"0 aws us-east-1/use1-az1 p4d.24xlarge A100:8 on-demand $98.31",
				"0 aws us-west-2/usw2-az1 p4d.24xlarge A100:8 on-demand $98.31",
			},
		},
		{
			name: "spot uses spot prices and skips offerings without one",
			yaml: "resources:\n  accelerators: V100:1\n  use_spot: true\n",
			want: []string{
				"0 azure eastus Standard_NC6s_v3 V100:1 spot $0.31",
				"0 aws us-east-1/use1-az1 p3.2xlarge V100:1 spot $0.92",
				"0 aws us-west-2/usw2-az1 p3.2xlarge V100:1 spot $0.95",
				"0 gcp us-central1/us-central1-a n1-standard-8 V100:1 spot $1.00",
				"0 gcp us-central1/us-central1-b n1-standard-8 V100:1 spot $1.00",
				"0 gcp us-central1/us-central1-c n1-standard-8 V100:1 spot $1.00",
				"0 gcp us-west1/us-west1-a n1-standard-8 V100:1 spot $1.10",
			},
		},
		{
			name: "a pinned region is a fence",
			yaml: "resources:\n  accelerators: V100:1\n  infra: gcp/US-CENTRAL1\n",
			want: []string{
				"0 gcp us-central1/us-central1-a n1-standard-8 V100:1 on-demand $2.86",
				"0 gcp us-central1/us-central1-b n1-standard-8 V100:1 on-demand $2.86",
				"0 gcp us-central1/us-central1-c n1-standard-8 V100:1 on-demand $2.86",
			},
		},
		{
			name: "a pinned zone is a fence; the region is inferred",
			yaml: "resources:\n  accelerators: V100:1\n  zone: us-central1-b\n",
			want: []string{"0 gcp us-central1/us-central1-b n1-standard-8 V100:1 on-demand $2.86"},
		},
		{
			name: "an AWS zone name pins its region and is passed through",
			yaml: "resources:\n  accelerators: V100:1\n  infra: aws/us-east-1/us-east-1c\n",
			want: []string{"0 aws us-east-1/us-east-1c p3.2xlarge V100:1 on-demand $3.06"},
		},
		{
			name: "the cloud is inferred from the region",
			yaml: "resources:\n  accelerators: V100:1\n  region: eastus\n",
			want: []string{"0 azure eastus Standard_NC6s_v3 V100:1 on-demand $3.06"},
		},
		{
			name: "the price cap is on the total for all nodes",
			yaml: "num_nodes: 2\nresources:\n  accelerators: V100:1\n",
			opts: []Option{WithMaxPrice(5.8)},
			want: []string{
				"0 gcp us-central1/us-central1-a n1-standard-8 V100:1 on-demand $5.72",
				"0 gcp us-central1/us-central1-b n1-standard-8 V100:1 on-demand $5.72",
				"0 gcp us-central1/us-central1-c n1-standard-8 V100:1 on-demand $5.72",
				"0 gcp us-west1/us-west1-a n1-standard-8 V100:1 on-demand $5.72",
			},
		},
		{
			name: "max_hourly_cost is per node",
			yaml: "num_nodes: 2\nresources:\n  accelerators: V100:1\n  max_hourly_cost: 2.9\n  infra: gcp/us-west1\n",
			want: []string{"0 gcp us-west1/us-west1-a n1-standard-8 V100:1 on-demand $5.72"},
		},
		{
			name: "enabled clouds",
			yaml: "resources:\n  accelerators: A100:8\n",
			opts: []Option{WithClouds("AWS")},
			want: []string{
				"0 aws us-east-1/use1-az1 p4d.24xlarge A100:8 on-demand $32.77",
				"0 aws us-west-2/usw2-az1 p4d.24xlarge A100:8 on-demand $32.77",
			},
		},
		{
			name: "the exclusion hook hides candidates",
			yaml: "resources:\n  accelerators: A100:8\n",
			opts: []Option{WithExclude(func(c Candidate) (bool, string) {
				return c.Offering.Region == "us-east-1", "blocked: capacity in us-east-1"
			})},
			want: []string{
				"0 gcp us-central1/us-central1-a a2-highgpu-8g A100:8 on-demand $29.39",
				"0 aws us-west-2/usw2-az1 p4d.24xlarge A100:8 on-demand $32.77",
			},
		},
		{
			name: "a limit keeps the head of the search order",
			yaml: "resources:\n  accelerators: V100:1\n",
			opts: []Option{WithLimit(2)},
			want: []string{
				"0 gcp us-central1/us-central1-a n1-standard-8 V100:1 on-demand $2.86",
				"0 gcp us-central1/us-central1-b n1-standard-8 V100:1 on-demand $2.86",
			},
		},
		{
			name: "no request means SkyPilot's default: 8+ vCPUs, 4 GiB each, default families",
			yaml: "resources: {}\n",
			want: []string{
				"0 aws us-east-1/use1-az1 m6i.2xlarge on-demand $0.384",
				"0 azure eastus Standard_D8s_v5 on-demand $0.384",
				"0 gcp us-central1/us-central1-a n2-standard-8 on-demand $0.388",
			},
		},
		{
			name: "cpus only: default families, GPU machines left out",
			yaml: "resources:\n  cpus: 2+\n",
			want: []string{
				"0 aws us-east-1/use1-az1 c6i.large on-demand $0.085",
				"0 aws us-east-1/use1-az1 m6i.2xlarge on-demand $0.384",
				"0 azure eastus Standard_D8s_v5 on-demand $0.384",
				"0 gcp us-central1/us-central1-a n2-standard-8 on-demand $0.388",
			},
		},
		{
			name: "an instance type outside the default families, with its accelerators inferred",
			yaml: "resources:\n  instance_type: t3.2xlarge\n",
			want: []string{"0 aws us-east-1/use1-az1 t3.2xlarge on-demand $0.3328"},
		},
		{
			name: "a fractional count matches within 0.01",
			yaml: "resources:\n  accelerators: A10:0.5\n",
			want: []string{"0 azure eastus Standard_NV18ads_A10_v5 A10:0.5 on-demand $1.60"},
		},
		{
			name: "a memory selector expands to every GPU with that memory",
			yaml: "resources:\n  accelerators: 24GB:0.5\n",
			want: []string{"0 azure eastus Standard_NV18ads_A10_v5 A10:0.5 on-demand $1.60"},
		},
		{
			name: "any_of entries that overlap plan each placement once",
			yaml: "resources:\n  accelerators: A100:8\n  any_of:\n    - infra: aws\n    - cpus: 8+\n",
			want: []string{
				"0 gcp us-central1/us-central1-a a2-highgpu-8g A100:8 on-demand $29.39",
				"0 aws us-east-1/use1-az1 p4d.24xlarge A100:8 on-demand $32.77",
				"0 aws us-west-2/usw2-az1 p4d.24xlarge A100:8 on-demand $32.77",
			},
		},
		{
			name: "image_id per region limits the regions",
			yaml: "resources:\n  accelerators: A100:8\n  cloud: aws\n  image_id: {us-west-2: ami-1}\n",
			want: []string{"0 aws us-west-2/usw2-az1 p4d.24xlarge A100:8 on-demand $32.77"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			plan, err := Rank(parse(t, tc.yaml), cat, tc.opts...)
			if err != nil {
				t.Fatalf("Rank: %v", err)
			}
			if got := lines(plan); !slices.Equal(got, tc.want) {
				t.Errorf("plan:\n  %s\nwant:\n  %s\nrejected: %+v", strings.Join(got, "\n  "), strings.Join(tc.want, "\n  "), plan.Rejected)
			}
		})
	}
}

// Every rejection reason, with the entry it concerns and its suggestions.
func TestRankRejections(t *testing.T) {
	cat := testCatalog(t)
	shared, err := catalog.New([]catalog.Offering{
		{Cloud: "aws", InstanceType: "x1", Region: "shared-1", VCPUs: 8, MemoryGiB: 32, Price: 1},
		{Cloud: "gcp", InstanceType: "x1", Region: "shared-1", VCPUs: 8, MemoryGiB: 32, Price: 1},
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		cat    *catalog.Catalog
		yaml   string
		opts   []Option
		reason Reason
		entry  int
		msg    string
		sugg   []string
		count  int
	}{
		{name: "unknown accelerator", yaml: "resources:\n  accelerators: A100x:8\n", reason: ReasonUnknownAccelerator, msg: `unknown accelerator "A100x"`, sugg: []string{"A100"}},
		{name: "ambiguous accelerator", yaml: "resources:\n  accelerators: H10:8\n", reason: ReasonAmbiguousAccelerator, msg: `"H10" is ambiguous`, sugg: []string{"H100", "H100-MEGA"}},
		{name: "accelerator not sold", yaml: "resources:\n  accelerators: K80:1\n", reason: ReasonAcceleratorNotOffered, msg: "no offering in the catalog has K80"},
		{name: "count not offered", yaml: "resources:\n  accelerators: A100:3\n", reason: ReasonAcceleratorCount, msg: "no offering has 3 of A100; offered: A100:8", sugg: []string{"A100:8"}},
		{name: "zero count", yaml: "resources:\n  accelerators: A100:0\n", reason: ReasonAcceleratorCount, msg: "no offering has 0 of A100"},
		{name: "unknown cloud", yaml: "resources:\n  cloud: lambda\n", reason: ReasonUnknownCloud, msg: "the catalog has no offerings on lambda (it has aws, azure, gcp)"},
		{name: "disabled cloud", yaml: "resources:\n  infra: gcp\n", opts: []Option{WithClouds("aws")}, reason: ReasonCloudDisabled, msg: "cloud gcp is not enabled"},
		{name: "unknown region", yaml: "resources:\n  infra: gcp/us-centrall\n", reason: ReasonUnknownRegion, msg: `no cloud gcp has region "us-centrall"`, sugg: []string{"us-central1"}},
		{name: "zone in another region", yaml: "resources:\n  infra: gcp/us-west1/us-central1-a\n", reason: ReasonZoneNotInRegion, msg: "zone us-central1-a is in gcp us-central1, not in region us-west1"},
		{name: "unknown zone", yaml: "resources:\n  infra: gcp/us-central1/us-central1-z\n", reason: ReasonUnknownZone, msg: `no cloud gcp has zone "us-central1-z"`,
			sugg: []string{"us-central1-a", "us-central1-b", "us-central1-c"}},
		{name: "azure takes no zone", yaml: "resources:\n  infra: azure/eastus/1\n", reason: ReasonZonesUnsupported, msg: "azure does not place by zone"},
		{name: "unknown instance type", yaml: "resources:\n  instance_type: p4d.24xlarg\n", reason: ReasonUnknownInstanceType, msg: `no cloud among aws, azure, gcp has instance type "p4d.24xlarg"`, sugg: []string{"p4d.24xlarge"}},
		{name: "instance type without the accelerators", yaml: "resources:\n  instance_type: p3.2xlarge\n  accelerators: A100:8\n", reason: ReasonInstanceTypeMismatch,
			msg: "instance type p3.2xlarge does not carry A100:8", count: 3},
		{name: "instance type too small", yaml: "resources:\n  instance_type: c6i.large\n  cpus: 4+\n", reason: ReasonInstanceTypeMismatch, msg: "offerings without cpus 4+", count: 1},
		{name: "cloud cannot be inferred", cat: shared, yaml: "resources:\n  region: shared-1\n", reason: ReasonCloudAmbiguous, msg: "several clouds have region shared-1 (aws, gcp)", sugg: []string{"aws", "gcp"}},
		{name: "too small", yaml: "resources:\n  cpus: 1000\n", reason: ReasonTooSmall, msg: "offerings without cpus 1000", count: 4},
		{name: "not in the pinned location", yaml: "resources:\n  accelerators: A100:8\n  infra: gcp/us-west1\n", reason: ReasonNotInLocation, msg: "offerings outside the pinned location us-west1", count: 1},
		{name: "no spot price", yaml: "resources:\n  accelerators: A100:8\n  infra: aws/us-west-2\n  use_spot: true\n", reason: ReasonNoSpotPrice, msg: "offerings without a spot price", count: 1},
		{name: "no on-demand price", yaml: "resources:\n  accelerators: H200:8\n", reason: ReasonNoPrice, msg: "offerings without an on-demand price", count: 1},
		{name: "over max_hourly_cost", yaml: "resources:\n  accelerators: A100:8\n  max_hourly_cost: 10\n", reason: ReasonOverMaxHourlyCost, msg: "above max_hourly_cost $10.00/h per node", count: 3},
		{name: "over the price cap", yaml: "resources:\n  accelerators: A100:8\n", opts: []Option{WithMaxPrice(20)}, reason: ReasonOverPriceCap, msg: "above the price cap of $20.00/h", count: 3},
		{name: "excluded", yaml: "resources:\n  accelerators: A100:8\n", opts: []Option{WithExclude(func(Candidate) (bool, string) { return true, "blocked until 12:00" })},
			reason: ReasonExcluded, msg: "blocked until 12:00", count: 3},
		{name: "image region", yaml: "resources:\n  accelerators: A100:8\n  cloud: aws\n  image_id: {eu-west-1: ami-1}\n", reason: ReasonImageRegion, msg: "regions image_id has no image for", count: 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := tc.cat
			if c == nil {
				c = cat
			}
			plan, err := Rank(parse(t, tc.yaml), c, tc.opts...)
			var nc *NoCandidatesError
			if !errors.As(err, &nc) {
				t.Fatalf("Rank error = %v, want *NoCandidatesError (plan %v)", err, lines(plan))
			}
			var found *Rejection
			for i := range nc.Rejected {
				if nc.Rejected[i].Reason == tc.reason {
					found = &nc.Rejected[i]
				}
			}
			if found == nil {
				t.Fatalf("no %s rejection in %+v", tc.reason, nc.Rejected)
			}
			if found.Entry != tc.entry || !strings.Contains(found.Message, tc.msg) || found.Count != tc.count ||
				(tc.sugg != nil && !slices.Equal(found.Suggestions[:min(len(tc.sugg), len(found.Suggestions))], tc.sugg)) {
				t.Errorf("rejection = %+v\nwant entry %d, message containing %q, count %d, suggestions %q", *found, tc.entry, tc.msg, tc.count, tc.sugg)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error text lacks %q:\n%v", tc.msg, err)
			}
		})
	}
}

func TestRankPartialRejection(t *testing.T) {
	// One entry fails at catalog time, the other works: a plan, not an error.
	plan, err := Rank(parse(t, "resources:\n  any_of:\n    - accelerators: A100x:8\n    - accelerators: A10:0.5\n"), testCatalog(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Candidates) != 1 || plan.Candidates[0].Entry != 1 {
		t.Errorf("candidates = %v", lines(plan))
	}
	if len(plan.Rejected) != 1 || plan.Rejected[0].Entry != 0 || plan.Rejected[0].Reason != ReasonUnknownAccelerator {
		t.Errorf("rejected = %+v", plan.Rejected)
	}
}

func TestRankDeterministic(t *testing.T) {
	cat := testCatalog(t)
	spec := parse(t, "num_nodes: 2\nresources:\n  accelerators: {V100: 1, A100: 8, A10: 0.5}\n  any_of:\n    - use_spot: true\n    - use_spot: false\n")
	var first []byte
	for i := range 5 {
		plan, err := Rank(spec, cat)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := plan.WriteJSON(&buf); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = buf.Bytes()
			continue
		}
		if !bytes.Equal(first, buf.Bytes()) {
			t.Fatalf("plan %d differs from plan 0", i)
		}
	}
	for _, field := range []string{`"num_nodes": 2`, `"instance_type": "n1-standard-8"`, `"market": "spot"`, `"total_hourly":`, `"preference": 0`, `"catalog_source": "test catalog"`} {
		if !bytes.Contains(first, []byte(field)) {
			t.Errorf("JSON lacks %s", field)
		}
	}
}

func TestRankBadInput(t *testing.T) {
	if _, err := Rank(nil, testCatalog(t)); err == nil {
		t.Error("Rank(nil spec) succeeded")
	}
	if _, err := Rank(&resources.Spec{NumNodes: 1, Candidates: []resources.Resources{{}}}, nil); err == nil {
		t.Error("Rank(nil catalog) succeeded")
	}
}

func TestWriteTable(t *testing.T) {
	plan, err := Rank(parse(t, "num_nodes: 2\nresources:\n  accelerators: {V100: 1, A100: 8}\n  use_spot: true\n"), testCatalog(t))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := plan.WriteTable(&buf); err != nil {
		t.Fatal(err)
	}
	want := `Considered resources (2 nodes):
CLOUD  INSTANCE                vCPUs  Mem(GB)  ACCELERATORS  REGION/ZONE                COST ($/h)  LOCATIONS  CHOSEN
azure  Standard_NC6s_v3[Spot]  6      112      V100:1        eastus                     0.62        1          ✔
aws    p3.2xlarge[Spot]        8      61       V100:1        us-east-1/use1-az1         1.84        2
gcp    n1-standard-8[Spot]     8      30       V100:1        us-central1/us-central1-a  2.00        4
gcp    a2-highgpu-8g[Spot]     96     680      A100:8        us-central1/us-central1-a  17.60       1
aws    p4d.24xlarge[Spot]      96     1152     A100:8        us-east-1/use1-az1         24.00       1

Estimated cost: $0.62 / hour
Search path: 9 placements, cheapest first.
Left out:
  - resources.accelerators.V100 (V100:1 spot): offerings without a spot price (1)
  - resources.accelerators.A100 (A100:8 spot): offerings without a spot price (1)
Catalog: test catalog
`
	if got := buf.String(); got != want {
		t.Errorf("table:\n%s\nwant:\n%s", got, want)
	}
}

// The offering-level reasons that need more than one entry or an option.
func TestRankPlanRejections(t *testing.T) {
	offs := append(testOfferings(), catalog.Offering{Cloud: "gcp", InstanceType: "n1-standard-16", Region: "us-west1", Zone: "us-west1-a",
		Accelerator: "V100", AcceleratorCount: 1, VCPUs: 16, MemoryGiB: 60, Price: 3.24, SpotPrice: 1.2, Flags: catalog.FlagAlternative})
	cat, err := catalog.New(offs)
	if err != nil {
		t.Fatal(err)
	}
	find := func(p *Plan, reason Reason) *Rejection {
		for i := range p.Rejected {
			if p.Rejected[i].Reason == reason {
				return &p.Rejected[i]
			}
		}
		t.Fatalf("no %s rejection in %+v", reason, p.Rejected)
		return nil
	}

	// A larger host for the same GPU is left out unless cpus/memory or the
	// instance type ask for it.
	plan, err := Rank(parse(t, "resources:\n  accelerators: V100:1\n  infra: gcp/us-west1\n"), cat)
	if err != nil {
		t.Fatal(err)
	}
	if rj := find(plan, ReasonAlternativeHost); rj.Count != 1 || len(plan.Candidates) != 1 {
		t.Errorf("alternative host: %+v, %v", rj, lines(plan))
	}
	plan, err = Rank(parse(t, "resources:\n  accelerators: V100:1\n  infra: gcp/us-west1\n  cpus: 16\n"), cat)
	if err != nil || len(plan.Candidates) != 1 || plan.Candidates[0].Offering.InstanceType != "n1-standard-16" {
		t.Errorf("cpus: 16 should select the larger host: %v %v", err, lines(plan))
	}

	// Two entries asking for the same placement plan it once.
	plan, err = Rank(parse(t, "resources:\n  any_of:\n    - accelerators: A100:8\n    - {accelerators: A100:8, infra: aws}\n"), cat)
	if err != nil {
		t.Fatal(err)
	}
	if rj := find(plan, ReasonDuplicate); rj.Entry != 1 || rj.Count != 2 || len(plan.Candidates) != 3 {
		t.Errorf("duplicate: %+v, %v", rj, lines(plan))
	}

	// The limit and the disabled clouds concern the plan as a whole.
	plan, err = Rank(parse(t, "resources:\n  accelerators: V100:1\n"), cat, WithLimit(3), WithClouds("gcp", "aws"))
	if err != nil {
		t.Fatal(err)
	}
	if rj := find(plan, ReasonLimit); rj.Entry != -1 || rj.Count != 4 || len(plan.Candidates) != 3 {
		t.Errorf("limit: %+v, %v", rj, lines(plan))
	}
	if rj := find(plan, ReasonCloudDisabled); rj.Entry != -1 || !strings.Contains(rj.Message, "azure") {
		t.Errorf("disabled clouds: %+v", rj)
	}
}
