package main

import (
	"bufio"
	"context"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/skyhop/skyhop/catalog"
	"github.com/skyhop/skyhop/drivers"
	"github.com/skyhop/skyhop/drivers/fake"
	"github.com/skyhop/skyhop/failover"
	"github.com/skyhop/skyhop/internal/fakeclouds"
	"github.com/skyhop/skyhop/optimizer"
	"github.com/skyhop/skyhop/resources"
)

// Exit codes.
const (
	exitUp      = 0 // a cluster is up
	exitNothing = 1 // nothing could be had
	exitBad     = 2 // bad input
)

// scarcity is the built-in fake-cloud scenario: what a newcomer sees fail.
//
//go:embed scarcity.yaml
var scarcity []byte

// options are the parsed command line.
type options struct {
	yes, dryrun, untilUp, down, json bool
	emulate, emulateFaults           bool
	awsEndpoint, gcpProject          string
	azureSubscription                string
	azureResourceGroup               string
	scenario, clouds, catalog        string
	store                            string
	gpus, infra, cloud, region, zone string
	cluster                          string
	parallel, maxRounds              int
	roundWait                        time.Duration
	task                             string
}

// parseFlags reads the command line; flags may come before or after the
// task file.
func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("launch", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.BoolVar(&o.yes, "y", false, "launch without asking for confirmation")
	fs.BoolVar(&o.yes, "yes", false, "same as -y")
	fs.BoolVar(&o.dryrun, "dryrun", false, "print the plan and the search path; launch nothing")
	fs.StringVar(&o.scenario, "scenario", "", "fake-cloud scenario `file` (offerings and faults)")
	fs.StringVar(&o.clouds, "clouds", "", "real clouds to use instead of the fake: `aws,gcp,azure`")
	fs.BoolVar(&o.emulate, "emulate", false, "with --clouds: run each cloud against a local emulator (moto for aws)")
	fs.BoolVar(&o.emulateFaults, "emulate-faults", false, "with --emulate: script a GCP stockout and global GPU quota on the emulators")
	fs.StringVar(&o.gcpProject, "gcp-project", "", "with --clouds gcp: the `project` (default from the environment)")
	fs.StringVar(&o.azureSubscription, "azure-subscription", "", "with --clouds azure: the subscription `id` (default $AZURE_SUBSCRIPTION_ID)")
	fs.StringVar(&o.azureResourceGroup, "azure-resource-group", "", "with --clouds azure: the resource `group` (default $AZURE_RESOURCE_GROUP, else skyhop)")
	fs.StringVar(&o.awsEndpoint, "aws-endpoint", "", "with --clouds aws: EC2 endpoint `url` (default $AWS_ENDPOINT_URL, else AWS)")
	fs.StringVar(&o.catalog, "catalog", "", "catalog CSV `file` in SkyPilot's v8 schema")
	fs.StringVar(&o.gpus, "gpus", "", "override every candidate's accelerators: `A100:8` (none clears)")
	fs.StringVar(&o.infra, "infra", "", "pin the location: `cloud[/region[/zone]]`")
	fs.StringVar(&o.cloud, "cloud", "", "pin the cloud (legacy; prefer --infra)")
	fs.StringVar(&o.region, "region", "", "pin the region (legacy; prefer --infra)")
	fs.StringVar(&o.zone, "zone", "", "pin the zone (legacy; prefer --infra)")
	fs.BoolVar(&o.untilUp, "retry-until-up", false, "keep trying in rounds until a machine is up")
	fs.IntVar(&o.maxRounds, "max-rounds", 0, "with --retry-until-up: at most `N` rounds (0: no bound)")
	fs.DurationVar(&o.roundWait, "round-wait", failover.DefaultRoundWait, "with --retry-until-up: wait between rounds")
	fs.IntVar(&o.parallel, "parallel", 1, "up to `K` attempts in flight")
	fs.StringVar(&o.store, "store", "", "availability store `file`: remember stockouts and quotas between runs")
	fs.StringVar(&o.cluster, "cluster", "", "cluster `name` (default skyhop-<id>)")
	fs.BoolVar(&o.down, "down", false, "terminate the cluster after reporting it")
	fs.BoolVar(&o.json, "json", false, "print JSON lines: the plan, every event, the result")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: launch [flags] TASK.yaml\n\n")
		fs.PrintDefaults()
	}
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			break
		}
		rest = append(rest, fs.Arg(0))
		args = fs.Args()[1:]
	}
	switch {
	case len(rest) != 1:
		fs.Usage()
		return nil, fmt.Errorf("want exactly one task file, got %d", len(rest))
	case o.infra != "" && (o.cloud != "" || o.region != "" || o.zone != ""):
		return nil, errors.New("--infra cannot be combined with --cloud, --region or --zone")
	case o.parallel < 1:
		return nil, fmt.Errorf("--parallel must be at least 1, got %d", o.parallel)
	case o.clouds != "" && o.scenario != "":
		return nil, errors.New("--scenario scripts the fake cloud; it cannot be combined with --clouds")
	case o.clouds == "" && (o.emulate || o.awsEndpoint != "" || o.gcpProject != "" || o.azureSubscription != "" || o.azureResourceGroup != ""):
		return nil, errors.New("--emulate and the per-cloud flags apply to --clouds; without --clouds the launch runs on the fake cloud")
	case o.emulateFaults && !o.emulate:
		return nil, errors.New("--emulate-faults scripts the emulators; add --emulate")
	}
	o.task = rest[0]
	return o, nil
}

