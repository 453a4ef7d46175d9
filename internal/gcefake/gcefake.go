// Package gcefake is a local, wire-true Compute Engine server for tests and
// demos: an httptest server that speaks the REST JSON of compute/v1 the way
// cloud.google.com/go/compute/apiv1 expects it (instances insert, get,
// delete, list and aggregated list; zone operations; project get), with
// failures injectable per zone, region, machine type and market, and an
// inventory of live instances for leak checks.
//
// It answers what the real API answers for the cases skyhop cares about:
//
//   - Insert returns 200 with a RUNNING operation; the operation reaches DONE
//     after Server.PollsToDone polls (default 1). A failed insert ends as a
//     DONE operation carrying error.errors[] and httpErrorStatusCode (503 for
//     ZONE_RESOURCE_POOL_EXHAUSTED, 403 for QUOTA_EXCEEDED), or, for faults
//     marked Sync, as an immediate Google JSON error envelope with
//     errors[].reason (403 forbidden, 403 quotaExceeded, 429
//     rateLimitExceeded, ...).
//   - A repeated requestId returns the first operation (GCE's idempotency);
//     an existing name with a new requestId is 409 alreadyExists.
//   - Names and labels are validated with GCE's rules (400 invalid), and a
//     zone restricted with Server.SetOffered answers 400 invalid "does not
//     exist in zone" for other machine and accelerator types.
//   - Delete of an unknown instance is 404 notFound.
//
// Everything is in memory and guarded by one mutex; the server is safe for
// concurrent use. Nothing needs credentials: point the SDK at Server.URL with
// option.WithoutAuthentication().
package gcefake

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Op names the calls a fault can target.
type Op string

// The operations.
const (
	OpInsert  Op = "insert"
	OpDelete  Op = "delete"
	OpGet     Op = "get"
	OpList    Op = "list"
	OpProject Op = "project" // GET /compute/v1/projects/{p} (credential checks)
	OpPoll    Op = "poll"    // GET .../operations/{name}
)

// Market values for Fault.Market and Instance.Market.
const (
	Standard = "STANDARD"
	Spot     = "SPOT"
)

// Fault makes matching calls fail. Empty selector fields match anything.
type Fault struct {
	// Op is the call that fails; "" means OpInsert.
	Op Op
	// Zone, Region, MachineType and Market ("STANDARD" or "SPOT") select
	// the calls (for instance calls: the instance's; Region matches the
	// zone's region).
	Zone, Region, MachineType, Market string
	// Code is the provider code: an operation error code
	// ("ZONE_RESOURCE_POOL_EXHAUSTED", "QUOTA_EXCEEDED", ...) or, with
	// Sync, an errors[].reason ("forbidden", "quotaExceeded",
	// "rateLimitExceeded", ...).
	Code string
	// Message is the error text; "" picks a realistic one for the code.
	// "{zone}", "{region}", "{project}" and "{name}" are replaced.
	Message string
	// HTTPStatus is the httpErrorStatusCode of a failed operation, or the
	// status of a Sync error; 0 picks the usual one for the code.
	HTTPStatus int
	// Sync answers the call itself with an HTTP error instead of a failed
	// operation. Calls other than insert and delete always fail
	// synchronously.
	Sync bool
	// NoHTTPStatus leaves httpErrorStatusCode out of the failed operation
	// (the SDK's Operation.Wait then returns nil; see the package doc of
	// drivers/gcp).
	NoHTTPStatus bool
	// More are further entries of a failed operation's error list (GCE
	// may report several), after the one of Code and Message.
	More []OpError
	// After lets that many matching calls through before the fault fires.
	After int
	// Times is how many matching calls fail; 0 means every one.
	Times int

	seen, fired int
}

// OpError is one entry of an operation's error list.
type OpError struct {
	Code, Message string
}

