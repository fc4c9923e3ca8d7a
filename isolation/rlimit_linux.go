package isolation

import (
	"fmt"
	"os"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

// rlimitResources maps Rlimit names to their resource numbers.
var rlimitResources = map[string]int{
	"as": unix.RLIMIT_AS, "core": unix.RLIMIT_CORE, "cpu": unix.RLIMIT_CPU,
	"data": unix.RLIMIT_DATA, "fsize": unix.RLIMIT_FSIZE, "locks": unix.RLIMIT_LOCKS,
	"memlock": unix.RLIMIT_MEMLOCK, "msgqueue": unix.RLIMIT_MSGQUEUE, "nice": unix.RLIMIT_NICE,
	"nofile": unix.RLIMIT_NOFILE, "nproc": unix.RLIMIT_NPROC, "rss": unix.RLIMIT_RSS,
	"rtprio": unix.RLIMIT_RTPRIO, "rttime": unix.RLIMIT_RTTIME,
	"sigpending": unix.RLIMIT_SIGPENDING, "stack": unix.RLIMIT_STACK,
}

// setRlimits sets every rlimit of the spec on the current process. It uses
// syscall.Setrlimit, which also stops the runtime from restoring its own
// RLIMIT_NOFILE at exec.
func setRlimits(limits []Rlimit) *StepError {
	for _, l := range limits {
		res, ok := rlimitResources[l.Name]
		step := fmt.Sprintf("set rlimit %s to %s/%s", l.Name, rlimText(l.Soft), rlimText(l.Hard))
		if !ok {
			return &StepError{Step: step, Msg: "unknown resource"}
		}
		err := syscall.Setrlimit(res, &syscall.Rlimit{Cur: l.Soft, Max: l.Hard})
		if err == syscall.EPERM {
			var cur syscall.Rlimit
			if syscall.Getrlimit(res, &cur) != nil {
				return stepErr(step, err)
			}
			return &StepError{Step: step, Errno: syscall.EPERM, Msg: fmt.Sprintf(
				"the hard limit is %s and raising it needs CAP_SYS_RESOURCE, which the launcher lacks", rlimText(cur.Max))}
		}
		if err != nil {
			return stepErr(step, err)
		}
	}
	return nil
}

func rlimText(n uint64) string {
	if n == RlimInfinity {
		return "unlimited"
	}
	return strconv.FormatUint(n, 10)
}

// setOOMScoreAdj writes the sandbox's OOM score adjustment.
func setOOMScoreAdj(adj int) *StepError {
	const path = "/proc/self/oom_score_adj"
	if err := os.WriteFile(path, []byte(strconv.Itoa(adj)), 0); err != nil {
		return stepErr(fmt.Sprintf("write %d to %s", adj, path), err)
	}
	return nil
}

// unshareCgroup enters a new cgroup namespace rooted at the current cgroup.
func unshareCgroup() *StepError {
	if err := unix.Unshare(unix.CLONE_NEWCGROUP); err != nil {
		return stepErr("unshare cgroup namespace", err)
	}
	return nil
}
