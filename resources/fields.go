package resources

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/skyhop/skyhop/internal/suggest"
)

// fieldParser parses the value of one field. It reports problems on w and
// returns the parsed value and whether it is valid. A nil value with ok
// means "unset" (an empty list, say).
type fieldParser func(w *walker, v *yaml.Node, path string, entry bool) (any, bool)

// field describes one key of resources: (and of any_of/ordered entries).
type field struct {
	parse fieldParser
	// nullable fields accept null in any_of/ordered entries too (the
	// schema allows null for them); other fields accept null only at the
	// top of resources:, where it means unset.
	nullable bool
}

// fields is the resources: grammar, one entry per key (gpus is rewritten to
// accelerators before the look-up; any_of and ordered are handled by the
// expansion).
var fields map[string]field

// fieldNames lists the keys of resources: for did-you-mean.
var fieldNames []string

func init() {
	fields = map[string]field{
		"infra":             {parse: parseInfraField},
		"cloud":             {parse: parseCloudField},
		"region":            {parse: stringField("a region name such as us-east-1")},
		"zone":              {parse: stringField("a zone name such as us-east-1a")},
		"instance_type":     {parse: stringField("an instance type such as p4d.24xlarge")},
		"accelerators":      {parse: parseAcceleratorsField},
		"accelerator_args":  {parse: parseAcceleratorArgs},
		"cpus":              {parse: parseCPUs},
		"memory":            {parse: parseMemory},
		"use_spot":          {parse: boolField},
		"job_recovery":      {parse: parseJobRecovery},
		"disk_size":         {parse: sizeField("disk_size")},
		"disk_tier":         {parse: enumField("disk_tier", "low", "medium", "high", "ultra", "best")},
		"network_tier":      {parse: enumField("network_tier", "standard", "best")},
		"ports":             {parse: parsePorts, nullable: true},
		"image_id":          {parse: parseImageID, nullable: true},
		"labels":            {parse: parseLabels},
		"autostop":          {parse: parseAutostop},
		"priority":          {parse: parsePriority},
		"priority_class":    {parse: stringField("a priority class name")},
		"volumes":           {parse: parseVolumes},
		"local_disk":        {parse: parseLocalDisk},
		"max_hourly_cost":   {parse: parseMaxHourlyCost},
		"ephemeral_storage": {parse: sizeField("ephemeral_storage")},
		// Keys SkyPilot reserves for itself: accepted and ignored.
		"_docker_login_config":       {parse: anyField, nullable: true},
		"_is_image_managed":          {parse: anyField, nullable: true},
		"_requires_fuse":             {parse: anyField, nullable: true},
		"_cluster_config_overrides":  {parse: anyField, nullable: true},
		"_no_missing_accel_warnings": {parse: anyField, nullable: true},
	}
	for k := range fields {
		if !strings.HasPrefix(k, "_") {
			fieldNames = append(fieldNames, k)
		}
	}
	fieldNames = append(fieldNames, "gpus", "any_of", "ordered")
	slices.Sort(fieldNames)
}

func anyField(*walker, *yaml.Node, string, bool) (any, bool) { return nil, true }

// stringField accepts a non-empty string.
func stringField(want string) fieldParser {
	return func(w *walker, v *yaml.Node, path string, _ bool) (any, bool) {
		if kindOf(v) != kStr {
			w.typeError(v, path, "a string", want)
			return nil, false
		}
		s := strings.TrimSpace(v.Value)
		if s == "" {
			w.fail(v, path, CodeValue, want, "must not be empty")
			return nil, false
		}
		return s, true
	}
}

func boolField(w *walker, v *yaml.Node, path string, _ bool) (any, bool) {
	var b bool
	if !w.boolInto(v, path, &b) {
		return nil, false
	}
	return b, true
}

func parseInfraField(w *walker, v *yaml.Node, path string, _ bool) (any, bool) {
	const hint = "write cloud[/region[/zone]] with * for any part (e.g. aws, gcp/us-central1, '*/us-east-1' quoted), k8s[/context] or ssh/<pool>"
	if kindOf(v) != kStr {
		w.typeError(v, path, "a string", hint)
		return nil, false
	}
	iv, msg, sugg := parseInfra(v.Value)
	if msg != "" {
		w.add(&Error{Pos: posOf(v), Path: path, Code: CodeValue, Msg: msg, Suggestions: sugg, Hint: hint})
		return nil, false
	}
	return iv, true
}

