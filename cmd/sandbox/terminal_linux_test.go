package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hclsandbox/sandbox/config"
	probereport "github.com/hclsandbox/sandbox/internal/probe/report"
	"github.com/hclsandbox/sandbox/internal/testenv"
	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/state"
	"golang.org/x/sys/unix"
)

// callerTerminal is a pty that stands for the terminal the launcher is
// started on: the command gets the slave as its stdin, stdout and stderr,
// and the test reads what reaches the screen from the master.
type callerTerminal struct {
	master, slave *os.File
	mu            sync.Mutex
	screen        []byte
	changed       chan struct{}
}

func newCallerTerminal(t *testing.T) *callerTerminal {
	t.Helper()
	c := &callerTerminal{changed: make(chan struct{}, 1)}
	c.master, c.slave = testenv.OpenPTY(t)
	c.resize(t, 24, 80)
	go func() {
		buf := make([]byte, 64<<10)
		for {
			n, err := c.master.Read(buf)
			c.mu.Lock()
			c.screen = append(c.screen, buf[:n]...)
			c.mu.Unlock()
			select {
			case c.changed <- struct{}{}:
			default:
			}
			if err != nil {
				return
			}
		}
	}()
	return c
}

// env is a launcher environment on the caller's terminal, with its state
// in stateDir.
func (c *callerTerminal) env(stateDir string) *env {
	e := newEnv()
	e.stdin, e.stdout, e.stderr, e.format = c.slave, c.slave, c.slave, "text"
	e.lookupEnv = func(k string) (string, bool) {
		switch k {
		case "SANDBOX_RUN":
			return stateDir, true
		case "SANDBOX_PROJECT":
			return execProject, true
		}
		return os.LookupEnv(k)
	}
	return e
}

func (c *callerTerminal) resize(t *testing.T, rows, cols uint16) {
	t.Helper()
	if err := unix.IoctlSetWinsize(int(c.slave.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: rows, Col: cols}); err != nil {
		t.Fatal(err)
	}
}

// waitFor waits until what reached the screen satisfies done, and returns it.
func (c *callerTerminal) waitFor(t *testing.T, what string, done func(screen []byte) bool) []byte {
	t.Helper()
	deadline := time.After(20 * time.Second) // only a hang ends here
	for {
		c.mu.Lock()
		screen := append([]byte(nil), c.screen...)
		c.mu.Unlock()
		if done(screen) {
			return screen
		}
		select {
		case <-c.changed:
		case <-deadline:
			t.Fatalf("the screen never showed %s; it shows %q", what, tail(screen))
		}
	}
}

// line waits for a line with prefix on the screen and returns it.
func (c *callerTerminal) line(t *testing.T, prefix string) string {
	t.Helper()
	var found string
	c.waitFor(t, "a line starting "+prefix, func(screen []byte) bool {
		lines := bytes.Split(screen, []byte("\n"))
		for _, l := range lines[:len(lines)-1] { // the last one is not complete
			if s := strings.TrimRight(string(l), "\r"); strings.HasPrefix(s, prefix) {
				found = s
				return true
			}
		}
		return false
	})
	return found
}

