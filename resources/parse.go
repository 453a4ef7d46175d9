package resources

import (
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/skyhop/skyhop/catalog/accelerator"
)

// taskFields are the top-level keys of a SkyPilot task YAML. Only
// resources and num_nodes are interpreted; the others are accepted so that
// whole task files parse.
var taskFields = []string{
	"name", "workdir", "event_callback", "num_nodes", "resources", "file_mounts", "service",
	"setup", "run", "envs", "secrets", "inputs", "outputs", "config", "volumes", "pool",
}

// Parse parses a SkyPilot task YAML and returns the resources it asks for.
//
// Every form of SkyPilot's resources: grammar is accepted (see the package
// documentation); an empty document or a missing resources: section gives
// one candidate with nothing set. Problems are reported together: a single
// one as an *Error, several as an ErrorList, each with its line, column and
// field path. Parse never modifies data and is safe for concurrent use.
func Parse(data []byte) (*Spec, error) {
	root, serr := load(data)
	if serr != nil {
		return nil, serr
	}
	p := &parser{}
	spec := p.task(root)
	switch len(p.errs) {
	case 0:
		return spec, nil
	case 1:
		return nil, p.errs[0]
	}
	slices.SortStableFunc(p.errs, func(a, b *Error) int {
		if a.Pos.Line != b.Pos.Line {
			return a.Pos.Line - b.Pos.Line
		}
		return a.Pos.Column - b.Pos.Column
	})
	return nil, p.errs
}

