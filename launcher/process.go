package launcher

import (
	"errors"
	"fmt"
	"io"
	"syscall"
	"time"

	"github.com/hclsandbox/sandbox/config"
	"github.com/hclsandbox/sandbox/isolation"
)

// Stdio is what a sandbox's standard streams are connected to. The
// sandbox never gets one of these descriptors itself, only pipes the
// launcher relays: a nil Stdin reads as empty, a nil writer discards.
type Stdio struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Terminal, when set, gives the sandbox a pseudo-terminal of this size
	// in its own devpts, made inside it, as its controlling terminal and
	// its stdin, stdout and stderr. The launcher relays Stdin to it and
	// its output to Stdout; Process.Resize changes its size. Every sandbox
	// runs in a session of its own, so it never shares the caller's
	// terminal.
	Terminal *Winsize
}

// ImmediateWriter is a writer whose Write never waits on what another
// stream does (relay.Tail keeps lines in memory). The launcher relays a
// sandbox's output to one on its one relay hub (relayhub_linux.go); to
// any other writer, such as up's line writers, which may wait for a long
// line of another stream to end, on a goroutine of the stream's own.
type ImmediateWriter interface {
	io.Writer
	// Immediate marks the writer; it does nothing.
	Immediate()
}

// Winsize is a terminal's size in characters.
type Winsize = isolation.Winsize

// Result is how a sandbox ended.
type Result struct {
	// Name is the sandbox's name.
	Name string `json:"name"`
	// ExitCode is the launcher's exit code for this sandbox: the command's
	// own, 128+N when killed by signal N, 125/126/127 when it never ran.
	ExitCode int `json:"exit_code"`
	// Signal is the signal that killed the command, or 0.
	Signal syscall.Signal `json:"signal,omitempty"`
	// SetupError is the failed step when the command never ran.
	SetupError *isolation.StepError `json:"setup_error,omitempty"`
	// Duration is the wall time from start to end.
	Duration time.Duration `json:"duration_ns"`
	// TimedOut is set when the plan's timeout killed the sandbox; ExitCode
	// is then ExitTimeout.
	TimedOut bool `json:"timed_out,omitempty"`
	// Timeout is the plan's timeout.
	Timeout time.Duration `json:"timeout_ns,omitempty"`
	// OOMKilled is set when the command was SIGKILLed and the cgroup's own
	// counter shows an OOM kill; never inferred from the exit code alone.
	OOMKilled bool `json:"oom_killed,omitempty"`
	// MemoryLimit is the configured memory limit in bytes, or 0.
	MemoryLimit uint64 `json:"memory_limit_bytes,omitempty"`
	// Usage is what the sandbox consumed, or nil when it had no cgroup.
	Usage *Usage `json:"usage,omitempty"`
	// Warnings are limits that were not enforced (limits { strict = false }).
	Warnings []string `json:"warnings,omitempty"`
}

// Describe is a short human account of the result: "exited 0",
// "killed by SIGKILL", or the failed step; followed by "oom-killed: N
// processes" when the OOM killer killed any process but the first alone.
func (r *Result) Describe() string {
	if n := r.otherOOMKills(); n > 0 {
		return r.describe() + ", " + OOMNote(n)
	}
	return r.describe()
}

func (r *Result) describe() string {
	switch {
	case r.SetupError != nil:
		return r.SetupError.Error()
	case r.TimedOut:
		return fmt.Sprintf("timed out after %s", r.Timeout)
	case r.OOMKilled && r.MemoryLimit > 0:
		return fmt.Sprintf("killed: out of memory (limit %s)", config.FormatSize(r.MemoryLimit))
	case r.OOMKilled:
		return "killed: out of memory"
	case r.Signal != 0:
		return fmt.Sprintf("killed by %s", signalName(r.Signal))
	}
	return fmt.Sprintf("exited %d", r.ExitCode)
}

// ErrNoClaim is Start's error without the claim of the sandbox's name.
var ErrNoClaim = errors.New("a sandbox starts only under the claim of its name")

// SetupFailed is Start's error when the plan was refused or a setup step
// of the child failed: its Result names the step and the exit code.
type SetupFailed struct{ Result *Result }

func (e *SetupFailed) Error() string { return e.Result.SetupError.Error() }

// Unwrap is the failed step's error.
func (e *SetupFailed) Unwrap() error { return e.Result.SetupError }
