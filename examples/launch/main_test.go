package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/skyhop/skyhop/internal/moto"
)

// launch runs the launcher with args and returns its exit code, stdout and
// stderr.
func launch(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &out, &errOut)
	return code, out.String(), errOut.String()
}

// jsonLines parses every line of out as JSON, failing the test on any line
// that is not.
func jsonLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for i, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("line %d is not JSON: %v\n%s", i+1, err, l)
		}
		lines = append(lines, m)
	}
	return lines
}

func last(lines []map[string]any, typ string) map[string]any {
	for i := len(lines) - 1; i >= 0; i-- {
		if lines[i]["type"] == typ {
			return lines[i]
		}
	}
	return nil
}

// Every task under examples/tasks runs with its scenario and ends as
// intended.
func TestExampleTasks(t *testing.T) {
	want := map[string]struct {
		exit                              int
		cloud, region, zone, typ, market  string
		nodes, rolledBack, failedAttempts int
	}{
		"one-gpu":       {0, "gcp", "asia-northeast1", "asia-northeast1-a", "a2-highgpu-1g", "on-demand", 1, 0, 4},
		"any-of":        {0, "azure", "westus3", "", "Standard_ND96amsr_A100_v4", "on-demand", 1, 0, 3},
		"ordered":       {0, "gcp", "us-central1", "us-central1-a", "a2-ultragpu-8g", "on-demand", 1, 0, 42},
		"multi-node":    {0, "aws", "us-east-2", "use2-az2", "p4d.24xlarge", "on-demand", 2, 1, 1},
		"spot":          {0, "aws", "eu-north-1", "eun1-az2", "gr6.4xlarge", "spot", 1, 0, 6},
		"pinned-region": {1, "", "", "", "", "", 0, 0, 0},
	}
	tasks, err := filepath.Glob(filepath.Join("..", "tasks", "*.yaml"))
	if err != nil || len(tasks) == 0 {
		t.Fatalf("no tasks: %v", err)
	}
	for _, task := range tasks {
		name := strings.TrimSuffix(filepath.Base(task), ".yaml")
		t.Run(name, func(t *testing.T) {
			w, ok := want[name]
			if !ok {
				t.Fatalf("examples/tasks/%s.yaml has no expected outcome in this test", name)
			}
			scenario := filepath.Join("..", "scenarios", name+".yaml")
			if _, err := os.Stat(scenario); err != nil {
				t.Fatalf("no scenario for task %s: %v", name, err)
			}
			code, out, errOut := launch(t, "-y", "--json", "--scenario", scenario, task)
			if code != w.exit {
				t.Fatalf("exit %d, want %d\nstderr: %s", code, w.exit, errOut)
			}
			lines := jsonLines(t, out)
			res := last(lines, "result")
			if res == nil {
				t.Fatalf("no result line in\n%s", out)
			}
			if w.exit != 0 {
				if res["launched"] != false {
					t.Errorf("result = %v, want launched false", res)
				}
				// A pinned region is never left.
				for _, l := range lines {
					if l["kind"] == "attempt-started" && l["region"] != "europe-west4" {
						t.Errorf("attempt outside the pinned region: %v", l)
					}
				}
				return
			}
			got := []any{res["cloud"], res["region"], res["zone"], res["instance_type"], res["market"], res["nodes"], res["rolled_back"], res["failed_attempts"]}
			exp := []any{w.cloud, w.region, w.zone, w.typ, w.market, float64(w.nodes), float64(w.rolledBack), float64(w.failedAttempts)}
			for i := range got {
				if got[i] != exp[i] {
					t.Errorf("result field %d = %v, want %v (result %v)", i, got[i], exp[i], res)
				}
			}
		})
	}
}

