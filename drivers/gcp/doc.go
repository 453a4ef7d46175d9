// Package gcp is skyhop's Google Compute Engine driver, on the official
// cloud.google.com/go/compute REST client (apiv1 InstancesClient).
//
// # Use
//
//	d, err := gcp.New(ctx, gcp.WithProject("my-project"))
//	cl, err := d.Launch(ctx, drivers.LaunchRequest{ClusterName: "train", Count: 2,
//		InstanceType: "n1-highmem-8", Region: "us-central1", Zone: "us-central1-a",
//		Accelerator: "V100", AcceleratorCount: 1, Spot: true, Token: "p1-c3-t0"})
//	defer d.Terminate(context.WithoutCancel(ctx), cl)
//
// Against a local server (tests, the launcher's demo mode; see
// internal/gcefake):
//
//	d, err := gcp.New(ctx, gcp.WithProject("demo"), gcp.WithEndpoint(srv.URL()),
//		gcp.WithPollInterval(10*time.Millisecond))
//
// # Credentials
//
// By default the clients use Application Default Credentials (the
// GOOGLE_APPLICATION_CREDENTIALS file, gcloud's user credentials, or the
// metadata server). Pass other credentials with WithClientOptions
// (option.WithCredentials, option.WithAuthCredentials,
// option.WithCredentialsFile, ...). WithEndpoint with an http:// URL turns
// authentication off (a local server wants none). The project comes from
// WithProject, else GOOGLE_CLOUD_PROJECT, CLOUDSDK_CORE_PROJECT or
// GCLOUD_PROJECT; New fails when none is set. CheckCredentials reads the
// project (compute.projects.get): it proves the credentials, the project
// and that the Compute API is enabled, before any launch.
//
// # What a launch does
//
// Launch inserts Count instances in one zone (GCE is zonal: a request
// without a zone is refused as invalid), one Insert per node, named
// deterministically from the cluster name and the token
// ("<cluster>-<hash of token>-<i>") with a requestId that is a UUID derived
// from the token and the node index, so a repeated launch with the same
// token returns the same instances instead of making more. Spot requests use
// the SPOT provisioning model (instanceTerminationAction DELETE). GPUs: an
// n1 host gets its GPUs as guest accelerators from
// LaunchRequest.Accelerator and AcceleratorCount ("V100" ->
// nvidia-tesla-v100); A2, A3, A4 and G2 types carry theirs and ignore the
// fields. Every instance is labelled skyhop-cluster=<cluster> and
// skyhop-token=<hash>, values sanitised to GCE's label rules (lower case,
// [-_a-z0-9], at most 63 characters). TPUs are not Compute Engine VMs and
// are refused as unsupported.
//
// Inserts are issued in node order, then every operation is awaited. A
// driver must not trust Operation.Wait alone: it returns nil for a failed
// operation that carries no httpErrorStatusCode, and when it does return an
// error that error holds no structured code. So the driver polls the
// operation itself (WithPollInterval, default 2 s, growing to 15 s) and
// always reads the operation's error list when it is DONE.
//
// # Capacity semantics
//
// Launch is all-or-nothing for the caller: on success every node runs; on
// failure it returns the error and, when some nodes were created (or their
// inserts accepted and their outcome unknown, e.g. on cancellation), the
// partial cluster holding them, for the caller to terminate. The driver
// never retries a create: Insert and Delete have no SDK retries; reads
// (Get, List, operation polls) keep the SDK's retries of 503/504. Terminate
// deletes every node, waits for each delete operation, treats 404 as gone,
// and is idempotent. ListInstances (drivers.ClusterLister) reads the
// aggregated instance list filtered by the cluster label.
//
// # Error mapping
//
// Errors are *drivers.Error classified with codes.GCP. A failed operation is
// classified on each error.errors[].code with the operation's
// httpErrorStatusCode, and the widest result wins: ZONE_RESOURCE_POOL_EXHAUSTED
// and ZONE_RESOURCE_POOL_EXHAUSTED_WITH_DETAILS are capacity in the zone;
// QUOTA_EXCEEDED is quota in the region, or in the whole cloud when the
// quota is global (GPUS_ALL_REGIONS, "globally"). A synchronous HTTP error is
// classified on each errors[].reason with the status, never on the status
// alone, since 403 carries forbidden (permission, whole cloud),
// quotaExceeded (quota) and rateLimitExceeded (throttle); 400 invalid is an
// invalid request, except "does not exist in zone" (unsupported); 5xx
// without a known reason is transient. An operation still running after
// WithOperationTimeout is TIMEOUT (unknown, zone).
package gcp
