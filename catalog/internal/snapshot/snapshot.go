// Package snapshot is the compact binary form of skyhop's embedded catalog,
// built for a fast cold load: a string table, a table of instance-type
// specs (cloud, instance type, accelerator, arch, vCPUs, memory, counts),
// and sections of rows. A section stores one column of variable-length
// integers per per-row field (spec, region, zone, flags, prices), so that
// decoding is a pass over bytes with no parsing and no allocation per row,
// and a reader may skip the columns it does not need (NextKey reads only
// spec, region and zone). Sections let a reader decode part of the data now
// and the rest later. It knows nothing of package catalog; the generator
// (catalog/internal/gen) writes it and catalog.Default reads it.
//
// Layout (all integers are unsigned varints):
//
//	magic "skyhop-catalog/3\n"
//	nStrings, then per string (sorted byte-wise): length, bytes
//	nSpecs, then per spec: cloud, instance type, accelerator, arch (string
//	    indices), vCPUs, memory, accelerator count, accelerator memory
//	    (numbers)
//	nSections, then per section: name (string index), nRows, nColumns
//	    (= 6), then per column: its length in bytes; then the section's
//	    summary: nSpecs, then per spec its rows have (in the order first
//	    seen): spec index, number of rows; nPlaces, then per distinct
//	    (region, zone) of its rows (in the order first seen): region, zone
//	    (string indices)
//	the columns of every section, section after section, each section's
//	    concatenated in the order spec, region, zone, flags, price, spot
//
// Numbers are m<<4|e for the decimal m/10^e (e < 15), or 15 followed by
// the 8 little-endian bytes of the IEEE 754 value when a number has no
// short decimal form.
package snapshot

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
)

// Magic starts every snapshot.
const Magic = "skyhop-catalog/3\n"

// The sections of skyhop's embedded snapshot, as the generator writes them
// and catalog.Default reads them: first AcceleratorSection, the offerings
// with accelerators in the catalog's accelerator order; then one section
// per cloud, CPUSectionPrefix + cloud ("cpu/azure"), of the offerings
// without accelerators in location order (instance type, region, zone).
const (
	AcceleratorSection = "accelerators"
	CPUSectionPrefix   = "cpu/"
)

// Row is one offering. The *ID fields of a decoded row are the indices of
// its strings in the string table (Decoder.Strings).
type Row struct {
	Cloud, InstanceType, Region, Zone, Accelerator, Arch     string
	CloudID, InstanceTypeID, RegionID, ZoneID, AcceleratorID int32
	Flags                                                    uint64
	VCPUs, MemoryGiB, AcceleratorCount                       float64
	AcceleratorMemoryGiB, Price, SpotPrice                   float64
}

// Section is a named run of rows, encoded and decoded on its own.
type Section struct {
	Name string
	Rows []Row
}

// SpecRows is how many rows of a section have one spec.
type SpecRows struct{ Spec, Rows int32 }

// Place is a region and zone (string ids) where a section has rows.
type Place struct{ Region, Zone int32 }

// Spec is the part of a row shared by every place an instance type is
// sold: string ids (indices in Decoder.Strings) and numbers.
type Spec struct {
	CloudID, InstanceTypeID, AcceleratorID, ArchID int32
	VCPUs, MemoryGiB, AcceleratorCount             float64
	AcceleratorMemoryGiB                           float64
}

// specKey is a Spec by value, for the encoder.
type specKey struct {
	cloud, typ, acc, arch        string
	vcpus, mem, accCount, accMem float64
}

// The row columns, in file order.
const (
	colSpec = iota
	colRegion
	colZone
	colFlags
	colPrice
	colSpotPrice
	numColumns
)

const rawFloat = 15

var pow10 = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14}

