package moto

import (
	"bytes"
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Fault is an EC2 failure the FaultProxy serves instead of (or on top of)
// moto's answer. Empty match fields match anything.
type Fault struct {
	// Action is the EC2 action that fails; "" means RunInstances.
	Action string
	// Region, Zone, InstanceType and Market ("spot", "on-demand") narrow
	// the requests that fail. Zone is a zone name ("us-east-1a") or a zone
	// ID ("use1-az6"); requests that name no zone never match a Zone.
	Region       string
	Zone         string
	InstanceType string
	Market       string

	// Code is the EC2 error code served, with Status (0: DefaultStatus)
	// and Message (empty: DefaultMessage). An empty Code forwards the
	// request to moto (for Hold and Kill).
	Code    string
	Status  int
	Message string
	// Body, when not empty, is served verbatim (with Status, default 500)
	// instead of an EC2 error body: an emulator's traceback, a load
	// balancer's HTML page.
	Body string

	// Skip lets the first Skip matching requests through untouched
	// before the fault applies.
	Skip int
	// Times is how many matching requests fail (after Skip); 0 means
	// every one.
	Times int

	// Hold forwards the request to moto (so that it takes effect), then
	// holds the answer for this long or until the client gives up: a slow
	// or lost response, for cancellation tests.
	Hold time.Duration

	// Kill forwards a RunInstances to moto, then terminates this many of
	// the instances it created behind the client's back, as EC2 does when
	// an instance fails during launch; DescribeInstances then reports them
	// terminated with state reason KillReason (default
	// "Server.InsufficientInstanceCapacity").
	Kill       int
	KillReason string

	// Pending forwards a DescribeInstances to moto and shows every running
	// instance of the answer as pending: instances that never come up, for
	// launch-timeout and cancellation tests.
	Pending bool

	// Fired, when not nil, receives the call each time the fault applies
	// (after moto answered, for Hold, Kill and Pending faults), without
	// blocking: a test waits on it to act at the right moment.
	Fired chan<- Call
}

// fire reports the call on f.Fired without blocking.
func (f *Fault) fire(c Call) {
	if f.Fired != nil {
		select {
		case f.Fired <- c:
		default:
		}
	}
}

// Call is one EC2 request the proxy saw.
type Call struct {
	Action       string
	Region       string
	Zone         string // Placement.AvailabilityZone, as sent
	InstanceType string
	Spot         bool
	Count        int    // MaxCount of a RunInstances
	Token        string // ClientToken
	// Served is the error code the proxy answered with ("" when moto
	// answered).
	Served string
}

// FaultProxy is an httptest reverse proxy in front of moto that injects EC2
// errors per action, region, zone, instance type and market, serving the
// exact XML error bodies and HTTP statuses EC2 sends. With CheckOfferings it
// also refuses, as EC2 does, a RunInstances for an instance type that
// moto's static offering data does not list in the requested zone.
//
// Point the driver at URL. It is safe for concurrent use.
type FaultProxy struct {
	// URL is the proxy's base URL.
	URL string

	target  *url.URL
	srv     *httptest.Server
	rp      *httputil.ReverseProxy
	offers  atomic.Bool
	reqSeq  atomic.Int64
	mu      sync.Mutex
	faults  []*armed
	calls   []Call
	victims map[string]string // instance ID -> state reason code
	zones   map[string]map[string]string
	offered map[string]map[string]bool // region/type -> zone names
}

type armed struct {
	Fault
	skip int
	left int // -1: forever
}

// NewFaultProxy starts a proxy in front of the moto server at target
// ("http://127.0.0.1:PORT"). Close it when done.
func NewFaultProxy(target string) (*FaultProxy, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, fmt.Errorf("moto: proxy target %q: %w", target, err)
	}
	p := &FaultProxy{target: u, victims: map[string]string{}, zones: map[string]map[string]string{},
		offered: map[string]map[string]bool{}}
	p.rp = &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(u)
			r.Out.Host = r.In.Host // keep the signed Host
			r.Out.Header.Del("Accept-Encoding")
		},
		ModifyResponse: p.modifyResponse,
		// A client that went away (a cancelled test) is no error worth
		// printing.
		ErrorHandler: func(w http.ResponseWriter, _ *http.Request, _ error) { w.WriteHeader(http.StatusBadGateway) },
	}
	p.srv = httptest.NewServer(http.HandlerFunc(p.serve))
	p.URL = p.srv.URL
	return p, nil
}

