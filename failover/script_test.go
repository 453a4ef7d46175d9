package failover

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/skyhop/skyhop/catalog"
	"github.com/skyhop/skyhop/drivers"
	"github.com/skyhop/skyhop/optimizer"
)

// This file holds a small scripted driver for the engine's own tests: faults
// per offering and call number, latency on the real clock (virtual inside a
// synctest bubble), an inventory of live instances and a call log.

// step is what one Launch call on an offering does.
type step struct {
	class   drivers.Class
	scope   drivers.Scope
	code    string
	ok      bool          // succeed
	partial int           // instances created before failing
	latency time.Duration // how long the call takes
	hang    bool          // block until ctx is done
}

func fail(class drivers.Class, code string) step { return step{class: class, code: code} }

var okStep = step{ok: true}

type offKey struct {
	region, zone, itype string
	spot                bool
}

type liveInst struct {
	cluster, region, zone string
}

type call struct {
	op    string
	key   offKey
	token string
	req   drivers.LaunchRequest
}

// scripted is a drivers.Driver that follows a script.
type scripted struct {
	cloud string

	mu sync.Mutex
	// faults maps an offering to its steps by call number; the last step
	// repeats. An offering without steps succeeds.
	faults  map[offKey][]step
	latency time.Duration // default latency of a call
	ncalls  map[offKey]int
	live    map[string]liveInst
	seq     int
	calls   []call
	// termFail makes the first termFail Terminate calls fail (-1: all).
	termFail int
	// termKeep makes Terminate report success without removing anything
	// for the first termKeep calls (a lie only a lister catches).
	termKeep int
}

func newScripted(cloud string) *scripted {
	return &scripted{cloud: cloud, faults: map[offKey][]step{}, ncalls: map[offKey]int{}, live: map[string]liveInst{}}
}

// on scripts the offering "region/zone/type[/spot]".
func (s *scripted) on(where string, steps ...step) *scripted {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[parseKey(where)] = steps
	return s
}

func parseKey(where string) offKey {
	p := strings.Split(where, "/")
	k := offKey{region: p[0], zone: p[1], itype: p[2]}
	if len(p) > 3 && p[3] == "spot" {
		k.spot = true
	}
	return k
}

func (s *scripted) Cloud() string { return s.cloud }

func (s *scripted) Launch(ctx context.Context, req drivers.LaunchRequest) (*drivers.Cluster, error) {
	k := offKey{req.Region, req.Zone, req.InstanceType, req.Spot}
	s.mu.Lock()
	s.calls = append(s.calls, call{op: "launch", key: k, token: req.Token, req: req})
	n := s.ncalls[k]
	s.ncalls[k] = n + 1
	st := okStep
	if steps := s.faults[k]; len(steps) > 0 {
		st = steps[min(n, len(steps)-1)]
	}
	lat := s.latency
	if st.latency > 0 {
		lat = st.latency
	}
	s.mu.Unlock()

	if st.hang {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	cl := &drivers.Cluster{Name: req.ClusterName, Cloud: s.cloud, Region: req.Region, Zone: req.Zone,
		InstanceType: req.InstanceType, Spot: req.Spot, Token: req.Token}
	create := func(m int) {
		s.mu.Lock()
		defer s.mu.Unlock()
		for range m {
			s.seq++
			id := fmt.Sprintf("%s-i%d", s.cloud, s.seq)
			s.live[id] = liveInst{cluster: req.ClusterName, region: req.Region, zone: req.Zone}
			cl.Instances = append(cl.Instances, drivers.Instance{ID: id, Zone: req.Zone, State: "running"})
		}
	}
	if st.partial > 0 {
		create(st.partial)
	}
	if lat > 0 {
		t := time.NewTimer(lat)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			if len(cl.Instances) > 0 {
				return cl, ctx.Err()
			}
			return nil, ctx.Err()
		}
	}
	if st.ok {
		create(req.Nodes())
		return cl, nil
	}
	err := &drivers.Error{Class: st.class, Scope: st.scope, Code: st.code, Message: "scripted " + st.class.String(),
		Cloud: s.cloud, Region: req.Region, Zone: req.Zone, Op: "launch"}
	if len(cl.Instances) > 0 {
		return cl, err
	}
	return nil, err
}

