// Package azurefake is a local, wire-true Azure Resource Manager server for
// the resources skyhop's Azure driver touches: virtual machines and managed
// disks (Microsoft.Compute), network interfaces, public IP addresses and
// virtual networks (Microsoft.Network). It speaks ARM's JSON and its
// long-running-operation protocol the way the azcore / armcompute /
// armnetwork clients expect it, with failures injectable per location,
// zone, VM size and priority, and an inventory of every resource for leak
// checks.
//
// What it answers, as ARM does:
//
//   - PUT of a resource: 201 (200 for an update) with an Azure-AsyncOperation
//     header and the resource in provisioningState "Creating"; the operation
//     reaches a terminal status after Server polls (default 1). A VM whose
//     operation fails stays, in provisioningState "Failed" (as on Azure: the
//     caller must delete it), with the operation's error
//     ({"status":"Failed","error":{"code":"ZonalAllocationFailed",...}}).
//   - Immediate failures use the ARM error envelope
//     ({"error":{"code":"SkuNotAvailable","message":...}}) with the status of
//     the code (409 for SkuNotAvailable and quota OperationNotAllowed, 429
//     with Retry-After for throttling, 403 AuthorizationFailed, 401
//     InvalidAuthenticationToken, 400 InvalidParameter).
//   - DELETE: 202 with Azure-AsyncOperation; 204 when the resource does not
//     exist. A VM's OS disk and NICs whose deleteOption is "Delete" go with
//     it. A NIC still attached to a VM, or a public IP still attached to a
//     NIC, cannot be deleted (400 NicInUse / PublicIPAddressInUse).
//   - Requests without a bearer token are 401; requests without api-version
//     are 400 MissingApiVersionParameter.
//
// The server is safe for concurrent use. Point the SDK at URL() with a
// cloud configuration whose ResourceManager endpoint is the URL, the
// Credential of this package, and InsecureAllowCredentialWithHTTP.
package azurefake

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
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

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// Credential is an azcore.TokenCredential that hands out a fixed token, for
// clients aimed at the fake.
type Credential struct{}

// GetToken returns the token "fake", valid for an hour.
func (Credential) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: "fake", ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// Op names the calls a fault can target.
type Op string

// The operations.
const (
	OpCreate Op = "create" // PUT of a resource
	OpDelete Op = "delete"
	OpGet    Op = "get"
	OpList   Op = "list"
)

// Resource types (the last part of the ARM type), for Fault.Type and
// Resource.Type.
const (
	VirtualMachines   = "virtualMachines"
	Disks             = "disks"
	NetworkInterfaces = "networkInterfaces"
	PublicIPAddresses = "publicIPAddresses"
	VirtualNetworks   = "virtualNetworks"
)

var namespaces = map[string]string{
	"virtualmachines": "Microsoft.Compute/virtualMachines", "disks": "Microsoft.Compute/disks",
	"networkinterfaces": "Microsoft.Network/networkInterfaces", "publicipaddresses": "Microsoft.Network/publicIPAddresses",
	"virtualnetworks": "Microsoft.Network/virtualNetworks",
}

// Fault makes matching calls fail. Empty selector fields match anything.
type Fault struct {
	// Op is the call that fails; "" means OpCreate.
	Op Op
	// Type is the resource type ("virtualMachines", ...); "" means
	// virtualMachines.
	Type string
	// Location, Zone, VMSize and Priority ("Spot" or "Regular") select the
	// calls (for VMs; the other types match on Location alone).
	Location, Zone, VMSize, Priority string
	// Code is the ARM error code ("ZonalAllocationFailed",
	// "OperationNotAllowed", "SkuNotAvailable", ...).
	Code string
	// Message is the error text; "" picks a realistic one for the code.
	Message string
	// Status is the HTTP status of an immediate failure; 0 picks the usual
	// one for the code.
	Status int
	// Async fails the long-running operation (the PUT itself is accepted)
	// instead of the request.
	Async bool
	// RetryAfter is the Retry-After header of a 429, in seconds (default 1).
	RetryAfter int
	// After lets that many matching calls through before the fault fires.
	After int
	// Times is how many matching calls fail; 0 means every one.
	Times int

	seen, fired int
}

