//go:build unix && !linux

package moto

import "syscall"

func setDeathSignal(*syscall.SysProcAttr) {}
