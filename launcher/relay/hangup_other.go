//go:build !linux

package relay

// Hangup is nothing off Linux, where no sandbox runs.
type Hangup struct{}

// WatchHangup is nil off Linux.
func WatchHangup() *Hangup { return nil }

// HungUp is false off Linux.
func (h *Hangup) HungUp() bool { return false }

// Close does nothing off Linux.
func (h *Hangup) Close() {}
