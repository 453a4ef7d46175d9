// Command show-gpus is a small `sky show-gpus`: where can I get accelerator
// X, and at what price? It answers from skyhop's embedded catalog, offline.
//
//	show-gpus                      every accelerator: counts and clouds
//	show-gpus A100:8               each instance type with 8 A100s, per cloud,
//	                               with the cheapest on-demand and spot price
//	show-gpus a10g --cloud aws     one cloud (aws, gcp, azure)
//	show-gpus H100 --region us-east-1
//	show-gpus L4:1 --all-regions   the cheapest price in every region
//	show-gpus H100:8 --json        JSON (or --csv)
//
// Names are matched case-insensitively; a part of a name that fits exactly
// one accelerator is enough ("v100-32"); an ambiguous or unknown name is
// answered with the choices. Flags may come before or after the name.
package main

import (
	"cmp"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/skyhop/skyhop/catalog"
	"github.com/skyhop/skyhop/catalog/accelerator"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

type options struct {
	cloud, region        string
	allRegions           bool
	json, csv            bool
	alternatives         bool
	name                 string
	count                float64 // 0: any count
	cat                  *catalog.Catalog
	stdout, stderr       io.Writer
	regionSpelled, query string
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("show-gpus", flag.ContinueOnError)
	fs.SetOutput(stderr)
	o := options{stdout: stdout, stderr: stderr, cat: catalog.Default()}
	fs.StringVar(&o.cloud, "cloud", "", "show only this cloud (aws, gcp, azure)")
	fs.StringVar(&o.region, "region", "", "show only this region")
	fs.BoolVar(&o.allRegions, "all-regions", false, "with a name: the cheapest offering in every region, not only overall")
	fs.BoolVar(&o.json, "json", false, "print JSON")
	fs.BoolVar(&o.csv, "csv", false, "print CSV")
	fs.BoolVar(&o.alternatives, "alternatives", false, "with a name: include the larger GCP hosts SkyPilot does not pick by default")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: show-gpus [flags] [NAME[:COUNT]]")
		fs.PrintDefaults()
	}
	// Flags may follow the name: parse, take one argument, parse the rest.
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return 0
			}
			return 2
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(positional) > 1 {
		fmt.Fprintf(stderr, "show-gpus: one accelerator at a time, got %q\n", positional)
		return 2
	}
	if o.json && o.csv {
		fmt.Fprintln(stderr, "show-gpus: choose --json or --csv, not both")
		return 2
	}
	if o.cloud != "" {
		o.cloud = strings.ToLower(o.cloud)
		if !slices.Contains(o.cat.Clouds(), o.cloud) {
			fmt.Fprintf(stderr, "show-gpus: unknown cloud %q; choose one of %s\n", o.cloud, strings.Join(o.cat.Clouds(), ", "))
			return 2
		}
	}
	if o.region != "" {
		if !o.findRegion() {
			return 2
		}
	}
	if len(positional) == 0 {
		if o.allRegions {
			fmt.Fprintln(stderr, "show-gpus: --all-regions needs an accelerator name")
			return 2
		}
		return o.listAll()
	}
	name, count, err := parseRequest(positional[0])
	if err != nil {
		fmt.Fprintf(stderr, "show-gpus: %v\n", err)
		return 2
	}
	info, err := o.cat.Registry().Resolve(name)
	if err != nil {
		fmt.Fprintf(stderr, "show-gpus: %v\n", err)
		return 1
	}
	o.name, o.count, o.query = info.Name, count, positional[0]
	return o.listOne(info)
}

// findRegion checks --region against the catalog (case-insensitive) and
// keeps the catalog's spelling.
func (o *options) findRegion() bool {
	clouds := o.cat.Clouds()
	if o.cloud != "" {
		clouds = []string{o.cloud}
	}
	for _, cl := range clouds {
		if r, ok := o.cat.Region(cl, o.region); ok {
			o.regionSpelled = r
			return true
		}
	}
	sugg := o.cat.SuggestRegion(o.cloud, o.region, 3)
	msg := fmt.Sprintf("show-gpus: no region %q in the catalog", o.region)
	if o.cloud != "" {
		msg += " for " + o.cloud
	}
	if len(sugg) > 0 {
		msg += "; did you mean " + strings.Join(sugg, ", ") + "?"
	}
	fmt.Fprintln(o.stderr, msg)
	return false
}

