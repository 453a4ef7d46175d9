package suggest

import (
	"slices"
	"testing"
)

func TestDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"a", "", 1}, {"", "abc", 3}, {"kitten", "sitting", 3}, {"A100", "A100", 0}, {"spot_recovery", "job_recovery", 3},
	} {
		if got := Distance(tc.a, tc.b); got != tc.want {
			t.Errorf("Distance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestDistanceAtMost(t *testing.T) {
	for _, tc := range []struct {
		a, b  string
		limit int
		want  int
	}{
		{"kitten", "sitting", 3, 3}, {"kitten", "sitting", 2, 3}, {"kitten", "sitting", 10, 3},
		{"a", "abcdef", 2, 3}, {"abc", "xyz", 1, 2}, {"same", "same", 0, 0}, {"", "ab", 2, 2},
	} {
		if got := DistanceAtMost(tc.a, tc.b, tc.limit); got != tc.want {
			t.Errorf("DistanceAtMost(%q, %q, %d) = %d, want %d", tc.a, tc.b, tc.limit, got, tc.want)
		}
	}
}

func TestClosest(t *testing.T) {
	keys := []string{"accelerators", "cpus", "memory", "tpu_name", "tpu_vm", "idle_minutes", "resources"}
	for _, tc := range []struct {
		name string
		want []string
	}{
		{"cpu", []string{"cpus"}},
		{"resource", []string{"resources"}},
		{"memmory", []string{"memory"}},
		{"tpu", []string{"tpu_vm"}},
		{"idle", []string{"idle_minutes"}},
		{"ACCELERATOR", []string{"accelerators"}},
		{"frobnicate", nil},
	} {
		if got := Closest(tc.name, keys, 1, 0.6); !slices.Equal(got, tc.want) {
			t.Errorf("Closest(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
	if got := Closest("x", nil, 3, 0); len(got) != 0 {
		t.Errorf("Closest over nothing = %q", got)
	}
}