// Instance is one instance of the inventory.
type Instance struct {
	Project, Zone, Name string
	// ID is the numeric id the API reports.
	ID          uint64
	MachineType string
	// Status is PROVISIONING until the insert operation is done, then
	// RUNNING.
	Status       string
	Market       string
	Labels       map[string]string
	Accelerators map[string]int
	RequestID    string
	Created      time.Time
	// NetworkIP and NatIP are the addresses the fake assigned.
	NetworkIP, NatIP string
	raw              map[string]any
	op               *operation
}

type operation struct {
	name, project, zone, typ, target string
	id, targetID                     uint64
	polls                            int // polls left before DONE
	insert                           time.Time
	errCode, errMsg                  string
	more                             []OpError
	httpStatus                       int
	noHTTPStatus                     bool
	quotaRegion                      string
}

// Server is the fake Compute Engine API.
type Server struct {
	srv *httptest.Server

	mu          sync.Mutex
	seq         uint64
	instances   map[string]*Instance // project/zone/name
	ops         map[string]*operation
	requestIDs  map[string]*operation
	offered     map[string][]string // zone -> offered machine/accelerator types
	faults      []*Fault
	calls       map[Op]int
	pollsToDone int
	now         func() time.Time
}

// Option configures a Server.
type Option func(*Server)

// WithPollsToDone sets how many polls an operation needs before it is DONE
// (default 1: Insert answers RUNNING, the first poll DONE; 0 answers DONE at
// once).
func WithPollsToDone(n int) Option { return func(s *Server) { s.pollsToDone = max(n, 0) } }

// WithNow sets the time source for timestamps (default time.Now).
func WithNow(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// New starts a server; Close stops it.
func New(opts ...Option) *Server {
	s := &Server{
		instances:   map[string]*Instance{},
		ops:         map[string]*operation{},
		requestIDs:  map[string]*operation{},
		offered:     map[string][]string{},
		calls:       map[Op]int{},
		pollsToDone: 1,
		now:         time.Now,
	}
	for _, o := range opts {
		o(s)
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// URL is the endpoint to give the SDK (option.WithEndpoint).
func (s *Server) URL() string { return s.srv.URL }

// Close shuts the server down.
func (s *Server) Close() { s.srv.Close() }

// SetPollsToDone changes how many polls the operations started from now
// on need before they are DONE.
func (s *Server) SetPollsToDone(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pollsToDone = max(n, 0)
}

// SetOffered restricts zone to the given machine and accelerator types
// (short names: "n1-highmem-8", "nvidia-tesla-v100"). Zones never restricted
// offer everything.
func (s *Server) SetOffered(zone string, types ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.offered[zone] = slices.Clone(types)
}

// AddFault adds a fault; faults are tried in the order added and the first
// that matches a call decides it.
func (s *Server) AddFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f.Op == "" {
		f.Op = OpInsert
	}
	s.faults = append(s.faults, &f)
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// Calls returns how many calls of op the server received.
func (s *Server) Calls(op Op) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[op]
}

// Instances returns every instance that exists (any status), ordered by
// zone and name.
func (s *Server) Instances() []Instance {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Instance, 0, len(s.instances))
	for _, in := range s.instances {
		c := *in
		c.Status = in.status()
		c.raw, c.op = nil, nil
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b Instance) int {
		return strings.Compare(a.Zone+"/"+a.Name, b.Zone+"/"+b.Name)
	})
	return out
}

// Labelled returns the instances whose label key has value.
func (s *Server) Labelled(key, value string) []Instance {
	var out []Instance
	for _, in := range s.Instances() {
		if v, ok := in.Labels[key]; ok && v == value {
			out = append(out, in)
		}
	}
	return out
}

// RegionOf returns the region of a zone ("us-central1-a" -> "us-central1").
func RegionOf(zone string) string {
	if i := strings.LastIndexByte(zone, '-'); i > 0 {
		return zone[:i]
	}
	return zone
}

