// Package clock is the time source skyhop's engine, store and fake cloud use,
// so that tests can drive time.
//
// Real uses package time. Tests either run Real inside a testing/synctest
// bubble (virtual time that advances when every goroutine is blocked, which
// suits concurrent code) or use a *Manual clock that only moves when told.
package clock

import (
	"context"
	"slices"
	"sync"
	"time"
)

// Clock tells the time and waits.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// Sleep waits for d, or until ctx is done (then it returns ctx.Err()).
	Sleep(ctx context.Context, d time.Duration) error
}

// Real is the wall clock.
var Real Clock = realClock{}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Or returns c, or Real when c is nil.
func Or(c Clock) Clock {
	if c == nil {
		return Real
	}
	return c
}

// Manual is a clock that moves only when Advance or Set is called. Sleepers
// wake when the time reaches their deadline. It is safe for concurrent use.
type Manual struct {
	mu      sync.Mutex
	now     time.Time
	waiters []waiter
}

type waiter struct {
	until time.Time
	ch    chan struct{}
}

// NewManual returns a manual clock set to start.
func NewManual(start time.Time) *Manual { return &Manual{now: start} }

// Now returns the clock's time.
func (m *Manual) Now() time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.now
}

// Sleep blocks until the clock has been advanced by d, or ctx is done.
func (m *Manual) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	m.mu.Lock()
	w := waiter{until: m.now.Add(d), ch: make(chan struct{})}
	m.waiters = append(m.waiters, w)
	m.mu.Unlock()
	select {
	case <-w.ch:
		return nil
	case <-ctx.Done():
		// Forget the waiter, so that Sleepers counts only goroutines
		// still waiting and the list does not grow with canceled sleeps.
		m.mu.Lock()
		if i := slices.IndexFunc(m.waiters, func(x waiter) bool { return x.ch == w.ch }); i >= 0 {
			m.waiters = slices.Delete(m.waiters, i, i+1)
		}
		m.mu.Unlock()
		return ctx.Err()
	}
}

// Advance moves the clock forward by d and wakes the sleepers whose deadline
// has passed.
func (m *Manual) Advance(d time.Duration) { m.Set(m.Now().Add(d)) }

// Set moves the clock to t (never backwards) and wakes due sleepers.
func (m *Manual) Set(t time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if t.After(m.now) {
		m.now = t
	}
	kept := m.waiters[:0]
	for _, w := range m.waiters {
		if !w.until.After(m.now) {
			close(w.ch)
			continue
		}
		kept = append(kept, w)
	}
	m.waiters = kept
}

// Sleepers returns how many goroutines are waiting in Sleep.
func (m *Manual) Sleepers() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.waiters)
}
