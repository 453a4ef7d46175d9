package aws

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	awssdk "github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ec2"

	"github.com/skyhop/skyhop/drivers"
)

// Cloud is the cloud name the driver serves, as in the catalog.
const Cloud = "aws"

// The tags every instance gets. TagCluster carries the cluster name (the
// key ListInstances and orphan sweeps search by), TagLaunch the launch's
// idempotency token; the Name tag is the cluster name too.
const (
	TagCluster = "skyhop:cluster"
	TagLaunch  = "skyhop:launch"
)

// Defaults of the options.
const (
	DefaultLaunchTimeout    = 5 * time.Minute
	DefaultTerminateTimeout = 10 * time.Minute
	DefaultPollInterval     = 2 * time.Second
)

// DefaultImageNames are the image name patterns (owner amazon, x86_64) the
// driver resolves a default image from when neither the request nor
// WithDefaultImage names one: the newest image matching the first pattern
// that matches anything.
var DefaultImageNames = []string{
	"Deep Learning Base OSS Nvidia Driver GPU AMI (Ubuntu 22.04) *",
	"Deep Learning AMI*",
}

// Driver is the EC2 driver. It implements drivers.Driver,
// drivers.CredentialChecker and drivers.ClusterLister, and is safe for
// concurrent use.
type Driver struct {
	cfg     awssdk.Config
	opts    options
	mu      sync.Mutex
	clients map[string]*ec2.Client
	zones   map[string]*zoneMap
	images  map[string]imageInfo // region + "/" + image ID or pattern key
	used    map[string]bool      // regions launched in
}

var (
	_ drivers.Driver            = (*Driver)(nil)
	_ drivers.CredentialChecker = (*Driver)(nil)
	_ drivers.ClusterLister     = (*Driver)(nil)
)

type options struct {
	cfg              *awssdk.Config
	loadOpts         []func(*config.LoadOptions) error
	endpoint         string
	regions          []string
	creds            awssdk.CredentialsProvider
	httpClient       awssdk.HTTPClient
	launchTimeout    time.Duration
	terminateTimeout time.Duration
	pollInterval     time.Duration
	images           map[string]string
	imageNames       []string
	customize        func(*ec2.RunInstancesInput)
	log              *slog.Logger
}

// Option configures New.
type Option func(*options)

// WithConfig uses cfg (a copy) instead of config.LoadDefaultConfig.
func WithConfig(cfg awssdk.Config) Option {
	return func(o *options) { c := cfg.Copy(); o.cfg = &c }
}

// WithLoadOptions passes options to config.LoadDefaultConfig (a shared
// config profile, say: config.WithSharedConfigProfile("gpu")). Ignored
// with WithConfig.
func WithLoadOptions(fns ...func(*config.LoadOptions) error) Option {
	return func(o *options) { o.loadOpts = append(o.loadOpts, fns...) }
}

// WithEndpoint sends every EC2 call to url ("http://127.0.0.1:5000" for
// moto) instead of the regional AWS endpoint. Without it the standard
// AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_EC2 variables (and endpoint_url in
// the shared config) still apply.
func WithEndpoint(url string) Option { return func(o *options) { o.endpoint = url } }

// WithRegions names the regions the driver knows: ListInstances with region
// "" searches them (and every region the driver launched in), and
// CheckCredentials asks the first. By default, the configuration's region.
func WithRegions(regions ...string) Option {
	return func(o *options) { o.regions = append(o.regions, regions...) }
}

// WithCredentials uses p instead of the standard credential chain
// (credentials.NewStaticCredentialsProvider(key, secret, "") for tests).
func WithCredentials(p awssdk.CredentialsProvider) Option {
	return func(o *options) { o.creds = p }
}

// WithHTTPClient sends requests through c.
func WithHTTPClient(c awssdk.HTTPClient) Option { return func(o *options) { o.httpClient = c } }

// WithLaunchTimeout bounds how long Launch waits for the instances to run
// after creating them (default DefaultLaunchTimeout). A launch that takes
// longer fails with code LaunchTimeout and returns the instances.
func WithLaunchTimeout(d time.Duration) Option { return func(o *options) { o.launchTimeout = d } }

// WithTerminateTimeout bounds how long Terminate waits for the instances to
// reach "terminated" (default DefaultTerminateTimeout).
func WithTerminateTimeout(d time.Duration) Option {
	return func(o *options) { o.terminateTimeout = d }
}

// WithPollInterval sets how often Launch and Terminate ask for the
// instances' state while they wait (default DefaultPollInterval).
func WithPollInterval(d time.Duration) Option { return func(o *options) { o.pollInterval = d } }

// WithDefaultImage sets the image (AMI ID) launched in region when a
// request names none. Images are regional: set one per region.
func WithDefaultImage(region, ami string) Option {
	return func(o *options) {
		if o.images == nil {
			o.images = map[string]string{}
		}
		o.images[region] = ami
	}
}

