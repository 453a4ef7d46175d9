// Package accelerator is skyhop's accelerator registry: the canonical names of
// GPUs, TPUs and other accelerators, their aliases and variants, their memory,
// and a case-insensitive look-up with did-you-mean suggestions.
//
// It is a leaf package of plain data so that package resources can
// canonicalise names at parse time without importing the catalog, and package
// catalog can check that every name in its data is known. It is the single
// source of truth for accelerator names in skyhop.
//
// Variants are distinct accelerators, as in SkyPilot: A10 (Azure) is not A10G
// (AWS), T4 is not T4g, V100 is not V100-32GB, A100 is not A100-80GB.
package accelerator

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/skyhop/skyhop/internal/suggest"
)

// Kind is the family of an accelerator.
type Kind int

// The kinds of accelerator.
const (
	GPU   Kind = iota // a GPU (NVIDIA, AMD, ...)
	TPU               // a Google TPU slice ("tpu-v5p-8")
	Other             // any other accelerator: AWS Inferentia/Trainium, FPGAs, ...
)

// String returns "gpu", "tpu" or "other".
func (k Kind) String() string {
	switch k {
	case GPU:
		return "gpu"
	case TPU:
		return "tpu"
	default:
		return "other"
	}
}

// Info describes one accelerator.
type Info struct {
	// Name is the canonical spelling ("A100-80GB", "A10G", "tpu-v5p-8").
	Name string
	// Manufacturer is "NVIDIA", "AMD", "Google", "AWS", "Intel", "Xilinx" or
	// "Qualcomm".
	Manufacturer string
	// MemoryGiB is the memory of one device in GiB; 0 when unknown.
	MemoryGiB float64
	// Kind is the accelerator family.
	Kind Kind
	// Aliases are other spellings that mean exactly this accelerator
	// (matched case-insensitively, like Name).
	Aliases []string
}

// Registry is an immutable set of accelerators with case-insensitive look-up.
// It is safe for concurrent use.
type Registry struct {
	infos []Info         // sorted by Name (case-insensitive)
	index map[string]int // lower-cased name or alias → position in infos
	lower []string       // lower-cased canonical names, parallel to infos
}

// NewRegistry builds a registry from infos. Names and aliases are matched
// case-insensitively; a later Info with an already known name replaces the
// earlier one. It returns an error when an alias collides with another
// accelerator's name or alias, or when a name is empty.
func NewRegistry(infos ...Info) (*Registry, error) {
	byName := make(map[string]Info, len(infos))
	for _, in := range infos {
		if strings.TrimSpace(in.Name) == "" {
			return nil, fmt.Errorf("accelerator: empty name in registry entry %+v", in)
		}
		byName[strings.ToLower(in.Name)] = in
	}
	r := &Registry{index: make(map[string]int, 2*len(byName))}
	for _, in := range byName {
		r.infos = append(r.infos, in)
	}
	slices.SortFunc(r.infos, func(a, b Info) int {
		return cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	})
	r.lower = make([]string, len(r.infos))
	for i, in := range r.infos {
		key := strings.ToLower(in.Name)
		r.lower[i] = key
		r.index[key] = i
	}
	for i, in := range r.infos {
		for _, a := range in.Aliases {
			key := strings.ToLower(a)
			if j, ok := r.index[key]; ok && j != i {
				return nil, fmt.Errorf("accelerator: alias %q of %s collides with %s", a, in.Name, r.infos[j].Name)
			}
			r.index[key] = i
		}
	}
	return r, nil
}

// MustRegistry is NewRegistry that panics on error; for static tables.
func MustRegistry(infos ...Info) *Registry {
	r, err := NewRegistry(infos...)
	if err != nil {
		panic(err)
	}
	return r
}

// Len returns the number of accelerators.
func (r *Registry) Len() int { return len(r.infos) }

// All returns every accelerator, sorted by name (case-insensitive). The
// slice is a copy.
func (r *Registry) All() []Info { return slices.Clone(r.infos) }

// Lookup finds name by exact case-insensitive match of a canonical name or an
// alias. TPU names ("tpu-..."), which SkyPilot lower-cases, are found in any
// case.
func (r *Registry) Lookup(name string) (Info, bool) {
	i, ok := r.index[strings.ToLower(strings.TrimSpace(name))]
	if !ok {
		return Info{}, false
	}
	return r.infos[i], true
}

