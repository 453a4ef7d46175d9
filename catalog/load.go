package catalog

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// ParseError reports a problem in a catalog table: where (file, line,
// column), which column, and what is wrong.
type ParseError struct {
	// File is the file name; "" when the table came from a reader.
	File string
	// Line and Column locate the problem (1-based; Column is a byte column
	// and 0 when the whole line or header is concerned).
	Line, Column int
	// Field is the column name concerned, when there is one.
	Field string
	// Err is what is wrong.
	Err error
}

// Error renders "catalog: file:line:column: column Field: what is wrong".
func (e *ParseError) Error() string {
	var b strings.Builder
	b.WriteString("catalog: ")
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteByte(':')
	} else {
		b.WriteString("line ")
	}
	b.WriteString(strconv.Itoa(e.Line))
	if e.Column > 0 {
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(e.Column))
	}
	if e.Field != "" {
		b.WriteString(": column ")
		b.WriteString(e.Field)
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns the underlying error.
func (e *ParseError) Unwrap() error { return e.Err }

// The columns of SkyPilot's v8 vms.csv schema that Load reads; the others
// (GpuInfo, the local-disk and EFA columns, Generation) are ignored, and the
// order of the columns does not matter.
const (
	colInstanceType     = "InstanceType"
	colAcceleratorName  = "AcceleratorName"
	colAcceleratorCount = "AcceleratorCount"
	colVCPUs            = "vCPUs"
	colMemoryGiB        = "MemoryGiB"
	colPrice            = "Price"
	colSpotPrice        = "SpotPrice"
	colRegion           = "Region"
	colZone             = "AvailabilityZone" // optional: Azure has none
	colArch             = "Arch"             // optional
)

var requiredColumns = []string{colInstanceType, colAcceleratorName, colAcceleratorCount, colVCPUs, colMemoryGiB, colPrice, colSpotPrice, colRegion}

// TPUInstanceType is the instance type of GCP TPU VM offerings, as in
// SkyPilot: a TPU slice is bought as a whole, its host comes with it.
const TPUInstanceType = "TPU-VM"

// LoadFile reads a catalog table of one cloud from a file (see Load). When
// cloud is "", it is taken from the file's name or its directory's name
// ("aws_vms.csv", ".../gcp/vms.csv").
func LoadFile(path, cloud string, opts ...Option) (*Catalog, error) {
	if cloud == "" {
		cloud = cloudFromPath(path)
		if cloud == "" {
			return nil, fmt.Errorf("catalog: cannot tell the cloud of %s from its name; pass it (aws, gcp, azure)", path)
		}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	defer f.Close()
	return load(bufio.NewReaderSize(f, 1<<16), path, cloud, opts)
}

func cloudFromPath(path string) string {
	for _, part := range []string{filepath.Base(path), filepath.Base(filepath.Dir(path))} {
		part = strings.ToLower(part)
		for _, c := range []string{"aws", "gcp", "azure"} {
			if part == c || strings.HasPrefix(part, c+"_") || strings.HasPrefix(part, c+"-") || strings.HasPrefix(part, c+".") {
				return c
			}
		}
	}
	return ""
}

// Load reads a catalog table of one cloud in SkyPilot's v8 vms.csv schema
// (columns InstanceType, AcceleratorName, AcceleratorCount, vCPUs,
// MemoryGiB, Price, SpotPrice, Region, and AvailabilityZone except for
// Azure; Arch optional; any order; other columns ignored). Prices are USD
// per hour; an empty cell means unknown or not sold that way.
//
// The data's quirks are handled as for the embedded snapshot: exact
// duplicate rows are dropped; rows that share instance type, accelerators,
// region and zone but differ are an error; an offering without any price is
// kept and flagged FlagNoPrice; spot above on-demand is kept and flagged;
// fractional accelerator counts are kept. For cloud "gcp", VM rows and
// accelerator rows (empty InstanceType) are composed into GPU VMs as
// SkyPilot does (see the package documentation) and TPU rows become
// TPUInstanceType offerings.
//
// Errors are *ParseError values naming the line and column.
func Load(r io.Reader, cloud string, opts ...Option) (*Catalog, error) {
	return load(r, "", cloud, opts)
}

func load(r io.Reader, file, cloud string, opts []Option) (*Catalog, error) {
	cfg, err := buildConfig(opts)
	if err != nil {
		return nil, err
	}
	cloud = strings.ToLower(strings.TrimSpace(cloud))
	if cloud == "" {
		return nil, errors.New("catalog: Load needs the cloud the table belongs to (aws, gcp, azure, ...)")
	}
	rows, err := readRows(r, file, cloud)
	if err != nil {
		return nil, err
	}
	var offs []Offering
	if cloud == "gcp" {
		offs = composeGCP(rows)
	} else {
		offs = plainOfferings(rows, cloud)
	}
	name := file
	if name == "" {
		name = cloud + " table"
	}
	return build(offs, cfg, Source{Name: name})
}

// row is one parsed table row; NaN marks an empty number.
type row struct {
	line                                int
	typ, acc, region, zone, arch        string
	count, vcpus, mem, price, spotPrice float64
}

func readRows(r io.Reader, file, cloud string) ([]row, error) {
	cr := csv.NewReader(r)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		if err == io.EOF {
			return nil, &ParseError{File: file, Line: 1, Err: errors.New("empty table: want a header line with SkyPilot's v8 columns")}
		}
		return nil, csvError(file, err)
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if _, dup := col[h]; dup {
			return nil, &ParseError{File: file, Line: 1, Field: h, Err: errors.New("column appears twice in the header")}
		}
		col[h] = i
	}
	for _, need := range requiredColumns {
		if _, ok := col[need]; !ok {
			return nil, &ParseError{File: file, Line: 1, Field: need,
				Err: fmt.Errorf("missing from the header %q; SkyPilot's v8 schema needs %s", strings.Join(header, ","), strings.Join(requiredColumns, ", "))}
		}
	}
	// AvailabilityZone is optional: a cloud priced per region (Azure) has none.
	zoneCol, hasZone := col[colZone]
	archCol, hasArch := col[colArch]
	intern := map[string]string{}
	in := func(s string) string {
		s = strings.TrimSpace(s)
		if v, ok := intern[s]; ok {
			return v
		}
		s = strings.Clone(s)
		intern[s] = s
		return s
	}
	type key struct {
		typ, acc, region, zone string
		count                  float64
	}
	seen := map[key]int{} // → index in rows
	var rows []row
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(file, err)
		}
		line, _ := cr.FieldPos(0)
		num := func(name string, allowEmpty bool) (float64, error) {
			i := col[name]
			s := strings.TrimSpace(rec[i])
			if s == "" {
				if allowEmpty {
					return math.NaN(), nil
				}
				return 0, nil
			}
			v, err := strconv.ParseFloat(s, 64)
			if err != nil || v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
				l, c := cr.FieldPos(i)
				return 0, &ParseError{File: file, Line: l, Column: c, Field: name,
					Err: fmt.Errorf("%q is not a non-negative decimal number", s)}
			}
			return v, nil
		}
		var rw row
		rw.line = line
		rw.typ = in(rec[col[colInstanceType]])
		rw.acc = in(rec[col[colAcceleratorName]])
		rw.region = in(rec[col[colRegion]])
		if hasZone {
			rw.zone = in(rec[zoneCol])
		}
		if hasArch {
			rw.arch = in(rec[archCol])
		}
		if rw.count, err = num(colAcceleratorCount, true); err != nil {
			return nil, err
		}
		if rw.vcpus, err = num(colVCPUs, false); err != nil {
			return nil, err
		}
		if rw.mem, err = num(colMemoryGiB, false); err != nil {
			return nil, err
		}
		if rw.price, err = num(colPrice, true); err != nil {
			return nil, err
		}
		if rw.spotPrice, err = num(colSpotPrice, true); err != nil {
			return nil, err
		}
		if rw.region == "" {
			l, c := cr.FieldPos(col[colRegion])
			return nil, &ParseError{File: file, Line: l, Column: c, Field: colRegion, Err: errors.New("empty; every row needs a region")}
		}
		if rw.typ == "" && cloud != "gcp" {
			l, c := cr.FieldPos(col[colInstanceType])
			return nil, &ParseError{File: file, Line: l, Column: c, Field: colInstanceType, Err: errors.New("empty; only GCP tables have accelerator rows without an instance type")}
		}
		if rw.acc != "" && !(rw.count > 0) {
			l, c := cr.FieldPos(col[colAcceleratorCount])
			return nil, &ParseError{File: file, Line: l, Column: c, Field: colAcceleratorCount,
				Err: fmt.Errorf("accelerator %q needs a positive count", rw.acc)}
		}
		k := key{rw.typ, rw.acc, rw.region, rw.zone, rw.count}
		if math.IsNaN(k.count) {
			k.count = 0
		}
		if j, dup := seen[k]; dup {
			if sameRow(&rows[j], &rw) {
				continue // exact duplicate (GCP TPU rows)
			}
			return nil, &ParseError{File: file, Line: line, Err: fmt.Errorf(
				"row repeats line %d (instance type %q, accelerator %q, region %q, zone %q) with other values; keep one",
				rows[j].line, rw.typ, rw.acc, rw.region, rw.zone)}
		}
		seen[k] = len(rows)
		rows = append(rows, rw)
	}
	return rows, nil
}

