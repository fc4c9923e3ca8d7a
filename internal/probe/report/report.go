// Package report is the JSON report of the test probe (internal/probe),
// shared by the probe, which writes it, and the tests, which read it.
package report

// Report is what the probe sees from inside a sandbox.
type Report struct {
	Hostname   string            `json:"hostname"`
	Pid        int               `json:"pid"`
	Pids       []int             `json:"pids"`
	Cwd        string            `json:"cwd"`
	CwdAfterUp string            `json:"cwd_after_up"`
	CanarySeen bool              `json:"canary_seen"`
	Env        []string          `json:"env"`
	Namespaces map[string]uint64 `json:"namespaces"`
	Dev        []string          `json:"dev"`
	Mounts     []string          `json:"mounts"`
	RootWrite  string            `json:"root_write"`
	Status     map[string]string `json:"status"`
	OpenWrite  map[string]string `json:"open_write"`
	Masked     map[string]int    `json:"masked"`
	Exists     map[string]bool   `json:"exists"`
	Interfaces []string          `json:"interfaces"`
	// Clocks are CLOCK_MONOTONIC and CLOCK_BOOTTIME in nanoseconds, as
	// the sandbox's time namespace shows them.
	Clocks map[string]int64 `json:"clocks,omitempty"`
}

// StdioFD is what the probe's stdio mode finds on one of its standard
// streams: what the descriptor is, and what opening it again through
// /proc/self/fd reaches, which is how a payload would keep or widen a
// descriptor the launcher handed it.
type StdioFD struct {
	FD int `json:"fd"`
	// Type is "pipe", "socket", "char", "dir", "file", "other", or
	// "closed" when the descriptor is not open.
	Type string `json:"type"`
	// Dev, Ino and Rdev are the descriptor's fstat.
	Dev  uint64 `json:"dev"`
	Ino  uint64 `json:"ino"`
	Rdev uint64 `json:"rdev,omitempty"`
	// Link is readlink(/proc/self/fd/FD).
	Link string `json:"link"`
	// Terminal is set when the descriptor is a terminal; OwnDevpts when
	// it is one of the devpts mounted at /dev/pts inside the sandbox.
	Terminal  bool `json:"terminal,omitempty"`
	OwnDevpts bool `json:"own_devpts,omitempty"`
	// ReopenDev and ReopenIno are the inode that opening
	// /proc/self/fd/FD again reaches; ReopenErr is why it failed.
	ReopenDev uint64 `json:"reopen_dev,omitempty"`
	ReopenIno uint64 `json:"reopen_ino,omitempty"`
	ReopenErr string `json:"reopen_err,omitempty"`
	// Entries are the names listed by a directory reached that way.
	Entries []string `json:"entries,omitempty"`
}

// Flood is the n bytes the probe's flood mode writes: letters with no
// newline, so that a terminal's output processing leaves them alone.
func Flood(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = 'a' + byte(i%26)
	}
	return b
}
