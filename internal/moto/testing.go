package moto

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"
)

// The package's shared server, set by RunTests.
var (
	shared     *Server
	sharedErr  error
	sharedInit bool
)

// RunTests is a TestMain body: it starts one moto_server for the test
// binary, runs the tests, stops the server and returns the exit code.
//
// When moto_server is missing it still runs the tests, and Shared skips
// each one with the reason; but when InCI() it prints the reason and
// returns 1 without running anything, so that CI cannot pass by skipping.
// A server that is installed but fails to start fails the package
// everywhere.
func RunTests(m *testing.M, opts ...Option) int {
	sharedInit = true
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	shared, sharedErr = Start(ctx, opts...)
	cancel()
	switch {
	case sharedErr == nil:
		defer shared.Stop()
	case sharedErr == ErrNotInstalled && !InCI():
		// Each test that needs the server skips with the reason.
	default:
		fmt.Fprintf(os.Stderr, "FAIL: the moto EC2 emulator is required (CI=%q): %v\n", os.Getenv("CI"), sharedErr)
		return 1
	}
	return m.Run()
}

// Shared returns the server started by RunTests, reset to an empty
// account. Without moto_server it skips the test with the reason (RunTests
// has already failed the package in CI). It fails the test when the package
// has no TestMain calling RunTests.
func Shared(t testing.TB) *Server {
	t.Helper()
	if !sharedInit {
		t.Fatal("moto.Shared: the package's TestMain must call moto.RunTests")
	}
	if sharedErr != nil {
		if InCI() {
			t.Fatalf("moto_server is required in CI: %v", sharedErr)
		}
		t.Skipf("skipping: this test needs the moto EC2 emulator: %v", sharedErr)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := shared.Reset(ctx); err != nil {
		t.Fatalf("resetting moto: %v\nmoto output:\n%s", err, shared.Output())
	}
	return shared
}
