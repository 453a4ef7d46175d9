// Package failover provisions the first placement of an optimizer.Plan that
// a cloud will give, failing over zone → region → cloud as each provider's
// refusal says, and never leaving a billable machine behind.
//
//	plan, _ := optimizer.Rank(spec, catalog.Default())
//	res, err := failover.Provision(ctx, plan, []drivers.Driver{aws, gcp},
//		failover.WithStore(store), failover.WithRetryUntilUp(0, 2*time.Hour))
//
// # How it decides
//
// The plan's order is the search order. Before each candidate the engine
// asks the blocks it knows (the Store, plus the call's own) whether the
// candidate is known to be unavailable; if it is, the candidate is skipped
// (EventSkipped names the block). Otherwise it calls Driver.Launch once for
// all the plan's nodes. A failure's drivers.Class, with the scope the
// driver gives it, decides what comes next:
//
//	class        blocks                                         kept                  then
//	capacity     cloud, region, zone, instance type, market     store, 10 min         next candidate
//	quota        instance type and market in the region         store, 1 h            next candidate outside the block
//	             (the cloud, for a cloud-wide quota)
//	unsupported  the offering                                   store, 24 h           next candidate
//	permission   everything at the scope (the cloud)            this call             next cloud
//	invalid      everything at the scope (the cloud)            this call             next cloud; none left: stop
//	throttle,    nothing, at first: the same candidate is       -                     after the last try, as unknown
//	transient    tried again (3 tries, 1 s × 2^n ± 40 %)
//	unknown      the offering                                   this round            next candidate
//
// A driver widens or narrows a block through drivers.Error.Scope. Every TTL
// is an option (WithTTL); a TTL of 0 keeps a class out of the store.
//
// # All or nothing
//
// A launch that fails after creating some instances is rolled back before
// the engine moves on: Terminate, then, when the driver implements
// drivers.ClusterLister, a listing of the cluster to verify that the
// instances are gone, up to 3 times with backoff, on a fresh context that
// the caller's cancellation does not end. If the rollback keeps failing the
// search stops with a *LeakError naming every instance left. Cancelling the
// caller's context stops the search; whatever was created is terminated
// before Provision returns. Each Launch runs under a timeout
// (WithAttemptTimeout, 10 min by default); a timeout counts as unknown.
//
// A launch can also fail after creating instances it does not return (a
// 5xx or a timeout while the provider went on). So when a round is over,
// in every region where a launch failed with an unknown or transient error
// and returned nothing, the engine lists the cluster's instances
// (drivers.ClusterLister) and terminates, verified, those launched since
// the call began that are not the result's. Give concurrent Provision calls
// distinct cluster names: the tag is how instances are found.
//
// # Retry until up
//
// WithRetryUntilUp walks the plan again after a round finds nothing, waiting
// a constant 30 s ± 40 % (WithRoundWait) between rounds, bounded by a number
// of rounds and/or a duration (no attempt starts once it has passed), and
// always by the context. Capacity blocks
// from earlier rounds do not hide candidates in later rounds (capacity comes
// back); permission, invalid, quota and unsupported blocks stay. When every
// candidate is blocked for the rest of the call, it stops at once.
//
// # Parallel probing
//
// WithParallel(k) keeps up to k launches in flight, started in plan order,
// at most WithCloudConcurrency per cloud. Outcomes are decided in plan
// order: a success is accepted only after every earlier candidate has
// failed or been skipped, a later candidate is skipped if an earlier
// failure's block covers it, and every success not accepted is terminated
// and verified. When each offering's faults do not depend on how many calls
// came before, the placement, and the decided attempts, are those of the
// sequential search, found no later (terminating successes that were not
// chosen comes on top).
//
// # Idempotency and names
//
// Each LaunchRequest carries the cluster name (WithClusterName, or
// "skyhop-" + the provision ID) and a token "<provision id>-r<round>-c<index>-t<try>"
// that drivers pass to the provider, so that a retried call never creates a
// second cluster and an orphan sweep can find leftovers by tag.
//
// # Preflight
//
// Drivers that implement drivers.CredentialChecker are asked once, before
// any launch; a failing check drops the cloud for the call with the reason
// (EventPreflightFailed, Result.Preflight). Candidates on a cloud with no
// driver are skipped.
//
// # Reporting
//
// The library never prints. Every step is an Event (WithEvents) and,
// optionally, a log record (WithLogger). Result lists every attempt, skip
// and rollback. When nothing could be had, Provision returns an
// *ExhaustedError whose message is a table of every attempt (cloud, region,
// zone, instance type, market, class, provider code, message) followed by
// the skips and what to do; errors.Is reaches the attempts' classes
// (drivers.ErrCapacity, ...) and errors.As their *drivers.Error.
//
// # The store
//
// A *MemoryStore (NewMemoryStore) is safe for concurrent use and meant to
// be shared by every Provision call of a process; its Exclude method is the
// exclusion hook optimizer.Rank takes, so that the next plan already leaves
// out what is known to be unavailable. A *FileStore (OpenFileStore) keeps
// the same blocks in a JSON file, so that one process (or the next run of a
// launcher) learns from another; any other persistent Store can be plugged
// in through the Store interface.
package failover