func (in *Instance) status() string {
	if in.op != nil && in.op.polls > 0 {
		return "PROVISIONING"
	}
	return in.Status
}

// match returns the fault deciding a call, or nil, and counts it.
func (s *Server) match(op Op, zone, machineType, market string) *Fault {
	for _, f := range s.faults {
		if f.Op != op {
			continue
		}
		if f.Zone != "" && f.Zone != zone || f.Region != "" && f.Region != RegionOf(zone) ||
			f.MachineType != "" && f.MachineType != machineType || f.Market != "" && !strings.EqualFold(f.Market, market) {
			continue
		}
		if f.Times > 0 && f.fired >= f.Times {
			continue
		}
		f.seen++
		if f.seen <= f.After {
			continue
		}
		f.fired++
		return f
	}
	return nil
}

var (
	instPath = regexp.MustCompile(`^/compute/v1/projects/([^/]+)/zones/([^/]+)/instances(?:/([^/]+))?$`)
	opPath   = regexp.MustCompile(`^/compute/v1/projects/([^/]+)/zones/([^/]+)/operations/([^/]+)$`)
	aggPath  = regexp.MustCompile(`^/compute/v1/projects/([^/]+)/aggregated/instances$`)
	projPath = regexp.MustCompile(`^/compute/v1/projects/([^/]+)$`)
	nameRE   = regexp.MustCompile(`^[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?$`)
	labelKey = regexp.MustCompile(`^[a-z][-_a-z0-9]{0,62}$`)
	labelVal = regexp.MustCompile(`^[-_a-z0-9]{0,63}$`)
)

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := r.URL.Path
	switch {
	case r.Method == http.MethodGet && opPath.MatchString(p):
		m := opPath.FindStringSubmatch(p)
		s.calls[OpPoll]++
		s.poll(w, m[1], m[2], m[3])
	case instPath.MatchString(p):
		m := instPath.FindStringSubmatch(p)
		switch {
		case r.Method == http.MethodPost && m[3] == "":
			s.calls[OpInsert]++
			s.insert(w, r, m[1], m[2])
		case r.Method == http.MethodGet && m[3] != "":
			s.calls[OpGet]++
			s.get(w, m[1], m[2], m[3])
		case r.Method == http.MethodDelete && m[3] != "":
			s.calls[OpDelete]++
			s.delete(w, m[1], m[2], m[3])
		case r.Method == http.MethodGet:
			s.calls[OpList]++
			s.list(w, r, m[1], m[2])
		default:
			writeError(w, http.StatusMethodNotAllowed, "badRequest", "method not allowed")
		}
	case r.Method == http.MethodGet && aggPath.MatchString(p):
		s.calls[OpList]++
		s.aggregated(w, r, aggPath.FindStringSubmatch(p)[1])
	case r.Method == http.MethodGet && projPath.MatchString(p):
		s.calls[OpProject]++
		project := projPath.FindStringSubmatch(p)[1]
		if f := s.match(OpProject, "", "", ""); f != nil {
			s.syncFault(w, f, project, "", "")
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"kind": "compute#project", "name": project,
			"id": strconv.FormatUint(s.hash("project/"+project), 10), "selfLink": selfBase + "projects/" + project})
	default:
		writeError(w, http.StatusNotFound, "notFound", fmt.Sprintf("The requested URL %s was not found on this server.", p))
	}
}

const selfBase = "https://www.googleapis.com/compute/v1/"

func (s *Server) hash(v string) uint64 {
	h := sha256.Sum256([]byte(v))
	return binary.BigEndian.Uint64(h[:8]) >> 1
}

func (s *Server) newOp(project, zone, typ, target string) *operation {
	s.seq++
	now := s.now()
	op := &operation{
		name:    fmt.Sprintf("operation-%d-%06x", now.UnixMilli(), s.seq),
		project: project, zone: zone, typ: typ, target: target,
		polls: s.pollsToDone, insert: now,
	}
	op.id = s.hash("op/" + op.name)
	op.targetID = s.hash(project + "/" + zone + "/" + target)
	s.ops[project+"/"+zone+"/"+op.name] = op
	return op
}