func (c *callerTerminal) termios(t *testing.T) unix.Termios {
	t.Helper()
	tio, err := unix.IoctlGetTermios(int(c.slave.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	return *tio
}

func tail(b []byte) []byte {
	return b[max(0, len(b)-400):]
}

// probeConfig writes a configuration declaring sandbox "box" on a fresh
// probe rootfs with the given command, and returns its path.
func probeConfig(t *testing.T, command ...string) string {
	t.Helper()
	rootfs := testenv.Rootfs(t)
	words, _ := json.Marshal(command)
	cfg := filepath.Join(t.TempDir(), "box.hcl")
	body := fmt.Sprintf("sandbox \"box\" {\n  rootfs = %q\n  command = %s\n}\n", rootfs, words)
	if err := os.WriteFile(cfg, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// stdioReport decodes the probe's stdio report from the screen.
func stdioReport(t *testing.T, c *callerTerminal) []probereport.StdioFD {
	t.Helper()
	var fds []probereport.StdioFD
	if err := json.Unmarshal([]byte(c.line(t, "[{")), &fds); err != nil || len(fds) != 3 {
		t.Fatalf("decode the probe's stdio report: %v", err)
	}
	return fds
}

// checkOwnPty fails unless fds 0-2 are all a terminal of the sandbox's
// own devpts, never the caller's terminal or another of the host's.
func checkOwnPty(t *testing.T, c *callerTerminal, fds []probereport.StdioFD) {
	t.Helper()
	var caller syscall.Stat_t
	if err := syscall.Fstat(int(c.slave.Fd()), &caller); err != nil {
		t.Fatal(err)
	}
	for _, fd := range fds {
		if !fd.Terminal || !fd.OwnDevpts {
			t.Errorf("fd %d inside is %s %s (terminal %v), want a pty of the sandbox's own devpts", fd.FD, fd.Type, fd.Link, fd.Terminal)
		}
		if fd.Dev == caller.Dev || fd.ReopenDev == caller.Dev {
			t.Errorf("fd %d inside is on the host's devpts (%s)", fd.FD, fd.Link)
		}
	}
}

// Checklist 16: run on a terminal gives the sandbox a terminal of its own,
// so TIOCSTI inside cannot push input into the caller's terminal.
func TestRunOnTerminalGetsItsOwnPty(t *testing.T) {
	testenv.RequireRoot(t)
	cfg := probeConfig(t, "/probe", "tiocsti")
	c := newCallerTerminal(t)
	var st syscall.Stat_t
	if err := syscall.Fstat(int(c.slave.Fd()), &st); err != nil {
		t.Fatal(err)
	}
	if code := c.env(t.TempDir()).main([]string{"run", cfg, "box"}); code != 0 {
		t.Fatalf("run exited %d: %q", code, tail(c.screen))
	}
	// A pty of another devpts can have the same number: compare both.
	if line := c.line(t, "stdin-rdev="); strings.HasPrefix(line, fmt.Sprintf("stdin-rdev=%d stdin-dev=%d ", st.Rdev, st.Dev)) {
		t.Fatalf("the sandbox's stdin is the caller's terminal: %q", line)
	}
}

// run on a terminal: the sandbox's terminal is a pty of its own devpts,
// so `tty` names it, and nothing inside holds the host's devpts, nor the
// socket that carried the pty's master out (checklist 14).
func TestRunOnTerminalUsesTheSandboxDevpts(t *testing.T) {
	testenv.RequireRoot(t)
	if _, err := os.Stat("/bin/busybox"); err != nil {
		testenv.Missing(t, "needs busybox-static")
	}
	cfg := probeConfig(t, "/bin/sh", "-c", "/bin/busybox tty; /probe fds; exec /probe stdio")
	c := newCallerTerminal(t)
	if code := c.env(t.TempDir()).main([]string{"run", cfg, "box"}); code != 0 {
		t.Fatalf("run exited %d: %q", code, tail(c.screen))
	}
	if got := c.line(t, "/"); got != "/dev/pts/0" {
		t.Errorf("tty inside printed %q, want /dev/pts/0", got)
	}
	if got := c.line(t, "0 "); got != "0 1 2" {
		t.Errorf("fds inside = %q, want only 0 1 2", got)
	}
	checkOwnPty(t, c, stdioReport(t, c))
}

// run on a terminal: the caller's window size is the sandbox's, and a
// change (SIGWINCH) reaches it.
func TestRunOnTerminalWindowSize(t *testing.T) {
	testenv.RequireRoot(t)
	cfg := probeConfig(t, "/probe", "winsize")
	c := newCallerTerminal(t)
	c.resize(t, 30, 100)
	code := make(chan int, 1)
	go func() { code <- c.env(t.TempDir()).main([]string{"run", cfg, "box"}) }()
	if got := c.line(t, "winsize="); got != "winsize=30x100" {
		t.Errorf("first size inside = %q, want winsize=30x100", got)
	}
	c.resize(t, 40, 120)
	syscall.Kill(os.Getpid(), syscall.SIGWINCH) // what the terminal sends its foreground
	if got := <-code; got != 0 {
		t.Fatalf("run exited %d: %q", got, tail(c.screen))
	}
	if got := c.line(t, "winsize=40"); got != "winsize=40x120" {
		t.Errorf("size inside after the change = %q, want winsize=40x120", got)
	}
}

// run on a terminal: all of a large output arrives before the exit code,
// which is the payload's, and the caller's terminal modes come back.
func TestRunOnTerminalOutputExitAndModes(t *testing.T) {
	testenv.RequireRoot(t)
	const size = 1 << 20
	cfg := probeConfig(t, "/probe", "flood", fmt.Sprint(size), "3")
	c := newCallerTerminal(t)
	before := c.termios(t)
	if code := c.env(t.TempDir()).main([]string{"run", cfg, "box"}); code != 3 {
		t.Errorf("run exited %d, want 3", code)
	}
	if after := c.termios(t); after != before {
		t.Errorf("the caller's terminal modes were not restored:\nbefore %+v\nafter  %+v", before, after)
	}
	checkFlood(t, c, size)
}

// checkFlood waits for the probe's flood of size bytes on the screen and
// compares it.
func checkFlood(t *testing.T, c *callerTerminal, size int) {
	t.Helper()
	want := probereport.Flood(size)
	screen := c.waitFor(t, fmt.Sprintf("%d bytes", size), func(s []byte) bool { return len(s) >= size })
	if !bytes.Equal(screen, want) {
		t.Errorf("the screen got %d bytes, not the %d the sandbox wrote (first difference at %d)", len(screen), size, firstDiff(screen, want))
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// exec -t from a terminal: the command gets a pty of the sandbox's own
// devpts, its window size, all its output before its exit code, and the
// caller's terminal modes come back.
func TestExecOnTerminal(t *testing.T) {
	testenv.RequireRoot(t)
	state := t.TempDir()
	stop := startForExec(t, state)
	defer stop()
	t.Run("pty", func(t *testing.T) {
		c := newCallerTerminal(t)
		if code := c.env(state).main([]string{"exec", "-t", "box", "/probe", "stdio"}); code != 0 {
			t.Fatalf("exec exited %d: %q", code, tail(c.screen))
		}
		checkOwnPty(t, c, stdioReport(t, c))
	})
	t.Run("fds", func(t *testing.T) {
		c := newCallerTerminal(t)
		if code := c.env(state).main([]string{"exec", "-t", "box", "/probe", "fds"}); code != 0 {
			t.Fatalf("exec exited %d: %q", code, tail(c.screen))
		}
		if got := c.line(t, "0"); got != "0 1 2" {
			t.Errorf("fds of the exec'd command = %q, want only 0 1 2", got)
		}
	})
	t.Run("window size", func(t *testing.T) {
		c := newCallerTerminal(t)
		c.resize(t, 33, 99)
		if code := c.env(state).main([]string{"exec", "-t", "box", "/bin/sh", "-c", "/bin/busybox stty size"}); code != 0 {
			t.Fatalf("exec exited %d: %q", code, tail(c.screen))
		}
		if got := c.line(t, "33"); got != "33 99" {
			t.Errorf("stty size inside = %q, want 33 99", got)
		}
	})
	t.Run("output, exit and modes", func(t *testing.T) {
		const size = 1 << 20
		c := newCallerTerminal(t)
		before := c.termios(t)
		if code := c.env(state).main([]string{"exec", "-it", "box", "/probe", "flood", fmt.Sprint(size), "3"}); code != 3 {
			t.Errorf("exec exited %d, want 3", code)
		}
		if after := c.termios(t); after != before {
			t.Errorf("the caller's terminal modes were not restored:\nbefore %+v\nafter  %+v", before, after)
		}
		checkFlood(t, c, size)
	})
}

// execProject is the project of the sandbox that startForExec starts.
const execProject = "term"

// startForExec starts sandbox "box", running a shell with the init, with
// its state in root, and returns what stops it.
func startForExec(t *testing.T, root string) (stop func()) {
	t.Helper()
	rootfs := testenv.Rootfs(t)
	testenv.RequireBusybox(t, rootfs)
	s := &config.Sandbox{Name: "box", Rootfs: rootfs, Command: []string{"/bin/sh", "-c", "sleep 60"},
		Namespaces: append([]string(nil), config.Namespaces...)}
	plan := launcher.NewPlan(s, launcher.ProbeHost())
	claim, err := launcher.Claim(context.Background(), state.Dir{Root: root, Project: execProject}, plan, false)
	if err != nil {
		t.Fatal(err)
	}
	proc, err := launcher.Start(context.Background(), plan, launcher.Stdio{}, claim)
	if err != nil {
		claim.Release()
		t.Fatalf("Start = %v", err)
	}
	return func() {
		proc.Signal(syscall.SIGKILL)
		proc.Wait()
		claim.Release()
	}
}