func parseCloudField(w *walker, v *yaml.Node, path string, _ bool) (any, bool) {
	hint := "one of " + strings.Join(Clouds, ", ")
	if kindOf(v) != kStr {
		w.typeError(v, path, "a cloud name", hint)
		return nil, false
	}
	c := strings.ToLower(strings.TrimSpace(v.Value))
	if !isCloud(c) {
		var sugg []string
		if a, ok := cloudAliases[c]; ok {
			sugg = []string{a}
		} else {
			sugg = suggest.Closest(c, Clouds, 1, 0.5)
		}
		w.add(&Error{Pos: posOf(v), Path: path, Code: CodeValue, Msg: fmt.Sprintf("unknown cloud %q", v.Value), Suggestions: sugg, Hint: hint})
		return nil, false
	}
	return c, true
}

// enumField accepts one of values, case-insensitively, stored lower case.
func enumField(name string, values ...string) fieldParser {
	hint := "one of " + strings.Join(values, ", ")
	return func(w *walker, v *yaml.Node, path string, _ bool) (any, bool) {
		if kindOf(v) != kStr {
			w.typeError(v, path, "a string", hint)
			return nil, false
		}
		s := strings.ToLower(strings.TrimSpace(v.Value))
		if !slices.Contains(values, s) {
			w.add(&Error{Pos: posOf(v), Path: path, Code: CodeValue, Hint: hint,
				Msg: fmt.Sprintf("invalid %s %q", name, v.Value), Suggestions: suggest.Closest(s, values, 1, 0.6)})
			return nil, false
		}
		return s, true
	}
}

// scalarText returns the text of a number or string scalar, and whether the
// node is one.
func scalarText(v *yaml.Node) (string, bool) {
	switch kindOf(v) {
	case kInt, kFloat, kStr:
		return strings.TrimSpace(v.Value), true
	}
	return "", false
}

func parseCPUs(w *walker, v *yaml.Node, path string, _ bool) (any, bool) {
	const hint = `write a number (4) or "<number>+" (4+) for at least that many vCPUs`
	s, ok := scalarText(v)
	if !ok {
		w.typeError(v, path, "a number or a string such as 4+", hint)
		return nil, false
	}
	var q Quantity
	num := s
	if strings.HasSuffix(num, "+") {
		q.AtLeast, num = true, num[:len(num)-1]
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		w.fail(v, path, CodeValue, hint, "invalid cpus %q", s)
		return nil, false
	}
	if f <= 0 {
		w.fail(v, path, CodeValue, hint, "cpus must be positive, got %s", s)
		return nil, false
	}
	q.Value = f
	return q, true
}

// sizeUnits are the units of memory and disk sizes, as a factor to GiB.
var sizeUnits = map[string]float64{
	"kb": 1.0 / (1 << 20), "ki": 1.0 / (1 << 20),
	"mb": 1.0 / 1024, "mi": 1.0 / 1024,
	"gb": 1, "gi": 1,
	"tb": 1024, "ti": 1024,
	"pb": 1 << 20, "pi": 1 << 20,
}

var sizeRE = regexp.MustCompile(`^([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)([a-zA-Z]{2})?$`)

// parseSize parses "N" or "N<unit>" into GiB.
func parseSize(s string) (float64, bool) {
	m := sizeRE.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	f, err := strconv.ParseFloat(m[1], 64)
	if err != nil || math.IsInf(f, 0) {
		return 0, false
	}
	if m[2] != "" {
		factor, ok := sizeUnits[strings.ToLower(m[2])]
		if !ok {
			return 0, false
		}
		f *= factor
	}
	return f, true
}

