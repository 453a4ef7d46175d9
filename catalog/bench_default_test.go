package catalog

import (
	"testing"

	"github.com/skyhop/skyhop/catalog/internal/snapshot"
)

func BenchmarkDecodeRaw(b *testing.B) {
	for b.Loop() {
		if _, err := decodeSnapshot(snapshotData, sourceJSON); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeRowsOnly(b *testing.B) {
	for b.Loop() {
		d, _ := snapshot.NewDecoder(snapshotData)
		var r snapshot.Row
		for range d.Len() {
			d.Next(&r)
		}
	}
}

func BenchmarkIndexOnly(b *testing.B) {
	c := Default()
	for b.Loop() {
		c2 := &Catalog{offs: c.offs}
		c2.index(intern(c.offs))
	}
}
