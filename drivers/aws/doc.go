// Package aws is skyhop's EC2 driver, on aws-sdk-go-v2. It implements
// drivers.Driver (Launch, Terminate), drivers.CredentialChecker and
// drivers.ClusterLister.
//
//	d, err := aws.New(ctx)                                  // the standard AWS configuration
//	d, err := aws.New(ctx, aws.WithEndpoint("http://127.0.0.1:5000"),
//		aws.WithRegions("us-east-1", "us-west-2"))         // an emulator such as moto
//
// New makes no API call. It builds one EC2 client per region, lazily, and
// the driver is safe for concurrent use.
//
// # Credentials
//
// By default New calls config.LoadDefaultConfig: credentials come from the
// standard chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE and
// the shared config and credentials files, SSO, web identity, container and
// instance roles), and the region from AWS_REGION or the profile. The
// endpoint comes from AWS_ENDPOINT_URL (or AWS_ENDPOINT_URL_EC2, or the
// profile's endpoint_url); WithEndpoint overrides it, which is how a
// launcher's --endpoint flag or a test points the driver at moto. Plain
// http:// endpoints work; requests are still signed, so an emulator needs
// some credentials (any static pair does for moto):
//
//	aws.New(ctx, aws.WithEndpoint(url),
//		aws.WithCredentials(credentials.NewStaticCredentialsProvider("test", "test", "")))
//
// WithConfig replaces the loaded configuration, WithLoadOptions adjusts it
// (a profile, say), WithCredentials and WithHTTPClient replace one part.
// CheckCredentials sends DescribeRegions with DryRun to the first region
// of WithRegions: DryRunOperation means the credentials work; missing
// credentials (CodeNoCredentials), AuthFailure or UnauthorizedOperation
// are ClassPermission errors, and the failover engine then drops AWS before
// any launch.
//
// Images are regional. A request's image is an AMI ID, or a name pattern
// resolved among the account's own and Amazon's images; with none, the
// driver uses WithDefaultImage's AMI for the region, or the newest x86_64
// Amazon image matching DefaultImageNames (a GPU deep-learning image).
// WithRunInstancesInput sets what a real account needs besides (subnet,
// security groups, key pair, instance profile, user data).
//
// # Error mapping
//
// The SDK's retries are off (aws.NopRetryer): the failover engine owns
// retries, and the SDK would otherwise retry InsufficientInstanceCapacity
// (an HTTP 500) in the same zone and drain a client-wide retry budget that
// changes its behaviour in the middle of a run. Every error is a
// *drivers.Error: the EC2 code (smithy.APIError.ErrorCode) and message
// verbatim, the HTTP status, the cloud, region, zone and operation, and the
// Class and Scope of the AWS table in package drivers/codes; it unwraps to
// the SDK's *smithy.OperationError and through it to the smithy.APIError.
// In short:
//
//	InsufficientInstanceCapacity, InsufficientCapacity, ...   capacity     zone
//	Unsupported (type not offered in the zone)                unsupported  zone
//	VcpuLimitExceeded, InstanceLimitExceeded,
//	MaxSpotInstanceCountExceeded                              quota        region
//	UnauthorizedOperation, AuthFailure, expired tokens        permission   cloud
//	RequestLimitExceeded                                      throttle     (retry in place)
//	InternalError, Unavailable, other 5xx, no answer          transient    (retry in place)
//	InvalidParameterValue, InvalidAMIID.Malformed, ...        invalid      cloud
//	InvalidAMIID.NotFound (images are regional)               invalid      region
//	anything else                                             unknown      zone
//
// Failures that are not an EC2 error response carry the driver's own codes
// (CodeLaunchTimeout, CodePartialLaunch, CodeUnknownZone, CodeNoImage,
// CodeNoCredentials, CodeRequestSend, ...). An instance that EC2 terminates
// during its launch is classified by its state reason without the Server.
// or Client. prefix, so Server.InsufficientInstanceCapacity is a capacity
// error like the synchronous one. A cancelled or timed-out context is
// returned wrapped (errors.Is(err, context.Canceled) holds) but not
// classified: it says nothing about the cloud.
//
// # Capacity semantics
//
// One Launch is one RunInstances with MinCount = MaxCount = Count: EC2
// creates the whole gang in one zone or nothing, and answers a stockout
// synchronously with InsufficientInstanceCapacity. Spot launches ask for a
// one-time spot instance that terminates on interruption; spot and
// on-demand capacity and quotas are separate, and the engine blocks them
// apart. Launch then waits until every instance runs (WithLaunchTimeout);
// an instance that ends meanwhile makes the launch fail, and the survivors
// come back with the error for the caller to terminate (all or nothing is
// the engine's job). Terminate waits until the instances are terminated.
//
// The request's token is the ClientToken and the TagLaunch tag. Because
// some EC2 implementations do not honour ClientToken (moto creates a second
// set of instances), Launch first looks for live instances tagged with the
// token and returns them rather than creating more. When RunInstances ends
// without a clear refusal (no answer, a 5xx, a cancelled context) Launch
// looks for the token's instances too, and returns them with the error; on
// cancellation it also terminates them. Every instance carries the cluster
// name in the Name and TagCluster tags, which ListInstances and orphan
// sweeps search by.
//
// # Zone IDs
//
// The catalog names AWS zones by zone ID ("use1-az4"), the same physical
// zone in every account; zone names ("us-east-1a") are shuffled per
// account. Launch maps a zone ID to this account's zone name with
// DescribeAvailabilityZones (once per region, cached) and accepts a zone
// name as it is. An ID the region does not have is a ClassUnsupported
// error (CodeUnknownZone). Clusters and instances report the zone the way
// the request named it; ListInstances, and a Launch without a zone, report
// zone IDs.
package aws