// Resource is one resource of the inventory.
type Resource struct {
	// ID is the ARM resource ID.
	ID string
	// Type is the short type ("virtualMachines", "disks", ...).
	Type          string
	Name          string
	ResourceGroup string
	Location      string
	Zones         []string
	Tags          map[string]string
	// State is the provisioningState ("Creating", "Succeeded", "Failed").
	State string
	// VMSize and Priority are set for virtual machines.
	VMSize, Priority string
	Created          time.Time
	// Body is the resource as a GET returns it (a copy).
	Body map[string]any

	body map[string]any
	op   *asyncOp
}

type asyncOp struct {
	id, location, ns string
	polls            int
	errCode, errMsg  string
	start            time.Time
}

func (op *asyncOp) status() string {
	switch {
	case op.polls > 0:
		return "InProgress"
	case op.errCode != "":
		return "Failed"
	}
	return "Succeeded"
}

// Server is the fake ARM API.
type Server struct {
	srv *httptest.Server

	mu        sync.Mutex
	seq       int
	resources map[string]*Resource // lower-cased ID
	ops       map[string]*asyncOp
	offered   map[string][]string // location -> VM sizes
	faults    []*Fault
	calls     map[Op]int
	polls     int
	slow      map[string]int // lower-cased type -> polls
	now       func() time.Time
}

// Option configures a Server.
type Option func(*Server)

// WithPolls sets how many polls an operation needs before it is terminal
// (default 1).
func WithPolls(n int) Option { return func(s *Server) { s.polls = max(n, 0) } }

// WithNow sets the time source for timestamps (default time.Now).
func WithNow(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// New starts a server; Close stops it.
func New(opts ...Option) *Server {
	s := &Server{resources: map[string]*Resource{}, ops: map[string]*asyncOp{}, offered: map[string][]string{},
		calls: map[Op]int{}, polls: 1, slow: map[string]int{}, now: time.Now}
	for _, o := range opts {
		o(s)
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// URL is the Resource Manager endpoint to give the SDK.
func (s *Server) URL() string { return s.srv.URL }

// Close shuts the server down.
func (s *Server) Close() { s.srv.Close() }

// SetPolls changes how many polls the operations started from now on need
// (for types without SetSlow).
func (s *Server) SetPolls(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.polls = max(n, 0)
}

// SetSlow makes the operations of one resource type ("virtualMachines",
// ...) started from now on need n polls; n = 0 removes the setting.
func (s *Server) SetSlow(typ string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n <= 0 {
		delete(s.slow, strings.ToLower(typ))
		return
	}
	s.slow[strings.ToLower(typ)] = n
}

// SetOffered restricts location to the given VM sizes; other sizes answer
// 409 SkuNotAvailable. Locations never restricted offer every size.
func (s *Server) SetOffered(location string, sizes ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.offered[strings.ToLower(location)] = slices.Clone(sizes)
}

// AddFault adds a fault; the first matching fault, in the order added,
// decides a call.
func (s *Server) AddFault(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f.Op == "" {
		f.Op = OpCreate
	}
	if f.Type == "" {
		f.Type = VirtualMachines
	}
	s.faults = append(s.faults, &f)
}

// ClearFaults removes every fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// Calls returns how many calls of op the server received (any type).
func (s *Server) Calls(op Op) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[op]
}

// Resources returns every resource, ordered by ID.
func (s *Server) Resources() []Resource {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Resource, 0, len(s.resources))
	for _, r := range s.resources {
		c := *r
		c.State = r.state()
		c.Tags = maps(r.Tags)
		c.Body = deepCopy(s.view(r))
		c.body, c.op = nil, nil
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b Resource) int { return strings.Compare(strings.ToLower(a.ID), strings.ToLower(b.ID)) })
	return out
}

// Billable returns every resource that costs money while it exists
// (everything but virtual networks).
func (s *Server) Billable() []Resource {
	var out []Resource
	for _, r := range s.Resources() {
		if r.Type != VirtualNetworks {
			out = append(out, r)
		}
	}
	return out
}

