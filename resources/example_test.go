package resources_test

import (
	"fmt"

	"github.com/skyhop/skyhop/resources"
)

func ExampleParse() {
	// An accelerator set: any of these, the cheapest wins.
	set, err := resources.Parse([]byte(`
resources:
  accelerators: {A10:1, L4:1}
  use_spot: true
`))
	if err != nil {
		panic(err)
	}
	fmt.Println("set, ordered:", set.Ordered)
	for _, c := range set.Candidates {
		fmt.Println(" ", c.String())
	}

	// An ordered list: try H100s first, then A100s.
	list, err := resources.Parse([]byte(`
num_nodes: 2
resources:
  cpus: 16+
  ordered:
    - infra: gcp
      accelerators: H100:8
    - infra: aws
      accelerators: a100:8
`))
	if err != nil {
		panic(err)
	}
	fmt.Println("list, ordered:", list.Ordered, "nodes:", list.NumNodes)
	for _, c := range list.Candidates {
		fmt.Println(" ", c.Path, c.String())
	}
	// Output:
	// set, ordered: false
	//   A10:1 spot
	//   L4:1 spot
	// list, ordered: true nodes: 2
	//   resources.ordered[0] gcp H100:8 cpus=16+
	//   resources.ordered[1] aws A100:8 cpus=16+
}

func ExampleParse_errors() {
	_, err := resources.Parse([]byte(`
resources:
  accelerators: A100:8
  cpu: 8
  disk_size: 1500MB
`))
	for _, e := range resources.Errors(err) {
		fmt.Printf("%s %s [%s]\n", e.Pos, e.Path, e.Code)
	}
	fmt.Println(err)
	// Output:
	// 4:3 resources.cpu [unknown_field]
	// 5:14 resources.disk_size [value]
	// 2 problems in the task YAML:
	//   4:3: resources.cpu: unknown field "cpu"; did you mean "cpus"?
	//   5:14: resources.disk_size: disk_size "1500MB" is not a whole number of GiB; write whole GiB (256) or an integer with a unit (1TB, 500Gi, 2048MB) that is a whole number of GiB
}

func ExampleParseAccelerators() {
	a, err := resources.ParseAccelerators("a100-80gb:8")
	if err != nil {
		panic(err)
	}
	fmt.Println(a.Name, a.Count)
	// Output: A100-80GB 8
}
