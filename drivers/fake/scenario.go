package fake

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/skyhop/skyhop/catalog"
	"github.com/skyhop/skyhop/drivers"
)

// Scenario is a fake-cloud set-up read from YAML: the clouds, their
// offerings, the latency of each call, and the faults. Tests and launchers
// load one with ParseScenario, LoadScenario or LoadScenarioFile and build
// the fake with New.
//
// The format (every key is optional; unknown keys are errors):
//
//	name: gcp-stockout                  # free text, for reports
//	description: us-central1 has no V100s
//	clouds: [aws, gcp, azure]           # clouds served even without offerings
//	latency:                            # per call, on the fake's clock
//	  launch: 90s
//	  terminate: 30s
//	  list: 1s
//	  check_credentials: 1s
//	offerings:                          # inline offerings; leave them out to
//	  - cloud: gcp                      # use the caller's catalog instead
//	    instance_type: n1-highmem-8     # (required, with cloud and region)
//	    region: us-central1
//	    zone: us-central1-a             # "" for clouds priced per region
//	    accelerator: V100
//	    accelerator_count: 1
//	    accelerator_memory_gib: 16
//	    vcpus: 8
//	    memory_gib: 52
//	    arch: x86_64
//	    price: 2.95                     # USD/h on demand; 0: not sold so
//	    spot_price: 0.9                 # USD/h spot; 0: no spot market
//	faults:                             # in priority order
//	  - op: launch                      # launch (default), terminate, list,
//	                                    # check-credentials
//	    cloud: gcp                      # patterns (path.Match syntax);
//	    region: us-central1             # absent or "*": any
//	    zone: "*"
//	    instance_type: "n1-*"
//	    market: any                     # any (default), on-demand, spot
//	    from: 1                         # first matching call it fires on
//	    times: 2                        # how many calls (0 or absent: no end)
//	    code: ZONE_RESOURCE_POOL_EXHAUSTED   # the provider's code
//	    status: 503                     # HTTP status (default: realistic)
//	    message: "..."                  # text; may use {type} {region}
//	                                    # {zone} {count} {cluster}
//	    class: capacity                 # override the cloud's table
//	    scope: zone                     # (only for clouds without one)
//	    created: 2                      # nodes created before failing, or all
//	    orphan: false                   # created nodes not returned (leak trap)
//	    hang: false                     # block until the context ends
//	    delay: 10s                      # extra latency
//	    retry_after: 5s                 # the Retry-After the provider asks for
//
// See Fault for what each fault field does.
type Scenario struct {
	// Name and Description are free text.
	Name        string
	Description string
	// Clouds are declared clouds (see WithClouds).
	Clouds []string
	// Latency is the time each call takes.
	Latency Latency
	// Offerings are the inline offerings.
	Offerings []catalog.Offering
	// Faults are the faults, in priority order.
	Faults []Fault
}

// Options returns the options that set a fake up as the scenario says.
func (s *Scenario) Options() []Option {
	opts := []Option{WithLatency(s.Latency), WithFaults(s.Faults...)}
	if len(s.Offerings) > 0 {
		opts = append(opts, WithOfferings(s.Offerings...))
	}
	if len(s.Clouds) > 0 {
		opts = append(opts, WithClouds(s.Clouds...))
	}
	return opts
}

// New builds the fake the scenario describes, with extra options after the
// scenario's own: pass WithOfferings(...) to sell a catalog's offerings
// (added to the inline ones), WithClock to drive time.
func (s *Scenario) New(extra ...Option) *Clouds {
	return New(append(s.Options(), extra...)...)
}

// ScenarioError is a problem in a scenario document, with its position.
type ScenarioError struct {
	// File is the file name, when known.
	File string
	// Line and Column are 1-based; 0 when unknown.
	Line, Column int
	// Path is the field, e.g. "faults[2].times".
	Path string
	// Msg says what is wrong and what to write instead.
	Msg string
}

// Error renders "file:line:column: path: msg".
func (e *ScenarioError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
		b.WriteByte(':')
	} else {
		b.WriteString("scenario:")
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, "%d:%d: ", e.Line, e.Column)
	} else {
		b.WriteByte(' ')
	}
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// LoadScenarioFile reads and parses the scenario in file path; errors carry
// the path.
func LoadScenarioFile(path string) (*Scenario, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("fake: read scenario: %w", err)
	}
	return parseScenario(data, path)
}

