package runner

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"

	"github.com/hclsandbox/sandbox/internal/exitcode"
	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/state"
	"golang.org/x/sys/unix"
)

// DetachedEnv marks the re-executed process of up -d as the detached
// supervisor; ReadyFD is its pipe back to the command that started it.
const (
	DetachedEnv = "SANDBOX_DETACHED_SUPERVISOR"
	ReadyFD     = 3
)

// Detach starts the supervisor (this command again, in a session of its
// own) and relays its reports until every sandbox has started or failed.
// Configuration errors are printed by the supervisor itself, which
// shares this command's stdout and stderr until then.
func (r *Runner) Detach() error {
	rd, w, err := os.Pipe()
	if err != nil {
		return exitcode.Errorf(exitcode.Setup, "create supervisor pipe: %v", err)
	}
	defer rd.Close()
	cmd := &exec.Cmd{Path: "/proc/self/exe", Args: os.Args,
		Env:    append(os.Environ(), DetachedEnv+"=1"),
		Stdout: os.Stdout, Stderr: os.Stderr, ExtraFiles: []*os.File{w},
		SysProcAttr: &syscall.SysProcAttr{Setsid: true}}
	err = cmd.Start()
	w.Close()
	if err != nil {
		return exitcode.Errorf(exitcode.Setup, "start supervisor: %v", err)
	}
	started, failed, other := 0, 0, 0
	sc := bufio.NewScanner(rd)
	for sc.Scan() {
		what, rest, _ := strings.Cut(sc.Text(), " ")
		switch what {
		case "started", "recreated":
			started++
		case "failed":
			failed++
			continue
		default:
			other++
		}
		fmt.Fprintln(r.Stdout, outcomeLine(what, rest))
	}
	if started == 0 {
		// The supervisor has nothing to run and is ending: its code is
		// ours; nothing to start after keeping or removing is success.
		err := cmd.Wait()
		if err == nil && other > 0 && failed == 0 {
			return nil
		}
		return exitFromWait(err)
	}
	cmd.Process.Release()
	if failed > 0 {
		return exitcode.Code(exitcode.Setup)
	}
	return nil
}

// outcomeLine is the line up -d prints for what the supervisor reported
// of one sandbox: "web  started (pid 42)", "web  running (unchanged)".
// A name may hold spaces (a for_each key): the pid is cut off the end.
func outcomeLine(what, rest string) string {
	name, pid := rest, ""
	if i := strings.LastIndex(rest, " (pid "); i >= 0 {
		name, pid = rest[:i], rest[i+1:]
	}
	switch what {
	case "kept":
		return name + "  running (unchanged)"
	case "removed":
		return name + "  removed"
	}
	return strings.TrimSpace(name + "  " + what + " " + pid)
}

// exitFromWait turns the supervisor's end into this command's exit.
func exitFromWait(err error) error {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return exitcode.Code(ee.ExitCode())
	}
	if err != nil {
		return exitcode.Errorf(exitcode.Setup, "supervisor: %v", err)
	}
	return exitcode.Code(exitcode.Setup)
}

// Readiness reports to the command that started the detached supervisor
// how each sandbox's start went, and lets it go once all have.
type Readiness struct {
	mu      sync.Mutex
	w       *os.File
	pending int
	// recreated are the names whose start replaces another plan's run.
	recreated map[string]bool
}

// Expect sets how many sandboxes will report.
func (r *Readiness) Expect(n int) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.pending = n
	r.closeIfDone()
}

// Report tells how one sandbox's start went: pid > 0 means it runs.
func (r *Readiness) Report(name string, pid int) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case pid > 0 && r.recreated[name]:
		fmt.Fprintf(r.w, "recreated %s (pid %d)\n", name, pid)
	case pid > 0:
		fmt.Fprintf(r.w, "started %s (pid %d)\n", name, pid)
	default:
		fmt.Fprintf(r.w, "failed %s\n", name)
	}
	r.pending--
	r.closeIfDone()
}

// closeIfDone lets the starting command go: the supervisor's stdout and
// stderr move to /dev/null, so that it keeps no terminal or pipe open,
// then the pipe closes.
func (r *Readiness) closeIfDone() {
	if r.pending > 0 || r.w == nil {
		return
	}
	if null, err := unix.Open("/dev/null", unix.O_RDWR, 0); err == nil {
		unix.Dup2(null, 1)
		unix.Dup2(null, 2)
		unix.Close(null)
	}
	r.w.Close()
	r.w = nil
}

// A detached sandbox's log takes its output on the relay hub.
var _ launcher.ImmediateWriter = (*state.LogWriter)(nil)

// DetachedStdio sends a detached sandbox's output to its log, stdout and
// stderr through one pipe, in the order they were written.
func DetachedStdio(c *state.Claim) (launcher.Stdio, func(), error) {
	lw, err := state.OpenLog(c.Dir(), state.DefaultLogSize)
	if err != nil {
		return launcher.Stdio{}, nil, err
	}
	return launcher.Stdio{Stdout: lw, Stderr: lw}, func() { lw.Close() }, nil
}

// NewReadiness reports on w, the pipe inherited as ReadyFD.
func NewReadiness(w *os.File) *Readiness { return &Readiness{w: w} }
