package catalog

import (
	"cmp"
	"slices"
	"strings"

	"github.com/skyhop/skyhop/internal/suggest"
)

// nearNames returns up to n names of list close to name: within an edit
// distance of a third of the longer name (at least 2), then names that share
// a prefix of at least half of name's length; closest first, ties by name.
func nearNames(name string, list []string, n int) []string {
	q := strings.ToLower(strings.TrimSpace(name))
	if q == "" || n <= 0 {
		return nil
	}
	type scored struct {
		name string
		d    int
	}
	var out []scored
	for _, cand := range list {
		l := strings.ToLower(cand)
		limit := max(2, max(len(q), len(l))/3)
		d := suggest.DistanceAtMost(q, l, limit)
		switch {
		case d <= limit:
			out = append(out, scored{cand, d})
		case len(q) >= 3 && commonPrefix(q, l) >= max(3, len(q)/2):
			out = append(out, scored{cand, limit + 1 + len(q) - commonPrefix(q, l)})
		}
	}
	slices.SortFunc(out, func(a, b scored) int {
		if c := cmp.Compare(a.d, b.d); c != 0 {
			return c
		}
		return strings.Compare(a.name, b.name)
	})
	names := make([]string, 0, min(n, len(out)))
	for _, s := range out[:min(n, len(out))] {
		names = append(names, s.name)
	}
	return names
}

func commonPrefix(a, b string) int {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	return i
}