// WithDefaultImageNames replaces DefaultImageNames, the name patterns the
// default image is resolved from (owner amazon, architecture x86_64, the
// newest image of the first pattern that matches).
func WithDefaultImageNames(patterns ...string) Option {
	return func(o *options) { o.imageNames = slices.Clone(patterns) }
}

// WithRunInstancesInput lets fn adjust every RunInstances request before it
// is sent: a subnet, security groups, a key pair, an instance profile, user
// data. It must not change the count, the instance type, the placement or
// the tags the driver sets.
func WithRunInstancesInput(fn func(*ec2.RunInstancesInput)) Option {
	return func(o *options) { o.customize = fn }
}

// WithLogger logs the driver's calls at debug level, and clean-up failures
// at warn level, to l.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.log = l } }

// New returns an EC2 driver. By default it loads the standard AWS
// configuration with config.LoadDefaultConfig: the credential chain
// (environment, shared files and profiles, SSO, web identity, container
// and instance roles), the region settings, and AWS_ENDPOINT_URL. Options
// override parts of it. New makes no API call; clients are created per
// region on first use.
func New(ctx context.Context, opts ...Option) (*Driver, error) {
	var o options
	for _, fn := range opts {
		fn(&o)
	}
	if o.launchTimeout <= 0 {
		o.launchTimeout = DefaultLaunchTimeout
	}
	if o.terminateTimeout <= 0 {
		o.terminateTimeout = DefaultTerminateTimeout
	}
	if o.pollInterval <= 0 {
		o.pollInterval = DefaultPollInterval
	}
	if o.imageNames == nil {
		o.imageNames = DefaultImageNames
	}
	var cfg awssdk.Config
	if o.cfg != nil {
		cfg = *o.cfg
	} else {
		lo := slices.Clone(o.loadOpts)
		if o.creds != nil {
			lo = append(lo, config.WithCredentialsProvider(o.creds))
		}
		var err error
		cfg, err = config.LoadDefaultConfig(ctx, lo...)
		if err != nil {
			return nil, fmt.Errorf("aws: loading the AWS configuration (environment, ~/.aws/config, ~/.aws/credentials): %w", err)
		}
	}
	if o.creds != nil {
		cfg.Credentials = o.creds
	}
	if o.httpClient != nil {
		cfg.HTTPClient = o.httpClient
	}
	if o.endpoint != "" {
		cfg.BaseEndpoint = awssdk.String(o.endpoint)
	}
	if len(o.regions) == 0 && cfg.Region != "" {
		o.regions = []string{cfg.Region}
	}
	o.regions = uniq(o.regions)
	return &Driver{cfg: cfg, opts: o, clients: map[string]*ec2.Client{}, zones: map[string]*zoneMap{},
		images: map[string]imageInfo{}, used: map[string]bool{}}, nil
}

// Cloud returns "aws".
func (d *Driver) Cloud() string { return Cloud }

// Regions returns the regions the driver knows: those of WithRegions (or
// the configuration's region) and every region it launched in, sorted.
func (d *Driver) Regions() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := slices.Clone(d.opts.regions)
	for r := range d.used {
		out = append(out, r)
	}
	return dedupe(out)
}

// client returns the EC2 client of region, creating it on first use. The
// SDK's retries are off: the failover engine owns retries, and the SDK's
// retry of InsufficientInstanceCapacity (an HTTP 500) and its client-wide
// retry budget would otherwise hide and distort what the engine sees.
func (d *Driver) client(region string) *ec2.Client {
	d.mu.Lock()
	defer d.mu.Unlock()
	if c, ok := d.clients[region]; ok {
		return c
	}
	c := ec2.NewFromConfig(d.cfg, func(o *ec2.Options) {
		o.Region = region
		o.Retryer = awssdk.NopRetryer{}
		o.RetryMaxAttempts = 0
	})
	d.clients[region] = c
	return c
}

func (d *Driver) markUsed(region string) {
	d.mu.Lock()
	d.used[region] = true
	d.mu.Unlock()
}

func (d *Driver) debug(ctx context.Context, msg string, args ...any) {
	if d.opts.log != nil {
		d.opts.log.DebugContext(ctx, msg, args...)
	}
}

func (d *Driver) warn(ctx context.Context, msg string, args ...any) {
	if d.opts.log != nil {
		d.opts.log.WarnContext(ctx, msg, args...)
	}
}

// dedupe returns the non-empty strings of s, sorted, without duplicates.
func dedupe(s []string) []string {
	out := make([]string, 0, len(s))
	for _, x := range s {
		if x != "" {
			out = append(out, x)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// uniq returns the non-empty strings of s without duplicates, in order.
func uniq(s []string) []string {
	out := make([]string, 0, len(s))
	for _, x := range s {
		if x != "" && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}
