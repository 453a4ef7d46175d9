package moto

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestMain(m *testing.M) { os.Exit(RunTests(m)) }

// A second server starts on another port, answers, resets, and is gone
// after Stop (twice is fine).
func TestStartStop(t *testing.T) {
	shared := Shared(t)
	ctx := context.Background()
	s, err := Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if s.URL == shared.URL || !strings.HasPrefix(s.URL, "http://127.0.0.1:") {
		t.Errorf("URL = %q (shared %q)", s.URL, shared.URL)
	}
	if err := s.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	pid := s.PID()
	s.Stop()
	s.Stop()
	if err := syscall.Kill(pid, 0); err == nil {
		t.Errorf("process %d still exists after Stop", pid)
	}
	if _, err := http.Get(s.URL + "/moto-api/data.json"); err == nil {
		t.Errorf("the stopped server still answers")
	}
}

func TestStartErrors(t *testing.T) {
	ctx := context.Background()
	if _, err := Start(ctx, WithBinary("/nonexistent/moto_server")); err == nil {
		t.Error("Start with a missing binary succeeded")
	}
	// A "server" that exits at once: the error carries its output.
	_, err := Start(ctx, WithBinary("/bin/sh"), WithEnv("X=1"))
	if err == nil || !strings.Contains(err.Error(), "exited before answering") {
		t.Errorf("Start of a process that exits = %v", err)
	}
	t.Setenv("PATH", t.TempDir())
	if _, err := Start(ctx); !errors.Is(err, ErrNotInstalled) {
		t.Errorf("Start without moto_server on PATH = %v, want ErrNotInstalled", err)
	}
}

func TestInCI(t *testing.T) {
	for v, want := range map[string]bool{"true": true, "1": true, "TRUE": true, "": false, "false": false, "0": false} {
		t.Setenv("CI", v)
		if InCI() != want {
			t.Errorf("CI=%q: InCI() = %v", v, !want)
		}
	}
}

