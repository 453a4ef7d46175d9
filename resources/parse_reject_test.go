package resources

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func errorsAs(err error, target any) bool { return errors.As(err, target) }

// want describes one expected problem: field path, "line:col" ("line:0"
// when the YAML parser gives no column), code, and a fragment of the message.
type want struct {
	path string
	pos  string
	code Code
	msg  string
}

type rejectCase struct {
	name string
	yaml string
	errs []want
}

func runReject(t *testing.T, cases []rejectCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			spec, err := Parse([]byte(tc.yaml))
			if err == nil {
				t.Fatalf("Parse succeeded (%d candidates), want %d problems\n--- yaml ---\n%s", len(spec.Candidates), len(tc.errs), tc.yaml)
			}
			if spec != nil {
				t.Errorf("Parse returned a spec together with an error")
			}
			got := Errors(err)
			if len(got) != len(tc.errs) {
				t.Fatalf("got %d problems, want %d:\n%v", len(got), len(tc.errs), err)
			}
			for i, w := range tc.errs {
				e := got[i]
				pos := fmt.Sprintf("%d:%d", e.Pos.Line, e.Pos.Column)
				if e.Path != w.path || pos != w.pos || e.Code != w.code || !strings.Contains(e.Error(), w.msg) {
					t.Errorf("problem %d = {path %q, pos %s, code %s, %q}\n           want {path %q, pos %s, code %s, containing %q}",
						i, e.Path, pos, e.Code, e.Error(), w.path, w.pos, w.code, w.msg)
				}
			}
		})
	}
}

// §2: document-level rejections.
func TestParseRejectDocument(t *testing.T) {
	runReject(t, []rejectCase{
		{"document is a string", "just a string\n", []want{{"", "1:1", CodeType, "the document is a string, not a mapping"}}},
		{"document is a list", "- a\n- b\n", []want{{"", "1:1", CodeType, "the document is a list"}}},
		{"resources is a string", "resources: A100:8\n", []want{{"resources", "1:12", CodeType, "want a mapping, got a string"}}},
		{"resources is a list", "resources:\n  - cpus: 2\n", []want{{"resources", "2:3", CodeType, "want a mapping, got a list"}}},
		{"resources is a number", "resources: 4\n", []want{{"resources", "1:12", CodeType, "got an integer"}}},
		{"syntax error keeps its line", "resources:\n  cpus: [1,\n  memory: 2\n", []want{{"", "2:0", CodeSyntax, "invalid YAML"}}},
		{"syntax error without a line from the parser", "resources:\n  cpus: a: b\n", []want{{"", "2:0", CodeSyntax, "mapping values are not allowed"}}},
		{"control character", "resources:\n  cpus: 4\x01\n", []want{{"", "2:10", CodeSyntax, "control characters"}}},
		{"unquoted star is an alias", "resources:\n  infra: *\n", []want{{"", "2:0", CodeSyntax, "invalid YAML"}}},
		{"two documents", "resources: {cpus: 1}\n---\nresources: {cpus: 2}\n", []want{{"", "2:1", CodeSyntax, "more than one YAML document"}}},
		{"unknown top-level key", "resource:\n  cpus: 2\n", []want{{"resource", "1:1", CodeUnknownField, `did you mean "resources"?`}}},
		{"unknown top-level key with null", "foo:\nrun: x\n", []want{{"foo", "1:1", CodeUnknownField, `unknown field "foo"`}}},
		{"num_nodes zero", "num_nodes: 0\n", []want{{"num_nodes", "1:12", CodeValue, "positive integer"}}},
		{"num_nodes negative", "num_nodes: -1\n", []want{{"num_nodes", "1:12", CodeValue, "positive integer"}}},
		{"num_nodes float", "num_nodes: 2.0\n", []want{{"num_nodes", "1:12", CodeValue, `got "2.0"`}}},
		{"num_nodes fraction", "num_nodes: 1.5\n", []want{{"num_nodes", "1:12", CodeValue, "positive integer"}}},
		{"num_nodes string", "num_nodes: '2'\n", []want{{"num_nodes", "1:12", CodeValue, "positive integer"}}},
		{"duplicate key", "resources:\n  cpus: 2\n  cpus: 4\n", []want{{"resources.cpus", "3:3", CodeDuplicateKey, "first written at 2:3"}}},
		{"duplicate top-level key", "resources: {}\nresources: {}\n", []want{{"resources", "2:1", CodeDuplicateKey, "duplicate key"}}},
	})
}