func parseMemory(w *walker, v *yaml.Node, path string, _ bool) (any, bool) {
	const hint = `write GiB as a number (32), "32+" for at least, a unit (32GB, 512MB, 1TB+; units KB MB GB TB PB or Ki Mi Gi Ti Pi), or "4x" for at least 4 GiB per vCPU`
	s, ok := scalarText(v)
	if !ok {
		w.typeError(v, path, "a number or a string such as 32+", hint)
		return nil, false
	}
	var q Quantity
	num := s
	switch {
	case strings.HasSuffix(num, "x") || strings.HasSuffix(num, "X"):
		q.PerCPU, num = true, num[:len(num)-1]
	case strings.HasSuffix(num, "+"):
		q.AtLeast, num = true, num[:len(num)-1]
	}
	var f float64
	if q.PerCPU {
		var err error
		f, err = strconv.ParseFloat(num, 64)
		ok = err == nil && !math.IsInf(f, 0) && !math.IsNaN(f)
	} else {
		f, ok = parseSize(num)
	}
	if !ok {
		w.fail(v, path, CodeValue, hint, "invalid memory %q", s)
		return nil, false
	}
	if f <= 0 {
		w.fail(v, path, CodeValue, hint, "memory must be positive, got %s", s)
		return nil, false
	}
	q.Value = f
	return q, true
}

// sizeField parses disk_size-like fields: an integer (GiB) or a string
// "<integer><unit>", converted to a whole, positive number of GiB.
func sizeField(name string) fieldParser {
	hint := "write whole GiB (256) or an integer with a unit (1TB, 500Gi, 2048MB) that is a whole number of GiB"
	return func(w *walker, v *yaml.Node, path string, _ bool) (any, bool) {
		var gib float64
		switch kindOf(v) {
		case kInt:
			n, ok := intValue(v, false)
			if !ok {
				w.fail(v, path, CodeValue, hint, "invalid %s %q", name, v.Value)
				return nil, false
			}
			gib = float64(n)
		case kStr:
			s := strings.TrimSpace(v.Value)
			m := sizeRE.FindStringSubmatch(s)
			f, ok := parseSize(s)
			if m == nil || !ok || strings.ContainsAny(m[1], ".eE") {
				w.fail(v, path, CodeValue, hint, "invalid %s %q", name, v.Value)
				return nil, false
			}
			gib = f
		case kFloat:
			w.fail(v, path, CodeValue, hint, "%s must be a whole number of GiB, got %s", name, v.Value)
			return nil, false
		default:
			w.typeError(v, path, "an integer or a string such as 1TB", hint)
			return nil, false
		}
		if gib != math.Trunc(gib) {
			w.fail(v, path, CodeValue, hint, "%s %q is not a whole number of GiB", name, v.Value)
			return nil, false
		}
		if gib <= 0 {
			w.fail(v, path, CodeValue, hint, "%s must be positive, got %s", name, v.Value)
			return nil, false
		}
		if gib > math.MaxInt32 {
			w.fail(v, path, CodeValue, hint, "%s %q is too large", name, v.Value)
			return nil, false
		}
		return int(gib), true
	}
}

// parsePorts parses ports: an int, a string ("8080", "8080-8090"), or a list
// of them; the result is sorted and merged into ranges.
func parsePorts(w *walker, v *yaml.Node, path string, _ bool) (any, bool) {
	var items []*yaml.Node
	var paths []string
	switch kindOf(v) {
	case kNull:
		return nil, true
	case kInt, kStr:
		items, paths = []*yaml.Node{v}, []string{path}
	case kSeq:
		for i, it := range v.Content {
			if it = w.resolve(it, index(path, i)); it == nil {
				return nil, false
			}
			items, paths = append(items, it), append(paths, index(path, i))
		}
	default:
		w.typeError(v, path, "a port, a range such as 8080-8090, or a list of them", "")
		return nil, false
	}
	var ranges []PortRange
	ok := true
	for i, it := range items {
		r, msg := parsePortItem(it)
		if msg != "" {
			w.fail(it, paths[i], CodeValue, "ports are 1-65535; a range is FROM-TO with FROM <= TO; list several as [80, 443]", "%s", msg)
			ok = false
			continue
		}
		ranges = append(ranges, r)
	}
	if !ok {
		return nil, false
	}
	return mergePorts(ranges), true
}

