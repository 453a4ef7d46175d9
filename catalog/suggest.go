package catalog

import (
	"cmp"
	"slices"
	"strings"
)

// suggest returns up to n names of list close to name: within an edit
// distance of a third of the longer name (at least 2), then names that share
// a prefix of at least half of name's length; closest first, ties by name.
func suggest(name string, list []string, n int) []string {
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
		d := editDistance(q, l, limit)
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

// editDistance is the Levenshtein distance of a and b (bytes), or a value
// above limit as soon as it must exceed limit.
func editDistance(a, b string, limit int) int {
	if d := len(a) - len(b); d > limit || -d > limit {
		return limit + 1
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin > limit {
			return limit + 1
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
