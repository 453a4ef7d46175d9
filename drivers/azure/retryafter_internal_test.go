package azure

import (
	"testing"
	"time"
)

func TestRetryAfterHeader(t *testing.T) {
	now := time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		h    string
		want time.Duration
	}{
		{"", 0}, {"7", 7 * time.Second}, {" 30 ", 30 * time.Second}, {"0", 0}, {"-5", 0}, {"soon", 0},
		{"Sat, 28 Nov 2026 12:00:45 GMT", 45 * time.Second}, {"Sat, 28 Nov 2026 11:59:00 GMT", 0},
	} {
		if got := retryAfter(tc.h, now); got != tc.want {
			t.Errorf("retryAfter(%q) = %v, want %v", tc.h, got, tc.want)
		}
	}
}