// LoadScenario reads r to the end and parses the scenario.
func LoadScenario(r io.Reader) (*Scenario, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("fake: read scenario: %w", err)
	}
	return parseScenario(data, "")
}

// ParseScenario parses a scenario document. Errors are *ScenarioError
// values (joined with errors.Join when there are several) that give the
// line and column; errors.As reaches the first.
func ParseScenario(data []byte) (*Scenario, error) { return parseScenario(data, "") }

// maxScenarioErrors bounds how many problems one parse reports.
const maxScenarioErrors = 20

type sparser struct {
	file string
	errs []error
	key  *yaml.Node // the mapping key being visited
}

func (p *sparser) errorf(n *yaml.Node, path, format string, args ...any) {
	if len(p.errs) >= maxScenarioErrors {
		return
	}
	e := &ScenarioError{File: p.file, Path: path, Msg: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Line, e.Column = n.Line, n.Column
	}
	p.errs = append(p.errs, e)
}

func parseScenario(data []byte, file string) (*Scenario, error) {
	p := &sparser{file: file}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		e := &ScenarioError{File: file, Msg: "not valid YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")}
		if line, ok := yamlErrorLine(err.Error()); ok {
			e.Line, e.Column = line, 1
		}
		return nil, e
	}
	s := &Scenario{}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return s, nil // an empty document is an empty scenario
	}
	root := resolve(doc.Content[0])
	if root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return s, nil
	}
	p.mapping(root, "", func(key string, v *yaml.Node, path string) {
		switch key {
		case "name":
			s.Name = p.str(v, path)
		case "description":
			s.Description = p.str(v, path)
		case "clouds":
			p.seq(v, path, func(n *yaml.Node, path string) {
				if c := p.str(n, path); c == "" || c != strings.ToLower(c) {
					p.errorf(n, path, "cloud name %q: want a lower-case name such as aws, gcp or azure", c)
				} else {
					s.Clouds = append(s.Clouds, c)
				}
			})
		case "latency":
			p.latency(v, path, &s.Latency)
		case "offerings":
			p.seq(v, path, func(n *yaml.Node, path string) {
				if o, ok := p.offering(n, path); ok {
					s.Offerings = append(s.Offerings, o)
				}
			})
		case "faults":
			p.seq(v, path, func(n *yaml.Node, path string) {
				if f, ok := p.fault(n, path); ok {
					s.Faults = append(s.Faults, f)
				}
			})
		default:
			p.unknownKey(key, path, "name, description, clouds, latency, offerings, faults")
		}
	})
	if len(p.errs) > 0 {
		if len(p.errs) == 1 {
			return nil, p.errs[0]
		}
		return nil, errors.Join(p.errs...)
	}
	return s, nil
}

// yamlErrorLine finds "line N" in a yaml.v3 syntax error.
func yamlErrorLine(msg string) (int, bool) {
	i := strings.Index(msg, "line ")
	if i < 0 {
		return 0, false
	}
	j := i + len("line ")
	k := j
	for k < len(msg) && msg[k] >= '0' && msg[k] <= '9' {
		k++
	}
	n, err := strconv.Atoi(msg[j:k])
	return n, err == nil
}

// resolve follows aliases (bounded, so that a cyclic document cannot loop).
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && n.Alias != nil && i < 16; i++ {
		n = n.Alias
	}
	return n
}

var kindNames = map[yaml.Kind]string{
	yaml.DocumentNode: "a document", yaml.SequenceNode: "a list", yaml.MappingNode: "a mapping",
	yaml.ScalarNode: "a value", yaml.AliasNode: "an alias",
}

