// Package azure is skyhop's Azure driver, on the official Azure SDK for Go
// (armcompute/v7 for virtual machines and disks, armnetwork/v7 for network
// interfaces, public IPs and the virtual network).
//
// # Use
//
//	d, err := azure.New(ctx, azure.WithSubscription("0000-..."), azure.WithResourceGroup("skyhop"),
//		azure.WithSSHPublicKey(key))
//	cl, err := d.Launch(ctx, drivers.LaunchRequest{ClusterName: "train", InstanceType: "Standard_NC24ads_A100_v4",
//		Region: "eastus", Spot: true, Token: "p1-c7-t0"})
//	defer d.Terminate(context.WithoutCancel(ctx), cl)
//
// Against a local server (tests, the launcher's demo mode; see
// internal/azurefake):
//
//	d, err := azure.New(ctx, azure.WithSubscription("sub-1"), azure.WithResourceGroup("rg-1"),
//		azure.WithEndpoint(srv.URL()), azure.WithCredential(azurefake.Credential{}),
//		azure.WithPollInterval(10*time.Millisecond))
//
// # Credentials
//
// By default the driver authenticates with azidentity's
// DefaultAzureCredential chain (environment variables, workload identity,
// managed identity, Azure CLI, Azure Developer CLI); WithCredential passes
// any azcore.TokenCredential instead. The subscription comes from
// WithSubscription or AZURE_SUBSCRIPTION_ID, the resource group from
// WithResourceGroup or AZURE_RESOURCE_GROUP (default "skyhop"); the group
// must exist. WithEndpoint aims the clients at another Resource Manager
// endpoint; an http:// endpoint (a local fake) is allowed to receive the
// bearer token, so use it only for local servers. CheckCredentials lists
// the resource group's virtual machines: it proves the credential, the
// subscription, the group and the read permission before any launch.
//
// # What a launch does
//
// For each of Count nodes, named deterministically from the cluster name
// and the token ("<cluster>-<hash of token>-<i>"), the driver creates a
// public IP (unless WithPublicIP(false)), a network interface in the
// subnet (WithSubnet, or the "default" subnet of a virtual network
// "skyhop-<location>" it creates on first use; virtual networks cost
// nothing and are kept), then the VM through its long-running operation:
// spot requests use priority Spot with eviction policy Delete and max
// price -1 (pay up to on-demand); the OS disk is named "<vm>-osdisk" and,
// like the NIC, has deleteOption Delete. Every resource is tagged
// skyhop-cluster=<cluster> and skyhop-token=<hash>, plus the request's
// labels. Because ARM PUTs are create-or-update on a fixed name, a repeated
// launch with the same token converges on the same resources instead of
// making more. The VM creations are started in node order, then every
// operation is polled (WithPollInterval, default 5 s; the driver polls
// itself rather than PollUntilDone, whose floor is 1 s and default 30 s).
//
// # Capacity semantics
//
// Launch is all-or-nothing for the caller: on success every node runs. A
// node whose creation failed is cleaned up by the driver itself, because on
// Azure a VM whose allocation failed stays behind in the "Failed" state
// with its disk and NIC; the other nodes (created, or of unknown outcome
// when the context ended) come back as the partial cluster with the error,
// for the caller to terminate. Terminate deletes, for every node, the VM,
// then its NIC, public IP and OS disk, waiting for each; a resource already
// gone (404 or 204) counts as deleted, so Terminate is idempotent. Nothing
// billable stays. ListInstances (drivers.ClusterLister) lists the resource
// group's VMs and keeps those tagged with the cluster.
//
// The SDK's retry policy is narrowed: reads (GET: polls, lists) are retried
// on 408/429/5xx as the SDK does by default; PUT and DELETE are never
// retried on an HTTP status (only on a transport failure, where a PUT of a
// fixed name is idempotent), so a refused create comes straight back to the
// failover engine, which owns retries.
//
// # Error mapping
//
// Errors are *drivers.Error classified with codes.Azure on the
// ResponseError's code, status and message (read from the ARM error
// envelope). A failed long-running operation arrives with status 200 and
// the operation's error code. AllocationFailed and
// OverconstrainedAllocationRequest are capacity in the region,
// ZonalAllocationFailed and OverconstrainedZonalAllocationRequest capacity
// in the zone; SkuNotAvailable is unsupported (the region); OperationNotAllowed
// is quota (409, the message names a quota; "LowPriorityCores" for spot) or
// throttle (429); AuthorizationFailed and token errors are permission (the
// whole cloud); InvalidParameter is invalid; 5xx codes are transient. A
// credential that cannot get a token is ClientAuthenticationError
// (permission).
package azure
