package launcher

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// procStat is what the launcher reads from /proc/<pid>/stat.
type procStat struct {
	state byte
	ppid  int
	// start is the process's start time in clock ticks after boot; with the
	// pid it names one process, whatever pid reuse happens later.
	start uint64
}

// readStat reads /proc/<pid>/stat.
func readStat(pid int) (procStat, error) {
	path := "/proc/" + strconv.Itoa(pid) + "/stat"
	b, err := os.ReadFile(path)
	if err != nil {
		return procStat{}, fmt.Errorf("read %s: %w", path, err)
	}
	// The command name, in parentheses, may hold spaces and parentheses.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 20 {
		return procStat{}, fmt.Errorf("read %s: malformed %q", path, s)
	}
	st := procStat{state: f[0][0]}
	st.ppid, _ = strconv.Atoi(f[1])
	st.start, err = strconv.ParseUint(f[19], 10, 64)
	if err != nil {
		return procStat{}, fmt.Errorf("read %s: start time: %w", path, err)
	}
	return st, nil
}

// startTime is the start time of pid, or 0 when it does not exist.
func startTime(pid int) uint64 {
	if pid <= 0 {
		return 0
	}
	st, err := readStat(pid)
	if err != nil || st.state == 'Z' {
		return 0
	}
	return st.start
}

// sameProcess reports whether pid still is the process that started at start.
func sameProcess(pid int, start uint64) bool {
	return pid > 0 && start != 0 && startTime(pid) == start
}

// childrenOf lists the pids whose parent is pid.
func childrenOf(pid int) []int {
	var out []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		n, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if st, err := readStat(n); err == nil && st.ppid == pid {
			out = append(out, n)
		}
	}
	return out
}

// Live reports whether r's supervisor still runs: the same pid with the
// same start time.
func (r *Record) Live() bool {
	return sameProcess(r.Supervisor, r.SupervisorStart)
}