func TestPipedOutputIsPlain(t *testing.T) {
	code, out, _ := launch(t, "-y", "--scenario", filepath.Join("..", "scenarios", "multi-node.yaml"), filepath.Join("..", "tasks", "multi-node.yaml"))
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	if strings.ContainsAny(out, "\x1b\r") {
		t.Errorf("piped output has terminal control codes:\n%q", out)
	}
	for _, want := range []string{"Considered resources (2 nodes):", "FAILED  capacity  InsufficientInstanceCapacity", "rollback", "UP  cluster", "✔ Launched", "Rolled back: 1 cluster(s)"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestBuiltInScenario(t *testing.T) {
	code, out, errOut := launch(t, "-y", "--json", filepath.Join("..", "tasks", "one-gpu.yaml"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	res := last(jsonLines(t, out), "result")
	if res["launched"] != true || res["failed_attempts"].(float64) < 3 {
		t.Errorf("the built-in scenario should show failover before a launch: %v", res)
	}
}

func TestDryrunLaunchesNothing(t *testing.T) {
	code, out, _ := launch(t, "--dryrun", "--json", filepath.Join("..", "tasks", "one-gpu.yaml"))
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	lines := jsonLines(t, out)
	if len(lines) != 1 || lines[0]["type"] != "plan" {
		t.Errorf("dryrun printed more than the plan: %d lines", len(lines))
	}
	code, out, _ = launch(t, "--dryrun", filepath.Join("..", "tasks", "one-gpu.yaml"))
	if code != 0 || !strings.Contains(out, "Search path (19 placements, tried in this order; nothing launched):") || strings.Contains(out, "Provisioning") {
		t.Errorf("dryrun output:\n%s", out)
	}
}

func TestOverrides(t *testing.T) {
	code, out, errOut := launch(t, "--dryrun", "--json", "--gpus", "H100:8", "--infra", "aws/us-east-1", filepath.Join("..", "tasks", "one-gpu.yaml"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	plan := jsonLines(t, out)[0]["plan"].(map[string]any)
	for _, c := range plan["candidates"].([]any) {
		o := c.(map[string]any)["offering"].(map[string]any)
		if o["cloud"] != "aws" || o["region"] != "us-east-1" || o["accelerator"] != "H100" || o["accelerator_count"] != 8.0 {
			t.Fatalf("candidate outside the overrides: %v", o)
		}
	}
}

func TestBadInput(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(bad, []byte("resources:\n  cpus: four\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"task that does not parse", []string{"-y", bad}, 2, bad + `:2:9: resources.cpus: invalid cpus "four"`},
		{"missing task file", []string{"-y", "nope.yaml"}, 2, "nope.yaml"},
		{"no task", []string{"-y"}, 2, "want exactly one task file"},
		{"unknown flag", []string{"--frobnicate", "x.yaml"}, 2, "flag provided but not defined"},
		{"infra and cloud", []string{"--infra", "aws", "--cloud", "gcp", "x.yaml"}, 2, "--infra cannot be combined"},
		{"bad gpus", []string{"-y", "--gpus", "A100:x", filepath.Join("..", "tasks", "one-gpu.yaml")}, 2, `--gpus "A100:x"`},
		{"bad infra", []string{"-y", "--infra", "amazon", filepath.Join("..", "tasks", "one-gpu.yaml")}, 2, "unknown cloud 'amazon'"},
		{"no confirmation without a terminal", []string{filepath.Join("..", "tasks", "one-gpu.yaml")}, 2, "pass -y"},
		{"unknown real cloud", []string{"-y", "--clouds", "ibm", filepath.Join("..", "tasks", "one-gpu.yaml")}, 2, `unknown cloud "ibm"`},
		{"emulate without clouds", []string{"-y", "--emulate", filepath.Join("..", "tasks", "one-gpu.yaml")}, 2, "--emulate and the per-cloud flags apply to --clouds"},
		{"nothing fits", []string{"-y", "--gpus", "H100:3", filepath.Join("..", "tasks", "one-gpu.yaml")}, 1, "no offering has 3 of H100"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errOut := launch(t, tc.args...)
			if code != tc.code || !strings.Contains(errOut, tc.msg) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, errOut, tc.code, tc.msg)
			}
		})
	}
}

// --clouds aws --emulate runs the real EC2 driver against moto, started by
// the launcher itself.
func TestCloudsAWSEmulated(t *testing.T) {
	if _, err := moto.LookPath(); err != nil {
		if moto.InCI() {
			t.Fatalf("moto_server is required in CI: %v", err)
		}
		t.Skipf("skipping: needs moto_server (pip install 'moto[server]'): %v", err)
	}
	code, out, errOut := launch(t, "-y", "--json", "--down", "--clouds", "aws", "--emulate", filepath.Join("..", "tasks", "multi-node.yaml"))
	if code != 0 {
		t.Fatalf("exit %d\nstderr: %s\nstdout: %s", code, errOut, out)
	}
	lines := jsonLines(t, out)
	res := last(lines, "result")
	if res["launched"] != true || res["cloud"] != "aws" || res["nodes"] != 2.0 || res["region"] != "us-east-2" {
		t.Errorf("result = %v", res)
	}
	if last(lines, "terminated") == nil {
		t.Errorf("--down did not terminate the cluster:\n%s", out)
	}
}

// --clouds gcp,azure --emulate runs the real GCP and Azure drivers against
// the local Compute Engine and Azure servers; with --emulate-faults GCP is
// stocked out and then over its global GPU quota, so the launch lands on
// Azure, and --down leaves nothing billable on either server.
func TestCloudsGCPAzureEmulated(t *testing.T) {
	code, out, errOut := launch(t, "-y", "--json", "--down", "--clouds", "gcp,azure", "--emulate", "--emulate-faults",
		"--gpus", "V100:1", filepath.Join("..", "tasks", "one-gpu.yaml"))
	if code != 0 {
		t.Fatalf("exit %d\nstderr: %s\nstdout: %s", code, errOut, out)
	}
	lines := jsonLines(t, out)
	res := last(lines, "result")
	if res["launched"] != true || res["cloud"] != "azure" {
		t.Fatalf("result = %v", res)
	}
	var codes []string
	for _, l := range lines {
		if l["kind"] == "attempt-failed" {
			codes = append(codes, l["cloud"].(string)+":"+l["code"].(string))
		}
	}
	want := []string{"gcp:ZONE_RESOURCE_POOL_EXHAUSTED", "gcp:ZONE_RESOURCE_POOL_EXHAUSTED", "gcp:ZONE_RESOURCE_POOL_EXHAUSTED",
		"gcp:ZONE_RESOURCE_POOL_EXHAUSTED", "gcp:QUOTA_EXCEEDED"}
	if strings.Join(codes, " ") != strings.Join(want, " ") {
		t.Errorf("failed attempts = %v, want %v", codes, want)
	}
	if last(lines, "terminated") == nil {
		t.Errorf("--down did not terminate the cluster:\n%s", out)
	}
}

// --catalog ranks against a user's own table in SkyPilot's v8 CSV schema.
func TestUserCatalog(t *testing.T) {
	csv := filepath.Join(t.TempDir(), "aws_vms.csv")
	data := "InstanceType,AcceleratorName,AcceleratorCount,vCPUs,MemoryGiB,GpuInfo,Price,SpotPrice,Region,AvailabilityZone\n" +
		"p4d.24xlarge,A100,8.0,96.0,1152.0,,32.7726,12.1,us-east-1,use1-az1\n" +
		"p4d.24xlarge,A100,8.0,96.0,1152.0,,32.7726,11.5,us-west-2,usw2-az1\n"
	if err := os.WriteFile(csv, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := launch(t, "-y", "--json", "--catalog", csv, "--gpus", "A100:8", filepath.Join("..", "tasks", "spot.yaml"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	res := last(jsonLines(t, out), "result")
	if res["region"] != "us-west-2" || res["market"] != "spot" || res["hourly_price"] != 11.5 {
		t.Errorf("result = %v, want the cheaper spot offering of the user's table", res)
	}
	if code, _, errOut := launch(t, "-y", "--catalog", filepath.Join(t.TempDir(), "missing.csv"), filepath.Join("..", "tasks", "spot.yaml")); code != 2 || !strings.Contains(errOut, "--catalog") {
		t.Errorf("missing catalog: exit %d, %q", code, errOut)
	}
}

// --store remembers what one run learned: the second run's plan leaves the
// stocked-out and over-quota placements out and lands at once.
func TestStoreBetweenRuns(t *testing.T) {
	store := filepath.Join(t.TempDir(), "availability.json")
	args := []string{"-y", "--json", "--store", store, "--scenario", filepath.Join("..", "scenarios", "any-of.yaml"), filepath.Join("..", "tasks", "any-of.yaml")}
	code, out, errOut := launch(t, args...)
	if code != 0 {
		t.Fatalf("first run: exit %d: %s", code, errOut)
	}
	first := last(jsonLines(t, out), "result")
	code, out, errOut = launch(t, args...)
	if code != 0 {
		t.Fatalf("second run: exit %d: %s", code, errOut)
	}
	second := last(jsonLines(t, out), "result")
	if first["failed_attempts"] != 3.0 || second["failed_attempts"] != 0.0 || second["region"] != first["region"] {
		t.Errorf("first %v\nsecond %v\nwant the second run to land where the first did, with no failed attempt", first, second)
	}
}
