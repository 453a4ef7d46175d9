// Package drivers defines the contract between skyhop's failover engine and a
// cloud: the Driver interface every cloud implements, the request and result
// types that cross it, and the error taxonomy (Class, Scope, Error) that lets
// the engine react to a provider's "no" without knowing the provider.
//
// A driver translates; it never decides. It turns a LaunchRequest into the
// provider's create call, waits until the instances run, and, when the
// provider refuses, returns an *Error whose Class says what kind of refusal it
// was (out of capacity, over quota, not allowed, ...) and whose Scope says how
// far it reaches (this zone, the region, the whole cloud). Drivers never retry
// a create on their own: retries, backoff and failover belong to package
// failover.
//
// New capabilities arrive as optional interfaces (CredentialChecker,
// ClusterLister), found by type assertion, never as new methods on Driver.
package drivers

import (
	"context"
	"time"
)

// Driver provisions and terminates machines on one cloud.
//
// Implementations must be safe for concurrent use: the failover engine may
// run several launches at once on the same driver.
type Driver interface {
	// Cloud returns the lower-case cloud name this driver serves ("aws",
	// "gcp", "azure", ...). It must match the cloud names of the catalog.
	Cloud() string

	// Launch creates req.Count instances of req.InstanceType in req.Region
	// (and req.Zone when set) and waits until they run.
	//
	// It is all-or-nothing from the caller's point of view: on success it
	// returns a Cluster with exactly req.Count running instances; on failure
	// it returns an error, and, when the provider created some instances
	// before failing, also the partial Cluster holding them so that the
	// caller can terminate it. Errors should be *Error values (use
	// Classify-style helpers of the cloud's error table).
	Launch(ctx context.Context, req LaunchRequest) (*Cluster, error)

	// Terminate deletes every instance of the cluster and waits until they
	// are gone (no longer billable). It is idempotent: terminating a cluster
	// that is already gone, or partly gone, succeeds.
	Terminate(ctx context.Context, c *Cluster) error
}

// CredentialChecker is implemented by drivers that can check, cheaply and
// before any launch, that their credentials and configuration work. The
// engine calls it once per Provision call (preflight); a failure drops the
// driver's cloud with the reason.
type CredentialChecker interface {
	// CheckCredentials returns nil when the driver can work, else why not,
	// preferably as an *Error of class ClassPermission or ClassInvalid.
	CheckCredentials(ctx context.Context) error
}

// ClusterLister is implemented by drivers that can list the live instances
// carrying a cluster's name tag. The engine uses it to verify that a
// rollback really removed everything; orphan sweeps use it to find leftovers.
type ClusterLister interface {
	// ListInstances returns the instances tagged with clusterName that are
	// not yet terminated, in any region the driver can see (region "" means
	// every region the driver knows; a non-empty region narrows the search).
	ListInstances(ctx context.Context, clusterName, region string) ([]Instance, error)
}

// LaunchRequest is one attempt: Count nodes of one instance type in one
// location and one market.
type LaunchRequest struct {
	// ClusterName names the cluster; every instance is tagged with it.
	ClusterName string
	// Count is the number of nodes, all-or-nothing. Zero means one.
	Count int
	// InstanceType is the provider's instance type (e.g. "p4d.24xlarge").
	InstanceType string
	// Region is required; Zone is optional (empty for clouds priced per
	// region, or to let the provider choose).
	Region string
	Zone   string
	// Spot asks for the spot (preemptible) market instead of on-demand.
	Spot bool
	// Accelerator and AcceleratorCount describe the GPUs to attach when the
	// provider composes them with a host (GCP n1 + T4, for example). Drivers
	// whose instance types carry their accelerators ignore them.
	Accelerator      string
	AcceleratorCount float64
	// DiskSizeGiB is the boot disk size; zero lets the driver choose.
	DiskSizeGiB int
	// Image is the machine image; empty lets the driver choose a default.
	Image string
	// Labels are extra tags for every instance.
	Labels map[string]string
	// Token is an idempotency token unique to this attempt (provision id,
	// candidate, try). Drivers pass it to the provider (EC2 ClientToken, GCP
	// requestId, deterministic Azure names) so that a retried call never
	// creates a second cluster.
	Token string
}

// Nodes returns the number of nodes requested: Count, or 1 when Count is 0.
func (r LaunchRequest) Nodes() int {
	if r.Count <= 0 {
		return 1
	}
	return r.Count
}

// Cluster is a set of instances created by one Launch.
type Cluster struct {
	// Name is the cluster name of the request.
	Name string
	// Cloud, Region and Zone say where the cluster runs.
	Cloud  string
	Region string
	Zone   string
	// InstanceType and Spot repeat the request.
	InstanceType string
	Spot         bool
	// Instances are the nodes; on success there are exactly Count of them.
	Instances []Instance
	// Token is the idempotency token of the launch that made the cluster.
	Token string
}

// InstanceIDs returns the IDs of the cluster's instances, in order.
func (c *Cluster) InstanceIDs() []string {
	if c == nil {
		return nil
	}
	ids := make([]string, len(c.Instances))
	for i, in := range c.Instances {
		ids[i] = in.ID
	}
	return ids
}

// Instance is one machine.
type Instance struct {
	// ID is the provider's instance ID (or name, where the provider keys on
	// names).
	ID string
	// Zone is where the instance runs ("" where the cloud has no zones).
	Zone string
	// State is the provider's lifecycle state, lower case ("pending",
	// "running", "terminated", ...).
	State string
	// PrivateIP and PublicIP are empty when unknown or not assigned.
	PrivateIP string
	PublicIP  string
	// LaunchedAt is when the provider reports the instance was created.
	LaunchedAt time.Time
}