// mapping calls f for each key of a mapping node, reporting duplicates.
func (p *sparser) mapping(n *yaml.Node, path string, f func(key string, v *yaml.Node, path string)) {
	n = resolve(n)
	if n.Kind != yaml.MappingNode {
		p.errorf(n, path, "want a mapping (key: value lines), got %s", kindNames[n.Kind])
		return
	}
	seen := make(map[string]bool)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), resolve(n.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			p.errorf(k, path, "want a plain key, got %s", kindNames[k.Kind])
			continue
		}
		sub := k.Value
		if path != "" {
			sub = path + "." + k.Value
		}
		if seen[k.Value] {
			p.errorf(k, sub, "duplicate key %q", k.Value)
			continue
		}
		seen[k.Value] = true
		p.key = k
		f(k.Value, v, sub)
	}
}

// unknownKey reports a key the format does not have, at the key being
// visited.
func (p *sparser) unknownKey(key, path, known string) {
	p.errorf(p.key, path, "unknown key %q (known keys: %s)", key, known)
}

func (p *sparser) seq(n *yaml.Node, path string, f func(n *yaml.Node, path string)) {
	n = resolve(n)
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return
	}
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, path, "want a list, got %s", kindNames[n.Kind])
		return
	}
	for i, c := range n.Content {
		f(resolve(c), fmt.Sprintf("%s[%d]", path, i))
	}
}

func (p *sparser) scalar(n *yaml.Node, path string) (string, bool) {
	if n.Kind != yaml.ScalarNode {
		p.errorf(n, path, "want a single value, got %s", kindNames[n.Kind])
		return "", false
	}
	if n.Tag == "!!null" {
		return "", false
	}
	return n.Value, true
}

func (p *sparser) str(n *yaml.Node, path string) string {
	v, _ := p.scalar(n, path)
	return v
}

func (p *sparser) integer(n *yaml.Node, path string, min, max int64, what string) int {
	v, ok := p.scalar(n, path)
	if !ok {
		return 0
	}
	i, err := strconv.ParseInt(v, 10, 64)
	if err != nil || i < min || i > max {
		p.errorf(n, path, "%q: want %s (a whole number from %d to %d)", v, what, min, max)
		return 0
	}
	return int(i)
}

