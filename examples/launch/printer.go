package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/skyhop/skyhop/drivers"
	"github.com/skyhop/skyhop/failover"
	"github.com/skyhop/skyhop/optimizer"
)

// printer renders the launch for people (plain lines, with a live status
// line on a terminal) or as JSON lines. Its methods are safe to call from
// the engine's goroutines.
type printer struct {
	mu   sync.Mutex
	w    io.Writer
	json bool
	tty  bool

	start    time.Time
	inflight map[int]inflightAttempt // by plan index
	skips    []failover.Event        // consecutive skips, folded into one line
	status   bool                    // a status line is on screen
	stop     chan struct{}
	done     chan struct{}
	frame    int
}

type inflightAttempt struct {
	where string
	since time.Time
}

func newPrinter(w io.Writer, asJSON, tty bool) *printer {
	return &printer{w: w, json: asJSON, tty: tty && !asJSON, inflight: map[int]inflightAttempt{}}
}

// jsonLine writes v as one line of JSON.
func (p *printer) jsonLine(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		b, _ = json.Marshal(map[string]string{"type": "error", "message": err.Error()})
	}
	p.w.Write(append(b, '\n'))
}

// plan shows the ranked plan.
func (p *printer) plan(plan *optimizer.Plan, task string) {
	if plan == nil {
		return
	}
	if p.json {
		p.jsonLine(map[string]any{"type": "plan", "task": task, "plan": plan})
		return
	}
	fmt.Fprintf(p.w, "Task %s: %s\n\n", task, entriesWords(plan))
	plan.WriteTable(p.w)
	fmt.Fprintln(p.w)
}

func entriesWords(plan *optimizer.Plan) string {
	n := len(plan.Entries)
	switch {
	case n == 1:
		return "1 candidate resource"
	case plan.Ordered:
		return fmt.Sprintf("%d candidate resources, in preference order", n)
	}
	return fmt.Sprintf("%d candidate resources, cheapest wins", n)
}

// searchPath prints the exact order failover would try (--dryrun).
func (p *printer) searchPath(plan *optimizer.Plan) {
	if p.json {
		return // the plan line holds every candidate in order
	}
	fmt.Fprintf(p.w, "Search path (%d placements, tried in this order; nothing launched):\n", len(plan.Candidates))
	tw := tabwriter.NewWriter(p.w, 0, 0, 2, ' ', 0)
	for i, c := range plan.Candidates {
		if i == 50 && len(plan.Candidates) > 60 {
			tw.Flush()
			fmt.Fprintf(p.w, "  ... %d more (--json prints them all)\n", len(plan.Candidates)-i)
			break
		}
		o := c.Offering
		fmt.Fprintf(tw, "  %d\t%s\t%s\t%s\t%s\t$%.4f/h\n", i+1, o.Cloud, o.Location(), o.InstanceType, c.Market, c.TotalHourly)
	}
	tw.Flush()
}

// startProvision begins the live part.
func (p *printer) startProvision(where string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.start = time.Now()
	if p.json {
		return
	}
	fmt.Fprintf(p.w, "Provisioning on %s:\n", where)
	if p.tty {
		p.stop, p.done = make(chan struct{}), make(chan struct{})
		go p.tick()
	}
}

// tick redraws the status line while attempts run.
func (p *printer) tick() {
	defer close(p.done)
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			return
		case <-t.C:
			p.mu.Lock()
			p.drawStatus()
			p.mu.Unlock()
		}
	}
}

var spinner = []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}

// drawStatus draws the elapsed-time line (terminal only; p.mu held).
func (p *printer) drawStatus() {
	if !p.tty || len(p.inflight) == 0 {
		return
	}
	oldest := -1
	for i, a := range p.inflight {
		if oldest < 0 || a.since.Before(p.inflight[oldest].since) || (a.since.Equal(p.inflight[oldest].since) && i < oldest) {
			oldest = i
		}
	}
	a := p.inflight[oldest]
	p.frame++
	more := ""
	if n := len(p.inflight); n > 1 {
		more = fmt.Sprintf(" (+%d more in flight)", n-1)
	}
	fmt.Fprintf(p.w, "\r\x1b[2K%s trying %s … %.1fs%s", spinner[p.frame%len(spinner)], a.where, time.Since(a.since).Seconds(), more)
	p.status = true
}

// clearStatus removes the status line before a normal line (p.mu held).
func (p *printer) clearStatus() {
	if p.status {
		fmt.Fprint(p.w, "\r\x1b[2K")
		p.status = false
	}
}

