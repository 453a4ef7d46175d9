//go:build !unix

package benchcpu

import "time"

// Now returns -1: CPU time is not measured on this platform.
func Now() time.Duration { return -1 }
