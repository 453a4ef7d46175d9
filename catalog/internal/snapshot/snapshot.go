// Package snapshot is the compact binary form of skyhop's embedded catalog,
// built for a fast cold load: a string table, a table of instance-type
// specs (cloud, instance type, accelerator, arch, vCPUs, memory, counts),
// and one column of variable-length integers per per-row field (spec,
// region, zone, flags, prices), so that decoding is a pass over bytes with
// no parsing and no allocation per row. It knows nothing of package
// catalog; the generator (catalog/internal/gen) writes it and
// catalog.Default reads it.
//
// Layout (all integers are unsigned varints):
//
//	magic "skyhop-catalog/2\n"
//	nStrings, then per string (sorted byte-wise): length, bytes
//	nSpecs, then per spec: cloud, instance type, accelerator, arch (string
//	    indices), vCPUs, memory, accelerator count, accelerator memory
//	    (numbers)
//	nRows
//	nColumns (= 6), then per column: its length in bytes
//	the row columns, concatenated: spec, region, zone, flags, price, spot
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
)

// Magic starts every snapshot.
const Magic = "skyhop-catalog/2\n"

// Row is one offering. The *ID fields of a decoded row are the indices of
// its strings in the string table (Decoder.Strings).
type Row struct {
	Cloud, InstanceType, Region, Zone, Accelerator, Arch     string
	CloudID, InstanceTypeID, RegionID, ZoneID, AcceleratorID int32
	Flags                                                    uint64
	VCPUs, MemoryGiB, AcceleratorCount                       float64
	AcceleratorMemoryGiB, Price, SpotPrice                   float64
}