// Close stops the proxy.
func (p *FaultProxy) Close() { p.srv.Close() }

// CheckOfferings turns on (or off) the refusal of instance types moto does
// not offer in the requested zone (EC2's "Unsupported", HTTP 400).
func (p *FaultProxy) CheckOfferings(on bool) { p.offers.Store(on) }

// Inject arms f.
func (p *FaultProxy) Inject(f Fault) {
	if f.Action == "" {
		f.Action = "RunInstances"
	}
	left := f.Times
	if left <= 0 {
		left = -1
	}
	p.mu.Lock()
	p.faults = append(p.faults, &armed{Fault: f, skip: f.Skip, left: left})
	p.mu.Unlock()
}

// Clear disarms every fault and forgets the calls seen.
func (p *FaultProxy) Clear() {
	p.mu.Lock()
	p.faults, p.calls = nil, nil
	p.victims = map[string]string{}
	p.mu.Unlock()
}

// Calls returns the EC2 requests seen so far, in arrival order.
func (p *FaultProxy) Calls() []Call {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Call(nil), p.calls...)
}

// CallsOf returns the requests seen for action.
func (p *FaultProxy) CallsOf(action string) []Call {
	var out []Call
	for _, c := range p.Calls() {
		if c.Action == action {
			out = append(out, c)
		}
	}
	return out
}

type ctxKey struct{}

// pending is what serve hands to modifyResponse.
type pending struct {
	call  Call
	fault *Fault
}

var credScope = regexp.MustCompile(`Credential=[^/]*/[0-9]{8}/([a-z0-9-]+)/`)

func (p *FaultProxy) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	form, _ := url.ParseQuery(string(body))
	call := Call{
		Action:       form.Get("Action"),
		Zone:         form.Get("Placement.AvailabilityZone"),
		InstanceType: form.Get("InstanceType"),
		Spot:         form.Get("InstanceMarketOptions.MarketType") == "spot",
		Token:        form.Get("ClientToken"),
	}
	if m := credScope.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		call.Region = m[1]
	}
	call.Count, _ = strconv.Atoi(form.Get("MaxCount"))

	f := p.match(r.Context(), &call)
	if f == nil && call.Action == "RunInstances" && p.offers.Load() {
		if ok, err := p.isOffered(r.Context(), call.Region, call.InstanceType, call.Zone); err == nil && !ok {
			f = &Fault{Code: "Unsupported"}
		}
	}
	if f != nil && f.Body != "" {
		status := f.Status
		if status == 0 {
			status = http.StatusInternalServerError
		}
		call.Served = fmt.Sprintf("HTTP %d", status)
		p.record(call)
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, f.Body)
		return
	}
	if f != nil && f.Code != "" {
		status := f.Status
		if status == 0 {
			status = DefaultStatus(f.Code)
		}
		msg := f.Message
		if msg == "" {
			msg = DefaultMessage(f.Code, call.Action, call.InstanceType, call.Zone, call.Region)
		}
		call.Served = f.Code
		p.record(call)
		f.fire(call)
		if f.Hold > 0 {
			wait(r.Context(), f.Hold)
		}
		id := fmt.Sprintf("5kyh0p00-0000-4000-8000-%012d", p.reqSeq.Add(1))
		w.Header().Set("Content-Type", "text/xml;charset=UTF-8")
		w.Header().Set("x-amzn-RequestId", id)
		w.WriteHeader(status)
		_, _ = w.Write(ErrorBody(f.Code, msg, id))
		return
	}
	p.record(call)
	ctx := context.WithValue(r.Context(), ctxKey{}, &pending{call: call, fault: f})
	p.rp.ServeHTTP(w, r.WithContext(ctx))
}

func (p *FaultProxy) record(c Call) {
	p.mu.Lock()
	p.calls = append(p.calls, c)
	p.mu.Unlock()
}

// match returns the first armed fault matching the call, spending one of
// its times.
func (p *FaultProxy) match(ctx context.Context, c *Call) *Fault {
	p.mu.Lock()
	candidates := make([]*armed, 0, len(p.faults))
	for _, a := range p.faults {
		if a.Action == c.Action && (a.Region == "" || a.Region == c.Region) &&
			(a.InstanceType == "" || a.InstanceType == c.InstanceType) &&
			(a.Market == "" || (a.Market == "spot") == c.Spot) {
			candidates = append(candidates, a)
		}
	}
	p.mu.Unlock()
	for _, a := range candidates {
		if a.Zone != "" && !p.sameZone(ctx, c.Region, a.Zone, c.Zone) {
			continue
		}
		p.mu.Lock()
		if a.left == 0 {
			p.mu.Unlock()
			continue
		}
		if a.skip > 0 {
			a.skip--
			p.mu.Unlock()
			return nil
		}
		if a.left > 0 {
			a.left--
		}
		f := a.Fault
		p.mu.Unlock()
		return &f
	}
	return nil
}

