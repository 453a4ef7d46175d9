package fake

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/skyhop/skyhop/catalog"
	"github.com/skyhop/skyhop/drivers"
)

func TestParseScenarioFull(t *testing.T) {
	s, err := LoadScenarioFile("testdata/leaky.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := []Fault{
		{Cloud: "aws", Zone: "use1-az1", Code: "InsufficientInstanceCapacity", Created: 2, Times: 1},
		{Cloud: "aws", Zone: "use1-az2", Code: "InternalError", Created: All, Orphan: true, Times: 1},
		{Op: OpTerminate, Cloud: "aws", Code: "RequestLimitExceeded", Times: 2},
		{Op: OpTerminate, Cloud: "gcp", Hang: true},
		{Op: OpCheckCredentials, Cloud: "azure", Code: "InvalidAuthenticationToken"},
		{Cloud: "azure", Market: Spot, From: 3, Code: "OperationNotAllowed", HTTPStatus: 409, Delay: 2 * time.Second},
		{Cloud: "lambda", Code: "NoCapacity", Class: drivers.ClassCapacity, Scope: drivers.ScopeRegion},
	}
	if !reflect.DeepEqual(s.Faults, want) {
		t.Fatalf("faults =\n%+v\nwant\n%+v", s.Faults, want)
	}

	s, err = LoadScenarioFile("testdata/skypilot-stories.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "skypilot-stories" || !strings.HasPrefix(s.Description, "V100:1 with GCP") || len(s.Offerings) != 8 ||
		len(s.Faults) != 3 || s.Latency != (Latency{Launch: 90 * time.Second, Terminate: 30 * time.Second}) ||
		!reflect.DeepEqual(s.Clouds, []string{"aws", "gcp"}) {
		t.Fatalf("scenario = %+v", s)
	}
	wantOff := catalog.Offering{Cloud: "aws", InstanceType: "p3.16xlarge", Region: "us-east-1", Zone: "use1-az1",
		Accelerator: "V100", AcceleratorCount: 8, VCPUs: 64, MemoryGiB: 488, Price: 24.48}
	if s.Offerings[5] != wantOff {
		t.Fatalf("offering = %+v", s.Offerings[5])
	}
}

// The first SkyPilot story, driven by the scenario file: every zone of
// us-central1 is out, us-west1-a has the V100.
func TestScenarioDrivesFake(t *testing.T) {
	s, err := LoadScenarioFile("testdata/skypilot-stories.yaml")
	if err != nil {
		t.Fatal(err)
	}
	fc := s.New(WithLatency(Latency{})) // extra options come last: no latency
	ctx := context.Background()
	gcp := fc.Driver("gcp")
	req := drivers.LaunchRequest{ClusterName: "s1", InstanceType: "n1-highmem-8", Accelerator: "V100", AcceleratorCount: 1}
	var got []string
	for _, loc := range [][2]string{{"us-central1", "us-central1-a"}, {"us-central1", "us-central1-b"}, {"us-west1", "us-west1-a"}} {
		req.Region, req.Zone = loc[0], loc[1]
		_, err := gcp.Launch(ctx, req)
		got = append(got, drivers.ClassOf(err).String()+":"+loc[1])
		if err == nil {
			break
		}
	}
	if want := "capacity:us-central1-a capacity:us-central1-b unknown:us-west1-a"; strings.Join(got, " ") != want {
		t.Fatalf("walk = %v, want %v", got, want)
	}
	// V100:8 on GCP us-west1 is over quota.
	_, err = gcp.Launch(ctx, drivers.LaunchRequest{ClusterName: "s2", InstanceType: "n1-highmem-64", Region: "us-west1", Zone: "us-west1-a"})
	if de := asError(t, err); de.Class != drivers.ClassQuota || de.EffectiveScope() != drivers.ScopeRegion || !strings.Contains(de.Message, "in region us-west1") {
		t.Fatalf("quota = %+v", de)
	}
	// AWS us-east-1 and us-east-2 out, us-west-2 fine.
	aws := fc.Driver("aws")
	for _, r := range []string{"us-east-1", "us-east-2"} {
		if _, err := aws.Launch(ctx, drivers.LaunchRequest{ClusterName: "s2", InstanceType: "p3.16xlarge", Region: r}); drivers.ClassOf(err) != drivers.ClassCapacity {
			t.Fatalf("%s: %v", r, err)
		}
	}
	if _, err := aws.Launch(ctx, drivers.LaunchRequest{ClusterName: "s2", InstanceType: "p3.16xlarge", Region: "us-west-2"}); err != nil {
		t.Fatal(err)
	}
}

// A scenario of faults only, over offerings the caller passes in.
func TestScenarioOverCallerOfferings(t *testing.T) {
	s, err := ParseScenario([]byte("faults:\n  - {cloud: gcp, zone: us-central1-a, code: ZONE_RESOURCE_POOL_EXHAUSTED}\n"))
	if err != nil {
		t.Fatal(err)
	}
	fc := s.New(WithOfferings(testOfferings()...))
	if _, err := fc.Driver("gcp").Launch(context.Background(), gcpReq); drivers.ClassOf(err) != drivers.ClassCapacity {
		t.Fatalf("launch = %v", err)
	}
	req := gcpReq
	req.Zone = "us-central1-b"
	if _, err := fc.Driver("gcp").Launch(context.Background(), req); err != nil {
		t.Fatal(err)
	}
}

func TestParseScenarioEmpty(t *testing.T) {
	for _, in := range []string{"", "# nothing\n", "~\n", "---\n", "faults: []\n", "faults:\nofferings:\n"} {
		s, err := ParseScenario([]byte(in))
		if err != nil || len(s.Faults) != 0 || len(s.Offerings) != 0 {
			t.Errorf("ParseScenario(%q) = %+v, %v", in, s, err)
		}
	}
}

func TestParseScenarioErrors(t *testing.T) {
	tests := []struct {
		name, in string
		want     string // the first error's text, without "scenario:"
	}{
		{"not a mapping", "- a\n- b\n", "1:1: want a mapping (key: value lines), got a list"},
		{"unknown top key", "fault:\n  - code: X\n", `1:1: fault: unknown key "fault" (known keys: name, description, clouds, latency, offerings, faults)`},
		{"unknown fault key", "faults:\n  - code: X\n    zones: a\n", `3:5: faults[0].zones: unknown key "zones"`},
		{"bad times", "faults:\n  - code: X\n    times: two\n", `3:12: faults[0].times: "two": want a number of calls (a whole number from 0 to 1000000000)`},
		{"negative from", "faults:\n  - code: X\n    from: -1\n", `3:11: faults[0].from: "-1": want a call number`},
		{"bad status", "faults:\n  - {code: X, status: 1234}\n", `2:23: faults[0].status: "1234": want an HTTP status`},
		{"bad market", "faults:\n  - {code: X, market: reserved}\n", `2:23: faults[0].market: "reserved": want any, on-demand or spot`},
		{"bad op", "faults:\n  - {op: reboot, code: X}\n", `2:10: faults[0].op: "reboot": want launch, terminate, list or check-credentials`},
		{"bad class", "faults:\n  - {code: X, class: stockout}\n", `2:22: faults[0].class: "stockout": want one of capacity`},
		{"bad scope", "faults:\n  - {code: X, scope: planet}\n", `2:22: faults[0].scope: "planet": want zone, region or cloud`},
		{"bad created", "faults:\n  - {code: X, created: some}\n", `2:24: faults[0].created: "some": want a node count or "all"`},
		{"bad bool", "faults:\n  - {code: X, hang: maybe}\n", `2:21: faults[0].hang: "maybe": want true or false`},
		{"bad delay", "faults:\n  - {delay: soon}\n", `2:13: faults[0].delay: "soon": want a duration such as 500ms, 30s or 2m`},
		{"created without code", "faults:\n  - {zone: a, created: 2}\n", `2:5: faults[0]: fault creates nodes but neither fails (code) nor hangs: give it a code`},
		{"bad pattern", "faults:\n  - {zone: \"[a\", code: X}\n", `2:5: faults[0]: fault zone pattern "[a": syntax error in pattern`},
		{"fault not mapping", "faults:\n  - ZONE_RESOURCE_POOL_EXHAUSTED\n", `2:5: faults[0]: want a mapping (key: value lines), got a value`},
		{"faults not list", "faults: {code: X}\n", `1:9: faults: want a list, got a mapping`},
		{"offering missing", "offerings:\n  - {cloud: gcp, zone: a}\n", `2:5: offerings[0]: offering lacks instance_type and region`},
		{"offering price", "offerings:\n  - {cloud: gcp, instance_type: t, region: r, price: -1}\n", `2:54: offerings[0].price: "-1": want a price in USD per hour (a number, 0 or more)`},
		{"offering nan", "offerings:\n  - {cloud: gcp, instance_type: t, region: r, spot_price: .nan}\n", `offerings[0].spot_price: ".nan"`},
		{"offering cloud case", "offerings:\n  - {cloud: GCP, instance_type: t, region: r}\n", `2:13: offerings[0].cloud: cloud name "GCP": want lower case`},
		{"offering key", "offerings:\n  - {cloud: gcp, instance_type: t, region: r, gpu: V100}\n", `2:47: offerings[0].gpu: unknown key "gpu"`},
		{"clouds", "clouds: [aws, AWS]\n", `1:15: clouds[1]: cloud name "AWS": want a lower-case name`},
		{"latency key", "latency: {boot: 1s}\n", `1:11: latency.boot: unknown key "boot" (known keys: launch, terminate, list, check_credentials)`},
		{"latency value", "latency: {launch: [1s]}\n", `1:19: latency.launch: want a single value, got a list`},
		{"duplicate", "name: a\nname: b\n", `2:1: name: duplicate key "name"`},
		{"syntax", "name: a\n\tclouds: [aws]\n", `2:1: not valid YAML: line 2: found a tab character that violates indentation`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseScenario([]byte(tt.in))
			if err == nil {
				t.Fatal("no error")
			}
			var se *ScenarioError
			if !errors.As(err, &se) {
				t.Fatalf("error %v is not a *ScenarioError", err)
			}
			if got := strings.TrimPrefix(se.Error(), "scenario:"); !strings.Contains(got, tt.want) {
				t.Fatalf("error = %q\nwant it to contain %q", got, tt.want)
			}
		})
	}
}