// run is the whole program; it returns the exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(stderr, "launch: %v\n", err)
		}
		return exitBad
	}
	l := &launcher{opts: o, stdout: stdout, stderr: stderr, stdin: stdin}
	return l.run(ctx)
}

// launcher holds one run's state.
type launcher struct {
	opts           *options
	stdin          io.Reader
	stdout, stderr io.Writer
	out            *printer
}

func (l *launcher) fail(code int, format string, args ...any) int {
	msg := fmt.Sprintf(format, args...)
	if l.out != nil && l.opts.json {
		l.out.jsonLine(map[string]any{"type": "error", "exit": code, "message": msg})
	}
	fmt.Fprintf(l.stderr, "launch: %s\n", msg)
	return code
}

func (l *launcher) run(ctx context.Context) int {
	o := l.opts
	spec, err := resources.ParseFile(o.task)
	if err != nil {
		return l.fail(exitBad, "%v", err)
	}
	if err := applyOverrides(spec, o); err != nil {
		return l.fail(exitBad, "%v", err)
	}
	world, err := l.world(ctx)
	defer world.close()
	if err != nil {
		return l.fail(exitBad, "%v", err)
	}
	l.out = newPrinter(l.stdout, o.json, isTerminal(l.stdout))

	store, err := openStore(o.store)
	if err != nil {
		return l.fail(exitBad, "--store: %v", err)
	}
	plan, err := optimizer.Rank(spec, world.catalog, optimizer.WithClouds(world.clouds...), optimizer.WithExclude(store.Exclude))
	l.out.plan(plan, o.task)
	if err != nil {
		return l.fail(exitNothing, "%v", err)
	}
	world.sell(plan)
	if o.emulateFaults && world.emulated != nil {
		world.emulated.Story(firstRegion(plan, "gcp"))
	}
	if o.dryrun {
		l.out.searchPath(plan)
		return exitUp
	}
	if code, ok := l.confirm(); !ok {
		return code
	}

	popts := []failover.Option{
		failover.WithStore(store),
		failover.WithEvents(l.out.event),
		failover.WithParallel(o.parallel),
	}
	if o.untilUp {
		popts = append(popts, failover.WithRetryUntilUp(o.maxRounds, 0), failover.WithRoundWait(o.roundWait, failover.DefaultRoundJitter))
	}
	if o.cluster != "" {
		popts = append(popts, failover.WithClusterName(o.cluster))
	}
	l.out.startProvision(world.where())
	res, err := failover.Provision(ctx, plan, world.drivers, popts...)
	l.out.stopProgress()
	if err != nil {
		l.out.failure(err)
		if world.fake != nil && world.fake.LiveCount() > 0 {
			return l.fail(exitNothing, "the fake cloud still has %d live instances after a failed launch", world.fake.LiveCount())
		}
		return exitNothing
	}
	l.out.result(res, plan)
	if world.fake != nil {
		if err := world.fake.CheckNoLeaks(res.Cluster); err != nil {
			return l.fail(exitNothing, "leak check: %v", err)
		}
	}
	if o.down {
		if err := l.down(ctx, world, res); err != nil {
			return l.fail(exitNothing, "terminating %s: %v", res.ClusterName, err)
		}
		if world.emulated != nil {
			if left := world.emulated.Leftovers(); len(left) > 0 {
				return l.fail(exitNothing, "leak check: still billable on the emulators after --down: %s", strings.Join(left, "; "))
			}
		}
	}
	return exitUp
}