// Encode returns the snapshot of sections (their rows in their order). The
// string table is sorted (byte-wise), so that string ids compare as the
// strings do; the spec table is shared by every section.
func Encode(sections []Section) []byte {
	strIdx := map[string]uint64{}
	for _, s := range sections {
		strIdx[s.Name] = 0
		for i := range s.Rows {
			r := &s.Rows[i]
			for _, s := range []string{r.Cloud, r.InstanceType, r.Region, r.Zone, r.Accelerator, r.Arch} {
				strIdx[s] = 0
			}
		}
	}
	strs := make([]string, 0, len(strIdx))
	for s := range strIdx {
		strs = append(strs, s)
	}
	slices.Sort(strs)
	for i, s := range strs {
		strIdx[s] = uint64(i)
	}
	str := func(s string) uint64 { return strIdx[s] }
	specIdx := map[specKey]uint64{}
	var specs []byte
	nSpecs := 0
	cols := make([][numColumns][]byte, len(sections))
	summaries := make([][]byte, len(sections))
	for si, s := range sections {
		c := &cols[si]
		var specOrder []uint64
		specRows := map[uint64]uint64{}
		var places []uint64
		placeSeen := map[[2]uint64]bool{}
		for i := range s.Rows {
			r := &s.Rows[i]
			sp := specKey{r.Cloud, r.InstanceType, r.Accelerator, r.Arch, r.VCPUs, r.MemoryGiB, r.AcceleratorCount, r.AcceleratorMemoryGiB}
			id, ok := specIdx[sp]
			if !ok {
				id = uint64(nSpecs)
				nSpecs++
				specIdx[sp] = id
				for _, s := range []string{sp.cloud, sp.typ, sp.acc, sp.arch} {
					specs = binary.AppendUvarint(specs, str(s))
				}
				for _, f := range []float64{sp.vcpus, sp.mem, sp.accCount, sp.accMem} {
					specs = appendFloat(specs, f)
				}
			}
			if specRows[id] == 0 {
				specOrder = append(specOrder, id)
			}
			specRows[id]++
			if pl := [2]uint64{str(r.Region), str(r.Zone)}; !placeSeen[pl] {
				placeSeen[pl] = true
				places = append(places, pl[0], pl[1])
			}
			c[colSpec] = binary.AppendUvarint(c[colSpec], id)
			c[colRegion] = binary.AppendUvarint(c[colRegion], str(r.Region))
			c[colZone] = binary.AppendUvarint(c[colZone], str(r.Zone))
			c[colFlags] = binary.AppendUvarint(c[colFlags], r.Flags)
			c[colPrice] = appendFloat(c[colPrice], r.Price)
			c[colSpotPrice] = appendFloat(c[colSpotPrice], r.SpotPrice)
		}
		sum := binary.AppendUvarint(nil, uint64(len(specOrder)))
		for _, id := range specOrder {
			sum = binary.AppendUvarint(sum, id)
			sum = binary.AppendUvarint(sum, specRows[id])
		}
		sum = binary.AppendUvarint(sum, uint64(len(places)/2))
		for _, v := range places {
			sum = binary.AppendUvarint(sum, v)
		}
		summaries[si] = sum
	}
	var b []byte
	b = append(b, Magic...)
	b = binary.AppendUvarint(b, uint64(len(strs)))
	for _, s := range strs {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	b = binary.AppendUvarint(b, uint64(nSpecs))
	b = append(b, specs...)
	b = binary.AppendUvarint(b, uint64(len(sections)))
	for si, s := range sections {
		b = binary.AppendUvarint(b, str(s.Name))
		b = binary.AppendUvarint(b, uint64(len(s.Rows)))
		b = binary.AppendUvarint(b, numColumns)
		for _, c := range cols[si] {
			b = binary.AppendUvarint(b, uint64(len(c)))
		}
		b = append(b, summaries[si]...)
	}
	for _, c := range cols {
		for _, col := range c {
			b = append(b, col...)
		}
	}
	return b
}

// appendFloat writes v as a short decimal when one reads back exactly:
// m/10^e with m < 2^53 is one correctly rounded division, the same value a
// decimal parser gives for that decimal.
func appendFloat(b []byte, v float64) []byte {
	if v >= 0 && !math.IsInf(v, 0) {
		for e := range len(pow10) {
			m := math.Round(v * pow10[e])
			if m < 1<<53 && m/pow10[e] == v {
				return binary.AppendUvarint(b, uint64(m)<<4|uint64(e))
			}
		}
	}
	b = binary.AppendUvarint(b, rawFloat)
	return binary.LittleEndian.AppendUint64(b, math.Float64bits(v))
}

// ErrCorrupt reports a snapshot that cannot be decoded.
var ErrCorrupt = errors.New("snapshot: corrupt data")

// Decoder holds a snapshot's string table, specs and section directory;
// its Section readers decode the rows.
type Decoder struct {
	strs     []string
	specs    []Spec
	sections []sectionInfo
}

type sectionInfo struct {
	name   string
	n      int
	cols   [numColumns][]byte
	specs  []SpecRows
	places []Place
}

// NewDecoder reads the header, string table, specs and section directory
// of data, and checks that the sections' columns fill the rest of it. The
// strings share one allocation; the rows stay in data until read.
func NewDecoder(data []byte) (*Decoder, error) {
	if !bytes.HasPrefix(data, []byte(Magic)) {
		return nil, fmt.Errorf("%w: no %q header", ErrCorrupt, Magic[:len(Magic)-1])
	}
	h := &Reader{}
	h.cols[0] = data[len(Magic):] // read the header through column 0
	next := func() (uint64, bool) {
		v := h.uvarint(0)
		return v, h.err == nil
	}
	d := &Decoder{}
	ns, ok := next()
	if !ok || ns > uint64(len(h.cols[0])) || ns > math.MaxInt32 {
		return nil, fmt.Errorf("%w: string table", ErrCorrupt)
	}
	// The string bytes are copied into one string (none may point into
	// data, a caller's buffer): a pass to size it, a pass to fill it.
	d.strs = make([]string, ns)
	start, total := h.cols[0], 0
	for i := range d.strs {
		l, ok := next()
		if !ok || l > uint64(len(h.cols[0])) {
			return nil, fmt.Errorf("%w: string %d", ErrCorrupt, i)
		}
		total += int(l)
		h.cols[0] = h.cols[0][l:]
	}
	var all strings.Builder
	all.Grow(total)
	for b := start; all.Len() < total; {
		l, n := binary.Uvarint(b)
		all.Write(b[n : n+int(l)])
		b = b[n+int(l):]
	}
	allS := all.String()
	for i, b, off := 0, start, 0; i < len(d.strs); i++ {
		l, n := binary.Uvarint(b)
		d.strs[i] = allS[off : off+int(l)]
		off += int(l)
		b = b[n+int(l):]
	}
	nsp, ok := next()
	if !ok || nsp > uint64(len(h.cols[0])) {
		return nil, fmt.Errorf("%w: spec table", ErrCorrupt)
	}
	d.specs = make([]Spec, nsp)
	for i := range d.specs {
		s := &d.specs[i]
		s.CloudID, s.InstanceTypeID, s.AcceleratorID, s.ArchID = h.id(0, ns), h.id(0, ns), h.id(0, ns), h.id(0, ns)
		s.VCPUs, s.MemoryGiB, s.AcceleratorCount, s.AcceleratorMemoryGiB = h.float(0), h.float(0), h.float(0), h.float(0)
		if h.err != nil {
			return nil, fmt.Errorf("%w: spec %d", ErrCorrupt, i)
		}
	}
	nsec, ok := next()
	if !ok || nsec > uint64(len(h.cols[0])) {
		return nil, fmt.Errorf("%w: section count", ErrCorrupt)
	}
	d.sections = make([]sectionInfo, nsec)
	var lensC = make([][numColumns]uint64, nsec)
	for i := range d.sections {
		s := &d.sections[i]
		name := h.id(0, ns)
		n, ok := next()
		if !ok || n > uint64(len(h.cols[0])) {
			return nil, fmt.Errorf("%w: section %d: row count", ErrCorrupt, i)
		}
		s.name, s.n = d.strs[name], int(n)
		nc, ok := next()
		if !ok || nc != numColumns {
			return nil, fmt.Errorf("%w: section %d: %d columns, want %d", ErrCorrupt, i, nc, numColumns)
		}
		for c := range lensC[i] {
			if lensC[i][c], ok = next(); !ok {
				return nil, fmt.Errorf("%w: section %d: column lengths", ErrCorrupt, i)
			}
		}
		nspec, ok := next()
		if !ok || nspec > n || nspec > uint64(len(h.cols[0])) {
			return nil, fmt.Errorf("%w: section %d: summary", ErrCorrupt, i)
		}
		s.specs = make([]SpecRows, nspec)
		var rows uint64
		for j := range s.specs {
			sp := h.id(0, uint64(len(d.specs)))
			nr, ok := next()
			if !ok || nr > n {
				return nil, fmt.Errorf("%w: section %d: summary", ErrCorrupt, i)
			}
			rows += nr
			s.specs[j] = SpecRows{sp, int32(min(nr, math.MaxInt32))}
		}
		npl, ok := next()
		if !ok || rows != n || npl > n || npl > uint64(len(h.cols[0])) {
			return nil, fmt.Errorf("%w: section %d: summary", ErrCorrupt, i)
		}
		s.places = make([]Place, npl)
		for j := range s.places {
			s.places[j] = Place{h.id(0, ns), h.id(0, ns)}
		}
		if h.err != nil {
			return nil, fmt.Errorf("%w: section %d: summary", ErrCorrupt, i)
		}
	}
	b := h.cols[0]
	for i := range d.sections {
		for c, l := range lensC[i] {
			if l > uint64(len(b)) {
				return nil, fmt.Errorf("%w: section %d: column %d is truncated", ErrCorrupt, i, c)
			}
			// A row takes at least one byte of every column.
			if l < uint64(d.sections[i].n) {
				return nil, fmt.Errorf("%w: section %d: column %d is too short for %d rows", ErrCorrupt, i, c, d.sections[i].n)
			}
			d.sections[i].cols[c], b = b[:l], b[l:]
		}
	}
	if len(b) != 0 {
		return nil, fmt.Errorf("%w: %d trailing bytes", ErrCorrupt, len(b))
	}
	return d, nil
}

// Strings returns the string table (shared; do not modify).
func (d *Decoder) Strings() []string { return d.strs }

// Specs returns the spec table (shared; do not modify).
func (d *Decoder) Specs() []Spec { return d.specs }

// NumSections returns the number of sections.
func (d *Decoder) NumSections() int { return len(d.sections) }

// SectionSpecs returns the summary of section i's specs: each spec its
// rows have, in the order first seen, with its number of rows. Shared; do
// not modify.
func (d *Decoder) SectionSpecs(i int) []SpecRows { return d.sections[i].specs }

// SectionPlaces returns the distinct (region, zone) pairs of section i's
// rows, in the order first seen. Shared; do not modify.
func (d *Decoder) SectionPlaces(i int) []Place { return d.sections[i].places }

// Section returns a reader at the first row of section i (0 ≤ i <
// NumSections). Each call returns a new reader: sections may be read
// again, and concurrently, each by its own reader.
func (d *Decoder) Section(i int) *Reader {
	s := &d.sections[i]
	return &Reader{d: d, name: s.name, n: s.n, cols: s.cols}
}

// Reader reads the rows of one section in order. Read a section either
// with NextPlace or Next, or with NextKey alone: NextKey skips the other
// columns, so mixing them misaligns the rows.
type Reader struct {
	d    *Decoder
	err  error
	name string
	n    int // rows
	read int // rows read
	cols [numColumns][]byte
}

// Name returns the section's name.
func (r *Reader) Name() string { return r.name }

// Len returns the section's number of rows.
func (r *Reader) Len() int { return r.n }

// NextPlace decodes the per-row part of the next row: the index of its spec
// in Specs, its region and zone ids, flags and prices. Once it fails
// (corrupt data), it keeps failing.
func (r *Reader) NextPlace() (spec, region, zone int32, flags uint64, price, spot float64, err error) {
	spec, region, zone = r.key()
	flags = r.uvarint(colFlags)
	price, spot = r.float(colPrice), r.float(colSpotPrice)
	return spec, region, zone, flags, price, spot, r.err
}

// NextKey decodes the spec, region and zone of the next row, skipping its
// flags and prices: a pass that learns where a section's rows are without
// reading their prices.
func (r *Reader) NextKey() (spec, region, zone int32, err error) {
	spec, region, zone = r.key()
	return spec, region, zone, r.err
}

func (r *Reader) key() (spec, region, zone int32) {
	if r.err != nil {
		return 0, 0, 0
	}
	if r.read++; r.read > r.n {
		r.err = fmt.Errorf("%w: section %q has %d rows", ErrCorrupt, r.name, r.n)
		return 0, 0, 0
	}
	ns := uint64(len(r.d.strs))
	spec = r.id(colSpec, uint64(len(r.d.specs)))
	region, zone = r.id(colRegion, ns), r.id(colZone, ns)
	return spec, region, zone
}

// Next decodes the next row into row.
func (r *Reader) Next(row *Row) error {
	sp, region, zone, flags, price, spot, err := r.NextPlace()
	if err != nil {
		return err
	}
	s, strs := &r.d.specs[sp], r.d.strs
	*row = Row{
		Cloud: strs[s.CloudID], InstanceType: strs[s.InstanceTypeID], Region: strs[region], Zone: strs[zone],
		Accelerator: strs[s.AcceleratorID], Arch: strs[s.ArchID],
		CloudID: s.CloudID, InstanceTypeID: s.InstanceTypeID, RegionID: region, ZoneID: zone, AcceleratorID: s.AcceleratorID,
		Flags: flags, VCPUs: s.VCPUs, MemoryGiB: s.MemoryGiB, AcceleratorCount: s.AcceleratorCount,
		AcceleratorMemoryGiB: s.AcceleratorMemoryGiB, Price: price, SpotPrice: spot,
	}
	return nil
}

func (r *Reader) uvarint(c int) uint64 {
	b := r.cols[c]
	if len(b) > 0 && b[0] < 0x80 { // one byte: the common case
		r.cols[c] = b[1:]
		return uint64(b[0])
	}
	v, n := binary.Uvarint(b)
	if n <= 0 {
		r.fail(c)
		return 0
	}
	r.cols[c] = b[n:]
	return v
}

// id reads an index below n.
func (r *Reader) id(c int, n uint64) int32 {
	v := r.uvarint(c)
	if v >= n {
		r.fail(c)
		return 0
	}
	return int32(v)
}

func (r *Reader) float(c int) float64 {
	v := r.uvarint(c)
	if e := v & 15; e != rawFloat {
		return float64(v>>4) / pow10[e]
	}
	b := r.cols[c]
	if len(b) < 8 {
		r.fail(c)
		return 0
	}
	r.cols[c] = b[8:]
	return math.Float64frombits(binary.LittleEndian.Uint64(b))
}

func (r *Reader) fail(c int) {
	if r.err == nil {
		r.err = fmt.Errorf("%w: section %q, column %d", ErrCorrupt, r.name, c)
	}
}