// §3: schema rules for every field.
func TestParseRejectSchema(t *testing.T) {
	runReject(t, []rejectCase{
		{"unknown key with suggestion", r("  cpu: 4\n"), []want{{"resources.cpu", "2:3", CodeUnknownField, `did you mean "cpus"?`}}},
		{"unknown key without suggestion", r("  frobnicate: 1\n"), []want{{"resources.frobnicate", "2:3", CodeUnknownField, "resources accepts: accelerator_args, accelerators"}}},
		{"spot_recovery was removed", r("  spot_recovery: failover\n"), []want{{"resources.spot_recovery", "2:3", CodeUnknownField, `did you mean "job_recovery"?`}}},
		{"every unknown key is listed", r("  cpu: 4\n  memmory: 8\n  zones: a\n"), []want{
			{"resources.cpu", "2:3", CodeUnknownField, "cpus"},
			{"resources.memmory", "3:3", CodeUnknownField, "memory"},
			{"resources.zones", "4:3", CodeUnknownField, "zone"}}},
		{"unknown key with null value", r("  foo:\n"), []want{{"resources.foo", "2:3", CodeUnknownField, `unknown field "foo"`}}},
		{"null in an entry", r("  any_of:\n    - use_spot: null\n"), []want{{"resources.any_of[0].use_spot", "3:17", CodeType, "every key needs one"}}},
		{"boolean is not a number", r("  cpus: true\n"), []want{{"resources.cpus", "2:9", CodeType, "got a boolean"}}},
		{"problems at several levels", r("  cpus: x\n  any_of:\n    - memory: y\n    - disk_size: -1\n"), []want{
			{"resources.cpus", "2:9", CodeValue, "invalid cpus"},
			{"resources.any_of[0].memory", "4:15", CodeValue, "invalid memory"},
			{"resources.any_of[1].disk_size", "5:18", CodeValue, "must be positive"}}},
	})
}

// §4.1-§4.3: location rejections.
func TestParseRejectLocation(t *testing.T) {
	runReject(t, []rejectCase{
		{"infra unknown cloud", r("  infra: amazon\n"), []want{{"resources.infra", "2:10", CodeValue, "unknown cloud 'amazon'"}}},
		{"infra misspelt cloud", r("  infra: gpc/us-central1\n"), []want{{"resources.infra", "2:10", CodeValue, `did you mean "gcp"?`}}},
		{"infra four parts", r("  infra: aws/us-east-1/us-east-1a/x\n"), []want{{"resources.infra", "2:10", CodeValue, "at most three parts"}}},
		{"infra trailing slash", r("  infra: aws/\n"), []want{{"resources.infra", "2:10", CodeValue, "must not end with '/'"}}},
		{"infra double slash", r("  infra: aws//us-east-1a\n"), []want{{"resources.infra", "2:10", CodeValue, "empty part"}}},
		{"infra not a string", r("  infra: [aws]\n"), []want{{"resources.infra", "2:10", CodeType, "want a string, got a list"}}},
		{"infra with cloud", r("  infra: aws\n  cloud: aws\n"), []want{{"resources.cloud", "3:3", CodeConflict, "cannot use cloud together with infra (resources.infra at 2:3)"}}},
		{"infra with region and zone", r("  infra: aws\n  region: us-east-1\n  zone: us-east-1a\n"), []want{
			{"resources.region", "3:3", CodeConflict, "cannot use region together with infra"},
			{"resources.zone", "4:3", CodeConflict, "cannot use zone together with infra"}}},
		{"infra at top, region in an entry", r("  infra: aws\n  any_of:\n    - region: us-east-1\n    - cpus: 2\n"), []want{
			{"resources.any_of[0].region", "4:7", CodeConflict, "cannot use region together with infra (resources.infra at 2:3)"}}},
		{"cloud at top, infra in an entry", r("  cloud: aws\n  any_of:\n    - infra: gcp\n"), []want{
			{"resources.cloud", "2:3", CodeConflict, "cannot use cloud together with infra (resources.any_of[0].infra at 4:7)"}}},
		{"cloud alias not accepted", r("  cloud: k8s\n"), []want{{"resources.cloud", "2:10", CodeValue, `did you mean "kubernetes"?`}}},
		{"cloud unknown", r("  cloud: amazon\n"), []want{{"resources.cloud", "2:10", CodeValue, `unknown cloud "amazon"`}}},
		{"region empty", r("  region: ''\n"), []want{{"resources.region", "2:11", CodeValue, "must not be empty"}}},
		{"instance type not a string", r("  instance_type: {a: b}\n"), []want{{"resources.instance_type", "2:18", CodeType, "want a string"}}},
	})
}