func parsePortItem(n *yaml.Node) (PortRange, string) {
	switch kindOf(n) {
	case kInt:
		p, ok := intValue(n, false)
		if !ok || p < 1 || p > 65535 {
			return PortRange{}, fmt.Sprintf("invalid port %s", n.Value)
		}
		return PortRange{p, p}, ""
	case kStr:
		s := strings.TrimSpace(n.Value)
		from, to, isRange := strings.Cut(s, "-")
		a, errA := strconv.Atoi(strings.TrimSpace(from))
		b := a
		var errB error
		if isRange {
			b, errB = strconv.Atoi(strings.TrimSpace(to))
		}
		if errA != nil || errB != nil {
			return PortRange{}, fmt.Sprintf("invalid port range %q", n.Value)
		}
		for _, p := range []int{a, b} {
			if p < 1 || p > 65535 {
				return PortRange{}, fmt.Sprintf("invalid port %d in %q", p, n.Value)
			}
		}
		if a > b {
			return PortRange{}, fmt.Sprintf("invalid port range %q: FROM is greater than TO", n.Value)
		}
		return PortRange{a, b}, ""
	}
	return PortRange{}, fmt.Sprintf("invalid port %s: want an integer or a string", kindOf(n))
}

// mergePorts sorts ranges and merges overlapping and adjacent ones.
func mergePorts(rs []PortRange) []PortRange {
	if len(rs) == 0 {
		return nil
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].From < rs[j].From })
	out := []PortRange{rs[0]}
	for _, r := range rs[1:] {
		last := &out[len(out)-1]
		if r.From <= last.To+1 {
			last.To = max(last.To, r.To)
			continue
		}
		out = append(out, r)
	}
	return out
}

// parseImageID parses image_id: a string (any region) or a mapping from
// region to image.
func parseImageID(w *walker, v *yaml.Node, path string, _ bool) (any, bool) {
	const hint = "write an image ID, or a mapping from region to image ID"
	switch kindOf(v) {
	case kNull:
		return nil, true
	case kStr:
		s := strings.TrimSpace(v.Value)
		if s == "" {
			w.fail(v, path, CodeValue, hint, "image_id must not be empty")
			return nil, false
		}
		return map[string]string{"": s}, true
	case kMap:
		m := map[string]string{}
		ok := true
		for _, p := range w.pairs(v, path) {
			if p.v == nil || kindOf(p.v) != kStr || strings.TrimSpace(p.v.Value) == "" {
				if p.v != nil {
					w.typeError(p.v, join(path, p.key), "an image ID string", hint)
				}
				ok = false
				continue
			}
			m[strings.TrimSpace(p.key)] = strings.TrimSpace(p.v.Value)
		}
		if !ok {
			return nil, false
		}
		if len(m) == 0 {
			return nil, true
		}
		return m, true
	}
	w.typeError(v, path, "a string or a mapping from region to image", hint)
	return nil, false
}

func parseLabels(w *walker, v *yaml.Node, path string, _ bool) (any, bool) {
	if kindOf(v) != kMap {
		w.typeError(v, path, "a mapping of label names to string values", "")
		return nil, false
	}
	m := map[string]string{}
	ok := true
	for _, p := range w.pairs(v, path) {
		if p.v == nil {
			ok = false
			continue
		}
		if kindOf(p.v) != kStr {
			w.typeError(p.v, join(path, p.key), "a string", `quote numbers and booleans: "8", "true"`)
			ok = false
			continue
		}
		m[p.key] = p.v.Value
	}
	if !ok {
		return nil, false
	}
	return m, true
}

// jobRecoveryStrategies are the strategies SkyPilot registers.
var jobRecoveryStrategies = []string{"EAGER_NEXT_REGION", "FAILOVER"}