func (s *Server) insert(w http.ResponseWriter, r *http.Request, project, zone string) {
	var body map[string]any
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeError(w, http.StatusBadRequest, "parseError", "This API does not support parsing form-encoded input: "+err.Error())
		return
	}
	name, _ := body["name"].(string)
	mt := shortName(str(body["machineType"]))
	market := Standard
	if sch, ok := body["scheduling"].(map[string]any); ok && strings.EqualFold(str(sch["provisioningModel"]), Spot) {
		market = Spot
	}
	reqID := r.URL.Query().Get("requestId")
	if reqID != "" {
		if op, ok := s.requestIDs[project+"/"+reqID]; ok {
			writeJSON(w, http.StatusOK, s.opJSON(op))
			return
		}
	}
	// Validation, as GCE does it, before any fault.
	if !nameRE.MatchString(name) {
		writeError(w, http.StatusBadRequest, "invalid", fmt.Sprintf("Invalid value for field 'resource.name': '%s'. Must be a match of regex '(?:[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?|[1-9][0-9]{0,19})'", name))
		return
	}
	labels := map[string]string{}
	if lm, ok := body["labels"].(map[string]any); ok {
		for k, v := range lm {
			vs := str(v)
			if !labelKey.MatchString(k) || !labelVal.MatchString(vs) {
				writeError(w, http.StatusBadRequest, "invalid", fmt.Sprintf("Invalid value for field 'resource.labels': '%s'. Label keys must start with a lowercase letter and may contain only lowercase letters, digits, hyphens and underscores, up to 63 characters.", k))
				return
			}
			labels[k] = vs
		}
	}
	accs := map[string]int{}
	if ga, ok := body["guestAccelerators"].([]any); ok {
		for i, a := range ga {
			am, _ := a.(map[string]any)
			t := shortName(str(am["acceleratorType"]))
			n, _ := strconv.Atoi(str(am["acceleratorCount"]))
			if !s.isOffered(zone, t) {
				writeError(w, http.StatusBadRequest, "invalid", fmt.Sprintf("Invalid value for field 'resource.guestAccelerators[%d].acceleratorType': '%s'. Accelerator type '%s' does not exist in zone '%s'.", i, str(am["acceleratorType"]), t, zone))
				return
			}
			accs[t] += n
		}
	}
	if mt == "" || !s.isOffered(zone, mt) {
		writeError(w, http.StatusBadRequest, "invalid", fmt.Sprintf("Invalid value for field 'resource.machineType': '%s'. Machine type with name '%s' does not exist in zone '%s'.", str(body["machineType"]), mt, zone))
		return
	}
	if f := s.match(OpInsert, zone, mt, market); f != nil {
		if f.Sync {
			s.syncFault(w, f, project, zone, name)
			return
		}
		op := s.newOp(project, zone, "insert", name)
		s.failOp(op, f, name)
		if reqID != "" {
			s.requestIDs[project+"/"+reqID] = op
		}
		writeJSON(w, http.StatusOK, s.opJSON(op))
		return
	}
	key := project + "/" + zone + "/" + name
	if _, ok := s.instances[key]; ok {
		writeError(w, http.StatusConflict, "alreadyExists", fmt.Sprintf("The resource 'projects/%s/zones/%s/instances/%s' already exists", project, zone, name))
		return
	}
	op := s.newOp(project, zone, "insert", name)
	s.seq++
	in := &Instance{
		Project: project, Zone: zone, Name: name, ID: op.targetID, MachineType: mt,
		Status: "RUNNING", Market: market, Labels: labels, Accelerators: accs, RequestID: reqID,
		Created:   s.now(),
		NetworkIP: fmt.Sprintf("10.128.%d.%d", (s.seq/250)%250, s.seq%250+2),
		raw:       body, op: op,
	}
	if nis, ok := body["networkInterfaces"].([]any); ok && len(nis) > 0 {
		if ni, ok := nis[0].(map[string]any); ok {
			if acs, ok := ni["accessConfigs"].([]any); ok && len(acs) > 0 {
				in.NatIP = fmt.Sprintf("34.%d.%d.%d", (s.seq/62500)%250, (s.seq/250)%250, s.seq%250+1)
			}
		}
	}
	s.instances[key] = in
	if reqID != "" {
		s.requestIDs[project+"/"+reqID] = op
	}
	writeJSON(w, http.StatusOK, s.opJSON(op))
}

