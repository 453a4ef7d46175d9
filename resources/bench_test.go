package resources

import (
	"github.com/skyhop/skyhop/internal/benchcpu"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkParse parses a realistic task: an any_of with three entries
// (target: at most 50 µs/op).
func BenchmarkParse(b *testing.B) {
	defer benchcpu.Report(b, benchcpu.Now())
	data, err := os.ReadFile(filepath.Join("testdata", "train.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Parse(data); err != nil {
			b.Fatal(err)
		}
	}
}

func TestParseFile(t *testing.T) {
	spec, err := ParseFile(filepath.Join("testdata", "train.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if spec.NumNodes != 2 || spec.Ordered || len(spec.Candidates) != 3 {
		t.Fatalf("spec = %+v", spec)
	}
	want := []string{
		"cloud=gcp infra=gcp acc=H100:8 cpus=32+ mem=256+ spot=true disk=1024 labels={team:research}",
		"cloud=aws region=us-east-1 infra=aws/us-east-1 acc=A100-80GB:8 cpus=32+ mem=256+ spot=true disk=1024 labels={team:research}",
		"cloud=azure infra=azure acc=A100-80GB:8 cpus=32+ mem=256+ spot=false disk=1024 labels={team:research}",
	}
	for i, c := range spec.Candidates {
		if got := dump(c); got != want[i] {
			t.Errorf("candidate %d:\n got %s\nwant %s", i, got, want[i])
		}
	}

	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("resources:\n  cpus: x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = ParseFile(bad)
	if err == nil || err.Error() != bad+`:2:9: resources.cpus: invalid cpus "x"; write a number (4) or "<number>+" (4+) for at least that many vCPUs` {
		t.Errorf("ParseFile error = %v", err)
	}
	if _, err := ParseFile(filepath.Join(t.TempDir(), "missing.yaml")); err == nil {
		t.Error("ParseFile of a missing file succeeded")
	}
}
