// Command launch is a mini "sky launch" built on skyhop: it parses a task
// YAML, ranks every offering that fits, shows the plan and its price, asks
// for confirmation, then provisions with failover, printing each attempt as
// it happens, and sums up.
//
// With no cloud flags it runs against skyhop's fake cloud with a built-in
// scarcity scenario (stockouts, a quota, a throttle), on the embedded
// catalog, so it needs no credentials and shows real failover:
//
//	go run ./examples/launch -y examples/tasks/one-gpu.yaml
//
// Exit codes: 0 a cluster is up; 1 nothing could be had; 2 bad input (a task
// that does not parse, an unknown flag, no confirmation).
//
// Flags:
//
//	-y, --yes            launch without asking
//	--dryrun             print the plan and the exact search path; launch nothing
//	--scenario FILE      fake-cloud scenario (offerings and faults) instead of the built-in one
//	--clouds LIST        real drivers instead of the fake: aws,gcp,azure (standard credentials)
//	--emulate            with --clouds: run the real drivers against local emulators
//	                     (moto for aws, wire-true Compute Engine and Azure servers)
//	--emulate-faults     with --emulate: a GCP stockout, then the global GPU quota
//	--aws-endpoint URL   EC2 endpoint (default $AWS_ENDPOINT_URL)
//	--gcp-project P, --azure-subscription S, --azure-resource-group G
//	--catalog FILE       a catalog CSV (SkyPilot v8 schema) instead of the embedded one
//	--gpus A100:8        override the accelerators of every candidate (none clears them)
//	--infra CLOUD[/REGION[/ZONE]], --cloud, --region, --zone   pin the location
//	--retry-until-up     keep trying in rounds until a machine is up
//	--max-rounds N, --round-wait D   bound and pace retry-until-up
//	--parallel K         up to K attempts in flight
//	--store FILE         remember stockouts and quotas between runs (a JSON availability store)
//	--cluster NAME       cluster name (default skyhop-<id>)
//	--down               terminate the cluster after reporting it
//	--json               print JSON lines (the plan, every event, the result)
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