// stopProgress ends the live part.
func (p *printer) stopProgress() {
	if p.stop != nil {
		close(p.stop)
		<-p.done
		p.stop = nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.flushSkips()
	p.clearStatus()
}

// event renders one engine event.
func (p *printer) event(e failover.Event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.json {
		p.jsonLine(eventJSON(e))
		return
	}
	if e.Kind == failover.EventSkipped {
		if len(p.skips) > 0 && !sameBlock(p.skips[0].Block, e.Block) {
			p.flushSkips()
		}
		p.skips = append(p.skips, e)
		return
	}
	p.flushSkips()
	switch e.Kind {
	case failover.EventAttemptStarted:
		p.inflight[e.Index] = inflightAttempt{where: placeWords(e.Candidate), since: time.Now()}
		p.drawStatus()
		return
	case failover.EventAttemptFailed:
		delete(p.inflight, e.Index)
		line := fmt.Sprintf("FAILED  %s", e.Class)
		if e.Code != "" {
			line += "  " + e.Code
		}
		if e.Message != "" {
			line += ": " + oneLine(e.Message, 110)
		}
		line += fmt.Sprintf(" (%s)", round(e.Duration))
		if e.Retrying {
			line += fmt.Sprintf("; retrying in place in %s", round(e.Wait))
		}
		p.line(e.Time, "#"+strconv.Itoa(e.Index+1)+" "+placeWords(e.Candidate), line)
	case failover.EventLaunched:
		delete(p.inflight, e.Index)
		p.line(e.Time, "#"+strconv.Itoa(e.Index+1)+" "+placeWords(e.Candidate),
			fmt.Sprintf("UP  cluster %s, %d node(s) (%s)", e.Cluster.Name, len(e.Cluster.Instances), round(e.Duration)))
	case failover.EventRollback:
		p.line(e.Time, "rollback", fmt.Sprintf("terminated %d instance(s) of %s (%s), verified", len(e.Cluster.Instances), e.Cluster.Name, e.Reason))
	case failover.EventRollbackFailed:
		p.line(e.Time, "rollback", fmt.Sprintf("terminating %s failed (try %d): %v", e.Cluster.Name, e.Try, e.Err))
	case failover.EventRoundWait:
		p.line(e.Time, "round", fmt.Sprintf("round %d found nothing; waiting %s before round %d", e.Round, round(e.Wait), e.Round+1))
	case failover.EventPreflightFailed:
		p.line(e.Time, e.Cloud, fmt.Sprintf("dropped before any launch: %v", e.Err))
	}
	p.drawStatus()
}

// line prints one progress line (p.mu held).
func (p *printer) line(t time.Time, where, what string) {
	p.clearStatus()
	if t.IsZero() {
		t = time.Now()
	}
	fmt.Fprintf(p.w, "  %s  %-62s %s\n", t.Format("15:04:05.0"), where, what)
}

// flushSkips prints the pending skips as one line (p.mu held).
func (p *printer) flushSkips() {
	if len(p.skips) == 0 {
		return
	}
	first := p.skips[0]
	what := fmt.Sprintf("skipped: blocked by %s", first.Block)
	where := "#" + strconv.Itoa(first.Index+1) + " " + placeWords(first.Candidate)
	if n := len(p.skips); n > 1 {
		where = fmt.Sprintf("#%d-#%d (%d placements)", first.Index+1, p.skips[n-1].Index+1, n)
	}
	p.skips = p.skips[:0]
	p.line(first.Time, where, what)
}

func sameBlock(a, b *failover.Block) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.String() == b.String()
}

func placeWords(c *optimizer.Candidate) string {
	if c == nil {
		return ""
	}
	o := c.Offering
	return fmt.Sprintf("%s %s %s %s", o.Cloud, o.Location(), o.InstanceType, c.Market)
}

// failure reports a launch that found nothing.
func (p *printer) failure(err error) {
	if p.json {
		p.jsonLine(map[string]any{"type": "result", "launched": false, "error": err.Error()})
		return
	}
	fmt.Fprintf(p.w, "\n✘ Nothing could be had.\n%v\n", err)
}