// §4.4-§4.5: accelerator rejections.
func TestParseRejectAccelerators(t *testing.T) {
	runReject(t, []rejectCase{
		{"gpus and accelerators", r("  accelerators: A100\n  gpus: H100\n"), []want{{"resources.gpus", "3:3", CodeConflict, "cannot use both gpus and accelerators (the other is at 2:3)"}}},
		{"bare number", r("  accelerators: 8\n"), []want{{"resources.accelerators", "2:17", CodeType, "got an integer"}}},
		{"bare float", r("  accelerators: 3.5\n"), []want{{"resources.accelerators", "2:17", CodeType, "got a number"}}},
		{"bare boolean", r("  accelerators: true\n"), []want{{"resources.accelerators", "2:17", CodeType, "got a boolean"}}},
		{"mapping value is a string", r("  accelerators: {A100: '8'}\n"), []want{{"resources.accelerators.A100", "2:24", CodeType, "want a number"}}},
		{"list item not a string", r("  accelerators: [A100:1, 8]\n"), []want{{"resources.accelerators[1]", "2:26", CodeType, "want a string"}}},
		{"empty count", r("  accelerators: 'A100:'\n"), []want{{"resources.accelerators", "2:17", CodeValue, "NAME:COUNT with a numeric COUNT"}}},
		{"count not a number", r("  accelerators: A100:abc\n"), []want{{"resources.accelerators", "2:17", CodeValue, `invalid accelerator "A100:abc"`}}},
		{"three parts without memory", r("  accelerators: nvidia:A100:8\n"), []want{{"resources.accelerators", "2:17", CodeValue, "MANUFACTURER:MEMORY:COUNT"}}},
		{"infinite count", r("  accelerators: A100:inf\n"), []want{{"resources.accelerators", "2:17", CodeValue, "numeric COUNT"}}},
		{"bad item in a list", r("  accelerators: [A100:8, 'H100:x']\n"), []want{{"resources.accelerators[1]", "2:26", CodeValue, `invalid accelerator "H100:x"`}}},
		{"entry list", r("  any_of:\n    - accelerators: [A100:1, H100:1]\n"), []want{{"resources.any_of[0].accelerators", "3:21", CodeType, "cannot list several accelerators"}}},
		{"entry multi-key mapping", r("  any_of:\n    - accelerators: {A100: 1, H100: 1}\n"), []want{{"resources.any_of[0].accelerators", "3:21", CodeType, "mapping of 2"}}},
		{"entry null count", r("  any_of:\n    - accelerators: {A100: null}\n"), []want{{"resources.any_of[0].accelerators.A100", "3:22", CodeType, "needs a count"}}},
		{"entry flow set", r("  any_of:\n    - accelerators: {A10:1, L4:1}\n"), []want{{"resources.any_of[0].accelerators", "3:21", CodeType, "mapping of 2"}}},
		{"accelerator_args unknown key", r("  accelerator_args: {tpu: x}\n"), []want{{"resources.accelerator_args.tpu", "2:22", CodeUnknownField, `did you mean "tpu_vm"?`}}},
		{"accelerator_args wrong type", r("  accelerator_args: {tpu_vm: 'yes'}\n"), []want{{"resources.accelerator_args.tpu_vm", "2:30", CodeType, "want a boolean"}}},
		{"tpu on aws", r("  infra: aws\n  accelerators: tpu-v4-8\n"), []want{{"resources.accelerators", "3:17", CodeConflict, "needs cloud gcp or kubernetes, but the cloud is aws (resources.infra at 2:3)"}}},
		{"tpu at top, aws in an entry", r("  accelerators: tpu-v4-8\n  any_of:\n    - infra: aws\n    - infra: gcp\n"), []want{
			{"resources.accelerators", "2:17", CodeConflict, "resources.any_of[0].infra at 4:7"}}},
		{"tpu vm with instance type", r("  accelerators: tpu-v4-8\n  instance_type: n1-standard-8\n"), []want{
			{"resources.instance_type", "3:18", CodeConflict, `cannot set instance_type "n1-standard-8" for TPU VM`}}},
	})
}

