//go:build unix

package moto

import (
	"os/exec"
	"syscall"
)

// setProcAttr puts the server in its own process group, so that Stop also
// reaches the Python process behind a wrapper script (pyenv shims).
func setProcAttr(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	setDeathSignal(cmd.SysProcAttr)
}

// terminate sends SIGTERM to the server's process group.
func terminate(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
	}
}

// kill sends SIGKILL to the server's process group.
func kill(cmd *exec.Cmd) {
	if cmd.Process != nil {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}