func (s *Server) isOffered(zone, typ string) bool {
	list, ok := s.offered[zone]
	return !ok || slices.Contains(list, typ)
}

// failOp makes op end in the fault's error.
func (s *Server) failOp(op *operation, f *Fault, name string) {
	op.errCode = f.Code
	op.errMsg = expand(f.Message, op.project, op.zone, name)
	if f.Message == "" {
		op.errMsg = expand(defaultOpMessage(f.Code), op.project, op.zone, name)
	}
	op.httpStatus = f.HTTPStatus
	if op.httpStatus == 0 {
		op.httpStatus = defaultOpStatus(f.Code)
	}
	op.noHTTPStatus = f.NoHTTPStatus
	op.more = f.More
	if strings.HasPrefix(f.Code, "QUOTA_EXCEEDED") {
		op.quotaRegion = RegionOf(op.zone)
	}
}

func (s *Server) syncFault(w http.ResponseWriter, f *Fault, project, zone, name string) {
	status := f.HTTPStatus
	if status == 0 {
		status = defaultSyncStatus(f.Code)
	}
	msg := f.Message
	if msg == "" {
		msg = defaultSyncMessage(f.Code)
	}
	msg = expand(msg, project, zone, name)
	if status == http.StatusUnauthorized && f.Code == "" {
		f.Code = "authError"
	}
	writeError(w, status, f.Code, msg)
}

func expand(msg, project, zone, name string) string {
	return strings.NewReplacer("{project}", project, "{zone}", zone, "{region}", RegionOf(zone), "{name}", name).Replace(msg)
}

func defaultOpStatus(code string) int {
	switch code {
	case "ZONE_RESOURCE_POOL_EXHAUSTED", "ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS", "RESOURCE_NOT_READY":
		return http.StatusServiceUnavailable
	case "QUOTA_EXCEEDED", "IAM_PERMISSION_DENIED":
		return http.StatusForbidden
	case "RESOURCE_NOT_FOUND", "VPC_NOT_FOUND", "SUBNET_NOT_FOUND_FOR_VPC":
		return http.StatusNotFound
	}
	return http.StatusBadRequest
}

func defaultOpMessage(code string) string {
	switch code {
	case "ZONE_RESOURCE_POOL_EXHAUSTED":
		return "The zone 'projects/{project}/zones/{zone}' does not have enough resources available to fulfill the request.  Try a different zone, or try again later."
	case "ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS":
		return "The zone 'projects/{project}/zones/{zone}' does not have enough resources available to fulfill the request.  '(resource type:compute)'."
	case "QUOTA_EXCEEDED":
		return "Quota 'NVIDIA_V100_GPUS' exceeded.  Limit: 0.0 in region {region}."
	}
	return "The operation failed with " + code + "."
}

func defaultSyncStatus(reason string) int {
	switch reason {
	case "forbidden", "quotaExceeded", "accessNotConfigured", "userRateLimitExceeded":
		return http.StatusForbidden
	case "rateLimitExceeded":
		return http.StatusTooManyRequests
	case "authError", "required":
		return http.StatusUnauthorized
	case "notFound":
		return http.StatusNotFound
	case "alreadyExists":
		return http.StatusConflict
	case "backendError", "insufficientCapacity":
		return http.StatusServiceUnavailable
	case "internalError":
		return http.StatusInternalServerError
	}
	return http.StatusBadRequest
}