// sameZone reports whether the fault's zone (name or ID) is the request's
// zone name.
func (p *FaultProxy) sameZone(ctx context.Context, region, faultZone, reqZone string) bool {
	if reqZone == "" {
		return false
	}
	if faultZone == reqZone {
		return true
	}
	names, err := p.zoneNames(ctx, region)
	return err == nil && names[faultZone] == reqZone
}

// modifyResponse applies the post-forward faults (Kill, Hold) and rewrites
// the state reason of killed instances.
func (p *FaultProxy) modifyResponse(resp *http.Response) error {
	pd, _ := resp.Request.Context().Value(ctxKey{}).(*pending)
	if pd == nil {
		return nil
	}
	switch {
	case pd.fault != nil && pd.fault.Kill > 0 && pd.call.Action == "RunInstances" && resp.StatusCode == http.StatusOK:
		body, err := readBody(resp)
		if err != nil {
			return err
		}
		ids := instanceIDs(body)
		if n := min(pd.fault.Kill, len(ids)); n > 0 {
			reason := pd.fault.KillReason
			if reason == "" {
				reason = "Server.InsufficientInstanceCapacity"
			}
			if err := p.terminate(context.WithoutCancel(resp.Request.Context()), pd.call.Region, ids[:n]); err != nil {
				return err
			}
			p.mu.Lock()
			for _, id := range ids[:n] {
				p.victims[id] = reason
			}
			p.mu.Unlock()
		}
	case pd.call.Action == "DescribeInstances" && resp.StatusCode == http.StatusOK:
		p.mu.Lock()
		n := len(p.victims)
		p.mu.Unlock()
		pend := pd.fault != nil && pd.fault.Pending
		if n > 0 || pend {
			body, err := readBody(resp)
			if err != nil {
				return err
			}
			if n > 0 {
				body = p.rewriteReasons(body)
			}
			if pend {
				body = runningRe.ReplaceAll(body, []byte("<code>0</code>${1}<name>pending</name>"))
			}
			setBody(resp, body)
		}
	}
	if pd.fault != nil {
		pd.fault.fire(pd.call)
		if pd.fault.Hold > 0 {
			wait(resp.Request.Context(), pd.fault.Hold)
		}
	}
	return nil
}

var runningRe = regexp.MustCompile(`<code>16</code>(\s*)<name>running</name>`)

var instanceIDRe = regexp.MustCompile(`<instanceId>(i-[0-9a-f]+)</instanceId>`)

// instanceItems returns the spans of the instance items of an EC2 answer:
// the top-level <item> elements of every <instancesSet>.
func instanceItems(body []byte) [][2]int {
	var spans [][2]int
	s := string(body)
	off := 0
sets:
	for {
		i := strings.Index(s[off:], "<instancesSet>")
		if i < 0 {
			return spans
		}
		pos := off + i + len("<instancesSet>")
		depth, start := 0, 0
		for {
			next := strings.IndexByte(s[pos:], '<')
			if next < 0 {
				return spans
			}
			pos += next
			switch {
			case strings.HasPrefix(s[pos:], "<item>"):
				if depth == 0 {
					start = pos
				}
				depth++
			case strings.HasPrefix(s[pos:], "</item>"):
				depth--
				if depth == 0 {
					spans = append(spans, [2]int{start, pos + len("</item>")})
				}
			case depth == 0 && strings.HasPrefix(s[pos:], "</instancesSet>"):
				off = pos
				continue sets
			}
			pos++
		}
	}
}

// instanceIDs returns the IDs of the instances of an EC2 answer, in order.
func instanceIDs(body []byte) []string {
	var ids []string
	for _, sp := range instanceItems(body) {
		if m := instanceIDRe.FindSubmatch(body[sp[0]:sp[1]]); m != nil {
			ids = append(ids, string(m[1]))
		}
	}
	return ids
}