// Canonical returns the canonical spelling of name when the registry knows it
// exactly (case-insensitively, or as an alias); a "tpu-" name it does not
// know is lower-cased, as SkyPilot does; any other unknown name is returned
// unchanged, since it may be a custom accelerator only the catalog knows.
func (r *Registry) Canonical(name string) string {
	name = strings.TrimSpace(name)
	if in, ok := r.Lookup(name); ok {
		return in.Name
	}
	if IsTPU(name) {
		return strings.ToLower(name)
	}
	return name
}

// Resolve finds the one accelerator name means: an exact (case-insensitive)
// match or alias first; otherwise the single canonical name that contains
// name ("v100-32" → "V100-32GB"). Several containing names give an
// *AmbiguousError listing them; none gives an *UnknownError with
// suggestions.
func (r *Registry) Resolve(name string) (Info, error) {
	if in, ok := r.Lookup(name); ok {
		return in, nil
	}
	q := strings.ToLower(strings.TrimSpace(name))
	if q == "" {
		return Info{}, &UnknownError{Name: name}
	}
	var hits []int
	for i, l := range r.lower {
		if strings.Contains(l, q) {
			hits = append(hits, i)
		}
	}
	switch len(hits) {
	case 1:
		return r.infos[hits[0]], nil
	case 0:
		return Info{}, &UnknownError{Name: name, Suggestions: r.Suggest(name, 3)}
	}
	choices := make([]string, len(hits))
	for i, h := range hits {
		choices[i] = r.infos[h].Name
	}
	return Info{}, &AmbiguousError{Name: name, Choices: choices}
}

// Suggest returns up to n known names close to name: by edit distance
// (case-insensitive, at most a third of the longer name's length, minimum 2)
// and then names sharing a prefix with it, closest first, ties by name.
func (r *Registry) Suggest(name string, n int) []string {
	q := strings.ToLower(strings.TrimSpace(name))
	if q == "" || n <= 0 {
		return nil
	}
	type scored struct {
		name string
		d    int
	}
	var out []scored
	for i, l := range r.lower {
		limit := max(2, max(len(q), len(l))/3)
		d := suggest.DistanceAtMost(q, l, limit)
		switch {
		case d <= limit:
			out = append(out, scored{r.infos[i].Name, d})
		case len(q) >= 2 && (strings.HasPrefix(l, q) || strings.HasPrefix(q, l)):
			out = append(out, scored{r.infos[i].Name, limit + 1})
		}
	}
	slices.SortFunc(out, func(a, b scored) int {
		if c := cmp.Compare(a.d, b.d); c != 0 {
			return c
		}
		return cmp.Compare(a.name, b.name)
	})
	names := make([]string, 0, min(n, len(out)))
	for _, s := range out[:min(n, len(out))] {
		names = append(names, s.name)
	}
	return names
}

// IsTPU reports whether name is a TPU name: SkyPilot treats any accelerator
// whose name contains "tpu" (any case) as a TPU.
func IsTPU(name string) bool { return strings.Contains(strings.ToLower(name), "tpu") }

// UnknownError reports an accelerator name the registry does not know.
type UnknownError struct {
	// Name is the name as given.
	Name string
	// Suggestions are known names close to it, closest first.
	Suggestions []string
}

// Error renders the name and the suggestions as a did-you-mean.
func (e *UnknownError) Error() string {
	msg := fmt.Sprintf("unknown accelerator %q", e.Name)
	if len(e.Suggestions) > 0 {
		msg += "; did you mean " + quoteList(e.Suggestions) + "?"
	}
	return msg
}

// AmbiguousError reports a name that is a part of several accelerator names.
type AmbiguousError struct {
	// Name is the name as given.
	Name string
	// Choices are the canonical names that contain it, sorted.
	Choices []string
}

// Error renders the name and every choice.
func (e *AmbiguousError) Error() string {
	return fmt.Sprintf("accelerator name %q is ambiguous; choose one of %s", e.Name, quoteList(e.Choices))
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}
