package clock

import (
	"context"
	"errors"
	"testing"
	"time"
)

var start = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// waitSleepers waits until n goroutines sleep on m.
func waitSleepers(t *testing.T, m *Manual, n int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for m.Sleepers() != n {
		if time.Now().After(deadline) {
			t.Fatalf("Sleepers() = %d, want %d", m.Sleepers(), n)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestManualSleepWakesAtDeadline(t *testing.T) {
	m := NewManual(start)
	done := make(chan error, 1)
	go func() { done <- m.Sleep(context.Background(), time.Minute) }()
	waitSleepers(t, m, 1)

	m.Advance(59 * time.Second)
	select {
	case err := <-done:
		t.Fatalf("Sleep returned %v after 59s of a 1m sleep", err)
	case <-time.After(10 * time.Millisecond):
	}
	m.Advance(time.Second)
	if err := <-done; err != nil {
		t.Fatalf("Sleep = %v, want nil", err)
	}
	if got := m.Now(); !got.Equal(start.Add(time.Minute)) {
		t.Errorf("Now() = %v, want %v", got, start.Add(time.Minute))
	}
	if n := m.Sleepers(); n != 0 {
		t.Errorf("Sleepers() = %d after the wake-up, want 0", n)
	}
}

func TestManualSleepCanceled(t *testing.T) {
	m := NewManual(start)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- m.Sleep(ctx, time.Hour) }()
	waitSleepers(t, m, 1)
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Sleep = %v, want context.Canceled", err)
	}
	if n := m.Sleepers(); n != 0 {
		t.Errorf("Sleepers() = %d after a canceled sleep, want 0", n)
	}
}

func TestManualSetNeverGoesBack(t *testing.T) {
	m := NewManual(start)
	m.Set(start.Add(-time.Hour))
	if got := m.Now(); !got.Equal(start) {
		t.Errorf("Now() = %v after Set to the past, want %v", got, start)
	}
}

func TestSleepNonPositive(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	for _, c := range []Clock{Real, NewManual(start)} {
		if err := c.Sleep(ctx, 0); err != nil {
			t.Errorf("%T.Sleep(live ctx, 0) = %v, want nil", c, err)
		}
	}
	cancel()
	for _, c := range []Clock{Real, NewManual(start)} {
		if err := c.Sleep(ctx, -time.Second); !errors.Is(err, context.Canceled) {
			t.Errorf("%T.Sleep(canceled ctx, -1s) = %v, want context.Canceled", c, err)
		}
	}
}

func TestRealSleepHonoursContext(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
	defer cancel()
	begin := time.Now()
	if err := Real.Sleep(ctx, time.Hour); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Real.Sleep = %v, want context.DeadlineExceeded", err)
	}
	if d := time.Since(begin); d > 5*time.Second {
		t.Errorf("Real.Sleep took %s after its context ended", d)
	}
	if err := Real.Sleep(context.Background(), time.Millisecond); err != nil {
		t.Errorf("Real.Sleep(1ms) = %v, want nil", err)
	}
}

func TestOr(t *testing.T) {
	if Or(nil) != Real {
		t.Error("Or(nil) is not Real")
	}
	m := NewManual(start)
	if Or(m) != m {
		t.Error("Or(m) is not m")
	}
}
