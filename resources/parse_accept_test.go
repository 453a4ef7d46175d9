package resources

import (
	"strings"
	"testing"
)

// r prefixes a resources: body (written with two-space indentation).
func r(body string) string { return "resources:\n" + body }

type acceptCase struct {
	name    string
	yaml    string
	nodes   int      // expected NumNodes (0 means 1)
	ordered bool     // expected Spec.Ordered
	want    []string // dump of each candidate, in order
	paths   []string // optional: expected Path of each candidate
}

func runAccept(t *testing.T, cases []acceptCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			spec, err := Parse([]byte(tc.yaml))
			if err != nil {
				t.Fatalf("Parse: %v\n--- yaml ---\n%s", err, tc.yaml)
			}
			nodes := tc.nodes
			if nodes == 0 {
				nodes = 1
			}
			if spec.NumNodes != nodes {
				t.Errorf("NumNodes = %d, want %d", spec.NumNodes, nodes)
			}
			if spec.Ordered != tc.ordered {
				t.Errorf("Ordered = %v, want %v", spec.Ordered, tc.ordered)
			}
			var got []string
			for _, c := range spec.Candidates {
				got = append(got, dump(c))
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("candidates:\n got: %s\nwant: %s", strings.Join(got, "\n      "), strings.Join(tc.want, "\n      "))
			}
			for i, p := range tc.paths {
				if i < len(spec.Candidates) && spec.Candidates[i].Path != p {
					t.Errorf("candidate %d Path = %q, want %q", i, spec.Candidates[i].Path, p)
				}
			}
		})
	}
}

// §2: document-level rules.
func TestParseDocument(t *testing.T) {
	runAccept(t, []acceptCase{
		{name: "empty file", yaml: "", want: []string{"-"}},
		{name: "only comments", yaml: "# nothing here\n# at all\n", want: []string{"-"}},
		{name: "no resources key", yaml: "name: x\nrun: echo hi\n", want: []string{"-"}},
		{name: "resources null", yaml: "resources:\nrun: echo\n", want: []string{"-"}},
		{name: "resources empty mapping", yaml: "resources: {}\n", want: []string{"-"}},
		{name: "num_nodes", yaml: "num_nodes: 4\nresources: {cpus: 2}\n", nodes: 4, want: []string{"cpus=2"}},
		{name: "num_nodes null", yaml: "num_nodes:\n", want: []string{"-"}},
		{name: "whole task", yaml: `name: train
workdir: .
num_nodes: 2
envs: {A: b}
file_mounts: {/data: s3://bucket}
setup: pip install -r requirements.txt
run: |
  python train.py
resources:
  accelerators: A100:8
`, nodes: 2, want: []string{"acc=A100:8"}},
	})
}

