package fake

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/skyhop/skyhop/drivers"
)

// Call is one call the fake served, as recorded in its call log.
type Call struct {
	// Seq numbers the calls of the fake (all clouds) from 1, in the order
	// they were admitted.
	Seq int
	// Op and Cloud say which call it was.
	Op    Op
	Cloud string
	// Request is the launch request; for other calls it holds what the call
	// was about (terminate: the cluster's name, region, zone, type, market,
	// instance count and token; list: the cluster name and region).
	Request drivers.LaunchRequest
	// Start and End are the clock's time when the call began and returned.
	Start, End time.Time
	// Err is what the call returned (nil on success).
	Err error
	// Fault is the index (in Clouds.Faults) of the fault that decided the
	// call, or -1.
	Fault int
	// Replayed is set on a launch answered from its idempotency token.
	Replayed bool
	// InstanceIDs are the instances the call created (launch, including
	// orphaned ones), terminated (terminate: those that were still live) or
	// listed (list).
	InstanceIDs []string
	// Orphaned counts the instances a launch created but did not return.
	Orphaned int
}

// Class returns the class of the call's error (ClassUnknown when it has no
// *drivers.Error, or succeeded).
func (c *Call) Class() drivers.Class {
	if c.Err == nil {
		return drivers.ClassUnknown
	}
	return drivers.ClassOf(c.Err)
}

// Code returns the provider code of the call's error ("" when none).
func (c *Call) Code() string {
	var e *drivers.Error
	if errors.As(c.Err, &e) {
		return e.Code
	}
	return ""
}

// Duration returns how long the call took on the fake's clock.
func (c *Call) Duration() time.Duration { return c.End.Sub(c.Start) }

// String renders the call on one line: "#3 gcp launch 1 x n1-standard-8
// us-central1/us-central1-a: capacity ZONE_RESOURCE_POOL_EXHAUSTED".
func (c *Call) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "#%d %s %s", c.Seq, c.Cloud, c.Op)
	r := &c.Request
	switch c.Op {
	case OpLaunch, OpTerminate:
		fmt.Fprintf(&b, " %d x %s", r.Nodes(), r.InstanceType)
		if r.Spot {
			b.WriteString(" spot")
		}
		b.WriteString(" " + locString(r.Region, r.Zone))
	case OpList:
		fmt.Fprintf(&b, " %q", r.ClusterName)
		if r.Region != "" {
			b.WriteString(" " + r.Region)
		}
	}
	switch {
	case c.Err == nil:
		b.WriteString(": ok")
	case c.Code() != "":
		fmt.Fprintf(&b, ": %s %s", c.Class(), c.Code())
	default:
		b.WriteString(": " + c.Err.Error())
	}
	if c.Replayed {
		b.WriteString(" (replayed)")
	}
	return b.String()
}

func (c *Clouds) nextCallLocked() int {
	c.callSeq++
	return c.callSeq
}

// callChunk is how many calls one chunk of the log holds. The log grows by
// chunks, so that recording a call never copies the calls before it.
const callChunk = 256

func (c *Clouds) appendCallLocked(call Call) {
	if c.noLog {
		return
	}
	n := len(c.calls)
	if n == 0 || len(c.calls[n-1]) == callChunk {
		c.calls = append(c.calls, make([]Call, 0, callChunk))
		n++
	}
	c.calls[n-1] = append(c.calls[n-1], call)
}

// logCall records a call, numbering it first when assignSeq is set.
func (c *Clouds) logCall(call Call, assignSeq bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if assignSeq {
		call.Seq = c.nextCallLocked()
	}
	c.appendCallLocked(call)
}

// Calls returns the call log, ordered by Seq.
func (c *Clouds) Calls() []Call {
	c.mu.Lock()
	var out []Call
	for _, chunk := range c.calls {
		out = append(out, chunk...)
	}
	c.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].Seq < out[j].Seq })
	return out
}