// parseRequest reads "NAME" or "NAME:COUNT" (COUNT positive, may be
// fractional).
func parseRequest(s string) (string, float64, error) {
	s = strings.TrimSpace(s)
	name, countText, hasCount := strings.Cut(s, ":")
	name = strings.TrimSpace(name)
	if name == "" {
		return "", 0, fmt.Errorf("accelerator %q has no name; write NAME or NAME:COUNT (A100:8)", s)
	}
	if !hasCount {
		return name, 0, nil
	}
	count, err := strconv.ParseFloat(strings.TrimSpace(countText), 64)
	if err != nil || !(count > 0) || count > 1e6 {
		return "", 0, fmt.Errorf("accelerator count %q in %q is not a positive number; write NAME:COUNT (A100:8, A10:0.5)", countText, s)
	}
	return name, count, nil
}

func (o *options) keep(off *catalog.Offering) bool {
	return (o.cloud == "" || off.Cloud == o.cloud) && (o.regionSpelled == "" || off.Region == o.regionSpelled)
}

func (o *options) footer() string {
	s := o.cat.Source()
	return "Catalog: " + s.String()
}

// accSummary is one accelerator in the overview.
type accSummary struct {
	Name         string    `json:"name"`
	Kind         string    `json:"kind"`
	Manufacturer string    `json:"manufacturer,omitempty"`
	MemoryGiB    float64   `json:"memory_gib,omitempty"`
	Counts       []float64 `json:"counts"`
	Clouds       []string  `json:"clouds"`
}

func (o *options) listAll() int {
	reg := o.cat.Registry()
	var gpus, others, tpus []accSummary
	for _, name := range o.cat.Accelerators() {
		var counts []float64
		var clouds []string
		for _, off := range o.cat.ByAccelerator(name) {
			if !o.keep(off) {
				continue
			}
			if !slices.Contains(counts, off.AcceleratorCount) {
				counts = append(counts, off.AcceleratorCount)
			}
			if !slices.Contains(clouds, off.Cloud) {
				clouds = append(clouds, off.Cloud)
			}
		}
		if len(counts) == 0 {
			continue
		}
		slices.Sort(counts)
		slices.Sort(clouds)
		info, _ := reg.Lookup(name)
		s := accSummary{Name: name, Kind: info.Kind.String(), Manufacturer: info.Manufacturer, MemoryGiB: info.MemoryGiB, Counts: counts, Clouds: clouds}
		switch info.Kind {
		case accelerator.GPU:
			gpus = append(gpus, s)
		case accelerator.TPU:
			tpus = append(tpus, s)
		default:
			others = append(others, s)
		}
	}
	byName := func(a, b accSummary) int { return cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) }
	slices.SortFunc(gpus, byName)
	slices.SortFunc(others, byName)
	all := slices.Concat(gpus, others, tpus)
	switch {
	case o.json:
		return o.writeJSON(struct {
			Accelerators []accSummary   `json:"accelerators"`
			Catalog      catalog.Source `json:"catalog"`
		}{all, o.cat.Source()})
	case o.csv:
		w := csv.NewWriter(o.stdout)
		w.Write([]string{"name", "kind", "manufacturer", "memory_gib", "counts", "clouds"})
		for _, s := range all {
			w.Write([]string{s.Name, s.Kind, s.Manufacturer, fmtNum(s.MemoryGiB), joinCounts(s.Counts, " "), strings.Join(s.Clouds, " ")})
		}
		w.Flush()
		fmt.Fprintln(o.stdout, "# "+o.footer())
		return 0
	}
	section := func(title string, list []accSummary) {
		if len(list) == 0 {
			return
		}
		tw := tabwriter.NewWriter(o.stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "%s\tMEMORY\tQUANTITIES\tCLOUDS\n", title)
		for _, s := range list {
			mem := "-"
			if s.MemoryGiB > 0 {
				mem = fmtNum(s.MemoryGiB) + "GB"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", s.Name, mem, joinCounts(s.Counts, ", "), strings.Join(s.Clouds, ", "))
		}
		tw.Flush()
		fmt.Fprintln(o.stdout)
	}
	section("GPU", gpus)
	section("OTHER_ACCELERATOR", others)
	if len(tpus) > 0 {
		// TPU slices grouped by generation: "tpu-v5p: 8, 16, 32, ...".
		type group struct {
			sizes  []int
			clouds []string
		}
		groups := map[string]*group{}
		var order []string
		for _, s := range tpus {
			i := strings.LastIndexByte(s.Name, '-')
			gen, size := s.Name, 0
			if i > 0 {
				if n, err := strconv.Atoi(s.Name[i+1:]); err == nil {
					gen, size = s.Name[:i], n
				}
			}
			g := groups[gen]
			if g == nil {
				g = &group{}
				groups[gen] = g
				order = append(order, gen)
			}
			if size > 0 {
				g.sizes = append(g.sizes, size)
			}
			for _, c := range s.Clouds {
				if !slices.Contains(g.clouds, c) {
					g.clouds = append(g.clouds, c)
				}
			}
		}
		slices.Sort(order)
		tw := tabwriter.NewWriter(o.stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "TPU\tSLICE_SIZES\tCLOUDS")
		for _, gen := range order {
			g := groups[gen]
			slices.Sort(g.sizes)
			fmt.Fprintf(tw, "%s\t%s\t%s\n", gen, abbreviate(g.sizes, 10), strings.Join(g.clouds, ", "))
		}
		tw.Flush()
		fmt.Fprintln(o.stdout)
	}
	fmt.Fprintln(o.stdout, o.footer())
	return 0
}