// §4.6-§4.15: scalar field rejections.
func TestParseRejectFields(t *testing.T) {
	runReject(t, []rejectCase{
		{"cpus word", r("  cpus: four\n"), []want{{"resources.cpus", "2:9", CodeValue, `invalid cpus "four"`}}},
		{"cpus double plus", r("  cpus: 8++\n"), []want{{"resources.cpus", "2:9", CodeValue, `invalid cpus "8++"`}}},
		{"cpus zero", r("  cpus: 0\n"), []want{{"resources.cpus", "2:9", CodeValue, "must be positive"}}},
		{"cpus zero plus", r("  cpus: 0+\n"), []want{{"resources.cpus", "2:9", CodeValue, "must be positive"}}},
		{"cpus negative", r("  cpus: -2\n"), []want{{"resources.cpus", "2:9", CodeValue, "must be positive"}}},
		{"cpus list", r("  cpus: [1]\n"), []want{{"resources.cpus", "2:9", CodeType, "got a list"}}},
		{"memory word", r("  memory: lots\n"), []want{{"resources.memory", "2:11", CodeValue, `invalid memory "lots"`}}},
		{"memory GiB is not a unit", r("  memory: 16GiB\n"), []want{{"resources.memory", "2:11", CodeValue, "units KB MB GB TB PB or Ki Mi Gi Ti Pi"}}},
		{"memory zero", r("  memory: 0\n"), []want{{"resources.memory", "2:11", CodeValue, "must be positive"}}},
		{"memory per cpu zero", r("  memory: 0x\n"), []want{{"resources.memory", "2:11", CodeValue, "must be positive"}}},
		{"use_spot string", r("  use_spot: 'true'\n"), []want{{"resources.use_spot", "2:13", CodeType, `want a boolean, got a string ("true")`}}},
		{"use_spot number", r("  use_spot: 1\n"), []want{{"resources.use_spot", "2:13", CodeType, "got an integer"}}},
		{"job_recovery unknown", r("  job_recovery: bogus\n"), []want{{"resources.job_recovery", "2:17", CodeValue, `unknown job recovery strategy "bogus"`}}},
		{"job_recovery NONE is not none", r("  job_recovery: NONE\n"), []want{{"resources.job_recovery", "2:17", CodeValue, "unknown job recovery strategy"}}},
		{"job_recovery misspelt", r("  job_recovery: FAILOVR\n"), []want{{"resources.job_recovery", "2:17", CodeValue, `did you mean "FAILOVER"?`}}},
		{"job_recovery bad restarts", r("  job_recovery: {max_restarts_on_errors: -1}\n"), []want{{"resources.job_recovery.max_restarts_on_errors", "2:42", CodeValue, "max_restarts_on_errors"}}},
		{"job_recovery exit code range", r("  job_recovery: {recover_on_exit_codes: [1, 300]}\n"), []want{{"resources.job_recovery.recover_on_exit_codes[1]", "2:45", CodeValue, `invalid exit code "300"`}}},
		{"job_recovery repeated exit code", r("  job_recovery: {recover_on_exit_codes: [1, 1]}\n"), []want{{"resources.job_recovery.recover_on_exit_codes[1]", "2:45", CodeValue, "listed twice"}}},
		{"job_recovery unknown key", r("  job_recovery: {strategy: failover, retries: 3}\n"), []want{{"resources.job_recovery.retries", "2:38", CodeUnknownField, `unknown field "retries"`}}},
		{"disk_size fraction of GiB", r("  disk_size: 1500MB\n"), []want{{"resources.disk_size", "2:14", CodeValue, "not a whole number of GiB"}}},
		{"disk_size KB", r("  disk_size: 1024KB\n"), []want{{"resources.disk_size", "2:14", CodeValue, "not a whole number of GiB"}}},
		{"disk_size float", r("  disk_size: 100.5\n"), []want{{"resources.disk_size", "2:14", CodeValue, "whole number of GiB"}}},
		{"disk_size integral float", r("  disk_size: 512.0\n"), []want{{"resources.disk_size", "2:14", CodeValue, "whole number of GiB"}}},
		{"disk_size with space", r("  disk_size: 100 GB\n"), []want{{"resources.disk_size", "2:14", CodeValue, `invalid disk_size "100 GB"`}}},
		{"disk_size GiB", r("  disk_size: 100GiB\n"), []want{{"resources.disk_size", "2:14", CodeValue, "invalid disk_size"}}},
		{"disk_size negative string", r("  disk_size: '-5'\n"), []want{{"resources.disk_size", "2:14", CodeValue, "invalid disk_size"}}},
		{"disk_size zero", r("  disk_size: 0\n"), []want{{"resources.disk_size", "2:14", CodeValue, "must be positive"}}},
		{"disk_size negative", r("  disk_size: -5\n"), []want{{"resources.disk_size", "2:14", CodeValue, "must be positive"}}},
		{"disk_tier none", r("  disk_tier: none\n"), []want{{"resources.disk_tier", "2:14", CodeValue, "one of low, medium, high, ultra, best"}}},
		{"disk_tier misspelt", r("  disk_tier: hihg\n"), []want{{"resources.disk_tier", "2:14", CodeValue, `did you mean "high"?`}}},
		{"network_tier", r("  network_tier: premium\n"), []want{{"resources.network_tier", "2:17", CodeValue, "one of standard, best"}}},
		{"port out of range", r("  ports: 70000\n"), []want{{"resources.ports", "2:10", CodeValue, "invalid port 70000"}}},
		{"port zero", r("  ports: [0]\n"), []want{{"resources.ports[0]", "2:11", CodeValue, "invalid port 0"}}},
		{"port range reversed", r("  ports: 90-80\n"), []want{{"resources.ports", "2:10", CodeValue, "FROM is greater than TO"}}},
		{"port name", r("  ports: http\n"), []want{{"resources.ports", "2:10", CodeValue, `invalid port range "http"`}}},
		{"ports comma list", r("  ports: '80,443'\n"), []want{{"resources.ports", "2:10", CodeValue, `invalid port range "80,443"`}}},
		{"port float", r("  ports: [80.5]\n"), []want{{"resources.ports[0]", "2:11", CodeValue, "want an integer or a string"}}},
		{"image_id without cloud", r("  image_id: ami-0123\n"), []want{{"resources.image_id", "2:3", CodeConflict, "needs a cloud"}}},
		{"image_id aws without region", r("  infra: aws\n  image_id: ami-0123\n"), []want{{"resources.image_id", "3:3", CodeConflict, "only valid in one region"}}},
		{"image_id map lacks the region", r("  infra: aws/us-east-2\n  image_id: {us-east-1: ami-1}\n"), []want{{"resources.image_id", "3:3", CodeConflict, "no image for region us-east-2"}}},
		{"image_id not a string", r("  image_id: 42\n"), []want{{"resources.image_id", "2:13", CodeType, "got an integer"}}},
		{"labels numeric value", r("  labels: {gpu: 8}\n"), []want{{"resources.labels.gpu", "2:17", CodeType, "quote numbers and booleans"}}},
		{"labels not a mapping", r("  labels: [a]\n"), []want{{"resources.labels", "2:11", CodeType, "want a mapping"}}},
		{"autostop bad duration", r("  autostop: 10s\n"), []want{{"resources.autostop", "2:13", CodeValue, `invalid autostop "10s"`}}},
		{"autostop unknown key", r("  autostop: {idle: 10}\n"), []want{{"resources.autostop.idle", "2:14", CodeUnknownField, `did you mean "idle_minutes"?`}}},
		{"autostop wait_for", r("  autostop: {wait_for: never}\n"), []want{{"resources.autostop.wait_for", "2:24", CodeValue, "one of jobs_and_ssh, jobs, none"}}},
		{"priority out of range", r("  priority: 2000\n"), []want{{"resources.priority", "2:13", CodeValue, "from -1000 to 1000"}}},
		{"priority differs", r("  any_of:\n    - priority: 1\n    - priority: 2\n"), []want{{"resources.any_of[1]", "4:7", CodeConflict, "priority differs"}}},
		{"volumes not a list", r("  volumes: {a: b}\n"), []want{{"resources.volumes", "2:12", CodeType, "want a list"}}},
		{"local_disk type", r("  local_disk: hdd\n"), []want{{"resources.local_disk", "2:15", CodeValue, `invalid local_disk type "hdd"`}}},
		{"local_disk size", r("  local_disk: nvme:big\n"), []want{{"resources.local_disk", "2:15", CodeValue, `invalid local_disk size "big"`}}},
		{"max_hourly_cost zero", r("  max_hourly_cost: 0\n"), []want{{"resources.max_hourly_cost", "2:20", CodeValue, "invalid max_hourly_cost"}}},
		{"ephemeral_storage", r("  ephemeral_storage: 1.5\n"), []want{{"resources.ephemeral_storage", "2:22", CodeValue, "whole number of GiB"}}},
	})
}