// ec2 sends an EC2 action through the proxy the way the SDK does (a form
// POST with a SigV4 credential scope).
func ec2(t *testing.T, base, region string, form url.Values) (int, string) {
	t.Helper()
	form.Set("Version", "2016-11-15")
	req, _ := http.NewRequest(http.MethodPost, base+"/", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=test/20260101/"+region+"/ec2/aws4_request, SignedHeaders=host, Signature=0")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	_, _ = io.Copy(&b, resp.Body)
	return resp.StatusCode, b.String()
}

func run(zone, typ string) url.Values {
	return url.Values{"Action": {"RunInstances"}, "ImageId": {GPUImage}, "InstanceType": {typ}, "MinCount": {"1"},
		"MaxCount": {"1"}, "Placement.AvailabilityZone": {zone}}
}

// Faults match on action, region, zone (name or ID), type and market; Skip
// and Times count; the body is EC2's; other requests reach moto.
func TestFaultProxy(t *testing.T) {
	srv := Shared(t)
	p, err := NewFaultProxy(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	p.Inject(Fault{Region: "us-east-1", Zone: "use1-az6", InstanceType: "p5.48xlarge", Code: "InsufficientInstanceCapacity", Skip: 1, Times: 2})
	want := []struct {
		zone, typ string
		status    int
	}{
		{"us-east-1a", "p5.48xlarge", 200}, // skipped
		{"us-east-1b", "p5.48xlarge", 200}, // other zone
		{"us-east-1a", "g5.xlarge", 200},   // other type
		{"us-east-1a", "p5.48xlarge", 500},
		{"us-east-1a", "p5.48xlarge", 500},
		{"us-east-1a", "p5.48xlarge", 200}, // spent
	}
	for i, w := range want {
		status, body := ec2(t, p.URL, "us-east-1", run(w.zone, w.typ))
		if status != w.status {
			t.Errorf("request %d (%s %s): status %d, want %d: %.200s", i, w.zone, w.typ, status, w.status, body)
		}
		if status == 500 && (!strings.Contains(body, "<Code>InsufficientInstanceCapacity</Code>") ||
			!strings.Contains(body, "(us-east-1a)") || !strings.Contains(body, "<RequestID>")) {
			t.Errorf("error body = %s", body)
		}
	}
	if status, _ := ec2(t, p.URL, "us-west-2", run("us-west-2a", "p5.48xlarge")); status != 200 {
		t.Errorf("other region: %d", status)
	}
	calls := p.CallsOf("RunInstances")
	if len(calls) != 7 || calls[3].Served != "InsufficientInstanceCapacity" || calls[0].Served != "" ||
		calls[6].Region != "us-west-2" || calls[0].Zone != "us-east-1a" || calls[0].Count != 1 {
		t.Errorf("calls = %+v", calls)
	}
	// Offerings: p4d.24xlarge is not offered in us-east-1e on moto.
	p.CheckOfferings(true)
	status, body := ec2(t, p.URL, "us-east-1", run("us-east-1e", "p4d.24xlarge"))
	if status != 400 || !strings.Contains(body, "<Code>Unsupported</Code>") {
		t.Errorf("an unoffered type: %d %s", status, body)
	}
	// A held answer comes back no earlier than the hold.
	p.Clear()
	p.Inject(Fault{Action: "DescribeRegions", Hold: 200 * time.Millisecond, Times: 1})
	start := time.Now()
	if status, _ := ec2(t, p.URL, "us-east-1", url.Values{"Action": {"DescribeRegions"}}); status != 200 || time.Since(start) < 200*time.Millisecond {
		t.Errorf("held answer: %d after %s", status, time.Since(start))
	}
}

func TestInstanceItems(t *testing.T) {
	body := []byte(`<R><reservationSet><item><instancesSet>` +
		`<item><networkInterfaceSet><item><x/></item></networkInterfaceSet><stateReason><code>Client.UserInitiatedShutdown</code>` +
		`<message>Client.UserInitiatedShutdown: User initiated shutdown</message></stateReason><instanceId>i-aa</instanceId></item>` +
		`<item><stateReason><code>Client.UserInitiatedShutdown</code></stateReason><instanceId>i-bb</instanceId></item>` +
		`</instancesSet></item><item><instancesSet><item><instanceId>i-cc</instanceId></item></instancesSet></item></reservationSet></R>`)
	if got := strings.Join(instanceIDs(body), ","); got != "i-aa,i-bb,i-cc" {
		t.Errorf("instanceIDs = %s", got)
	}
	p := &FaultProxy{victims: map[string]string{"i-bb": "Server.InsufficientInstanceCapacity"}}
	out := string(p.rewriteReasons(body))
	if strings.Count(out, "Server.InsufficientInstanceCapacity") != 1 || strings.Count(out, "Client.UserInitiatedShutdown") != 2 {
		t.Errorf("rewrite touched the wrong item: %s", out)
	}
	if !strings.Contains(out, "<code>Server.InsufficientInstanceCapacity</code></stateReason><instanceId>i-bb") {
		t.Errorf("rewrite missed i-bb: %s", out)
	}
}

func TestMessages(t *testing.T) {
	if got := otherZones("us-east-1a"); got != "us-east-1b, us-east-1c" {
		t.Errorf("otherZones = %q", got)
	}
	if DefaultStatus("InsufficientInstanceCapacity") != 500 || DefaultStatus("RequestLimitExceeded") != 503 ||
		DefaultStatus("UnauthorizedOperation") != 403 || DefaultStatus("AuthFailure") != 401 || DefaultStatus("VcpuLimitExceeded") != 400 {
		t.Error("DefaultStatus disagrees with cloud-apis.md §1.4")
	}
	b := string(ErrorBody("X<&>", "a < b", "id"))
	if !strings.Contains(b, "<Code>X&lt;&amp;&gt;</Code>") || !strings.Contains(b, "<Message>a &lt; b</Message>") {
		t.Errorf("ErrorBody does not escape: %s", b)
	}
}