func sameRow(a, b *row) bool {
	eq := func(x, y float64) bool { return x == y || (math.IsNaN(x) && math.IsNaN(y)) }
	return a.typ == b.typ && a.acc == b.acc && a.region == b.region && a.zone == b.zone && a.arch == b.arch &&
		eq(a.count, b.count) && eq(a.vcpus, b.vcpus) && eq(a.mem, b.mem) && eq(a.price, b.price) && eq(a.spotPrice, b.spotPrice)
}

func csvError(file string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &ParseError{File: file, Line: pe.Line, Column: pe.Column, Err: pe.Err}
	}
	return fmt.Errorf("catalog: reading %s: %w", cmpOr(file, "table"), err)
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// price converts a parsed price (NaN = empty) to an Offering price.
func price(v float64) float64 {
	if math.IsNaN(v) {
		return 0
	}
	return v
}

// namedAccelerators fills the accelerator of instance types whose table row
// leaves it empty (SkyPilot's fetchers know no name for them), so that a
// CPU-only request never lands on them.
var namedAccelerators = []struct {
	cloud, prefix string
	acc           string
	count         float64 // 0: keep the row's count
}{
	{"aws", "dl2q.24xlarge", "AI100", 8},      // 8 Qualcomm Cloud AI 100
	{"azure", "Standard_NP", "Alveo U250", 0}, // NP-series FPGAs; the count is in the table
}