// abbreviate lists sizes, eliding the middle of a long list.
func abbreviate(sizes []int, max int) string {
	parts := make([]string, 0, len(sizes))
	for _, s := range sizes {
		parts = append(parts, strconv.Itoa(s))
	}
	if len(parts) > max {
		n := len(parts)
		parts = append(parts[:max-2], "…", parts[n-1])
		return strings.Join(parts, ", ") + fmt.Sprintf(" (%d sizes)", n)
	}
	return strings.Join(parts, ", ")
}

// row is one line of the per-accelerator table: an instance type (in one
// region with --all-regions) and its cheapest prices.
type row struct {
	Cloud            string  `json:"cloud"`
	InstanceType     string  `json:"instance_type"`
	Accelerator      string  `json:"accelerator"`
	AcceleratorCount float64 `json:"accelerator_count"`
	VCPUs            float64 `json:"vcpus"`
	MemoryGiB        float64 `json:"memory_gib"`
	AcceleratorGiB   float64 `json:"accelerator_memory_gib,omitempty"`
	Region           string  `json:"region,omitempty"` // with --all-regions
	Price            float64 `json:"price,omitempty"`
	PriceWhere       string  `json:"price_where,omitempty"`
	SpotPrice        float64 `json:"spot_price,omitempty"`
	SpotWhere        string  `json:"spot_where,omitempty"`
}

