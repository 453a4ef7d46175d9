package catalog

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
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
// (SkyPilot's v8 tables; see Source for where and when). It is decoded on
// first use, once, and shared: safe for concurrent use. It panics if the
// embedded data is corrupt, which the package's tests rule out.
func Default() *Catalog {
	c, err := defaultCatalog()
	if err != nil {
		panic(err)
	}
	return c
}

// decodeSnapshot builds a catalog from a snapshot written by internal/gen:
// offerings already normalised, deduplicated and in accelerator order.
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
	n := d.Len()
	strs := d.Strings()
	specs := d.Specs()
	tmpl := make([]Offering, len(specs))
	for i, sp := range specs {
		tmpl[i] = Offering{
			Cloud: sp.Cloud, InstanceType: sp.InstanceType, VCPUs: sp.VCPUs, MemoryGiB: sp.MemoryGiB,
			Accelerator: sp.Accelerator, AcceleratorCount: sp.AcceleratorCount, AcceleratorMemoryGiB: sp.AcceleratorMemoryGiB,
			Arch: sp.Arch,
		}
	}
	offs := make([]Offering, n)
	in := &ids{strs: strs, cloud: make([]int32, n), typ: make([]int32, n), region: make([]int32, n), zone: make([]int32, n), acc: make([]int32, n)}
	for i := range offs {
		spec, region, zone, flags, price, spot, err := d.NextPlace()
		if err != nil {
			return nil, fmt.Errorf("catalog: embedded snapshot: row %d: %w", i+1, err)
		}
		o := &offs[i]
		*o = tmpl[spec]
		o.Region, o.Zone = strs[region], strs[zone]
		o.Price, o.SpotPrice, o.Flags = price, spot, Flag(flags)
		sp := &specs[spec]
		in.cloud[i], in.typ[i], in.region[i], in.zone[i], in.acc[i] = sp.CloudID, sp.InstanceTypeID, region, zone, sp.AcceleratorID
	}
	c := &Catalog{offs: offs, source: source}
	c.index(in)
	reg, err := registryFor(accelerator.Default(), c.accs)
	if err != nil {
		return nil, err
	}
	c.setRegistry(reg)
	return c, nil
}
