package resources

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse checks that Parse never panics or hangs, and that every problem
// it reports carries a position and a code.
func FuzzParse(f *testing.F) {
	seeds := []string{
		"",
		"resources:\n  accelerators: A100:8\n",
		"resources:\n  accelerators: {A10:1, L4:1}\n  use_spot: yes\n",
		"resources:\n  accelerators: [A10:1, A10g:1, L4:1]\n",
		"resources:\n  infra: gcp/us-central1\n  cpus: 4+\n  memory: 32GB+\n  ports: [8080, '9000-9010']\n",
		"resources:\n  any_of:\n    - {infra: aws, accelerators: A100:8}\n    - {infra: gcp, accelerators: H100:8}\n",
		"resources:\n  ordered:\n    - accelerators: tpu-v5p-8\n    - accelerators: nvidia:80GB+:8\n",
		"resources:\n  image_id: {us-east-1: ami-1}\n  job_recovery: {strategy: failover, recover_on_exit_codes: [1]}\n",
		"resources:\n  autostop: {idle_minutes: 10, down: true}\n  labels: {a: b}\n  disk_size: 1TB\n",
		"envs: &d {cpus: 4}\nresources:\n  <<: *d\n",
		"resources:\n  volumes: &v [{x: *v}]\n",
		"resources: [1, 2",
		"num_nodes: 2.0\nresources: {cpus: four}\n",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	if data, err := os.ReadFile(filepath.Join("testdata", "train.yaml")); err == nil {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		spec, err := Parse(data)
		if err != nil {
			if spec != nil {
				t.Fatalf("spec and error together")
			}
			errs := Errors(err)
			if len(errs) == 0 {
				t.Fatalf("error of type %T is not an *Error/ErrorList: %v", err, err)
			}
			for _, e := range errs {
				if !e.Pos.IsValid() || e.Code == "" || e.Msg == "" {
					t.Fatalf("problem without position, code or message: %#v", e)
				}
			}
			return
		}
		if len(spec.Candidates) == 0 || spec.NumNodes < 1 {
			t.Fatalf("bad spec: %+v", spec)
		}
	})
}
