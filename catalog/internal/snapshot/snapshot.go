// Package snapshot is the compact binary form of skyhop's embedded catalog:
// a string table and one column of variable-length integers per offering
// field, so that decoding is a pass over bytes with no parsing and no
// allocation per row. It knows nothing of package catalog; the generator
// (catalog/internal/gen) writes it and catalog.Default reads it.
//
// Layout (all integers are unsigned varints):
//
//	magic "skyhop-catalog/1\n"
//	nStrings, then per string: length, bytes
//	nRows
//	nColumns (= NumColumns), then per column: its length in bytes
//	the columns, concatenated, in Column order
//
// String columns hold indices into the string table; Flags holds the flag
// bits; number columns hold m<<4|e for the decimal m/10^e (e < 15), or
// 15 followed by the 8 little-endian bytes of the IEEE 754 value when a
// number has no short decimal form.
package snapshot

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
)

// Magic starts every snapshot.
const Magic = "skyhop-catalog/1\n"

// Row is one offering. The *ID fields of a decoded row are the indices of
// its strings in the string table (Decoder.Strings).
type Row struct {
	Cloud, InstanceType, Region, Zone, Accelerator, Arch     string
	CloudID, InstanceTypeID, RegionID, ZoneID, AcceleratorID int32
	Flags                                                    uint64
	VCPUs, MemoryGiB, AcceleratorCount                       float64
	AcceleratorMemoryGiB, Price, SpotPrice                   float64
}

// The columns, in file order.
const (
	colCloud = iota
	colInstanceType
	colRegion
	colZone
	colAccelerator
	colArch
	colFlags
	colVCPUs
	colMemoryGiB
	colAcceleratorCount
	colAcceleratorMemoryGiB
	colPrice
	colSpotPrice
	// NumColumns is the number of columns.
	NumColumns
)

const rawFloat = 15

var pow10 = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14}

