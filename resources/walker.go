package resources

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/skyhop/skyhop/internal/suggest"
)

// walker walks the YAML tree and collects every problem it finds.
type walker struct {
	errs    ErrorList
	seen    map[string]bool // dedup key of reported errors
	visits  int
	limited bool // the node budget was exhausted (reported once)
}

// add records a problem, once per position, path and message.
func (w *walker) add(e *Error) {
	key := e.Pos.String() + "\x00" + e.Path + "\x00" + e.Msg
	if w.seen == nil {
		w.seen = make(map[string]bool)
	}
	if w.seen[key] {
		return
	}
	w.seen[key] = true
	w.errs = append(w.errs, e)
}

// fail records a problem at node n.
func (w *walker) fail(n *yaml.Node, path string, code Code, hint, format string, args ...any) {
	w.add(&Error{Pos: posOf(n), Path: path, Code: code, Msg: fmt.Sprintf(format, args...), Hint: hint})
}

// typeError records a value of the wrong type.
func (w *walker) typeError(n *yaml.Node, path, want, hint string) {
	got := kindOf(n).String()
	if k := kindOf(n); k == kStr || k == kInt || k == kFloat || k == kBool {
		got += " (" + strconv.Quote(n.Value) + ")"
	}
	w.fail(n, path, CodeType, hint, "want %s, got %s", want, got)
}

// resolve follows aliases and charges the node budget. It returns nil (and
// records a problem once) when the budget is spent or an alias chain is too
// long or cyclic.
func (w *walker) resolve(n *yaml.Node, path string) *yaml.Node {
	for hops := 0; n != nil && n.Kind == yaml.AliasNode; hops++ {
		if hops >= maxAliasHops || n.Alias == nil {
			w.fail(n, path, CodeLimit, "use plain values instead of chained aliases", "alias chain too long or cyclic")
			return nil
		}
		n = n.Alias
	}
	w.visits++
	if w.visits > maxNodeVisits {
		if !w.limited {
			w.limited = true
			w.fail(n, path, CodeLimit, "the document expands to too many values; remove recursive or repeated aliases",
				"YAML aliases expand to more than %d values", maxNodeVisits)
		}
		return nil
	}
	return n
}

// pair is one key/value of a mapping.
type pair struct {
	key  string
	k, v *yaml.Node // v is resolved (never an alias); nil if unresolvable
}

// pairs returns the entries of mapping m in source order. It reports
// non-scalar keys and duplicate keys (with both positions), and applies YAML
// merge keys ("<<: *defaults"), whose entries never override explicit ones.
func (w *walker) pairs(m *yaml.Node, path string) []pair {
	out := make([]pair, 0, len(m.Content)/2)
	var merged []pair
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := w.resolve(m.Content[i], path)
		if k == nil {
			continue
		}
		if k.Kind != yaml.ScalarNode {
			w.fail(k, path, CodeType, "keys are plain names such as cpus or A100", "a mapping key must be a scalar, got %s", kindOf(k))
			continue
		}
		v := w.resolveValue(m.Content[i+1], path, k.Value)
		if k.ShortTag() == "!!merge" {
			merged = append(merged, w.mergePairs(v, path)...)
			continue
		}
		if prev := find(out, k.Value); prev != nil {
			w.fail(k, join(path, k.Value), CodeDuplicateKey, "remove one of them",
				"duplicate key %q (first written at %s)", k.Value, posOf(prev.k))
			continue
		}
		out = append(out, pair{key: k.Value, k: k, v: v})
	}
	for _, p := range merged {
		if find(out, p.key) == nil {
			out = append(out, p)
		}
	}
	return out
}

// find returns the pair with key, or nil. Mappings in a task are small, so
// a scan beats a map.
func find(ps []pair, key string) *pair {
	for i := range ps {
		if ps[i].key == key {
			return &ps[i]
		}
	}
	return nil
}

// resolveValue is resolve for the value of key in the mapping at path; the
// key's path is built only if there is a problem to report.
func (w *walker) resolveValue(n *yaml.Node, path, key string) *yaml.Node {
	if n != nil && n.Kind != yaml.AliasNode && w.visits < maxNodeVisits {
		w.visits++
		return n
	}
	return w.resolve(n, join(path, key))
}

// mergePairs returns the entries a merge key brings in: one mapping or a
// list of mappings (earlier ones win).
func (w *walker) mergePairs(v *yaml.Node, path string) []pair {
	if v == nil {
		return nil
	}
	switch v.Kind {
	case yaml.MappingNode:
		return w.pairs(v, path)
	case yaml.SequenceNode:
		var out []pair
		seen := map[string]bool{}
		for _, item := range v.Content {
			item = w.resolve(item, path)
			if item == nil {
				continue
			}
			if item.Kind != yaml.MappingNode {
				w.typeError(item, path+".<<", "a mapping to merge", "")
				continue
			}
			for _, p := range w.pairs(item, path) {
				if !seen[p.key] {
					seen[p.key] = true
					out = append(out, p)
				}
			}
		}
		return out
	}
	w.typeError(v, path+".<<", "a mapping (or list of mappings) to merge", "")
	return nil
}

// unknownField reports a key the grammar does not have, with the closest
// known keys.
func (w *walker) unknownField(k *yaml.Node, path string, known []string, where string) {
	sugg := suggest.Closest(k.Value, known, 1, 0.6)
	hint := ""
	if len(sugg) == 0 {
		sorted := slices.Clone(known)
		slices.Sort(sorted)
		hint = where + " accepts: " + strings.Join(sorted, ", ")
	}
	w.add(&Error{Pos: posOf(k), Path: join(path, k.Value), Code: CodeUnknownField,
		Msg: fmt.Sprintf("unknown field %q", k.Value), Suggestions: sugg, Hint: hint})
}

// join appends a key to a field path.
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// index appends a list index to a field path.
func index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }
