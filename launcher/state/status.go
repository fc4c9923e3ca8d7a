package state

import (
	"errors"
	"syscall"
	"time"
)

// Status is what `sandbox ps` shows of one recorded sandbox.
type Status struct {
	Name string `json:"name"`
	Pid  int    `json:"pid"`
	// State is "running", "starting" (being set up) or "stale" (its
	// supervisor is gone; gc cleans it up).
	State string `json:"status"`
	// Health is the state of its health check, "" without one.
	Health string        `json:"health,omitempty"`
	Uptime time.Duration `json:"uptime_ns"`
	// Memory is the cgroup's memory use now, in bytes; CPUTime the CPU
	// time its processes have used so far. Each is nil (null in JSON)
	// when it cannot be read: no cgroup, or no such figure on the host.
	Memory     *uint64        `json:"memory_bytes"`
	CPUTime    *time.Duration `json:"cpu_ns"`
	ConfigFile string         `json:"config_file"`
	Supervisor int            `json:"supervisor"`
	Detached   bool           `json:"detached,omitempty"`
	// Project is the sandbox's project, set by AllStatuses only.
	Project string `json:"project,omitempty"`
}

// ErrNotRunning is returned for a name that has no record.
var ErrNotRunning = errors.New("not running")

// StopOptions override a record's stop settings.
type StopOptions struct {
	// Signal replaces the stop signal unless it is 0.
	Signal syscall.Signal
	// Timeout replaces the stop timeout unless it is negative; 0 kills at once.
	Timeout time.Duration
}
