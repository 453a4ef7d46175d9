package gcp

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	compute "cloud.google.com/go/compute/apiv1"
	"cloud.google.com/go/compute/apiv1/computepb"
	gax "github.com/googleapis/gax-go/v2"
	"google.golang.org/api/iterator"
	"google.golang.org/api/option"
	"google.golang.org/protobuf/proto"

	"github.com/skyhop/skyhop/drivers"
	"github.com/skyhop/skyhop/internal/clock"
	"github.com/skyhop/skyhop/internal/names"
)

// Defaults.
const (
	// DefaultImage is the boot image when neither the request nor
	// WithImage names one.
	DefaultImage = "projects/debian-cloud/global/images/family/debian-12"
	// DefaultDiskSizeGiB is the boot disk size when the request gives none.
	DefaultDiskSizeGiB = 100
	// DefaultNetwork is the VPC network of the instances.
	DefaultNetwork = "global/networks/default"
)

// Driver launches Compute Engine instances. It implements drivers.Driver,
// drivers.CredentialChecker and drivers.ClusterLister, and is safe for
// concurrent use.
type Driver struct {
	cfg  config
	inst *compute.InstancesClient
	proj *compute.ProjectsClient
}

var (
	_ drivers.Driver            = (*Driver)(nil)
	_ drivers.CredentialChecker = (*Driver)(nil)
	_ drivers.ClusterLister     = (*Driver)(nil)
)

type config struct {
	project      string
	endpoint     string
	clientOpts   []option.ClientOption
	pollInterval time.Duration
	maxPoll      time.Duration
	opTimeout    time.Duration
	image        string
	diskGiB      int
	network      string
	subnetwork   string
	externalIP   bool
	log          *slog.Logger
}

// Option configures New.
type Option func(*config)

// WithProject sets the GCP project (required unless an environment
// variable names it; see the package doc).
func WithProject(p string) Option { return func(c *config) { c.project = p } }

// WithEndpoint sends the API calls to url (a local server such as
// internal/gcefake, or a private endpoint). An http:// URL also turns
// authentication off.
func WithEndpoint(url string) Option { return func(c *config) { c.endpoint = url } }

// WithClientOptions adds options for the SDK clients: credentials
// (option.WithCredentials, option.WithAuthCredentials,
// option.WithCredentialsFile), an HTTP client, a quota project, ...
func WithClientOptions(opts ...option.ClientOption) Option {
	return func(c *config) { c.clientOpts = append(c.clientOpts, opts...) }
}

// WithPollInterval sets the first wait between operation polls (default
// 2 s); the wait doubles up to max(15 s, d).
func WithPollInterval(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.pollInterval = d
			c.maxPoll = max(d, 15*time.Second)
		}
	}
}

// WithOperationTimeout bounds the wait for one operation (default 10 min);
// an operation still running then fails the launch as TIMEOUT.
func WithOperationTimeout(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.opTimeout = d
		}
	}
}

// WithImage sets the default boot image (a source image URL or partial
// URL, e.g. "projects/debian-cloud/global/images/family/debian-12").
func WithImage(image string) Option { return func(c *config) { c.image = image } }

// WithDiskSizeGiB sets the default boot disk size.
func WithDiskSizeGiB(n int) Option { return func(c *config) { c.diskGiB = n } }

// WithNetwork sets the VPC network and, when not empty, the subnetwork
// (partial URLs: "global/networks/NAME", "regions/R/subnetworks/NAME").
func WithNetwork(network, subnetwork string) Option {
	return func(c *config) { c.network, c.subnetwork = network, subnetwork }
}

// WithExternalIP says whether instances get an ephemeral external IP
// (default true).
func WithExternalIP(on bool) Option { return func(c *config) { c.externalIP = on } }

// WithLogger logs each call at debug level.
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.log = l } }