func defaultSyncMessage(reason string) string {
	switch reason {
	case "forbidden":
		return "Required 'compute.instances.create' permission for 'projects/{project}/zones/{zone}/instances/{name}'"
	case "quotaExceeded":
		return "Quota 'GPUS_ALL_REGIONS' exceeded.  Limit: 0.0 globally."
	case "rateLimitExceeded":
		return "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute' of service 'compute.googleapis.com' for consumer 'project_number:123456789012'."
	case "authError":
		return "Invalid Credentials"
	case "backendError":
		return "Backend Error"
	case "internalError":
		return "Internal Error"
	case "accessNotConfigured":
		return "Compute Engine API has not been used in project {project} before or it is disabled."
	}
	return "The request failed: " + reason + "."
}

var statusText = map[int]string{
	400: "INVALID_ARGUMENT", 401: "UNAUTHENTICATED", 403: "PERMISSION_DENIED", 404: "NOT_FOUND",
	409: "ALREADY_EXISTS", 429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED",
}

// writeError writes the Google JSON error envelope.
func writeError(w http.ResponseWriter, status int, reason, msg string) {
	inner := map[string]any{"code": status, "message": msg,
		"errors": []any{map[string]any{"message": msg, "domain": "global", "reason": reason}}}
	// Quota and rate limits come without a status field on 403.
	if st, ok := statusText[status]; ok && !(status == 403 && (reason == "quotaExceeded" || reason == "rateLimitExceeded")) {
		inner["status"] = st
	}
	if status == http.StatusUnauthorized {
		inner["errors"].([]any)[0].(map[string]any)["location"] = "Authorization"
		inner["errors"].([]any)[0].(map[string]any)["locationType"] = "header"
	}
	writeJSON(w, status, map[string]any{"error": inner})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (s *Server) poll(w http.ResponseWriter, project, zone, name string) {
	op, ok := s.ops[project+"/"+zone+"/"+name]
	if !ok {
		writeError(w, http.StatusNotFound, "notFound", fmt.Sprintf("The resource 'projects/%s/zones/%s/operations/%s' was not found", project, zone, name))
		return
	}
	if f := s.match(OpPoll, zone, "", ""); f != nil {
		s.syncFault(w, f, project, zone, op.target)
		return
	}
	if op.polls > 0 {
		op.polls--
	}
	writeJSON(w, http.StatusOK, s.opJSON(op))
}

func (s *Server) opJSON(op *operation) map[string]any {
	zoneURL := selfBase + "projects/" + op.project + "/zones/" + op.zone
	m := map[string]any{
		"kind": "compute#operation", "id": strconv.FormatUint(op.id, 10), "name": op.name,
		"zone": zoneURL, "operationType": op.typ,
		"targetLink": zoneURL + "/instances/" + op.target, "targetId": strconv.FormatUint(op.targetID, 10),
		"insertTime": op.insert.Format("2006-01-02T15:04:05.000-07:00"),
		"startTime":  op.insert.Format("2006-01-02T15:04:05.000-07:00"),
		"selfLink":   zoneURL + "/operations/" + op.name,
		"user":       "skyhop@example.iam.gserviceaccount.com",
	}
	if op.polls > 0 {
		m["status"], m["progress"] = "RUNNING", 0
		return m
	}
	m["status"], m["progress"] = "DONE", 100
	m["endTime"] = op.insert.Format("2006-01-02T15:04:05.000-07:00")
	if op.errCode != "" {
		e := map[string]any{"code": op.errCode, "message": op.errMsg}
		if op.quotaRegion != "" {
			e["errorDetails"] = []any{map[string]any{"quotaInfo": map[string]any{
				"metricName": "compute.googleapis.com/nvidia_v100_gpus", "limitName": "NVIDIA-V100-GPUS-per-project-region",
				"dimensions": map[string]any{"region": op.quotaRegion}, "limit": 0}}}
		}
		list := []any{e}
		for _, x := range op.more {
			list = append(list, map[string]any{"code": x.Code, "message": x.Message})
		}
		m["error"] = map[string]any{"errors": list}
		if !op.noHTTPStatus {
			m["httpErrorStatusCode"] = op.httpStatus
			m["httpErrorMessage"] = strings.ToUpper(http.StatusText(op.httpStatus))
		}
	}
	return m
}

func (s *Server) instanceJSON(in *Instance) map[string]any {
	zoneURL := selfBase + "projects/" + in.Project + "/zones/" + in.Zone
	m := map[string]any{}
	for k, v := range in.raw {
		m[k] = v
	}
	m["kind"] = "compute#instance"
	m["id"] = strconv.FormatUint(in.ID, 10)
	m["name"] = in.Name
	m["status"] = in.status()
	m["zone"] = zoneURL
	m["machineType"] = zoneURL + "/machineTypes/" + in.MachineType
	m["selfLink"] = zoneURL + "/instances/" + in.Name
	m["creationTimestamp"] = in.Created.Format("2006-01-02T15:04:05.000-07:00")
	labels := map[string]any{}
	for k, v := range in.Labels {
		labels[k] = v
	}
	m["labels"] = labels
	ni := map[string]any{"name": "nic0", "network": selfBase + "projects/" + in.Project + "/global/networks/default",
		"networkIP": in.NetworkIP}
	if in.NatIP != "" {
		ni["accessConfigs"] = []any{map[string]any{"type": "ONE_TO_ONE_NAT", "name": "External NAT", "natIP": in.NatIP}}
	}
	m["networkInterfaces"] = []any{ni}
	return m
}

func (s *Server) lookup(project, zone, name string) (*Instance, bool) {
	in, ok := s.instances[project+"/"+zone+"/"+name]
	return in, ok
}

func (s *Server) get(w http.ResponseWriter, project, zone, name string) {
	in, ok := s.lookup(project, zone, name)
	mt, market := "", ""
	if ok {
		mt, market = in.MachineType, in.Market
	}
	if f := s.match(OpGet, zone, mt, market); f != nil {
		s.syncFault(w, f, project, zone, name)
		return
	}
	if !ok {
		writeError(w, http.StatusNotFound, "notFound", fmt.Sprintf("The resource 'projects/%s/zones/%s/instances/%s' was not found", project, zone, name))
		return
	}
	writeJSON(w, http.StatusOK, s.instanceJSON(in))
}

func (s *Server) delete(w http.ResponseWriter, project, zone, name string) {
	in, ok := s.lookup(project, zone, name)
	mt, market := "", ""
	if ok {
		mt, market = in.MachineType, in.Market
	}
	if f := s.match(OpDelete, zone, mt, market); f != nil {
		if f.Sync || !ok {
			s.syncFault(w, f, project, zone, name)
			return
		}
		op := s.newOp(project, zone, "delete", name)
		s.failOp(op, f, name)
		writeJSON(w, http.StatusOK, s.opJSON(op))
		return
	}
	if !ok {
		writeError(w, http.StatusNotFound, "notFound", fmt.Sprintf("The resource 'projects/%s/zones/%s/instances/%s' was not found", project, zone, name))
		return
	}
	delete(s.instances, project+"/"+zone+"/"+name)
	op := s.newOp(project, zone, "delete", name)
	writeJSON(w, http.StatusOK, s.opJSON(op))
}

// filter is a conjunction of label and field comparisons, the subset of the
// API's filter grammar the driver uses: `labels.KEY = "VALUE"`,
// `status != TERMINATED`, `name = NAME`, optionally parenthesised and joined
// by spaces or AND.
type cond struct {
	field, value string
	neg          bool
}

var condRE = regexp.MustCompile(`^\(?\s*([a-zA-Z][-_.a-zA-Z0-9]*)\s*(=|!=)\s*"?([^"()]*?)"?\s*\)?$`)

func parseFilter(f string) ([]cond, error) {
	f = strings.TrimSpace(f)
	if f == "" {
		return nil, nil
	}
	var out []cond
	// Split on ") (" or " AND ".
	parts := regexp.MustCompile(`\)\s*(?:AND\s*)?\(|\s+AND\s+`).Split(f, -1)
	for _, p := range parts {
		m := condRE.FindStringSubmatch(strings.TrimSpace(p))
		if m == nil {
			return nil, fmt.Errorf("Invalid value for field 'filter': '%s'. Invalid list filter expression.", f)
		}
		out = append(out, cond{field: m[1], value: m[3], neg: m[2] == "!="})
	}
	return out, nil
}

func (in *Instance) matches(conds []cond) bool {
	for _, c := range conds {
		var v string
		switch {
		case strings.HasPrefix(c.field, "labels."):
			v = in.Labels[strings.TrimPrefix(c.field, "labels.")]
		case c.field == "status":
			v = in.status()
		case c.field == "name":
			v = in.Name
		case c.field == "machineType":
			v = in.MachineType
		default:
			return false
		}
		if (v == c.value) == c.neg {
			return false
		}
	}
	return true
}

func (s *Server) filtered(w http.ResponseWriter, r *http.Request, project, zone string) ([]*Instance, bool) {
	if f := s.match(OpList, zone, "", ""); f != nil {
		s.syncFault(w, f, project, zone, "")
		return nil, false
	}
	conds, err := parseFilter(r.URL.Query().Get("filter"))
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalid", err.Error())
		return nil, false
	}
	var out []*Instance
	for _, in := range s.instances {
		if in.Project == project && (zone == "" || in.Zone == zone) && in.matches(conds) {
			out = append(out, in)
		}
	}
	slices.SortFunc(out, func(a, b *Instance) int { return strings.Compare(a.Zone+"/"+a.Name, b.Zone+"/"+b.Name) })
	return out, true
}