func TestParseScenarioManyErrors(t *testing.T) {
	_, err := ParseScenario([]byte("faults:\n  - {times: x, code: X}\n  - {from: y, code: X}\n"))
	if err == nil || strings.Count(err.Error(), "scenario:") != 2 {
		t.Fatalf("err = %v, want two problems", err)
	}
	var b strings.Builder
	b.WriteString("faults:\n")
	for range 50 {
		b.WriteString("  - {times: x, code: X}\n")
	}
	_, err = ParseScenario([]byte(b.String()))
	if n := strings.Count(err.Error(), "scenario:"); n != maxScenarioErrors {
		t.Fatalf("%d problems reported, want %d", n, maxScenarioErrors)
	}
}

func TestLoadScenarioFileErrors(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(path, []byte("faults:\n  - {times: x}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := LoadScenarioFile(path)
	if err == nil || !strings.HasPrefix(err.Error(), path+":2:") {
		t.Fatalf("err = %v, want it to start with %s:2:", err, path)
	}
	if _, err := LoadScenarioFile(filepath.Join(dir, "missing.yaml")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
	if _, err := LoadScenario(errReader{}); err == nil {
		t.Fatal("LoadScenario ignored a read error")
	}
	s, err := LoadScenario(strings.NewReader("name: x\n"))
	if err != nil || s.Name != "x" {
		t.Fatalf("LoadScenario = %+v, %v", s, err)
	}
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestScenarioMarshalRoundTrip(t *testing.T) {
	for _, file := range []string{"testdata/leaky.yaml", "testdata/skypilot-stories.yaml"} {
		s, err := LoadScenarioFile(file)
		if err != nil {
			t.Fatal(err)
		}
		out, err := s.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		s2, err := ParseScenario(out)
		if err != nil {
			t.Fatalf("%s: re-parse: %v\n%s", file, err, out)
		}
		if !reflect.DeepEqual(s, s2) {
			t.Fatalf("%s: round trip differs:\n%+v\n%+v\n%s", file, s, s2, out)
		}
	}
}

func TestScenarioAliases(t *testing.T) {
	in := "x: &stock {cloud: gcp, code: ZONE_RESOURCE_POOL_EXHAUSTED}\n"
	if _, err := ParseScenario([]byte(in)); err == nil {
		t.Fatal("unknown key x accepted")
	}
	in = "faults:\n  - &stock {cloud: gcp, code: ZONE_RESOURCE_POOL_EXHAUSTED, times: 1}\n  - *stock\n"
	s, err := ParseScenario([]byte(in))
	if err != nil || len(s.Faults) != 2 || s.Faults[1] != s.Faults[0] {
		t.Fatalf("aliases: %+v, %v", s, err)
	}
}

// FuzzParseScenario: the parser never panics, every error is a
// *ScenarioError, and what it accepts survives Marshal and a second parse
// unchanged.
func FuzzParseScenario(f *testing.F) {
	for _, file := range []string{"testdata/leaky.yaml", "testdata/skypilot-stories.yaml"} {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("faults:\n  - {code: X, created: all, orphan: true}\n"))
	f.Add([]byte("latency: {launch: 1s}\nclouds: [aws]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseScenario(data)
		if err != nil {
			var se *ScenarioError
			if !errors.As(err, &se) {
				t.Fatalf("error %v (%T) is not a *ScenarioError", err, err)
			}
			return
		}
		for _, f := range s.Faults {
			if err := f.Validate(); err != nil {
				t.Fatalf("accepted an invalid fault %+v: %v", f, err)
			}
		}
		out, err := s.Marshal()
		if err != nil {
			t.Fatalf("Marshal: %v", err)
		}
		s2, err := ParseScenario(out)
		if err != nil {
			t.Fatalf("re-parse of\n%s\nfailed: %v", out, err)
		}
		if !reflect.DeepEqual(s, s2) {
			t.Fatalf("round trip differs:\n%+v\n%+v", s, s2)
		}
		New(s.Options()...) // builds without panicking
	})
}