// result sums up a successful launch.
func (p *printer) result(res *failover.Result, plan *optimizer.Plan) {
	c, o := res.Candidate, res.Candidate.Offering
	failed := map[drivers.Class]int{}
	nFailed := 0
	for _, a := range res.Attempts {
		if a.Failed() && !a.Discarded {
			failed[a.Class]++
			nFailed++
		}
	}
	if p.json {
		ids := res.Cluster.InstanceIDs()
		p.jsonLine(map[string]any{
			"type": "result", "launched": true, "cluster": res.ClusterName, "cloud": o.Cloud, "region": o.Region, "zone": res.Cluster.Zone,
			"instance_type": o.InstanceType, "market": c.Market, "nodes": len(ids), "instances": ids,
			"hourly_price": c.HourlyPrice, "total_hourly": c.TotalHourly, "plan_index": res.Index,
			"attempts": len(res.Attempts), "failed_attempts": nFailed, "rolled_back": len(res.RolledBack),
			"rounds": res.Rounds, "elapsed_ms": res.Elapsed.Milliseconds(),
		})
		return
	}
	acc := ""
	if o.Accelerator != "" {
		acc = fmt.Sprintf(" (%s:%s)", o.Accelerator, strconv.FormatFloat(o.AcceleratorCount, 'f', -1, 64))
	}
	zone := res.Cluster.Zone
	loc := o.Region
	if zone != "" {
		loc += "/" + zone
	}
	fmt.Fprintf(p.w, "\n✔ Launched %s in %s: %d × %s%s on %s %s, %s, $%.2f/h", res.ClusterName, round(res.Elapsed),
		len(res.Cluster.Instances), o.InstanceType, acc, o.Cloud, loc, c.Market, c.TotalHourly)
	if c.Nodes > 1 {
		fmt.Fprintf(p.w, " for %d nodes", c.Nodes)
	}
	fmt.Fprintln(p.w, ".")
	var parts []string
	for _, cl := range drivers.Classes() {
		if n := failed[cl]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, cl))
		}
	}
	summary := fmt.Sprintf("  Attempts: %d", len(res.Attempts))
	if nFailed > 0 {
		summary += fmt.Sprintf(" (%d failed: %s)", nFailed, strings.Join(parts, ", "))
	}
	summary += fmt.Sprintf("; plan position #%d of %d", res.Index+1, len(plan.Candidates))
	if res.Rounds > 1 {
		summary += fmt.Sprintf("; %d rounds", res.Rounds)
	}
	fmt.Fprintln(p.w, summary+".")
	if len(res.RolledBack) > 0 {
		var ids []string
		for _, rb := range res.RolledBack {
			ids = append(ids, rb.InstanceIDs()...)
		}
		fmt.Fprintf(p.w, "  Rolled back: %d cluster(s), instances %s, termination verified.\n", len(res.RolledBack), strings.Join(ids, ", "))
	}
	if first := plan.Candidates[0]; res.Index > 0 && c.TotalHourly > first.TotalHourly {
		fmt.Fprintf(p.w, "  Price: $%.2f/h more than the plan's first choice ($%.2f/h).\n", c.TotalHourly-first.TotalHourly, first.TotalHourly)
	}
	var inst []string
	for _, in := range res.Cluster.Instances {
		inst = append(inst, in.ID)
	}
	fmt.Fprintf(p.w, "  Instances: %s.\n", strings.Join(inst, ", "))
}

// terminated reports the --down teardown.
func (p *printer) terminated(c *drivers.Cluster) {
	if p.json {
		p.jsonLine(map[string]any{"type": "terminated", "cluster": c.Name, "instances": c.InstanceIDs()})
		return
	}
	fmt.Fprintf(p.w, "  Terminated %s (--down).\n", c.Name)
}

// eventJSON is the JSON line of an event.
func eventJSON(e failover.Event) map[string]any {
	m := map[string]any{"type": "event", "kind": e.Kind.String(), "time": e.Time.UTC().Format(time.RFC3339Nano), "round": e.Round}
	if c := e.Candidate; c != nil {
		o := c.Offering
		m["index"] = e.Index
		m["cloud"], m["region"], m["zone"], m["instance_type"], m["market"] = o.Cloud, o.Region, o.Zone, o.InstanceType, c.Market.String()
	} else if e.Cloud != "" {
		m["cloud"] = e.Cloud
	}
	if e.Try > 0 {
		m["try"] = e.Try
	}
	if e.Kind == failover.EventAttemptFailed || e.Kind == failover.EventPreflightFailed {
		m["class"] = e.Class.String()
		m["code"] = e.Code
		m["message"] = e.Message
	}
	if e.Err != nil {
		m["error"] = e.Err.Error()
	}
	if e.Duration > 0 {
		m["duration_ms"] = e.Duration.Milliseconds()
	}
	if e.Wait > 0 {
		m["wait_ms"] = e.Wait.Milliseconds()
	}
	if e.Retrying {
		m["retrying"] = true
	}
	if e.Block != nil {
		m["block"] = e.Block.String()
	}
	if e.Cluster != nil {
		m["cluster"] = e.Cluster.Name
		m["instances"] = e.Cluster.InstanceIDs()
	}
	if e.Reason != "" {
		m["reason"] = e.Reason
	}
	return m
}

// round renders a duration for people: 1.2s, 340ms, <1ms.
func round(d time.Duration) string {
	switch {
	case d >= time.Second:
		return d.Round(100 * time.Millisecond).String()
	case d >= time.Millisecond:
		return d.Round(time.Millisecond).String()
	}
	return "<1ms"
}

func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		s = s[:n-1] + "…"
	}
	return s
}