// rewriteReasons gives every killed instance in a DescribeInstances answer
// its injected state reason.
func (p *FaultProxy) rewriteReasons(body []byte) []byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := string(body)
	var b strings.Builder
	prev := 0
	for _, sp := range instanceItems(body) {
		item := s[sp[0]:sp[1]]
		m := instanceIDRe.FindStringSubmatch(item)
		if m == nil {
			continue
		}
		reason, ok := p.victims[m[1]]
		if !ok {
			continue
		}
		item = strings.Replace(item, "Client.UserInitiatedShutdown: User initiated shutdown",
			reason+": "+reasonMessage(reason), 1)
		item = strings.Replace(item, "<code>Client.UserInitiatedShutdown</code>", "<code>"+reason+"</code>", 1)
		b.WriteString(s[prev:sp[0]])
		b.WriteString(item)
		prev = sp[1]
	}
	b.WriteString(s[prev:])
	return []byte(b.String())
}

func reasonMessage(code string) string {
	switch code {
	case "Server.InsufficientInstanceCapacity":
		return "Insufficient capacity to satisfy instance request"
	case "Server.SpotInstanceTermination":
		return "Spot instance termination"
	case "Server.InternalError":
		return "Internal error on launch"
	case "Client.VolumeLimitExceeded":
		return "Volume limit exceeded"
	}
	return code
}

func readBody(resp *http.Response) ([]byte, error) {
	b, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	setBody(resp, b)
	return b, nil
}

func setBody(resp *http.Response, b []byte) {
	resp.Body = io.NopCloser(bytes.NewReader(b))
	resp.ContentLength = int64(len(b))
	resp.Header.Set("Content-Length", strconv.Itoa(len(b)))
}

func wait(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// call sends an EC2 action straight to moto (not through the proxy), with
// a credential scope naming region (moto reads the region from it and
// checks no signature).
func (p *FaultProxy) call(ctx context.Context, region string, form url.Values) ([]byte, error) {
	form.Set("Version", "2016-11-15")
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.target.String()+"/", strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=test/20260101/"+region+
		"/ec2/aws4_request, SignedHeaders=host, Signature=0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("moto %s in %s: HTTP %d: %s", form.Get("Action"), region, resp.StatusCode, b)
	}
	return b, nil
}

func (p *FaultProxy) terminate(ctx context.Context, region string, ids []string) error {
	form := url.Values{"Action": {"TerminateInstances"}}
	for i, id := range ids {
		form.Set("InstanceId."+strconv.Itoa(i+1), id)
	}
	_, err := p.call(ctx, region, form)
	return err
}

// zoneNames returns moto's zone ID → zone name map of region, cached.
func (p *FaultProxy) zoneNames(ctx context.Context, region string) (map[string]string, error) {
	p.mu.Lock()
	m, ok := p.zones[region]
	p.mu.Unlock()
	if ok {
		return m, nil
	}
	b, err := p.call(ctx, region, url.Values{"Action": {"DescribeAvailabilityZones"}})
	if err != nil {
		return nil, err
	}
	var out struct {
		Zones []struct {
			Name string `xml:"zoneName"`
			ID   string `xml:"zoneId"`
		} `xml:"availabilityZoneInfo>item"`
	}
	if err := xml.Unmarshal(b, &out); err != nil {
		return nil, err
	}
	m = map[string]string{}
	for _, z := range out.Zones {
		m[z.ID] = z.Name
	}
	p.mu.Lock()
	p.zones[region] = m
	p.mu.Unlock()
	return m, nil
}

// isOffered reports whether moto offers instanceType in zone (any zone of
// the region when zone is empty).
func (p *FaultProxy) isOffered(ctx context.Context, region, instanceType, zone string) (bool, error) {
	key := region + "/" + instanceType
	p.mu.Lock()
	set, ok := p.offered[key]
	p.mu.Unlock()
	if !ok {
		b, err := p.call(ctx, region, url.Values{"Action": {"DescribeInstanceTypeOfferings"},
			"LocationType": {"availability-zone"}, "Filter.1.Name": {"instance-type"}, "Filter.1.Value.1": {instanceType}})
		if err != nil {
			return false, err
		}
		var out struct {
			Offerings []struct {
				Location string `xml:"location"`
			} `xml:"instanceTypeOfferingSet>item"`
		}
		if err := xml.Unmarshal(b, &out); err != nil {
			return false, err
		}
		set = map[string]bool{}
		for _, o := range out.Offerings {
			set[o.Location] = true
		}
		p.mu.Lock()
		p.offered[key] = set
		p.mu.Unlock()
	}
	if zone == "" {
		return len(set) > 0, nil
	}
	return set[zone], nil
}