// New returns a driver for one project. It makes the SDK clients (no call
// is made); Close releases them.
func New(ctx context.Context, opts ...Option) (*Driver, error) {
	cfg := config{
		pollInterval: 2 * time.Second, maxPoll: 15 * time.Second, opTimeout: 10 * time.Minute,
		image: DefaultImage, diskGiB: DefaultDiskSizeGiB, network: DefaultNetwork, externalIP: true,
	}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.project == "" {
		for _, env := range []string{"GOOGLE_CLOUD_PROJECT", "CLOUDSDK_CORE_PROJECT", "GCLOUD_PROJECT"} {
			if p := os.Getenv(env); p != "" {
				cfg.project = p
				break
			}
		}
	}
	if cfg.project == "" {
		return nil, errors.New("gcp: no project: pass gcp.WithProject or set GOOGLE_CLOUD_PROJECT")
	}
	var copts []option.ClientOption
	if cfg.endpoint != "" {
		copts = append(copts, option.WithEndpoint(cfg.endpoint))
		if strings.HasPrefix(cfg.endpoint, "http://") {
			copts = append(copts, option.WithoutAuthentication())
		}
	}
	copts = append(copts, cfg.clientOpts...)
	inst, err := compute.NewInstancesRESTClient(ctx, copts...)
	if err != nil {
		return nil, fmt.Errorf("gcp: making the instances client (project %s): %w; set up Application Default Credentials (gcloud auth application-default login) or pass credentials with gcp.WithClientOptions", cfg.project, err)
	}
	proj, err := compute.NewProjectsRESTClient(ctx, copts...)
	if err != nil {
		inst.Close()
		return nil, fmt.Errorf("gcp: making the projects client (project %s): %w", cfg.project, err)
	}
	return &Driver{cfg: cfg, inst: inst, proj: proj}, nil
}

// Close releases the SDK clients.
func (d *Driver) Close() error {
	return errors.Join(d.inst.Close(), d.proj.Close())
}

// Cloud returns "gcp".
func (d *Driver) Cloud() string { return "gcp" }

// Project returns the project the driver launches in.
func (d *Driver) Project() string { return d.cfg.project }

// noRetry turns the SDK's retries off for a call.
var noRetry = gax.WithRetry(func() gax.Retryer { return nil })

// gpuTypes maps skyhop's canonical accelerator names to GCE accelerator
// types attachable to n1 hosts (and, for completeness, the others).
var gpuTypes = map[string]string{
	"T4": "nvidia-tesla-t4", "V100": "nvidia-tesla-v100", "P100": "nvidia-tesla-p100",
	"P4": "nvidia-tesla-p4", "K80": "nvidia-tesla-k80", "L4": "nvidia-l4",
	"A100": "nvidia-tesla-a100", "A100-80GB": "nvidia-a100-80gb", "H100": "nvidia-h100-80gb",
	"H100-MEGA": "nvidia-h100-mega-80gb", "H200": "nvidia-h200-141gb", "B200": "nvidia-b200",
}

// AcceleratorType returns the GCE accelerator type of a canonical
// accelerator name ("V100" -> "nvidia-tesla-v100"), and whether it is known.
func AcceleratorType(name string) (string, bool) {
	t, ok := gpuTypes[strings.ToUpper(name)]
	return t, ok
}

// gpuFamily reports whether a machine type carries its own GPUs.
func gpuFamily(typ string) bool {
	for _, p := range []string{"a2-", "a3-", "a4-", "a4x-", "g2-", "g4-"} {
		if strings.HasPrefix(typ, p) {
			return true
		}
	}
	return false
}