// §3 and §4.1-§4.3: location fields, instance type, null handling, the
// internal keys.
func TestParseLocation(t *testing.T) {
	runAccept(t, []acceptCase{
		{name: "infra cloud", yaml: r("  infra: aws\n"), want: []string{"cloud=aws infra=aws"}},
		{name: "infra cloud upper case", yaml: r("  infra: AWS/us-east-1\n"), want: []string{"cloud=aws region=us-east-1 infra=AWS/us-east-1"}},
		{name: "infra zone", yaml: r("  infra: gcp/us-central1/us-central1-a\n"),
			want: []string{"cloud=gcp region=us-central1 zone=us-central1-a infra=gcp/us-central1/us-central1-a"}},
		{name: "infra wildcard cloud", yaml: r("  infra: '*/us-east-1'\n"), want: []string{"region=us-east-1 infra=*/us-east-1"}},
		{name: "infra wildcard region", yaml: r("  infra: aws/*/us-east-1a\n"), want: []string{"cloud=aws zone=us-east-1a infra=aws/*/us-east-1a"}},
		{name: "infra star", yaml: r("  infra: '*'\n"), want: []string{"infra=*"}},
		{name: "infra k8s", yaml: r("  infra: k8s\n"), want: []string{"cloud=kubernetes infra=k8s"}},
		{name: "infra k8s context with slashes", yaml: r("  infra: k8s/arn:aws:eks:us-east-1:1234:cluster/my-cluster\n"),
			want: []string{"cloud=kubernetes region=arn:aws:eks:us-east-1:1234:cluster/my-cluster infra=k8s/arn:aws:eks:us-east-1:1234:cluster/my-cluster"}},
		{name: "infra ssh pool", yaml: r("  infra: ssh/my-pool\n"), want: []string{"cloud=ssh region=ssh-my-pool infra=ssh/my-pool"}},
		{name: "legacy cloud region zone", yaml: r("  cloud: GCP\n  region: us-central1\n  zone: us-central1-a\n"),
			want: []string{"cloud=gcp region=us-central1 zone=us-central1-a"}},
		{name: "region without cloud", yaml: r("  region: us-east-1\n"), want: []string{"region=us-east-1"}},
		{name: "zone without region", yaml: r("  zone: us-east-1a\n"), want: []string{"zone=us-east-1a"}},
		{name: "instance type verbatim", yaml: r("  instance_type: p4d.24xlarge\n"), want: []string{"type=p4d.24xlarge"}},
		{name: "null keys are unset at the top", yaml: r("  use_spot:\n  cpus:\n  cloud:\n  accelerators:\n"), want: []string{"-"}},
		{name: "internal keys accepted", yaml: r("  _requires_fuse: true\n  _docker_login_config: {username: u}\n  cpus: 2\n"), want: []string{"cpus=2"}},
		{name: "yaml merge key", yaml: "envs: &d\n  cpus: 4+\n  memory: 16+\nresources:\n  <<: *d\n  memory: 32\n", want: []string{"cpus=4+ mem=32"}},
		{name: "yaml alias value", yaml: "envs: {X: &acc A100:8}\nresources:\n  accelerators: *acc\n", want: []string{"acc=A100:8"}},
	})
}

// §4.4: accelerators in every shape.
func TestParseAcceleratorsField(t *testing.T) {
	runAccept(t, []acceptCase{
		{name: "name only", yaml: r("  accelerators: A100\n"), want: []string{"acc=A100:1"}},
		{name: "name and count", yaml: r("  accelerators: A100:8\n"), want: []string{"acc=A100:8"}},
		{name: "fractional", yaml: r("  accelerators: V100:0.5\n"), want: []string{"acc=V100:0.5"}},
		{name: "spaces around count", yaml: r("  accelerators: 'V100: 0.5'\n"), want: []string{"acc=V100:0.5"}},
		{name: "whole float count", yaml: r("  accelerators: A100:2.0\n"), want: []string{"acc=A100:2"}},
		{name: "exponent count", yaml: r("  accelerators: A100:1e1\n"), want: []string{"acc=A100:10"}},
		{name: "zero count kept for the optimizer", yaml: r("  accelerators: A100:0\n"), want: []string{"acc=A100:0"}},
		{name: "canonical name", yaml: r("  accelerators: a100-80gb:8\n"), want: []string{"acc=A100-80GB:8"}},
		{name: "A10g is A10G", yaml: r("  accelerators: a10g\n"), want: []string{"acc=A10G:1"}},
		{name: "unknown name kept", yaml: r("  accelerators: MyCustomGPU:2\n"), want: []string{"acc=MyCustomGPU:2"}},
		{name: "gpus alias", yaml: r("  gpus: H100:8\n"), want: []string{"acc=H100:8"}},
		{name: "mapping", yaml: r("  accelerators: {A100: 8}\n"), want: []string{"acc=A100:8"}},
		{name: "block mapping set", yaml: r("  accelerators:\n    A100: 8\n    H100: 8\n"), want: []string{"acc=A100:8", "acc=H100:8"}},
		{name: "mapping null count is one", yaml: r("  accelerators: {T4: null}\n"), want: []string{"acc=T4:1"}},
		{name: "flow set", yaml: r("  accelerators: {A10:1, L4:1}\n"), want: []string{"acc=A10:1", "acc=L4:1"}},
		{name: "list is ordered", yaml: r("  accelerators: [A10:1, A10g:1, L4:1]\n"), ordered: true,
			want: []string{"acc=A10:1", "acc=A10G:1", "acc=L4:1"}, paths: []string{"resources.accelerators[0]", "resources.accelerators[1]", "resources.accelerators[2]"}},
		{name: "block list", yaml: r("  accelerators:\n    - H100:8\n    - A100-80GB:8\n"), ordered: true, want: []string{"acc=H100:8", "acc=A100-80GB:8"}},
		{name: "one element list stays ordered", yaml: r("  accelerators: [A100:8]\n"), ordered: true, want: []string{"acc=A100:8"}},
		{name: "exact duplicates collapse", yaml: r("  accelerators: [L4:1, L4:1]\n"), ordered: true, want: []string{"acc=L4:1"}},
		{name: "duplicates differing in case are kept", yaml: r("  accelerators: [A100:1, a100:1]\n"), ordered: true, want: []string{"acc=A100:1", "acc=A100:1"}},
		{name: "empty list is unset", yaml: r("  accelerators: []\n  cpus: 2\n"), want: []string{"cpus=2"}},
		{name: "memory selector", yaml: r("  accelerators: 24GB\n"), want: []string{"acc=24GB:1"}},
		{name: "memory selector at least with count", yaml: r("  accelerators: 80GB+:8\n"), want: []string{"acc=80GB+:8"}},
		{name: "memory selector with manufacturer", yaml: r("  accelerators: NVIDIA:80GB+:8\n"), want: []string{"acc=nvidia:80GB+:8"}},
		{name: "memory selector in MB", yaml: r("  accelerators: 16384MB\n"), want: []string{"acc=16GB:1"}},
		{name: "spaces in names", yaml: r("  accelerators: RTX PRO 4500:1\n"), want: []string{"acc=RTX PRO 4500:1"}},
		{name: "accelerator_args", yaml: r("  accelerators: A100:1\n  accelerator_args: {runtime_version: x, tpu_name: n, tpu_vm: false, gcp_queued_resource: true}\n"),
			want: []string{"acc=A100:1 args={rv:x,name:n,vm:false,queued:true}"}},
	})
}

