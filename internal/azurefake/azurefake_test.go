package azurefake

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

const rg = "/subscriptions/s/resourceGroups/rg/providers/"

func do(t *testing.T, s *Server, method, path, body string, auth bool) (*http.Response, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, s.URL()+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if auth {
		req.Header.Set("Authorization", "Bearer x")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if len(b) > 0 {
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatalf("%s %s: body %q: %v", method, path, b, err)
		}
	}
	return resp, m
}

func code(m map[string]any) string {
	e, _ := m["error"].(map[string]any)
	c, _ := e["code"].(string)
	return c
}

func TestWire(t *testing.T) {
	s := New()
	defer s.Close()
	const v = "?api-version=2025-01-01"
	if r, m := do(t, s, "GET", rg+"Microsoft.Compute/virtualMachines"+v, "", false); r.StatusCode != 401 || code(m) != "AuthenticationFailed" {
		t.Errorf("no token = %d %v", r.StatusCode, m)
	}
	if r, m := do(t, s, "GET", rg+"Microsoft.Compute/virtualMachines", "", true); r.StatusCode != 400 || code(m) != "MissingApiVersionParameter" {
		t.Errorf("no api-version = %d %v", r.StatusCode, m)
	}
	vnet := `{"location":"eastus","properties":{"subnets":[{"name":"default","properties":{"addressPrefix":"10.0.0.0/16"}}]}}`
	if r, _ := do(t, s, "PUT", rg+"Microsoft.Network/virtualNetworks/vn"+v, vnet, true); r.StatusCode != 201 || r.Header.Get("Azure-AsyncOperation") == "" {
		t.Fatalf("vnet PUT = %d %v", r.StatusCode, r.Header)
	}
	nic := `{"location":"eastus","properties":{"ipConfigurations":[{"name":"c","properties":{"subnet":{"id":"` + strings.TrimSuffix(rg, "/providers/") + `/providers/Microsoft.Network/virtualNetworks/vn/subnets/default"}}}]}}`
	if r, m := do(t, s, "PUT", rg+"Microsoft.Network/networkInterfaces/nic"+v, nic, true); r.StatusCode != 201 {
		t.Fatalf("nic PUT = %d %v", r.StatusCode, m)
	}
	vm := `{"location":"eastus","properties":{"hardwareProfile":{"vmSize":"S"},"networkProfile":{"networkInterfaces":[{"id":"` +
		strings.TrimSuffix(rg, "/providers/") + `/providers/Microsoft.Network/networkInterfaces/nic"}]}}}`
	r, m := do(t, s, "PUT", rg+"Microsoft.Compute/virtualMachines/vm"+v, vm, true)
	if r.StatusCode != 201 || m["properties"].(map[string]any)["provisioningState"] != "Creating" {
		t.Fatalf("vm PUT = %d %v", r.StatusCode, m)
	}
	async := r.Header.Get("Azure-AsyncOperation")
	pr, _ := http.NewRequest("GET", async, nil)
	pr.Header.Set("Authorization", "Bearer x")
	presp, err := http.DefaultClient.Do(pr)
	if err != nil {
		t.Fatal(err)
	}
	var st map[string]any
	_ = json.NewDecoder(presp.Body).Decode(&st)
	presp.Body.Close()
	if st["status"] != "Succeeded" {
		t.Errorf("operation status = %v", st)
	}
	if r, m := do(t, s, "DELETE", rg+"Microsoft.Network/networkInterfaces/nic"+v, "", true); r.StatusCode != 400 || code(m) != "NicInUse" {
		t.Errorf("deleting an attached NIC = %d %v", r.StatusCode, m)
	}
	if len(s.Billable()) != 3 { // vm, its OS disk, nic
		t.Errorf("billable = %v", s.Billable())
	}
	if r, _ := do(t, s, "DELETE", rg+"Microsoft.Compute/virtualMachines/vm"+v, "", true); r.StatusCode != 202 {
		t.Errorf("vm DELETE = %d", r.StatusCode)
	}
	if r, _ := do(t, s, "DELETE", rg+"Microsoft.Compute/virtualMachines/vm"+v, "", true); r.StatusCode != 204 {
		t.Errorf("second vm DELETE = %d, want 204", r.StatusCode)
	}
	if r, m := do(t, s, "GET", rg+"Microsoft.Compute/virtualMachines/vm"+v, "", true); r.StatusCode != 404 || code(m) != "ResourceNotFound" {
		t.Errorf("GET of a deleted VM = %d %v", r.StatusCode, m)
	}
	// The disk had no deleteOption: it stays, detached.
	if b := s.Billable(); len(b) != 2 {
		t.Errorf("billable after the VM = %v, want the NIC and the detached disk", b)
	}
}

func TestThrottleHeaders(t *testing.T) {
	s := New()
	defer s.Close()
	s.AddFault(Fault{Code: "OperationNotAllowed", Status: 429, RetryAfter: 7})
	r, m := do(t, s, "PUT", rg+"Microsoft.Compute/virtualMachines/vm?api-version=1", `{"location":"eastus"}`, true)
	if r.StatusCode != 429 || r.Header.Get("Retry-After") != "7" || r.Header.Get("x-ms-error-code") != "OperationNotAllowed" ||
		!strings.Contains(m["error"].(map[string]any)["message"].(string), "too many requests") {
		t.Errorf("throttle = %d %v %v", r.StatusCode, r.Header, m)
	}
}