func (s *scripted) Terminate(ctx context.Context, c *drivers.Cluster) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, call{op: "terminate", key: offKey{c.Region, c.Zone, c.InstanceType, c.Spot}})
	if s.termFail != 0 {
		if s.termFail > 0 {
			s.termFail--
		}
		return &drivers.Error{Class: drivers.ClassTransient, Code: "InternalError", Message: "scripted terminate failure", Cloud: s.cloud, Op: "terminate"}
	}
	if s.termKeep > 0 {
		s.termKeep--
		return nil
	}
	for _, in := range c.Instances {
		delete(s.live, in.ID)
	}
	return nil
}

// liveIDs returns the IDs of the live instances, sorted.
func (s *scripted) liveIDs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]string, 0, len(s.live))
	for id := range s.live {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// launches returns "region/zone/type" of every Launch call, in order.
func (s *scripted) launches() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, c := range s.calls {
		if c.op == "launch" {
			out = append(out, c.key.region+"/"+c.key.zone+"/"+c.key.itype)
		}
	}
	return out
}

func (s *scripted) requests() []drivers.LaunchRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []drivers.LaunchRequest
	for _, c := range s.calls {
		if c.op == "launch" {
			out = append(out, c.req)
		}
	}
	return out
}

// lister adds drivers.ClusterLister to a scripted driver.
type lister struct{ *scripted }

func (l lister) ListInstances(ctx context.Context, cluster, region string) ([]drivers.Instance, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []drivers.Instance
	for id, in := range l.live {
		if in.cluster == cluster && (region == "" || in.region == region) {
			out = append(out, drivers.Instance{ID: id, Zone: in.zone, State: "running"})
		}
	}
	slices.SortFunc(out, func(a, b drivers.Instance) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

// checker adds drivers.CredentialChecker to a scripted driver.
type checker struct {
	*scripted
	err error
}

func (c checker) CheckCredentials(ctx context.Context) error { return c.err }

var (
	_ drivers.Driver            = (*scripted)(nil)
	_ drivers.ClusterLister     = lister{}
	_ drivers.CredentialChecker = checker{}
)

// cand builds a candidate from "cloud/region/zone/type[/spot]" and a price.
func cand(where string, price float64) optimizer.Candidate {
	p := strings.Split(where, "/")
	c := optimizer.Candidate{
		Offering: &catalog.Offering{Cloud: p[0], Region: p[1], Zone: p[2], InstanceType: p[3], Price: price, SpotPrice: price / 3,
			Accelerator: "V100", AcceleratorCount: 1},
		Market:      catalog.OnDemand,
		Nodes:       1,
		HourlyPrice: price,
		TotalHourly: price,
	}
	if len(p) > 4 && p[4] == "spot" {
		c.Market = catalog.Spot
		c.HourlyPrice, c.TotalHourly = price/3, price/3
	}
	return c
}

// planOf builds a plan of the candidates, in order, with prices rising.
func planOf(nodes int, wheres ...string) *optimizer.Plan {
	p := &optimizer.Plan{NumNodes: nodes, Hours: 1}
	for i, w := range wheres {
		c := cand(w, float64(i+1))
		c.Nodes = nodes
		c.TotalHourly = c.HourlyPrice * float64(nodes)
		p.Candidates = append(p.Candidates, c)
	}
	return p
}

// placement renders where a result landed.
func placement(r *Result) string {
	o := r.Candidate.Offering
	s := o.Cloud + "/" + o.Region + "/" + o.Zone + "/" + o.InstanceType
	if r.Candidate.Market == catalog.Spot {
		s += "/spot"
	}
	return s
}

// attemptSeq renders "index:class" for every attempt.
func attemptSeq(as []Attempt) []string {
	out := make([]string, 0, len(as))
	for _, a := range as {
		cl := "ok"
		if a.Err != nil {
			cl = a.Class.String()
		}
		out = append(out, fmt.Sprintf("%d:%s", a.Index, cl))
	}
	return out
}