func parseJobRecovery(w *walker, v *yaml.Node, path string, _ bool) (any, bool) {
	hint := "write a strategy (" + strings.Join(jobRecoveryStrategies, ", ") + "), none, or {strategy, max_restarts_on_errors, recover_on_exit_codes}"
	jr := &JobRecovery{}
	strategy := func(n *yaml.Node, p string) bool {
		if kindOf(n) == kNull {
			return true
		}
		if kindOf(n) != kStr {
			w.typeError(n, p, "a strategy name", hint)
			return false
		}
		if n.Value == "none" {
			jr.Disabled = true
			return true
		}
		s := strings.ToUpper(strings.TrimSpace(n.Value))
		if !slices.Contains(jobRecoveryStrategies, s) {
			w.add(&Error{Pos: posOf(n), Path: p, Code: CodeValue, Hint: hint,
				Msg:         fmt.Sprintf("unknown job recovery strategy %q", n.Value),
				Suggestions: suggest.Closest(s, jobRecoveryStrategies, 1, 0.5)})
			return false
		}
		jr.Strategy = s
		return true
	}
	switch kindOf(v) {
	case kStr:
		if !strategy(v, path) {
			return nil, false
		}
		return jr, true
	case kMap:
	default:
		w.typeError(v, path, "a string or a mapping", hint)
		return nil, false
	}
	ok := w.mapping(v, path, "job_recovery", []subField{
		{"strategy", strategy},
		{"max_restarts_on_errors", func(n *yaml.Node, p string) bool {
			c, iok := intValue(n, true)
			if !iok || c < 0 {
				w.fail(n, p, CodeValue, "a whole number >= 0", "invalid max_restarts_on_errors %q", n.Value)
				return false
			}
			jr.MaxRestartsOnErrors = c
			return true
		}},
		{"recover_on_exit_codes", func(n *yaml.Node, p string) bool {
			codes, cok := parseExitCodes(w, n, p)
			jr.RecoverOnExitCodes = codes
			return cok
		}},
	})
	if !ok {
		return nil, false
	}
	return jr, true
}

func parseExitCodes(w *walker, v *yaml.Node, path string) ([]int, bool) {
	const hint = "exit codes are integers 0-255, one or a list without repeats"
	one := func(n *yaml.Node, p string) (int, bool) {
		c, ok := intValue(n, false)
		if !ok || c < 0 || c > 255 {
			w.fail(n, p, CodeValue, hint, "invalid exit code %q", n.Value)
			return 0, false
		}
		return c, true
	}
	if kindOf(v) != kSeq {
		c, ok := one(v, path)
		if !ok {
			return nil, false
		}
		return []int{c}, true
	}
	var out []int
	ok := true
	for i, it := range v.Content {
		ip := index(path, i)
		if it = w.resolve(it, ip); it == nil {
			ok = false
			continue
		}
		c, cok := one(it, ip)
		if !cok {
			ok = false
			continue
		}
		if slices.Contains(out, c) {
			w.fail(it, ip, CodeValue, hint, "exit code %d is listed twice", c)
			ok = false
			continue
		}
		out = append(out, c)
	}
	return out, ok
}

var autostopRE = regexp.MustCompile(`^([0-9]+)\s*([mhdwMHDW]?)$`)

// autostopMinutes parses "30", "30m", "2h", "1d", "1w" into minutes.
func autostopMinutes(s string) (int, bool) {
	m := autostopRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, false
	}
	n, err := strconv.Atoi(m[1])
	if err != nil {
		return 0, false
	}
	factor := 1 // "" and "m"
	switch strings.ToLower(m[2]) {
	case "h":
		factor = 60
	case "d":
		factor = 60 * 24
	case "w":
		factor = 60 * 24 * 7
	}
	if n > math.MaxInt32/factor {
		return 0, false
	}
	return n * factor, true
}

