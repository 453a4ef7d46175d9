package snapshot

import (
	"errors"
	"math"
	"testing"
)

func testSections() []Section {
	floats := []float64{0, 1, 0.1, 0.125, 0.333, 1.0 / 3, 3.67339, 0.73948 + 2.93391, 21.957642, 1e-7, 123456789.123, math.MaxFloat64, math.SmallestNonzeroFloat64, 5e15}
	var acc, cpu []Row
	for i, f := range floats {
		r := Row{
			Cloud: "aws", InstanceType: "t" + string(rune('a'+i)), Region: "r", Zone: "", Accelerator: "A100", Arch: "x86_64",
			Flags: uint64(i), VCPUs: f, MemoryGiB: f * 2, AcceleratorCount: f, AcceleratorMemoryGiB: f, Price: f, SpotPrice: f / 7,
		}
		acc = append(acc, r)
		r.Accelerator, r.AcceleratorCount, r.AcceleratorMemoryGiB, r.Zone = "", 0, 0, "z"+string(rune('a'+i%3))
		cpu = append(cpu, r)
	}
	return []Section{{Name: "accelerators", Rows: acc}, {Name: "cpu/aws", Rows: cpu}, {Name: "empty"}}
}

func TestRoundTrip(t *testing.T) {
	secs := testSections()
	d, err := NewDecoder(Encode(secs))
	if err != nil {
		t.Fatal(err)
	}
	if d.NumSections() != len(secs) {
		t.Fatalf("NumSections = %d, want %d", d.NumSections(), len(secs))
	}
	for i, sec := range secs {
		r := d.Section(i)
		if r.Name() != sec.Name || r.Len() != len(sec.Rows) {
			t.Fatalf("section %d: %q with %d rows, want %q with %d", i, r.Name(), r.Len(), sec.Name, len(sec.Rows))
		}
		keys := d.Section(i) // a second reader, for the key pass
		specRows := map[int32]int32{}
		places := map[Place]bool{}
		for j, want := range sec.Rows {
			var got Row
			if err := r.Next(&got); err != nil {
				t.Fatal(err)
			}
			spec, region, zone, err := keys.NextKey()
			if err != nil {
				t.Fatal(err)
			}
			if s := d.Specs()[spec]; s.CloudID != got.CloudID || s.InstanceTypeID != got.InstanceTypeID || region != got.RegionID || zone != got.ZoneID {
				t.Errorf("section %d row %d: NextKey = spec %+v region %d zone %d, Next = %+v", i, j, s, region, zone, got)
			}
			specRows[spec]++
			places[Place{region, zone}] = true
			strs := d.Strings()
			if strs[got.CloudID] != got.Cloud || strs[got.InstanceTypeID] != got.InstanceType || strs[got.RegionID] != got.Region ||
				strs[got.ZoneID] != got.Zone || strs[got.AcceleratorID] != got.Accelerator {
				t.Errorf("section %d row %d: ids do not match the strings: %+v", i, j, got)
			}
			got.CloudID, got.InstanceTypeID, got.RegionID, got.ZoneID, got.AcceleratorID = 0, 0, 0, 0, 0
			if got != want {
				t.Errorf("section %d row %d:\ngot  %+v\nwant %+v", i, j, got, want)
			}
		}
		if err := r.Next(new(Row)); !errors.Is(err, ErrCorrupt) {
			t.Errorf("section %d: reading past the end: %v", i, err)
		}
		// The summary holds what the rows hold.
		if len(d.SectionSpecs(i)) != len(specRows) || len(d.SectionPlaces(i)) != len(places) {
			t.Errorf("section %d: summary of %d specs and %d places, rows have %d and %d", i, len(d.SectionSpecs(i)), len(d.SectionPlaces(i)), len(specRows), len(places))
		}
		for _, sr := range d.SectionSpecs(i) {
			if specRows[sr.Spec] != sr.Rows {
				t.Errorf("section %d: summary has %d rows of spec %d, rows %d", i, sr.Rows, sr.Spec, specRows[sr.Spec])
			}
		}
		for _, pl := range d.SectionPlaces(i) {
			if !places[pl] {
				t.Errorf("section %d: summary place %+v not in the rows", i, pl)
			}
		}
		if _, _, _, err := keys.NextKey(); !errors.Is(err, ErrCorrupt) {
			t.Errorf("section %d: NextKey past the end: %v", i, err)
		}
	}
	// The string table is sorted and shared: ids compare as strings do.
	strs := d.Strings()
	for i := 1; i < len(strs); i++ {
		if strs[i-1] >= strs[i] {
			t.Fatalf("string table not sorted: %q before %q", strs[i-1], strs[i])
		}
	}
}

func TestCorrupt(t *testing.T) {
	data := Encode([]Section{{Name: "s", Rows: []Row{{Cloud: "gcp", InstanceType: "n1-standard-8", Region: "us-central1", Zone: "us-central1-a", Price: 0.38}}}})
	for _, bad := range [][]byte{nil, []byte("nope"), data[:len(data)-1], append(append([]byte{}, data...), 0)} {
		if _, err := NewDecoder(bad); !errors.Is(err, ErrCorrupt) {
			t.Errorf("NewDecoder(%q) error %v, want ErrCorrupt", bad, err)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(Encode([]Section{{Name: "a", Rows: []Row{{Cloud: "aws", InstanceType: "p4d.24xlarge", Region: "us-east-1", Zone: "use1-az1", Accelerator: "A100", AcceleratorCount: 8, Price: 21.957642}}}}))
	f.Add(Encode(testSections()))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := NewDecoder(data)
		if err != nil {
			return
		}
		for i := range d.NumSections() {
			r, k := d.Section(i), d.Section(i)
			var row Row
			for range r.Len() {
				if r.Next(&row) != nil {
					break
				}
			}
			for range k.Len() {
				if _, _, _, err := k.NextKey(); err != nil {
					break
				}
			}
		}
	})
}
