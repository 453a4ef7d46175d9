package snapshot

import (
	"errors"
	"math"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	floats := []float64{0, 1, 0.1, 0.125, 0.333, 1.0 / 3, 3.67339, 0.73948 + 2.93391, 21.957642, 1e-7, 123456789.123, math.MaxFloat64, math.SmallestNonzeroFloat64, 5e15}
	var rows []Row
	for i, f := range floats {
		rows = append(rows, Row{
			Cloud: "aws", InstanceType: "t" + string(rune('a'+i)), Region: "r", Zone: "", Accelerator: "A100", Arch: "x86_64",
			Flags: uint64(i), VCPUs: f, MemoryGiB: f * 2, AcceleratorCount: f, AcceleratorMemoryGiB: f, Price: f, SpotPrice: f / 7,
		})
	}
	data := Encode(rows)
	d, err := NewDecoder(data)
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != len(rows) {
		t.Fatalf("Len = %d", d.Len())
	}
	for i, want := range rows {
		var got Row
		if err := d.Next(&got); err != nil {
			t.Fatal(err)
		}
		got.CloudID, got.InstanceTypeID, got.RegionID, got.ZoneID, got.AcceleratorID = 0, 0, 0, 0, 0
		if got != want {
			t.Errorf("row %d:\ngot  %+v\nwant %+v", i, got, want)
		}
	}
	if err := d.Next(new(Row)); !errors.Is(err, ErrCorrupt) {
		t.Errorf("reading past the end: %v", err)
	}
}

func TestCorrupt(t *testing.T) {
	data := Encode([]Row{{Cloud: "gcp", InstanceType: "n1-standard-8", Region: "us-central1", Zone: "us-central1-a", Price: 0.38}})
	for _, bad := range [][]byte{nil, []byte("nope"), data[:len(data)-1], append(append([]byte{}, data...), 0)} {
		if _, err := NewDecoder(bad); !errors.Is(err, ErrCorrupt) {
			t.Errorf("NewDecoder(%q) error %v, want ErrCorrupt", bad, err)
		}
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(Encode([]Row{{Cloud: "aws", InstanceType: "p4d.24xlarge", Region: "us-east-1", Zone: "use1-az1", Accelerator: "A100", AcceleratorCount: 8, Price: 21.957642}}))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := NewDecoder(data)
		if err != nil {
			return
		}
		var r Row
		for range d.Len() {
			if d.Next(&r) != nil {
				return
			}
		}
	})
}