// §4.4.3: TPU rules.
func TestParseTPU(t *testing.T) {
	runAccept(t, []acceptCase{
		{name: "tpu defaults to gcp", yaml: r("  accelerators: tpu-v3-8\n"), want: []string{"cloud=gcp acc=tpu-v3-8:1 args={rv:tpu-vm-base}"}},
		{name: "tpu v5 runtime", yaml: r("  accelerators: tpu-v5p-8\n"), want: []string{"cloud=gcp acc=tpu-v5p-8:1 args={rv:v2-alpha-tpuv5}"}},
		{name: "tpu upper case is lower-cased", yaml: r("  accelerators: TPU-V5P-8\n"), want: []string{"cloud=gcp acc=tpu-v5p-8:1 args={rv:v2-alpha-tpuv5}"}},
		{name: "tpu v6e runtime", yaml: r("  accelerators: tpu-v6e-8\n"), want: []string{"cloud=gcp acc=tpu-v6e-8:1 args={rv:v2-alpha-tpuv6e}"}},
		{name: "tpu node runtime", yaml: r("  accelerators: tpu-v2-8\n  accelerator_args: {tpu_vm: false}\n"),
			want: []string{"cloud=gcp acc=tpu-v2-8:1 args={rv:2.12.0,vm:false}"}},
		{name: "tpu runtime kept", yaml: r("  accelerators: tpu-v4-8\n  accelerator_args: {runtime_version: tpu-vm-v4-base}\n"),
			want: []string{"cloud=gcp acc=tpu-v4-8:1 args={rv:tpu-vm-v4-base}"}},
		{name: "tpu with TPU-VM instance type", yaml: r("  accelerators: tpu-v4-8\n  instance_type: TPU-VM\n"),
			want: []string{"cloud=gcp type=TPU-VM acc=tpu-v4-8:1 args={rv:tpu-vm-base}"}},
		{name: "tpu node with instance type", yaml: r("  accelerators: tpu-v2-8\n  instance_type: n1-highmem-8\n  accelerator_args: {tpu_vm: false}\n"),
			want: []string{"cloud=gcp type=n1-highmem-8 acc=tpu-v2-8:1 args={rv:2.12.0,vm:false}"}},
		{name: "gke tpu slice goes to kubernetes", yaml: r("  accelerators: tpu-v5-lite-podslice:4\n"), want: []string{"cloud=kubernetes acc=tpu-v5-lite-podslice:4"}},
		{name: "tpu on pinned gcp", yaml: r("  infra: gcp/us-central2\n  accelerators: tpu-v4-8\n"),
			want: []string{"cloud=gcp region=us-central2 infra=gcp/us-central2 acc=tpu-v4-8:1 args={rv:tpu-vm-base}"}},
	})
}

