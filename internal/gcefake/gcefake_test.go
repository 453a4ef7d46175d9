package gcefake

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

func do(t *testing.T, s *Server, method, path, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, s.URL()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s %s: body %q is not JSON: %v", method, path, b, err)
	}
	return resp.StatusCode, m
}

const inst = "/compute/v1/projects/p/zones/us-central1-a/instances"

func TestWire(t *testing.T) {
	s := New()
	defer s.Close()
	body := `{"name":"vm-1","machineType":"zones/us-central1-a/machineTypes/n1-standard-4","labels":{"k":"v"}}`
	st, op := do(t, s, "POST", inst+"?requestId=r1", body)
	if st != 200 || op["status"] != "RUNNING" || op["kind"] != "compute#operation" {
		t.Fatalf("insert = %d %v", st, op)
	}
	if _, again := do(t, s, "POST", inst+"?requestId=r1", body); again["name"] != op["name"] {
		t.Errorf("a repeated requestId returned operation %v, want %v", again["name"], op["name"])
	}
	if st, e := do(t, s, "POST", inst+"?requestId=r2", body); st != 409 || reason(e) != "alreadyExists" {
		t.Errorf("same name, new requestId = %d %v", st, e)
	}
	if _, in := do(t, s, "GET", inst+"/vm-1", ""); in["status"] != "PROVISIONING" {
		t.Errorf("instance before the operation is done = %v", in["status"])
	}
	if _, done := do(t, s, "GET", "/compute/v1/projects/p/zones/us-central1-a/operations/"+op["name"].(string), ""); done["status"] != "DONE" {
		t.Errorf("poll = %v", done)
	}
	if _, in := do(t, s, "GET", inst+"/vm-1", ""); in["status"] != "RUNNING" || in["id"] == "" {
		t.Errorf("instance = %v", in)
	}
	if _, l := do(t, s, "GET", "/compute/v1/projects/p/aggregated/instances?filter="+urlq(`labels.k = "v"`), ""); len(l["items"].(map[string]any)) != 1 {
		t.Errorf("aggregated list = %v", l)
	}
	if _, l := do(t, s, "GET", inst+"?filter="+urlq(`labels.k = "w"`), ""); len(l["items"].([]any)) != 0 {
		t.Errorf("list with another label = %v", l)
	}
	for _, bad := range []string{
		`{"name":"VM_1","machineType":"zones/z/machineTypes/n1-standard-4"}`,
		`{"name":"vm-2","machineType":"zones/z/machineTypes/n1-standard-4","labels":{"Key":"v"}}`,
	} {
		if st, e := do(t, s, "POST", inst, bad); st != 400 || reason(e) != "invalid" {
			t.Errorf("insert %s = %d %v, want 400 invalid", bad, st, e)
		}
	}
	if st, _ := do(t, s, "DELETE", inst+"/vm-1", ""); st != 200 {
		t.Errorf("delete = %d", st)
	}
	if st, e := do(t, s, "DELETE", inst+"/vm-1", ""); st != 404 || reason(e) != "notFound" {
		t.Errorf("second delete = %d %v", st, e)
	}
}

func TestFaultForms(t *testing.T) {
	s := New(WithPollsToDone(0))
	defer s.Close()
	s.AddFault(Fault{Zone: "us-central1-a", Code: "QUOTA_EXCEEDED", Times: 1})
	s.AddFault(Fault{Zone: "us-central1-a", Code: "quotaExceeded", Sync: true, Times: 1})
	body := `{"name":"vm-1","machineType":"zones/us-central1-a/machineTypes/n1-standard-4"}`
	_, op := do(t, s, "POST", inst, body)
	if op["status"] != "DONE" || op["httpErrorStatusCode"] != float64(403) || !strings.Contains(mustJSON(op["error"]), "in region us-central1") {
		t.Errorf("failed operation = %v", op)
	}
	st, e := do(t, s, "POST", inst, body)
	if st != 403 || reason(e) != "quotaExceeded" || e["error"].(map[string]any)["status"] != nil {
		t.Errorf("sync quota = %d %v", st, e)
	}
	if st, _ := do(t, s, "POST", inst, body); st != 200 || len(s.Instances()) != 1 {
		t.Errorf("third insert = %d, instances %v", st, s.Instances())
	}
}

func reason(m map[string]any) string {
	e, _ := m["error"].(map[string]any)
	errs, _ := e["errors"].([]any)
	if len(errs) == 0 {
		return ""
	}
	r, _ := errs[0].(map[string]any)["reason"].(string)
	return r
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func urlq(s string) string {
	r := strings.NewReplacer(" ", "%20", `"`, "%22", "=", "%3D")
	return r.Replace(s)
}

func TestParseFilter(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
		err  bool
	}{
		{``, 0, false},
		{`labels.a = "b"`, 1, false},
		{`labels.a=b`, 1, false},
		{`(labels.a = "b") (status != TERMINATED)`, 2, false},
		{`labels.a = "b" AND name = x`, 2, false},
		{`labels.a ~ b`, 0, true},
	} {
		got, err := parseFilter(tc.in)
		if (err != nil) != tc.err || len(got) != tc.want {
			t.Errorf("parseFilter(%q) = %v, %v", tc.in, got, err)
		}
	}
}

func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{`labels.a = "b"`, `(labels.a = "b") (status != TERMINATED)`, `x AND y`, `((`, `name=`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		conds, err := parseFilter(s)
		if err != nil {
			return
		}
		in := &Instance{Labels: map[string]string{"a": "b"}, Status: "RUNNING", Name: "n"}
		_ = in.matches(conds) // must not panic
		for _, c := range conds {
			if c.field == "" {
				t.Errorf("parseFilter(%q) gave an empty field", s)
			}
		}
	})
}