// openStore opens the --store file, or an in-memory store without one.
func openStore(path string) (interface {
	failover.Store
	Exclude(optimizer.Candidate) (bool, string)
}, error) {
	if path == "" {
		return failover.NewMemoryStore(nil), nil
	}
	return failover.OpenFileStore(path, nil)
}

// confirm asks before spending money. Without a terminal it refuses unless
// -y was given.
func (l *launcher) confirm() (int, bool) {
	if l.opts.yes {
		return 0, true
	}
	f, ok := l.stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return l.fail(exitBad, "no terminal to confirm on: pass -y to launch without confirmation, or --dryrun to only plan"), false
	}
	fmt.Fprint(l.stdout, "Launch? [Y/n] ")
	answer, _ := bufio.NewReader(l.stdin).ReadString('\n')
	switch strings.ToLower(strings.TrimSpace(answer)) {
	case "", "y", "yes":
		return 0, true
	}
	fmt.Fprintln(l.stdout, "Aborted; nothing was launched.")
	return exitBad, false
}

// down terminates the cluster (the --down flag).
func (l *launcher) down(ctx context.Context, w *world, res *failover.Result) error {
	for _, d := range w.drivers {
		if d.Cloud() == res.Cluster.Cloud {
			cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), failover.DefaultCleanupTimeout)
			defer cancel()
			if err := d.Terminate(cctx, res.Cluster); err != nil {
				return err
			}
			l.out.terminated(res.Cluster)
			return nil
		}
	}
	return fmt.Errorf("no driver for cloud %s", res.Cluster.Cloud)
}

// applyOverrides applies --gpus and the location flags to every candidate,
// as sky launch does.
func applyOverrides(spec *resources.Spec, o *options) error {
	switch g := strings.TrimSpace(o.gpus); {
	case g == "":
	case strings.EqualFold(g, "none"):
		spec.SetAccelerator(nil)
	default:
		a, err := resources.ParseAccelerators(g)
		if err != nil {
			return fmt.Errorf("--gpus %q: %w", g, err)
		}
		spec.SetAccelerator(a)
	}
	switch {
	case o.infra != "":
		cloud, region, zone, err := resources.ParseInfra(o.infra)
		if err != nil {
			return fmt.Errorf("--infra %q: %w", o.infra, err)
		}
		spec.SetLocation(o.infra, cloud, region, zone)
	case o.cloud != "" || o.region != "" || o.zone != "":
		cloud := strings.ToLower(o.cloud)
		if cloud != "" && !slices.Contains(resources.Clouds, cloud) {
			return fmt.Errorf("--cloud %q: unknown cloud (one of %s)", o.cloud, strings.Join(resources.Clouds, ", "))
		}
		for i := range spec.Candidates {
			c := &spec.Candidates[i]
			if c.Infra != "" {
				c.Infra, c.Cloud, c.Region, c.Zone = "", "", "", ""
			}
			if cloud != "" {
				c.Cloud = cloud
			}
			if o.region != "" {
				c.Region = o.region
			}
			if o.zone != "" {
				c.Zone = o.zone
			}
		}
	}
	return nil
}

