package optimizer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/skyhop/skyhop/catalog"
)

// TableRows is how many rows WriteTable shows at most.
const TableRows = 15

// Group is one row of the "considered resources" table: a (cloud, instance
// type, accelerators, market) at its best placement in the plan.
type Group struct {
	// Best is the group's first candidate in search order.
	Best Candidate
	// Locations is how many placements (regions/zones) the group has.
	Locations int
}

// Groups folds the plan into one row per (cloud, instance type,
// accelerators, market), in search order of each group's best placement.
func (p *Plan) Groups() []Group {
	type key struct {
		cloud, typ, acc string
		count           float64
		market          catalog.Market
	}
	idx := map[key]int{}
	var out []Group
	for _, c := range p.Candidates {
		o := c.Offering
		k := key{o.Cloud, o.InstanceType, o.Accelerator, o.AcceleratorCount, c.Market}
		if i, ok := idx[k]; ok {
			out[i].Locations++
			continue
		}
		idx[k] = len(out)
		out = append(out, Group{Best: c, Locations: 1})
	}
	return out
}

// EstimatedCost is the cost of the plan's first candidate for Hours hours,
// all nodes included; 0 for an empty plan.
func (p *Plan) EstimatedCost() float64 {
	if len(p.Candidates) == 0 {
		return 0
	}
	return p.Candidates[0].TotalHourly * p.Hours
}

// WriteTable renders the plan in the spirit of "sky launch": the considered
// resources, one row per (cloud, instance type, accelerators, market) at its
// cheapest placement, the chosen row marked; then the estimated cost, the
// size of the search and a summary of what was left out.
func (p *Plan) WriteTable(w io.Writer) error {
	ew := &errWriter{w: w}
	nodes := "1 node"
	if p.NumNodes != 1 {
		nodes = strconv.Itoa(p.NumNodes) + " nodes"
	}
	groups := p.Groups()
	if len(groups) > 0 {
		ew.printf("Considered resources (%s):\n", nodes)
		var table bytes.Buffer
		tw := tabwriter.NewWriter(&table, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "CLOUD\tINSTANCE\tvCPUs\tMem(GB)\tACCELERATORS\tREGION/ZONE\tCOST ($/h)\tLOCATIONS\tCHOSEN")
		for i, g := range groups {
			if i == TableRows {
				break
			}
			c, o := g.Best, g.Best.Offering
			inst := o.InstanceType
			if c.Spot() {
				inst += "[Spot]"
			}
			acc := "-"
			if o.Accelerator != "" {
				acc = o.Accelerator + ":" + strconv.FormatFloat(o.AcceleratorCount, 'f', -1, 64)
			}
			chosen := ""
			if i == 0 {
				chosen = "✔"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\n", o.Cloud, inst, num(o.VCPUs), num(o.MemoryGiB), acc, o.Location(),
				money(c.TotalHourly), g.Locations, chosen)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		for _, l := range strings.SplitAfter(table.String(), "\n") {
			ew.printf("%s", strings.TrimRight(l, " \n")+strings.Repeat("\n", strings.Count(l, "\n")))
		}
		if len(groups) > TableRows {
			ew.printf("... and %d more; the JSON plan has every candidate\n", len(groups)-TableRows)
		}
		ew.printf("\n")
		if p.Hours == 1 {
			ew.printf("Estimated cost: $%s / hour\n", money(p.EstimatedCost()))
		} else {
			ew.printf("Estimated cost: $%s for %s hours\n", money(p.EstimatedCost()), num(p.Hours))
		}
		order := "cheapest first"
		if p.Ordered {
			order = "in preference order, cheapest first within each"
		}
		ew.printf("Search path: %d placements, %s.\n", len(p.Candidates), order)
	} else {
		ew.printf("No launchable resources (%s).\n", nodes)
	}
	if len(p.Rejected) > 0 {
		ew.printf("Left out:\n")
		for i := range p.Rejected {
			ew.printf("  - %s\n", p.Rejected[i].String())
		}
	}
	if p.CatalogSource != "" {
		ew.printf("Catalog: %s\n", p.CatalogSource)
	}
	return ew.err
}

// WriteJSON writes the plan as indented JSON with stable field names; the
// same plan always gives the same bytes.
func (p *Plan) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(p)
}

// num renders a number without a trailing ".0".
func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// errWriter keeps the first write error.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(b []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(b)
	e.err = err
	return n, err
}

func (e *errWriter) printf(format string, args ...any) { fmt.Fprintf(e, format, args...) }
