package supervise

import (
	"time"

	"github.com/hclsandbox/sandbox/config"
)

// Restart timing.
const (
	// BackoffMin is the wait before the first restart; each further
	// restart doubles it up to BackoffMax.
	BackoffMin = 100 * time.Millisecond
	BackoffMax = 10 * time.Second
	// Healthy is how long a run must last for the backoff and the
	// restart count to start again from zero.
	Healthy = 10 * time.Second
)

// Backoff is the wait before restart number n (1 for the first):
// BackoffMin doubled n-1 times, at most BackoffMax.
func Backoff(n int) time.Duration {
	d := BackoffMin
	for i := 1; i < n && d < BackoffMax; i++ {
		d *= 2
	}
	return min(d, BackoffMax)
}

// ShouldRestart reports whether a run that ended with code, after done
// restarts in a row, is restarted under r.
func ShouldRestart(r config.Restart, code, done int) bool {
	if r.Max > 0 && done >= r.Max {
		return false
	}
	switch r.Policy {
	case config.RestartAlways:
		return true
	case config.RestartOnFailure:
		return code != 0
	}
	return false
}
