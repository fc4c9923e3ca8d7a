//go:build linux

package main

import (
	"fmt"
	"strings"
	"syscall"

	probereport "github.com/hclsandbox/sandbox/internal/probe/report"
	"golang.org/x/sys/unix"
)

// ptsArg asks the devices mode for a new pseudo-terminal: /dev/ptmx opened
// read-write, then its pts opened for reading and for writing.
const ptsArg = "pts"

// readOnlyPrefix before a path asks for an open for reading only.
const readOnlyPrefix = "r:"

// devices reports, for each argument, the node there and whether it opens
// for reading and for writing. Nothing is read or written: an open that
// succeeds is closed at once. Each report is keyed by its argument.
func devices(args []string) map[string]probereport.Device {
	out := map[string]probereport.Device{}
	for _, a := range args {
		switch {
		case a == ptsArg:
			out[a] = newPTS()
		case strings.HasPrefix(a, readOnlyPrefix):
			out[a] = device(strings.TrimPrefix(a, readOnlyPrefix), false)
		default:
			out[a] = device(a, true)
		}
	}
	return out
}

func device(p string, write bool) probereport.Device {
	var st unix.Stat_t
	if err := unix.Stat(p, &st); err != nil {
		return probereport.Device{Type: errName(err), Read: "not tried", Write: "not tried"}
	}
	d := probereport.Device{Type: "other", Rdev: fmt.Sprintf("%d:%d", unix.Major(st.Rdev), unix.Minor(st.Rdev))}
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFBLK:
		d.Type = "block"
	case unix.S_IFCHR:
		d.Type = "char"
	}
	var fs unix.Statfs_t
	if unix.Statfs(p, &fs) == nil {
		d.Nodev = fs.Flags&unix.ST_NODEV != 0
	}
	d.Read, d.Write = tryOpen(p, unix.O_RDONLY), "not tried"
	if write {
		d.Write = tryOpen(p, unix.O_WRONLY)
	}
	return d
}

// tryOpen opens p without becoming its controlling terminal or waiting for
// it, closes it, and reports "ok" or the errno name.
func tryOpen(p string, mode int) string {
	fd, err := unix.Open(p, mode|unix.O_NOCTTY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return errName(err)
	}
	unix.Close(fd)
	return "ok"
}

// newPTS opens /dev/ptmx, unlocks the new terminal and opens its pts: Type
// and Rdev are the pts's, Read and Write how opening it went.
func newPTS() probereport.Device {
	m, err := unix.Open("/dev/ptmx", unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return probereport.Device{Type: "ptmx: " + errName(err), Read: "not tried", Write: "not tried"}
	}
	defer unix.Close(m)
	if err := unix.IoctlSetPointerInt(m, unix.TIOCSPTLCK, 0); err != nil {
		return probereport.Device{Type: "unlockpt: " + errName(err), Read: "not tried", Write: "not tried"}
	}
	n, err := unix.IoctlGetUint32(m, unix.TIOCGPTN)
	if err != nil {
		return probereport.Device{Type: "ptsname: " + errName(err), Read: "not tried", Write: "not tried"}
	}
	return device(fmt.Sprintf("/dev/pts/%d", n), true)
}

// errName is the errno name of err, or its text when it is no errno.
func errName(err error) string {
	if e, ok := err.(syscall.Errno); ok {
		return errnoName(e)
	}
	return err.Error()
}
