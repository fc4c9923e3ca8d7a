package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"

	"github.com/hclsandbox/sandbox/launcher"
	"github.com/hclsandbox/sandbox/launcher/state"
	"github.com/spf13/cobra"
	"golang.org/x/sys/unix"
)

// detachedEnv marks the re-executed process of up -d as the detached
// supervisor; readyFD is its pipe back to the command that started it.
const (
	detachedEnv = "SANDBOX_DETACHED_SUPERVISOR"
	readyFD     = 3
)

// addDetachFlag gives up its -d flag: the command re-executes itself as a
// supervisor in a session of its own, prints what started, and returns.
func (e *env) addDetachFlag(cmd *cobra.Command) *cobra.Command {
	var detach bool
	run := cmd.RunE
	cmd.RunE = func(c *cobra.Command, args []string) error {
		if v, _ := e.lookupEnv(detachedEnv); v == "1" {
			e.detached = true
			e.ready = &readiness{w: os.NewFile(readyFD, "ready")}
		} else if detach {
			return e.detach()
		}
		return run(c, args)
	}
	cmd.Flags().BoolVarP(&detach, "detach", "d", false,
		"run in the background; output goes to each sandbox's log ('sandbox logs NAME')")
	return cmd
}

// detach starts the supervisor and relays its reports until every
// sandbox has started or failed. Configuration errors are printed by the
// supervisor itself, which shares this command's stdout and stderr until
// then.
func (e *env) detach() error {
	r, w, err := os.Pipe()
	if err != nil {
		return exitf(exitSetup, "create supervisor pipe: %v", err)
	}
	defer r.Close()
	cmd := &exec.Cmd{Path: "/proc/self/exe", Args: os.Args,
		Env:    append(os.Environ(), detachedEnv+"=1"),
		Stdout: os.Stdout, Stderr: os.Stderr, ExtraFiles: []*os.File{w},
		SysProcAttr: &syscall.SysProcAttr{Setsid: true}}
	err = cmd.Start()
	w.Close()
	if err != nil {
		return exitf(exitSetup, "start supervisor: %v", err)
	}
	started, failed := 0, 0
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		if name, ok := strings.CutPrefix(sc.Text(), "started "); ok {
			started++
			fmt.Fprintf(e.stdout, "%s\n", name)
		} else {
			failed++
		}
	}
	if started == 0 {
		// The supervisor has nothing to run and is ending: its code is ours.
		return exitFromWait(cmd.Wait())
	}
	cmd.Process.Release()
	if failed > 0 {
		return exitCode(exitSetup)
	}
	return nil
}

// exitFromWait turns the supervisor's end into this command's exit.
func exitFromWait(err error) error {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return exitCode(ee.ExitCode())
	}
	if err != nil {
		return exitf(exitSetup, "supervisor: %v", err)
	}
	return exitCode(exitSetup)
}

// readiness reports to the command that started the detached supervisor
// how each sandbox's start went, and lets it go once all have.
type readiness struct {
	mu      sync.Mutex
	w       *os.File
	pending int
}

// expect sets how many sandboxes will report.
func (r *readiness) expect(n int) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.pending = n
	r.closeIfDone()
}

// report tells how one sandbox's start went: pid > 0 means it runs.
func (r *readiness) report(name string, pid int) {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if pid > 0 {
		fmt.Fprintf(r.w, "started %s (pid %d)\n", name, pid)
	} else {
		fmt.Fprintf(r.w, "failed %s\n", name)
	}
	r.pending--
	r.closeIfDone()
}

// closeIfDone lets the starting command go: the supervisor's stdout and
// stderr move to /dev/null, so that it keeps no terminal or pipe open,
// then the pipe closes.
func (r *readiness) closeIfDone() {
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

// detachedStdio sends a detached sandbox's output to its log.
func detachedStdio(c *state.Claim) (launcher.Stdio, func(), error) {
	lw, err := state.OpenLog(c.Dir(), state.DefaultLogSize)
	if err != nil {
		return launcher.Stdio{}, nil, err
	}
	return launcher.Stdio{Stdout: lw, Stderr: lw}, func() { lw.Close() }, nil
}