// §4.6-§4.15: the scalar fields.
func TestParseFields(t *testing.T) {
	runAccept(t, []acceptCase{
		{name: "cpus int", yaml: r("  cpus: 4\n"), want: []string{"cpus=4"}},
		{name: "cpus at least", yaml: r("  cpus: 4+\n"), want: []string{"cpus=4+"}},
		{name: "cpus fractional", yaml: r("  cpus: 0.5\n"), want: []string{"cpus=0.5"}},
		{name: "cpus quoted", yaml: r("  cpus: '8'\n"), want: []string{"cpus=8"}},
		{name: "memory int", yaml: r("  memory: 32\n"), want: []string{"mem=32"}},
		{name: "memory float", yaml: r("  memory: 7.5\n"), want: []string{"mem=7.5"}},
		{name: "memory at least", yaml: r("  memory: 32+\n"), want: []string{"mem=32+"}},
		{name: "memory GB", yaml: r("  memory: 32GB\n"), want: []string{"mem=32"}},
		{name: "memory TB at least", yaml: r("  memory: 1TB+\n"), want: []string{"mem=1024+"}},
		{name: "memory MB", yaml: r("  memory: 512MB\n"), want: []string{"mem=0.5"}},
		{name: "memory Gi", yaml: r("  memory: 16Gi\n"), want: []string{"mem=16"}},
		{name: "memory lower-case unit", yaml: r("  memory: 64gb+\n"), want: []string{"mem=64+"}},
		{name: "memory per cpu", yaml: r("  memory: 4x\n"), want: []string{"mem=4x"}},
		{name: "use_spot true", yaml: r("  use_spot: true\n"), want: []string{"spot=true"}},
		{name: "use_spot yes (YAML 1.1)", yaml: r("  use_spot: yes\n"), want: []string{"spot=true"}},
		{name: "use_spot off (YAML 1.1)", yaml: r("  use_spot: off\n"), want: []string{"spot=false"}},
		{name: "use_spot false is written", yaml: r("  use_spot: false\n"), want: []string{"spot=false"}},
		{name: "job_recovery string", yaml: r("  job_recovery: failover\n"), want: []string{"recovery={FAILOVER,off:false,max:0,codes:[]}"}},
		{name: "job_recovery none", yaml: r("  job_recovery: none\n"), want: []string{"recovery={,off:true,max:0,codes:[]}"}},
		{name: "job_recovery mapping", yaml: r("  job_recovery:\n    strategy: eager_next_region\n    max_restarts_on_errors: 3\n    recover_on_exit_codes: [33, 34]\n"),
			want: []string{"recovery={EAGER_NEXT_REGION,off:false,max:3,codes:[33 34]}"}},
		{name: "job_recovery mapping without strategy", yaml: r("  job_recovery: {max_restarts_on_errors: 2, recover_on_exit_codes: 137}\n"),
			want: []string{"recovery={,off:false,max:2,codes:[137]}"}},
		{name: "disk_size int", yaml: r("  disk_size: 100\n"), want: []string{"disk=100"}},
		{name: "disk_size TB", yaml: r("  disk_size: 1TB\n"), want: []string{"disk=1024"}},
		{name: "disk_size Gi", yaml: r("  disk_size: 500Gi\n"), want: []string{"disk=500"}},
		{name: "disk_size MB whole", yaml: r("  disk_size: 2048MB\n"), want: []string{"disk=2"}},
		{name: "disk_size capitalised unit", yaml: r("  disk_size: 2Tb\n"), want: []string{"disk=2048"}},
		{name: "disk_tier", yaml: r("  disk_tier: High\n"), want: []string{"tier=high"}},
		{name: "network_tier", yaml: r("  network_tier: best\n"), want: []string{"net=best"}},
		{name: "port int", yaml: r("  ports: 8080\n"), want: []string{"ports=8080"}},
		{name: "port range", yaml: r("  ports: 8080-8090\n"), want: []string{"ports=8080-8090"}},
		{name: "ports merged and sorted", yaml: r("  ports: [8082, 8080, 8081, '9000-9010', 9005, 22]\n"), want: []string{"ports=22,8080-8082,9000-9010"}},
		{name: "ports overlapping ranges", yaml: r("  ports: ['10-20', '15-30', 31]\n"), want: []string{"ports=10-31"}},
		{name: "ports empty list is unset", yaml: r("  ports: []\n  cpus: 1\n"), want: []string{"cpus=1"}},
		{name: "image_id docker without cloud", yaml: r("  image_id: docker:ubuntu:22.04\n"), want: []string{"image={:docker:ubuntu:22.04}"}},
		{name: "image_id aws in region", yaml: r("  infra: aws/us-east-1\n  image_id: ami-0123\n"), want: []string{"cloud=aws region=us-east-1 infra=aws/us-east-1 image={:ami-0123}"}},
		{name: "image_id aws skypilot tag", yaml: r("  infra: aws\n  image_id: skypilot:gpu-ubuntu-2204\n"), want: []string{"cloud=aws infra=aws image={:skypilot:gpu-ubuntu-2204}"}},
		{name: "image_id per region", yaml: r("  cloud: aws\n  image_id:\n    us-east-1: ami-1\n    us-west-2: ' ami-2 '\n"),
			want: []string{"cloud=aws image={us-east-1:ami-1,us-west-2:ami-2}"}},
		{name: "image_id gcp", yaml: r("  infra: gcp\n  image_id: projects/p/global/images/i\n"), want: []string{"cloud=gcp infra=gcp image={:projects/p/global/images/i}"}},
		{name: "image_id kubernetes gets docker prefix", yaml: r("  infra: k8s\n  image_id: ubuntu:22.04\n"), want: []string{"cloud=kubernetes infra=k8s image={:docker:ubuntu:22.04}"}},
		{name: "labels", yaml: r("  labels: {team: ml, cost-center: '42'}\n"), want: []string{"labels={cost-center:42,team:ml}"}},
		{name: "autostop true", yaml: r("  autostop: true\n"), want: []string{"autostop={off:false,idle:0,down:false,wait:,hook:,timeout:0}"}},
		{name: "autostop false", yaml: r("  autostop: false\n"), want: []string{"autostop={off:true,idle:0,down:false,wait:,hook:,timeout:0}"}},
		{name: "autostop minutes", yaml: r("  autostop: 10\n"), want: []string{"autostop={off:false,idle:10,down:false,wait:,hook:,timeout:0}"}},
		{name: "autostop hours", yaml: r("  autostop: 2h\n"), want: []string{"autostop={off:false,idle:120,down:false,wait:,hook:,timeout:0}"}},
		{name: "autostop mapping", yaml: r("  autostop: {idle_minutes: 30, down: true, wait_for: jobs, hook: ./save.sh, hook_timeout: 60}\n"),
			want: []string{"autostop={off:false,idle:30,down:true,wait:jobs,hook:./save.sh,timeout:60}"}},
		{name: "priority", yaml: r("  priority: -5\n"), want: []string{"prio=-5"}},
		{name: "priority integral float", yaml: r("  priority: 5.0\n"), want: []string{"prio=5"}},
		{name: "priority_class", yaml: r("  priority_class: high\n"), want: []string{"pclass=high"}},
		{name: "volumes", yaml: r("  volumes:\n    - {name: vol, path: /mnt/data, size: 100}\n"), want: []string{"volumes=[map[name:vol path:/mnt/data size:100]]"}},
		{name: "local_disk type", yaml: r("  local_disk: nvme\n"), want: []string{"localdisk=nvme:0:false"}},
		{name: "local_disk size", yaml: r("  local_disk: ssd:500+\n"), want: []string{"localdisk=ssd:500:true"}},
		{name: "max_hourly_cost", yaml: r("  max_hourly_cost: 3.5\n"), want: []string{"maxcost=3.5"}},
		{name: "ephemeral_storage", yaml: r("  ephemeral_storage: 100GB\n"), want: []string{"eph=100"}},
	})
}

