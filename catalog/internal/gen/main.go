// Command gen rebuilds skyhop's embedded catalog snapshot from the SkyPilot
// v8 tables (aws_vms.csv, gcp_vms.csv, azure_vms.csv): it loads them with
// catalog.LoadFile (which composes GCP GPU VMs, dedupes and flags), merges
// them and writes the compact binary form that catalog.Default reads.
//
// Run it through go generate in package catalog:
//
//	go generate ./catalog
//
// or directly, pointing -src at the directory of the CSV files:
//
//	go run ./catalog/internal/gen -src /path/to/csvs -out catalog/data/offerings.bin
package main

import (
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"

	"github.com/skyhop/skyhop/catalog"
	"github.com/skyhop/skyhop/catalog/internal/snapshot"
)

func main() {
	log.SetFlags(0)
	log.SetPrefix("gen: ")
	src := flag.String("src", "../../shared/catalog", "directory holding aws_vms.csv, gcp_vms.csv and azure_vms.csv")
	out := flag.String("out", "data/offerings.bin", "snapshot file to write")
	compress := flag.Bool("gzip", false, "gzip the snapshot (smaller, slower to load)")
	flag.Parse()

	var cats []*catalog.Catalog
	for _, cloud := range []string{"aws", "gcp", "azure"} {
		path := filepath.Join(*src, cloud+"_vms.csv")
		c, err := catalog.LoadFile(path, cloud)
		if err != nil {
			log.Fatal(err)
		}
		log.Printf("%s: %d offerings", path, c.Len())
		cats = append(cats, c)
	}
	all, err := catalog.Merge(cats...)
	if err != nil {
		log.Fatal(err)
	}
	// The offerings with accelerators in accelerator order, then the
	// CPU-only offerings of each cloud (All has them first, by cloud,
	// instance type, region, zone: location order).
	sections := []snapshot.Section{{Name: snapshot.AcceleratorSection}}
	cpu := map[string]int{} // cloud → index in sections
	for _, o := range all.All() {
		row := snapshot.Row{
			Cloud: o.Cloud, InstanceType: o.InstanceType, Region: o.Region, Zone: o.Zone,
			Accelerator: o.Accelerator, Arch: o.Arch, Flags: uint64(o.Flags),
			VCPUs: o.VCPUs, MemoryGiB: o.MemoryGiB, AcceleratorCount: o.AcceleratorCount,
			AcceleratorMemoryGiB: o.AcceleratorMemoryGiB, Price: o.Price, SpotPrice: o.SpotPrice,
		}
		s := 0
		if o.Accelerator == "" {
			var ok bool
			if s, ok = cpu[o.Cloud]; !ok {
				s = len(sections)
				cpu[o.Cloud] = s
				sections = append(sections, snapshot.Section{Name: snapshot.CPUSectionPrefix + o.Cloud})
			}
		}
		sections[s].Rows = append(sections[s].Rows, row)
	}
	var sizes []string
	for _, s := range sections {
		sizes = append(sizes, fmt.Sprintf("%s %d", s.Name, len(s.Rows)))
	}
	log.Printf("sections: %s", strings.Join(sizes, ", "))
	data := snapshot.Encode(sections)
	if *compress {
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
		zw.Write(data)
		if err := zw.Close(); err != nil {
			log.Fatal(err)
		}
		data = b.Bytes()
	}
	if err := os.WriteFile(*out, data, 0o644); err != nil {
		log.Fatal(err)
	}
	var flags = map[string]int{}
	for _, o := range all.All() {
		for f := catalog.Flag(1); f != 0 && f < 1<<15; f <<= 1 {
			if o.Flags.Has(f) {
				flags[f.String()]++
			}
		}
	}
	log.Printf("%s: %d offerings, %d bytes; clouds %s; flags %v", *out, all.Len(), len(data), strings.Join(all.Clouds(), ","), flags)
}
