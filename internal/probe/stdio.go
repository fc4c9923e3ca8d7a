//go:build linux

package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"syscall"

	probereport "github.com/hclsandbox/sandbox/internal/probe/report"
	"golang.org/x/sys/unix"
)

// stdioModes are the probe's modes about its standard streams; each
// returns the exit code. They never write to anything they find.
var stdioModes = map[string]func(args []string) int{
	"stdio":   stdioMode,
	"winsize": winsizeMode,
	"flood":   floodMode,
}

// stdioMode reports, as JSON, what fds 0, 1 and 2 are and what opening
// each again through /proc/self/fd reaches.
func stdioMode([]string) int {
	var out []probereport.StdioFD
	for fd := range 3 {
		out = append(out, inspectFD(fd))
	}
	json.NewEncoder(os.Stdout).Encode(out)
	return 0
}

func inspectFD(fd int) probereport.StdioFD {
	r := probereport.StdioFD{FD: fd}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		r.Type = "closed"
		return r
	}
	r.Type, r.Dev, r.Ino, r.Rdev = fileType(st.Mode), st.Dev, st.Ino, st.Rdev
	proc := "/proc/self/fd/" + strconv.Itoa(fd)
	r.Link, _ = os.Readlink(proc)
	if _, err := unix.IoctlGetTermios(fd, unix.TCGETS); err == nil {
		r.Terminal = true
		var pts unix.Stat_t
		r.OwnDevpts = unix.Stat("/dev/pts/ptmx", &pts) == nil && pts.Dev == st.Dev
	}
	reopen(proc, &r)
	return r
}

// reopen opens proc again, read-only and without blocking or taking a
// controlling terminal, and records what it reached.
func reopen(proc string, r *probereport.StdioFD) {
	fd, err := unix.Open(proc, unix.O_RDONLY|unix.O_NOCTTY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		r.ReopenErr = err.Error()
		return
	}
	f := os.NewFile(uintptr(fd), proc)
	defer f.Close()
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		r.ReopenErr = err.Error()
		return
	}
	r.ReopenDev, r.ReopenIno = st.Dev, st.Ino
	if st.Mode&unix.S_IFMT == unix.S_IFDIR {
		r.Entries, _ = f.Readdirnames(64)
	}
}

func fileType(mode uint32) string {
	switch mode & unix.S_IFMT {
	case unix.S_IFIFO:
		return "pipe"
	case unix.S_IFSOCK:
		return "socket"
	case unix.S_IFCHR:
		return "char"
	case unix.S_IFDIR:
		return "dir"
	case unix.S_IFREG:
		return "file"
	}
	return "other"
}

// winsizeMode prints stdin's window size, then waits for SIGWINCH and
// prints the size again once it has changed.
func winsizeMode([]string) int {
	winch := make(chan os.Signal, 8)
	signal.Notify(winch, syscall.SIGWINCH)
	first, err := unix.IoctlGetWinsize(0, unix.TIOCGWINSZ)
	if err != nil {
		fmt.Println("winsize:", err)
		return 1
	}
	fmt.Printf("winsize=%dx%d\n", first.Row, first.Col)
	for range winch {
		ws, err := unix.IoctlGetWinsize(0, unix.TIOCGWINSZ)
		if err == nil && (ws.Row != first.Row || ws.Col != first.Col) {
			fmt.Printf("winsize=%dx%d\n", ws.Row, ws.Col)
			return 0
		}
	}
	return 1
}

// floodMode writes N bytes of FloodPattern to stdout and exits with CODE.
func floodMode(args []string) int {
	if len(args) != 2 {
		fmt.Fprintln(os.Stderr, "probe: flood N CODE")
		return 2
	}
	n, _ := strconv.Atoi(args[0])
	code, _ := strconv.Atoi(args[1])
	buf := probereport.Flood(n)
	for len(buf) > 0 {
		w, err := os.Stdout.Write(buf)
		if err != nil {
			return 1
		}
		buf = buf[w:]
	}
	return code
}
