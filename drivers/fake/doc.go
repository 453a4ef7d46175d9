// Package fake is a deterministic, scriptable fake cloud: drivers.Driver
// implementations for any number of clouds that sell the offerings you give
// them, fail the way you script them, and keep an inventory of every live
// instance and a log of every call. Use it to test failover logic (skyhop's
// own, or yours) without credentials, network or spend.
//
// # Offerings
//
// A fake sells catalog offerings (WithOfferings): a launch of an instance
// type not offered in that region and zone, market or accelerator fails as
// the real provider would (AWS "Unsupported", GCP 400 "invalid ... does not
// exist in zone", Azure "SkuNotAvailable"), classified ClassUnsupported.
//
// # Faults
//
// A Fault selects calls by operation, cloud, region, zone, instance type
// (glob patterns; empty means any) and market, fires on a window of the
// calls it matches (always, the first N, from the N-th on), and raises a
// real provider code. The class and scope of the error come from the
// cloud's table in package drivers/codes, the same table the real driver
// uses, so a fake "ZONE_RESOURCE_POOL_EXHAUSTED" is exactly as much a zonal
// stockout as a real one. Faults also script partial gangs (Created), a
// create that fails but did create (Created with Orphan), terminations that
// fail (a Code on OpTerminate, for N calls or always) or hang (Hang, until
// the context ends), credential failures (OpCheckCredentials), and latency
// (Delay, and WithLatency for every call) on an injectable clock.
//
// # Scripting a stockout in your own tests
//
//	fc := fake.New(
//		fake.WithOfferings(offerings...), // e.g. from your catalog
//		fake.WithFaults(fake.Fault{
//			Cloud: "gcp", Region: "us-central1", // every zone of us-central1
//			Code: "ZONE_RESOURCE_POOL_EXHAUSTED", // the provider's own code
//		}),
//	)
//	// hand fc.Drivers() to the code under test (skyhop's own
//	// failover.Provision(ctx, plan, fc.Drivers()), or yours),
//	// then check where it landed:
//	for _, call := range fc.Launches() { t.Log(call.String()) }
//	if err := fc.CheckNoLeaks(cluster); err != nil { t.Error(err) }
//
// The Example below runs this end to end. The same faults can be written in
// YAML and loaded with ParseScenario (see Scenario for the format).
//
// # Guarantees
//
// Everything is deterministic for a given sequence of calls: instance IDs
// are numbered per cloud in creation order; faults fire by call count, not
// chance. A launch whose context is done creates nothing; a launch reusing
// an idempotency token returns the cluster of the first launch, never a
// second one. Calls are safe for concurrent use; concurrent calls are served
// in the order they take the fake's lock.
package fake
