package azure

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/arm"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/compute/armcompute/v7"
	"github.com/Azure/azure-sdk-for-go/sdk/resourcemanager/network/armnetwork/v7"

	"github.com/skyhop/skyhop/drivers"
	"github.com/skyhop/skyhop/internal/clock"
	"github.com/skyhop/skyhop/internal/names"
)

// Tag keys the driver sets on every resource it creates.
const (
	// ClusterTag holds the cluster name.
	ClusterTag = "skyhop-cluster"
	// TokenTag holds a hash of the launch's idempotency token.
	TokenTag = "skyhop-token"
)

// Defaults.
const (
	// DefaultImage is the image URN (publisher:offer:sku:version) when
	// neither the request nor WithImage names one.
	DefaultImage = "Canonical:ubuntu-24_04-lts:server:latest"
	// DefaultResourceGroup is the resource group when neither
	// WithResourceGroup nor AZURE_RESOURCE_GROUP names one.
	DefaultResourceGroup = "skyhop"
	// DefaultDiskSizeGiB is the OS disk size when the request gives none.
	DefaultDiskSizeGiB = 100
	// DefaultAdminUser is the VM's administrator account.
	DefaultAdminUser = "skyhop"
)

// Driver launches Azure virtual machines. It implements drivers.Driver,
// drivers.CredentialChecker and drivers.ClusterLister, and is safe for
// concurrent use.
type Driver struct {
	cfg   config
	vms   *armcompute.VirtualMachinesClient
	disks *armcompute.DisksClient
	nics  *armnetwork.InterfacesClient
	ips   *armnetwork.PublicIPAddressesClient
	vnets *armnetwork.VirtualNetworksClient

	mu      sync.Mutex
	subnets map[string]string // location -> subnet ID
}

var (
	_ drivers.Driver            = (*Driver)(nil)
	_ drivers.CredentialChecker = (*Driver)(nil)
	_ drivers.ClusterLister     = (*Driver)(nil)
)

type config struct {
	subscription  string
	resourceGroup string
	cred          azcore.TokenCredential
	endpoint      string
	transport     policy.Transporter
	retry         *policy.RetryOptions
	pollInterval  time.Duration
	maxPoll       time.Duration
	opTimeout     time.Duration
	subnet        string
	publicIP      bool
	image         string
	diskGiB       int
	adminUser     string
	sshKey        string
	log           *slog.Logger
}

// Option configures New.
type Option func(*config)

// WithSubscription sets the subscription ID (default AZURE_SUBSCRIPTION_ID).
func WithSubscription(id string) Option { return func(c *config) { c.subscription = id } }

// WithResourceGroup sets the resource group every resource goes to
// (default AZURE_RESOURCE_GROUP, else "skyhop"). It must exist.
func WithResourceGroup(rg string) Option { return func(c *config) { c.resourceGroup = rg } }

// WithCredential sets the credential (default azidentity's
// DefaultAzureCredential).
func WithCredential(cred azcore.TokenCredential) Option { return func(c *config) { c.cred = cred } }

// WithEndpoint aims the clients at another Resource Manager endpoint (a
// local fake such as internal/azurefake). An http:// endpoint receives the
// bearer token in clear: use one only for local servers.
func WithEndpoint(url string) Option { return func(c *config) { c.endpoint = url } }

// WithTransport sets the HTTP transport of the clients (an *http.Client,
// e.g. the client of an httptest TLS server).
func WithTransport(t policy.Transporter) Option { return func(c *config) { c.transport = t } }

// WithRetry replaces the driver's retry policy (see the package doc).
func WithRetry(r policy.RetryOptions) Option { return func(c *config) { c.retry = &r } }

// WithPollInterval sets the first wait between polls of a long-running
// operation (default 5 s); the wait doubles up to max(30 s, d).
func WithPollInterval(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.pollInterval, c.maxPoll = d, max(d, 30*time.Second)
		}
	}
}