// Encode returns the snapshot of rows.
func Encode(rows []Row) []byte {
	strIdx := map[string]uint64{}
	var strs []string
	str := func(s string) uint64 {
		i, ok := strIdx[s]
		if !ok {
			i = uint64(len(strs))
			strIdx[s] = i
			strs = append(strs, s)
		}
		return i
	}
	var cols [NumColumns][]byte
	for i := range rows {
		r := &rows[i]
		cols[colCloud] = binary.AppendUvarint(cols[colCloud], str(r.Cloud))
		cols[colInstanceType] = binary.AppendUvarint(cols[colInstanceType], str(r.InstanceType))
		cols[colRegion] = binary.AppendUvarint(cols[colRegion], str(r.Region))
		cols[colZone] = binary.AppendUvarint(cols[colZone], str(r.Zone))
		cols[colAccelerator] = binary.AppendUvarint(cols[colAccelerator], str(r.Accelerator))
		cols[colArch] = binary.AppendUvarint(cols[colArch], str(r.Arch))
		cols[colFlags] = binary.AppendUvarint(cols[colFlags], r.Flags)
		cols[colVCPUs] = appendFloat(cols[colVCPUs], r.VCPUs)
		cols[colMemoryGiB] = appendFloat(cols[colMemoryGiB], r.MemoryGiB)
		cols[colAcceleratorCount] = appendFloat(cols[colAcceleratorCount], r.AcceleratorCount)
		cols[colAcceleratorMemoryGiB] = appendFloat(cols[colAcceleratorMemoryGiB], r.AcceleratorMemoryGiB)
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
	b.Write(binary.AppendUvarint(nil, uint64(len(rows))))
	b.Write(binary.AppendUvarint(nil, NumColumns))
	for _, c := range cols {
		b.Write(binary.AppendUvarint(nil, uint64(len(c))))
	}
	for _, c := range cols {
		b.Write(c)
	}
	return b.Bytes()
}

// appendFloat writes v as a short decimal when one reads back exactly.
func appendFloat(b []byte, v float64) []byte {
	if v >= 0 && !math.IsInf(v, 0) {
		for e := range len(pow10) {
			m := math.Round(v * pow10[e])
			if m < 1<<53 && m/pow10[e] == v {
				// Check against the decimal parser too: m/10^e is exact
				// division, correctly rounded, as strconv's fast path.
				if p, err := strconv.ParseFloat(strconv.FormatFloat(m, 'f', 0, 64)+"e-"+strconv.Itoa(e), 64); err == nil && p == v {
					return binary.AppendUvarint(b, uint64(m)<<4|uint64(e))
				}
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
	err  error
	strs []string
	n    int
	cols [NumColumns][]byte
}

// NewDecoder reads the header and string table of data. The strings of the
// rows it returns share one allocation.
func NewDecoder(data []byte) (*Decoder, error) {
	if !bytes.HasPrefix(data, []byte(Magic)) {
		return nil, fmt.Errorf("%w: no %q header", ErrCorrupt, Magic[:len(Magic)-1])
	}
	b := data[len(Magic):]
	next := func() (uint64, bool) {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			return 0, false
		}
		b = b[n:]
		return v, true
	}
	ns, ok := next()
	if !ok || ns > uint64(len(b)) || ns > math.MaxInt32 {
		return nil, fmt.Errorf("%w: string table", ErrCorrupt)
	}
	d := &Decoder{strs: make([]string, ns)}
	// One string holding every string's bytes: rows share it.
	var total []byte
	lens := make([]int, ns)
	for i := range lens {
		l, ok := next()
		if !ok || l > uint64(len(b)) {
			return nil, fmt.Errorf("%w: string %d", ErrCorrupt, i)
		}
		lens[i] = int(l)
		total = append(total, b[:l]...)
		b = b[l:]
	}
	all := string(total)
	off := 0
	for i, l := range lens {
		d.strs[i] = all[off : off+l]
		off += l
	}
	n, ok := next()
	if !ok || n > uint64(len(b)) {
		return nil, fmt.Errorf("%w: row count", ErrCorrupt)
	}
	d.n = int(n)
	nc, ok := next()
	if !ok || nc != NumColumns {
		return nil, fmt.Errorf("%w: %d columns, want %d", ErrCorrupt, nc, NumColumns)
	}
	var lensC [NumColumns]uint64
	for i := range lensC {
		if lensC[i], ok = next(); !ok {
			return nil, fmt.Errorf("%w: column lengths", ErrCorrupt)
		}
	}
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

// Len returns the number of rows.
func (d *Decoder) Len() int { return d.n }

// Next decodes the next row into r. Once it fails (corrupt data), it keeps
// failing.
func (d *Decoder) Next(r *Row) error {
	if d.err != nil {
		return d.err
	}
	r.CloudID = d.id(colCloud)
	r.InstanceTypeID = d.id(colInstanceType)
	r.RegionID = d.id(colRegion)
	r.ZoneID = d.id(colZone)
	r.AcceleratorID = d.id(colAccelerator)
	arch := d.id(colArch)
	r.Flags = d.uvarint(colFlags)
	r.VCPUs = d.float(colVCPUs)
	r.MemoryGiB = d.float(colMemoryGiB)
	r.AcceleratorCount = d.float(colAcceleratorCount)
	r.AcceleratorMemoryGiB = d.float(colAcceleratorMemoryGiB)
	r.Price = d.float(colPrice)
	r.SpotPrice = d.float(colSpotPrice)
	if d.err != nil {
		return d.err
	}
	r.Cloud = d.strs[r.CloudID]
	r.InstanceType = d.strs[r.InstanceTypeID]
	r.Region = d.strs[r.RegionID]
	r.Zone = d.strs[r.ZoneID]
	r.Accelerator = d.strs[r.AcceleratorID]
	r.Arch = d.strs[arch]
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