// world is what the launch runs against: a catalog and drivers.
type world struct {
	catalog  *catalog.Catalog
	drivers  []drivers.Driver
	clouds   []string           // enabled clouds
	scenario *fake.Scenario     // the fake cloud's scenario, when the fake is used
	fake     *fake.Clouds       // the fake cloud, built by sell
	closers  []func()           // emulators and clients to close at the end
	emulated *fakeclouds.Clouds // the local GCP and Azure servers, with --emulate
}

// firstRegion is the region of the plan's first candidate on cloud.
func firstRegion(plan *optimizer.Plan, cloud string) string {
	for _, c := range plan.Candidates {
		if c.Offering.Cloud == cloud {
			return c.Offering.Region
		}
	}
	return ""
}

// where says what the launch runs against, for people.
func (w *world) where() string {
	switch {
	case w.fake != nil:
		return "the fake cloud (no credentials, nothing billed)"
	case len(w.closers) > 0:
		return "local emulators of " + strings.Join(w.clouds, ", ") + " (nothing billed)"
	}
	return strings.Join(w.clouds, ", ") + " (real accounts: this is billed)"
}

// close stops the emulators the world started.
func (w *world) close() {
	if w == nil {
		return
	}
	for i := len(w.closers) - 1; i >= 0; i-- {
		w.closers[i]()
	}
}

// world builds the catalog and the drivers the flags ask for.
func (l *launcher) world(ctx context.Context) (*world, error) {
	o := l.opts
	w := &world{}
	if o.catalog != "" {
		cat, err := catalog.LoadFile(o.catalog, "")
		if err != nil {
			return nil, fmt.Errorf("--catalog: %w", err)
		}
		w.catalog = cat
	}
	if o.clouds != "" {
		if w.catalog == nil {
			w.catalog = catalog.Default()
		}
		return w, l.realClouds(ctx, w)
	}
	sc, err := l.loadScenario()
	if err != nil {
		return nil, err
	}
	switch {
	case w.catalog != nil:
	case len(sc.Offerings) > 0:
		// A scenario with its own offerings is its own world; the
		// embedded catalog is not even decoded.
		cat, err := catalog.New(sc.Offerings, catalog.WithSource(catalog.Source{Name: "scenario " + scenarioName(sc, o.scenario)}))
		if err != nil {
			return nil, fmt.Errorf("scenario offerings: %w", err)
		}
		w.catalog = cat
	default:
		w.catalog = catalog.Default()
	}
	w.scenario = sc
	w.clouds = w.catalog.Clouds()
	return w, nil
}

// sell builds the fake cloud once the plan is known: it sells the plan's
// offerings (the only ones the engine will ask for), with the scenario's
// faults.
func (w *world) sell(plan *optimizer.Plan) {
	if w.scenario == nil {
		return
	}
	offs := make([]catalog.Offering, 0, len(plan.Candidates))
	for _, c := range plan.Candidates {
		offs = append(offs, *c.Offering)
	}
	w.fake = w.scenario.New(fake.WithOfferings(offs...), fake.WithClouds(w.clouds...))
	w.drivers = w.fake.Drivers()
}

// loadScenario reads --scenario, or the built-in scarcity scenario.
func (l *launcher) loadScenario() (*fake.Scenario, error) {
	if l.opts.scenario == "" {
		return fake.ParseScenario(scarcity)
	}
	sc, err := fake.LoadScenarioFile(l.opts.scenario)
	if err != nil {
		return nil, fmt.Errorf("--scenario: %w", err)
	}
	return sc, nil
}

func scenarioName(sc *fake.Scenario, file string) string {
	if sc.Name != "" {
		return sc.Name
	}
	if file != "" {
		return file
	}
	return "built-in"
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