// §5: any_of, ordered and the accelerator multiplications.
func TestParseExpansion(t *testing.T) {
	runAccept(t, []acceptCase{
		{name: "any_of inherits and overrides", yaml: r(`  cpus: 8+
  use_spot: true
  any_of:
    - infra: gcp
      accelerators: A100:8
    - infra: aws
      accelerators: A100:8
      use_spot: false
`), want: []string{"cloud=gcp infra=gcp acc=A100:8 cpus=8+ spot=true", "cloud=aws infra=aws acc=A100:8 cpus=8+ spot=false"},
			paths: []string{"resources.any_of[0]", "resources.any_of[1]"}},
		{name: "ordered keeps the order", yaml: r(`  ordered:
    - accelerators: H100:8
    - accelerators: A100-80GB:8
    - accelerators: A100:8
`), ordered: true, want: []string{"acc=H100:8", "acc=A100-80GB:8", "acc=A100:8"}},
		{name: "accelerator set times any_of", yaml: r(`  accelerators: {A10:1, L4:1}
  any_of:
    - infra: aws
    - infra: gcp
`), want: []string{"cloud=aws infra=aws acc=A10:1", "cloud=aws infra=aws acc=L4:1", "cloud=gcp infra=gcp acc=A10:1", "cloud=gcp infra=gcp acc=L4:1"}},
		{name: "entry accelerators replace the set", yaml: r(`  accelerators: {A10:1, L4:1}
  any_of:
    - accelerators: T4
    - infra: aws
`), want: []string{"acc=T4:1", "cloud=aws infra=aws acc=A10:1", "cloud=aws infra=aws acc=L4:1"}},
		{name: "one element list with any_of", yaml: r(`  accelerators: [A100:8]
  any_of:
    - infra: aws
    - infra: gcp
`), want: []string{"cloud=aws infra=aws acc=A100:8", "cloud=gcp infra=gcp acc=A100:8"}},
		{name: "single accelerator with ordered", yaml: r(`  accelerators: A100:8
  ordered:
    - infra: gcp
    - infra: aws
`), ordered: true, want: []string{"cloud=gcp infra=gcp acc=A100:8", "cloud=aws infra=aws acc=A100:8"}},
		{name: "entry mapping accelerators", yaml: r(`  any_of:
    - accelerators: {A100: 8}
    - gpus: H100:8
`), want: []string{"acc=A100:8", "acc=H100:8"}},
		{name: "labels merge per candidate", yaml: r(`  labels: {team: ml, env: dev}
  any_of:
    - labels: {env: prod}
    - labels: {owner: ann}
    - cpus: 2
`), want: []string{"labels={env:prod,team:ml}", "labels={env:dev,owner:ann,team:ml}", "cpus=2 labels={env:dev,team:ml}"}},
		{name: "entry replaces ports and image entirely", yaml: r(`  ports: [80, 443]
  infra: aws/us-east-1
  image_id: ami-top
  any_of:
    - ports: 8080
      image_id: ami-entry
    - cpus: 4
`), want: []string{"cloud=aws region=us-east-1 infra=aws/us-east-1 ports=8080 image={:ami-entry}",
			"cloud=aws region=us-east-1 infra=aws/us-east-1 cpus=4 ports=80,443 image={:ami-top}"}},
		{name: "legacy cloud at top and region in entries", yaml: r(`  cloud: aws
  any_of:
    - region: us-east-1
    - region: us-west-2
`), want: []string{"cloud=aws region=us-east-1", "cloud=aws region=us-west-2"}},
		{name: "empty any_of is absent", yaml: r("  any_of: []\n  accelerators: [A100:1, H100:1]\n"), ordered: true, want: []string{"acc=A100:1", "acc=H100:1"}},
		{name: "empty ordered is absent", yaml: r("  ordered: []\n  cpus: 2\n"), want: []string{"cpus=2"}},
		{name: "null any_of is absent", yaml: r("  any_of:\n  cpus: 2\n"), want: []string{"cpus=2"}},
		{name: "identical entries stay two candidates", yaml: r("  any_of:\n    - cpus: 2\n    - cpus: 2\n"), want: []string{"cpus=2", "cpus=2"}},
		{name: "null allowed for ports and image in entries", yaml: r("  ports: 80\n  any_of:\n    - ports: null\n    - image_id: null\n"),
			want: []string{"-", "ports=80"}},
		{name: "same priority everywhere", yaml: r("  priority: 10\n  any_of:\n    - cpus: 2\n    - cpus: 4\n"), want: []string{"cpus=2 prio=10", "cpus=4 prio=10"}},
		{name: "spot and on-demand mixed explicitly", yaml: r("  accelerators: A100:8\n  any_of:\n    - use_spot: true\n    - use_spot: false\n"),
			want: []string{"acc=A100:8 spot=true", "acc=A100:8 spot=false"}},
	})
}

