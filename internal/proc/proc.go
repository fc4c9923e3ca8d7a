package proc

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// Stat is what the launcher reads from /proc/<pid>/stat.
type Stat struct {
	// State is the process's state letter: 'R', 'S', 'Z' and so on.
	State byte
	// PPid is its parent's pid.
	PPid int
	// start is the process's start time in clock ticks after boot; with the
	// pid it names one process, whatever pid reuse happens later.
	Start uint64
}

// ReadStat reads /proc/<pid>/stat.
func ReadStat(pid int) (Stat, error) {
	path := "/proc/" + strconv.Itoa(pid) + "/stat"
	b, err := os.ReadFile(path)
	if err != nil {
		return Stat{}, fmt.Errorf("read %s: %w", path, err)
	}
	// The command name, in parentheses, may hold spaces and parentheses.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 20 {
		return Stat{}, fmt.Errorf("read %s: malformed %q", path, s)
	}
	st := Stat{State: f[0][0]}
	st.PPid, _ = strconv.Atoi(f[1])
	st.Start, err = strconv.ParseUint(f[19], 10, 64)
	if err != nil {
		return Stat{}, fmt.Errorf("read %s: start time: %w", path, err)
	}
	return st, nil
}

// StartTime is the start time of pid, or 0 when it does not exist.
func StartTime(pid int) uint64 {
	if pid <= 0 {
		return 0
	}
	st, err := ReadStat(pid)
	if err != nil || st.State == 'Z' {
		return 0
	}
	return st.Start
}

// SameProcess reports whether pid still is the process that started at start.
func SameProcess(pid int, start uint64) bool {
	return pid > 0 && start != 0 && StartTime(pid) == start
}

// Children lists the pids whose parent is pid.
func Children(pid int) []int {
	var out []int
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		n, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if st, err := ReadStat(n); err == nil && st.PPid == pid {
			out = append(out, n)
		}
	}
	return out
}
