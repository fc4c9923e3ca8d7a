package launcher

import (
	"fmt"
	"time"

	"github.com/hclsandbox/sandbox/config"
)

// ExitTimeout is the exit code of a sandbox that its timeout ended, as
// timeout(1) uses.
const ExitTimeout = 124

// Usage is what a sandbox consumed, read from its cgroup when it ended.
type Usage struct {
	// PeakMemory is the highest memory use of the cgroup in bytes; 0 when
	// the host has no memory controller.
	PeakMemory uint64 `json:"peak_memory_bytes"`
	// CPUTime is the user and system CPU time of every process.
	CPUTime time.Duration `json:"cpu_ns"`
	// WallTime is the time from start to end.
	WallTime time.Duration `json:"wall_ns"`
	// OOMKills counts processes that the OOM killer killed in the cgroup.
	OOMKills uint64 `json:"oom_kills,omitempty"`
}

// String is "wall 2.01s, cpu 1.00s, peak memory 3.2MiB".
func (u *Usage) String() string {
	s := fmt.Sprintf("wall %.2fs, cpu %.2fs", u.WallTime.Seconds(), u.CPUTime.Seconds())
	if u.PeakMemory > 0 {
		s += ", peak memory " + config.FormatSize(u.PeakMemory)
	}
	if u.OOMKills > 0 {
		s += ", " + OOMNote(u.OOMKills)
	}
	return s
}

// Summary is Describe followed by the usage: "exited 0 (wall 2.01s, cpu
// 1.00s, peak memory 3.2MiB)".
func (r *Result) Summary() string {
	if r.Usage == nil {
		return r.Describe()
	}
	return r.Describe() + " (" + r.Usage.String() + ")"
}
