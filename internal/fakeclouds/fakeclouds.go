// Package fakeclouds starts the local Compute Engine and Azure servers
// (internal/gcefake, internal/azurefake) and the real gcp and azure drivers
// aimed at them, so that a launcher can run `--clouds gcp,azure` end to end
// with no account and no network:
//
//	fc, err := fakeclouds.Start(ctx)
//	defer fc.Close()
//	fc.Story("us-central1")     // optional: stockouts, then a global GPU quota on GCP
//	res, err := failover.Provision(ctx, plan, fc.Drivers())
//	...
//	fmt.Println(fc.Leftovers()) // what is still billable on either fake
//
// The drivers are the production drivers: only their endpoint, credential
// and poll interval differ.
package fakeclouds

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/skyhop/skyhop/drivers"
	"github.com/skyhop/skyhop/drivers/azure"
	"github.com/skyhop/skyhop/drivers/gcp"
	"github.com/skyhop/skyhop/internal/azurefake"
	"github.com/skyhop/skyhop/internal/gcefake"
)

// Names the fakes use.
const (
	Project       = "skyhop-demo"
	Subscription  = "00000000-0000-0000-0000-00000000d3m0"
	ResourceGroup = "skyhop-demo"
)

// Clouds holds the two fake servers and the drivers aimed at them.
type Clouds struct {
	// GCE and Azure are the servers (inject faults, read the inventory).
	GCE   *gcefake.Server
	Azure *azurefake.Server
	// GCP and AzureDriver are the real drivers.
	GCP         *gcp.Driver
	AzureDriver *azure.Driver
}

type config struct {
	poll time.Duration
}

// Option configures Start.
type Option func(*config)

// WithPollInterval sets the drivers' operation poll interval (default
// 20 ms).
func WithPollInterval(d time.Duration) Option { return func(c *config) { c.poll = d } }

// Start starts both servers and makes both drivers.
func Start(ctx context.Context, opts ...Option) (*Clouds, error) {
	cfg := config{poll: 20 * time.Millisecond}
	for _, o := range opts {
		o(&cfg)
	}
	c := &Clouds{GCE: gcefake.New(), Azure: azurefake.New()}
	var err error
	c.GCP, err = gcp.New(ctx, gcp.WithProject(Project), gcp.WithEndpoint(c.GCE.URL()), gcp.WithPollInterval(cfg.poll))
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("fakeclouds: %w", err)
	}
	c.AzureDriver, err = azure.New(ctx, azure.WithSubscription(Subscription), azure.WithResourceGroup(ResourceGroup),
		azure.WithEndpoint(c.Azure.URL()), azure.WithCredential(azurefake.Credential{}), azure.WithPollInterval(cfg.poll),
		azure.WithSSHPublicKey("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDemoKeyOfTheLocalFake skyhop@demo"))
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("fakeclouds: %w", err)
	}
	return c, nil
}

// Drivers returns the GCP and Azure drivers.
func (c *Clouds) Drivers() []drivers.Driver { return []drivers.Driver{c.GCP, c.AzureDriver} }

// Driver returns the driver of cloud ("gcp" or "azure"), or nil.
func (c *Clouds) Driver(cloud string) drivers.Driver {
	switch strings.ToLower(cloud) {
	case "gcp":
		return c.GCP
	case "azure":
		return c.AzureDriver
	}
	return nil
}

// Story injects the failover story of the issue: every zone of gcpRegion
// answers ZONE_RESOURCE_POOL_EXHAUSTED, and every other GCP insert is
// refused with the global GPU quota (QUOTA_EXCEEDED, GPUS_ALL_REGIONS), so
// the engine leaves GCP for the next cloud.
func (c *Clouds) Story(gcpRegion string) {
	c.GCE.AddFault(gcefake.Fault{Region: gcpRegion, Code: "ZONE_RESOURCE_POOL_EXHAUSTED"})
	c.GCE.AddFault(gcefake.Fault{Code: "QUOTA_EXCEEDED", Message: "Quota 'GPUS_ALL_REGIONS' exceeded.  Limit: 0.0 globally."})
}

// Leftovers describes everything still billable on either fake, one line
// each ("gcp us-central1-a/NAME RUNNING", "azure virtualMachines/NAME
// Succeeded"); empty when nothing is left.
func (c *Clouds) Leftovers() []string {
	var out []string
	for _, in := range c.GCE.Instances() {
		out = append(out, fmt.Sprintf("gcp %s/%s %s", in.Zone, in.Name, in.Status))
	}
	for _, r := range c.Azure.Billable() {
		out = append(out, fmt.Sprintf("azure %s/%s %s", r.Type, r.Name, r.State))
	}
	return out
}

// Close closes the drivers' clients and stops both servers.
func (c *Clouds) Close() {
	if c.GCP != nil {
		_ = c.GCP.Close()
	}
	c.GCE.Close()
	c.Azure.Close()
}