func (s *Server) list(w http.ResponseWriter, r *http.Request, project, zone string) {
	ins, ok := s.filtered(w, r, project, zone)
	if !ok {
		return
	}
	items := make([]any, 0, len(ins))
	for _, in := range ins {
		items = append(items, s.instanceJSON(in))
	}
	writeJSON(w, http.StatusOK, map[string]any{"kind": "compute#instanceList", "id": "projects/" + project + "/zones/" + zone + "/instances",
		"items": items, "selfLink": selfBase + "projects/" + project + "/zones/" + zone + "/instances"})
}

func (s *Server) aggregated(w http.ResponseWriter, r *http.Request, project string) {
	ins, ok := s.filtered(w, r, project, "")
	if !ok {
		return
	}
	byZone := map[string][]any{}
	for _, in := range ins {
		byZone["zones/"+in.Zone] = append(byZone["zones/"+in.Zone], s.instanceJSON(in))
	}
	items := map[string]any{}
	for z, list := range byZone {
		items[z] = map[string]any{"instances": list}
	}
	writeJSON(w, http.StatusOK, map[string]any{"kind": "compute#instanceAggregatedList", "id": "projects/" + project + "/aggregated/instances",
		"items": items, "selfLink": selfBase + "projects/" + project + "/aggregated/instances"})
}

func str(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

// shortName returns the last path element of a type URL
// ("zones/us-central1-a/machineTypes/n1-highmem-8" -> "n1-highmem-8").
func shortName(u string) string {
	if i := strings.LastIndexByte(u, '/'); i >= 0 {
		return u[i+1:]
	}
	return u
}
