package accelerator

import (
	"errors"
	"fmt"
	"slices"
	"testing"
)

func TestLookup(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"A100", "A100", true},
		{"a10g", "A10G", true},
		{" a10g ", "A10G", true},
		{"A10", "A10", true},
		{"a100-40gb", "A100", true},
		{"H100-80GB", "H100", true},
		{"rtx pro server 6000", "RTXPRO6000", true},
		{"VU9P", "Virtex UltraScale (VU9P)", true},
		{"A100x", "", false},
		{"tpu-v5p-8", "", false}, // slices are registered by the catalog
		{"", "", false},
	}
	for _, tt := range tests {
		in, ok := Lookup(tt.in)
		if ok != tt.ok || in.Name != tt.want {
			t.Errorf("Lookup(%q) = %q, %v; want %q, %v", tt.in, in.Name, ok, tt.want, tt.ok)
		}
	}
}

func TestCanonical(t *testing.T) {
	tests := []struct{ in, want string }{
		{"a10g", "A10G"},
		{"v100-32gb", "V100-32GB"},
		{"TPU-V5P-8", "tpu-v5p-8"},
		{"MyCustomChip", "MyCustomChip"},
	}
	for _, tt := range tests {
		if got := Canonical(tt.in); got != tt.want {
			t.Errorf("Canonical(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestResolve(t *testing.T) {
	tests := []struct {
		in        string
		want      string   // resolved name
		ambiguous []string // choices of an *AmbiguousError
		suggest   string   // first suggestion of an *UnknownError
	}{
		{in: "a10g", want: "A10G"},
		{in: "v100-32", want: "V100-32GB"},
		{in: "H10", ambiguous: []string{"H100", "H100-MEGA"}},
		{in: "A100x", suggest: "A100"},
		{in: "H1000", suggest: "H100"},
		{in: "L40x", suggest: "L40"},
	}
	for _, tt := range tests {
		in, err := Resolve(tt.in)
		var amb *AmbiguousError
		var unk *UnknownError
		switch {
		case tt.want != "":
			if err != nil || in.Name != tt.want {
				t.Errorf("Resolve(%q) = %q, %v; want %q", tt.in, in.Name, err, tt.want)
			}
		case tt.ambiguous != nil:
			if !errors.As(err, &amb) || !slices.Equal(amb.Choices, tt.ambiguous) {
				t.Errorf("Resolve(%q) error = %v; want ambiguous among %v", tt.in, err, tt.ambiguous)
			}
		default:
			if !errors.As(err, &unk) || len(unk.Suggestions) == 0 || unk.Suggestions[0] != tt.suggest {
				t.Errorf("Resolve(%q) error = %v; want unknown, suggesting %q first", tt.in, err, tt.suggest)
			}
		}
	}
}

func TestErrorMessages(t *testing.T) {
	_, err := Resolve("H10")
	if got, want := err.Error(), `accelerator name "H10" is ambiguous; choose one of "H100", "H100-MEGA"`; got != want {
		t.Errorf("ambiguous message = %q, want %q", got, want)
	}
	_, err = Resolve("zzzz")
	if got, want := err.Error(), `unknown accelerator "zzzz"`; got != want {
		t.Errorf("unknown message = %q, want %q", got, want)
	}
}

func TestNewRegistryErrors(t *testing.T) {
	if _, err := NewRegistry(Info{Name: " "}); err == nil {
		t.Error("NewRegistry accepted an empty name")
	}
	if _, err := NewRegistry(Info{Name: "X1"}, Info{Name: "X2", Aliases: []string{"x1"}}); err == nil {
		t.Error("NewRegistry accepted an alias equal to another name")
	}
	r, err := NewRegistry(Info{Name: "X1", MemoryGiB: 1}, Info{Name: "x1", MemoryGiB: 2})
	if err != nil {
		t.Fatal(err)
	}
	if in, _ := r.Lookup("X1"); r.Len() != 1 || in.MemoryGiB != 2 {
		t.Errorf("a later entry should replace an earlier one of the same name: got %+v, len %d", in, r.Len())
	}
}

func TestStaticTable(t *testing.T) {
	for _, in := range Default().All() {
		if in.Manufacturer == "" {
			t.Errorf("%s: no manufacturer", in.Name)
		}
		if in.MemoryGiB <= 0 {
			t.Errorf("%s: no memory", in.Name)
		}
		if IsTPU(in.Name) {
			t.Errorf("%s: TPU slices belong to the catalog, not the static table", in.Name)
		}
	}
}

func ExampleResolve() {
	in, _ := Resolve("a10g")
	fmt.Println(in.Name, in.MemoryGiB)
	_, err := Resolve("H10")
	fmt.Println(err)
	_, err = Resolve("A100x")
	fmt.Println(err)
	// Output:
	// A10G 24
	// accelerator name "H10" is ambiguous; choose one of "H100", "H100-MEGA"
	// unknown accelerator "A100x"; did you mean "A100", "A10", "A10G"?
}
