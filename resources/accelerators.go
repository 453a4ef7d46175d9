package resources

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/skyhop/skyhop/catalog/accelerator"
)

// accelHint is what the accelerators field accepts, for error messages.
const accelHint = `write NAME or NAME:COUNT (e.g. A100:8, V100:0.5), a memory selector such as 80GB+:8, ` +
	`a mapping {A100: 8}, a set {A10:1, L4:1} or a list [A10:1, L4:1]`

// memorySelectorRE matches the name part of a memory selector: 24GB, 80GB+.
var memorySelectorRE = regexp.MustCompile(`(?i)^([0-9]+(?:\.[0-9]+)?)(MB|GB|TB)(\+)?$`)

// ParseAccelerators parses the --gpus shorthand: "A100", "A100:8",
// "V100:0.5", or a memory selector ("80GB+:8", "nvidia:80GB+:8"). The name is
// canonicalised with the accelerator registry ("a100" → "A100"); unknown
// names are kept as written (the optimizer reports them with suggestions).
// Errors are *Error values with Path "accelerators".
func ParseAccelerators(s string) (*Accelerator, error) {
	a, msg := parseAcceleratorString(s)
	if msg != "" {
		return nil, &Error{Path: "accelerators", Code: CodeValue, Msg: msg, Hint: accelHint}
	}
	return &a, nil
}

// parseAcceleratorString parses one accelerator string; it returns a
// message when the string is not valid.
func parseAcceleratorString(s string) (Accelerator, string) {
	s = strings.TrimSpace(s)
	parts := strings.Split(s, ":")
	bad := func() string { return fmt.Sprintf("invalid accelerator %q: want NAME or NAME:COUNT", s) }
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	var a Accelerator
	switch len(parts) {
	case 1, 2:
		if parts[0] == "" {
			return a, bad()
		}
		if sel, ok := memorySelector(parts[0]); ok {
			a.Memory = sel
		} else {
			a.Name = accelerator.Canonical(parts[0])
		}
		a.Count = 1
		if len(parts) == 2 {
			n, ok := parseCount(parts[1])
			if !ok {
				return a, bad() + " with a numeric COUNT"
			}
			a.Count = n
		}
	case 3:
		sel, ok := memorySelector(parts[1])
		if parts[0] == "" || !ok {
			return a, fmt.Sprintf("invalid accelerator %q: a three-part accelerator is MANUFACTURER:MEMORY:COUNT, e.g. nvidia:80GB+:8", s)
		}
		n, ok := parseCount(parts[2])
		if !ok {
			return a, fmt.Sprintf("invalid accelerator %q: COUNT must be a number", s)
		}
		a.Manufacturer, a.Memory, a.Count = strings.ToLower(parts[0]), sel, n
	default:
		return a, bad()
	}
	return a, ""
}

// memorySelector parses "80GB+" into a memory quantity in GiB.
func memorySelector(s string) (Quantity, bool) {
	if s == "" || !strings.ContainsAny(s[len(s)-1:], "bB+") {
		return Quantity{}, false // not <n>GB[+]: skip the regexp for names such as A100
	}
	m := memorySelectorRE.FindStringSubmatch(s)
	if m == nil {
		return Quantity{}, false
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil || v <= 0 {
		return Quantity{}, false
	}
	switch strings.ToUpper(m[2]) {
	case "MB":
		v /= 1024
	case "TB":
		v *= 1024
	}
	return Quantity{Value: v, AtLeast: m[3] == "+"}, true
}

// parseCount parses an accelerator count: any finite number (counts ≤ 0 are
// left to the optimizer, which finds no offering for them, as SkyPilot does).
func parseCount(s string) (float64, bool) {
	f, err := strconv.ParseFloat(strings.ReplaceAll(s, "_", ""), 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false
	}
	return f, true
}

// accelItem is one accelerator of an accelerators: value.
type accelItem struct {
	acc  Accelerator
	raw  string // the string form, for de-duplication
	node *yaml.Node
	path string
}

// accelValue is a parsed accelerators: value: a set (string, mapping, flow
// set) or a list (preference order).
type accelValue struct {
	items []accelItem
	list  bool
}

// parseAcceleratorsField parses an accelerators: (or gpus:) value. In an
// any_of/ordered entry only a string or a one-key mapping with a count is
// allowed.
func parseAcceleratorsField(w *walker, n *yaml.Node, path string, entry bool) (any, bool) {
	v := &accelValue{}
	ok := true
	addString := func(s string, node *yaml.Node, p string) {
		a, msg := parseAcceleratorString(s)
		if msg != "" {
			w.fail(node, p, CodeValue, accelHint, "%s", msg)
			ok = false
			return
		}
		for _, it := range v.items {
			if it.raw == s {
				return // exact duplicates collapse, first position kept
			}
		}
		v.items = append(v.items, accelItem{acc: a, raw: s, node: node, path: p})
	}
	switch kindOf(n) {
	case kStr:
		addString(n.Value, n, path)
	case kMap:
		ps := w.pairs(n, path)
		if entry && len(ps) != 1 {
			w.fail(n, path, CodeType, "in an any_of/ordered entry write one accelerator, e.g. A100:8 or {A100: 8}",
				"an entry's accelerators must be one accelerator, got a mapping of %d", len(ps))
			return nil, false
		}
		for _, p := range ps {
			kp := join(path, p.key)
			if p.v == nil {
				ok = false
				continue
			}
			switch kindOf(p.v) {
			case kNull:
				if entry {
					w.fail(p.k, kp, CodeType, "write "+p.key+": 1", "an entry's accelerator needs a count")
					ok = false
					continue
				}
				addString(p.key, p.k, kp) // flow set {A10:1, L4:1}: keys with null values
			case kInt, kFloat:
				c, cok := numberValue(p.v)
				if !cok {
					w.fail(p.v, kp, CodeValue, "", "accelerator count must be a finite number, got %q", p.v.Value)
					ok = false
					continue
				}
				if strings.Contains(p.key, ":") {
					w.fail(p.k, kp, CodeValue, "write {NAME: COUNT} or the set form {NAME:COUNT, ...} without values",
						"accelerator %q already has a count and is also given %s", p.key, p.v.Value)
					ok = false
					continue
				}
				addString(p.key+":"+strconv.FormatFloat(c, 'f', -1, 64), p.k, kp)
			default:
				w.typeError(p.v, kp, "a number (the accelerator count)", "quote nothing: {A100: 8}")
				ok = false
			}
		}
	case kSeq:
		if entry {
			w.fail(n, path, CodeType, "list accelerators at the top level of resources, or use ordered: entries",
				"an any_of/ordered entry cannot list several accelerators")
			return nil, false
		}
		v.list = true
		for i, item := range n.Content {
			ip := index(path, i)
			item = w.resolve(item, ip)
			if item == nil {
				ok = false
				continue
			}
			if kindOf(item) != kStr {
				w.typeError(item, ip, "a string such as A100:8", "")
				ok = false
				continue
			}
			addString(item.Value, item, ip)
		}
	default:
		w.typeError(n, path, "a string, mapping or list of accelerators", accelHint)
		return nil, false
	}
	if !ok {
		return nil, false
	}
	if len(v.items) == 0 {
		return nil, true // an empty list or mapping means unset
	}
	return v, true
}