func (o *options) listOne(info accelerator.Info) int {
	offs := o.cat.ByAccelerator(info.Name)
	if o.count > 0 {
		offs = o.cat.ByAcceleratorCount(info.Name, o.count)
	}
	type key struct{ cloud, typ, region string }
	rows := map[key]*row{}
	for _, off := range offs {
		if !o.keep(off) || (!o.alternatives && off.Flags.Has(catalog.FlagAlternative)) {
			continue
		}
		k := key{off.Cloud, off.InstanceType, ""}
		if o.allRegions {
			k.region = off.Region
		}
		r := rows[k]
		if r == nil {
			r = &row{Cloud: off.Cloud, InstanceType: off.InstanceType, Accelerator: off.Accelerator, AcceleratorCount: off.AcceleratorCount,
				VCPUs: off.VCPUs, MemoryGiB: off.MemoryGiB, AcceleratorGiB: off.AcceleratorMemoryGiB, Region: k.region}
			rows[k] = r
		}
		// Offerings arrive by (region, zone) within an instance type, so
		// the first of equal prices is the alphabetically first place.
		if off.Price > 0 && (r.Price == 0 || off.Price < r.Price) {
			r.Price, r.PriceWhere = off.Price, off.Location()
		}
		if off.SpotPrice > 0 && (r.SpotPrice == 0 || off.SpotPrice < r.SpotPrice) {
			r.SpotPrice, r.SpotWhere = off.SpotPrice, off.Location()
		}
	}
	if len(rows) == 0 {
		msg := fmt.Sprintf("show-gpus: no offering of %s", info.Name)
		if o.count > 0 {
			msg += ":" + fmtNum(o.count)
		}
		if o.cloud != "" {
			msg += " on " + o.cloud
		}
		if o.regionSpelled != "" {
			msg += " in " + o.regionSpelled
		}
		if counts := o.cat.AcceleratorCounts(info.Name, o.cloud); len(counts) > 0 && o.count > 0 {
			msg += "; counts offered: " + joinCounts(counts, ", ")
		}
		fmt.Fprintln(o.stderr, msg)
		return 1
	}
	list := make([]*row, 0, len(rows))
	for _, r := range rows {
		list = append(list, r)
	}
	// Per cloud, then by count, cheapest first; unpriced last.
	price := func(r *row) float64 {
		if r.Price == 0 {
			return 1e18
		}
		return r.Price
	}
	slices.SortFunc(list, func(a, b *row) int {
		return cmp.Or(
			cmp.Compare(a.Cloud, b.Cloud),
			cmp.Compare(a.AcceleratorCount, b.AcceleratorCount),
			cmp.Compare(price(a), price(b)),
			cmp.Compare(a.InstanceType, b.InstanceType),
			cmp.Compare(a.Region, b.Region),
		)
	})
	switch {
	case o.json:
		return o.writeJSON(struct {
			Accelerator string         `json:"accelerator"`
			Count       float64        `json:"count,omitempty"`
			Offerings   []*row         `json:"offerings"`
			Catalog     catalog.Source `json:"catalog"`
		}{info.Name, o.count, list, o.cat.Source()})
	case o.csv:
		w := csv.NewWriter(o.stdout)
		w.Write([]string{"cloud", "instance_type", "accelerator", "accelerator_count", "vcpus", "memory_gib", "region", "price", "price_where", "spot_price", "spot_where"})
		for _, r := range list {
			w.Write([]string{r.Cloud, r.InstanceType, r.Accelerator, fmtNum(r.AcceleratorCount), fmtNum(r.VCPUs), fmtNum(r.MemoryGiB), r.Region,
				fmtNum(r.Price), r.PriceWhere, fmtNum(r.SpotPrice), r.SpotWhere})
		}
		w.Flush()
		fmt.Fprintln(o.stdout, "# "+o.footer())
		return 0
	}
	tw := tabwriter.NewWriter(o.stdout, 0, 0, 2, ' ', 0)
	head := "CLOUD\tINSTANCE_TYPE\tACCELERATORS\tvCPUs\tMEMORY\t"
	if o.allRegions {
		head += "REGION\t"
	}
	fmt.Fprintln(tw, head+"ON-DEMAND $/h\tWHERE\tSPOT $/h\tWHERE")
	for _, r := range list {
		line := fmt.Sprintf("%s\t%s\t%s:%s\t%s\t%sGB\t", r.Cloud, r.InstanceType, r.Accelerator, fmtNum(r.AcceleratorCount), fmtNum(r.VCPUs), fmtNum(r.MemoryGiB))
		if o.allRegions {
			line += r.Region + "\t"
		}
		line += fmtPrice(r.Price) + "\t" + dash(r.PriceWhere) + "\t" + fmtPrice(r.SpotPrice) + "\t" + dash(r.SpotWhere)
		fmt.Fprintln(tw, line)
	}
	tw.Flush()
	fmt.Fprintln(o.stdout)
	fmt.Fprintln(o.stdout, o.footer())
	return 0
}

func (o *options) writeJSON(v any) int {
	enc := json.NewEncoder(o.stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		fmt.Fprintf(o.stderr, "show-gpus: %v\n", err)
		return 1
	}
	return 0
}

func fmtNum(v float64) string {
	if v == 0 {
		return ""
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

func fmtPrice(p float64) string {
	if p == 0 {
		return "-"
	}
	return "$" + strconv.FormatFloat(p, 'f', 3, 64)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func joinCounts(counts []float64, sep string) string {
	parts := make([]string, len(counts))
	for i, c := range counts {
		parts[i] = strconv.FormatFloat(c, 'f', -1, 64)
	}
	return strings.Join(parts, sep)
}