func parseAutostop(w *walker, v *yaml.Node, path string, _ bool) (any, bool) {
	const hint = "write true/false, idle minutes (30), a duration (30m, 2h, 1d, 1w) or {idle_minutes, down, wait_for, hook, hook_timeout}"
	as := &Autostop{}
	switch kindOf(v) {
	case kBool:
		as.Disabled = !boolValue(v)
		return as, true
	case kInt, kStr:
		n, ok := autostopMinutes(v.Value)
		if !ok {
			w.fail(v, path, CodeValue, hint, "invalid autostop %q", v.Value)
			return nil, false
		}
		as.IdleMinutes = n
		return as, true
	case kMap:
	default:
		w.typeError(v, path, "a boolean, a number, a duration or a mapping", hint)
		return nil, false
	}
	ok := w.mapping(v, path, "autostop", []subField{
		{"idle_minutes", func(n *yaml.Node, p string) bool {
			m, iok := autostopMinutes(n.Value)
			if k := kindOf(n); !iok || (k != kInt && k != kStr) {
				w.fail(n, p, CodeValue, hint, "invalid idle_minutes %q", n.Value)
				return false
			}
			as.IdleMinutes = m
			return true
		}},
		{"down", func(n *yaml.Node, p string) bool { return w.boolInto(n, p, &as.Down) }},
		{"wait_for", func(n *yaml.Node, p string) bool {
			s := strings.ToLower(n.Value)
			if kindOf(n) != kStr || !slices.Contains([]string{"jobs_and_ssh", "jobs", "none"}, s) {
				w.fail(n, p, CodeValue, "one of jobs_and_ssh, jobs, none", "invalid wait_for %q", n.Value)
				return false
			}
			as.WaitFor = s
			return true
		}},
		{"hook", func(n *yaml.Node, p string) bool { return w.stringInto(n, p, "a shell command", &as.Hook) }},
		{"hook_timeout", func(n *yaml.Node, p string) bool {
			t, iok := intValue(n, false)
			if !iok || t <= 0 {
				w.fail(n, p, CodeValue, "a positive number of seconds", "invalid hook_timeout %q", n.Value)
				return false
			}
			as.HookTimeout = t
			return true
		}},
	})
	if !ok {
		return nil, false
	}
	return as, true
}

func parsePriority(w *walker, v *yaml.Node, path string, _ bool) (any, bool) {
	n, ok := intValue(v, true)
	if !ok || n < -1000 || n > 1000 {
		if kindOf(v) == kInt || kindOf(v) == kFloat {
			w.fail(v, path, CodeValue, "an integer from -1000 to 1000", "invalid priority %s", v.Value)
		} else {
			w.typeError(v, path, "an integer from -1000 to 1000", "")
		}
		return nil, false
	}
	return n, true
}

func parseVolumes(w *walker, v *yaml.Node, path string, _ bool) (any, bool) {
	if kindOf(v) != kSeq {
		w.typeError(v, path, "a list of volume mappings", "")
		return nil, false
	}
	var out []map[string]any
	ok := true
	for i, it := range v.Content {
		ip := index(path, i)
		if it = w.resolve(it, ip); it == nil {
			ok = false
			continue
		}
		if kindOf(it) != kMap {
			w.typeError(it, ip, "a volume mapping", "")
			ok = false
			continue
		}
		m := map[string]any{}
		for _, p := range w.pairs(it, ip) {
			if p.v == nil {
				ok = false
				continue
			}
			val, vok := plainValue(w, p.v, join(ip, p.key), 0)
			ok = vok && ok
			m[p.key] = val
		}
		out = append(out, m)
	}
	if !ok {
		return nil, false
	}
	return out, true
}

// plainValue converts a YAML value into Go values (string, bool, int64,
// float64, nil, []any, map[string]any), with a depth bound.
func plainValue(w *walker, n *yaml.Node, path string, depth int) (any, bool) {
	if depth > 32 {
		w.fail(n, path, CodeLimit, "", "value nested too deeply")
		return nil, false
	}
	switch kindOf(n) {
	case kNull:
		return nil, true
	case kBool:
		return boolValue(n), true
	case kInt:
		if i, ok := intValue(n, false); ok {
			return int64(i), true
		}
		return n.Value, true
	case kFloat:
		if f, ok := numberValue(n); ok {
			return f, true
		}
		return n.Value, true
	case kStr:
		return n.Value, true
	case kSeq:
		out := make([]any, 0, len(n.Content))
		for i, it := range n.Content {
			if it = w.resolve(it, index(path, i)); it == nil {
				return nil, false
			}
			v, ok := plainValue(w, it, index(path, i), depth+1)
			if !ok {
				return nil, false
			}
			out = append(out, v)
		}
		return out, true
	}
	out := map[string]any{}
	for _, p := range w.pairs(n, path) {
		if p.v == nil {
			return nil, false
		}
		v, ok := plainValue(w, p.v, join(path, p.key), depth+1)
		if !ok {
			return nil, false
		}
		out[p.key] = v
	}
	return out, true
}

