// Package skyhop gets scarce cloud machines (GPUs first) for the programs that
// import it.
//
// A program states what a job needs in a task YAML's resources: section, in
// SkyPilot's format; skyhop ranks every offering of every cloud that fits by
// price, then provisions the best one, failing over zone → region → cloud when
// a provider says "no capacity", "over quota" or "not allowed", until a
// machine is up or every option is spent, and it never leaves a billable
// machine behind.
//
// # Data flow
//
//	task.yaml --resources.Parse--> resources.Spec
//	          --optimizer.Rank(catalog)--> optimizer.Plan
//	          --failover.Provision(drivers)--> failover.Result
//
// Each step is usable alone:
//
//   - package resources parses the resources: grammar (every SkyPilot form:
//     infra, accelerators sets and lists, any_of, ordered, ...) into a
//     resources.Spec, with errors that point at line, column and field;
//   - package catalog holds the offerings and prices of AWS, GCP and Azure
//     (an embedded snapshot, or a user's own table) and
//     catalog/accelerator the canonical accelerator names;
//   - package optimizer ranks a Spec against a catalog into a Plan: every
//     launchable placement in search order, and every exclusion explained;
//   - package failover walks a Plan with drivers, reacting to each
//     provider's error class, and returns a running cluster or an error that
//     lists every attempt;
//   - package drivers defines the Driver interface and the error taxonomy;
//     drivers/fake is a deterministic, fault-injecting fake cloud for tests.
//
// # Where to start
//
// Read resources.Parse first, then the examples/ directory: examples/launch
// is a mini "sky launch" that runs against the fake cloud without credentials.
package skyhop
