// Package suggest finds did-you-mean candidates for misspelt names.
package suggest

import (
	"cmp"
	"slices"
	"strings"
)

// Distance is the Levenshtein edit distance between a and b, by bytes.
func Distance(a, b string) int { return DistanceAtMost(a, b, max(len(a), len(b))) }

// DistanceAtMost is Distance(a, b) when that is at most limit, and limit+1
// otherwise: it stops as soon as the distance must exceed limit, so that
// scanning a long list of names for close ones stays cheap.
func DistanceAtMost(a, b string, limit int) int {
	if a == b {
		return 0
	}
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

// Similarity scores how alike two names are, case-insensitively, from 0
// (nothing in common) to 1 (equal): the best of the edit-distance ratio
// 1 - Distance/max(len), the common-subsequence ratio 2·LCS/(len a + len b)
// (close to Python difflib's ratio, which SkyPilot uses), and 0.6 when one
// name of three or more letters starts the other ("idle" and
// "idle_minutes").
func Similarity(a, b string) float64 {
	a, b = strings.ToLower(a), strings.ToLower(b)
	n := max(len(a), len(b))
	if n == 0 {
		return 1
	}
	sim := 1 - float64(Distance(a, b))/float64(n)
	sim = max(sim, 2*float64(lcs(a, b))/float64(len(a)+len(b)))
	if min(len(a), len(b)) >= 3 && (strings.HasPrefix(a, b) || strings.HasPrefix(b, a)) {
		sim = max(sim, 0.6)
	}
	return sim
}

// lcs is the length of the longest common subsequence of a and b.
func lcs(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			if a[i-1] == b[j-1] {
				cur[j] = prev[j-1] + 1
			} else {
				cur[j] = max(prev[j], cur[j-1])
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// Closest returns up to n of candidates whose similarity to name is at
// least cutoff, most similar first (ties in candidates' order).
func Closest(name string, candidates []string, n int, cutoff float64) []string {
	type scored struct {
		s   string
		sim float64
		i   int
	}
	var hits []scored
	for i, c := range candidates {
		if sim := Similarity(name, c); sim >= cutoff {
			hits = append(hits, scored{c, sim, i})
		}
	}
	slices.SortFunc(hits, func(a, b scored) int {
		if c := cmp.Compare(b.sim, a.sim); c != 0 {
			return c
		}
		return cmp.Compare(a.i, b.i)
	})
	out := make([]string, 0, min(n, len(hits)))
	for _, h := range hits[:min(n, len(hits))] {
		out = append(out, h.s)
	}
	return out
}
