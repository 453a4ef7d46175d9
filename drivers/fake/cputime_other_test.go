//go:build !unix

package fake

import (
	"testing"
	"time"
)

// cpuTime is not measured on this platform.
func cpuTime(testing.TB) time.Duration { return 0 }