// WithOperationTimeout bounds the wait for one long-running operation
// (default 15 min).
func WithOperationTimeout(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.opTimeout = d
		}
	}
}

// WithSubnet puts the NICs in this subnet (a resource ID) instead of the
// driver's own "skyhop-<location>" virtual network.
func WithSubnet(id string) Option { return func(c *config) { c.subnet = id } }

// WithPublicIP says whether each VM gets a public IP (default true).
func WithPublicIP(on bool) Option { return func(c *config) { c.publicIP = on } }

// WithImage sets the default image: a URN "publisher:offer:sku:version" or
// an image resource ID.
func WithImage(image string) Option { return func(c *config) { c.image = image } }

// WithDiskSizeGiB sets the default OS disk size.
func WithDiskSizeGiB(n int) Option { return func(c *config) { c.diskGiB = n } }

// WithAdminUser sets the VM's administrator account name.
func WithAdminUser(name string) Option { return func(c *config) { c.adminUser = name } }

// WithSSHPublicKey sets the administrator's SSH public key (OpenSSH
// format). Azure refuses a Linux VM with neither a key nor a password.
func WithSSHPublicKey(key string) Option { return func(c *config) { c.sshKey = key } }

// WithLogger logs each call at debug level.
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.log = l } }

// retryReads is the default retry rule: reads are retried on the SDK's
// usual statuses, writes never on a status.
func retryReads(resp *http.Response, err error) bool {
	if err != nil {
		return !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded)
	}
	if resp == nil || resp.Request == nil || resp.Request.Method != http.MethodGet {
		return false
	}
	switch resp.StatusCode {
	case http.StatusRequestTimeout, http.StatusTooManyRequests, http.StatusInternalServerError,
		http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// New returns a driver for one subscription and resource group. It makes
// the SDK clients (no call is made).
func New(ctx context.Context, opts ...Option) (*Driver, error) {
	_ = ctx
	cfg := config{
		pollInterval: 5 * time.Second, maxPoll: 30 * time.Second, opTimeout: 15 * time.Minute,
		publicIP: true, image: DefaultImage, diskGiB: DefaultDiskSizeGiB, adminUser: DefaultAdminUser,
	}
	for _, o := range opts {
		o(&cfg)
	}
	cfg.subscription = cmp.Or(cfg.subscription, os.Getenv("AZURE_SUBSCRIPTION_ID"))
	cfg.resourceGroup = cmp.Or(cfg.resourceGroup, os.Getenv("AZURE_RESOURCE_GROUP"), DefaultResourceGroup)
	if cfg.subscription == "" {
		return nil, errors.New("azure: no subscription: pass azure.WithSubscription or set AZURE_SUBSCRIPTION_ID")
	}
	if cfg.cred == nil {
		cred, err := azidentity.NewDefaultAzureCredential(nil)
		if err != nil {
			return nil, fmt.Errorf("azure: making the default credential: %w; log in with `az login` or pass azure.WithCredential", err)
		}
		cfg.cred = cred
	}
	co := &arm.ClientOptions{}
	if cfg.endpoint != "" {
		co.Cloud = cloud.Configuration{Services: map[cloud.ServiceName]cloud.ServiceConfiguration{
			cloud.ResourceManager: {Endpoint: cfg.endpoint, Audience: "https://management.core.windows.net/"},
		}}
		co.InsecureAllowCredentialWithHTTP = strings.HasPrefix(cfg.endpoint, "http://")
		co.DisableRPRegistration = true
	}
	if cfg.retry != nil {
		co.Retry = *cfg.retry
	} else {
		co.Retry = policy.RetryOptions{MaxRetries: 3, ShouldRetry: retryReads}
	}
	if cfg.transport != nil {
		co.Transport = cfg.transport
	}
	d := &Driver{cfg: cfg, subnets: map[string]string{}}
	var err error
	if d.vms, err = armcompute.NewVirtualMachinesClient(cfg.subscription, cfg.cred, co); err != nil {
		return nil, fmt.Errorf("azure: making the VM client: %w", err)
	}
	if d.disks, err = armcompute.NewDisksClient(cfg.subscription, cfg.cred, co); err != nil {
		return nil, fmt.Errorf("azure: making the disk client: %w", err)
	}
	if d.nics, err = armnetwork.NewInterfacesClient(cfg.subscription, cfg.cred, co); err != nil {
		return nil, fmt.Errorf("azure: making the NIC client: %w", err)
	}
	if d.ips, err = armnetwork.NewPublicIPAddressesClient(cfg.subscription, cfg.cred, co); err != nil {
		return nil, fmt.Errorf("azure: making the public IP client: %w", err)
	}
	if d.vnets, err = armnetwork.NewVirtualNetworksClient(cfg.subscription, cfg.cred, co); err != nil {
		return nil, fmt.Errorf("azure: making the virtual network client: %w", err)
	}
	return d, nil
}

// Cloud returns "azure".
func (d *Driver) Cloud() string { return "azure" }

// ResourceGroup returns the resource group the driver works in.
func (d *Driver) ResourceGroup() string { return d.cfg.resourceGroup }

// VMName returns the name of node i of a launch: the sanitised cluster
// name, a hash of the token and the index (at most 64 characters, lower
// case letters, digits and hyphens, starting with a letter). The node's
// NIC, public IP and OS disk are VMName+"-nic", "-ip" and "-osdisk".
func VMName(cluster, token string, i int) string { return names.Node(cluster, token, i, 64) }

// waitLRO polls p until it is done and returns its result.
func waitLRO[T any](ctx context.Context, d *Driver, p *runtime.Poller[T]) (T, error) {
	interval := d.cfg.pollInterval
	for !p.Done() {
		if err := clock.Real.Sleep(ctx, interval); err != nil {
			var zero T
			return zero, err
		}
		interval = min(interval*2, d.cfg.maxPoll)
		if _, err := p.Poll(ctx); err != nil {
			var zero T
			return zero, err
		}
	}
	return p.Result(ctx)
}

// subnet returns the subnet for NICs in location, creating the driver's
// virtual network on first use.
func (d *Driver) subnet(ctx context.Context, location string) (string, error) {
	if d.cfg.subnet != "" {
		return d.cfg.subnet, nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if id, ok := d.subnets[location]; ok {
		return id, nil
	}
	name := "skyhop-" + strings.ToLower(location)
	got, err := d.vnets.Get(ctx, d.cfg.resourceGroup, name, nil)
	var vnet armnetwork.VirtualNetwork
	switch {
	case err == nil:
		vnet = got.VirtualNetwork
	case isGone(err):
		d.debug(ctx, "create virtual network", "name", name, "location", location)
		p, err := d.vnets.BeginCreateOrUpdate(ctx, d.cfg.resourceGroup, name, armnetwork.VirtualNetwork{
			Location: to.Ptr(location),
			Tags:     map[string]*string{"skyhop": to.Ptr("network")},
			Properties: &armnetwork.VirtualNetworkPropertiesFormat{
				AddressSpace: &armnetwork.AddressSpace{AddressPrefixes: []*string{to.Ptr("10.0.0.0/16")}},
				Subnets: []*armnetwork.Subnet{{Name: to.Ptr("default"),
					Properties: &armnetwork.SubnetPropertiesFormat{AddressPrefix: to.Ptr("10.0.0.0/16")}}},
			},
		}, nil)
		if err != nil {
			return "", err
		}
		res, err := waitLRO(ctx, d, p)
		if err != nil {
			return "", err
		}
		vnet = res.VirtualNetwork
	default:
		return "", err
	}
	for _, sn := range vnet.Properties.Subnets {
		if sn != nil && strings.EqualFold(deref(sn.Name), "default") && sn.ID != nil {
			d.subnets[location] = *sn.ID
			return *sn.ID, nil
		}
	}
	return "", &drivers.Error{Class: drivers.ClassInvalid, Scope: drivers.ScopeRegion, Cloud: "azure", Region: location, Op: "launch",
		Message: fmt.Sprintf("virtual network %s has no subnet named default: add one or pass azure.WithSubnet", deref(vnet.ID))}
}

// imageReference parses an image URN or resource ID.
func imageReference(image string) (*armcompute.ImageReference, error) {
	if strings.HasPrefix(image, "/") {
		return &armcompute.ImageReference{ID: to.Ptr(image)}, nil
	}
	parts := strings.Split(image, ":")
	if len(parts) != 4 || slices.Contains(parts, "") {
		return nil, fmt.Errorf("image %q is neither a URN publisher:offer:sku:version nor an image resource ID", image)
	}
	return &armcompute.ImageReference{Publisher: &parts[0], Offer: &parts[1], SKU: &parts[2], Version: &parts[3]}, nil
}

// anode is one node of a launch in flight.
type anode struct {
	name             string
	poller           *runtime.Poller[armcompute.VirtualMachinesClientCreateOrUpdateResponse]
	privateIP, pubIP string
	inst             drivers.Instance
	err              *drivers.Error
	// doomed: failed for sure; the driver cleans it up.
	doomed        bool
	cleanupFailed error
}

// Launch creates req.Count VMs in req.Region (and req.Zone when set) and
// waits until they run. See the package doc.
func (d *Driver) Launch(ctx context.Context, req drivers.LaunchRequest) (*drivers.Cluster, error) {
	if err := ctx.Err(); err != nil {
		return nil, &drivers.Error{Class: drivers.ClassUnknown, Scope: drivers.ScopeRegion, Cloud: "azure", Region: req.Region, Zone: req.Zone,
			Op: "launch", Message: "launch cancelled before any call", Err: err}
	}
	token := req.Token
	if token == "" {
		token = req.ClusterName + "-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	}
	image, err := imageReference(cmp.Or(req.Image, d.cfg.image))
	if err != nil {
		return nil, &drivers.Error{Class: drivers.ClassInvalid, Cloud: "azure", Region: req.Region, Zone: req.Zone, Op: "launch", Message: err.Error()}
	}
	subnetID, err := d.subnet(ctx, req.Region)
	if err != nil {
		var de *drivers.Error
		if errors.As(err, &de) {
			return nil, de
		}
		return nil, classify(err, "launch", req.Region, req.Zone)
	}
	tags := map[string]*string{}
	for k, v := range req.Labels {
		tags[k] = to.Ptr(v)
	}
	tags[ClusterTag] = to.Ptr(req.ClusterName)
	tags[TokenTag] = to.Ptr(names.TokenHash(token))

	n := req.Nodes()
	nodes := make([]*anode, 0, n)
	var startErr *drivers.Error
	for i := range n {
		nd := &anode{name: VMName(req.ClusterName, token, i)}
		if err := d.start(ctx, req, nd, image, subnetID, tags); err != nil {
			startErr = classify(err, "launch", req.Region, req.Zone)
			nd.doomed = true
			nodes = append(nodes, nd)
			break
		}
		nodes = append(nodes, nd)
	}
	var wg sync.WaitGroup
	for _, nd := range nodes {
		if nd.poller == nil {
			continue
		}
		wg.Go(func() {
			wctx, cancel := context.WithTimeout(ctx, d.cfg.opTimeout)
			defer cancel()
			res, err := waitLRO(wctx, d, nd.poller)
			if err != nil {
				nd.err = classify(err, "launch", req.Region, req.Zone)
				if ctx.Err() == nil && wctx.Err() != nil {
					nd.err.Code, nd.err.Message = "TIMEOUT", fmt.Sprintf("VM %s not created after %v", nd.name, d.cfg.opTimeout)
				}
				// A refused or failed creation is final: clean it up here.
				// A cancelled or timed-out wait leaves the outcome unknown:
				// the node goes back to the caller.
				nd.doomed = wctx.Err() == nil
				return
			}
			nd.inst = d.toInstance(res.VirtualMachine, req.Zone)
			nd.inst.PrivateIP, nd.inst.PublicIP = nd.privateIP, nd.pubIP
		})
	}
	wg.Wait()

	// Clean up what failed for sure, with a context that outlives ctx.
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), d.cfg.opTimeout)
	defer cancel()
	for _, nd := range nodes {
		if !nd.doomed {
			continue
		}
		wg.Go(func() { nd.cleanupFailed = d.deleteNode(cctx, req.Region, req.Zone, nd.name) })
	}
	wg.Wait()

	cl := &drivers.Cluster{Name: req.ClusterName, Cloud: "azure", Region: req.Region, Zone: req.Zone,
		InstanceType: req.InstanceType, Spot: req.Spot, Token: req.Token}
	var first *drivers.Error
	for _, nd := range nodes {
		if nd.err != nil && first == nil {
			first = nd.err
		}
		switch {
		case nd.doomed && nd.cleanupFailed == nil:
		case nd.err == nil && !nd.doomed:
			cl.Instances = append(cl.Instances, nd.inst)
		default: // outcome unknown, or the cleanup failed: the caller terminates it
			cl.Instances = append(cl.Instances, drivers.Instance{ID: nd.name, Zone: req.Zone, State: "unknown"})
		}
	}
	if first == nil {
		first = startErr
	}
	if first == nil {
		return cl, nil
	}
	if ctxErr := ctx.Err(); ctxErr != nil && !errors.Is(first, ctxErr) {
		first = &drivers.Error{Class: drivers.ClassUnknown, Scope: drivers.ScopeRegion, Cloud: "azure", Region: req.Region, Zone: req.Zone,
			Op: "launch", Message: "launch cancelled: " + first.Error(), Err: ctxErr}
	}
	if len(cl.Instances) == 0 {
		return nil, first
	}
	return cl, first
}

// start creates a node's public IP and NIC and starts its VM's creation.
func (d *Driver) start(ctx context.Context, req drivers.LaunchRequest, nd *anode, image *armcompute.ImageReference,
	subnetID string, tags map[string]*string) error {
	rg, loc := d.cfg.resourceGroup, req.Region
	ipcfg := &armnetwork.InterfaceIPConfigurationPropertiesFormat{
		Subnet:                    &armnetwork.Subnet{ID: to.Ptr(subnetID)},
		PrivateIPAllocationMethod: to.Ptr(armnetwork.IPAllocationMethodDynamic),
	}
	if d.cfg.publicIP {
		d.debug(ctx, "create public IP", "name", nd.name+"-ip")
		p, err := d.ips.BeginCreateOrUpdate(ctx, rg, nd.name+"-ip", armnetwork.PublicIPAddress{
			Location: to.Ptr(loc), Tags: tags,
			SKU: &armnetwork.PublicIPAddressSKU{Name: to.Ptr(armnetwork.PublicIPAddressSKUNameStandard)},
			Properties: &armnetwork.PublicIPAddressPropertiesFormat{
				PublicIPAllocationMethod: to.Ptr(armnetwork.IPAllocationMethodStatic),
				DeleteOption:             to.Ptr(armnetwork.DeleteOptionsDelete),
			},
		}, nil)
		if err != nil {
			return err
		}
		ip, err := waitLRO(ctx, d, p)
		if err != nil {
			return err
		}
		nd.pubIP = deref(ip.Properties.IPAddress)
		ipcfg.PublicIPAddress = &armnetwork.PublicIPAddress{ID: ip.ID}
	}
	d.debug(ctx, "create NIC", "name", nd.name+"-nic")
	np, err := d.nics.BeginCreateOrUpdate(ctx, rg, nd.name+"-nic", armnetwork.Interface{
		Location: to.Ptr(loc), Tags: tags,
		Properties: &armnetwork.InterfacePropertiesFormat{
			IPConfigurations: []*armnetwork.InterfaceIPConfiguration{{Name: to.Ptr("ipconfig1"), Properties: ipcfg}},
		},
	}, nil)
	if err != nil {
		return err
	}
	nic, err := waitLRO(ctx, d, np)
	if err != nil {
		return err
	}
	if cfgs := nic.Properties.IPConfigurations; len(cfgs) > 0 && cfgs[0].Properties != nil {
		nd.privateIP = deref(cfgs[0].Properties.PrivateIPAddress)
	}
	linux := &armcompute.LinuxConfiguration{}
	if d.cfg.sshKey != "" {
		linux.DisablePasswordAuthentication = to.Ptr(true)
		linux.SSH = &armcompute.SSHConfiguration{PublicKeys: []*armcompute.SSHPublicKey{{
			Path: to.Ptr("/home/" + d.cfg.adminUser + "/.ssh/authorized_keys"), KeyData: to.Ptr(d.cfg.sshKey)}}}
	}
	vm := armcompute.VirtualMachine{
		Location: to.Ptr(loc), Tags: tags,
		Properties: &armcompute.VirtualMachineProperties{
			HardwareProfile: &armcompute.HardwareProfile{VMSize: to.Ptr(armcompute.VirtualMachineSizeTypes(req.InstanceType))},
			StorageProfile: &armcompute.StorageProfile{
				ImageReference: image,
				OSDisk: &armcompute.OSDisk{
					Name:         to.Ptr(nd.name + "-osdisk"),
					CreateOption: to.Ptr(armcompute.DiskCreateOptionTypesFromImage),
					DeleteOption: to.Ptr(armcompute.DiskDeleteOptionTypesDelete),
					DiskSizeGB:   to.Ptr(int32(cmp.Or(req.DiskSizeGiB, d.cfg.diskGiB))),
				},
			},
			OSProfile: &armcompute.OSProfile{ComputerName: to.Ptr(nd.name), AdminUsername: to.Ptr(d.cfg.adminUser), LinuxConfiguration: linux},
			NetworkProfile: &armcompute.NetworkProfile{NetworkInterfaces: []*armcompute.NetworkInterfaceReference{{
				ID:         nic.ID,
				Properties: &armcompute.NetworkInterfaceReferenceProperties{Primary: to.Ptr(true), DeleteOption: to.Ptr(armcompute.DeleteOptionsDelete)},
			}}},
		},
	}
	if req.Zone != "" {
		vm.Zones = []*string{to.Ptr(req.Zone)}
	}
	if req.Spot {
		vm.Properties.Priority = to.Ptr(armcompute.VirtualMachinePriorityTypesSpot)
		vm.Properties.EvictionPolicy = to.Ptr(armcompute.VirtualMachineEvictionPolicyTypesDelete)
		vm.Properties.BillingProfile = &armcompute.BillingProfile{MaxPrice: to.Ptr(-1.0)}
	}
	d.debug(ctx, "create VM", "name", nd.name, "size", req.InstanceType, "location", loc, "zone", req.Zone, "spot", req.Spot)
	p, err := d.vms.BeginCreateOrUpdate(ctx, rg, nd.name, vm, nil)
	if err != nil {
		return err
	}
	nd.poller = p
	return nil
}

func (d *Driver) toInstance(vm armcompute.VirtualMachine, zone string) drivers.Instance {
	in := drivers.Instance{ID: deref(vm.Name), Zone: zone, State: "unknown"}
	if len(vm.Zones) > 0 {
		in.Zone = deref(vm.Zones[0])
	}
	if p := vm.Properties; p != nil {
		in.State = provisioningState(deref(p.ProvisioningState))
		if p.TimeCreated != nil {
			in.LaunchedAt = *p.TimeCreated
		}
	}
	return in
}

// provisioningState maps ARM's provisioningState to skyhop's lower-case
// lifecycle state.
func provisioningState(s string) string {
	switch strings.ToLower(s) {
	case "succeeded":
		return "running"
	case "creating", "updating":
		return "pending"
	case "":
		return "unknown"
	}
	return strings.ToLower(s)
}

// deleteLRO deletes through a long-running operation; a resource already
// gone is not an error.
func deleteLRO[T any](ctx context.Context, d *Driver, p *runtime.Poller[T], err error) error {
	if err != nil {
		if isGone(err) {
			return nil
		}
		return err
	}
	if _, err := waitLRO(ctx, d, p); err != nil && !isGone(err) {
		return err
	}
	return nil
}

// deleteNode deletes a node's VM, then its NIC, public IP and OS disk.
func (d *Driver) deleteNode(ctx context.Context, region, zone, name string) error {
	rg := d.cfg.resourceGroup
	d.debug(ctx, "delete VM", "name", name)
	vp, err := d.vms.BeginDelete(ctx, rg, name, nil)
	if err := deleteLRO(ctx, d, vp, err); err != nil {
		return classify(err, "terminate", region, zone)
	}
	var errs []error
	np, err := d.nics.BeginDelete(ctx, rg, name+"-nic", nil)
	if err := deleteLRO(ctx, d, np, err); err != nil {
		errs = append(errs, classify(err, "terminate", region, zone))
	}
	ip, err := d.ips.BeginDelete(ctx, rg, name+"-ip", nil)
	if err := deleteLRO(ctx, d, ip, err); err != nil {
		errs = append(errs, classify(err, "terminate", region, zone))
	}
	dp, err := d.disks.BeginDelete(ctx, rg, name+"-osdisk", nil)
	if err := deleteLRO(ctx, d, dp, err); err != nil {
		errs = append(errs, classify(err, "terminate", region, zone))
	}
	return errors.Join(errs...)
}

// Terminate deletes every VM of c with its NIC, public IP and OS disk, and
// waits until they are gone. What is already gone counts as deleted.
func (d *Driver) Terminate(ctx context.Context, c *drivers.Cluster) error {
	if c == nil || len(c.Instances) == 0 {
		return nil
	}
	errs := make([]error, len(c.Instances))
	var wg sync.WaitGroup
	for i, in := range c.Instances {
		wg.Go(func() { errs[i] = d.deleteNode(ctx, c.Region, cmp.Or(in.Zone, c.Zone), in.ID) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// CheckCredentials lists the resource group's VMs (one page).
func (d *Driver) CheckCredentials(ctx context.Context) error {
	pager := d.vms.NewListPager(d.cfg.resourceGroup, nil)
	if _, err := pager.NextPage(ctx); err != nil {
		e := classify(err, "check credentials", "", "")
		e.Message = fmt.Sprintf("subscription %s, resource group %s: %s", d.cfg.subscription, d.cfg.resourceGroup, e.Message)
		return e
	}
	return nil
}

// ListInstances returns the VMs of the resource group tagged with
// clusterName, in location region when it is not empty, ordered by name.
func (d *Driver) ListInstances(ctx context.Context, clusterName, region string) ([]drivers.Instance, error) {
	pager := d.vms.NewListPager(d.cfg.resourceGroup, nil)
	var out []drivers.Instance
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return nil, classify(err, "list", region, "")
		}
		for _, vm := range page.Value {
			if vm == nil || deref(vm.Tags[ClusterTag]) != clusterName {
				continue
			}
			if region != "" && !strings.EqualFold(deref(vm.Location), region) {
				continue
			}
			out = append(out, d.toInstance(*vm, ""))
		}
	}
	slices.SortFunc(out, func(a, b drivers.Instance) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}

func (d *Driver) debug(ctx context.Context, msg string, args ...any) {
	if d.cfg.log != nil {
		d.cfg.log.DebugContext(ctx, "azure: "+msg, append([]any{"resource_group", d.cfg.resourceGroup}, args...)...)
	}
}

// deref returns *p, or "" for nil.
func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