func TestSetAccelerator(t *testing.T) {
	spec, err := Parse([]byte(r("  ordered:\n    - {accelerators: A100:8, infra: gcp}\n    - {infra: aws}\n")))
	if err != nil {
		t.Fatal(err)
	}
	a, err := ParseAccelerators("h100:4")
	if err != nil {
		t.Fatal(err)
	}
	spec.SetAccelerator(a)
	a.Count = 99 // the spec holds copies
	if !spec.Ordered || len(spec.Candidates) != 2 {
		t.Fatalf("shape changed: %+v", spec)
	}
	for i, want := range []string{"cloud=gcp infra=gcp acc=H100:4", "cloud=aws infra=aws acc=H100:4"} {
		if got := dump(spec.Candidates[i]); got != want {
			t.Errorf("candidate %d = %q, want %q", i, got, want)
		}
	}
	spec.SetAccelerator(nil)
	if spec.Candidates[0].Accelerator != nil {
		t.Errorf("SetAccelerator(nil) kept %v", spec.Candidates[0].Accelerator)
	}
}

// §7: the --gpus shorthand.
func TestParseAcceleratorsShorthand(t *testing.T) {
	for _, tc := range []struct {
		in, want string
	}{
		{"A100", "A100:1"}, {"A100:8", "A100:8"}, {"V100:0.5", "V100:0.5"}, {"a10g:4", "A10G:4"},
		{" H100 : 8 ", "H100:8"}, {"80GB+:8", "80GB+:8"}, {"amd:192GB:8", "amd:192GB:8"}, {"tpu-V5P-8", "tpu-v5p-8:1"},
	} {
		a, err := ParseAccelerators(tc.in)
		if err != nil {
			t.Errorf("ParseAccelerators(%q): %v", tc.in, err)
			continue
		}
		if got := a.String(); got != tc.want {
			t.Errorf("ParseAccelerators(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
	for _, in := range []string{"", "A100:", "A100:x", ":8", "A100:8:1", "a:b:c:d", "A100:inf", "A100:nan"} {
		_, err := ParseAccelerators(in)
		var e *Error
		if err == nil || !errorsAs(err, &e) || e.Path != "accelerators" || e.Code != CodeValue {
			t.Errorf("ParseAccelerators(%q) = %v, want an *Error on accelerators", in, err)
		}
	}
}

func TestParseInfraAndSetLocation(t *testing.T) {
	for _, tc := range []struct{ in, cloud, region, zone string }{
		{"aws", "aws", "", ""}, {"GCP/us-central1", "gcp", "us-central1", ""}, {"aws/*/us-east-1a", "aws", "", "us-east-1a"},
		{"*/eastus", "", "eastus", ""}, {"k8s/ctx:a/b", "kubernetes", "ctx:a/b", ""},
	} {
		c, r, z, err := ParseInfra(tc.in)
		if err != nil || c != tc.cloud || r != tc.region || z != tc.zone {
			t.Errorf("ParseInfra(%q) = %q %q %q %v", tc.in, c, r, z, err)
		}
	}
	var e *Error
	if _, _, _, err := ParseInfra("amazon/x"); !errorsAs(err, &e) || e.Path != "infra" || len(e.Suggestions) != 0 && e.Suggestions[0] == "" {
		t.Errorf("ParseInfra(amazon/x) error = %v", err)
	}
	spec, err := Parse([]byte(r("  any_of:\n    - {infra: gcp, accelerators: A100:8}\n    - {cloud: aws, region: us-east-1, accelerators: A100:8}\n")))
	if err != nil {
		t.Fatal(err)
	}
	spec.SetLocation("azure/eastus", "azure", "eastus", "")
	for i, c := range spec.Candidates {
		if got := dump(c); got != "cloud=azure region=eastus infra=azure/eastus acc=A100:8" {
			t.Errorf("candidate %d = %s", i, got)
		}
	}
}