func parseLocalDisk(w *walker, v *yaml.Node, path string, _ bool) (any, bool) {
	const hint = "write nvme or ssd, optionally with a size in GiB: nvme:100, ssd:500+"
	if kindOf(v) != kStr {
		w.typeError(v, path, "a string", hint)
		return nil, false
	}
	typ, size, hasSize := strings.Cut(strings.TrimSpace(v.Value), ":")
	ld := &LocalDisk{Type: strings.ToLower(strings.TrimSpace(typ))}
	if ld.Type != "nvme" && ld.Type != "ssd" {
		w.fail(v, path, CodeValue, hint, "invalid local_disk type %q", typ)
		return nil, false
	}
	if hasSize {
		size = strings.TrimSpace(size)
		if strings.HasSuffix(size, "+") {
			ld.AtLeast, size = true, size[:len(size)-1]
		}
		f, ok := parseSize(size)
		if !ok || f <= 0 {
			w.fail(v, path, CodeValue, hint, "invalid local_disk size %q", size)
			return nil, false
		}
		ld.SizeGiB = f
	}
	return ld, true
}

func parseMaxHourlyCost(w *walker, v *yaml.Node, path string, _ bool) (any, bool) {
	k := kindOf(v)
	f, ok := numberValue(v)
	if (k != kInt && k != kFloat) || !ok || f <= 0 {
		w.fail(v, path, CodeValue, "a positive number of US dollars per hour per node, e.g. 3.5", "invalid max_hourly_cost %q", v.Value)
		return nil, false
	}
	return f, true
}

func parseAcceleratorArgs(w *walker, v *yaml.Node, path string, _ bool) (any, bool) {
	if kindOf(v) != kMap {
		w.typeError(v, path, "a mapping", "keys: runtime_version, tpu_name, tpu_vm, gcp_queued_resource")
		return nil, false
	}
	aa := &AcceleratorArgs{}
	ok := w.mapping(v, path, "accelerator_args", []subField{
		{"runtime_version", func(n *yaml.Node, p string) bool { return w.stringInto(n, p, "", &aa.RuntimeVersion) }},
		{"tpu_name", func(n *yaml.Node, p string) bool { return w.stringInto(n, p, "", &aa.TPUName) }},
		{"tpu_vm", func(n *yaml.Node, p string) bool { return w.boolPtrInto(n, p, &aa.TPUVM) }},
		{"gcp_queued_resource", func(n *yaml.Node, p string) bool { return w.boolPtrInto(n, p, &aa.GCPQueuedResource) }},
	})
	if !ok {
		return nil, false
	}
	return aa, true
}

// subField is one key of a nested mapping (job_recovery, autostop,
// accelerator_args) and its parser, which reports problems and returns
// whether the value was valid.
type subField struct {
	key   string
	parse func(v *yaml.Node, path string) bool
}

// mapping parses the nested mapping v key by key; unknown keys are reported
// with a did-you-mean among the known ones. It returns whether every key
// was valid.
func (w *walker) mapping(v *yaml.Node, path, where string, fields []subField) bool {
	ok := true
	for _, p := range w.pairs(v, path) {
		if p.v == nil {
			ok = false
			continue
		}
		i := slices.IndexFunc(fields, func(f subField) bool { return f.key == p.key })
		if i < 0 {
			known := make([]string, len(fields))
			for j, f := range fields {
				known[j] = f.key
			}
			w.unknownField(p.k, path, known, where)
			ok = false
			continue
		}
		ok = fields[i].parse(p.v, join(path, p.key)) && ok
	}
	return ok
}

// stringInto stores a string value in dst, or reports a type error.
func (w *walker) stringInto(v *yaml.Node, path, hint string, dst *string) bool {
	if kindOf(v) != kStr {
		w.typeError(v, path, "a string", hint)
		return false
	}
	*dst = v.Value
	return true
}

// boolInto stores a boolean value in dst, or reports a type error.
func (w *walker) boolInto(v *yaml.Node, path string, dst *bool) bool {
	if kindOf(v) != kBool {
		w.typeError(v, path, "a boolean", "write true or false, unquoted")
		return false
	}
	*dst = boolValue(v)
	return true
}

// boolPtrInto is boolInto for an optional boolean.
func (w *walker) boolPtrInto(v *yaml.Node, path string, dst **bool) bool {
	var b bool
	if !w.boolInto(v, path, &b) {
		return false
	}
	*dst = &b
	return true
}