// §5: combination rules.
func TestParseRejectCombinations(t *testing.T) {
	runReject(t, []rejectCase{
		{"any_of and ordered", r("  any_of:\n    - cpus: 2\n  ordered:\n    - cpus: 4\n"), []want{{"resources.ordered", "4:3", CodeConflict, "cannot use both any_of and ordered"}}},
		{"any_of and empty ordered", r("  any_of: [{cpus: 2}]\n  ordered: []\n"), []want{{"resources.ordered", "3:3", CodeConflict, "cannot use both any_of and ordered"}}},
		{"accelerator set with ordered", r("  accelerators: {A100: 1, H100: 1}\n  ordered:\n    - infra: aws\n"), []want{{"resources.accelerators", "2:3", CodeConflict, "several accelerators together with ordered"}}},
		{"accelerator list with ordered", r("  accelerators: [A100:1, H100:1]\n  ordered:\n    - infra: aws\n"), []want{{"resources.accelerators", "2:3", CodeConflict, "several accelerators together with ordered"}}},
		{"accelerator list with any_of", r("  accelerators: [A100:1, H100:1]\n  any_of:\n    - infra: aws\n"), []want{{"resources.accelerators", "2:3", CodeConflict, "preference list of accelerators together with any_of"}}},
		{"nested any_of", r("  any_of:\n    - any_of: [{cpus: 2}]\n"), []want{{"resources.any_of[0].any_of", "3:7", CodeUnknownField, "not allowed inside an any_of/ordered entry"}}},
		{"any_of not a list", r("  any_of: {cpus: 2}\n"), []want{{"resources.any_of", "2:11", CodeType, "want a list of resource mappings"}}},
		{"any_of entry not a mapping", r("  any_of: [A100:8]\n"), []want{{"resources.any_of[0]", "2:12", CodeType, "want a mapping of resource fields"}}},
		{"unknown key in an entry", r("  ordered:\n    - accelerator: A100\n"), []want{{"resources.ordered[0].accelerator", "3:7", CodeUnknownField, `did you mean "accelerators"?`}}},
	})
}