// Tagged returns the resources whose tag key has value.
func (s *Server) Tagged(key, value string) []Resource {
	var out []Resource
	for _, r := range s.Resources() {
		if v, ok := r.Tags[key]; ok && v == value {
			out = append(out, r)
		}
	}
	return out
}

func deepCopy(m map[string]any) map[string]any {
	b, err := json.Marshal(m)
	if err != nil {
		return nil
	}
	var out map[string]any
	if json.Unmarshal(b, &out) != nil {
		return nil
	}
	return out
}

func maps(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func (r *Resource) state() string {
	if r.op != nil {
		switch r.op.status() {
		case "InProgress":
			return r.State
		case "Failed":
			return "Failed"
		}
		return "Succeeded"
	}
	return r.State
}

var (
	resPath  = regexp.MustCompile(`(?i)^/subscriptions/([^/]+)/resourceGroups/([^/]+)/providers/(Microsoft\.Compute|Microsoft\.Network)/([^/]+)/([^/]+)$`)
	listPath = regexp.MustCompile(`(?i)^/subscriptions/([^/]+)(?:/resourceGroups/([^/]+))?/providers/(Microsoft\.Compute|Microsoft\.Network)/([^/]+)$`)
	opsPath  = regexp.MustCompile(`(?i)^/subscriptions/([^/]+)/providers/(Microsoft\.Compute|Microsoft\.Network)/locations/([^/]+)/operations/([^/]+)$`)
	subnet   = regexp.MustCompile(`(?i)^(/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.Network/virtualNetworks/[^/]+)/subnets/([^/]+)$`)
)

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
		writeError(w, http.StatusUnauthorized, "AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.")
		return
	}
	if r.URL.Query().Get("api-version") == "" {
		writeError(w, http.StatusBadRequest, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := r.URL.Path
	switch {
	case r.Method == http.MethodGet && opsPath.MatchString(p):
		s.poll(w, opsPath.FindStringSubmatch(p)[4])
	case resPath.MatchString(p):
		m := resPath.FindStringSubmatch(p)
		typ := strings.ToLower(m[4])
		if _, ok := namespaces[typ]; !ok {
			writeError(w, http.StatusBadRequest, "InvalidResourceType", fmt.Sprintf("The resource type '%s' could not be found in the namespace '%s'.", m[4], m[3]))
			return
		}
		id := fmt.Sprintf("/subscriptions/%s/resourceGroups/%s/providers/%s/%s", m[1], m[2], namespaces[typ], m[5])
		switch r.Method {
		case http.MethodPut:
			s.calls[OpCreate]++
			s.put(w, r, id, m[2], typ, m[5])
		case http.MethodGet:
			s.calls[OpGet]++
			s.get(w, id, typ)
		case http.MethodDelete:
			s.calls[OpDelete]++
			s.delete(w, r, id, typ)
		default:
			writeError(w, http.StatusMethodNotAllowed, "MethodNotAllowed", "The method is not allowed.")
		}
	case r.Method == http.MethodGet && listPath.MatchString(p):
		s.calls[OpList]++
		m := listPath.FindStringSubmatch(p)
		s.list(w, m[1], m[2], strings.ToLower(m[4]))
	default:
		writeError(w, http.StatusNotFound, "InvalidRequestUri", fmt.Sprintf("The request URI '%s' is not valid.", p))
	}
}

func shortType(typ string) string {
	full := namespaces[typ]
	return full[strings.IndexByte(full, '/')+1:]
}

// match returns the fault deciding a call, or nil, and counts it.
func (s *Server) match(op Op, typ, location, zone, size, priority string) *Fault {
	for _, f := range s.faults {
		if f.Op != op || !strings.EqualFold(f.Type, typ) {
			continue
		}
		if f.Location != "" && !strings.EqualFold(f.Location, location) || f.Zone != "" && f.Zone != zone ||
			f.VMSize != "" && !strings.EqualFold(f.VMSize, size) || f.Priority != "" && !strings.EqualFold(f.Priority, priority) {
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

func (s *Server) newOp(r *http.Request, w http.ResponseWriter, location, typ string) *asyncOp {
	ns := namespaces[typ][:strings.IndexByte(namespaces[typ], '/')]
	polls := s.polls
	if n, ok := s.slow[typ]; ok {
		polls = n
	}
	s.seq++
	h := sha256.Sum256([]byte(fmt.Sprintf("op/%d/%d", s.seq, s.now().UnixNano())))
	op := &asyncOp{id: hex.EncodeToString(h[:16]), location: strings.ToLower(location), ns: ns, polls: polls, start: s.now()}
	op.id = op.id[:8] + "-" + op.id[8:12] + "-" + op.id[12:16] + "-" + op.id[16:20] + "-" + op.id[20:32]
	s.ops[op.id] = op
	sub := strings.Split(r.URL.Path, "/")[2]
	w.Header().Set("Azure-AsyncOperation", fmt.Sprintf("http://%s/subscriptions/%s/providers/%s/locations/%s/operations/%s?api-version=%s",
		r.Host, sub, ns, op.location, op.id, r.URL.Query().Get("api-version")))
	return op
}

func (s *Server) poll(w http.ResponseWriter, id string) {
	op, ok := s.ops[id]
	if !ok {
		writeError(w, http.StatusNotFound, "NotFound", "The operation '"+id+"' was not found.")
		return
	}
	if op.polls > 0 {
		op.polls--
	}
	body := map[string]any{"name": op.id, "status": op.status(), "startTime": op.start.Format(time.RFC3339Nano)}
	if op.status() != "InProgress" {
		body["endTime"] = s.now().Format(time.RFC3339Nano)
	}
	if op.errCode != "" && op.polls == 0 {
		body["error"] = map[string]any{"code": op.errCode, "message": op.errMsg}
	}
	writeJSON(w, http.StatusOK, body)
}

func (s *Server) put(w http.ResponseWriter, r *http.Request, id, rg, typ, name string) {
	var body map[string]any
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		writeError(w, http.StatusBadRequest, "InvalidRequestContent", "The request content was invalid and could not be deserialized: "+err.Error())
		return
	}
	location := str(body["location"])
	if location == "" {
		writeError(w, http.StatusBadRequest, "LocationRequired", "The location property is required for this definition.")
		return
	}
	props, _ := body["properties"].(map[string]any)
	if props == nil {
		props = map[string]any{}
		body["properties"] = props
	}
	var zones []string
	if zs, ok := body["zones"].([]any); ok {
		for _, z := range zs {
			zones = append(zones, str(z))
		}
	}
	zone := ""
	if len(zones) > 0 {
		zone = zones[0]
	}
	size, priority := "", ""
	if typ == "virtualmachines" {
		size = str(path(props, "hardwareProfile", "vmSize"))
		priority = str(props["priority"])
		if priority == "" {
			priority = "Regular"
		}
	}
	existing := s.resources[strings.ToLower(id)]
	// Faults first: throttling and policy refusals come before validation.
	f := s.match(OpCreate, shortType(typ), location, zone, size, priority)
	if f != nil && !f.Async {
		s.syncFault(w, f, size, location)
		return
	}
	// References must exist.
	if msg := s.checkRefs(typ, props, location); msg != "" {
		writeError(w, http.StatusBadRequest, "InvalidResourceReference", msg)
		return
	}
	if typ == "virtualmachines" && existing == nil {
		if list, ok := s.offered[strings.ToLower(location)]; ok && !slices.ContainsFunc(list, func(x string) bool { return strings.EqualFold(x, size) }) {
			writeError(w, http.StatusConflict, "SkuNotAvailable", fmt.Sprintf("The requested VM size for resource 'Following SKUs have failed for Capacity Restrictions: %s' is currently not available in location '%s'. Please try another size or deploy to a different location or different zone. See https://aka.ms/azureskunotavailable for details.", size, location))
			return
		}
	}
	tags := map[string]string{}
	if tm, ok := body["tags"].(map[string]any); ok {
		for k, v := range tm {
			tags[k] = str(v)
		}
	}
	res := existing
	status := http.StatusOK
	if res == nil {
		status = http.StatusCreated
		res = &Resource{ID: id, Type: shortType(typ), Name: name, ResourceGroup: rg, Created: s.now()}
		s.resources[strings.ToLower(id)] = res
	}
	res.Location, res.Zones, res.Tags, res.VMSize, res.Priority = location, zones, tags, size, priority
	res.State = "Creating"
	if existing != nil {
		res.State = "Updating"
	}
	s.fill(res, body, typ)
	res.body = body
	op := s.newOp(r, w, location, typ)
	if f != nil {
		op.errCode = f.Code
		op.errMsg = f.Message
		if op.errMsg == "" {
			op.errMsg = defaultMessage(f.Code, size, location)
		}
	}
	res.op = op
	writeJSON(w, status, s.view(res))
}

// checkRefs returns why a reference in props does not resolve, or "".
func (s *Server) checkRefs(typ string, props map[string]any, location string) string {
	var ids []string
	switch typ {
	case "virtualmachines":
		nics, _ := path(props, "networkProfile", "networkInterfaces").([]any)
		if len(nics) == 0 {
			return "Virtual machine must have at least one network interface."
		}
		for _, n := range nics {
			ids = append(ids, str(path(n, "id")))
		}
	case "networkinterfaces":
		cfgs, _ := props["ipConfigurations"].([]any)
		for _, c := range cfgs {
			ids = append(ids, str(path(c, "properties", "subnet", "id")))
			if ip := str(path(c, "properties", "publicIPAddress", "id")); ip != "" {
				ids = append(ids, ip)
			}
		}
	}
	for _, id := range ids {
		if m := subnet.FindStringSubmatch(id); m != nil {
			vnet, ok := s.resources[strings.ToLower(m[1])]
			if !ok || !vnetHasSubnet(vnet, m[2]) {
				return fmt.Sprintf("Resource %s referenced by resource is not found.", id)
			}
			continue
		}
		ref, ok := s.resources[strings.ToLower(id)]
		if !ok {
			return fmt.Sprintf("Resource %s referenced by resource is not found.", id)
		}
		if !strings.EqualFold(ref.Location, location) {
			return fmt.Sprintf("Resource %s is in location '%s', not '%s'.", id, ref.Location, location)
		}
	}
	return ""
}

func vnetHasSubnet(vnet *Resource, name string) bool {
	subs, _ := path(vnet.body, "properties", "subnets").([]any)
	for _, sn := range subs {
		if strings.EqualFold(str(path(sn, "name")), name) {
			return true
		}
	}
	return false
}

// fill completes a resource's body as ARM does: ids, generated fields.
func (s *Server) fill(res *Resource, body map[string]any, typ string) {
	props := body["properties"].(map[string]any)
	s.seq++
	switch typ {
	case "virtualmachines":
		h := sha256.Sum256([]byte(res.ID))
		v := hex.EncodeToString(h[:16])
		props["vmId"] = v[:8] + "-" + v[8:12] + "-" + v[12:16] + "-" + v[16:20] + "-" + v[20:32]
		props["timeCreated"] = res.Created.Format(time.RFC3339Nano)
		if os, ok := path(props, "osProfile").(map[string]any); ok {
			delete(os, "adminPassword")
		}
		// The OS disk is a resource of its own.
		osDisk, _ := path(props, "storageProfile", "osDisk").(map[string]any)
		if osDisk == nil {
			osDisk = map[string]any{}
			sp, _ := props["storageProfile"].(map[string]any)
			if sp == nil {
				sp = map[string]any{}
				props["storageProfile"] = sp
			}
			sp["osDisk"] = osDisk
		}
		dname := str(osDisk["name"])
		if dname == "" {
			dname = res.Name + "_OsDisk_1_" + v[:32]
			osDisk["name"] = dname
		}
		rgBase := res.ID[:strings.Index(strings.ToLower(res.ID), "/providers/")]
		did := rgBase + "/providers/Microsoft.Compute/disks/" + dname
		md, _ := osDisk["managedDisk"].(map[string]any)
		if md == nil {
			md = map[string]any{}
			osDisk["managedDisk"] = md
		}
		md["id"] = did
		if _, ok := s.resources[strings.ToLower(did)]; !ok {
			size := osDisk["diskSizeGB"]
			if size == nil {
				size = 30
			}
			s.resources[strings.ToLower(did)] = &Resource{ID: did, Type: Disks, Name: dname, ResourceGroup: res.ResourceGroup,
				Location: res.Location, Zones: res.Zones, Tags: maps(res.Tags), State: "Succeeded", Created: s.now(),
				body: map[string]any{"properties": map[string]any{"diskSizeGB": size, "diskState": "Attached",
					"osType": "Linux", "managedBy": res.ID}}}
		}
	case "networkinterfaces":
		cfgs, _ := props["ipConfigurations"].([]any)
		for i, c := range cfgs {
			cm, _ := c.(map[string]any)
			if cm == nil {
				continue
			}
			cp, _ := cm["properties"].(map[string]any)
			if cp == nil {
				cp = map[string]any{}
				cm["properties"] = cp
			}
			cp["privateIPAddress"] = fmt.Sprintf("10.0.%d.%d", (s.seq/250)%250, s.seq%250+4+i)
			cp["privateIPAllocationMethod"] = "Dynamic"
			cm["id"] = res.ID + "/ipConfigurations/" + str(cm["name"])
		}
	case "publicipaddresses":
		props["ipAddress"] = fmt.Sprintf("20.%d.%d.%d", (s.seq/62500)%250, (s.seq/250)%250, s.seq%250+1)
	case "virtualnetworks":
		subs, _ := props["subnets"].([]any)
		for _, sn := range subs {
			if sm, ok := sn.(map[string]any); ok {
				sm["id"] = res.ID + "/subnets/" + str(sm["name"])
			}
		}
	}
}

// view renders a resource as ARM returns it.
func (s *Server) view(res *Resource) map[string]any {
	out := map[string]any{}
	for k, v := range res.body {
		out[k] = v
	}
	props := map[string]any{}
	if p, ok := res.body["properties"].(map[string]any); ok {
		for k, v := range p {
			props[k] = v
		}
	}
	props["provisioningState"] = res.state()
	out["properties"] = props
	out["id"], out["name"], out["location"] = res.ID, res.Name, res.Location
	out["type"] = namespaces[strings.ToLower(res.Type)]
	tags := map[string]any{}
	for k, v := range res.Tags {
		tags[k] = v
	}
	out["tags"] = tags
	if len(res.Zones) > 0 {
		out["zones"] = res.Zones
	}
	return out
}

func (s *Server) get(w http.ResponseWriter, id, typ string) {
	res, ok := s.resources[strings.ToLower(id)]
	loc := ""
	if ok {
		loc = res.Location
	}
	if f := s.match(OpGet, shortType(typ), loc, "", "", ""); f != nil {
		s.syncFault(w, f, "", loc)
		return
	}
	if !ok {
		writeNotFound(w, id)
		return
	}
	writeJSON(w, http.StatusOK, s.view(res))
}

func writeNotFound(w http.ResponseWriter, id string) {
	parts := strings.Split(id, "/")
	writeError(w, http.StatusNotFound, "ResourceNotFound", fmt.Sprintf("The Resource '%s/%s/%s' under resource group '%s' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix",
		parts[6], parts[7], parts[8], parts[4]))
}

func (s *Server) delete(w http.ResponseWriter, r *http.Request, id, typ string) {
	res, ok := s.resources[strings.ToLower(id)]
	loc, size, prio, zone := "", "", "", ""
	if ok {
		loc, size, prio = res.Location, res.VMSize, res.Priority
		if len(res.Zones) > 0 {
			zone = res.Zones[0]
		}
	}
	if f := s.match(OpDelete, shortType(typ), loc, zone, size, prio); f != nil {
		s.syncFault(w, f, size, loc)
		return
	}
	if !ok {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	switch typ {
	case "networkinterfaces":
		for _, o := range s.resources {
			if o.Type == VirtualMachines && refers(o.body, id) {
				writeError(w, http.StatusBadRequest, "NicInUse", fmt.Sprintf("Network Interface %s is used by existing resource %s. In order to delete the network interface, it must be dissociated from the resource.", id, o.ID))
				return
			}
		}
	case "publicipaddresses":
		for _, o := range s.resources {
			if o.Type == NetworkInterfaces && refers(o.body, id) {
				writeError(w, http.StatusBadRequest, "PublicIPAddressInUse", fmt.Sprintf("Resource %s is in use by %s; it cannot be deleted.", id, o.ID))
				return
			}
		}
	case "disks":
		if mb := str(path(res.body, "properties", "managedBy")); mb != "" {
			if _, attached := s.resources[strings.ToLower(mb)]; attached {
				writeError(w, http.StatusConflict, "OperationNotAllowed", fmt.Sprintf("Disk %s is attached to VM %s.", res.Name, mb))
				return
			}
		}
	case "virtualmachines":
		props, _ := res.body["properties"].(map[string]any)
		if str(path(props, "storageProfile", "osDisk", "deleteOption")) == "Delete" {
			delete(s.resources, strings.ToLower(str(path(props, "storageProfile", "osDisk", "managedDisk", "id"))))
		} else if d := s.resources[strings.ToLower(str(path(props, "storageProfile", "osDisk", "managedDisk", "id")))]; d != nil {
			path(d.body, "properties").(map[string]any)["managedBy"] = ""
			path(d.body, "properties").(map[string]any)["diskState"] = "Unattached"
		}
		nics, _ := path(props, "networkProfile", "networkInterfaces").([]any)
		for _, n := range nics {
			if str(path(n, "properties", "deleteOption")) == "Delete" {
				delete(s.resources, strings.ToLower(str(path(n, "id"))))
			}
		}
	}
	delete(s.resources, strings.ToLower(id))
	s.newOp(r, w, loc, typ)
	w.WriteHeader(http.StatusAccepted)
}

// refers reports whether the JSON body mentions id (case-insensitively) as
// an "id" value.
func refers(body any, id string) bool {
	switch x := body.(type) {
	case map[string]any:
		for k, v := range x {
			if k == "id" && strings.EqualFold(str(v), id) {
				return true
			}
			if refers(v, id) {
				return true
			}
		}
	case []any:
		for _, v := range x {
			if refers(v, id) {
				return true
			}
		}
	}
	return false
}

func (s *Server) list(w http.ResponseWriter, sub, rg, typ string) {
	if _, ok := namespaces[typ]; !ok {
		writeError(w, http.StatusBadRequest, "InvalidResourceType", "The resource type '"+typ+"' could not be found.")
		return
	}
	if f := s.match(OpList, shortType(typ), "", "", "", ""); f != nil {
		s.syncFault(w, f, "", "")
		return
	}
	prefix := strings.ToLower("/subscriptions/" + sub + "/")
	if rg != "" {
		prefix += strings.ToLower("resourceGroups/" + rg + "/")
	}
	var items []*Resource
	for k, r := range s.resources {
		if strings.HasPrefix(k, prefix) && strings.EqualFold(r.Type, shortType(typ)) {
			items = append(items, r)
		}
	}
	slices.SortFunc(items, func(a, b *Resource) int { return strings.Compare(strings.ToLower(a.ID), strings.ToLower(b.ID)) })
	value := make([]any, 0, len(items))
	for _, r := range items {
		value = append(value, s.view(r))
	}
	writeJSON(w, http.StatusOK, map[string]any{"value": value})
}

func (s *Server) syncFault(w http.ResponseWriter, f *Fault, size, location string) {
	status := f.Status
	if status == 0 {
		status = defaultStatus(f.Code)
	}
	msg := f.Message
	if msg == "" {
		msg = defaultMessage(f.Code, size, location)
		if f.Code == "OperationNotAllowed" && status == http.StatusTooManyRequests {
			msg = "The server rejected the request because too many requests have been received for this subscription."
		}
	}
	inner := map[string]any{"code": f.Code, "message": msg}
	if status == http.StatusTooManyRequests {
		ra := f.RetryAfter
		if ra == 0 {
			ra = 1
		}
		w.Header().Set("Retry-After", strconv.Itoa(ra))
		inner["details"] = []any{map[string]any{"code": "TooManyRequests", "target": "PutVM3Min", "message": "{\"operationGroup\":\"PutVM3Min\",\"startTime\":\"2026-01-02T03:04:05+00:00\",\"endTime\":\"2026-01-02T03:07:05+00:00\",\"allowedRequestCount\":240,\"measuredRequestCount\":241}"}}
	}
	w.Header().Set("x-ms-error-code", f.Code)
	writeJSON(w, status, map[string]any{"error": inner})
}

func defaultStatus(code string) int {
	switch code {
	case "SkuNotAvailable", "OperationNotAllowed", "AllocationFailed", "ZonalAllocationFailed",
		"OverconstrainedAllocationRequest", "OverconstrainedZonalAllocationRequest", "QuotaExceeded", "Conflict":
		return http.StatusConflict
	case "AuthorizationFailed", "ReadOnlyDisabledSubscription":
		return http.StatusForbidden
	case "InvalidAuthenticationToken", "ExpiredAuthenticationToken", "AuthenticationFailed":
		return http.StatusUnauthorized
	case "TooManyRequests":
		return http.StatusTooManyRequests
	case "InternalServerError", "InternalExecutionError":
		return http.StatusInternalServerError
	case "ServiceUnavailable":
		return http.StatusServiceUnavailable
	case "GatewayTimeout":
		return http.StatusGatewayTimeout
	case "SubscriptionNotFound", "ResourceNotFound", "NotFound":
		return http.StatusNotFound
	}
	return http.StatusBadRequest
}

func defaultMessage(code, size, location string) string {
	switch code {
	case "AllocationFailed":
		return "Allocation failed. We do not have sufficient capacity for the requested VM size in this region. Read more about improving likelihood of allocation success at http://aka.ms/allocation-guidance"
	case "ZonalAllocationFailed":
		return "Allocation failed. We do not have sufficient capacity for the requested VM size in this zone. Read more about improving likelihood of allocation success at http://aka.ms/allocation-guidance"
	case "OverconstrainedAllocationRequest", "OverconstrainedZonalAllocationRequest":
		return "Allocation failed. VM(s) with the following constraints cannot be allocated, because the condition is too restrictive. Please remove some constraints and try again. Constraints applied are: - VM Size"
	case "SkuNotAvailable":
		return fmt.Sprintf("The requested VM size for resource 'Following SKUs have failed for Capacity Restrictions: %s' is currently not available in location '%s'. Please try another size or deploy to a different location or different zone. See https://aka.ms/azureskunotavailable for details.", size, location)
	case "OperationNotAllowed", "QuotaExceeded":
		return fmt.Sprintf("Operation could not be completed as it results in exceeding approved standardNCADSA100v4Family Cores quota. Additional details - Deployment Model: Resource Manager, Location: %s, Current Limit: 0, Current Usage: 0, Additional Required: 24, (Minimum) New Limit Required: 24. Submit a request for Quota increase at https://aka.ms/ProdportalCRP/#blade/Microsoft_Azure_Capacity/UsageAndQuota.ReactView", location)
	case "AuthorizationFailed":
		return "The client '00000000-0000-0000-0000-000000000001' with object id '00000000-0000-0000-0000-000000000001' does not have authorization to perform action 'Microsoft.Compute/virtualMachines/write' over scope '/subscriptions/sub-1/resourceGroups/rg-1' or the scope is invalid. If access was recently granted, please refresh your credentials."
	case "InvalidAuthenticationToken":
		return "The access token is invalid."
	case "ExpiredAuthenticationToken":
		return "The access token expiry UTC time is earlier than current UTC time."
	case "InvalidParameter":
		return "The value of parameter imageReference.sku is invalid."
	case "InternalServerError", "InternalExecutionError":
		return "An internal execution error occurred. Please retry later."
	}
	return "The request failed with " + code + "."
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]any{"code": code, "message": msg}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// path walks nested JSON objects.
func path(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

func str(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return ""
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}