func plainOfferings(rows []row, cloud string) []Offering {
	offs := make([]Offering, 0, len(rows))
	for i := range rows {
		r := &rows[i]
		o := Offering{
			Cloud:        cloud,
			InstanceType: r.typ,
			Region:       r.region,
			Zone:         r.zone,
			VCPUs:        r.vcpus,
			MemoryGiB:    r.mem,
			Accelerator:  r.acc,
			Arch:         r.arch,
			Price:        price(r.price),
			SpotPrice:    price(r.spotPrice),
		}
		if r.acc != "" {
			o.AcceleratorCount = r.count
		}
		if r.acc == "" {
			for _, na := range namedAccelerators {
				if na.cloud == cloud && strings.HasPrefix(r.typ, na.prefix) {
					o.Accelerator = na.acc
					o.AcceleratorCount = na.count
					if na.count == 0 {
						o.AcceleratorCount = price(r.count)
					}
					break
				}
			}
			if o.AcceleratorCount == 0 {
				o.Accelerator = "" // a count without a name: treated as CPU-only, as SkyPilot does
			}
		}
		switch cloud {
		case "aws":
			if strings.Count(r.zone, "-") >= 2 {
				o.Flags |= FlagLocalZone
			}
		case "azure":
			if o.Arch == "" {
				o.Arch = azureArch(r.typ)
			}
		}
		offs = append(offs, o)
	}
	return offs
}

// azureArch reads the CPU architecture from an Azure size name: in Azure's
// naming convention the feature letters after the vCPU count contain "p"
// for an Arm CPU ("Standard_D4pds_v5").
func azureArch(size string) string {
	s := strings.TrimPrefix(size, "Standard_")
	if i := strings.IndexByte(s, '_'); i >= 0 {
		s = s[:i]
	}
	i := 0
	for i < len(s) && (s[i] < '0' || s[i] > '9') {
		i++
	}
	if i == len(s) {
		return ""
	}
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '-') {
		i++
	}
	if strings.ContainsRune(s[i:], 'p') {
		return "arm64"
	}
	return "x86_64"
}