func (p *sparser) number(n *yaml.Node, path, what string) float64 {
	v, ok := p.scalar(n, path)
	if !ok {
		return 0
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 || math.IsInf(f, 0) || math.IsNaN(f) {
		p.errorf(n, path, "%q: want %s (a number, 0 or more)", v, what)
		return 0
	}
	return f
}

func (p *sparser) boolean(n *yaml.Node, path string) bool {
	v, ok := p.scalar(n, path)
	if !ok {
		return false
	}
	switch v {
	case "true", "True", "TRUE":
		return true
	case "false", "False", "FALSE":
		return false
	}
	p.errorf(n, path, "%q: want true or false", v)
	return false
}

func (p *sparser) duration(n *yaml.Node, path string) time.Duration {
	v, ok := p.scalar(n, path)
	if !ok || v == "0" {
		return 0
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		p.errorf(n, path, "%q: want a duration such as 500ms, 30s or 2m", v)
		return 0
	}
	return d
}

func (p *sparser) latency(n *yaml.Node, path string, l *Latency) {
	p.mapping(n, path, func(key string, v *yaml.Node, path string) {
		switch key {
		case "launch":
			l.Launch = p.duration(v, path)
		case "terminate":
			l.Terminate = p.duration(v, path)
		case "list":
			l.List = p.duration(v, path)
		case "check_credentials":
			l.CheckCredentials = p.duration(v, path)
		default:
			p.unknownKey(key, path, "launch, terminate, list, check_credentials")
		}
	})
}

func (p *sparser) offering(n *yaml.Node, path string) (catalog.Offering, bool) {
	var o catalog.Offering
	before := len(p.errs)
	p.mapping(n, path, func(key string, v *yaml.Node, path string) {
		switch key {
		case "cloud":
			o.Cloud = p.str(v, path)
			if o.Cloud != strings.ToLower(o.Cloud) {
				p.errorf(v, path, "cloud name %q: want lower case", o.Cloud)
			}
		case "instance_type":
			o.InstanceType = p.str(v, path)
		case "region":
			o.Region = p.str(v, path)
		case "zone":
			o.Zone = p.str(v, path)
		case "accelerator":
			o.Accelerator = p.str(v, path)
		case "accelerator_count":
			o.AcceleratorCount = p.number(v, path, "an accelerator count")
		case "accelerator_memory_gib":
			o.AcceleratorMemoryGiB = p.number(v, path, "GiB per accelerator")
		case "vcpus":
			o.VCPUs = p.number(v, path, "a vCPU count")
		case "memory_gib":
			o.MemoryGiB = p.number(v, path, "GiB of memory")
		case "arch":
			o.Arch = p.str(v, path)
		case "price":
			o.Price = p.number(v, path, "a price in USD per hour")
		case "spot_price":
			o.SpotPrice = p.number(v, path, "a spot price in USD per hour")
		default:
			p.unknownKey(key, path, "cloud, instance_type, region, zone, accelerator, accelerator_count, "+
				"accelerator_memory_gib, vcpus, memory_gib, arch, price, spot_price")
		}
	})
	if len(p.errs) > before {
		return o, false
	}
	var missing []string
	for _, f := range []struct{ name, v string }{{"cloud", o.Cloud}, {"instance_type", o.InstanceType}, {"region", o.Region}} {
		if f.v == "" {
			missing = append(missing, f.name)
		}
	}
	if len(missing) > 0 {
		p.errorf(n, path, "offering lacks %s", strings.Join(missing, " and "))
		return o, false
	}
	return o, true
}

func (p *sparser) fault(n *yaml.Node, path string) (Fault, bool) {
	var f Fault
	before := len(p.errs)
	p.mapping(n, path, func(key string, v *yaml.Node, path string) {
		switch key {
		case "op":
			s := p.str(v, path)
			op, err := ParseOp(s)
			if err != nil {
				p.errorf(v, path, "%q: want launch, terminate, list or check-credentials", s)
			}
			f.Op = op
		case "cloud":
			f.Cloud = p.str(v, path)
		case "region":
			f.Region = p.str(v, path)
		case "zone":
			f.Zone = p.str(v, path)
		case "instance_type":
			f.InstanceType = p.str(v, path)
		case "market":
			switch s := p.str(v, path); s {
			case "", "any":
				f.Market = AnyMarket
			case "on-demand", "ondemand", "on_demand":
				f.Market = OnDemand
			case "spot":
				f.Market = Spot
			default:
				p.errorf(v, path, "%q: want any, on-demand or spot", s)
			}
		case "from":
			f.From = p.integer(v, path, 0, 1e9, "a call number")
		case "times":
			f.Times = p.integer(v, path, 0, 1e9, "a number of calls")
		case "code":
			f.Code = p.str(v, path)
		case "status":
			f.HTTPStatus = p.integer(v, path, 0, 999, "an HTTP status")
		case "message":
			f.Message = p.str(v, path)
		case "class":
			s := p.str(v, path)
			c, err := drivers.ParseClass(s)
			if err != nil {
				p.errorf(v, path, "%q: want one of capacity, quota, permission, unsupported, invalid, throttle, transient, unknown", s)
			}
			f.Class = c
		case "scope":
			s := p.str(v, path)
			if err := f.Scope.UnmarshalText([]byte(s)); err != nil {
				p.errorf(v, path, "%q: want zone, region or cloud", s)
			}
		case "created":
			if s, _ := p.scalar(v, path); s == "all" {
				f.Created = All
			} else {
				f.Created = p.integer(v, path, 0, 1e6, `a node count or "all"`)
			}
		case "orphan":
			f.Orphan = p.boolean(v, path)
		case "hang":
			f.Hang = p.boolean(v, path)
		case "delay":
			f.Delay = p.duration(v, path)
		case "retry_after":
			f.RetryAfter = p.duration(v, path)
		default:
			p.unknownKey(key, path, "op, cloud, region, zone, instance_type, market, from, times, code, status, "+
				"message, class, scope, created, orphan, hang, delay, retry_after")
		}
	})
	if len(p.errs) > before {
		return f, false
	}
	if err := f.Validate(); err != nil {
		p.errorf(n, path, "%s", strings.TrimPrefix(err.Error(), "fake: "))
		return f, false
	}
	return f, true
}

// Marshal renders the scenario in the YAML format ParseScenario reads.
func (s *Scenario) Marshal() ([]byte, error) {
	type yLatency struct {
		Launch           string `yaml:"launch,omitempty"`
		Terminate        string `yaml:"terminate,omitempty"`
		List             string `yaml:"list,omitempty"`
		CheckCredentials string `yaml:"check_credentials,omitempty"`
	}
	type yOffering struct {
		Cloud                string  `yaml:"cloud"`
		InstanceType         string  `yaml:"instance_type"`
		Region               string  `yaml:"region"`
		Zone                 string  `yaml:"zone,omitempty"`
		Accelerator          string  `yaml:"accelerator,omitempty"`
		AcceleratorCount     float64 `yaml:"accelerator_count,omitempty"`
		AcceleratorMemoryGiB float64 `yaml:"accelerator_memory_gib,omitempty"`
		VCPUs                float64 `yaml:"vcpus,omitempty"`
		MemoryGiB            float64 `yaml:"memory_gib,omitempty"`
		Arch                 string  `yaml:"arch,omitempty"`
		Price                float64 `yaml:"price,omitempty"`
		SpotPrice            float64 `yaml:"spot_price,omitempty"`
	}
	type yFault struct {
		Op           string `yaml:"op,omitempty"`
		Cloud        string `yaml:"cloud,omitempty"`
		Region       string `yaml:"region,omitempty"`
		Zone         string `yaml:"zone,omitempty"`
		InstanceType string `yaml:"instance_type,omitempty"`
		Market       string `yaml:"market,omitempty"`
		From         int    `yaml:"from,omitempty"`
		Times        int    `yaml:"times,omitempty"`
		Code         string `yaml:"code,omitempty"`
		Status       int    `yaml:"status,omitempty"`
		Message      string `yaml:"message,omitempty"`
		Class        string `yaml:"class,omitempty"`
		Scope        string `yaml:"scope,omitempty"`
		Created      any    `yaml:"created,omitempty"`
		Orphan       bool   `yaml:"orphan,omitempty"`
		Hang         bool   `yaml:"hang,omitempty"`
		Delay        string `yaml:"delay,omitempty"`
		RetryAfter   string `yaml:"retry_after,omitempty"`
	}
	type yScenario struct {
		Name        string      `yaml:"name,omitempty"`
		Description string      `yaml:"description,omitempty"`
		Clouds      []string    `yaml:"clouds,omitempty,flow"`
		Latency     *yLatency   `yaml:"latency,omitempty"`
		Offerings   []yOffering `yaml:"offerings,omitempty"`
		Faults      []yFault    `yaml:"faults,omitempty"`
	}
	dur := func(d time.Duration) string {
		if d == 0 {
			return ""
		}
		return d.String()
	}
	y := yScenario{Name: s.Name, Description: s.Description, Clouds: s.Clouds}
	if s.Latency != (Latency{}) {
		y.Latency = &yLatency{dur(s.Latency.Launch), dur(s.Latency.Terminate), dur(s.Latency.List), dur(s.Latency.CheckCredentials)}
	}
	for _, o := range s.Offerings {
		y.Offerings = append(y.Offerings, yOffering{o.Cloud, o.InstanceType, o.Region, o.Zone, o.Accelerator,
			o.AcceleratorCount, o.AcceleratorMemoryGiB, o.VCPUs, o.MemoryGiB, o.Arch, o.Price, o.SpotPrice})
	}
	for _, f := range s.Faults {
		yf := yFault{Cloud: f.Cloud, Region: f.Region, Zone: f.Zone, InstanceType: f.InstanceType,
			From: f.From, Times: f.Times, Code: f.Code, Status: f.HTTPStatus, Message: f.Message,
			Orphan: f.Orphan, Hang: f.Hang, Delay: dur(f.Delay), RetryAfter: dur(f.RetryAfter)}
		if f.Op != OpLaunch {
			yf.Op = f.Op.String()
		}
		if f.Market != AnyMarket {
			yf.Market = f.Market.String()
		}
		if f.Class != drivers.ClassUnknown {
			yf.Class = f.Class.String()
		}
		if f.Scope != drivers.ScopeDefault {
			yf.Scope = f.Scope.String()
		}
		switch {
		case f.Created == All:
			yf.Created = "all"
		case f.Created != 0:
			yf.Created = f.Created
		}
		y.Faults = append(y.Faults, yf)
	}
	return yaml.Marshal(&y)
}
