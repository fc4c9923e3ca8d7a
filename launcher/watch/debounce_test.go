package watch

import (
	"testing"
	"time"
)

// TestQuietFor: a debounce runs from when the change was seen, so the
// time the change took to reach the scheduler's loop is deducted, and a
// change seen longer ago than the debounce acts at once.
func TestQuietFor(t *testing.T) {
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		late, d, want time.Duration
	}{
		{0, 100 * time.Millisecond, 100 * time.Millisecond},
		{3 * time.Millisecond, 100 * time.Millisecond, 97 * time.Millisecond},
		{100 * time.Millisecond, 100 * time.Millisecond, 0},
		{time.Second, 100 * time.Millisecond, 0},
	} {
		if got := quietFor(at, at.Add(c.late), c.d); got != c.want {
			t.Errorf("quietFor(seen %v ago, %v) = %v, want %v", c.late, c.d, got, c.want)
		}
	}
}