// spec is the part of a row shared by every place an instance type is sold.
type spec struct {
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

// Encode returns the snapshot of rows (in their order). The string table is
// sorted (byte-wise), so that string ids compare as the strings do.
func Encode(rows []Row) []byte {
	strIdx := map[string]uint64{}
	for i := range rows {
		r := &rows[i]
		for _, s := range []string{r.Cloud, r.InstanceType, r.Region, r.Zone, r.Accelerator, r.Arch} {
			strIdx[s] = 0
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
	specIdx := map[spec]uint64{}
	var specs []byte
	nSpecs := 0
	var cols [numColumns][]byte
	for i := range rows {
		r := &rows[i]
		sp := spec{r.Cloud, r.InstanceType, r.Accelerator, r.Arch, r.VCPUs, r.MemoryGiB, r.AcceleratorCount, r.AcceleratorMemoryGiB}
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
		cols[colSpec] = binary.AppendUvarint(cols[colSpec], id)
		cols[colRegion] = binary.AppendUvarint(cols[colRegion], str(r.Region))
		cols[colZone] = binary.AppendUvarint(cols[colZone], str(r.Zone))
		cols[colFlags] = binary.AppendUvarint(cols[colFlags], r.Flags)
		cols[colPrice] = appendFloat(cols[colPrice], r.Price)
		cols[colSpotPrice] = appendFloat(cols[colSpotPrice], r.SpotPrice)
	}
	var b bytes.Buffer
	b.WriteString(Magic)
	b.Write(binary.AppendUvarint(nil, uint64(len(strs))))
	for _, s := range strs {
		b.Write(binary.AppendUvarint(nil, uint64(len(s))))
		b.WriteString(s)
	}
	b.Write(binary.AppendUvarint(nil, uint64(nSpecs)))
	b.Write(specs)
	b.Write(binary.AppendUvarint(nil, uint64(len(rows))))
	b.Write(binary.AppendUvarint(nil, numColumns))
	for _, c := range cols {
		b.Write(binary.AppendUvarint(nil, uint64(len(c))))
	}
	for _, c := range cols {
		b.Write(c)
	}
	return b.Bytes()
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

// Decoder reads the rows of a snapshot in order.
type Decoder struct {
	err   error
	strs  []string
	specs []Row // templates: the spec fields and their ids
	n     int
	cols  [numColumns][]byte
}

// NewDecoder reads the header, string table and specs of data. The strings
// of the rows it returns share one allocation.
func NewDecoder(data []byte) (*Decoder, error) {
	if !bytes.HasPrefix(data, []byte(Magic)) {
		return nil, fmt.Errorf("%w: no %q header", ErrCorrupt, Magic[:len(Magic)-1])
	}
	d := &Decoder{cols: [numColumns][]byte{}}
	d.cols[0] = data[len(Magic):] // read the header through column 0
	next := func() (uint64, bool) {
		v := d.uvarint(0)
		return v, d.err == nil
	}
	ns, ok := next()
	if !ok || ns > uint64(len(d.cols[0])) || ns > math.MaxInt32 {
		return nil, fmt.Errorf("%w: string table", ErrCorrupt)
	}
	d.strs = make([]string, ns)
	var total []byte
	lens := make([]int, ns)
	for i := range lens {
		l, ok := next()
		if !ok || l > uint64(len(d.cols[0])) {
			return nil, fmt.Errorf("%w: string %d", ErrCorrupt, i)
		}
		lens[i] = int(l)
		total = append(total, d.cols[0][:l]...)
		d.cols[0] = d.cols[0][l:]
	}
	all := string(total) // one allocation for every string
	off := 0
	for i, l := range lens {
		d.strs[i] = all[off : off+l]
		off += l
	}
	nsp, ok := next()
	if !ok || nsp > uint64(len(d.cols[0])) {
		return nil, fmt.Errorf("%w: spec table", ErrCorrupt)
	}
	d.specs = make([]Row, nsp)
	for i := range d.specs {
		s := &d.specs[i]
		s.CloudID, s.InstanceTypeID, s.AcceleratorID = d.id(0), d.id(0), d.id(0)
		arch := d.id(0)
		s.VCPUs, s.MemoryGiB, s.AcceleratorCount, s.AcceleratorMemoryGiB = d.float(0), d.float(0), d.float(0), d.float(0)
		if d.err != nil {
			return nil, fmt.Errorf("%w: spec %d", ErrCorrupt, i)
		}
		s.Cloud, s.InstanceType, s.Accelerator, s.Arch = d.strs[s.CloudID], d.strs[s.InstanceTypeID], d.strs[s.AcceleratorID], d.strs[arch]
	}
	n, ok := next()
	if !ok || n > uint64(len(d.cols[0])) {
		return nil, fmt.Errorf("%w: row count", ErrCorrupt)
	}
	d.n = int(n)
	nc, ok := next()
	if !ok || nc != numColumns {
		return nil, fmt.Errorf("%w: %d columns, want %d", ErrCorrupt, nc, numColumns)
	}
	var lensC [numColumns]uint64
	for i := range lensC {
		if lensC[i], ok = next(); !ok {
			return nil, fmt.Errorf("%w: column lengths", ErrCorrupt)
		}
	}
	b := d.cols[0]
	for i, l := range lensC {
		if l > uint64(len(b)) {
			return nil, fmt.Errorf("%w: column %d is truncated", ErrCorrupt, i)
		}
		d.cols[i], b = b[:l], b[l:]
	}
	if len(b) != 0 {
		return nil, fmt.Errorf("%w: %d trailing bytes", ErrCorrupt, len(b))
	}
	return d, nil
}

// Strings returns the string table (shared; do not modify).
func (d *Decoder) Strings() []string { return d.strs }

// Specs returns the spec templates: rows holding the fields an instance type
// shares across places (cloud, instance type, accelerator, arch, vCPUs,
// memory, accelerator count and memory) with their ids. Shared; do not
// modify.
func (d *Decoder) Specs() []Row { return d.specs }

// Len returns the number of rows.
func (d *Decoder) Len() int { return d.n }

// NextPlace decodes the per-row part of the next row: the index of its spec
// in Specs, its region and zone ids, flags and prices. Once it fails
// (corrupt data), it keeps failing.
func (d *Decoder) NextPlace() (spec, region, zone int32, flags uint64, price, spot float64, err error) {
	if d.err != nil {
		return 0, 0, 0, 0, 0, 0, d.err
	}
	v := d.uvarint(colSpec)
	if v >= uint64(len(d.specs)) {
		d.fail(colSpec)
	}
	spec = int32(v)
	region, zone = d.id(colRegion), d.id(colZone)
	flags = d.uvarint(colFlags)
	price, spot = d.float(colPrice), d.float(colSpotPrice)
	return spec, region, zone, flags, price, spot, d.err
}

// Next decodes the next row into r.
func (d *Decoder) Next(r *Row) error {
	sp, region, zone, flags, price, spot, err := d.NextPlace()
	if err != nil {
		return err
	}
	*r = d.specs[sp]
	r.RegionID, r.ZoneID = region, zone
	r.Region, r.Zone = d.strs[region], d.strs[zone]
	r.Flags, r.Price, r.SpotPrice = flags, price, spot
	return nil
}

func (d *Decoder) uvarint(c int) uint64 {
	b := d.cols[c]
	if len(b) > 0 && b[0] < 0x80 { // one byte: the common case
		d.cols[c] = b[1:]
		return uint64(b[0])
	}
	v, n := binary.Uvarint(b)
	if n <= 0 {
		d.fail(c)
		return 0
	}
	d.cols[c] = b[n:]
	return v
}

func (d *Decoder) id(c int) int32 {
	v := d.uvarint(c)
	if v >= uint64(len(d.strs)) {
		d.fail(c)
		return 0
	}
	return int32(v)
}

func (d *Decoder) float(c int) float64 {
	v := d.uvarint(c)
	if e := v & 15; e != rawFloat {
		return float64(v>>4) / pow10[e]
	}
	b := d.cols[c]
	if len(b) < 8 {
		d.fail(c)
		return 0
	}
	d.cols[c] = b[8:]
	return math.Float64frombits(binary.LittleEndian.Uint64(b))
}

func (d *Decoder) fail(c int) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: column %d", ErrCorrupt, c)
	}
}