// ParseFile reads and parses a task YAML file; errors carry the file name.
func ParseFile(path string) (*Spec, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("resources: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxInputSize+1))
	if err != nil {
		return nil, fmt.Errorf("resources: reading %s: %w", path, err)
	}
	spec, err := Parse(data)
	for _, e := range Errors(err) {
		e.File = path
	}
	return spec, err
}

// parser turns the YAML tree into a Spec.
type parser struct {
	walker
}

// task parses the task document (root may be nil for an empty document).
func (p *parser) task(root *yaml.Node) *Spec {
	spec := &Spec{NumNodes: 1}
	if root == nil {
		spec.Candidates = []Resources{{Path: "resources"}}
		return spec
	}
	if root = p.resolve(root, ""); root == nil {
		return nil
	}
	if kindOf(root) != kMap {
		p.fail(root, "", CodeType, "a task YAML is a mapping with keys such as resources:, num_nodes:, run:",
			"the document is %s, not a mapping", kindOf(root))
		return nil
	}
	var resNode, resKey *yaml.Node
	for _, kv := range p.pairs(root, "") {
		switch kv.key {
		case "resources":
			resKey, resNode = kv.k, kv.v
		case "num_nodes":
			if kv.v != nil {
				spec.NumNodes = p.numNodes(kv.v)
			}
		default:
			if !slices.Contains(taskFields, kv.key) {
				p.unknownField(kv.k, "", taskFields, "a task")
			}
		}
	}
	spec.Candidates, spec.Ordered = p.resources(resKey, resNode)
	p.checkPriority(spec.Candidates)
	return spec
}

// checkPriority rejects candidates whose priorities differ: a task has one
// priority.
func (p *parser) checkPriority(cands []Resources) {
	for i := 1; i < len(cands); i++ {
		a, b := cands[0].Priority, cands[i].Priority
		if (a == nil) != (b == nil) || (a != nil && *a != *b) {
			p.add(&Error{Pos: cands[i].Pos, Path: cands[i].Path, Code: CodeConflict,
				Msg:  "priority differs between candidates; a task has one priority",
				Hint: "set priority once at the top of resources:"})
			return
		}
	}
}

func (p *parser) numNodes(v *yaml.Node) int {
	if kindOf(v) == kNull {
		return 1
	}
	n, ok := intValue(v, false)
	if !ok || n <= 0 {
		p.fail(v, "num_nodes", CodeValue, "write a whole number of nodes, 1 or more", "num_nodes must be a positive integer, got %q", v.Value)
		return 1
	}
	return n
}

// value is one parsed field of a resources level.
type value struct {
	key  string // canonical key (gpus is accelerators)
	k, v *yaml.Node
	path string
	val  any
}

// level is one resources mapping: the top of resources: or an entry of
// any_of/ordered.
type level struct {
	node   *yaml.Node
	path   string
	fields map[string]*value
	anyOf  *value // top level only
	order  *value // top level only
}

// resources parses the resources: value into candidates.
func (p *parser) resources(key, n *yaml.Node) ([]Resources, bool) {
	if n == nil || kindOf(n) == kNull {
		return []Resources{{Path: "resources", Pos: posOf(key)}}, false
	}
	if kindOf(n) != kMap {
		p.typeError(n, "resources", "a mapping", "write fields such as accelerators:, cpus:, infra: under resources:")
		return nil, false
	}
	top := p.level(n, "resources", false)
	return p.expand(top, posOf(key))
}

// level parses the fields of one resources mapping.
func (p *parser) level(m *yaml.Node, path string, entry bool) *level {
	lv := &level{node: m, path: path, fields: map[string]*value{}}
	for _, kv := range p.pairs(m, path) {
		kp := join(path, kv.key)
		name := kv.key
		if name == "gpus" {
			name = "accelerators"
		}
		if prev, dup := lv.fields[name]; dup && name == "accelerators" {
			p.fail(kv.k, kp, CodeConflict, "use one of them (gpus is an alias of accelerators)",
				"cannot use both gpus and accelerators (the other is at %s)", posOf(prev.k))
			continue
		}
		if name == "any_of" || name == "ordered" {
			if entry {
				p.fail(kv.k, kp, CodeUnknownField, "any_of and ordered entries cannot nest; list every alternative at the top level",
					"%s is not allowed inside an any_of/ordered entry", name)
				continue
			}
			v := &value{key: name, k: kv.k, v: kv.v, path: kp}
			if name == "any_of" {
				lv.anyOf = v
			} else {
				lv.order = v
			}
			continue
		}
		f, known := fields[name]
		if !known {
			p.unknownField(kv.k, path, fieldNames, "resources")
			continue
		}
		if kv.v == nil {
			continue
		}
		if kindOf(kv.v) == kNull && (!entry || !f.nullable) {
			if entry {
				p.fail(kv.v, kp, CodeType, "remove the key, or give it a value",
					"%s has no value; in an any_of/ordered entry every key needs one", kv.key)
			}
			continue // at the top of resources, null means unset
		}
		val, ok := f.parse(&p.walker, kv.v, kp, entry)
		if !ok || (val == nil && !f.nullable) {
			continue // invalid (reported), or empty, which means unset
		}
		lv.fields[name] = &value{key: name, k: kv.k, v: kv.v, path: kp, val: val}
	}
	return lv
}

// entries parses the list of an any_of/ordered key.
func (p *parser) entries(v *value) []*level {
	if v == nil || v.v == nil || kindOf(v.v) == kNull {
		return nil
	}
	if kindOf(v.v) != kSeq {
		p.typeError(v.v, v.path, "a list of resource mappings", "write each alternative as a '- ' item with its fields")
		return nil
	}
	var out []*level
	for i, item := range v.v.Content {
		ip := index(v.path, i)
		if item = p.resolve(item, ip); item == nil {
			continue
		}
		if kindOf(item) != kMap {
			p.typeError(item, ip, "a mapping of resource fields", "e.g. - {accelerators: A100:8, infra: gcp}")
			continue
		}
		out = append(out, p.level(item, ip, true))
	}
	return out
}

// expand applies SkyPilot's candidate expansion (any_of, ordered,
// accelerator sets and lists) to the top level.
func (p *parser) expand(top *level, resPos Position) ([]Resources, bool) {
	if top.anyOf != nil && top.order != nil {
		second := top.order
		if posOf(second.k).Line < posOf(top.anyOf.k).Line {
			second = top.anyOf
		}
		p.fail(second.k, second.path, CodeConflict, "use any_of for cheapest-first or ordered for a preference order",
			"cannot use both any_of and ordered")
		return nil, false
	}
	anyOf, ordered := p.entries(top.anyOf), p.entries(top.order)
	if acc, ok := top.fields["accelerators"]; ok {
		av := acc.val.(*accelValue)
		multi := len(av.items) > 1
		switch {
		case multi && (len(ordered) > 0 || (top.order != nil && top.order.v != nil && len(top.order.v.Content) > 0)):
			p.fail(acc.k, acc.path, CodeConflict, "move each accelerator into its own ordered entry",
				"cannot use several accelerators together with ordered")
			return nil, false
		case multi && av.list && (len(anyOf) > 0 || (top.anyOf != nil && top.anyOf.v != nil && len(top.anyOf.v.Content) > 0)):
			p.fail(acc.k, acc.path, CodeConflict, "write the accelerators as a set {A:1, B:1}, or move them into any_of entries",
				"cannot use a preference list of accelerators together with any_of")
			return nil, false
		}
	}
	var out []Resources
	switch {
	case len(anyOf) > 0:
		for _, e := range anyOf {
			out = append(out, p.candidates(p.merge(top, e), posOf(e.node), e.path)...)
		}
		return out, false
	case len(ordered) > 0:
		for _, e := range ordered {
			out = append(out, p.candidates(p.merge(top, e), posOf(e.node), e.path)...)
		}
		return out, true
	}
	list := false
	if acc, ok := top.fields["accelerators"]; ok {
		list = acc.val.(*accelValue).list
	}
	return p.candidates(top.fields, resPos, "resources"), list
}

// merge overlays an entry on the top level: the entry's keys replace the
// top level's, except labels, which merge key by key (the entry wins).
func (p *parser) merge(top, e *level) map[string]*value {
	m := maps.Clone(top.fields)
	for k, v := range e.fields {
		m[k] = v
	}
	tl, okT := top.fields["labels"]
	el, okE := e.fields["labels"]
	if okT && okE {
		labels := maps.Clone(tl.val.(map[string]string))
		maps.Copy(labels, el.val.(map[string]string))
		m["labels"] = &value{key: "labels", k: el.k, v: el.v, path: el.path, val: labels}
	}
	return m
}

// candidates builds one candidate per accelerator of a merged mapping (or
// one candidate when it has none).
func (p *parser) candidates(m map[string]*value, pos Position, path string) []Resources {
	p.checkInfraConflict(m)
	acc, ok := m["accelerators"]
	if !ok {
		r := p.build(m, nil)
		r.Pos, r.Path = pos, path
		return []Resources{r}
	}
	av := acc.val.(*accelValue)
	out := make([]Resources, 0, len(av.items))
	for _, it := range av.items {
		r := p.build(m, &it)
		r.Pos, r.Path = pos, path
		if path == "resources" && len(av.items) > 1 {
			r.Pos, r.Path = posOf(it.node), it.path
		}
		out = append(out, r)
	}
	return out
}

// checkInfraConflict rejects infra together with cloud, region or zone in
// one candidate (also when they come from different levels).
func (p *parser) checkInfraConflict(m map[string]*value) {
	infra, ok := m["infra"]
	if !ok {
		return
	}
	for _, k := range []string{"cloud", "region", "zone"} {
		if v, ok := m[k]; ok {
			p.fail(v.k, v.path, CodeConflict, "write the location in infra only, e.g. infra: aws/us-east-1",
				"cannot use %s together with infra (%s at %s)", k, infra.path, posOf(infra.k))
		}
	}
}

// build makes one candidate from merged fields and one accelerator.
func (p *parser) build(m map[string]*value, acc *accelItem) Resources {
	var r Resources
	for k, v := range m {
		switch k {
		case "infra":
			iv := v.val.(infraValue)
			r.Infra, r.Cloud, r.Region, r.Zone = iv.raw, iv.cloud, iv.region, iv.zone
		case "cloud":
			r.Cloud = v.val.(string)
		case "region":
			r.Region = v.val.(string)
		case "zone":
			r.Zone = v.val.(string)
		case "instance_type":
			r.InstanceType = v.val.(string)
		case "accelerator_args":
			a := *v.val.(*AcceleratorArgs)
			r.AcceleratorArgs = &a
		case "cpus":
			r.CPUs = v.val.(Quantity)
		case "memory":
			r.Memory = v.val.(Quantity)
		case "use_spot":
			r.UseSpot, r.UseSpotSet = v.val.(bool), true
		case "job_recovery":
			j := *v.val.(*JobRecovery)
			j.RecoverOnExitCodes = slices.Clone(j.RecoverOnExitCodes)
			r.JobRecovery = &j
		case "disk_size":
			r.DiskSizeGiB = v.val.(int)
		case "disk_tier":
			r.DiskTier = v.val.(string)
		case "network_tier":
			r.NetworkTier = v.val.(string)
		case "ports":
			if v.val != nil {
				r.Ports = slices.Clone(v.val.([]PortRange))
			}
		case "image_id":
			if v.val != nil {
				r.ImageID = maps.Clone(v.val.(map[string]string))
			}
		case "labels":
			r.Labels = maps.Clone(v.val.(map[string]string))
		case "autostop":
			a := *v.val.(*Autostop)
			r.Autostop = &a
		case "priority":
			n := v.val.(int)
			r.Priority = &n
		case "priority_class":
			r.PriorityClass = v.val.(string)
		case "volumes":
			for _, vol := range v.val.([]map[string]any) {
				r.Volumes = append(r.Volumes, maps.Clone(vol))
			}
		case "local_disk":
			l := *v.val.(*LocalDisk)
			r.LocalDisk = &l
		case "max_hourly_cost":
			r.MaxHourlyCost = v.val.(float64)
		case "ephemeral_storage":
			r.EphemeralStorageGiB = v.val.(int)
		}
	}
	if acc != nil {
		a := acc.acc
		r.Accelerator = &a
		p.checkTPU(&r, m, acc)
	}
	p.checkImage(&r, m)
	return r
}

// checkTPU applies SkyPilot's TPU rules: the cloud defaults to GCP (or
// Kubernetes for GKE TPU slices) and must be one of them; a TPU VM takes no
// instance type; the runtime version gets its default.
func (p *parser) checkTPU(r *Resources, m map[string]*value, acc *accelItem) {
	name := strings.ToLower(r.Accelerator.Name)
	if !accelerator.IsTPU(name) {
		return
	}
	gke := strings.Contains(name, "podslice") || strings.HasSuffix(name, "-device") || strings.HasSuffix(name, "-slice")
	switch r.Cloud {
	case "":
		r.Cloud = "gcp"
		if gke {
			r.Cloud = "kubernetes"
		}
	case "gcp", "kubernetes":
	default:
		at := m["cloud"]
		if at == nil {
			at = m["infra"]
		}
		p.fail(acc.node, acc.path, CodeConflict, "TPUs run on GCP or Kubernetes; remove the cloud or pick another accelerator",
			"accelerator %s needs cloud gcp or kubernetes, but the cloud is %s (%s at %s)", r.Accelerator.Name, r.Cloud, at.path, posOf(at.k))
		return
	}
	if r.Cloud != "gcp" {
		return
	}
	tpuVM := r.AcceleratorArgs == nil || r.AcceleratorArgs.TPUVM == nil || *r.AcceleratorArgs.TPUVM
	if it, ok := m["instance_type"]; ok && tpuVM && r.InstanceType != "TPU-VM" {
		p.fail(it.v, it.path, CodeConflict, "remove instance_type; a TPU VM is sized by the accelerator",
			"cannot set instance_type %q for TPU VM %s", r.InstanceType, r.Accelerator.Name)
	}
	if r.AcceleratorArgs == nil {
		r.AcceleratorArgs = &AcceleratorArgs{}
	}
	if r.AcceleratorArgs.RuntimeVersion == "" {
		switch {
		case !tpuVM:
			r.AcceleratorArgs.RuntimeVersion = "2.12.0"
		case strings.HasPrefix(name, "tpu-v5"):
			r.AcceleratorArgs.RuntimeVersion = "v2-alpha-tpuv5"
		case strings.HasPrefix(name, "tpu-v6e"):
			r.AcceleratorArgs.RuntimeVersion = "v2-alpha-tpuv6e"
		default:
			r.AcceleratorArgs.RuntimeVersion = "tpu-vm-base"
		}
	}
}

// checkImage applies the catalog-free image_id rules.
func (p *parser) checkImage(r *Resources, m map[string]*value) {
	iv, ok := m["image_id"]
	if !ok || len(r.ImageID) == 0 {
		return
	}
	if r.Cloud == "kubernetes" {
		for k, img := range r.ImageID {
			if !strings.HasPrefix(img, "docker:") {
				r.ImageID[k] = "docker:" + img
			}
		}
		return
	}
	_, anyRegion := r.ImageID[""]
	for _, img := range r.ImageID {
		if strings.HasPrefix(img, "docker:") {
			continue
		}
		if r.Cloud == "" {
			p.fail(iv.k, iv.path, CodeConflict, "set infra (or cloud) for the image, or use a docker:<image> image",
				"image_id %q needs a cloud", img)
			return
		}
		if r.Cloud == "aws" && anyRegion && r.Region == "" && !strings.HasPrefix(img, "skypilot:") {
			p.fail(iv.k, iv.path, CodeConflict, "pin the region (infra: aws/<region>) or map regions to images: image_id: {us-east-1: ami-...}",
				"an AWS image_id is only valid in one region, but no region is set")
			return
		}
	}
	if !anyRegion && r.Region != "" && r.Image(r.Region) == "" {
		p.fail(iv.k, iv.path, CodeConflict, "add the region to image_id or change the region",
			"image_id has no image for region %s", r.Region)
	}
}