// Limits: size, alias bombs, cyclic aliases.
func TestParseLimits(t *testing.T) {
	big := "resources: {}\nrun: |\n" + strings.Repeat("  echo aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", 20000)
	bomb := "envs:\n  a: &a [x, x, x, x, x, x, x, x, x, x]\n  b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n  c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n" +
		"  d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n  e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n  f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n" +
		"resources:\n  volumes: [{x: *f}]\n"
	runReject(t, []rejectCase{
		{"over 1 MiB", big, []want{{"", "14982:26", CodeLimit, "larger than 1 MiB"}}},
		{"alias bomb", bomb, []want{{"resources.volumes[0].x[1][7][9][9][9][0]", "2:10", CodeLimit, "aliases expand to more than"}}},
		{"cyclic alias", "resources:\n  volumes: &v [{x: *v}]\n", []want{{"resources.volumes[0].x[0].x[0].x[0].x[0].x[0].x[0].x[0].x[0].x[0].x[0].x[0].x[0].x[0].x[0].x[0].x[0].x[0]", "2:16", CodeLimit, "nested too deeply"}}},
	})
}

func TestErrorRendering(t *testing.T) {
	_, err := Parse([]byte(r("  cpu: 4\n  disk_tier: fast\n")))
	want := `2 problems in the task YAML:
  2:3: resources.cpu: unknown field "cpu"; did you mean "cpus"?
  3:14: resources.disk_tier: invalid disk_tier "fast"; one of low, medium, high, ultra, best`
	if err == nil || err.Error() != want {
		t.Errorf("error text:\n%v\nwant:\n%s", err, want)
	}
	var e *Error
	if !errors.As(err, &e) || e.Path != "resources.cpu" {
		t.Errorf("errors.As did not reach the first *Error: %#v", e)
	}
	var l ErrorList
	if !errors.As(err, &l) || len(l) != 2 {
		t.Errorf("errors.As(ErrorList) = %v", l)
	}
}
