package supervise

import (
	"testing"
	"time"

	"github.com/hclsandbox/sandbox/config"
)

func TestRestartPolicy(t *testing.T) {
	tests := []struct {
		r          config.Restart
		code, done int
		want       bool
	}{
		{config.Restart{Policy: config.RestartNo}, 1, 0, false},
		{config.Restart{Policy: config.RestartOnFailure}, 1, 0, true},
		{config.Restart{Policy: config.RestartOnFailure}, 0, 0, false},
		{config.Restart{Policy: config.RestartOnFailure, Max: 2}, 1, 1, true},
		{config.Restart{Policy: config.RestartOnFailure, Max: 2}, 1, 2, false},
		{config.Restart{Policy: config.RestartAlways}, 0, 100, true},
		{config.Restart{Policy: config.RestartAlways, Max: 1}, 0, 1, false},
	}
	for _, tt := range tests {
		if got := ShouldRestart(tt.r, tt.code, tt.done); got != tt.want {
			t.Errorf("%+v.ShouldRestart(%d, %d) = %v, want %v", tt.r, tt.code, tt.done, got, tt.want)
		}
	}
	for n, want := range map[int]time.Duration{1: 100 * time.Millisecond, 2: 200 * time.Millisecond, 4: 800 * time.Millisecond, 8: 10 * time.Second, 50: 10 * time.Second} {
		if got := Backoff(n); got != want {
			t.Errorf("Backoff(%d) = %v, want %v", n, got, want)
		}
	}
}