// instance builds the insert body of node i.
func (d *Driver) instance(req drivers.LaunchRequest, token string, i int) (*computepb.Instance, *drivers.Error) {
	zone := req.Zone
	bad := func(class drivers.Class, msg string) *drivers.Error {
		return &drivers.Error{Class: class, Scope: drivers.ScopeZone, Cloud: "gcp", Region: req.Region, Zone: zone, Op: "launch", Message: msg}
	}
	if strings.EqualFold(req.InstanceType, "TPU") || strings.HasPrefix(strings.ToLower(req.Accelerator), "tpu-") {
		return nil, bad(drivers.ClassUnsupported, "TPUs are not Compute Engine instances; this driver launches VMs only")
	}
	labels := map[string]string{}
	for k, v := range req.Labels {
		labels[labelKey(k)] = LabelValue(v)
	}
	labels[ClusterLabel] = LabelValue(req.ClusterName)
	labels[TokenLabel] = names.TokenHash(token)
	image := cmp.Or(req.Image, d.cfg.image)
	disk := int64(cmp.Or(req.DiskSizeGiB, d.cfg.diskGiB))
	ni := &computepb.NetworkInterface{Network: proto.String(d.cfg.network)}
	if d.cfg.subnetwork != "" {
		ni.Subnetwork = proto.String(d.cfg.subnetwork)
	}
	if d.cfg.externalIP {
		ni.AccessConfigs = []*computepb.AccessConfig{{Name: proto.String("External NAT"), Type: proto.String("ONE_TO_ONE_NAT")}}
	}
	in := &computepb.Instance{
		Name:        proto.String(InstanceName(req.ClusterName, token, i)),
		MachineType: proto.String("zones/" + zone + "/machineTypes/" + req.InstanceType),
		Labels:      labels,
		Disks: []*computepb.AttachedDisk{{
			AutoDelete: proto.Bool(true), Boot: proto.Bool(true),
			InitializeParams: &computepb.AttachedDiskInitializeParams{DiskSizeGb: proto.Int64(disk), SourceImage: proto.String(image)},
		}},
		NetworkInterfaces: []*computepb.NetworkInterface{ni},
		Scheduling:        &computepb.Scheduling{},
	}
	gpu := gpuFamily(req.InstanceType)
	if req.Accelerator != "" && req.AcceleratorCount > 0 && strings.HasPrefix(req.InstanceType, "n1-") {
		t, ok := AcceleratorType(req.Accelerator)
		if !ok {
			return nil, bad(drivers.ClassUnsupported, fmt.Sprintf("accelerator %q cannot be attached to an n1 host (known: T4, V100, P100, P4, K80)", req.Accelerator))
		}
		n := req.AcceleratorCount
		if n != math.Trunc(n) || n > math.MaxInt32 {
			return nil, bad(drivers.ClassUnsupported, fmt.Sprintf("accelerator count %g is not a whole number of GPUs", n))
		}
		in.GuestAccelerators = []*computepb.AcceleratorConfig{{
			AcceleratorCount: proto.Int32(int32(n)),
			AcceleratorType:  proto.String("zones/" + zone + "/acceleratorTypes/" + t),
		}}
		gpu = true
	}
	if gpu {
		// GPU hosts cannot live-migrate.
		in.Scheduling.OnHostMaintenance = proto.String("TERMINATE")
	}
	if req.Spot {
		in.Scheduling.ProvisioningModel = proto.String("SPOT")
		in.Scheduling.InstanceTerminationAction = proto.String("DELETE")
		in.Scheduling.AutomaticRestart = proto.Bool(false)
		in.Scheduling.OnHostMaintenance = proto.String("TERMINATE")
	} else {
		in.Scheduling.ProvisioningModel = proto.String("STANDARD")
	}
	return in, nil
}

// node is one instance of a launch in flight.
type node struct {
	i    int
	name string
	op   *compute.Operation // nil when adopted (already there)
	err  *drivers.Error
	// created: the instance exists or may exist (its insert was accepted
	// and its operation did not fail).
	created bool
	inst    drivers.Instance
}

