//go:build linux

package moto

import "syscall"

// setDeathSignal makes the kernel kill the server when the test binary
// dies without calling Stop.
func setDeathSignal(a *syscall.SysProcAttr) { a.Pdeathsig = syscall.SIGKILL }
