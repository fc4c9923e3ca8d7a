package isolation

import (
	"os"
	"os/signal"
	"sync"
	"syscall"

	"golang.org/x/sys/unix"
)

// InitSignals are the signals the init passes on to the target. Go's own
// SIGURG (goroutine preemption) is deliberately absent.
var InitSignals = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP,
	syscall.SIGQUIT, syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGWINCH}

// holdSignals catches InitSignals from the moment an init's spec is read,
// so that a signal sent while the sandbox is set up (a stop right after the
// start) is not lost: the init forwards it once the target runs.
func holdSignals() chan os.Signal {
	sigs := make(chan os.Signal, 64)
	signal.Notify(sigs, InitSignals...)
	return sigs
}

// initProc is the child staying as the sandbox's PID 1 (Spec.Init).
type initProc struct {
	// mu is held while a process is started and while children are
	// reaped, so that a pid is registered before its exit can be seen.
	mu     sync.Mutex
	target int
	// waiters get the status of processes started by exec requests.
	waiters map[int]chan<- unix.WaitStatus
	// spawns are exec requests for the locked thread to start.
	spawns chan spawnRequest
}

// runInit starts the target as a child of this process, which stays as
// PID 1: it forwards InitSignals to the target, reaps every process that
// ends up as its child and exits with the target's status. The target
// inherits this locked thread's credentials, capabilities and seccomp
// filter, exactly as if it had been executed in place. It returns only
// when the target cannot be started.
func runInit(s *Spec, sigs chan os.Signal) *StepError {
	// Without a pid namespace orphans must still come here, not to the host's init.
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0); err != nil {
		return stepErr("become child subreaper", err)
	}
	signal.Notify(sigs, syscall.SIGCHLD)
	in := &initProc{waiters: map[int]chan<- unix.WaitStatus{}, spawns: make(chan spawnRequest)}
	if err := in.startTarget(s); err != nil {
		return err
	}
	// The target runs: closing the status pipe tells the launcher so.
	unix.Close(StatusFD)
	startExecServer(in, s)
	os.Exit(in.loop(sigs, s))
	return nil
}

// startTarget forks and executes the target with the spec's argv and env.
func (in *initProc) startTarget(s *Spec) *StepError {
	prog, serr := resolveCommand(s)
	if serr != nil {
		return serr
	}
	attr := &syscall.ProcAttr{Env: s.Env, Files: []uintptr{0, 1, 2}, Sys: targetAttr()}
	in.mu.Lock()
	defer in.mu.Unlock()
	pid, err := syscall.ForkExec(prog, s.Args, attr)
	if err != nil {
		e := stepErr("exec "+s.Args[0], err)
		e.Exec = true
		return e
	}
	in.target = pid
	return nil
}

// targetAttr gives the target the terminal's foreground when the init
// holds it, so that the terminal's own signals reach the target once and
// the init does not forward a second copy.
func targetAttr() *syscall.SysProcAttr {
	a := &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if _, err := unix.IoctlGetInt(0, unix.TIOCGPGRP); err == nil {
		a.Setpgid, a.Foreground, a.Ctty = true, true, 0
	}
	return a
}

// loop forwards signals, reaps and starts exec'd commands until the
// target has ended, and returns the exit code that reports its end: its
// own, or 128+N for signal N. It runs on the locked thread.
func (in *initProc) loop(sigs <-chan os.Signal, s *Spec) int {
	for {
		select {
		case r := <-in.spawns:
			in.spawn(r, s)
		case sig := <-sigs:
			if sig != syscall.SIGCHLD {
				in.forward(sig.(syscall.Signal))
			} else if code, done := in.reap(); done {
				return code
			}
		}
	}
}

func (in *initProc) forward(sig syscall.Signal) {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.target > 0 {
		unix.Kill(in.target, sig)
	}
}

// reap collects every child that has ended and hands the status of exec'd
// processes to their waiters; done is set when the target has ended.
func (in *initProc) reap() (code int, done bool) {
	in.mu.Lock()
	defer in.mu.Unlock()
	for {
		var ws unix.WaitStatus
		pid, err := unix.Wait4(-1, &ws, unix.WNOHANG, nil)
		if err == unix.EINTR {
			continue
		}
		if pid <= 0 {
			return code, done
		}
		if pid == in.target {
			in.target, code, done = 0, exitStatus(ws), true
		}
		if ch, ok := in.waiters[pid]; ok {
			ch <- ws
			delete(in.waiters, pid)
		}
	}
}

// exitStatus is the exit code that reports ws: the code, or 128+N.
func exitStatus(ws unix.WaitStatus) int {
	if ws.Signaled() {
		return 128 + int(ws.Signal())
	}
	return ws.ExitStatus()
}
