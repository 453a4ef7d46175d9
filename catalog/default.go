package catalog

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/skyhop/skyhop/catalog/accelerator"
	"github.com/skyhop/skyhop/catalog/internal/snapshot"
)

//go:generate go run ./internal/gen -src ../../shared/catalog -out data/offerings.bin

// snapshotData is the embedded snapshot, written by internal/gen (a gzip
// stream is accepted too).
//
//go:embed data/offerings.bin
var snapshotData []byte

// sourceJSON is the snapshot's Source.
//
//go:embed data/source.json
var sourceJSON []byte

var defaultCatalog = sync.OnceValues(func() (*Catalog, error) {
	return decodeSnapshot(snapshotData, sourceJSON)
})

// Default returns the embedded snapshot of AWS, GCP and Azure offerings
// (SkyPilot's v8 tables; see Source for where and when), shared and safe
// for concurrent use. The first call decodes the offerings with
// accelerators and the indexes every query needs (clouds, regions, zones,
// instance types, accelerator names) in a few milliseconds; the CPU-only
// offerings, nine in ten of the snapshot, are decoded per cloud on first
// need, once: by CPUOnly and All (every cloud), and by ByCloud,
// ByInstanceType and ByInstanceTypePrefix (that cloud) when the answer
// holds CPU-only offerings. Slices a query returns never change
// afterwards. Default panics if the embedded data is corrupt, which the
// package's tests rule out.
func Default() *Catalog {
	c, err := defaultCatalog()
	if err != nil {
		panic(err)
	}
	return c
}

// decodeSnapshot builds a catalog from a snapshot written by internal/gen:
// offerings already normalised, deduplicated and sorted. It decodes the
// offerings with accelerators, passes over the ids of the CPU-only ones to
// index where they are, and leaves their decoding to first need.
func decodeSnapshot(data, srcJSON []byte) (*Catalog, error) {
	var src struct {
		Name        string `json:"name"`
		Date        string `json:"date"`
		Attribution string `json:"attribution"`
	}
	if err := json.Unmarshal(srcJSON, &src); err != nil {
		return nil, fmt.Errorf("catalog: embedded source.json: %w", err)
	}
	source := Source{Name: src.Name, Attribution: src.Attribution}
	if src.Date != "" {
		d, err := time.Parse(time.DateOnly, src.Date)
		if err != nil {
			return nil, fmt.Errorf("catalog: embedded source.json: date: %w", err)
		}
		source.Date = d
	}
	if len(data) > 2 && data[0] == 0x1f && data[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("catalog: embedded snapshot: %w", err)
		}
		if data, err = io.ReadAll(zr); err != nil {
			return nil, fmt.Errorf("catalog: embedded snapshot: %w", err)
		}
	}
	d, err := snapshot.NewDecoder(data)
	if err != nil {
		return nil, fmt.Errorf("catalog: embedded snapshot: %w", err)
	}
	if d.NumSections() == 0 || d.Section(0).Name() != snapshot.AcceleratorSection {
		return nil, fmt.Errorf("catalog: embedded snapshot: the first section is not %q", snapshot.AcceleratorSection)
	}
	strs, specs := d.Strings(), d.Specs()
	ix := newIndexer(strs, d.Section(0).Len())
	// The offerings with accelerators: a pass over their ids indexes
	// them, in accelerator order.
	r := d.Section(0)
	for range r.Len() {
		spec, region, zone, err := r.NextKey()
		if err != nil {
			return nil, fmt.Errorf("catalog: embedded snapshot: %w", err)
		}
		sp := &specs[spec]
		if strs[sp.AcceleratorID] == "" {
			return nil, fmt.Errorf("catalog: embedded snapshot: %s %s without accelerators in section %q", strs[sp.CloudID], strs[sp.InstanceTypeID], r.Name())
		}
		ix.add(sp.CloudID, sp.InstanceTypeID, region, zone, true)
	}
	// The CPU-only offerings: the sections' summaries index them (how many
	// rows of each instance type, which places), their rows are decoded on
	// first need.
	for i := 1; i < d.NumSections(); i++ {
		name := d.Section(i).Name()
		cloud, ok := strings.CutPrefix(name, snapshot.CPUSectionPrefix)
		cid, found := slices.BinarySearch(strs, cloud) // the table is sorted
		if !ok || !found {
			return nil, fmt.Errorf("catalog: embedded snapshot: unexpected section %q", name)
		}
		id := int32(cid)
		cb := ix.cloud(id)
		if cb.load != nil {
			return nil, fmt.Errorf("catalog: embedded snapshot: two sections of %s", name)
		}
		for _, sr := range d.SectionSpecs(i) {
			sp := &specs[sr.Spec]
			if sp.CloudID != id || strs[sp.AcceleratorID] != "" {
				return nil, fmt.Errorf("catalog: embedded snapshot: section %q holds %s %s with accelerator %q", name, strs[sp.CloudID], strs[sp.InstanceTypeID], strs[sp.AcceleratorID])
			}
			ix.addCPU(id, sp.InstanceTypeID, sr.Rows)
		}
		for _, pl := range d.SectionPlaces(i) {
			cb.place(pl.Region, pl.Zone)
		}
		cb.load = func() ([]Offering, error) {
			r := d.Section(i)
			offs := make([]Offering, r.Len())
			return offs, decodeRows(d, r, offs)
		}
	}
	// The offerings with accelerators, decoded now.
	r = d.Section(0)
	offs := make([]Offering, r.Len())
	if err := decodeRows(d, r, offs); err != nil {
		return nil, err
	}
	acc := make([]*Offering, len(offs))
	for i := range offs {
		acc[i] = &offs[i]
	}
	c, err := ix.finish(acc, source)
	if err != nil {
		return nil, err
	}
	reg, err := registryFor(accelerator.Default(), c.accs)
	if err != nil {
		return nil, err
	}
	c.setRegistry(reg)
	return c, nil
}

// decodeRows decodes the next len(offs) rows of r into offs.
func decodeRows(d *snapshot.Decoder, r *snapshot.Reader, offs []Offering) error {
	strs, specs := d.Strings(), d.Specs()
	for i := range offs {
		spec, region, zone, flags, price, spot, err := r.NextPlace()
		if err != nil {
			return fmt.Errorf("catalog: embedded snapshot: section %q, row %d: %w", r.Name(), i+1, err)
		}
		sp := &specs[spec]
		offs[i] = Offering{
			Cloud: strs[sp.CloudID], InstanceType: strs[sp.InstanceTypeID], Region: strs[region], Zone: strs[zone],
			VCPUs: sp.VCPUs, MemoryGiB: sp.MemoryGiB,
			Accelerator: strs[sp.AcceleratorID], AcceleratorCount: sp.AcceleratorCount, AcceleratorMemoryGiB: sp.AcceleratorMemoryGiB,
			Arch: strs[sp.ArchID], Price: price, SpotPrice: spot, Flags: Flag(flags),
		}
	}
	return nil
}