// Launch inserts req.Count instances in req.Zone and waits until they run.
// See the package doc for naming, idempotency and errors.
func (d *Driver) Launch(ctx context.Context, req drivers.LaunchRequest) (*drivers.Cluster, error) {
	if err := ctx.Err(); err != nil {
		return nil, &drivers.Error{Class: drivers.ClassUnknown, Cloud: "gcp", Region: req.Region, Zone: req.Zone, Op: "launch",
			Message: "launch cancelled before any call", Err: err}
	}
	if req.Zone == "" {
		return nil, &drivers.Error{Class: drivers.ClassUnsupported, Scope: drivers.ScopeRegion, Cloud: "gcp", Region: req.Region, Op: "launch",
			Message: "Compute Engine instances are zonal: the request needs a zone"}
	}
	token := req.Token
	if token == "" {
		token = req.ClusterName + "-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	}
	n := req.Nodes()
	nodes := make([]*node, 0, n)
	var insertErr *drivers.Error
	for i := range n {
		body, berr := d.instance(req, token, i)
		if berr != nil {
			insertErr = berr
			break
		}
		nd := &node{i: i, name: body.GetName()}
		d.debug(ctx, "insert", "instance", nd.name, "zone", req.Zone, "type", req.InstanceType, "spot", req.Spot)
		op, err := d.inst.Insert(ctx, &computepb.InsertInstanceRequest{
			Project: d.cfg.project, Zone: req.Zone, InstanceResource: body, RequestId: proto.String(RequestID(token, i)),
		}, noRetry)
		if err != nil && isAlreadyExists(err) && d.ours(ctx, req.Zone, nd.name, token) {
			err = nil // a previous call with this token made it
		}
		if err != nil {
			insertErr = classify(err, "launch", req.Region, req.Zone)
			break
		}
		nd.op, nd.created = op, true
		nodes = append(nodes, nd)
	}
	var wg sync.WaitGroup
	for _, nd := range nodes {
		wg.Go(func() { d.settle(ctx, req, nd) })
	}
	wg.Wait()

	cl := &drivers.Cluster{Name: req.ClusterName, Cloud: "gcp", Region: req.Region, Zone: req.Zone,
		InstanceType: req.InstanceType, Spot: req.Spot, Token: req.Token}
	var first *drivers.Error
	for _, nd := range nodes {
		if nd.err != nil && first == nil {
			first = nd.err
		}
		if nd.created {
			cl.Instances = append(cl.Instances, nd.inst)
		}
	}
	if first == nil {
		first = insertErr
	}
	if first == nil && len(cl.Instances) == n {
		return cl, nil
	}
	if first == nil { // cannot happen: every node is either created or failed
		first = &drivers.Error{Class: drivers.ClassUnknown, Cloud: "gcp", Region: req.Region, Zone: req.Zone, Op: "launch",
			Message: fmt.Sprintf("%d of %d instances created", len(cl.Instances), n)}
	}
	if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(first, ctxErr) {
		first = &drivers.Error{Class: drivers.ClassUnknown, Cloud: "gcp", Region: req.Region, Zone: req.Zone, Op: "launch",
			Message: "launch cancelled: " + first.Error(), Err: ctxErr}
	}
	if len(cl.Instances) == 0 {
		return nil, first
	}
	return cl, first
}

// ours reports whether the existing instance name in zone was made by a
// launch with this token.
func (d *Driver) ours(ctx context.Context, zone, name, token string) bool {
	in, err := d.inst.Get(ctx, &computepb.GetInstanceRequest{Project: d.cfg.project, Zone: zone, Instance: name})
	return err == nil && in.GetLabels()[TokenLabel] == names.TokenHash(token)
}

// settle waits for a node's insert and then for the instance to run,
// filling nd.err, nd.created and nd.inst.
func (d *Driver) settle(ctx context.Context, req drivers.LaunchRequest, nd *node) {
	nd.inst = drivers.Instance{ID: nd.name, Zone: req.Zone, State: "pending"}
	wctx, cancel := context.WithTimeout(ctx, d.cfg.opTimeout)
	defer cancel()
	if nd.op != nil {
		if err := d.wait(wctx, nd.op, req.Region, req.Zone, "launch"); err != nil {
			nd.err = d.timeout(ctx, err, req, nd.name)
			// A failed operation made nothing; anything else (cancelled,
			// timed out, poll failed) may have.
			var oe *OperationError
			if errors.As(err, &oe) {
				nd.created = false
			}
			return
		}
	}
	interval := d.cfg.pollInterval
	for {
		in, err := d.inst.Get(wctx, &computepb.GetInstanceRequest{Project: d.cfg.project, Zone: req.Zone, Instance: nd.name})
		if err != nil {
			if isNotFound(err) { // deleted already (spot reclaimed at once)
				nd.created = false
				nd.err = &drivers.Error{Class: drivers.ClassCapacity, Scope: drivers.ScopeZone, Cloud: "gcp", Region: req.Region, Zone: req.Zone,
					Op: "launch", Code: "INSTANCE_GONE", Message: "instance " + nd.name + " vanished right after its creation (preempted)", Err: err}
				return
			}
			nd.err = d.timeout(ctx, classify(err, "launch", req.Region, req.Zone), req, nd.name)
			return
		}
		nd.inst = toInstance(in, req.Zone)
		switch in.GetStatus() {
		case "RUNNING":
			return
		case "STOPPING", "TERMINATED", "SUSPENDING", "SUSPENDED":
			nd.err = &drivers.Error{Class: drivers.ClassCapacity, Scope: drivers.ScopeZone, Cloud: "gcp", Region: req.Region, Zone: req.Zone,
				Op: "launch", Code: "INSTANCE_" + in.GetStatus(), Message: "instance " + nd.name + " stopped right after its creation (preempted): " + in.GetStatusMessage()}
			return
		}
		if err := clock.Real.Sleep(wctx, interval); err != nil {
			nd.err = d.timeout(ctx, err, req, nd.name)
			return
		}
		interval = min(interval*2, d.cfg.maxPoll)
	}
}

// timeout turns an error of the operation's own deadline (the parent
// context still alive) into a TIMEOUT error, and anything else into a
// *drivers.Error.
func (d *Driver) timeout(parent context.Context, err error, req drivers.LaunchRequest, name string) *drivers.Error {
	if errors.Is(err, context.DeadlineExceeded) && parent.Err() == nil {
		return &drivers.Error{Class: drivers.ClassUnknown, Scope: drivers.ScopeZone, Cloud: "gcp", Region: req.Region, Zone: req.Zone, Op: "launch",
			Code: "TIMEOUT", Message: fmt.Sprintf("instance %s not running after %v", name, d.cfg.opTimeout), Err: err}
	}
	var de *drivers.Error
	if errors.As(err, &de) {
		return de
	}
	return classify(err, "launch", req.Region, req.Zone)
}

// wait polls op until it is DONE and returns its error, classified: an
// *OperationError inside a *drivers.Error when the operation failed, the
// poll's error otherwise. It reads the operation's error list even when
// the SDK reports no error (an operation without httpErrorStatusCode).
func (d *Driver) wait(ctx context.Context, op *compute.Operation, region, zone, name string) error {
	interval := d.cfg.pollInterval
	for !op.Done() {
		if err := clock.Real.Sleep(ctx, interval); err != nil {
			return err
		}
		interval = min(interval*2, d.cfg.maxPoll)
		if err := op.Poll(ctx); err != nil {
			if op.Done() && len(op.Proto().GetError().GetErrors()) > 0 {
				return classifyOp(op.Proto(), err, name, region, zone)
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return classify(err, name, region, zone)
		}
	}
	if len(op.Proto().GetError().GetErrors()) > 0 {
		return classifyOp(op.Proto(), nil, name, region, zone)
	}
	return nil
}

func toInstance(in *computepb.Instance, zone string) drivers.Instance {
	out := drivers.Instance{ID: in.GetName(), Zone: cmp.Or(shortName(in.GetZone()), zone), State: strings.ToLower(in.GetStatus())}
	if nis := in.GetNetworkInterfaces(); len(nis) > 0 {
		out.PrivateIP = nis[0].GetNetworkIP()
		if acs := nis[0].GetAccessConfigs(); len(acs) > 0 {
			out.PublicIP = acs[0].GetNatIP()
		}
	}
	if t, err := time.Parse(time.RFC3339, in.GetCreationTimestamp()); err == nil {
		out.LaunchedAt = t
	}
	return out
}

// Terminate deletes every instance of c and waits until each is gone. An
// instance already gone (404) counts as deleted.
func (d *Driver) Terminate(ctx context.Context, c *drivers.Cluster) error {
	if c == nil || len(c.Instances) == 0 {
		return nil
	}
	errs := make([]error, len(c.Instances))
	var wg sync.WaitGroup
	for i, in := range c.Instances {
		zone := cmp.Or(in.Zone, c.Zone)
		wg.Go(func() { errs[i] = d.delete(ctx, c.Region, zone, in.ID) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

func (d *Driver) delete(ctx context.Context, region, zone, name string) error {
	d.debug(ctx, "delete", "instance", name, "zone", zone)
	op, err := d.inst.Delete(ctx, &computepb.DeleteInstanceRequest{Project: d.cfg.project, Zone: zone, Instance: name}, noRetry)
	if err != nil {
		if isNotFound(err) {
			return nil
		}
		return classify(err, "terminate", region, zone)
	}
	wctx, cancel := context.WithTimeout(ctx, d.cfg.opTimeout)
	defer cancel()
	err = d.wait(wctx, op, region, zone, "terminate")
	var de *drivers.Error
	if errors.As(err, &de) && de.Code == "RESOURCE_NOT_FOUND" {
		return nil
	}
	if err != nil && !errors.As(err, &de) {
		return classify(err, "terminate", region, zone)
	}
	return err
}

// CheckCredentials reads the project: it fails, classified, when the
// credentials are missing or invalid, the project does not exist or the
// Compute API is not enabled.
func (d *Driver) CheckCredentials(ctx context.Context) error {
	_, err := d.proj.Get(ctx, &computepb.GetProjectRequest{Project: d.cfg.project})
	if err != nil {
		e := classify(err, "check credentials", "", "")
		e.Message = fmt.Sprintf("project %s: %s", d.cfg.project, e.Message)
		return e
	}
	return nil
}

// ListInstances returns the instances labelled with clusterName in every
// zone (region "") or in the zones of region, ordered by zone and name.
func (d *Driver) ListInstances(ctx context.Context, clusterName, region string) ([]drivers.Instance, error) {
	it := d.inst.AggregatedList(ctx, &computepb.AggregatedListInstancesRequest{
		Project: d.cfg.project,
		Filter:  proto.String(fmt.Sprintf("labels.%s = %q", ClusterLabel, LabelValue(clusterName))),
	})
	var out []drivers.Instance
	for {
		pair, err := it.Next()
		if errors.Is(err, iterator.Done) {
			break
		}
		if err != nil {
			return nil, classify(err, "list", region, "")
		}
		zone := strings.TrimPrefix(pair.Key, "zones/")
		if region != "" && regionOf(zone) != region {
			continue
		}
		for _, in := range pair.Value.GetInstances() {
			out = append(out, toInstance(in, zone))
		}
	}
	slices.SortFunc(out, func(a, b drivers.Instance) int {
		return cmp.Or(strings.Compare(a.Zone, b.Zone), strings.Compare(a.ID, b.ID))
	})
	return out, nil
}

// regionOf returns the region of a zone ("us-central1-a" -> "us-central1").
func regionOf(zone string) string {
	if i := strings.LastIndexByte(zone, '-'); i > 0 {
		return zone[:i]
	}
	return zone
}

func (d *Driver) debug(ctx context.Context, msg string, args ...any) {
	if d.cfg.log != nil {
		d.cfg.log.DebugContext(ctx, "gcp: "+msg, append([]any{"project", d.cfg.project}, args...)...)
	}
}
