package launcher

import "fmt"

// OOMNote is how a report says that the OOM killer killed n processes of
// a sandbox: "oom-killed: 1 process", "oom-killed: 3 processes".
func OOMNote(n uint64) string {
	if n == 1 {
		return "oom-killed: 1 process"
	}
	return fmt.Sprintf("oom-killed: %d processes", n)
}

// otherOOMKills is how many processes the OOM killer killed, when
// Describe does not already tell it all: every count but the one of a
// first process that was OOM-killed alone ("killed: out of memory"). It
// reads the cgroup's counter (v1 memory.oom_control, v2 memory.events),
// taken before the cgroup went.
func (r *Result) otherOOMKills() uint64 {
	if r.Usage == nil || r.SetupError != nil || (r.OOMKilled && r.Usage.OOMKills == 1) {
		return 0
	}
	return r.Usage.OOMKills
}