// Launches returns the launch calls of the log, ordered by Seq.
func (c *Clouds) Launches() []Call {
	var out []Call
	for _, call := range c.Calls() {
		if call.Op == OpLaunch {
			out = append(out, call)
		}
	}
	return out
}

// ResetCalls empties the call log (the numbering goes on).
func (c *Clouds) ResetCalls() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls = nil
}

// LiveInstance is an instance of the inventory: created and not terminated.
type LiveInstance struct {
	drivers.Instance
	// Cloud, Region, InstanceType and Spot say what and where it is.
	Cloud        string
	Region       string
	InstanceType string
	Spot         bool
	// Cluster is its cluster-name tag; Token the launch's idempotency token.
	Cluster string
	Token   string
	// Labels are the launch request's labels.
	Labels map[string]string
}

// String renders "cloud region/zone id (type, cluster "name")".
func (l *LiveInstance) String() string {
	return fmt.Sprintf("%s %s %s (%s, cluster %q)", l.Cloud, locString(l.Region, l.Zone), l.ID, l.InstanceType, l.Cluster)
}

// Inventory returns every live instance of every cloud, ordered by cloud
// name, then creation.
func (c *Clouds) Inventory() []LiveInstance {
	c.mu.Lock()
	defer c.mu.Unlock()
	type item struct {
		cloud string
		seq   int
		li    LiveInstance
	}
	var items []item
	for name, cs := range c.clouds {
		for _, li := range cs.live {
			items = append(items, item{name, li.seq, LiveInstance{
				Instance: li.inst, Cloud: name, Region: li.region, InstanceType: li.itype, Spot: li.spot,
				Cluster: li.cluster, Token: li.token, Labels: li.labels,
			}})
		}
	}
	sort.Slice(items, func(i, j int) bool {
		if items[i].cloud != items[j].cloud {
			return items[i].cloud < items[j].cloud
		}
		return items[i].seq < items[j].seq
	})
	out := make([]LiveInstance, len(items))
	for i, it := range items {
		out[i] = it.li
	}
	return out
}

// LiveCount returns how many instances are live across every cloud.
func (c *Clouds) LiveCount() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, cs := range c.clouds {
		n += len(cs.live)
	}
	return n
}

// Leaks returns the live instances that belong to none of the keep clusters
// (matched by cloud and instance ID), in Inventory order.
func (c *Clouds) Leaks(keep ...*drivers.Cluster) []LiveInstance {
	kept := make(map[[2]string]bool)
	for _, cl := range keep {
		if cl == nil {
			continue
		}
		for _, in := range cl.Instances {
			kept[[2]string{cl.Cloud, in.ID}] = true
		}
	}
	var out []LiveInstance
	for _, li := range c.Inventory() {
		if !kept[[2]string{li.Cloud, li.ID}] {
			out = append(out, li)
		}
	}
	return out
}

// CheckNoLeaks returns an error naming every live instance that belongs to
// none of the keep clusters, and every instance of a keep cluster that is
// no longer live; nil when the inventory holds exactly the keep clusters.
func (c *Clouds) CheckNoLeaks(keep ...*drivers.Cluster) error {
	var msgs []string
	for _, li := range c.Leaks(keep...) {
		msgs = append(msgs, "leaked "+li.String())
	}
	live := make(map[[2]string]bool)
	for _, li := range c.Inventory() {
		live[[2]string{li.Cloud, li.ID}] = true
	}
	for _, cl := range keep {
		if cl == nil {
			continue
		}
		for _, in := range cl.Instances {
			if !live[[2]string{cl.Cloud, in.ID}] {
				msgs = append(msgs, fmt.Sprintf("missing %s %s %s (cluster %q)", cl.Cloud, locString(cl.Region, in.Zone), in.ID, cl.Name))
			}
		}
	}
	if len(msgs) == 0 {
		return nil
	}
	return fmt.Errorf("fake: inventory is not as expected (%d problems):\n\t%s", len(msgs), strings.Join(msgs, "\n\t"))
}
