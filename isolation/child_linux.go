package isolation

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"
)

// ChildArg is the hidden first argument with which the launcher re-executes
// its own binary as the child. The child reads its Spec from fd SpecFD and
// reports a failed step on fd StatusFD, which closes when the target is
// executed.
const (
	ChildArg = "__sandbox_child__"
	SpecFD   = 3
	StatusFD = 4
)

// initName is the child's command name, NUL-terminated for prctl.
var initName = []byte(InitName + "\x00")

// InitName is the command name of the child, and so of a sandbox's init.
const InitName = "sandbox-init"

// IsChild reports whether this process was started as a sandbox child.
func IsChild() bool {
	return len(os.Args) > 1 && os.Args[1] == ChildArg
}

// ChildMain performs the Spec read from SpecFD and executes the target. It
// returns only by exiting the process: on success the target has replaced it,
// on failure the failed step has been written to StatusFD.
func ChildMain() {
	// Credentials, capabilities and seccomp are per thread until execve.
	runtime.LockOSThread()
	// Named for what it is in ps, not for the descriptor it was executed
	// through; the target's exec renames it.
	unix.Prctl(unix.PR_SET_NAME, uintptr(unsafe.Pointer(&initName[0])), 0, 0, 0)
	status := os.NewFile(StatusFD, "status")
	err := childRun()
	report(status, err)
	os.Exit(err.ExitCode())
}

// childRun carries out the spec; it returns only on failure.
func childRun() *StepError {
	// Nothing the launcher inherited may reach the target (CVE-2024-21626);
	// the status pipe closes at execve, which tells the launcher it ran.
	if err := unix.CloseRange(StatusFD, ^uint(0), unix.CLOSE_RANGE_CLOEXEC); err != nil {
		return stepErr("mark inherited fds close-on-exec", err)
	}
	// The first steps (startSteps) come before the spec when the launcher
	// named them in the arguments (early), else once it is read. Among
	// them, an init holds the signals that arrive during setup for its
	// target. Otherwise the Go runtime's own handlers end the child on a
	// signal that would end a process, as nothing inside the sandbox runs
	// yet: cheaper than watching for them (about 1.5 ms of a start).
	early, err := parseEarly(os.Args[2:])
	if err != nil {
		return err
	}
	var sigs chan os.Signal
	if early != nil {
		if sigs, err = early.run(); err != nil {
			return err
		}
	}
	spec, err := readSpec()
	if err != nil {
		return err
	}
	if early != nil {
		err = early.agrees(spec)
	} else {
		sigs, err = startSteps(spec)
	}
	if err != nil {
		return err
	}
	// The child is in its cgroup by now: cloned into it, or moved there
	// before the launcher sent the spec.
	if spec.UnshareCgroup {
		if err := unshareCgroup(); err != nil {
			return err
		}
	}
	// Before any step that could start a process: the offsets are
	// written before the first one enters the namespace.
	if spec.TimeOffsets != nil {
		if err := enterTimeNamespace(spec.TimeOffsets); err != nil {
			return err
		}
	}
	if err := setup(spec); err != nil {
		return err
	}
	if spec.Init {
		return runInit(spec, sigs)
	}
	return execTarget(spec)
}

// startSteps are the steps before the namespaces' own, which a child
// that took its early steps (early) has taken: becoming root in its user
// namespace, limiting its bounding set where that comes first, and an
// init's holding its signals, which come back.
func startSteps(spec *Spec) (chan os.Signal, *StepError) {
	if spec.BecomeRoot {
		if err := becomeRoot(); err != nil {
			return nil, err
		}
	}
	if boundingFirst(spec) {
		if err := limitBounding(spec); err != nil {
			return nil, err
		}
	}
	if spec.Init {
		return holdSignals(), nil
	}
	return nil, nil
}

// readSpec decodes the Spec from SpecFD and closes it.
func readSpec() (*Spec, *StepError) {
	f := os.NewFile(SpecFD, "spec")
	defer f.Close()
	b, err := io.ReadAll(f)
	var s Spec
	if err == nil {
		err = s.UnmarshalBinary(b)
	}
	if err != nil {
		return nil, &StepError{Step: "read plan", Msg: err.Error()}
	}
	return &s, nil
}

// report writes a failed step to the status pipe for the parent.
func report(status *os.File, e *StepError) {
	b, err := json.Marshal(e)
	if err == nil {
		_, err = status.Write(b)
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "sandbox: %v\n", e)
	}
}

// setup performs every filesystem and identity step of the spec in the
// current process, which must already be in its new namespaces.
func setup(s *Spec) *StepError {
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return stepErr("make / private", err)
	}
	if err := enterBase(); err != nil {
		return err
	}
	null, err := buildRoot(s)
	if err != nil {
		return err
	}
	defer null.Close()
	if err := pivotInto(newRootDir, s.Root.Readonly); err != nil {
		return err
	}
	if err := maskPaths(s.MaskedPaths, null); err != nil {
		return err
	}
	if err := readonlyPaths(s.ReadonlyPaths); err != nil {
		return err
	}
	if s.Loopback {
		if err := loopbackUp(); err != nil {
			return err
		}
	}
	if s.Hostname != "" {
		if err := unix.Sethostname([]byte(s.Hostname)); err != nil {
			return stepErr("set hostname "+s.Hostname, err)
		}
	}
	if err := setOOMScoreAdj(s.OOMScoreAdj); err != nil {
		return err
	}
	// From here until execve nothing inside the sandbox may ptrace this
	// process or read its memory. Not earlier: in a user namespace a
	// non-dumpable process no longer owns its /proc/self, which the mounts
	// and oom_score_adj go through.
	if err := unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0); err != nil {
		return stepErr("make child non-dumpable", err)
	}
	if err := enterWorkdir(s.Cwd); err != nil {
		return err
	}
	if !boundingFirst(s) {
		if err := limitBounding(s); err != nil {
			return err
		}
	}
	if err := dropPrivileges(s); err != nil {
		return err
	}
	if err := attachTerminal(s); err != nil {
		return err
	}
	// After every step that opens files, so that a low nofile or fsize
	// cannot break one.
	if err := setRlimits(s.Rlimits); err != nil {
		return err
	}
	return loadSeccomp(s.Seccomp)
}

// enterWorkdir changes to dir and checks that the result is really dir, so a
// working directory cannot point outside the sandbox through an inherited
// handle.
func enterWorkdir(dir string) *StepError {
	if dir == "" {
		dir = "/"
	}
	if err := unix.Chdir(dir); err != nil {
		return stepErr("chdir to workdir "+dir, err)
	}
	got, err := os.Getwd()
	if err != nil {
		return stepErr("chdir to workdir "+dir+": read it back", err)
	}
	if got != dir {
		return &StepError{Step: "chdir to workdir " + dir, Msg: fmt.Sprintf("working directory is %q", got)}
	}
	return nil
}
